package web_test

import (
	"net/http"
	"testing"
)

// TestSlugsInAnotherCaseRedirect checks that a tag, topic or subtopic address typed in
// capitals is sent, for good, to the address in lower case, with its feed suffix and query.
func TestSlugsInAnotherCaseRedirect(t *testing.T) {
	site := sharedSite(t)
	for _, c := range []struct{ path, want string }{
		{"/tags/NETWORK", "/tags/network"},
		{"/tags/Network.rss?sort=newest", "/tags/network.rss?sort=newest"},
		{"/tags/NETWORK.atom?filter=answered&sort=views", "/tags/network.atom?filter=answered&sort=views"},
		{"/topics/App-System-Services", "/topics/app-system-services"},
		{"/topics/APP-SYSTEM-SERVICES.RSS", "/topics/app-system-services.rss"},
		{"/topics/app-system-services/Networking?sort=replies", "/topics/app-system-services/networking?sort=replies"},
		{"/topics/App-System-Services/NETWORKING.atom", "/topics/app-system-services/networking.atom"},
	} {
		res, _ := site.get(t, c.path)
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != c.want {
			t.Errorf("GET %s answered %d to %q, want 301 to %q", c.path, res.StatusCode, res.Header.Get("Location"), c.want)
			continue
		}
		if res, _ := site.get(t, c.want); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s (redirected from %s) answered %d", c.want, c.path, res.StatusCode)
		}
	}
	if res, _ := site.get(t, "/tags/NO-SUCH-TAG"); res.StatusCode != http.StatusMovedPermanently {
		t.Errorf("an unknown tag in capitals answered %d: a redirect, then a 404, as in lower case", res.StatusCode)
	}
}
