package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// browser is an HTTP client with cookies that does not follow redirects, so a test sees
// each answer the way a browser receives it.
type browser struct {
	t    *testing.T
	site *testSite
	c    *http.Client
}

func newBrowser(t *testing.T, site *testSite) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, site: site, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (*http.Response, *html.Node) {
	b.t.Helper()
	res, err := b.c.Get(b.site.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := html.Parse(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return res, doc
}

// submit fetches the form page at path, fills the named fields and posts the form the page
// holds, hidden fields (the CSRF token) included.
func (b *browser) submit(path string, fields map[string]string) (*http.Response, *html.Node) {
	b.t.Helper()
	return b.submitTo(path, "", fields)
}

// submitTo is submit for the form posting to action, when a page has several ("" for the first).
func (b *browser) submitTo(path, action string, fields map[string]string) (*http.Response, *html.Node) {
	b.t.Helper()
	_, doc := b.get(path)
	main := find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "main" })
	form := find(main, func(n *html.Node) bool {
		return n.Type == html.ElementNode && n.Data == "form" && attr(n, "method") == "post" && (action == "" || attr(n, "action") == action)
	})
	if form == nil {
		b.t.Fatalf("no form on %s", path)
	}
	values := url.Values{}
	for _, in := range findAll(form, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "input" }) {
		if attr(in, "type") == "hidden" {
			values.Set(attr(in, "name"), attr(in, "value"))
		}
	}
	for k, v := range fields {
		values.Set(k, v)
	}
	return b.post(attr(form, "action"), values)
}

func (b *browser) post(path string, values url.Values) (*http.Response, *html.Node) {
	b.t.Helper()
	res, err := b.c.PostForm(b.site.URL+path, values)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	doc, _ := html.Parse(res.Body)
	return res, doc
}

// signedInAs reads the header's user link, "" when the page shows a reader without a session.
func (b *browser) signedInAs() string {
	b.t.Helper()
	_, doc := b.get("/tags")
	nav := find(doc, func(n *html.Node) bool {
		return n.Type == html.ElementNode && n.Data == "nav" && attr(n, "aria-label") == "Site"
	})
	for _, a := range findAll(nav, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "a" }) {
		if strings.HasPrefix(attr(a, "href"), "/users/") {
			return textOf(a)
		}
	}
	return ""
}

func fieldError(doc *html.Node, field string) string {
	if n := find(doc, func(n *html.Node) bool { return attr(n, "id") == field+"-error" }); n != nil {
		return textOf(n)
	}
	return ""
}

func inputValue(doc *html.Node, id string) string {
	return attr(find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "input" && attr(n, "id") == id }), "value")
}

var ana = map[string]string{"handle": "ana_dev", "display_name": "Ana Lima", "email": "ana@example.com", "password": "correct horse battery"}

func TestSignUpSignOutSignIn(t *testing.T) {
	site := newSite(t, tinyForum)
	b := newBrowser(t, site)
	res, _ := b.submit("/signup", ana)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("sign up answered %d to %q, want 303 to /", res.StatusCode, res.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "parley_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure over plain HTTP", session)
	}
	if got := b.signedInAs(); got != "Ana Lima" {
		t.Fatalf("after signing up the header shows %q, want Ana Lima", got)
	}
	if _, err := site.Store.UserByHandle(context.Background(), "ana_dev"); err != nil {
		t.Fatalf("the account was not stored: %v", err)
	}

	res, _ = b.submit("/logout", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out answered %d", res.StatusCode)
	}
	if got := b.signedInAs(); got != "" {
		t.Fatalf("after signing out the header still shows %q", got)
	}
	// The old cookie is worth nothing now, even if a copy survived.
	stale := newBrowser(t, site)
	stale.c.Jar.SetCookies(mustURL(t, site.URL), []*http.Cookie{{Name: "parley_session", Value: session.Value}})
	if got := stale.signedInAs(); got != "" {
		t.Fatalf("a signed-out session still signs in as %q", got)
	}

	res, _ = b.submit("/login", map[string]string{"handle": "ANA_DEV", "password": ana["password"]})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in answered %d", res.StatusCode)
	}
	for _, c := range res.Cookies() {
		if c.Name == "parley_session" && c.Value == session.Value {
			t.Error("signing in reused the old session token instead of a new one")
		}
	}
	if got := b.signedInAs(); got != "Ana Lima" {
		t.Fatalf("after signing in the header shows %q", got)
	}
}

