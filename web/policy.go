package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
)

// action is something a signed-in user asks to do. Who may do what is decided here and
// nowhere else; handlers ask permit (or allowed, to decide which buttons to show) before
// they change anything.
type action int

const (
	actAsk        action = iota // start a thread
	actReply                    // reply in a thread that is not locked
	actEdit                     // edit a post: its author, or a moderator or staff
	actAccept                   // accept an answer: the thread's author, or staff
	actRecommend                // recommend a reply: staff
	actBoost                    // boost a post: anyone but its author
	actFlag                     // flag a post for moderators: anyone but its author
	actModerate                 // hide, lock, pin, move, retag, delete, suspend, handle flags: moderators and staff
	actManageTags               // create and edit tags: staff
	actAdminister               // manage topics, subtopics and users' roles: admins
)

// allowed reports whether user may take action on something owned by ownerID (0 when the
// action concerns nothing owned). A suspended user may take none.
func allowed(user *parley.User, a action, ownerID int64) bool {
	if user == nil || user.Suspended(time.Now()) {
		return false
	}
	moderates := user.Role == parley.RoleModerator || user.Role.IsStaff()
	switch a {
	case actAsk, actReply:
		return true
	case actEdit:
		return user.ID == ownerID || moderates
	case actAccept:
		return user.ID == ownerID || user.Role.IsStaff()
	case actRecommend, actManageTags:
		return user.Role.IsStaff()
	case actBoost, actFlag:
		return user.ID != ownerID
	case actModerate:
		return moderates
	case actAdminister:
		return user.Role == parley.RoleAdmin
	}
	return false
}

// permit returns nil when user may take action, or the error to show: a suspension, or
// "You cannot " + refusal.
func permit(user *parley.User, a action, ownerID int64, refusal string) error {
	if allowed(user, a, ownerID) {
		return nil
	}
	if user != nil && user.Suspended(time.Now()) {
		return parley.Errorf(parley.EForbidden, "Your account is suspended until %s; until then you can read but not post or change anything.",
			user.SuspendedUntil.Format("2 January 2006 15:04 MST"))
	}
	return forbid(refusal)
}

// Who may see what: a deleted thread, and a hidden post, are out of view for everyone but
// moderators, who still read them to restore them. Every page, feed, stream and action that
// loads a thread or a post for a reader loads it through these, so that no error page or
// side door shows what the thread page would not.

// threadShown loads a thread, refusing it as not found when it is deleted unless
// withDeleted.
func (s *Server) threadShown(r *http.Request, id int64, withDeleted bool) (parley.Thread, error) {
	t, err := s.store.Thread(r.Context(), id)
	if err != nil {
		return t, err
	}
	return shown(t, withDeleted)
}

// shown is the one check for deleted threads: such a thread is not found unless
// withDeleted.
func shown(t parley.Thread, withDeleted bool) (parley.Thread, error) {
	if t.Deleted && !withDeleted {
		return parley.Thread{}, parley.NotFound("There is no thread %d.", t.ID)
	}
	return t, nil
}

// readableThread loads a thread the reader may read.
func (s *Server) readableThread(r *http.Request, id int64) (parley.Thread, error) {
	return s.threadShown(r, id, moderates(r))
}

// threadFor loads the thread in the URL if the reader may take action a on it, as its
// author sees it; refusal completes "You cannot …". Whether the reader may act comes first,
// so that a suspended user hears of the suspension whatever the thread.
func (s *Server) threadFor(r *http.Request, a action, refusal string) (parley.Thread, error) {
	id, err := pathID(r, "thread")
	if err != nil {
		return parley.Thread{}, err
	}
	t, err := s.store.Thread(r.Context(), id)
	if err != nil {
		return t, err
	}
	if err := permit(&viewerFrom(r.Context()).User, a, t.Author.ID, refusal); err != nil {
		return parley.Thread{}, err
	}
	return shown(t, moderates(r))
}

