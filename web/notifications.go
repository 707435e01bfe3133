package web

import (
	"net/http"
	"strconv"

	parley "github.com/parley-forum/parley"
)

// notificationsPerPage is how many notifications a page of them shows.
const notificationsPerPage = 30

// notificationsView is the signed-in member's notifications, newest first.
type notificationsView struct {
	page
	Items   []notificationItem
	NextURL string
}

// notificationItem is one notification as the list shows it: a sentence, where it leads.
type notificationItem struct {
	parley.Notification
	Text string
	URL  string // "" when the post is out of the member's view (a moderator removed it)
}

func (s *Server) handleNotifications() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		me := viewerFrom(r.Context())
		before, err := parsePostCursor(r.URL.Query().Get("before"))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		ns, err := s.store.Notifications(r.Context(), me.User.ID, before, notificationsPerPage+1)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &notificationsView{page: s.newPage(r, "Notifications")}
		v.Description = "What happened in the threads, tags and people you watch."
		v.CSRF = s.csrfToken(w, r)
		if len(ns) > notificationsPerPage {
			ns = ns[:notificationsPerPage]
			v.NextURL = "/notifications?before=" + strconv.FormatInt(ns[len(ns)-1].ID, 10)
		}
		for _, n := range ns {
			v.Items = append(v.Items, notificationItem{Notification: n, Text: n.Summary(), URL: n.Path()})
		}
		s.showPage(w, r, "notifications", v, http.StatusOK)
	})
}

// handleMarkRead marks one notification read ({id}), or all of them.
func (s *Server) handleMarkRead(all bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		var id int64
		if !all {
			var err error
			if id, err = pathID(r, "notification"); err != nil {
				s.renderError(w, r, err)
				return
			}
		}
		if err := s.store.MarkNotificationsRead(r.Context(), viewerFrom(r.Context()).User.ID, id); err != nil {
			s.renderError(w, r, err)
			return
		}
		http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
	})
}

// watchControl is the buttons that watch or mute what a page is about, shown to a
// signed-in reader at the top of the page.
type watchControl struct {
	parley.Watch
	Level parley.WatchLevel
	Noun  string // what is watched, in words: "thread", "tag"
	Next  string // the page, to come back to
}

// watchControl returns the reader's control for w, or nil for a reader without a session
// (or whose level cannot be read: the page is worth more than its buttons).
func (s *Server) watchControl(r *http.Request, w parley.Watch) *watchControl {
	me := viewerFrom(r.Context())
	if me == nil {
		return nil
	}
	level, err := s.store.WatchLevel(r.Context(), me.User.ID, w)
	if err != nil {
		s.log.Warn("read watch level", "err", err)
		return nil
	}
	return &watchControl{Watch: w, Level: level, Noun: string(w.Kind), Next: r.URL.RequestURI()}
}

// handleWatch sets how the reader follows a thread, tag, subtopic or member (kind, id,
// level: watch, mute or empty for neither) and goes back to the page.
func (s *Server) handleWatch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		id, err := parseID(r.PostForm.Get("id"), r.PostForm.Get("kind"))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		target := parley.Watch{Kind: parley.WatchKind(r.PostForm.Get("kind")), TargetID: id}
		level := parley.WatchLevel(r.PostForm.Get("level"))
		if err := s.store.SetWatch(r.Context(), viewerFrom(r.Context()).User.ID, target, level); err != nil {
			s.renderError(w, r, err)
			return
		}
		http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
	})
}

// settingsView is the notification preferences form.
type settingsView struct {
	page
	form
	Settings parley.NotificationSettings
	Saved    bool
	// EmailOn says whether the forum sends email at all; the choice is kept either way.
	EmailOn bool
	Choices []emailChoice
}

// emailChoice is one of the email choices as the form offers it.
type emailChoice struct {
	Value parley.EmailChoice
	Label string
}

var emailChoices = []emailChoice{
	{parley.EmailImmediately, "Immediately: one email per notification"},
	{parley.EmailDaily, "Daily: one digest of the day's notifications"},
	{parley.EmailNever, "Never"},
}

func (s *Server) newSettings(w http.ResponseWriter, r *http.Request, st parley.NotificationSettings) *settingsView {
	v := &settingsView{page: s.newPage(r, "Notification settings"), form: newFormState(), Settings: st, EmailOn: s.cfg.Email, Choices: emailChoices}
	v.Description = "Choose what " + s.cfg.SiteName + " tells you about, and how."
	v.CSRF = s.csrfToken(w, r)
	return v
}

