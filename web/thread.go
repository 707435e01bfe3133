package web

import (
	"html/template"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
)

const postsPerPage = 20

// threadView is the view model of a thread page.
type threadView struct {
	page
	Thread    parley.Thread
	Question  *postView  // the original post, when this page holds it: shown first
	Posts     []postView // the replies, shown after the summary box
	Accepted  *postView  // shown in the summary box under the question, when there is one
	Suggested []postView
	NextURL   string
	FirstURL  string
	JSONLD    []byte // safe inside a script element (discussionLD)
	// LiveURL is where the last page follows new replies; empty on earlier pages.
	LiveURL string
	// Links are the threads linked with this one, in both directions (Store.ThreadLinks).
	Links []parley.LinkedThread
	// Moderation holds the moderators' controls; nil for everyone else.
	Moderation *modPanel
	// The reply form: what was typed and what is wrong with it, after a refused reply.
	ReplyBody  string
	ReplyError string
	ReplyFiles fileInput
}

// postView is a post as a page shows it. HTML was sanitised when the post was written,
// so it is marked safe here rather than escaped again.
type postView struct {
	parley.Post
	Body      template.HTML
	Signature template.HTML
	Accepted  bool
	Actions   postActions
}

// postActions are the buttons a post shows the signed-in reader, as policy allows them.
type postActions struct {
	CSRF                                  string // the form token; empty for readers without a session
	Edit, Accept, Recommend, Boost, Quote bool
	Flag, Hide                            bool
	Boosted                               bool // the reader's boost is on this post
}

func newPostView(p parley.Post, acceptedID int64) postView {
	return postView{Post: p, Body: template.HTML(p.HTML), Signature: template.HTML(p.Author.SignatureHTML), Accepted: p.ID == acceptedID}
}

func (s *Server) handleThread() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, f := feedName(r.PathValue("id"))
		id, err := parseID(raw, "thread")
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if s.cache.serve(w, r) {
			if f == formatHTML && r.Method == http.MethodGet {
				s.views.Count(id, viewerKey(r))
			}
			return
		}
		after, err := parsePostCursor(r.URL.Query().Get("after"))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		limit := postsPerPage
		if f != formatHTML {
			limit, after = feedSize, 0
		}
		// A feed never shows a deleted thread, even to a moderator: a feed reader keeps
		// what it fetches, long after the moderator's reason to read it has passed.
		t, posts, err := s.threadPageShown(r, id, after, limit+1, f == formatHTML && moderates(r))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if f != formatHTML {
			s.threadFeed(w, r, f, t, visible(posts[:min(len(posts), limit)], false))
			return
		}
		if r.Method == http.MethodGet {
			s.views.Count(id, viewerKey(r))
		}
		// The store's count trails the counter's by up to a flush; the page is exact.
		t.ViewCount += s.views.Unwritten(id)
		csrf := ""
		if viewerFrom(r.Context()) != nil {
			csrf = s.csrfToken(w, r)
		}
		v, err := s.threadView(r, t, posts, after, csrf)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if q := r.URL.Query().Get("quote"); q != "" && csrf != "" {
			if err := s.prefillQuote(r, v, q); err != nil {
				s.renderError(w, r, err)
				return
			}
		}
		modified := lastChange(t, posts)
		if v.Accepted != nil && v.Accepted.EditedAt.After(modified) {
			modified = v.Accepted.EditedAt
		}
		s.html(w, r, "thread", v, modified)
	})
}

// lastChange is when a thread or the posts shown of it last changed: Last-Modified for its
// page and feed. An edit is not activity (it does not move the thread up its lists) but it
// does change what the page shows, so a client revalidating after an edit must not get 304.
func lastChange(t parley.Thread, posts []parley.Post) time.Time {
	m := t.LastActivityAt
	for i := range posts {
		if posts[i].EditedAt.After(m) {
			m = posts[i].EditedAt
		}
	}
	return m
}

