package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/email/emailtest"
	"github.com/parley-forum/parley/web"
	"golang.org/x/net/html/atom"
)

// linkIn finds the site link to path's prefix in an email's text part, and returns its
// path.
func linkIn(t *testing.T, site *testSite, m *emailtest.Parsed, prefix string) string {
	t.Helper()
	found := regexp.MustCompile(regexp.QuoteMeta(site.URL+prefix) + `[A-Za-z0-9_-]+`).FindString(m.Text)
	if found == "" {
		t.Fatalf("the email has no link to %s…:\n%s", prefix, m.Text)
	}
	return strings.TrimPrefix(found, site.URL)
}

// emailStatus reads the account page's line about the address.
func emailStatus(t *testing.T, b *browser) string {
	t.Helper()
	_, doc := b.get("/account")
	return textOf(byID(doc, "email-status"))
}

// TestSignUpVerifiesEmail: signing up emails a link; opening it only asks, its button
// verifies the address, which the account page then says, and the link works once.
func TestSignUpVerifiesEmail(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{Email: true})
	smtp := runSender(t, site)
	b := newBrowser(t, site)
	if res, _ := b.submit("/signup", ana); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign up: %d", res.StatusCode)
	}
	if got := emailStatus(t, b); !strings.Contains(got, "not verified") {
		t.Errorf("before the link the account page says %q", got)
	}
	got := smtp.Wait(t, 1, 30*time.Second)
	m := emailtest.MustParse(t, got[0])
	if m.Subject != "Confirm your email address for Parley" || got[0].To[0] != ana["email"] || m.Header.Get("List-Unsubscribe") != "" {
		t.Errorf("the email is %q to %v (List-Unsubscribe %q)", m.Subject, got[0].To, m.Header.Get("List-Unsubscribe"))
	}
	path := linkIn(t, site, m, "/account/verify/")

	mailbox := newBrowser(t, site) // the link opens wherever the mail is read
	res, doc := mailbox.get(path)
	if res.StatusCode != http.StatusOK || find(doc, withAttr(atom.Form, "action", path)) == nil {
		t.Fatalf("GET %s: %d, want a page with a button", path, res.StatusCode)
	}
	if got := emailStatus(t, b); !strings.Contains(got, "not verified") {
		t.Errorf("opening the link verified the address: %q", got)
	}
	if res, _ := mailbox.submit(path, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("the button: %d", res.StatusCode)
	}
	if got := emailStatus(t, b); !strings.Contains(got, "verified on") || strings.Contains(got, "not verified") {
		t.Errorf("after the button the account page says %q", got)
	}
	if res, _ := mailbox.submit(path, nil); res.StatusCode != http.StatusBadRequest {
		t.Errorf("the link used again: %d, want 400", res.StatusCode)
	}
}

// TestForgotPassword: the form answers alike for an address with an account and one
// without; the account's link sets a new password once, signing out its other browsers.
func TestForgotPassword(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{Email: true})
	smtp := runSender(t, site)
	owner, _ := signedInWithRole(t, site, "forgetful", parley.RoleMember)
	stranger := newBrowser(t, site)

	answer := func(address string) (int, string) {
		res, doc := stranger.submit("/password/forgot", map[string]string{"email": address})
		said := byID(doc, "reset-sent")
		if said == nil {
			return res.StatusCode, ""
		}
		return res.StatusCode, strings.ReplaceAll(textOf(said), address, "ADDRESS")
	}
	codeNobody, saidNobody := answer("nobody@example.com")
	codeOwner, saidOwner := answer("Forgetful@example.com")
	if codeNobody != http.StatusOK || codeOwner != codeNobody || saidOwner != saidNobody || saidOwner == "" {
		t.Errorf("the answers differ: %d %q for nobody, %d %q for an account", codeNobody, saidNobody, codeOwner, saidOwner)
	}
	got := smtp.Wait(t, 1, 30*time.Second)
	if out, err := site.Store.Outbox(context.Background(), 10); err != nil || len(out) != 1 || got[0].To[0] != "forgetful@example.com" {
		t.Fatalf("the outbox holds %+v (%v), and the email went to %v: want one, to the account", out, err, got[0].To)
	}
	path := linkIn(t, site, emailtest.MustParse(t, got[0]), "/password/reset/")

	res, doc := stranger.submit(path, map[string]string{"password": "short"})
	if res.StatusCode != http.StatusBadRequest || byID(doc, "password-error") == nil {
		t.Errorf("a short password: %d, want 400 with the error beside the field", res.StatusCode)
	}
	if res, _ := stranger.submit(path, map[string]string{"password": "a brand new password"}); res.StatusCode != http.StatusOK {
		t.Fatalf("the new password: %d", res.StatusCode)
	}
	if who := owner.signedInAs(); who != "" {
		t.Errorf("the owner's other browser is still signed in as %q", who)
	}
	again := newBrowser(t, site)
	if res, _ := again.submit("/login", map[string]string{"handle": "forgetful", "password": "a brand new password"}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signing in with the new password: %d", res.StatusCode)
	}
	if res, _ := stranger.get(path); res.StatusCode != http.StatusBadRequest {
		t.Errorf("the used link: %d, want 400", res.StatusCode)
	}

	// The form is rate-limited like sign-up: three an address, then a wait.
	if code, _ := answer("someone@example.com"); code != http.StatusOK {
		t.Errorf("a third request: %d", code)
	}
	if code, _ := answer("someone.else@example.com"); code != http.StatusTooManyRequests {
		t.Errorf("a fourth request from one address: %d, want 429", code)
	}
}