func (s *Server) handleSettingsForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, err := s.store.NotificationSettings(r.Context(), viewerFrom(r.Context()).User.ID)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := s.newSettings(w, r, st)
		v.Saved = r.URL.Query().Has("saved")
		s.showPage(w, r, "notification_settings", v, http.StatusOK)
	})
}

func (s *Server) handleSettings() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := s.checkForm(w, r)
		st := parley.NotificationSettings{WatchOwn: r.PostForm.Get("watch_own") == "1", Email: parley.EmailChoice(r.PostForm.Get("email"))}
		v := s.newSettings(w, r, st)
		if err != nil {
			s.refuse(w, r, "notification_settings", v, &v.form, err)
			return
		}
		if err := s.store.SetNotificationSettings(r.Context(), viewerFrom(r.Context()).User.ID, st); err != nil {
			s.refuse(w, r, "notification_settings", v, &v.form, err)
			return
		}
		http.Redirect(w, r, "/account/notifications?saved", http.StatusSeeOther)
	})
}

// unread counts the reader's unread notifications for the header; a failure is logged and
// shows none, since the page is worth more than its count.
func (s *Server) unread(r *http.Request, userID int64) int {
	n, err := s.store.UnreadNotifications(r.Context(), userID)
	if err != nil {
		s.log.Warn("count unread notifications", "err", err)
	}
	return n
}

// unreadLink writes the header's link to the notifications with the unread count, which
// app.js keeps up to date; the count is hidden while it is 0.
func (m *markup) unreadLink(unread int) {
	m.raw(`      <li><a href="/notifications" class="notifications-link">Notifications <span id="unread-count" class="unread-count" data-live-unread="/notifications/live"`)
	if unread == 0 {
		m.raw(` hidden`)
	}
	m.raw(`>`)
	m.text(unreadLabel(unread))
	m.raw(`<span class="visually-hidden"> unread</span></span></a></li>` + "\n")
}

// unreadLabel is an unread count as the header shows it: "99+" past what stores count.
func unreadLabel(n int) string {
	if n >= parley.UnreadCountLimit {
		return strconv.Itoa(parley.UnreadCountLimit-1) + "+"
	}
	return strconv.Itoa(n)
}

// watchButtons writes the form that watches or mutes what the page is about. Each button
// sends the level it sets, so the form works without JavaScript; the first says how the
// reader follows it now, and the form's data-level says it to scripts and styles.
func (m *markup) watchButtons(c *watchControl, csrf string) {
	if c == nil || csrf == "" {
		return
	}
	m.raw(`<form method="post" action="/watch" class="watch-control" data-level="`)
	m.text(string(c.Level))
	m.raw(`">`)
	m.csrf(csrf)
	m.raw(`<input type="hidden" name="kind" value="`)
	m.text(string(c.Kind))
	m.raw(`"><input type="hidden" name="id" value="`)
	m.int(c.TargetID)
	m.raw(`"><input type="hidden" name="next" value="`)
	m.text(c.Next)
	m.raw(`">`)
	button := func(level parley.WatchLevel, label string) {
		m.raw(`<button type="submit" name="level" value="`)
		m.text(string(level))
		m.raw(`">`)
		m.text(label)
		m.raw(`</button> `)
	}
	switch c.Level {
	case parley.WatchOn:
		button(parley.WatchNone, "Watching this "+c.Noun+" · stop")
		button(parley.WatchMuted, "Mute")
	case parley.WatchMuted:
		button(parley.WatchNone, "Muted · unmute")
		button(parley.WatchOn, "Watch this "+c.Noun)
	default:
		button(parley.WatchOn, "Watch this "+c.Noun)
		button(parley.WatchMuted, "Mute")
	}
	m.raw("</form>\n")
}

// listWatch is the watch control of a tag's or a subtopic's list; other lists have none.
func (s *Server) listWatch(r *http.Request, sc parley.Scope) *watchControl {
	kind, ok := map[parley.ScopeKind]parley.WatchKind{parley.ScopeTag: parley.WatchTag, parley.ScopeSubtopic: parley.WatchSubtopic}[sc.Kind]
	if !ok {
		return nil
	}
	return s.watchControl(r, parley.Watch{Kind: kind, TargetID: sc.ID})
}
