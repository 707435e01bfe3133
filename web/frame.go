package web

// framed is a view model: every one embeds page, whose fields the frame around its
// content shows.
type framed interface{ frame() page }

func (p page) frame() page { return p }

// frame writes the parts of every page around its content: the document head and the
// site's header, navigation and footer. Every page has them, so they are written here
// rather than by html/template, whose reflection over a dozen fields cost as much as the
// rest of a thread page. Values from outside pass through text(), as in markup.go; the
// links are the site's own paths.
type frame struct {
	// links are the stylesheet, script and icon elements, which name the static files by
	// their content hashes and so are the same on every page for the server's life.
	links literal
}

func newFrame(a *assets) (*frame, error) {
	var m markup
	for _, l := range []struct{ file, start, end literal }{
		{"favicon.svg", `<link rel="icon" href="`, `" type="image/svg+xml">`},
		{"app.css", `<link rel="stylesheet" href="`, `">`},
		{"highlight.css", `<link rel="stylesheet" href="`, `">`},
		{"app.js", `<script src="`, `" defer></script>`},
	} {
		u, err := a.URL(string(l.file))
		if err != nil {
			return nil, err
		}
		m.raw(l.start)
		m.text(u)
		m.raw(l.end)
		m.raw("\n")
	}
	return &frame{links: literal(m.b)}, nil
}

// head writes the document from its start to its title.
func (f *frame) head(m *markup, p *page) {
	m.raw("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	m.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
	m.text(p.Title)
	if p.Title != p.Site {
		m.raw(` · `)
		m.text(p.Site)
	}
	m.raw("</title>\n")
}

// top writes the rest of the head after the description, the site's header with its
// navigation, the breadcrumbs and the start of the main element.
func (f *frame) top(m *markup, p *page) {
	m.raw(`<link rel="canonical" href="`)
	m.text(p.Canonical)
	m.raw("\">\n")
	for _, feed := range p.Feeds {
		m.raw(`<link rel="alternate" type="`)
		m.text(feed.Type)
		m.raw(`" title="`)
		m.text(feed.Title)
		m.raw(`" href="`)
		m.text(feed.URL)
		m.raw("\">\n")
	}
	m.raw("<link rel=\"search\" type=\"application/opensearchdescription+xml\" title=\"")
	m.text(p.Site)
	m.raw("\" href=\"/opensearch.xml\">\n")
	m.raw(f.links)
	m.raw("</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"site\">\n  <a class=\"brand\" href=\"/\">")
	m.text(p.Site)
	m.raw("</a>\n  <nav aria-label=\"Site\">\n    <ul>\n      <li><a href=\"/threads\">Threads</a></li>\n      <li><a href=\"/tags\">Tags</a></li>\n      <li><a href=\"/ask\">Ask</a></li>\n")
	m.siteNav(p)
	m.raw("    </ul>\n  </nav>\n")
	m.searchBox(p.Query)
	m.raw("</header>\n")
	m.crumbs(p.Crumbs)
	m.raw("<main id=\"main\">\n")
	m.watchButtons(p.Watch, p.CSRF)
}

// siteNav writes the navigation that depends on the reader: their own links when signed
// in, the way to sign in otherwise.
func (m *markup) siteNav(p *page) {
	if p.Moderates() {
		m.raw("      <li><a href=\"/moderation\">Moderation</a></li>\n")
	}
	if p.Administers() {
		m.raw("      <li><a href=\"/admin\">Admin</a></li>\n")
	}
	if p.Viewer == nil {
		m.raw("      <li><a href=\"/login\">Sign in</a></li>\n      <li><a href=\"/signup\">Sign up</a></li>\n")
		return
	}
	m.raw(`      <li><a href="/users/`)
	m.text(p.Viewer.Handle)
	m.raw(`">`)
	m.text(p.Viewer.DisplayName)
	m.raw("</a></li>\n")
	m.unreadLink(p.Unread)
	m.raw("      <li>")
	if p.CSRF != "" {
		m.raw(`<form method="post" action="/logout" class="inline">`)
		m.csrf(p.CSRF)
		m.raw(`<button type="submit" class="link">Sign out</button></form>`)
	} else {
		m.raw(`<a href="/logout">Sign out</a>`)
	}
	m.raw("</li>\n")
}

// searchBox writes the site's search form, which works without scripts, holding query.
func (m *markup) searchBox(query string) {
	m.raw(`  <form role="search" class="site-search" action="/search" method="get">` +
		`<label for="site-search" class="visually-hidden">Search threads</label>` +
		`<input type="search" id="site-search" name="q" placeholder="Search, e.g. URLSession tag:network" value="`)
	m.text(query)
	m.raw("\"><button type=\"submit\">Search</button></form>\n")
}

func (m *markup) crumbs(crumbs []crumb) {
	if len(crumbs) == 0 {
		return
	}
	m.raw(`<nav class="crumbs" aria-label="Breadcrumb"><ol>`)
	for _, c := range crumbs {
		m.raw(`<li><a href="`)
		m.text(c.URL)
		m.raw(`">`)
		m.text(c.Name)
		m.raw(`</a></li>`)
	}
	m.raw("</ol></nav>\n")
}

// end closes the main element and writes the site's footer.
func (f *frame) end(m *markup, p *page) {
	m.raw("\n</main>\n<footer class=\"site\">\n  <p>")
	m.text(p.Site)
	m.raw(" · <a href=\"/threads.rss\">RSS</a> · <a href=\"/threads.atom\">Atom</a></p>\n</footer>\n</body>\n</html>\n")
}