func TestSignUpErrorsKeepWhatWasTyped(t *testing.T) {
	site := newSite(t, tinyForum)
	newBrowser(t, site).submit("/signup", ana)
	cases := []struct {
		name   string
		change map[string]string
		field  string
	}{
		{"bad email", map[string]string{"email": "ana-at-example"}, "email"},
		{"short password", map[string]string{"password": "short"}, "password"},
		{"bad handle", map[string]string{"handle": "ana dev!"}, "handle"},
		{"taken handle", map[string]string{"handle": "Ana_Dev", "email": "other@example.com"}, "handle"},
		{"taken email", map[string]string{"handle": "someone_else", "email": "ANA@example.com"}, "email"},
		{"empty name", map[string]string{"display_name": " "}, "display_name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fields := map[string]string{}
			for k, v := range ana {
				fields[k] = v
			}
			fields["handle"] = "fresh_handle"
			fields["email"] = "fresh@example.com"
			for k, v := range c.change {
				fields[k] = v
			}
			res, doc := newBrowser(t, site).submit("/signup", fields)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", res.StatusCode)
			}
			if fieldError(doc, c.field) == "" {
				t.Errorf("no message beside the %s field", c.field)
			}
			for _, id := range []string{"handle", "display_name", "email"} {
				if got := inputValue(doc, id); got != strings.TrimSpace(fields[id]) {
					t.Errorf("%s field shows %q, want what was typed, %q", id, got, fields[id])
				}
			}
			if got := inputValue(doc, "password"); got != "" {
				t.Errorf("the password was sent back in the page: %q", got)
			}
		})
	}
	if _, err := site.Store.UserByHandle(context.Background(), "fresh_handle"); err == nil {
		t.Error("a refused sign-up stored an account")
	}
}

func TestSignInFailuresLookAlike(t *testing.T) {
	site := newSite(t, tinyForum)
	newBrowser(t, site).submit("/signup", ana)
	var messages []string
	for _, creds := range []map[string]string{
		{"handle": "ana_dev", "password": "wrong password here"},
		{"handle": "nobody_at_all", "password": "wrong password here"},
	} {
		res, doc := newBrowser(t, site).submit("/login", creds)
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", creds["handle"], res.StatusCode)
		}
		if got := inputValue(doc, "handle"); got != creds["handle"] {
			t.Errorf("the handle field shows %q, want what was typed", got)
		}
		if p := find(doc, func(n *html.Node) bool { return attr(n, "class") == "form-problem" }); p != nil {
			messages = append(messages, textOf(p))
		} else {
			messages = append(messages, "")
		}
	}
	if messages[0] == "" || messages[0] != messages[1] {
		t.Errorf("a wrong password says %q, an unknown handle %q: they must say the same", messages[0], messages[1])
	}
}

func TestSignInIsRateLimited(t *testing.T) {
	site := newSite(t, tinyForum)
	newBrowser(t, site).submit("/signup", ana)
	var last int
	for i := 0; i < 8; i++ {
		res, _ := newBrowser(t, site).submit("/login", map[string]string{"handle": "ana_dev", "password": "guess number " + string(rune('a'+i))})
		last = res.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("the 8th guess in a row answered %d, want 429", last)
	}
	res, _ := newBrowser(t, site).submit("/login", map[string]string{"handle": "ana_dev", "password": ana["password"]})
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right after the guesses even the right password answered %d, want 429 until the limit refills", res.StatusCode)
	}
}

