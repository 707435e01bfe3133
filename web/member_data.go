package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/parley-forum/parley/opendata"
)

// memberPost is one of a member's posts in their download, with the thread it is in.
type memberPost struct {
	ThreadID    int64  `json:"thread_id"`
	ThreadTitle string `json:"thread_title"`
	opendata.Post
}

// memberBoost is a boost the member gave, in their download: a parley.GivenBoost with
// the format's names.
type memberBoost struct {
	PostID    int64     `json:"post_id"`
	ThreadID  int64     `json:"thread_id"`
	CreatedAt time.Time `json:"created_at"`
}

// memberDataPage is how many posts or boosts the download reads at once.
const memberDataPage = 100

// handleMemberData answers the signed-in member's own data as one JSON document: their
// profile, every thread they started and reply they wrote, newest first, each with its
// earlier versions, in the records of the open-data format (docs/export.md), then the
// boosts they gave. The route names no user: it can only ever answer the one whose
// session asks. The document is written as it is read, a page at a time, so a prolific
// member costs no more memory than anyone.
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
		err = s.writeMemberPosts(ctx, w, me.ID)
		if err == nil {
			w.Write([]byte(`],"boosts":[`))
			err = s.writeMemberBoosts(ctx, w, me.ID)
		}
		if err != nil {
			// The status is sent: end the document unfinished, so that no reader takes
			// a part for the whole.
			s.log.ErrorContext(ctx, "member data", "user", me.ID, "err", err)
			return
		}
		w.Write([]byte("]}\n"))
	})
}

// writeMemberPosts writes the user's posts as the elements of a JSON array.
func (s *Server) writeMemberPosts(ctx context.Context, w io.Writer, userID int64) error {
	enc := newMemberEncoder(w)
	var before int64
	for {
		page, err := s.store.UserPosts(ctx, userID, before, memberDataPage)
		if err != nil {
			return err
		}
		for _, up := range page {
			p, err := s.store.Post(ctx, up.PostID)
			if err != nil {
				continue // deleted since the page was read
			}
			versions, err := s.store.Revisions(ctx, p.ID)
			if err != nil {
				return err
			}
			enc.encode(memberPost{ThreadID: up.ThreadID, ThreadTitle: up.ThreadTitle, Post: opendata.PostOf(p, versions)})
		}
		if len(page) < memberDataPage {
			return nil
		}
		before = page[len(page)-1].PostID
	}
}

// writeMemberBoosts writes the boosts the user gave as the elements of a JSON array.
func (s *Server) writeMemberBoosts(ctx context.Context, w io.Writer, userID int64) error {
	enc := newMemberEncoder(w)
	var after int64
	for {
		page, err := s.store.UserBoosts(ctx, userID, after, memberDataPage)
		if err != nil {
			return err
		}
		for _, b := range page {
			enc.encode(memberBoost(b))
		}
		if len(page) < memberDataPage {
			return nil
		}
		after = page[len(page)-1].PostID
	}
}

// memberEncoder writes values as the elements of a JSON array, commas between.
type memberEncoder struct {
	w   io.Writer
	enc *json.Encoder
	n   int
}

func newMemberEncoder(w io.Writer) *memberEncoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &memberEncoder{w: w, enc: enc}
}

func (e *memberEncoder) encode(v any) {
	if e.n > 0 {
		e.w.Write([]byte{','})
	}
	e.n++
	e.enc.Encode(v)
}