// readablePost loads a post the reader may read.
func (s *Server) readablePost(r *http.Request, id int64) (parley.Post, error) {
	p, err := s.store.Post(r.Context(), id)
	if err != nil {
		return p, err
	}
	return p, s.checkReadable(r, p)
}

// checkReadable refuses a post the reader may not read as not found: a hidden post, or any
// post of a deleted thread, exists only for moderators.
func (s *Server) checkReadable(r *http.Request, p parley.Post) error {
	if moderates(r) {
		return nil
	}
	_, err := s.readableThread(r, p.ThreadID)
	if p.Hidden || errors.Is(err, parley.ErrNotFound) {
		return parley.NotFound("There is no post %d.", p.ID)
	}
	return err
}

// checkActable refuses, with the reason, to accept, recommend, boost, flag or quote a post
// that is out of view (parley.CheckActable). The stores check it again as they act; this
// answers a form before it is filled in vain.
func (s *Server) checkActable(r *http.Request, p parley.Post) error {
	t, err := s.readableThread(r, p.ThreadID)
	if err != nil {
		return err
	}
	return parley.CheckActable(p.ID, p.Hidden, t.Deleted)
}

// forbid is the error for an action a user may not take.
func forbid(what string) error {
	return parley.Errorf(parley.EForbidden, "You cannot %s.", what)
}

// checkLinks holds back link spam from brand-new accounts: a post written within the
// configured period after signing up may link to at most so many other sites. Links within
// the forum (mentions, threads) do not count; staff and moderators are never held back.
func (s *Server) checkLinks(u *parley.User, html string) error {
	if u.Role != parley.RoleMember || s.now().Sub(u.CreatedAt) >= s.cfg.NewAccountPeriod {
		return nil
	}
	if n := strings.Count(html, `href="http`); n > s.cfg.NewAccountLinks {
		return parley.Invalid("body", "New accounts may put at most %d links to other sites in a post for their first %s; this post has %d. Remove some, or write them as plain text.",
			s.cfg.NewAccountLinks, spell(s.cfg.NewAccountPeriod), n)
	}
	return nil
}

// renderPost renders a post's Markdown as it will be stored and shown, refusing HTML that
// is too large or too deeply nested to show (parley.ValidateHTML) or that links out more
// than the writer may yet (checkLinks).
func (s *Server) renderPost(u *parley.User, body string) (string, error) {
	html := s.cfg.Markdown.Render(body)
	if err := parley.ValidateHTML(html); err != nil {
		return "", err
	}
	return html, s.checkLinks(u, html)
}

// spell writes a configured period the way a message to a person says it: "24 hours",
// "20 minutes".
func spell(d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return plural(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int64(d/time.Minute), "minute")
	}
	return d.String()
}

// checkPosting decides whether the signed-in user may write a new thread (a) or reply now:
// not while suspended, and not faster than the posting limits per account and per address.
// what completes "Wait a minute, then …".
func (s *Server) checkPosting(r *http.Request, me *viewer, a action, what string) error {
	if err := permit(&me.User, a, 0, "post"); err != nil {
		return err
	}
	return s.checkPace(r, me, false, what)
}

// checkPace holds back a signed-in user who writes, or asks for previews, faster than the
// limits per account and per address allow. Saving an edit counts as posting; previews,
// which render a post without storing it, count against limits of their own of the same
// size, so that previewing a draft leaves the posting limits alone. what completes "Wait a
// minute, then …".
func (s *Server) checkPace(r *http.Request, me *viewer, preview bool, what string) error {
	account, address, doing := s.limits.post, s.limits.postIP, "posting"
	if preview {
		account, address, doing = s.limits.preview, s.limits.previewIP, "asking for previews"
	}
	if !s.allow(r.Context(), account, strconv.FormatInt(me.User.ID, 10)) || !s.allow(r.Context(), address, clientIP(r)) {
		return parley.Errorf(parley.ETooMany, "You are %s faster than the forum allows. Wait a minute, then %s.", doing, what)
	}
	return nil
}
