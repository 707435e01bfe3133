package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
)

// formView is the view model of the account forms: what was typed (never the password),
// where to go next, the CSRF token, and a message per field that needs fixing.
type formView struct {
	page
	form
	Next        string
	Handle      string
	DisplayName string
	Email       string
}

func (s *Server) newForm(w http.ResponseWriter, r *http.Request, title string) *formView {
	v := &formView{page: s.newPage(r, title), form: newFormState()}
	v.CSRF = s.csrfToken(w, r)
	v.Next = safeNext(r.URL.Query().Get("next"))
	return v
}

// fail re-renders an account form with what is wrong.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, name string, v *formView, err error) {
	s.refuse(w, r, name, v, &v.form, err)
}

func (s *Server) handleSignupForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.showPage(w, r, "signup", s.newForm(w, r, "Sign up"), http.StatusOK)
	})
}

func (s *Server) handleSignup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.newForm(w, r, "Sign up")
		if err := s.checkForm(w, r); err != nil {
			s.fail(w, r, "signup", v, err)
			return
		}
		in := parley.NewAccount{Handle: strings.TrimSpace(r.PostForm.Get("handle")),
			DisplayName: strings.TrimSpace(r.PostForm.Get("display_name")),
			Email:       strings.TrimSpace(r.PostForm.Get("email")), Password: r.PostForm.Get("password")}
		v.Handle, v.DisplayName, v.Email, v.Next = in.Handle, in.DisplayName, in.Email, safeNext(r.PostForm.Get("next"))
		if err := in.Validate(); err != nil {
			s.fail(w, r, "signup", v, err)
			return
		}
		if err := s.handleFree(r.Context(), in.Handle); err != nil {
			s.fail(w, r, "signup", v, err)
			return
		}
		// Counted after validation and the handle, so a typo or a taken handle costs
		// nothing, but before the password hash, the step that costs the server, and before
		// the email is tried, so that each probe of an email costs an attempt.
		if !s.allow(r.Context(), s.limits.signup, clientIP(r)) {
			s.fail(w, r, "signup", v, parley.Errorf(parley.ETooMany, "Too many sign-ups from your network. Try again in %s.", parley.SpellDuration(s.limits.signup.every)))
			return
		}
		hash, err := auth.HashPassword(in.Password)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		u, err := s.store.CreateAccount(r.Context(), parley.NewUser{Handle: in.Handle, DisplayName: in.DisplayName}, in.Email, hash)
		if err != nil {
			s.fail(w, r, "signup", v, hideTakenEmail(err))
			return
		}
		if err := s.startSession(w, r, u.ID); err != nil {
			s.renderError(w, r, err)
			return
		}
		// The account stands without it: a failure here leaves the account page's button.
		if s.cfg.Email {
			if err := s.store.RequestEmailVerification(r.Context(), u.ID); err != nil {
				s.log.Warn("ask to verify the address", "user", u.ID, "err", err)
			}
		}
		s.log.Info("signed up", "user", u.ID, "handle", u.Handle)
		http.Redirect(w, r, v.Next, http.StatusSeeOther)
	})
}

// handleFree returns an error for the handle field when an account has the handle already.
// Handles are public (every profile shows one), so saying so tells nothing private and
// costs no sign-up attempt. A handle taken between this and the insert is caught there.
func (s *Server) handleFree(ctx context.Context, handle string) error {
	_, err := s.store.UserByHandle(ctx, handle)
	switch {
	case errors.Is(err, parley.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	return parley.Invalid("handle", "The handle %q is taken; choose another.", handle)
}

// hideTakenEmail rewords the store's answer to an email that another account has, which a
// stranger could otherwise use to learn who has an account. Without proof that the address
// is the typist's (a mail to it), the form cannot help refusing it; it can say no more than
// that it cannot be used, and handleSignup charges every such try to the address's
// sign-up limit. Other errors pass unchanged.
func hideTakenEmail(err error) error {
	var e *parley.Error
	if errors.As(err, &e) && e.Code == parley.EInvalid && e.Field == "email" {
		return parley.Invalid("email", "This email address cannot be used to sign up here. Use another one.")
	}
	return err
}

func (s *Server) handleLoginForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.showPage(w, r, "login", s.newForm(w, r, "Sign in"), http.StatusOK)
	})
}

// errBadCredentials is the one answer to every failed sign-in, so that it does not tell
// whether a handle exists.
var errBadCredentials = parley.Errorf(parley.EUnauthorized, "That handle and password do not match.")

func (s *Server) handleLogin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.newForm(w, r, "Sign in")
		if err := s.checkForm(w, r); err != nil {
			s.fail(w, r, "login", v, err)
			return
		}
		v.Handle, v.Next = strings.TrimSpace(r.PostForm.Get("handle")), safeNext(r.PostForm.Get("next"))
		password := r.PostForm.Get("password")
		if err := s.signInAllowed(r, v.Handle); err != nil {
			s.fail(w, r, "login", v, err)
			return
		}
		userID, err := s.checkCredentials(r, v.Handle, password)
		if err != nil {
			s.signInFailed(r, v.Handle, err)
			s.fail(w, r, "login", v, err)
			return
		}
		if err := s.startSession(w, r, userID); err != nil {
			s.renderError(w, r, err)
			return
		}
		http.Redirect(w, r, v.Next, http.StatusSeeOther)
	})
}

// tooManySignIns is the answer when limit l refuses a sign-in: wait until l allows one
// more, said in whole minutes since a few seconds either way do not matter to a person.
func tooManySignIns(l limit) error {
	return parley.Errorf(parley.ETooMany, "Too many attempts. Wait %s and try again.", parley.SpellDuration(max(l.every, time.Minute)))
}

