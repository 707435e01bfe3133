package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/email"
	"github.com/parley-forum/parley/web"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// emailChoice reads the member's email choice from the store.
func emailChoice(t *testing.T, site *testSite, userID int64) parley.EmailChoice {
	t.Helper()
	st, err := site.Store.NotificationSettings(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return st.Email
}

// unsubscribePath is the link the member's emails carry.
func unsubscribePath(t *testing.T, site *testSite, userID int64) string {
	t.Helper()
	key, err := site.Store.SiteKey(context.Background(), email.UnsubscribeKey)
	if err != nil {
		t.Fatal(err)
	}
	return email.UnsubscribePath(key, userID)
}

// TestUnsubscribeLink: the link of an email works without signing in; opening it changes
// nothing, its button unsubscribes, and a forged link leads nowhere.
func TestUnsubscribeLink(t *testing.T) {
	site := newSite(t, tinyForum)
	_, me := signedInWithRole(t, site, "reader", parley.RoleMember)
	path := unsubscribePath(t, site, me.ID)
	stranger := newBrowser(t, site) // a mail client's browser, signed in to nothing

	res, doc := stranger.get(path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	form := find(doc, withAttr(atom.Form, "action", path))
	if form == nil || attr(form, "method") != "post" || find(form, sel(atom.Button)) == nil {
		t.Fatalf("the page has no button posting to %s", path)
	}
	if !strings.Contains(textOf(find(doc, sel(atom.Main))), "@reader") {
		t.Errorf("the page does not say whose email stops: %q", textOf(find(doc, sel(atom.Main))))
	}
	if got := emailChoice(t, site, me.ID); got != parley.EmailImmediately {
		t.Fatalf("opening the link set the choice to %q: a link scanner would unsubscribe", got)
	}

	res, doc = stranger.submit(path, nil)
	if res.StatusCode != http.StatusOK || find(doc, withAttr(0, "role", "status")) == nil {
		t.Fatalf("the button: %d, and no status saying it is done", res.StatusCode)
	}
	if got := emailChoice(t, site, me.ID); got != parley.EmailNever {
		t.Errorf("after the button the choice is %q, want never", got)
	}

	for _, forged := range []string{"/unsubscribe/" + itoa(me.ID) + ".AAAA", "/unsubscribe/nothing"} {
		if res, _ := stranger.get(forged); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", forged, res.StatusCode)
		}
		if res, _ := stranger.post(forged, urlValues(map[string]string{"List-Unsubscribe": "One-Click"})); res.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", forged, res.StatusCode)
		}
	}
}

// TestOneClickUnsubscribe posts as a mail service does for RFC 8058: no cookies, no CSRF
// token, from another site.
func TestOneClickUnsubscribe(t *testing.T) {
	site := newSite(t, tinyForum)
	_, me := signedInWithRole(t, site, "reader", parley.RoleMember)
	if err := site.Store.SetEmailChoice(context.Background(), me.ID, parley.EmailDaily); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, site.URL+unsubscribePath(t, site, me.ID), strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://mail.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("one-click POST: %d, want 200", res.StatusCode)
	}
	if got := emailChoice(t, site, me.ID); got != parley.EmailNever {
		t.Errorf("after the one-click POST the choice is %q, want never", got)
	}
}

// emailRadio finds the settings form's radio button for choice.
func emailRadio(doc *html.Node, choice parley.EmailChoice) *html.Node {
	return find(doc, func(n *html.Node) bool {
		return n.DataAtom == atom.Input && attr(n, "name") == "email" && attr(n, "value") == string(choice)
	})
}

// TestEmailSettings chooses a daily digest on the settings page without scripts; a forum
// without SMTP says its email is off.
func TestEmailSettings(t *testing.T) {
	off := newSite(t, tinyForum)
	b, _ := signedInWithRole(t, off, "reader", parley.RoleMember)
	_, doc := b.get("/account/notifications")
	if byID(doc, "email-off") == nil {
		t.Errorf("a forum without SMTP does not say its email is off")
	}

	site := newSiteWith(t, tinyForum, web.Config{Email: true})
	b, me := signedInWithRole(t, site, "reader", parley.RoleMember)
	_, doc = b.get("/account/notifications")
	if byID(doc, "email-off") != nil {
		t.Errorf("a forum with SMTP says its email is off")
	}
	if r := emailRadio(doc, parley.EmailImmediately); r == nil || !hasAttr(0, "checked")(r) {
		t.Fatalf("the page does not show immediate email chosen by default")
	}
	res, _ := b.submit("/account/notifications", map[string]string{"watch_own": "1", "email": "daily"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving: %d", res.StatusCode)
	}
	_, doc = b.get("/account/notifications")
	if r := emailRadio(doc, parley.EmailDaily); r == nil || !hasAttr(0, "checked")(r) {
		t.Errorf("the page does not show the daily digest chosen")
	}
	if got := emailChoice(t, site, me.ID); got != parley.EmailDaily {
		t.Errorf("the store holds %q, want daily", got)
	}

	res, doc = b.submit("/account/notifications", map[string]string{"email": "weekly"})
	if res.StatusCode != http.StatusBadRequest || byID(doc, "email-error") == nil {
		t.Errorf("an unknown choice: %d, want 400 with the error beside the choice", res.StatusCode)
	}
	if box := find(doc, withAttr(atom.Input, "name", "watch_own")); box == nil || hasAttr(0, "checked")(box) {
		t.Errorf("the refused form does not keep the box as sent (unticked)")
	}
	if got := emailChoice(t, site, me.ID); got != parley.EmailDaily {
		t.Errorf("a refused choice changed the store to %q", got)
	}
}
