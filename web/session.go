package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
)

const (
	sessionCookie   = "parley_session"
	csrfCookie      = "parley_csrf"
	sessionLifetime = 30 * 24 * time.Hour
	// uploadTime is how long a form with files may take to arrive.
	uploadTime = 10 * time.Minute
	// maxFormBytes bounds a form: a post of parley.MaxBody characters, each of which may
	// take up to 12 bytes once URL-encoded (a 4-byte character is %XX four times), and room
	// for the other fields.
	maxFormBytes = 12*parley.MaxBody + 64<<10
)

type viewerCtxKey struct{}

// viewer is the signed-in user making the request, or nil for a reader without a session.
type viewer struct {
	User      parley.User
	TokenHash string
	// at is when the session was read, by the server's clock: every permission of the
	// request is judged at this one time.
	at time.Time
}

// viewerFrom returns the request's signed-in user, or nil.
func viewerFrom(ctx context.Context) *viewer {
	v, _ := ctx.Value(viewerCtxKey{}).(*viewer)
	return v
}

// withSession finds the signed-in user from the session cookie. Readers without the cookie
// cost nothing; a cookie naming no live session is removed.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		hash := auth.HashToken(c.Value)
		_, user, err := s.store.SessionUser(r.Context(), hash)
		switch {
		case errors.Is(err, parley.ErrNotFound):
			s.clearCookie(w, r, sessionCookie)
		case err != nil:
			s.renderError(w, r, err)
			return
		default:
			r = r.WithContext(context.WithValue(r.Context(), viewerCtxKey{}, &viewer{User: user, TokenHash: hash, at: s.now()}))
		}
		next.ServeHTTP(w, r)
	})
}

// startSession signs a user in: a new token in a new cookie, so a token known before
// sign-in (a fixation attempt) is worth nothing after it. The old session, if any, ends.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, userID int64) error {
	if v := viewerFrom(r.Context()); v != nil {
		if err := s.store.DeleteSession(r.Context(), v.TokenHash); err != nil {
			return err
		}
	}
	token, hash, err := auth.NewToken()
	if err != nil {
		return err
	}
	now := s.now()
	if err := s.store.CreateSession(r.Context(), parley.Session{TokenHash: hash, UserID: userID,
		CreatedAt: now, ExpiresAt: now.Add(sessionLifetime)}); err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, token, sessionLifetime)
	return nil
}

// setCookie writes a cookie no script can read, sent only to this site and, when the site
// is served over TLS, only over TLS.
func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, age time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(age / time.Second),
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || s.cfg.BaseURL.Scheme == "https"
}

// csrfToken returns the browser's form token, setting the cookie that holds it when the
// browser has none. Every form carries the token in a hidden field, and a POST is accepted
// only when field and cookie match: another site can make a browser send the cookie, but
// cannot read it to fill in the field. Cross-origin requests are refused before that, by
// http.CrossOriginProtection.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	token, _, err := auth.NewToken()
	if err != nil {
		return "" // the form will fail its check and say so; nothing else to do
	}
	s.setCookie(w, r, csrfCookie, token, sessionLifetime)
	r.AddCookie(&http.Cookie{Name: csrfCookie, Value: token}) // later calls in this request see it
	return token
}

// checkForm reads a POSTed form within a size limit and checks its CSRF token. Files sent
// with it are not kept: only the composer and the reply form take files (checkUpload).
func (s *Server) checkForm(w http.ResponseWriter, r *http.Request) error {
	up, err := s.readForm(w, r, false)
	if err == nil {
		up.remove()
	}
	return err
}

// checkUpload is checkForm for a form that may carry files. The caller removes the
// upload's temporary files. A form too large to read whole keeps what was read before the
// limit, with a problem saying so, so that the fields typed before the files survive.
func (s *Server) checkUpload(w http.ResponseWriter, r *http.Request) (*upload, error) {
	return s.readForm(w, r, true)
}