func (s *Server) threadView(r *http.Request, t parley.Thread, posts []parley.Post, after int64, csrf string) (*threadView, error) {
	v := &threadView{page: s.newPage(r, t.Title), Thread: t, ReplyFiles: s.fileInput(nil)}
	v.Watch = s.watchControl(r, parley.Watch{Kind: parley.WatchThread, TargetID: t.ID})
	v.CSRF = csrf
	if len(posts) > postsPerPage {
		posts = posts[:postsPerPage]
		v.NextURL = threadLink(t.ID) + "?after=" + strconv.FormatInt(posts[len(posts)-1].ID, 10)
	}
	if v.NextURL == "" {
		last := after
		if len(posts) > 0 {
			last = posts[len(posts)-1].ID
		}
		v.LiveURL = threadLink(t.ID) + "/live?after=" + strconv.FormatInt(last, 10)
	}
	if after != 0 {
		v.FirstURL = threadLink(t.ID)
		v.Canonical = s.absolute(threadLink(t.ID) + "?after=" + strconv.FormatInt(after, 10))
	}
	posts = visible(posts, moderates(r))
	var err error
	if t.LinkCount > 0 {
		if v.Links, err = s.store.ThreadLinks(r.Context(), t.ID); err != nil {
			return nil, err
		}
	}
	if moderates(r) && csrf != "" {
		if v.Moderation, err = s.modPanel(r, t, v.Links, csrf); err != nil {
			return nil, err
		}
	}
	me := viewerFrom(r.Context())
	boosted, err := s.boosted(r, me, posts)
	if err != nil {
		return nil, err
	}
	v.Posts = make([]postView, 0, len(posts))
	for _, p := range posts {
		pv := newPostView(p, t.AcceptedPostID)
		pv.Actions = actionsFor(me, t, p, csrf)
		pv.Actions.Boosted = boosted[p.ID]
		if p.Original {
			v.Question = &pv
		} else {
			v.Posts = append(v.Posts, pv)
		}
		if p.StaffRecommended && !p.Hidden {
			v.Suggested = append(v.Suggested, pv)
		}
		if pv.Accepted && !p.Hidden {
			v.Accepted = &pv
		}
	}
	if err := s.acceptedOffPage(r, t, v); err != nil {
		return nil, err
	}
	if err := s.threadCrumbs(r, &v.page, t); err != nil {
		return nil, err
	}
	if len(posts) > 0 && posts[0].Original {
		v.Description = excerpt(posts[0].Body, 160)
	}
	v.withFeeds(t.Title, threadLink(t.ID), "")
	v.JSONLD = s.discussionLD(t, posts)
	return v, nil
}

// acceptedOffPage fills the summary box with the accepted answer when the page does not
// hold it. The summary never shows a hidden post, to anyone: hiding an answer clears its
// acceptance, and a store that raced the two must not republish it here.
func (s *Server) acceptedOffPage(r *http.Request, t parley.Thread, v *threadView) error {
	if t.AcceptedPostID == 0 || v.Accepted != nil {
		return nil
	}
	p, err := s.store.Post(r.Context(), t.AcceptedPostID)
	if err != nil || p.Hidden || p.ThreadID != t.ID {
		return err
	}
	pv := newPostView(p, t.AcceptedPostID)
	v.Accepted = &pv
	return nil
}

// visible leaves out hidden posts, unless the reader moderates and may restore them.
func visible(posts []parley.Post, withHidden bool) []parley.Post {
	if withHidden || !slices.ContainsFunc(posts, func(p parley.Post) bool { return p.Hidden }) {
		return posts
	}
	out := make([]parley.Post, 0, len(posts))
	for _, p := range posts {
		if !p.Hidden {
			out = append(out, p)
		}
	}
	return out
}

