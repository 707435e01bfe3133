package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
)

// Moderates reports whether the reader may moderate, for the site's navigation.
func (p page) Moderates() bool { return p.me.may(parley.ActModerate, 0) }

// Administers reports whether the reader may manage tags or more, for the navigation.
func (p page) Administers() bool { return p.me.may(parley.ActManageTags, 0) }

// moderates reports whether the request's reader is a moderator (or staff).
func moderates(r *http.Request) bool {
	return viewerFrom(r.Context()).may(parley.ActModerate, 0)
}

// audit is the log record of an action the reader takes, with the reason from the form.
func audit(r *http.Request) parley.Audit {
	return parley.Audit{ActorID: viewerFrom(r.Context()).User.ID, Reason: strings.TrimSpace(r.PostForm.Get("reason"))}
}

// modPanel is the thread page's moderation controls, for moderators.
type modPanel struct {
	CSRF    string
	Thread  parley.Thread
	Topics  []parley.Topic // for the move select
	Lists   []pinChoice    // where the thread may be pinned
	TagList string         // the thread's tags, as the retag field starts
	// DuplicateOf lists the threads this one is marked a duplicate of, each with a button
	// that takes the mark off.
	DuplicateOf []parley.LinkedThread
}

// pinChoice is one list a thread can be pinned in.
type pinChoice struct{ Value, Label string }

func (s *Server) modPanel(r *http.Request, t parley.Thread, links []parley.LinkedThread, csrf string) (*modPanel, error) {
	topics, err := s.store.Topics(r.Context())
	if err != nil {
		return nil, err
	}
	p := &modPanel{CSRF: csrf, Thread: t, Topics: topics, Lists: []pinChoice{{"", "Every list it is in"}}}
	for _, top := range topics {
		for _, sub := range top.Subtopics {
			if sub.ID == t.SubtopicID {
				p.Lists = append(p.Lists, pinChoice{"subtopic", "Subtopic " + top.Name + " › " + sub.Name})
			}
		}
	}
	names := make([]string, len(t.Tags))
	for i, tag := range t.Tags {
		p.Lists = append(p.Lists, pinChoice{"tag:" + tag.Slug, "Tag " + tag.Name})
		names[i] = tag.Name
	}
	p.TagList = strings.Join(names, ", ")
	for _, l := range links {
		if l.DuplicateOf() {
			p.DuplicateOf = append(p.DuplicateOf, l)
		}
	}
	return p, nil
}

// checkModeration checks a moderator's form: its token, and the reader's right to
// moderate; refusal completes "You cannot …".
func (s *Server) checkModeration(w http.ResponseWriter, r *http.Request, refusal string) error {
	if err := s.checkForm(w, r); err != nil {
		return err
	}
	return viewerFrom(r.Context()).permit(parley.ActModerate, 0, refusal)
}

// threadAction answers a moderator's button on a thread: it checks the form and the
// reader's right to moderate, loads the thread, applies the change with an audit record
// and returns to the thread.
func (s *Server) threadAction(apply func(r *http.Request, t parley.Thread, a parley.Audit) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "thread")
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if err := s.checkModeration(w, r, "moderate threads: that is for moderators"); err != nil {
			s.renderError(w, r, err)
			return
		}
		t, err := s.readableThread(r, id)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if err := apply(r, t, audit(r)); err != nil {
			s.renderError(w, r, err)
			return
		}
		http.Redirect(w, r, threadLink(id), http.StatusSeeOther)
	})
}

// on reads a form's on=1 / on=0 switch.
func on(r *http.Request) bool { return r.PostForm.Get("on") == "1" }

func (s *Server) handleLock() http.Handler {
	return s.threadAction(func(r *http.Request, t parley.Thread, a parley.Audit) error {
		return s.store.SetLocked(r.Context(), t.ID, on(r), a)
	})
}

func (s *Server) handleDeleteThread() http.Handler {
	return s.threadAction(func(r *http.Request, t parley.Thread, a parley.Audit) error {
		return s.store.SetThreadDeleted(r.Context(), t.ID, on(r), a)
	})
}

