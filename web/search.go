package web

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/search"
)

// searchParams are a search URL's query, read and validated: the search, its sort and
// the cursor of the page.
type searchParams struct {
	Query search.Query
	Sort  parley.Sort
	After *parley.SearchCursor
}

// parseSearchParams reads a search URL. A query that cannot be read is search.Errors.
func parseSearchParams(r *http.Request) (searchParams, error) {
	v := r.URL.Query()
	var p searchParams
	var err error
	if p.Query, err = search.Parse(v.Get("q")); err != nil {
		return p, err
	}
	if p.Sort, err = parley.ParseSearchSort(v.Get("sort")); err != nil {
		return p, err
	}
	p.After, err = parley.ParseSearchCursor(v.Get("after"))
	return p, err
}

// query renders the parameters back into a URL query, the search in its canonical form
// and the default sort left out, so that one search has one address.
func (p searchParams) query(after *parley.SearchCursor) string {
	v := url.Values{"q": {p.Query.String()}}
	if p.Sort != parley.SortRelevance {
		v.Set("sort", string(p.Sort))
	}
	if after != nil {
		v.Set("after", after.String())
	}
	return v.Encode()
}

// cachedSearch is cached for searches: a page is kept under the canonical form of its
// search (search.Query.String), so that searches typed differently that mean the same
// (tags in another order, extra spaces) share one entry. A search that cannot be read is
// not kept.
func (s *Server) cachedSearch(h http.Handler) http.Handler {
	if s.cache == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := parseSearchParams(r)
		if err != nil {
			h.ServeHTTP(w, r)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), pageKey{}, r.URL.EscapedPath()+"?"+p.query(p.After)))
		if !s.cache.serve(w, r) {
			h.ServeHTTP(w, r)
		}
	})
}

// searchView is the search page: how to search, what was found, or why the search could
// not be read.
type searchView struct {
	page
	Heading  string
	Searched bool // a search was read and run
	Sorts    []option
	Results  template.HTML
	Found    bool
	NextURL  string
	FirstURL string // set on a page reached by a cursor
	FeedRSS  string
	FeedAtom string
	// Narrowed is true when nothing was found by a search with operators; Broader is then
	// the same search without them, when it has words to look for.
	Narrowed bool
	Broader  *searchLink
	Errors   []string
	Help     []search.Syntax
}

type searchLink struct{ Query, URL string }

func (s *Server) handleSearch(f format) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := parseSearchParams(r)
		var unread search.Errors
		switch {
		case errors.As(err, &unread) && f == formatHTML:
			s.searchRefused(w, r, unread)
			return
		case errors.As(err, &unread):
			err = parley.Invalid("q", "%s", unread.Error())
		case err == nil && p.Query.Empty() && f != formatHTML:
			err = parley.Invalid("q", "Say what to search for: /search.rss?q=URLSession follows the threads that mention URLSession.")
		}
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if p.Query.Empty() {
			v := &searchView{page: s.newPage(r, "Search"), Heading: "Search", Help: search.Help()}
			v.Description = "How to search the threads of " + s.cfg.SiteName + "."
			s.html(w, r, "search", v, time.Time{})
			return
		}
		limit := pageSize
		if f != formatHTML {
			limit, p.After = feedSize, nil
		}
		pg, err := s.store.Search(r.Context(), parley.SearchQuery{Query: p.Query, Sort: p.Sort, After: p.After, Limit: limit})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		threads := make([]parley.Thread, len(pg.Results))
		for i, res := range pg.Results {
			threads[i] = res.Thread
		}
		if f != formatHTML {
			title := "Search: " + p.Query.String()
			if p.Sort != parley.SortRelevance {
				title += " · " + p.Sort.Label()
			}
			s.threadsFeed(w, r, f, title, "/search?"+p.query(nil), "Threads found by the search “"+p.Query.String()+"”.", threads)
			return
		}
		v, err := s.searchView(r, p, pg)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		s.html(w, r, "search", v, lastActivity(threads))
	})
}

func (s *Server) searchView(r *http.Request, p searchParams, pg parley.SearchPage) (*searchView, error) {
	canon := p.Query.String()
	v := &searchView{page: s.newPage(r, "Search: "+canon), Heading: "Search results", Searched: true, Found: len(pg.Results) > 0}
	v.Query = canon
	v.Description = "Threads found by the search “" + canon + "”."
	v.withFeeds("Search: "+canon, "/search", p.query(nil))
	v.FeedRSS, v.FeedAtom = v.Feeds[0].URL, v.Feeds[1].URL
	for _, srt := range parley.SearchSorts {
		v.Sorts = append(v.Sorts, option{Value: string(srt), Label: srt.Label(), Selected: srt == p.Sort})
	}
	if pg.Next != nil {
		v.NextURL = "/search?" + p.query(pg.Next)
	}
	if p.After != nil {
		v.FirstURL = "/search?" + p.query(nil)
		v.Title += " (continued)"
	}
	v.Canonical = s.absolute("/search?" + p.query(p.After))
	if !v.Found && p.After == nil {
		v.Narrowed, v.Broader = broaden(p.Query)
	}
	if v.Found {
		subtopics, err := s.subtopicLinks(r.Context())
		if err != nil {
			return nil, err
		}
		v.Results = searchResults(pg.Results, subtopics)
	}
	return v, nil
}