func TestFormsRefuseForgedRequests(t *testing.T) {
	site := newSite(t, tinyForum)
	b := newBrowser(t, site)
	b.get("/signup") // the browser holds a token cookie
	values := url.Values{"handle": {"mallory"}, "display_name": {"M"}, "email": {"m@example.com"}, "password": {"0123456789ab"}}
	for name, token := range map[string]string{"no token": "", "wrong token": strings.Repeat("x", 43)} {
		v := url.Values{}
		for k, vs := range values {
			v[k] = vs
		}
		if token != "" {
			v.Set("csrf", token)
		}
		res, _ := b.post("/signup", v)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, res.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, site.URL+"/logout", strings.NewReader("csrf=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site POST answered %d, want 403", res.StatusCode)
	}
	big := url.Values{"csrf": {"x"}, "handle": {strings.Repeat("a", 1_000_000)}}
	res, _ = b.post("/signup", big)
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("an oversized form answered %d, want 400", res.StatusCode)
	}
	if _, err := site.Store.UserByHandle(context.Background(), "mallory"); err == nil {
		t.Error("a forged sign-up stored an account")
	}
}

func TestChangePassword(t *testing.T) {
	site := newSite(t, tinyForum)
	anon := newBrowser(t, site)
	res, _ := anon.get("/account/password")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
		t.Fatalf("a reader without a session got %d to %q, want 303 to /login?next=…", res.StatusCode, loc)
	}
	b := newBrowser(t, site)
	b.submit("/signup", ana)
	other := newBrowser(t, site)
	other.submit("/login", map[string]string{"handle": "ana_dev", "password": ana["password"]})

	res, doc := b.submit("/account/password", map[string]string{"current": "not my password", "password": "a brand new secret"})
	if res.StatusCode != http.StatusBadRequest || fieldError(doc, "current") == "" {
		t.Fatalf("a wrong current password answered %d with no message beside it", res.StatusCode)
	}
	res, _ = b.submit("/account/password", map[string]string{"current": ana["password"], "password": "a brand new secret"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("changing the password answered %d", res.StatusCode)
	}
	if b.signedInAs() == "" {
		t.Error("the browser that changed the password was signed out")
	}
	if other.signedInAs() != "" {
		t.Error("another browser stayed signed in after the password changed")
	}
	if res, _ := newBrowser(t, site).submit("/login", map[string]string{"handle": "ana_dev", "password": "a brand new secret"}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signing in with the new password answered %d", res.StatusCode)
	}
}

// TestSignInRedirectsOnlyWithinTheSite signs in with many next= payloads and follows the
// answer's Location as a browser reads it: only same-origin destinations may come out, and
// plain paths on the site are kept as they were.
func TestSignInRedirectsOnlyWithinTheSite(t *testing.T) {
	site := newSite(t, tinyForum)
	newBrowser(t, site).submit("/signup", ana)
	origin := mustURL(t, site.URL)
	i := 0
	for _, c := range []struct{ next, keep string }{
		{"/tags/network", "/tags/network"},
		{"/ok/path?x=1#y", "/ok/path?x=1#y"},
		{"/%2F%2Fevil.example", ""},
		{"//evil.example/", ""},
		{"https://evil.example/", ""},
		{"http:evil.example", ""},
		{`/\evil.example`, ""},
		{`\\evil.example`, ""},
		{"/%5Cevil.example", ""},
		{"/%09/evil.example/x", ""},
		{"/\t/evil.example/x", ""},
		{"/\r\n/evil.example", ""},
		{"\t//evil.example", ""},
		{"/\t\\evil.example", ""},
		{" /evil.example", ""},
		{" //evil.example", ""},
		{"\x01//evil.example", ""},
		{"javascript:alert(1)", ""},
		{"JaVaScRiPt:alert(1)", ""},
		{"/javascript:alert(1)", ""},
		{"data:text/html,<script>alert(1)</script>", ""},
		{"///evil.example", ""},
		{"/.//evil.example", ""},
	} {
		i++
		// A payload with %XX escapes is sent as typed; the others are escaped once, so that
		// the server receives the raw characters.
		next := c.next
		if !strings.Contains(next, "%") {
			next = url.QueryEscape(next)
		}
		// Each from an address of its own, so that the sign-in limits stay out of the way.
		b := newBrowser(t, site).from(fmt.Sprintf("127.0.1.%d", i))
		res, _ := b.submit("/login?next="+next, map[string]string{"handle": "ana_dev", "password": ana["password"]})
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("next=%q: %d, want 303", c.next, res.StatusCode)
			continue
		}
		dest := browserResolve(t, origin, loc)
		if dest.Scheme != origin.Scheme || dest.Host != origin.Host {
			t.Errorf("next=%q answered Location %q, which a browser follows to %s", c.next, loc, dest)
		}
		if c.keep != "" && loc != c.keep {
			t.Errorf("next=%q answered Location %q, want it kept as %q", c.next, loc, c.keep)
		}
	}
}

