package web

import "html/template"

// writeContent writes a list page between the site's header and footer, without
// html/template for the reason thread_page.go gives: lists are the pages read most after
// threads, and their controls and rows cost more through the template than to read.
func (v *listView) writeContent(m *markup, _ *template.Template) error {
	m.raw("\n<div class=\"list-head\">\n  <h1>")
	m.text(v.Heading)
	m.raw("</h1>\n  ")
	if v.Intro != "" {
		m.raw(`<p class="intro">`)
		m.text(v.Intro)
		m.raw(`</p>`)
	}
	m.raw("\n  <p class=\"feeds\">Follow this list: <a href=\"")
	m.text(v.FeedRSS)
	m.raw(`">RSS</a> · <a href="`)
	m.text(v.FeedAtom)
	m.raw("\">Atom</a></p>\n</div>\n")
	m.subtopicNav(v.Subtopics)
	m.raw(`<form class="list-controls" method="get" action="`)
	m.text(v.Action)
	m.raw("\">\n  ")
	m.sortControl(v.Sorts)
	m.raw("\n  <div class=\"control\">\n    <label for=\"filter\">Show</label>\n    <select id=\"filter\" name=\"filter\" data-autosubmit aria-describedby=\"controls-hint\">\n      ")
	m.options(v.Filters)
	m.raw("\n    </select>\n  </div>\n  ")
	m.applyButton()
	m.raw("\n</form>\n")
	if v.Live != "" {
		m.raw(`<div class="live-news" data-live-list="`)
		m.text(v.Live)
		m.raw("\" aria-live=\"polite\"></div>\n")
	}
	if len(v.Pinned) > 0 {
		m.raw("<section aria-labelledby=\"pinned-heading\">\n  <h2 id=\"pinned-heading\" class=\"visually-hidden\">Pinned threads</h2>\n  ")
		m.threadList(v.Pinned)
		m.raw("\n</section>\n")
	}
	m.raw("<section aria-labelledby=\"threads-heading\">\n  <h2 id=\"threads-heading\" class=\"visually-hidden\">Threads</h2>\n  ")
	switch {
	case len(v.Threads) > 0:
		m.threadList(v.Threads)
	case v.FirstURL != "":
		m.raw(`<p class="empty">This list has ended: there are no threads past the last page. <a href="`)
		m.text(v.FirstURL)
		m.raw(`">Back to the first page</a></p>`)
	case v.Filtered:
		m.raw(`<p class="empty">No threads match this filter.</p>`)
	default:
		m.raw(`<p class="empty">No threads here yet.</p>`)
	}
	m.raw("\n</section>\n<nav class=\"pager\" aria-label=\"Pages\">\n  ")
	if v.FirstURL != "" {
		m.raw(`<a href="`)
		m.text(v.FirstURL)
		m.raw(`">First page</a>`)
	}
	m.raw("\n  ")
	if v.NextURL != "" {
		m.raw(`<a href="`)
		m.text(v.NextURL)
		m.raw(`" rel="next">Next page</a>`)
	}
	m.raw("\n</nav>\n")
	return nil
}

// subtopicNav lists a topic's subtopics above its threads.
func (m *markup) subtopicNav(subs []subtopicLink) {
	if len(subs) == 0 {
		return
	}
	m.raw("<nav aria-label=\"Subtopics\" class=\"subtopic-nav\">\n  <ul>")
	for _, s := range subs {
		m.raw(`<li><a href="`)
		m.text(s.URL)
		m.raw(`">`)
		m.text(s.Name)
		m.raw(`</a> <span class="muted">`)
		m.text(compactCount(s.ThreadCount))
		m.raw(` threads</span></li>`)
	}
	m.raw("</ul>\n</nav>\n")
}

// sortControl writes the sort select of lists and search results. It reloads the page
// when a choice is made (app.js); without JavaScript the button applyButton writes beside
// it does the same.
func (m *markup) sortControl(sorts []option) {
	m.raw("<div class=\"control\">\n    <label for=\"sort\">Sort by</label>\n    <select id=\"sort\" name=\"sort\" data-autosubmit aria-describedby=\"controls-hint\">\n      ")
	m.options(sorts)
	m.raw("\n    </select>\n  </div>")
}

func (m *markup) applyButton() {
	m.raw("<button type=\"submit\" class=\"apply\">Apply</button>\n  <p id=\"controls-hint\" class=\"hint js-only\">The list reloads when you choose.</p>")
}

func (m *markup) options(opts []option) {
	for _, o := range opts {
		m.raw(`<option value="`)
		m.text(o.Value)
		m.raw(`"`)
		if o.Selected {
			m.raw(` selected`)
		}
		m.raw(`>`)
		m.text(o.Label)
		m.raw(`</option>`)
	}
}

// listControls writes the sort select and its apply button for a template: the search
// page's form holds them among its own fields.
func listControls(sorts []option) template.HTML {
	var m markup
	m.sortControl(sorts)
	m.raw("\n  ")
	m.applyButton()
	return m.html()
}