// handlePin pins or unpins a thread in the list the form names: "" for every list,
// "subtopic" for its subtopic, "tag:slug" for one of its tags.
func (s *Server) handlePin() http.Handler {
	return s.threadAction(func(r *http.Request, t parley.Thread, a parley.Audit) error {
		list := r.PostForm.Get("list")
		var sc *parley.Scope
		switch {
		case list == "subtopic":
			sc = &parley.Scope{Kind: parley.ScopeSubtopic, ID: t.SubtopicID}
		case strings.HasPrefix(list, "tag:"):
			tag, err := s.store.TagBySlug(r.Context(), strings.TrimPrefix(list, "tag:"))
			if err != nil {
				return parley.Invalid("list", "There is no such tag to pin the thread in.")
			}
			sc = &parley.Scope{Kind: parley.ScopeTag, ID: tag.ID}
		case list != "":
			return parley.Invalid("list", "Choose a list to pin the thread in.")
		}
		return s.store.SetPinned(r.Context(), t.ID, sc, on(r), a)
	})
}

func (s *Server) handleMove() http.Handler {
	return s.threadAction(func(r *http.Request, t parley.Thread, a parley.Audit) error {
		sub, err := strconv.ParseInt(r.PostForm.Get("subtopic"), 10, 64)
		if err != nil || sub <= 0 {
			return parley.Invalid("subtopic", "Choose a subtopic to move the thread to.")
		}
		return s.store.MoveThread(r.Context(), t.ID, sub, a)
	})
}

func (s *Server) handleRetag() http.Handler {
	return s.threadAction(func(r *http.Request, t parley.Thread, a parley.Audit) error {
		ids, err := parley.ResolveTags(r.Context(), s.store, strings.Split(r.PostForm.Get("tags"), ","))
		if err != nil {
			return err
		}
		return s.store.RetagThread(r.Context(), t.ID, ids, a)
	})
}

// handleDuplicate marks the thread a duplicate of the one the form names (on=1), or takes
// the mark off (on=0). The target is typed as a thread's number or pasted as its address.
func (s *Server) handleDuplicate() http.Handler {
	return s.threadAction(func(r *http.Request, t parley.Thread, a parley.Audit) error {
		target, err := threadNumber(r.PostForm.Get("target"))
		if err != nil {
			return err
		}
		return s.store.SetDuplicate(r.Context(), t.ID, target, on(r), a)
	})
}

// threadNumber reads a thread's id from its number ("123") or an address of its page
// ("https://forum.example/threads/123/a-slug").
func threadNumber(typed string) (int64, error) {
	typed = strings.TrimSpace(typed)
	if _, rest, found := strings.Cut(typed, "/threads/"); found {
		typed, _, _ = strings.Cut(rest, "/")
		typed, _, _ = strings.Cut(typed, "?")
		typed, _, _ = strings.Cut(typed, "#")
	}
	id, err := strconv.ParseInt(typed, 10, 64)
	if err != nil || id <= 0 {
		return 0, parley.Invalid("target", "Give the number or the address of the thread this one duplicates.")
	}
	return id, nil
}

// handleHide hides (on=1) or restores (on=0) a reply.
func (s *Server) handleHide() http.Handler {
	return s.postAction(parley.ActModerate, "hide posts: that is for moderators", func(r *http.Request, _ *viewer, p parley.Post) error {
		return s.store.SetPostHidden(r.Context(), p.ID, on(r), audit(r))
	})
}

// flagView is the form for flagging a post, and its thanks once sent.
type flagView struct {
	page
	form
	Post      parley.Post
	PostURL   string
	Reasons   []parley.FlagReason
	Reason    parley.FlagReason
	Note      string
	Submitted bool
}

// loadFlaggable returns the post in the URL if the reader may flag it.
func (s *Server) loadFlaggable(r *http.Request) (parley.Post, error) {
	p, err := s.postFor(r, parley.ActFlag, "flag your own post")
	if err != nil {
		return p, err
	}
	return p, s.checkActable(r, p)
}

func (s *Server) newFlagView(w http.ResponseWriter, r *http.Request, p parley.Post) *flagView {
	v := &flagView{page: s.newPage(r, "Flag a post"), form: newFormState(), Post: p, PostURL: postLink(p), Reasons: parley.FlagReasons}
	v.CSRF = s.csrfToken(w, r)
	return v
}

func (s *Server) handleFlagForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.loadFlaggable(r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		s.showPage(w, r, "flag", s.newFlagView(w, r, p), http.StatusOK)
	})
}

