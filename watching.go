package parley

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// WatchKind is what a member watches or mutes.
type WatchKind string

const (
	WatchThread   WatchKind = "thread"
	WatchTag      WatchKind = "tag"
	WatchSubtopic WatchKind = "subtopic"
	WatchUser     WatchKind = "user"
)

// WatchLevel is how a member follows something. Muting wins over watching: a muted thread
// stays silent even when one of its tags is watched.
type WatchLevel string

const (
	// WatchNone is neither: the member hears of it only through what else they watch.
	WatchNone  WatchLevel = ""
	WatchOn    WatchLevel = "watch"
	WatchMuted WatchLevel = "mute"
)

// Watch names one thing a member may watch or mute.
type Watch struct {
	Kind     WatchKind
	TargetID int64
}

// Validate refuses a kind or level the forum does not know.
func (w Watch) Validate(level WatchLevel) error {
	if !slices.Contains([]WatchKind{WatchThread, WatchTag, WatchSubtopic, WatchUser}, w.Kind) {
		return Invalid("kind", "There is nothing called a %q to watch.", w.Kind)
	}
	if !slices.Contains([]WatchLevel{WatchNone, WatchOn, WatchMuted}, level) {
		return Invalid("level", "A watch is on, muted or off, not %q.", level)
	}
	return nil
}

// NotificationKind says why a member is told.
type NotificationKind string

const (
	// NotifyReply: a reply in a thread they watch.
	NotifyReply NotificationKind = "reply"
	// NotifyMention: a post names them as @handle.
	NotifyMention NotificationKind = "mention"
	// NotifyAccepted and NotifyRecommended: their reply was accepted by the asker, or
	// recommended by staff.
	NotifyAccepted    NotificationKind = "accepted"
	NotifyRecommended NotificationKind = "recommended"
	// NotifyBoost: their post was boosted; one unread notification per post counts
	// every booster until it is read.
	NotifyBoost NotificationKind = "boost"
	// NotifyThread: a new thread in a tag, subtopic or from a member they watch.
	NotifyThread NotificationKind = "thread"
	// NotifyModeration: a moderator acted on their post or thread; Detail names the action
	// (one of the moderation log's actions).
	NotifyModeration NotificationKind = "moderation"
)

// Notification is one thing a member is told, with what an email about it needs.
type Notification struct {
	ID     int64
	Kind   NotificationKind
	Actor  Author // who acted; zero for staff acting as the forum (a recommendation)
	Actors int    // how many acted, for a grouped boost; 1 otherwise
	// ThreadID, ThreadTitle and PostID say what it is about; PostID is the thread's
	// question for a new thread.
	ThreadID    int64
	ThreadTitle string
	PostID      int64
	Detail      string
	CreatedAt   time.Time
	ReadAt      time.Time // zero while unread
	EmailedAt   time.Time // zero until sent by email
}

// Unread reports whether the member has not marked it read.
func (n Notification) Unread() bool { return n.ReadAt.IsZero() }

// Summary says what happened, in a sentence that names who and where: the line of the
// notifications page and of an email.
func (n Notification) Summary() string {
	who, where := n.Actor.DisplayName, "“"+n.ThreadTitle+"”"
	switch n.Kind {
	case NotifyReply:
		return who + " replied in " + where
	case NotifyMention:
		return who + " mentioned you in " + where
	case NotifyAccepted:
		return who + " accepted your answer in " + where
	case NotifyRecommended:
		return "Staff recommended your answer in " + where
	case NotifyBoost:
		if n.Actors == 2 {
			return who + " and 1 other boosted your post in " + where
		}
		if n.Actors > 2 {
			return who + " and " + strconv.Itoa(n.Actors-1) + " others boosted your post in " + where
		}
		return who + " boosted your post in " + where
	case NotifyThread:
		return who + " asked " + where
	case NotifyModeration:
		if did, ok := moderatorDid[n.Detail]; ok {
			return "A moderator " + did + " " + where
		}
		return "A moderator acted on your post in " + where
	}
	return "Something happened in " + where
}

// moderatorDid says, for each action its author is told of, what the moderator did.
var moderatorDid = map[string]string{
	LogPostHidden:    "hid your reply in",
	LogThreadDeleted: "deleted your thread",
	LogThreadLocked:  "locked your thread",
	LogThreadMoved:   "moved your thread",
}

// Path is the site path a notification leads to: the post, except after a moderator's
// action, which may have taken it out of view: then the thread, which says so if it is
// gone.
func (n Notification) Path() string {
	thread := "/threads/" + strconv.FormatInt(n.ThreadID, 10)
	if n.Kind == NotifyModeration {
		return thread
	}
	return thread + "#post-" + strconv.FormatInt(n.PostID, 10)
}

// NotificationSettings are a member's choices about what they hear of.
type NotificationSettings struct {
	// WatchOwn makes asking or replying watch the thread (on unless turned off).
	WatchOwn bool
	// Email is how they hear of notifications by email: immediately unless they choose.
	Email EmailChoice
}

// UnreadCountLimit is the most unread notifications a store counts: every page a member
// reads shows the count, which should cost no more for one who never reads them.
const UnreadCountLimit = 100

// NotificationStore keeps watches and notifications. Writes that concern watchers record
// one job in their own transaction; FanOut turns jobs into notifications afterwards, so
// that a reply to a thread with many watchers costs its writer one row.
type NotificationStore interface {
	// SetWatch watches, mutes or (WatchNone) stops following w. EInvalid for an unknown
	// kind or level; ErrNotFound for a user, or a target, that does not exist.
	SetWatch(ctx context.Context, userID int64, w Watch, level WatchLevel) error
	// WatchLevel returns how the user follows w; WatchNone when they do not.
	WatchLevel(ctx context.Context, userID int64, w Watch) (WatchLevel, error)
	NotificationSettings(ctx context.Context, userID int64) (NotificationSettings, error)
	SetNotificationSettings(ctx context.Context, userID int64, s NotificationSettings) error
	// FanOut turns up to limit pending jobs into notifications and returns how many jobs
	// it did. Several callers at once, on one node or many, each take different jobs, so
	// each job is fanned out once. Nobody is told of their own action, of hidden posts or
	// deleted threads, nor by anything they muted.
	FanOut(ctx context.Context, limit int) (int, error)
	// Notifications returns a user's notifications newest first: those before id before
	// (0 for the newest), at most limit. Those about a post since hidden, or a thread
	// since deleted, are left out, but for a moderator's action on the member's own post.
	Notifications(ctx context.Context, userID, before int64, limit int) ([]Notification, error)
	// UnreadNotifications counts what Notifications would list unread, up to
	// UnreadCountLimit.
	UnreadNotifications(ctx context.Context, userID int64) (int, error)
	// MarkNotificationsRead marks one of the user's notifications read, or all for id 0.
	// Another user's notification is ErrNotFound.
	MarkNotificationsRead(ctx context.Context, userID, id int64) error
}

// mentionLink is the link the Markdown renderer makes of "@handle" (markdown/mention.go);
// only the renderer writes it, since HTML typed in a post is shown as text.
var mentionLink = regexp.MustCompile(`<a href="/users/([A-Za-z0-9_]{2,30})" class="mention">`)

// Mentions returns the handles a rendered post mentions, each once, in the order first
// written. They come from the rendering, so a handle in code is no mention.
func (t Text) Mentions() []string {
	var out []string
	for _, m := range mentionLink.FindAllStringSubmatch(t.html, -1) {
		h := strings.ToLower(m[1])
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}