// broaden reports whether q has operators, and returns q without them when it has words or
// phrases to look for: what a search that found nothing might try instead.
func broaden(q search.Query) (bool, *searchLink) {
	words := search.Query{Words: q.Words, Phrases: q.Phrases, NotWords: q.NotWords, NotPhrases: q.NotPhrases}
	wider := words
	wider.TitleOnly = false
	if wider.String() == q.String() {
		return false, nil
	}
	if len(words.Words)+len(words.Phrases) == 0 {
		return true, nil
	}
	return true, &searchLink{Query: wider.String(), URL: "/search?" + url.Values{"q": {wider.String()}}.Encode()}
}

// searchRefused answers a search that cannot be read: the page says what is wrong, with
// status 400, and keeps the search as typed in the box so that it can be mended.
func (s *Server) searchRefused(w http.ResponseWriter, r *http.Request, unread search.Errors) {
	v := &searchView{page: s.newPage(r, "Search"), Heading: "This search cannot be read", Help: search.Help()}
	v.Query = r.URL.Query().Get("q")
	for _, e := range unread {
		v.Errors = append(v.Errors, e.Message)
	}
	body, err := s.pages.render("search", v)
	if err != nil {
		s.renderError(w, r, fmt.Errorf("render search: %w", err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	w.Write(body)
}

// subtopicLinks names every subtopic by id, with its address, for rows that show where a
// thread is.
func (s *Server) subtopicLinks(ctx context.Context) (map[int64]crumb, error) {
	topics, err := s.store.Topics(ctx)
	if err != nil {
		return nil, err
	}
	links := map[int64]crumb{}
	for _, t := range topics {
		for _, sub := range t.Subtopics {
			links[sub.ID] = crumb{Name: sub.Name, URL: "/topics/" + t.Slug + "/" + sub.Slug}
		}
	}
	return links, nil
}

// searchResults renders search results as rows like a list's, each with the passage that
// matched. The passage is text from the index's reading of a post, escaped like any text;
// only the marks around matches are markup.
func searchResults(results []parley.SearchResult, subtopics map[int64]crumb) template.HTML {
	m := markup{b: make([]byte, 0, 1600*len(results)+32)}
	m.raw(`<ol class="threads results">`)
	for i := range results {
		res := &results[i]
		t := &res.Thread
		m.raw("\n<li class=\"thread result\"><div class=\"thread-main\"><h3 class=\"thread-title\">")
		m.threadTitle(t)
		m.raw(`</h3>`)
		m.snippet(res.Snippet)
		m.raw(`<p class="byline">Asked by `)
		m.author(t.Author)
		if sub, ok := subtopics[t.SubtopicID]; ok {
			m.raw(` in <a class="subtopic" href="`)
			m.text(sub.URL)
			m.raw(`">`)
			m.text(sub.Name)
			m.raw(`</a>`)
		}
		m.raw(` · `)
		m.timeAgo(t.CreatedAt)
		m.raw(`</p>`)
		m.tags(t.Tags)
		m.raw(`</div>`)
		m.threadStats(t)
		m.raw(`</li>`)
	}
	m.raw("</ol>\n")
	return m.html()
}

// snippet writes a passage with its matches marked.
func (m *markup) snippet(spans []search.Span) {
	if len(spans) == 0 {
		return
	}
	m.raw(`<p class="snippet">`)
	for _, sp := range spans {
		if sp.Match {
			m.raw(`<mark>`)
			m.text(sp.Text)
			m.raw(`</mark>`)
		} else {
			m.text(sp.Text)
		}
	}
	m.raw(`</p>`)
}

// openSearch is an OpenSearch description: it lets a browser offer the site's search in
// its address bar, with the results page and the feeds of any search.
type openSearch struct {
	XMLName       xml.Name        `xml:"http://a9.com/-/spec/opensearch/1.1/ OpenSearchDescription"`
	ShortName     string          `xml:"ShortName"`
	Description   string          `xml:"Description"`
	InputEncoding string          `xml:"InputEncoding"`
	URLs          []openSearchURL `xml:"Url"`
}

type openSearchURL struct {
	Type     string `xml:"type,attr"`
	Template string `xml:"template,attr"`
}

func (s *Server) handleOpenSearch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := []rune(s.cfg.SiteName)
		d := openSearch{ShortName: string(name[:min(len(name), 16)]), // the most the format allows
			Description: "Search the threads of " + s.cfg.SiteName, InputEncoding: "UTF-8"}
		for _, u := range []struct{ typ, path string }{
			{"text/html", "/search"}, {"application/rss+xml", "/search.rss"}, {"application/atom+xml", "/search.atom"},
		} {
			// {searchTerms} is the format's placeholder, which must stay unescaped.
			d.URLs = append(d.URLs, openSearchURL{Type: u.typ, Template: s.absolute(u.path) + "?q={searchTerms}"})
		}
		body, err := xml.MarshalIndent(d, "", "  ")
		if err != nil {
			s.renderError(w, r, fmt.Errorf("write OpenSearch description: %w", err))
			return
		}
		s.send(w, r, "application/opensearchdescription+xml; charset=utf-8", time.Time{}, append([]byte(xml.Header), body...))
	})
}
