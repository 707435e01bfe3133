package web

import (
	"net/http"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/email"
)

// unsubscribeView asks, then says, that a member gets no more email. The link's token
// says who they are, so neither the page nor its button needs a session or a CSRF token.
type unsubscribeView struct {
	page
	Member parley.User
	Action string // the link's own path, which the button posts to
	Done   bool
}

// unsubscriber reads the member an unsubscribe link names: an unknown or forged token is
// not found, like any address that leads nowhere.
func (s *Server) unsubscriber(r *http.Request) (parley.User, error) {
	key, err := s.store.SiteKey(r.Context(), email.UnsubscribeKey)
	if err != nil {
		return parley.User{}, err
	}
	id, ok := auth.VerifyID(key, email.UnsubscribeKey, r.PathValue("token"))
	if !ok {
		return parley.User{}, parley.NotFound("This unsubscribe link is not one %s made. Choose your email in your notification settings instead.", s.cfg.SiteName)
	}
	return s.store.UserByID(r.Context(), id)
}

// handleUnsubscribeForm shows the button that unsubscribes; it changes nothing, since link
// scanners and previews open every link of an email.
func (s *Server) handleUnsubscribeForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.unsubscriber(r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &unsubscribeView{page: s.newPage(r, "Stop email"), Member: u, Action: r.URL.Path}
		v.Description = "Stop the email " + s.cfg.SiteName + " sends about your notifications."
		s.showPage(w, r, "unsubscribe", v, http.StatusOK)
	})
}

// handleUnsubscribe sets the member's email to never: the page's button, or a mail
// client's one-click POST (RFC 8058), which sends List-Unsubscribe=One-Click and no
// cookies. Doing it again changes nothing.
func (s *Server) handleUnsubscribe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.unsubscriber(r)
		if err == nil {
			err = s.store.SetEmailChoice(r.Context(), u.ID, parley.EmailNever)
		}
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &unsubscribeView{page: s.newPage(r, "Email stopped"), Member: u, Action: r.URL.Path, Done: true}
		v.Description = s.cfg.SiteName + " sends you no more email about your notifications."
		s.showPage(w, r, "unsubscribe", v, http.StatusOK)
	})
}
