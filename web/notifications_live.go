package web

import (
	"net/http"

	parley "github.com/parley-forum/parley"
)

// handleNotificationsLive streams the signed-in reader's unread count: at once, then each
// time it changes, as a "notifications" event whose data is the count as the header shows
// it (unreadLabel). The header's badge follows it on every page.
func (s *Server) handleNotificationsLive() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		end, ok := s.admitStream(w, r)
		if !ok {
			return
		}
		defer end()
		r = r.WithContext(parley.ReadPrimary(r.Context())) // woken by a write a replica may not have yet
		userID := viewerFrom(r.Context()).User.ID
		wakeUp, stop := s.live.watch(s.live.readers, userID)
		defer stop()
		st, err := startStream(w)
		if err != nil {
			return
		}
		sent, seq := -1, int64(0)
		s.runStream(r.Context(), st, wakeUp, func() error {
			n, err := s.store.UnreadNotifications(r.Context(), userID)
			if err != nil || n == sent {
				return err
			}
			seq++
			sent = n
			return st.send(seq, "notifications", unreadLabel(n))
		})
	})
}
