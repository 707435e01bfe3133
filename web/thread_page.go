package web

import (
	"html/template"

	parley "github.com/parley-forum/parley"
)

// The thread page is written without html/template, as markup.go writes a list's rows: it
// is the page most visitors read, and html/template's reflection over its fields cost more
// than reading the thread. The moderators' controls (templates/shared/partials.html) and
// the reply form (templates/thread.html) stay templates; few readers are shown them.

// writeContent writes the page between the site's header and footer.
func (v *threadView) writeContent(m *markup, t *template.Template) error {
	m.threadTop(v)
	if v.Moderation != nil {
		m.raw("\n  ")
		if err := t.ExecuteTemplate(m, "moderate", v.Moderation); err != nil {
			return err
		}
	}
	m.raw("\n  ")
	m.threadPosts(v)
	m.raw("\n  <section class=\"reply-form\" aria-labelledby=\"reply-heading\">\n    <h2 id=\"reply-heading\">Your reply</h2>\n    ")
	if v.ReplyOpen() {
		if err := t.ExecuteTemplate(m, "reply", v); err != nil {
			return err
		}
	} else {
		m.replyNotice(v)
	}
	m.raw("\n  </section>\n</article>\n")
	return nil
}

// threadTop writes the thread's structured data, the start of its article, its header and,
// for a deleted thread, the notice that says so.
func (m *markup) threadTop(v *threadView) {
	// discussionLD escaped <, > and & in JSONLD, so it cannot close the script.
	m.raw(`<script type="application/ld+json">`)
	m.b = append(m.b, v.JSONLD...)
	m.raw("</script>\n<article class=\"thread-page\">\n  ")
	m.threadHead(&v.Thread)
	if v.Thread.Deleted {
		m.raw("\n  <p class=\"notice\" role=\"status\">A moderator deleted this thread: it is in no list and only moderators can read it.</p>")
	}
	m.duplicateNotice(v.Links)
}

// duplicateNotice sends the reader of a duplicate to the threads it duplicates, where the
// answers are.
func (m *markup) duplicateNotice(links []parley.LinkedThread) {
	n := 0
	for _, l := range links {
		if !l.DuplicateOf() {
			continue
		}
		if n == 0 {
			m.raw("\n  <p class=\"notice duplicate-of\">Duplicate of ")
		} else {
			m.raw(" and ")
		}
		m.threadAnchor(l)
		n++
	}
	if n > 0 {
		m.raw(": this question was asked before, and the answers are there.</p>")
	}
}

// linkedThreads writes the list of the threads linked with this one, but for those the
// notice at the top names.
func (m *markup) linkedThreads(links []parley.LinkedThread) {
	n := 0
	for _, l := range links {
		if l.DuplicateOf() {
			continue
		}
		if n == 0 {
			m.raw("\n  <aside class=\"linked-threads\" aria-labelledby=\"linked-heading\">\n    <h2 id=\"linked-heading\">Linked threads</h2>\n    <ul>")
		}
		m.raw("\n      <li>")
		m.threadAnchor(l)
		if l.Kind == parley.LinkDuplicate {
			m.raw(" <span class=\"muted\">(a duplicate of this thread)</span>")
		}
		m.raw("</li>")
		n++
	}
	if n > 0 {
		m.raw("\n    </ul>\n  </aside>")
	}
}

func (m *markup) threadAnchor(l parley.LinkedThread) {
	m.raw(`<a href="/threads/`)
	m.int(l.ID)
	m.raw(`">`)
	m.text(l.Title)
	m.raw(`</a>`)
}

// threadPosts writes the question, the summary of its answers, the replies and the pager.
func (m *markup) threadPosts(v *threadView) {
	if v.Question != nil {
		m.raw(`<ol class="posts question">`)
		m.post(v.Question)
		m.raw("</ol>\n")
	}
	m.answersSummary(v)
	m.raw("\n  <h2 class=\"visually-hidden\">Replies</h2>\n  <div class=\"posts-wrap\"")
	if v.LiveURL != "" {
		m.raw(` data-live-posts="`)
		m.text(v.LiveURL)
		m.raw(`"`)
	}
	m.raw(`><ol class="posts">`)
	for i := range v.Posts {
		m.post(&v.Posts[i])
	}
	m.raw("</ol>\n</div>\n  <p id=\"live-status\" class=\"visually-hidden\" aria-live=\"polite\"></p>\n  <nav class=\"pager\" aria-label=\"Pages\">")
	if v.FirstURL != "" {
		m.raw(`<a href="`)
		m.text(v.FirstURL)
		m.raw(`">First page</a>`)
	}
	if v.NextURL != "" {
		m.raw(`<a href="`)
		m.text(v.NextURL)
		m.raw(`" rel="next">More replies</a>`)
	}
	m.raw("</nav>")
	m.linkedThreads(v.Links)
}

// answersSummary writes the box under the question that leads to the accepted answer and
// to the answers staff recommend.
func (m *markup) answersSummary(v *threadView) {
	if v.Accepted == nil && len(v.Suggested) == 0 {
		return
	}
	m.raw("<aside class=\"answers-summary\" aria-labelledby=\"summary-heading\">\n    <h2 id=\"summary-heading\">Answers</h2>")
	if a := v.Accepted; a != nil {
		m.raw("\n    <section class=\"accepted-summary\">\n      <h3>Accepted answer by ")
		m.author(a.Author)
		m.raw("</h3>\n      <div class=\"post-body\">")
		m.trusted(a.Body)
		m.raw("</div>\n      <p><a href=\"#post-")
		m.int(a.ID)
		m.raw("\">Go to the accepted answer</a></p>\n    </section>")
	}
	for _, s := range v.Suggested {
		if s.Accepted {
			continue
		}
		m.raw("\n    <section class=\"recommended-summary\">\n      <h3>Recommended by staff: answer by ")
		m.author(s.Author)
		m.raw("</h3>\n      <p><a href=\"#post-")
		m.int(s.ID)
		m.raw("\">Go to the recommended answer</a></p>\n    </section>")
	}
	m.raw("\n  </aside>")
}

// replyNotice says why the reader cannot reply here, when the reply form is not shown.
func (m *markup) replyNotice(v *threadView) {
	switch {
	case v.Thread.Deleted:
		m.raw(`<p>This thread is deleted: it takes no new replies until a moderator restores it.</p>`)
	case v.Thread.Locked:
		m.raw(`<p>This thread is locked: it takes no new replies.</p>`)
	default:
		m.raw(`<p><a href="/login?next=/threads/`)
		m.int(v.Thread.ID)
		m.raw(`">Sign in</a> or <a href="/signup?next=/threads/`)
		m.int(v.Thread.ID)
		m.raw(`">sign up</a> to reply.</p>`)
	}
}

// ReplyOpen reports whether the page shows the reply form: to a signed-in reader of a
// thread that takes replies. Whether they may post is the domain's to decide when they do.
func (v *threadView) ReplyOpen() bool {
	return v.Viewer != nil && !v.Thread.Deleted && !v.Thread.Locked
}
