package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	parley "github.com/parley-forum/parley"
	"golang.org/x/net/html"
)

// position is where the first element matching match comes in the document, -1 if none.
func position(doc *html.Node, match func(*html.Node) bool) int {
	i := 0
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if match(n) {
			return i
		}
		i++
	}
	return -1
}

func isElement(tag, class string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag && hasClass(n, class) }
}

// TestQuestionComesFirst: a thread page shows the question, then the summary of the
// accepted and recommended answers, then the replies.
func TestQuestionComesFirst(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	answerer, _ := signedInWithRole(t, site, "answerer", parley.RoleMember)
	staff, _ := signedInWithRole(t, site, "staffer", parley.RoleStaff)
	th, _ := askAs(t, site, asker, "Why does my app launch slowly after an update?")
	accepted := replyIn(t, site, answerer, th.ID, "Rebuild the dyld cache by rebooting.")
	recommended := replyIn(t, site, staff, th.ID, "Measure with the App Launch instrument first.")
	for _, c := range []struct {
		b    *browser
		path string
		form url.Values
	}{
		{asker, threadPath(th.ID) + "/accept", url.Values{"post": {itoa(accepted.ID)}}},
		{staff, "/posts/" + itoa(recommended.ID) + "/recommend", url.Values{"on": {"1"}}},
	} {
		if res, _ := c.b.postForm(c.path, c.form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", c.path, res.StatusCode)
		}
	}

	for _, b := range []*browser{newBrowser(t, site), asker} {
		_, doc := b.get(threadPath(th.ID))
		question := position(doc, isElement("li", "original"))
		summary := position(doc, isElement("aside", "answers-summary"))
		reply := position(doc, func(n *html.Node) bool { return n.Data == "li" && hasClass(n, "post") && !hasClass(n, "original") })
		if question < 0 || summary < 0 || reply < 0 {
			t.Fatalf("the page lacks the question (%d), the summary (%d) or a reply (%d)", question, summary, reply)
		}
		if !(question < summary && summary < reply) {
			t.Errorf("order on the page: question at %d, summary at %d, first reply at %d; want the question, the summary, then the replies",
				question, summary, reply)
		}
		box := find(doc, isElement("aside", "answers-summary"))
		if find(box, isElement("section", "accepted-summary")) == nil || find(box, isElement("section", "recommended-summary")) == nil {
			t.Error("the summary lacks the accepted or the recommended answer")
		}
	}
}

// isModerationForm reports whether a form is one of a moderator's buttons on a thread
// page: the panel's thread actions, or hiding and restoring a post.
func isModerationForm(n *html.Node) bool {
	if n.Data != "form" {
		return false
	}
	action := attr(n, "action")
	for _, end := range []string{"/lock", "/pin", "/move", "/retag", "/delete", "/hide"} {
		if strings.HasSuffix(action, end) {
			return true
		}
	}
	return false
}

// labelText is the text of the label naming a form field: one pointing at its id, or one
// around it.
func labelText(doc, field *html.Node) string {
	if id := attr(field, "id"); id != "" {
		if l := find(doc, func(n *html.Node) bool { return n.Data == "label" && attr(n, "for") == id }); l != nil {
			return textOf(l)
		}
	}
	for p := field.Parent; p != nil; p = p.Parent {
		if p.Data == "label" {
			return textOf(p)
		}
	}
	return ""
}

