package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"golang.org/x/net/html"
)

// byClass finds the first element of a class.
func byClass(doc *html.Node, class string) *html.Node {
	return find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && hasClass(n, class) })
}

// anchors lists the links inside n as "href text".
func anchors(n *html.Node) []string {
	var out []string
	for _, a := range findAll(n, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "a" }) {
		out = append(out, attr(a, "href")+" "+textOf(a))
	}
	return out
}

func TestDuplicateNoticeAndLinkedThreads(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	canon, _ := askAs(t, site, asker, "Why does <select> ignore my font & size?")
	dup, _ := askAs(t, site, asker, "Font in a select box is wrong")
	reader := newBrowser(t, site)
	dupPath, canonPath := threadPath(dup.ID), threadPath(canon.ID)

	// Read both pages first, so that a page kept from before the change would show.
	for _, p := range []string{dupPath, canonPath} {
		if _, doc := reader.get(p); byClass(doc, "duplicate-of") != nil || byClass(doc, "linked-threads") != nil {
			t.Fatalf("%s shows links before any", p)
		}
	}

	// A member may not mark duplicates, even with a valid form token.
	_, page := asker.get(dupPath)
	csrf := attr(find(page, func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "name") == "csrf" }), "value")
	res, _ := asker.post(dupPath+"/duplicate", url.Values{"csrf": {csrf}, "on": {"1"}, "target": {itoa(canon.ID)}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a member marking a duplicate: %d, want 403", res.StatusCode)
	}
	res, doc := mod.submitTo(dupPath, dupPath+"/duplicate", map[string]string{"target": dupPath, "reason": "x"})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(textOf(doc), "duplicate of itself") {
		t.Errorf("marking a thread a duplicate of itself: %d", res.StatusCode)
	}
	// The target may be pasted as its page's address.
	res, _ = mod.submitTo(dupPath, dupPath+"/duplicate", map[string]string{"target": "https://forum.example" + canonPath + "/why-does-select?x=1",
		"reason": "Asked last week"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("marking a duplicate: %d", res.StatusCode)
	}

	_, doc = reader.get(dupPath)
	notice := byClass(doc, "duplicate-of")
	if notice == nil {
		t.Fatal("the duplicate shows no notice")
	}
	if got := anchors(notice); len(got) != 1 || got[0] != canonPath+" Why does <select> ignore my font & size?" {
		t.Errorf("the notice links %q", got)
	}
	if find(notice, func(n *html.Node) bool { return n.Data == "select" }) != nil {
		t.Error("the target's title was not escaped")
	}
	if byClass(doc, "linked-threads") != nil {
		t.Error("the duplicate lists its target twice: in the notice and under Linked threads")
	}

	_, doc = reader.get(canonPath)
	list := byClass(doc, "linked-threads")
	if list == nil || byClass(doc, "duplicate-of") != nil {
		t.Fatal("the thread duplicated shows no Linked threads, or a notice of its own")
	}
	if got := anchors(list); len(got) != 1 || got[0] != dupPath+" Font in a select box is wrong" ||
		!strings.Contains(textOf(list), "a duplicate of this thread") {
		t.Errorf("Linked threads lists %q (%q)", got, textOf(list))
	}

	_, doc = mod.get("/moderation/log")
	if log := textOf(doc); !strings.Contains(log, parley.LogThreadDuplicate) || !strings.Contains(log, "Asked last week") {
		t.Errorf("the moderation log does not show the mark with its reason: %q", log)
	}

	// The moderation panel offers to take the mark off, naming the target.
	_, doc = mod.get(dupPath)
	unmark := find(doc, func(n *html.Node) bool {
		return n.Data == "form" && attr(n, "action") == dupPath+"/duplicate" && strings.Contains(textOf(n), "Not a duplicate")
	})
	if unmark == nil || !strings.Contains(textOf(unmark), canon.Title) {
		t.Fatal("the moderation panel has no form to take the mark off")
	}
	values := url.Values{"reason": {"A different question"}}
	for _, in := range findAll(unmark, func(n *html.Node) bool { return attr(n, "type") == "hidden" }) {
		values.Set(attr(in, "name"), attr(in, "value"))
	}
	if res, _ = mod.post(dupPath+"/duplicate", values); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("taking the mark off: %d", res.StatusCode)
	}
	for _, p := range []string{dupPath, canonPath} {
		if _, doc := reader.get(p); byClass(doc, "duplicate-of") != nil || byClass(doc, "linked-threads") != nil {
			t.Errorf("%s still shows the link after the mark was taken off", p)
		}
	}
	if links, err := site.Store.ThreadLinks(context.Background(), dup.ID); err != nil || len(links) != 0 {
		t.Errorf("links after unmarking: %v, %v", links, err)
	}
}