// actionsFor decides which buttons a post shows the reader.
func actionsFor(me *viewer, t parley.Thread, p parley.Post, csrf string) postActions {
	if me == nil {
		return postActions{}
	}
	if p.Hidden || t.Deleted { // out of view: it may be mended, and a hidden reply restored while its thread stands
		return postActions{CSRF: csrf, Edit: me.may(parley.ActEdit, p.Author.ID), Hide: p.Hidden && !t.Deleted && me.may(parley.ActModerate, 0)}
	}
	return postActions{
		CSRF:      csrf,
		Edit:      me.may(parley.ActEdit, p.Author.ID),
		Accept:    !p.Original && me.may(parley.ActAccept, t.Author.ID),
		Recommend: !p.Original && me.may(parley.ActRecommend, 0),
		Boost:     me.may(parley.ActBoost, p.Author.ID),
		Quote:     !t.Locked && me.may(parley.ActReply, 0),
		Flag:      me.may(parley.ActFlag, p.Author.ID),
		Hide:      !p.Original && me.may(parley.ActModerate, 0),
	}
}

// quoteReply is the start of a reply quoting post p: its author and its text, each line
// marked as a quote.
func quoteReply(p parley.Post) string {
	var b strings.Builder
	b.WriteString("@" + p.Author.Handle + " wrote:\n\n")
	for _, line := range strings.Split(strings.TrimRight(p.Body, "\n"), "\n") {
		b.WriteString(strings.TrimRight("> "+line, " ") + "\n")
	}
	b.WriteString("\n")
	return b.String()
}

// boosted reports which of the posts shown the signed-in reader has boosted.
func (s *Server) boosted(r *http.Request, me *viewer, posts []parley.Post) (map[int64]bool, error) {
	if me == nil {
		return nil, nil
	}
	ids := make([]int64, len(posts))
	for i, p := range posts {
		ids[i] = p.ID
	}
	return s.store.BoostedPosts(r.Context(), me.User.ID, ids)
}

// prefillQuote starts the reply form with the quoted post, which must be in this thread.
func (s *Server) prefillQuote(r *http.Request, v *threadView, raw string) error {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return parley.Invalid("quote", "There is no post %q to quote.", raw)
	}
	p, err := s.readablePost(r, id)
	if err != nil {
		return err
	}
	if err := parley.CheckActable(p.ID, p.Hidden, v.Thread.Deleted); err != nil {
		return err
	}
	if p.ThreadID != v.Thread.ID {
		return parley.Invalid("quote", "Post %d is in another thread.", id)
	}
	v.ReplyBody = quoteReply(p)
	return nil
}

// threadCrumbs sets the page's breadcrumbs to the thread's topic and subtopic.
func (s *Server) threadCrumbs(r *http.Request, p *page, t parley.Thread) error {
	topics, err := s.store.Topics(r.Context())
	if err != nil {
		return err
	}
	for _, top := range topics {
		for _, sub := range top.Subtopics {
			if sub.ID == t.SubtopicID {
				p.Crumbs = []crumb{{top.Name, "/topics/" + top.Slug}, {sub.Name, "/topics/" + top.Slug + "/" + sub.Slug}}
			}
		}
	}
	return nil
}

// handleThreadSlug sends /threads/{id}/{slug} to the canonical /threads/{id}.
func (s *Server) handleThreadSlug() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "thread")
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		http.Redirect(w, r, withQuery(threadLink(id), r.URL.RawQuery), http.StatusMovedPermanently)
	})
}

func parsePostCursor(raw string) (int64, error) {
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, parley.Invalid("after", "This page link is damaged; start again from the first page.")
	}
	return n, nil
}

// viewerKey identifies a reader for counting views once per window: the client address
// and browser. It is hashed by the counter, never stored.
func viewerKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return host + "|" + r.UserAgent()
}

// excerpt returns the start of a post's text, at most n runes cut at a word boundary, for
// descriptions. It walks only as far as it keeps, however long the post.
func excerpt(s string, n int) string {
	end, count := 0, 0
	for i := range s {
		if count == n {
			end = i
			break
		}
		count++
	}
	if count < n || end == 0 {
		return s
	}
	if cut := strings.LastIndexByte(s[:end], ' '); cut > end/2 {
		end = cut
	}
	return s[:end] + "…"
}
