package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
)

const (
	pageSize     = 30 // threads on a list page
	feedSize     = 50 // items in a feed
	homeListSize = 20
)

// listParams are a list URL's query: sort, filter and cursor, validated.
type listParams struct {
	Sort   parley.Sort
	Filter parley.Filter
	After  *parley.Cursor
}

// listQuery names the query parameters a list reads: those parseListParams reads, and the
// page numbers answerPageNumber refuses.
var listQuery = append([]string{"sort", "filter", "after"}, pageNumberParams...)

func parseListParams(r *http.Request) (listParams, error) {
	q := r.URL.Query()
	var p listParams
	var err error
	if p.Sort, err = parley.ParseSort(q.Get("sort")); err != nil {
		return p, err
	}
	if p.Filter, err = parley.ParseFilter(q.Get("filter")); err != nil {
		return p, err
	}
	p.After, err = parley.ParseCursor(q.Get("after"), p.Sort)
	return p, err
}

// query renders the parameters back into a URL query, leaving defaults out so that the
// canonical URL of the default list has no query at all.
func (p listParams) query(after *parley.Cursor) string {
	v := url.Values{}
	if p.Sort != parley.SortActivity {
		v.Set("sort", string(p.Sort))
	}
	if p.Filter != parley.FilterNone {
		v.Set("filter", string(p.Filter))
	}
	if after != nil {
		v.Set("after", after.String())
	}
	return v.Encode()
}

// listSpec describes one list page: which threads, and how the page presents them.
type listSpec struct {
	scope   parley.Scope
	path    string // the list's URL path, without query
	title   string
	heading string // the h1, when it differs from the title
	intro   string
	crumbs  []crumb
	// subtopics are listed above the threads on a topic page.
	subtopics []subtopicLink
}

type subtopicLink struct {
	Name, Description, URL string
	ThreadCount            int64
}

// listView is the view model of every thread list page.
type listView struct {
	page
	Heading   string
	Intro     string
	Action    string
	Sorts     []option
	Filters   []option
	Subtopics []subtopicLink
	Pinned    []parley.Thread
	Threads   []parley.Thread
	NextURL   string
	// FirstURL leads back to the first page from a page reached by a cursor, and is set on
	// no other: an empty page with it is a list that ended, without it an empty list.
	FirstURL string
	FeedRSS  string
	FeedAtom string
	Filtered bool
	// Live is where the first page follows the threads started after it was shown.
	Live string
}

type option struct {
	Value, Label string
	Selected     bool
}

// pageNumberParams are how other forums ask for a page by number. Lists here page by
// keyset cursors (?after=, in each page's "Next page" link), so no number names a page.
var pageNumberParams = []string{"page", "offset"}

// answerPageNumber answers a list URL that asks for a page by number, and reports whether it
// did. ?page=1 names the first page, so it is sent there for good. Any other number is
// refused (400) with how lists page and a link to the first page: showing the first page at
// a page-2 address, as lists once did, let readers and crawlers believe they had read on.
// Other parameters a list does not know (utm_source and the like, which feed readers and
// mail add) are still ignored: they ask for nothing a reader would miss.
func (s *Server) answerPageNumber(w http.ResponseWriter, r *http.Request) bool {
	q := r.URL.Query()
	if !slices.ContainsFunc(pageNumberParams, q.Has) {
		return false
	}
	firstPage := q.Get("page") == "1" && !q.Has("offset")
	for _, name := range pageNumberParams {
		q.Del(name)
	}
	q.Del("after")
	first := withQuery(r.URL.Path, q.Encode())
	if firstPage {
		http.Redirect(w, r, first, http.StatusMovedPermanently)
		return true
	}
	s.renderErrorLinking(w, r, parley.Invalid("page", "Lists have no page numbers: each page ends with a “Next page” link to the threads after it."),
		crumb{Name: "Go to the first page of this list", URL: first})
	return true
}

// serveList answers a list URL as a page or a feed, from the same query.
func (s *Server) serveList(w http.ResponseWriter, r *http.Request, f format, spec listSpec) {
	if s.answerPageNumber(w, r) {
		return
	}
	params, err := parseListParams(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	limit := pageSize
	if f != formatHTML {
		limit, params.After = feedSize, nil
	}
	pg, err := s.store.Threads(r.Context(), parley.ListQuery{Scope: spec.scope, Sort: params.Sort, Filter: params.Filter,
		After: params.After, Limit: limit, WithPinned: f == formatHTML})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if f != formatHTML {
		s.listFeed(w, r, f, spec, params, pg.Threads)
		return
	}
	s.html(w, r, "list", s.listView(r, spec, params, pg), lastActivity(pg.Pinned, pg.Threads))
}

func (s *Server) listView(r *http.Request, spec listSpec, params listParams, pg parley.ThreadPage) *listView {
	v := &listView{
		page:      s.newPage(r, spec.title),
		Heading:   spec.heading,
		Intro:     spec.intro,
		Action:    spec.path,
		Subtopics: spec.subtopics,
		Pinned:    pg.Pinned,
		Threads:   pg.Threads,
		Filtered:  params.Filter != parley.FilterNone,
	}
	if params.After == nil {
		v.Live = "/live?list=" + liveListName(spec.scope)
	}
	v.Watch = s.listWatch(r, spec.scope)
	if v.Heading == "" {
		v.Heading = spec.title
	}
	v.Crumbs = spec.crumbs
	v.Description = spec.intro
	v.withFeeds(spec.title, spec.path, params.query(nil))
	v.FeedRSS, v.FeedAtom = v.Feeds[0].URL, v.Feeds[1].URL
	for _, srt := range parley.Sorts {
		v.Sorts = append(v.Sorts, option{Value: string(srt), Label: srt.Label(), Selected: srt == params.Sort})
	}
	for _, f := range parley.Filters {
		v.Filters = append(v.Filters, option{Value: string(f), Label: f.Label(), Selected: f == params.Filter})
	}
	if pg.Next != nil {
		v.NextURL = spec.path + "?" + params.query(pg.Next)
	}
	if params.After != nil {
		v.FirstURL = withQuery(spec.path, params.query(nil))
		v.Title += " (continued)"
	}
	v.Canonical = s.absolute(withQuery(spec.path, params.query(params.After)))
	return v
}

func withQuery(path, query string) string {
	if query == "" {
		return path
	}
	return path + "?" + query
}

// lastActivity is the newest activity among the threads shown: the list's Last-Modified.
func lastActivity(lists ...[]parley.Thread) time.Time {
	var t time.Time
	for _, list := range lists {
		for i := range list {
			if list[i].LastActivityAt.After(t) {
				t = list[i].LastActivityAt
			}
		}
	}
	return t
}

// feedName splits a path value such as "network.rss" into the name and the feed format.
func feedName(value string) (string, format) {
	for f, ext := range map[format]string{formatRSS: ".rss", formatAtom: ".atom"} {
		if name, ok := strings.CutSuffix(value, ext); ok {
			return name, f
		}
	}
	return value, formatHTML
}

func (s *Server) handleAllThreads(f format) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serveList(w, r, f, listSpec{scope: parley.Scope{Kind: parley.ScopeAll}, path: "/threads",
			title: "All threads", intro: "Every thread in the forum."})
	})
}

