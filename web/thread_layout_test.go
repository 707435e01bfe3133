package web_test

import (
	"net/http"
	"net/url"
	"testing"

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