// browserResolve resolves a Location against the page's URL as the WHATWG URL parser does
// before it resolves: leading and trailing C0 controls and spaces trimmed, tabs and
// newlines dropped anywhere, and \ read as / in http and https URLs.
func browserResolve(t *testing.T, base *url.URL, loc string) *url.URL {
	t.Helper()
	loc = strings.TrimFunc(loc, func(r rune) bool { return r <= ' ' })
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(loc)
	ref, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("Location %q does not parse: %v", loc, err)
	}
	return base.ResolveReference(ref)
}

func mustURL(t *testing.T, raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// signUpFrom submits the sign-up form from ip with ana's details but this handle and email.
func signUpFrom(t *testing.T, site *testSite, ip, handle, email string) (*http.Response, *html.Node) {
	t.Helper()
	fields := map[string]string{"handle": handle, "display_name": "Someone", "email": email, "password": ana["password"]}
	return newBrowser(t, site).from(ip).submit("/signup", fields)
}

// TestSignUpTakenHandleCostsNothing: handles are public, so a taken one is said plainly and
// costs no sign-up attempt: after many, the same address still signs up.
func TestSignUpTakenHandleCostsNothing(t *testing.T) {
	site := newSite(t, tinyForum)
	newBrowser(t, site).submit("/signup", ana)
	const ip = "127.0.0.4"
	for i := range 5 {
		res, doc := signUpFrom(t, site, ip, "Ana_Dev", fmt.Sprintf("fresh%d@example.com", i))
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(fieldError(doc, "handle"), "taken") {
			t.Fatalf("taken handle, try %d: %d, handle message %q; want 400 saying it is taken", i+1, res.StatusCode, fieldError(doc, "handle"))
		}
	}
	if res, doc := signUpFrom(t, site, ip, "fresh_handle", "fresh@example.com"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a sign-up after five taken handles: %d (%s), want 303", res.StatusCode, textOf(doc))
	}
}

// TestSignUpTakenEmailIsCounted: whether an email has an account is private, so each try
// with a taken one costs a sign-up attempt, and the answer does not say that it has one.
// The limit's answer names the limit's own window.
func TestSignUpTakenEmailIsCounted(t *testing.T) {
	site := newSite(t, tinyForum)
	newBrowser(t, site).submit("/signup", ana)
	const ip = "127.0.0.5"
	for i := range 3 {
		res, doc := signUpFrom(t, site, ip, fmt.Sprintf("prober_%d", i), "ANA@example.com")
		msg := fieldError(doc, "email")
		if res.StatusCode != http.StatusBadRequest || msg == "" {
			t.Fatalf("taken email, try %d: %d, email message %q; want 400 with a message beside the field", i+1, res.StatusCode, msg)
		}
		for _, tell := range []string{"belongs", "another account", "registered", "taken", "already", "exists"} {
			if strings.Contains(strings.ToLower(msg), tell) {
				t.Errorf("the taken email's message %q says %q", msg, tell)
			}
		}
	}
	res, doc := signUpFrom(t, site, ip, "prober_ok", "prober@example.com")
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a fourth sign-up from the address: %d, want 429", res.StatusCode)
	}
	if msg := textOf(find(doc, func(n *html.Node) bool { return attr(n, "class") == "form-problem" })); !strings.Contains(msg, "Try again in 20 minutes.") {
		t.Errorf("the limit says %q, want it to name its window: Try again in 20 minutes.", msg)
	}
}
