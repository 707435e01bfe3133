package web_test

import (
	"net/http"
	"testing"
)

func TestEveryPageAnswers(t *testing.T) {
	site := sharedSite(t)
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/", 200}, {"/threads", 200}, {"/tags", 200}, {"/tags/network", 200}, {"/threads/1", 200},
		{"/tags/no-such-tag", 404}, {"/threads/0", 404}, {"/tags/network?sort=hot", 400},
	} {
		res, _ := site.get(t, c.path)
		if res.StatusCode != c.status {
			t.Errorf("GET %s: %d, want %d", c.path, res.StatusCode, c.status)
		}
	}
	if res, _ := site.get(t, "/healthz"); res.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", res.StatusCode)
	}
}