// TestModerationFormsHaveOneReasonEach: on a thread page a moderator sees every
// moderation form with one submit button and exactly one reason field of its own, named by
// a label, so that a reason always goes with the button it was typed for.
func TestModerationFormsHaveOneReasonEach(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	answerer, _ := signedInWithRole(t, site, "answerer", parley.RoleMember)
	mod, _ := signedInWithRole(t, site, "moddy", parley.RoleModerator)
	th, _ := askAs(t, site, asker, "Why does my Bonjour service vanish?")
	replyIn(t, site, answerer, th.ID, "A reply that stays")
	hidden := replyIn(t, site, answerer, th.ID, "A reply that is hidden")
	for _, path := range []string{"/posts/" + itoa(hidden.ID) + "/hide", threadPath(th.ID) + "/pin"} {
		if res, _ := mod.postForm(path, url.Values{"on": {"1"}, "reason": {"Test"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
	}

	_, doc := mod.get(threadPath(th.ID))
	forms := findAll(doc, isModerationForm)
	actions := map[string]int{}
	ids := map[string]bool{}
	for _, f := range forms {
		action := attr(f, "action")
		actions[action[strings.LastIndexByte(action, '/'):]]++
		reasons := findAll(f, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "reason" })
		buttons := findAll(f, func(n *html.Node) bool { return n.Data == "button" })
		if len(reasons) != 1 || len(buttons) != 1 {
			t.Errorf("the form for %s (%s) has %d reason fields and %d buttons, want one of each", action, textOf(f), len(reasons), len(buttons))
			continue
		}
		if label := labelText(doc, reasons[0]); !strings.Contains(label, "Reason") {
			t.Errorf("the reason field of the form for %s has no label saying so: %q", action, label)
		}
		if id := attr(reasons[0], "id"); id == "" || ids[id] {
			t.Errorf("the reason field of the form for %s has no id of its own: %q", action, id)
		} else {
			ids[id] = true
		}
	}
	// The panel (lock, pin, unpin, move, retag, delete) and each reply's hide or restore.
	for end, want := range map[string]int{"/lock": 1, "/pin": 2, "/move": 1, "/retag": 1, "/delete": 1, "/hide": 2} {
		if actions[end] != want {
			t.Errorf("%d forms posting to …%s, want %d", actions[end], end, want)
		}
	}
}

// TestPostButtonsShareALine loads a thread as a moderator in Chromium and measures the text
// of every control under a reply (boost, quote, edit, flag, and the hide form with its
// reason field): their middles must lie on one line, within a pixel.
func TestPostButtonsShareALine(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	answerer, _ := signedInWithRole(t, site, "answerer", parley.RoleMember)
	signedInWithRole(t, site, "moddy", parley.RoleModerator)
	th, _ := askAs(t, site, asker, "Why does my menu bar extra not appear?")
	reply := replyIn(t, site, answerer, th.ID, "Set LSUIElement in the Info.plist.")

	tab := newTab(t)
	loadPage(t, tab, site.URL+"/login")
	waitForPage(t, tab, "sign in as a moderator",
		chromedp.SendKeys(chromedp.CSS("#handle"), "moddy"),
		chromedp.SendKeys(chromedp.CSS("#password"), "long enough password"),
		chromedp.Click(chromedp.CSS(`.account-form button[type="submit"]`), chromedp.NodeVisible))
	loadPage(t, tab, site.URL+threadPath(th.ID))

	// Each control's text as drawn: a link's or button's words, a field's own box.
	type box struct {
		Name        string
		Top, Bottom float64
	}
	script := `Array.from(document.querySelectorAll("#post-` + itoa(reply.ID) + ` .post-actions :is(a, button, input:not([type=hidden]))")).map(function (el) {
		var box = el.tagName === "INPUT" ? el.getBoundingClientRect() : (function () {
			var r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect();
		})();
		return {Name: el.textContent || el.placeholder, Top: box.top, Bottom: box.bottom};
	})`
	boxes, err := chromedp.Run(tab, chromedp.Evaluate[[]box](script))
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(boxes))
	for i, b := range boxes {
		names[i] = b.Name
	}
	if want := []string{"Boost", "Quote", "Edit", "Flag", "Reason", "Hide"}; strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("the controls under the reply are %q, want %q", names, want)
	}
	middle := func(i int) float64 { return (boxes[i].Top + boxes[i].Bottom) / 2 }
	for i := range boxes {
		if d := middle(i) - middle(0); d > 1 || d < -1 {
			t.Errorf("%q sits %.1f px off the line of %q (boxes %+v)", boxes[i].Name, d, boxes[0].Name, boxes)
		}
	}
}
