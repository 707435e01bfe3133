package web

import (
	"net/http"
	"slices"
	"strconv"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/diff"
)

// revisionsView is a post's history: every version, and the changes between two of them.
type revisionsView struct {
	page
	Post      parley.Post
	ThreadURL string
	Revisions []parley.Revision
	From, To  parley.Revision
	Diff      diff.Diff // prose word by word, code blocks line by line
	HasCode   bool      // some part is code, so the legend explains the line markers
}

func (s *Server) handleRevisions() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "post")
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		post, err := s.readablePost(r, id)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		revs, err := s.store.Revisions(r.Context(), id)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		from, to, err := chooseRevisions(r, len(revs))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &revisionsView{page: s.newPage(r, "Revision history"), Post: post, Revisions: revs,
			ThreadURL: threadLink(post.ThreadID) + "#post-" + strconv.FormatInt(post.ID, 10),
			From:      revs[from-1], To: revs[to-1]}
		v.Diff = s.diffs.get(diffKey{post: id, from: from, to: to}, func() diff.Diff {
			return diff.Markdown(v.From.Body, v.To.Body)
		})
		v.HasCode = slices.ContainsFunc(v.Diff.Parts, func(p diff.Part) bool { return p.Code })
		v.Crumbs = []crumb{{Name: "Thread", URL: v.ThreadURL}}
		s.html(w, r, "revisions", v, revs[len(revs)-1].CreatedAt)
	})
}

// chooseRevisions reads ?from= and ?to=, defaulting to the last edit: the version before
// the current one, and the current one.
func chooseRevisions(r *http.Request, n int) (from, to int, err error) {
	from, to = max(n-1, 1), n
	q := r.URL.Query()
	for _, p := range []struct {
		name string
		dst  *int
	}{{"from", &from}, {"to", &to}} {
		raw := q.Get(p.name)
		if raw == "" {
			continue
		}
		v, err := strconv.Atoi(raw)
		if err != nil || v < 1 || v > n {
			return 0, 0, parley.Invalid(p.name, "Choose a revision between 1 and %d.", n)
		}
		*p.dst = v
	}
	return from, to, nil
}
