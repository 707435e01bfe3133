package parley

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ModerationStore holds what moderators and admins change. Every method that takes an
// Audit writes one entry to the moderation log in the same transaction as the change, so
// the log can neither miss an action nor record one that did not happen. Hidden posts and
// deleted threads leave lists, feeds and counts but stay in the store, restorable.
type ModerationStore interface {
	// FlagPost records a reader's report of a post. A reader has at most one open flag on
	// a post; a second is EConflict, and so is a hidden post or one in a deleted thread
	// (see CheckActable).
	FlagPost(ctx context.Context, f NewFlag) (Flag, error)
	// FlagQueue returns the posts with open flags, the longest waiting first, at most limit.
	FlagQueue(ctx context.Context, limit int) ([]FlaggedPost, error)
	// DismissFlags closes a post's open flags without acting on the post.
	DismissFlags(ctx context.Context, postID int64, a Audit) error

	// SetPostHidden hides or restores a reply; hiding closes its open flags as acted on.
	// The original post cannot be hidden: its thread is deleted instead.
	SetPostHidden(ctx context.Context, postID int64, hidden bool, a Audit) error
	// SetThreadDeleted deletes or restores a thread; deleting closes the open flags on its posts.
	SetThreadDeleted(ctx context.Context, threadID int64, deleted bool, a Audit) error
	// SetPinned pins or unpins a thread in one list, or in every list it is in when s is nil.
	SetPinned(ctx context.Context, threadID int64, s *Scope, on bool, a Audit) error
	SetLocked(ctx context.Context, threadID int64, on bool, a Audit) error
	// MoveThread moves a thread to another subtopic, and so perhaps another topic.
	MoveThread(ctx context.Context, threadID, subtopicID int64, a Audit) error
	// RetagThread replaces a thread's tags.
	RetagThread(ctx context.Context, threadID int64, tagIDs []int64, a Audit) error
	// SuspendUser keeps a user from posting until a time; the zero time lifts a suspension.
	// Suspending closes the open flags on the user's posts as acted on.
	SuspendUser(ctx context.Context, userID int64, until time.Time, a Audit) error

	// UpdateUser changes a user's role, badge and signature.
	UpdateUser(ctx context.Context, u UserUpdate, a Audit) (User, error)
	UpdateTopic(ctx context.Context, id int64, t NewTopic, a Audit) (Topic, error)
	UpdateSubtopic(ctx context.Context, id int64, s NewSubtopic, a Audit) (Subtopic, error)
	UpdateTag(ctx context.Context, id int64, t NewTag, a Audit) (Tag, error)

	// ModerationLog returns log entries older than entry id before (0 for the newest),
	// newest first, at most limit.
	ModerationLog(ctx context.Context, before int64, limit int) ([]LogEntry, error)
}

// Audit says who takes a moderation action and why.
type Audit struct {
	ActorID int64
	Reason  string
}

// MaxReason bounds a moderator's reason and a flag's note.
const MaxReason = 500

// Validate checks that an action has an actor and a reason of sensible length.
func (a Audit) Validate() error {
	if a.ActorID <= 0 {
		return Invalid("actor", "A moderation action needs someone to take it.")
	}
	if utf8.RuneCountInString(a.Reason) > MaxReason {
		return Invalid("reason", "A reason has at most %d characters.", MaxReason)
	}
	return nil
}

// FlagReason is why a reader flags a post.
type FlagReason string

const (
	FlagSpam     FlagReason = "spam"
	FlagOffTopic FlagReason = "off-topic"
	FlagAbusive  FlagReason = "abusive"
	FlagOther    FlagReason = "other"
)

// FlagReasons lists the reasons in the order a form offers them.
var FlagReasons = []FlagReason{FlagSpam, FlagOffTopic, FlagAbusive, FlagOther}

// Label is the reason as a person reads it.
func (r FlagReason) Label() string {
	switch r {
	case FlagSpam:
		return "Spam"
	case FlagOffTopic:
		return "Off-topic"
	case FlagAbusive:
		return "Abusive or harassing"
	}
	return "Something else"
}

// NewFlag is the input of FlagPost.
type NewFlag struct {
	PostID     int64
	ReporterID int64
	Reason     FlagReason
	Note       string
}

// Validate checks a flag's reason and note; "other" needs a note saying what is wrong.
func (f *NewFlag) Validate() error {
	f.Note = strings.TrimSpace(f.Note)
	switch f.Reason {
	case FlagSpam, FlagOffTopic, FlagAbusive, FlagOther:
	default:
		return Invalid("reason", "Choose why this post needs a moderator.")
	}
	if f.Reason == FlagOther && f.Note == "" {
		return Invalid("note", "Say what is wrong with the post.")
	}
	if utf8.RuneCountInString(f.Note) > MaxReason {
		return Invalid("note", "A note has at most %d characters.", MaxReason)
	}
	return nil
}

// Flag is one reader's report of a post.
type Flag struct {
	ID        int64
	PostID    int64
	Reporter  Author
	Reason    FlagReason
	Note      string
	CreatedAt time.Time
}

// FlaggedPost is an entry of the moderation queue: a post and its open flags.
type FlaggedPost struct {
	Post        Post
	ThreadTitle string
	Flags       []Flag
}

