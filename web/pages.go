package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
)

//go:embed templates
var templateFiles embed.FS

// pages holds one parsed template set per page: the shared partials plus the page's own
// file, whose "content" the frame surrounds.
type pages struct {
	byName map[string]pageTemplate
	shared *template.Template // the partials alone, for fragments
	frame  *frame
}

func loadPages(a *assets) (*pages, error) {
	f, err := newFrame(a)
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"threadList":   threadList,
		"listControls": listControls,
		"fileFacts":    fileFacts,
		"ago":          ago,
		"iso":          func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"date":         func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
		"count":        compactCount,
		"plural":       plural,
		"tagURL":       func(slug string) string { return "/tags/" + slug },
		"userURL":      func(handle string) string { return "/users/" + handle },
		"threadURL":    func(id int64) string { return "/threads/" + strconv.FormatInt(id, 10) },
	}
	base, err := template.New("partials.html").Funcs(funcs).ParseFS(templateFiles, "templates/shared/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse shared templates: %w", err)
	}
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]pageTemplate{}, shared: base, frame: f}
	for _, f := range files {
		t, err := template.Must(base.Clone()).ParseFS(templateFiles, f)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		p.byName[strings.TrimSuffix(path.Base(f), ".html")] = pageTemplate{t: t,
			description: t.Lookup("description") != nil, content: t.Lookup("content") != nil}
	}
	return p, nil
}

// pageTemplate is one page's template set, and which of the parts the frame asks for it
// defines, looked up once rather than on every request.
type pageTemplate struct {
	t                    *template.Template
	description, content bool
}

// contentWriter is a view that writes its page's content itself, its template defining no
// "content": the thread page, which most visitors read, where html/template's
// walk and reflective calls cost a tenth of the page. t is the page's template set, for
// the parts few readers see (the moderators' controls, the reply form).
type contentWriter interface {
	writeContent(m *markup, t *template.Template) error
}

// render executes a page into a new byte slice.
func (p *pages) render(name string, data any) ([]byte, error) {
	m := getMarkup()
	defer putMarkup(m)
	if err := p.execute(m, name, data); err != nil {
		return nil, err
	}
	return bytes.Clone(m.b), nil
}