// signInAllowed returns nil when a password may be tried for handle from the request's
// address now, or the refusal that says how long to wait. Guessing must stay slow, yet strangers must not be able to lock an owner
// out by failing on purpose, so three limits share the work:
//
//   - per address, every attempt (loginIP): one machine cannot spray passwords over many
//     accounts, and since it counts before the password is checked, it also bounds how
//     many guesses a burst of concurrent requests gets past the failure counts below,
//     which are read before and counted after;
//   - per account and address, failures (loginPair): one machine gets 10 wrong passwords
//     for an account, then one per 10 minutes. A bucket that is not full also means
//     "this address has failed for this account lately": for 10 minutes per failure;
//   - per account, failures from any address (loginAccount), which guards against many
//     machines guessing together, but applies only to addresses that have failed for the
//     account lately. A correct password from an address that has not failed goes
//     through while strangers exhaust the account's budget, so they cannot lock its owner
//     out; an owner who has mistyped from an address under attack waits as they do.
//
// What remains: each address that has not failed for an account lately gets one guess
// at it outside the account's budget, so a botnet of N addresses gets about N guesses per
// account per 10 minutes beyond it, each also held to its address's limit. A longer
// memory would cut that, but in memory (one node) the limiter holds at most 100,000 keys
// and forgets what it cannot hold, so the memory is kept short enough that filling it
// takes about a hundred addresses at their full sign-in rate. Closing the gap would need
// an owner's device (a cookie from an earlier sign-in), not only an address. Unknown
// handles are counted alike, so the limits tell nothing about which exist.
func (s *Server) signInAllowed(r *http.Request, handle string) error {
	ctx, addr := r.Context(), clientIP(r)
	if !s.allow(ctx, s.limits.loginIP, addr) {
		return tooManySignIns(s.limits.loginIP)
	}
	pair := s.tokens(ctx, s.limits.loginPair, pairKey(handle, addr))
	if pair < 1 {
		return tooManySignIns(s.limits.loginPair)
	}
	failedHere := pair < float64(s.limits.loginPair.burst)
	if failedHere && s.tokens(ctx, s.limits.loginAccount, strings.ToLower(handle)) < 1 {
		return tooManySignIns(s.limits.loginAccount)
	}
	return nil
}

// signInFailed counts a wrong password for handle from the request's address, after err
// came from checkCredentials; other errors (the database's) count nothing.
func (s *Server) signInFailed(r *http.Request, handle string, err error) {
	if !errors.Is(err, errBadCredentials) {
		return
	}
	ctx := r.Context()
	s.allow(ctx, s.limits.loginPair, pairKey(handle, clientIP(r)))
	s.allow(ctx, s.limits.loginAccount, strings.ToLower(handle))
}

// pairKey names an account as tried from one address, for loginPair.
func pairKey(handle, addr string) string { return strings.ToLower(handle) + " " + addr }

// checkCredentials returns the user a handle and password belong to. An unknown handle
// costs the same time as a wrong password.
func (s *Server) checkCredentials(r *http.Request, handle, password string) (int64, error) {
	if len(password) > parley.MaxPassword {
		return 0, errBadCredentials
	}
	cred, err := s.store.CredentialsByHandle(r.Context(), handle)
	if errors.Is(err, parley.ErrNotFound) {
		auth.DummyCheck(password)
		return 0, errBadCredentials
	}
	if err != nil {
		return 0, err
	}
	ok, err := auth.CheckPassword(cred.PasswordHash, password)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, errBadCredentials
	}
	return cred.UserID, nil
}

// handleLogoutForm asks to confirm signing out, for a browser whose page had no form token.
func (s *Server) handleLogoutForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.showPage(w, r, "logout", s.newForm(w, r, "Sign out"), http.StatusOK)
	})
}

func (s *Server) handleLogout() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		if v := viewerFrom(r.Context()); v != nil {
			if err := s.store.DeleteSession(r.Context(), v.TokenHash); err != nil {
				s.renderError(w, r, err)
				return
			}
		}
		s.clearCookie(w, r, sessionCookie)
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
}

func (s *Server) handlePasswordForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.showPage(w, r, "password", s.newForm(w, r, "Change password"), http.StatusOK)
	})
}

func (s *Server) handlePassword() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.newForm(w, r, "Change password")
		if err := s.checkForm(w, r); err != nil {
			s.fail(w, r, "password", v, err)
			return
		}
		me := viewerFrom(r.Context())
		if err := s.signInAllowed(r, me.User.Handle); err != nil {
			s.fail(w, r, "password", v, err)
			return
		}
		if _, err := s.checkCredentials(r, me.User.Handle, r.PostForm.Get("current")); err != nil {
			s.signInFailed(r, me.User.Handle, err)
			if errors.Is(err, errBadCredentials) {
				err = parley.Invalid("current", "That is not your current password.")
			}
			s.fail(w, r, "password", v, err)
			return
		}
		next := r.PostForm.Get("password")
		if err := parley.ValidatePassword("password", next); err != nil {
			s.fail(w, r, "password", v, err)
			return
		}
		hash, err := auth.HashPassword(next)
		if err == nil {
			err = s.store.SetPasswordHash(r.Context(), me.User.ID, hash, me.TokenHash)
		}
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		http.Redirect(w, r, "/users/"+me.User.Handle+"?password=changed", http.StatusSeeOther)
	})
}

// clientIP is the address the request came from, for per-address rate limits. Behind a
// proxy this is the proxy's address; trusting forwarded headers is a deployment choice
// left to the proxy, which can rate-limit itself.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
