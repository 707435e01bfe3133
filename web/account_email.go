package web

import (
	"net/http"
	"strconv"
	"strings"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
)

// accountView is the signed-in member's account: their address and whether it is
// verified, with the way to verify it.
type accountView struct {
	page
	form
	Email   parley.EmailStatus
	EmailOn bool
	Sent    bool // a verification email was just asked for
}

func (s *Server) handleAccount() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, err := s.store.EmailStatus(r.Context(), viewerFrom(r.Context()).User.ID)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &accountView{page: s.newPage(r, "Your account"), form: newFormState(), Email: st, EmailOn: s.cfg.Email, Sent: r.URL.Query().Has("sent")}
		v.Description = "Your " + s.cfg.SiteName + " account: your email address, password, notifications and data."
		v.CSRF = s.csrfToken(w, r)
		s.showPage(w, r, "account", v, http.StatusOK)
	})
}

// handleRequestVerification emails the member a link that verifies their address.
func (s *Server) handleRequestVerification() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		me := viewerFrom(r.Context())
		if err := s.checkForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		if !s.cfg.Email {
			s.renderError(w, r, parley.Errorf(parley.EConflict, "This forum sends no email, so it cannot verify addresses."))
			return
		}
		if !s.allow(r.Context(), s.limits.emailLink, "user:"+strconv.FormatInt(me.User.ID, 10)) {
			s.renderError(w, r, tooManyLinks(s.limits.emailLink))
			return
		}
		if err := s.store.RequestEmailVerification(r.Context(), me.User.ID); err != nil {
			s.renderError(w, r, err)
			return
		}
		http.Redirect(w, r, "/account?sent", http.StatusSeeOther)
	})
}

func tooManyLinks(l limit) error {
	return parley.Errorf(parley.ETooMany, "Too many emails asked for. Try again in %s.", parley.SpellDuration(l.every))
}

// noticeView is a page that says one thing happened, with where to go next.
type noticeView struct {
	page
	form
	Message  string
	Link     string
	LinkText string
	// Action, when set, is a form's address: the page then asks before it acts, since
	// link scanners open every link of an email.
	Action string
	Button string
}

// handleVerifyForm asks before using a verification link.
func (s *Server) handleVerifyForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := &noticeView{page: s.newPage(r, "Confirm your email address"), form: newFormState(),
			Message: "Confirm that this address, the one the link came to, is yours.", Action: r.URL.Path, Button: "Confirm my address"}
		v.CSRF = s.csrfToken(w, r)
		s.showPage(w, r, "notice", v, http.StatusOK)
	})
}

func (s *Server) handleVerify() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		u, err := s.store.VerifyEmail(r.Context(), r.PathValue("token"))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &noticeView{page: s.newPage(r, "Address confirmed"), form: newFormState(),
			Message: "Thank you, " + u.DisplayName + ": your email address is verified.", Link: "/account", LinkText: "Your account"}
		s.showPage(w, r, "notice", v, http.StatusOK)
	})
}

// forgotView is the form that asks for a password reset link.
type forgotView struct {
	page
	form
	Email   string
	Sent    bool
	EmailOn bool
}

func (s *Server) newForgot(w http.ResponseWriter, r *http.Request) *forgotView {
	v := &forgotView{page: s.newPage(r, "Forgot your password?"), form: newFormState(), EmailOn: s.cfg.Email}
	v.Description = "Reset the password of your " + s.cfg.SiteName + " account by email."
	v.CSRF = s.csrfToken(w, r)
	return v
}

func (s *Server) handleForgotForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.showPage(w, r, "forgot", s.newForgot(w, r), http.StatusOK)
	})
}

// handleForgot emails a reset link to the account with the address, and answers the same
// whether there is one or not: nobody learns from it who has an account.
func (s *Server) handleForgot() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.newForgot(w, r)
		err := s.checkForm(w, r)
		v.Email = strings.TrimSpace(r.PostForm.Get("email"))
		if err == nil && !s.cfg.Email {
			err = parley.Errorf(parley.EConflict, "This forum sends no email: ask an admin to reset your password.")
		}
		if err == nil {
			err = parley.ValidateEmail(v.Email)
		}
		if err == nil && (!s.allow(r.Context(), s.limits.emailLink, clientIP(r)) ||
			!s.allow(r.Context(), s.limits.emailLink, "to:"+strings.ToLower(v.Email))) {
			err = tooManyLinks(s.limits.emailLink)
		}
		if err == nil {
			err = s.store.RequestPasswordReset(r.Context(), v.Email)
		}
		if err != nil {
			s.refuse(w, r, "forgot", v, &v.form, err)
			return
		}
		v.Sent = true
		s.showPage(w, r, "forgot", v, http.StatusOK)
	})
}

// resetView is the form that sets a new password through a reset link.
type resetView struct {
	page
	form
	Member parley.User
	Action string
}

func (s *Server) handleResetForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.store.CheckResetToken(r.Context(), r.PathValue("token"))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &resetView{page: s.newPage(r, "Choose a new password"), form: newFormState(), Member: u, Action: r.URL.Path}
		v.CSRF = s.csrfToken(w, r)
		s.showPage(w, r, "reset", v, http.StatusOK)
	})
}

// handleReset sets the new password and ends every session of the account but this
// browser's, when it is signed in as that member.
func (s *Server) handleReset() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.PathValue("token")
		u, err := s.store.CheckResetToken(r.Context(), token)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &resetView{page: s.newPage(r, "Choose a new password"), form: newFormState(), Member: u, Action: r.URL.Path}
		v.CSRF = s.csrfToken(w, r)
		if err := s.checkForm(w, r); err != nil {
			s.refuse(w, r, "reset", v, &v.form, err)
			return
		}
		password := r.PostForm.Get("password")
		if err := parley.ValidatePassword("password", password); err != nil {
			s.refuse(w, r, "reset", v, &v.form, err)
			return
		}
		hash, err := auth.HashPassword(password)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		keep := ""
		if me := viewerFrom(r.Context()); me != nil && me.User.ID == u.ID {
			keep = me.TokenHash
		}
		if _, err := s.store.ResetPassword(r.Context(), token, hash, keep); err != nil {
			s.refuse(w, r, "reset", v, &v.form, err)
			return
		}
		s.log.Info("password reset", "user", u.ID)
		n := &noticeView{page: s.newPage(r, "Password changed"), form: newFormState(),
			Message: "The password of @" + u.Handle + " is changed, and every other browser signed in to it is signed out.",
			Link:    "/login", LinkText: "Sign in"}
		if keep != "" {
			n.Link, n.LinkText = "/account", "Your account"
		}
		s.showPage(w, r, "notice", n, http.StatusOK)
	})
}
