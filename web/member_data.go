package web

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/parley-forum/parley/opendata"
)

// memberPost is one of a member's posts in their download, with the thread it is in.
type memberPost struct {
	ThreadID    int64  `json:"thread_id"`
	ThreadTitle string `json:"thread_title"`
	opendata.Post
}

// handleMemberData answers the signed-in member's own data as one JSON document: their
// profile, then every thread they started and reply they wrote, newest first, each with its
// earlier versions, in the records of the open-data format (docs/export.md). The route
// names no user: it can only ever answer the one whose session asks. The posts are written
// as they are read, a page at a time, so a prolific member costs no more memory than anyone.
func (s *Server) handleMemberData() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		me := viewerFrom(r.Context()).User
		ctx := r.Context()
		profile, err := json.Marshal(opendata.UserOf(me))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="parley-%s.json"`, me.Handle))
		w.Header().Set("Cache-Control", "private, no-store")
		fmt.Fprintf(w, `{"profile":%s,"posts":[`, profile)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		var before int64
		for n := 0; ; {
			page, err := s.store.UserPosts(ctx, me.ID, before, 100)
			if err != nil {
				// The status is sent: end the document unfinished, so that no reader takes
				// a part for the whole.
				s.log.ErrorContext(ctx, "member data", "user", me.ID, "err", err)
				return
			}
			for _, up := range page {
				p, err := s.store.Post(ctx, up.PostID)
				if err != nil {
					continue // deleted since the page was read
				}
				versions, err := s.store.Revisions(ctx, p.ID)
				if err != nil {
					s.log.ErrorContext(ctx, "member data", "user", me.ID, "err", err)
					return
				}
				if n > 0 {
					w.Write([]byte{','})
				}
				n++
				enc.Encode(memberPost{ThreadID: up.ThreadID, ThreadTitle: up.ThreadTitle, Post: opendata.PostOf(p, versions)})
			}
			if len(page) < 100 {
				break
			}
			before = page[len(page)-1].PostID
		}
		w.Write([]byte("]}\n"))
	})
}