// UserUpdate is the input of UpdateUser.
type UserUpdate struct {
	UserID        int64
	Role          Role
	Badge         string
	Signature     string
	SignatureHTML string
}

// Validate checks the fields an admin sets on a user.
func (u *UserUpdate) Validate() error {
	u.Badge = strings.TrimSpace(u.Badge)
	if !u.Role.Valid() {
		return Invalid("role", "Choose a role.")
	}
	if utf8.RuneCountInString(u.Badge) > MaxName {
		return Invalid("badge", "A badge has at most %d characters.", MaxName)
	}
	if utf8.RuneCountInString(u.Signature) > MaxSignature {
		return Invalid("signature", "A signature has at most %d characters.", MaxSignature)
	}
	return nil
}

// Log actions: what a LogEntry records.
const (
	LogFlagsDismissed  = "dismiss flags"
	LogPostHidden      = "hide post"
	LogPostRestored    = "restore post"
	LogThreadDeleted   = "delete thread"
	LogThreadRestored  = "restore thread"
	LogThreadLocked    = "lock thread"
	LogThreadUnlocked  = "unlock thread"
	LogThreadPinned    = "pin thread"
	LogThreadUnpinned  = "unpin thread"
	LogThreadMoved     = "move thread"
	LogThreadRetagged  = "retag thread"
	LogUserSuspended   = "suspend user"
	LogUserUnsuspended = "lift suspension"
	LogUserUpdated     = "update user"
	LogTopicCreated    = "create topic"
	LogSubtopicCreated = "create subtopic"
	LogTagCreated      = "create tag"
	LogTopicUpdated    = "update topic"
	LogSubtopicUpdated = "update subtopic"
	LogTagUpdated      = "update tag"
)

// LogEntry is one moderation action. Target names what was acted on as it was named at
// the time ("thread 12: Title", "@handle"), so the log still reads right after renames
// and deletions; Detail adds what changed ("to Networking", "until 2026-12-01").
type LogEntry struct {
	ID         int64
	Actor      Author
	Action     string
	TargetKind string // "post", "thread", "user", "topic", "subtopic", "tag"
	TargetID   int64
	Target     string
	Detail     string
	Reason     string
	CreatedAt  time.Time
}

// PostLabel names a post in the moderation log: post by @ana in “Title”.
func PostLabel(handle, threadTitle string) string {
	return "post by @" + handle + " in “" + threadTitle + "”"
}

// Words the moderation log records, the same for every store.

// MovedDetail is a move's detail: "from Networking to Core OS".
func MovedDetail(from, to string) string { return "from " + from + " to " + to }

// RetaggedDetail is a retag's detail: "tags Network, TLS → Network".
func RetaggedDetail(from, to string) string { return "tags " + from + " → " + to }

// SuspendedDetail is a suspension's detail: "until 2 Jan 2027 15:04 UTC".
func SuspendedDetail(until time.Time) string {
	return "until " + until.UTC().Format("2 Jan 2006 15:04 MST")
}

// RenamedDetail is a rename's detail.
func RenamedDetail(name string) string { return "renamed to “" + name + "”" }

// DismissedDetail counts the flags a dismissal closed: "1 flag", "3 flags".
func DismissedDetail(n int64) string {
	if n == 1 {
		return "1 flag"
	}
	return strconv.FormatInt(n, 10) + " flags"
}

// CheckActable refuses to act on post postID (accept, recommend, boost, flag or quote it)
// when it is hidden or its thread is deleted: acting would bring back into view what a
// moderator took out of it. Stores call it in the transaction that acts, so that a hide or
// a deletion cannot slip in between the check and the change.
func CheckActable(postID int64, hidden, threadDeleted bool) error {
	switch {
	case threadDeleted:
		return Errorf(EConflict, "Post %d is in a deleted thread: nothing can be done with it until a moderator restores the thread.", postID)
	case hidden:
		return Errorf(EConflict, "Post %d is hidden by a moderator: it cannot be accepted, recommended, boosted, quoted or flagged until it is restored.", postID)
	}
	return nil
}

// AcceptedCleared is the detail of hiding a thread's accepted answer.
const AcceptedCleared = "it was the accepted answer, which is now cleared"

// TagChanges returns the tags a retag from old to tags adds and removes.
func TagChanges(old, tags []int64) (added, removed []int64) {
	for _, id := range tags {
		if !slices.Contains(old, id) {
			added = append(added, id)
		}
	}
	for _, id := range old {
		if !slices.Contains(tags, id) {
			removed = append(removed, id)
		}
	}
	return added, removed
}

// Changes describes for the moderation log what u changes of a user whose fields were
// old: "role member → moderator; signature changed". It is empty when nothing changes.
func (u *UserUpdate) Changes(old UserUpdate) string {
	var changes []string
	if old.Role != u.Role {
		changes = append(changes, "role "+string(old.Role)+" → "+string(u.Role))
	}
	if old.Badge != u.Badge {
		changes = append(changes, "badge “"+old.Badge+"” → “"+u.Badge+"”")
	}
	if old.Signature != u.Signature {
		changes = append(changes, "signature changed")
	}
	return strings.Join(changes, "; ")
}