func (s *Server) readForm(w http.ResponseWriter, r *http.Request, files bool) (*upload, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" && ct != "multipart/form-data" {
		return nil, parley.Errorf(parley.EUnsupported, "This address takes a web form (application/x-www-form-urlencoded or multipart/form-data).")
	}
	limit := int64(maxFormBytes)
	if files {
		limit = s.uploadBytes()
		// The server's read and write timeouts suit pages, not a phone sending 25 MB: give
		// this request the time a slow connection needs (where the server lets a handler
		// change them; a test recorder does not).
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Now().Add(uploadTime))
		rc.SetWriteDeadline(time.Now().Add(uploadTime + time.Minute))
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	up := &upload{}
	var err error
	if ct == "multipart/form-data" {
		err = s.readMultipart(r, up, files)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) && files && ct == "multipart/form-data" && r.PostForm != nil:
		up.problems = append(up.problems, fmt.Sprintf("The form is larger than a post may carry (%s of files at most); what came after the limit was not read.",
			parley.SpellSize(int64(s.cfg.MaxAttachments)*s.cfg.MaxAttachmentSize)))
	case errors.As(err, &tooBig):
		up.remove()
		return nil, parley.Errorf(parley.EInvalid, "The form is too large.")
	case err != nil:
		up.remove()
		return nil, parley.Errorf(parley.EInvalid, "The form could not be read.")
	}
	cleanValues(r.PostForm)
	cleanValues(r.Form)
	c, err := r.Cookie(csrfCookie)
	field := r.PostForm.Get("csrf")
	if err != nil || field == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(field)) != 1 {
		up.remove()
		return nil, parley.Errorf(parley.EForbidden, "This form has expired or came from another site. Go back, reload the page and try again.")
	}
	return up, nil
}

// requireUser lets only signed-in users through; others are sent to sign in first.
func (s *Server) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if viewerFrom(r.Context()) == nil {
			http.Redirect(w, r, "/login?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// safeNext keeps a post-sign-in destination only when it is a path on this site, so the
// sign-in form cannot be used to send people elsewhere; anything else becomes "/".
//
// It judges next as a browser will read it in a Location header, not as written: the
// WHATWG URL parser drops tabs and newlines anywhere and reads \ as / in http(s) URLs, so
// "/\t/evil.example" and "/\\evil.example" both reach //evil.example, another host. What is
// kept must then be one leading / not followed by another, and parse with no scheme and no
// host. The cleaned form is returned, so what the browser receives is what was judged.
func safeNext(next string) string {
	cleaned := strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, next)
	if !strings.HasPrefix(cleaned, "/") || strings.HasPrefix(cleaned, "//") {
		return "/"
	}
	u, err := url.Parse(cleaned)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	return cleaned
}

// cleanValues drops NUL bytes from what a form sent and replaces bytes that are not UTF-8,
// since what is written must be text every database can store; browsers send neither.
func cleanValues(values url.Values) {
	for _, vs := range values {
		for i, v := range vs {
			if !isPlainText(v) {
				vs[i] = strings.ReplaceAll(strings.ToValidUTF8(v, "\uFFFD"), "\x00", "")
			}
		}
	}
}

// isPlainText reports whether s is UTF-8 without NUL bytes.
func isPlainText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

// freshCookie marks a browser that has just sent a form: while it lasts (Config.FreshReads)
// its reads go to the primary database, which has its write, rather than to a replica,
// which may not have it yet.
const freshCookie = "parley_fresh"

// readYourWrites sends the reads of a request that writes, and of the requests of a browser
// that has just written, to the primary database. With no replica it does nothing.
func (s *Server) readYourWrites(next http.Handler) http.Handler {
	if s.cfg.FreshReads <= 0 {
		return next
	}
	maxAge := int((s.cfg.FreshReads + time.Second - 1) / time.Second)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := r.Cookie(freshCookie)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.SetCookie(w, &http.Cookie{Name: freshCookie, Value: "1", Path: "/", MaxAge: maxAge,
				HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
			err = nil
		}
		if err == nil {
			r = r.WithContext(parley.ReadPrimary(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}