// execute writes page name of data: the frame (frame.go) around the page's content. The
// description is the view's, or else what the page's template defines as "description",
// which html/template escapes as element text: for the strings descriptions hold, the
// same escaping as in the attribute that holds it.
func (p *pages) execute(m *markup, name string, data any) error {
	pt, ok := p.byName[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	v, ok := data.(framed)
	if !ok {
		return fmt.Errorf("page %q: %T does not embed page", name, data)
	}
	pg := v.frame()
	p.frame.head(m, &pg)
	m.raw(`<meta name="description" content="`)
	if pg.Description != "" {
		m.text(pg.Description)
	} else if pt.description {
		if err := pt.t.ExecuteTemplate(m, "description", data); err != nil {
			return err
		}
	}
	m.raw("\">\n")
	p.frame.top(m, &pg)
	if err := p.content(m, pt, name, data); err != nil {
		return err
	}
	p.frame.end(m, &pg)
	return nil
}

// content writes what the page's template defines as "content"; a page whose template
// defines none is a contentWriter.
func (p *pages) content(m *markup, pt pageTemplate, name string, data any) error {
	if pt.content {
		return pt.t.ExecuteTemplate(m, "content", data)
	}
	c, ok := data.(contentWriter)
	if !ok {
		return fmt.Errorf("page %q: no content template, and %T does not write its content", name, data)
	}
	return c.writeContent(m, pt.t)
}

// fragment executes one partial (templates/shared/partials.html) on its own, for the pieces
// of pages that scripts fetch.
func (p *pages) fragment(w io.Writer, name string, data any) error {
	return p.shared.ExecuteTemplate(w, name, data)
}

// html renders a page and sends it with conditional-GET and compression support.
func (s *Server) html(w http.ResponseWriter, r *http.Request, name string, data any, modified time.Time) {
	m := getMarkup()
	defer putMarkup(m)
	if err := s.pages.execute(m, name, data); err != nil {
		s.renderError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	s.send(w, r, "text/html; charset=utf-8", modified, m.b)
}

// htmlUncached is html for a page that must not go into the page cache: one as large as a
// whole log file, which the cache would hold for nothing, since its route is not cached.
func (s *Server) htmlUncached(w http.ResponseWriter, r *http.Request, name string, data any, modified time.Time) {
	body, err := s.pages.render(name, data)
	if err != nil {
		s.renderError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	newRendered("text/html; charset=utf-8", modified, body).serve(w, r)
}

// page is what the frame needs from every page: the one shared part of each view model.
type page struct {
	Site        string
	Title       string // the document title and, unless a page says otherwise, its h1
	Description string
	Canonical   string
	Feeds       []feedLink
	Crumbs      []crumb
	// Query is the search shown in the header's search box: the page's own, on the
	// search page.
	Query string
	// Viewer is the signed-in user, nil for a reader without a session; CSRF is the token
	// their sign-out form carries.
	Viewer *parley.User
	CSRF   string
	me     *viewer // the same reader, with the time their permissions are judged at
	// Unread counts the signed-in reader's unread notifications, shown in the header.
	Unread int
	// Watch is the watch and mute buttons of a page about something a member may follow;
	// nil on other pages and for readers without a session.
	Watch *watchControl
}

type feedLink struct{ Title, Type, URL string }

type crumb struct{ Name, URL string }

func (s *Server) newPage(r *http.Request, title string) page {
	p := page{Site: s.cfg.SiteName, Title: title, Canonical: s.absolute(r.URL.Path)}
	if v := viewerFrom(r.Context()); v != nil {
		p.Viewer, p.me = &v.User, v
		if c, err := r.Cookie(csrfCookie); err == nil {
			p.CSRF = c.Value
		}
		p.Unread = s.unread(r, v.User.ID)
	}
	return p
}

// withFeeds adds RSS and Atom autodiscovery links for the list at listPath.
func (p *page) withFeeds(title, listPath, query string) {
	if query != "" {
		query = "?" + query
	}
	p.Feeds = []feedLink{
		{Title: title + " (RSS)", Type: "application/rss+xml", URL: listPath + ".rss" + query},
		{Title: title + " (Atom)", Type: "application/atom+xml", URL: listPath + ".atom" + query},
	}
}

type errorPage struct {
	page
	Status  int
	Message string
	Instead crumb // where to go instead, when there is a better place than the front page
}

// ago says how long ago t was, in the coarse words a reader wants in a list.
func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int64(d/time.Minute), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int64(d/time.Hour), "hour") + " ago"
	case d < 30*24*time.Hour:
		return plural(int64(d/(24*time.Hour)), "day") + " ago"
	case d < 365*24*time.Hour:
		return plural(int64(d/(30*24*time.Hour)), "month") + " ago"
	}
	return plural(int64(d/(365*24*time.Hour)), "year") + " ago"
}

// plural counts things in English: 1 reply, 2 replies, 3 views.
func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	// A consonant before the y makes -ies (reply, replies); a vowel keeps it (day, days).
	if stem, ok := strings.CutSuffix(word, "y"); ok && stem != "" && !strings.ContainsAny(stem[len(stem)-1:], "aeiou") {
		return strconv.FormatInt(n, 10) + " " + stem + "ies"
	}
	return strconv.FormatInt(n, 10) + " " + word + "s"
}

// compactCount writes large counts the way lists show them: 950, 1.2K, 34K, 1.5M.
func compactCount(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10)
	case n < 10_000:
		return strconv.FormatFloat(float64(n)/1000, 'f', 1, 64) + "K"
	case n < 1_000_000:
		return strconv.FormatInt(n/1000, 10) + "K"
	}
	return strconv.FormatFloat(float64(n)/1_000_000, 'f', 1, 64) + "M"
}

// threadLink is the canonical path of a thread.
func threadLink(id int64) string { return "/threads/" + strconv.FormatInt(id, 10) }