// handleFlag records a flag and thanks the reader; a refused flag shows the form again
// with what was chosen and typed.
func (s *Server) handleFlag() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.loadFlaggable(r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if err := s.checkForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		v := s.newFlagView(w, r, p)
		v.Reason, v.Note = parley.FlagReason(r.PostForm.Get("reason")), r.PostForm.Get("note")
		in := parley.NewFlag{PostID: p.ID, ReporterID: viewerFrom(r.Context()).User.ID, Reason: v.Reason, Note: v.Note}
		if _, err := s.store.FlagPost(r.Context(), in); err != nil {
			s.refuse(w, r, "flag", v, &v.form, err)
			return
		}
		v.Submitted = true
		s.showPage(w, r, "flag", v, http.StatusOK)
	})
}

// queueView is the moderation queue: flagged posts, the longest waiting first.
type queueView struct {
	page
	Queue []queueEntry
}

type queueEntry struct {
	parley.FlaggedPost
	Body    postView
	PostURL string
}

const queueShown = 50

func (s *Server) handleQueue() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := viewerFrom(r.Context()).permit(parley.ActModerate, 0, "see the moderation queue: it is for moderators"); err != nil {
			s.renderError(w, r, err)
			return
		}
		queue, err := s.store.FlagQueue(r.Context(), queueShown)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &queueView{page: s.newPage(r, "Moderation queue")}
		v.CSRF = s.csrfToken(w, r)
		for _, e := range queue {
			v.Queue = append(v.Queue, queueEntry{FlaggedPost: e, Body: newPostView(e.Post, 0), PostURL: postLink(e.Post)})
		}
		s.showPage(w, r, "queue", v, http.StatusOK)
	})
}

// handleDismiss closes a post's flags, leaving the post, and returns to the queue.
func (s *Server) handleDismiss() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := postID(r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if err := s.checkModeration(w, r, "handle flags: that is for moderators"); err != nil {
			s.renderError(w, r, err)
			return
		}
		if err := s.store.DismissFlags(r.Context(), id, audit(r)); err != nil {
			s.renderError(w, r, err)
			return
		}
		http.Redirect(w, r, "/moderation", http.StatusSeeOther)
	})
}

// logView is a page of the moderation log.
type logView struct {
	page
	Entries []parley.LogEntry
	NextURL string
}

const logShown = 100

func (s *Server) handleLog() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := viewerFrom(r.Context()).permit(parley.ActModerate, 0, "read the moderation log: it is for staff and moderators"); err != nil {
			s.renderError(w, r, err)
			return
		}
		before, err := parsePostCursor(r.URL.Query().Get("before"))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		entries, err := s.store.ModerationLog(r.Context(), before, logShown+1)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &logView{page: s.newPage(r, "Moderation log"), Entries: entries}
		if len(entries) > logShown {
			v.Entries = entries[:logShown]
			v.NextURL = "/moderation/log?before=" + strconv.FormatInt(v.Entries[logShown-1].ID, 10)
		}
		s.showPage(w, r, "modlog", v, http.StatusOK)
	})
}

// maxSuspension bounds a suspension typed in days; longer ones are a ban, which this
// forum does by changing the role, not by a date centuries away.
const maxSuspension = 3650

// handleSuspend suspends a user for the days in the form, or lifts a suspension (0 days).
// Moderators may suspend members; admins anyone but themselves.
func (s *Server) handleSuspend() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkModeration(w, r, "suspend users: that is for moderators"); err != nil {
			s.renderError(w, r, err)
			return
		}
		me := &viewerFrom(r.Context()).User
		u, err := s.store.UserByHandle(r.Context(), r.PathValue("handle"))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if u.ID == me.ID || (u.Role != parley.RoleMember && me.Role != parley.RoleAdmin) {
			s.renderError(w, r, parley.Forbid("suspend yourself or another moderator; ask an admin"))
			return
		}
		days, err := strconv.Atoi(r.PostForm.Get("days"))
		if err != nil || days < 0 || days > maxSuspension {
			s.renderError(w, r, parley.Invalid("days", "Give the suspension in whole days, from 1 to %d (0 lifts it).", maxSuspension))
			return
		}
		var until time.Time
		if days > 0 {
			until = s.now().Add(time.Duration(days) * 24 * time.Hour)
		}
		if err := s.store.SuspendUser(r.Context(), u.ID, until, audit(r)); err != nil {
			s.renderError(w, r, err)
			return
		}
		http.Redirect(w, r, "/users/"+u.Handle, http.StatusSeeOther)
	})
}