// slugPath matches a list address that could be slugs in any case, with a feed suffix.
var slugPath = regexp.MustCompile(`^[A-Za-z0-9/.-]+$`)

// lowerCaseSlugs sends a list address typed with capitals (/tags/NETWORK.rss) for good to
// the same address in lower case, query and all: slugs are lower case, and one address per
// list keeps links, feeds and search engines on the one that works. An address that no
// case could make a slug is left to answer 404.
func lowerCaseSlugs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lower := strings.ToLower(r.URL.Path); lower != r.URL.Path && slugPath.MatchString(r.URL.Path) {
			http.Redirect(w, r, (&url.URL{Path: lower, RawQuery: r.URL.RawQuery}).String(), http.StatusMovedPermanently)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handleTag() http.Handler {
	return lowerCaseSlugs(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug, f := feedName(r.PathValue("tag"))
		tag, err := s.store.TagBySlug(r.Context(), slug)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		s.serveList(w, r, f, listSpec{scope: parley.Scope{Kind: parley.ScopeTag, ID: tag.ID}, path: "/tags/" + tag.Slug,
			title: tag.Name, intro: tag.Description, crumbs: []crumb{{Name: "Tags", URL: "/tags"}}})
	}))
}

func (s *Server) handleTopic() http.Handler {
	return lowerCaseSlugs(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug, f := feedName(r.PathValue("topic"))
		topic, err := s.store.TopicBySlug(r.Context(), slug)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		spec := listSpec{scope: parley.Scope{Kind: parley.ScopeTopic, ID: topic.ID}, path: "/topics/" + topic.Slug,
			title: topic.Name, intro: topic.Description}
		for _, sub := range topic.Subtopics {
			spec.subtopics = append(spec.subtopics, subtopicLink{Name: sub.Name, Description: sub.Description,
				URL: spec.path + "/" + sub.Slug, ThreadCount: sub.ThreadCount})
		}
		s.serveList(w, r, f, spec)
	}))
}

func (s *Server) handleSubtopic() http.Handler {
	return lowerCaseSlugs(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug, f := feedName(r.PathValue("subtopic"))
		topic, err := s.store.TopicBySlug(r.Context(), r.PathValue("topic"))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		for _, sub := range topic.Subtopics {
			if sub.Slug == slug {
				topicPath := "/topics/" + topic.Slug
				s.serveList(w, r, f, listSpec{scope: parley.Scope{Kind: parley.ScopeSubtopic, ID: sub.ID},
					path: topicPath + "/" + sub.Slug, title: sub.Name, heading: sub.Name, intro: sub.Description,
					crumbs: []crumb{{Name: topic.Name, URL: topicPath}}})
				return
			}
		}
		s.renderError(w, r, parley.NotFound("There is no subtopic %q in %s.", slug, topic.Name))
	}))
}

// tagIndexView lists every tag.
type tagIndexView struct {
	page
	Tags []parley.Tag
}

func (s *Server) handleTagIndex() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tags, err := s.store.Tags(r.Context())
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &tagIndexView{page: s.newPage(r, "Tags"), Tags: tags}
		v.Description = "Every tag in the forum, the most used first."
		s.html(w, r, "tags", v, time.Time{})
	})
}

// homeView is the front page: the forum's structure and its latest threads.
type homeView struct {
	page
	Topics  []parley.Topic
	Threads []parley.Thread
}

func (s *Server) handleHome() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		topics, err := s.store.Topics(r.Context())
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		pg, err := s.store.Threads(r.Context(), parley.ListQuery{Sort: parley.SortActivity, Limit: homeListSize})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &homeView{page: s.newPage(r, s.cfg.SiteName), Topics: topics, Threads: pg.Threads}
		v.Description = "Questions and answers about building for the platform, from developers and the engineers who make it."
		v.withFeeds("Latest threads", "/threads", "")
		s.html(w, r, "home", v, lastActivity(pg.Threads))
	})
}
