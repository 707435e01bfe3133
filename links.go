package parley

import (
	"context"
	"strconv"
)

// LinkKind says how one thread points to another.
type LinkKind string

const (
	// LinkRelated points to a thread on a nearby question.
	LinkRelated LinkKind = "related"
	// LinkDuplicate says the thread asks what its target asks: readers are sent to the
	// target for the answers instead of the thread being closed in the asker's face.
	LinkDuplicate LinkKind = "duplicate"
)

// Valid reports whether k is a kind a link may have.
func (k LinkKind) Valid() bool { return k == LinkRelated || k == LinkDuplicate }

// ThreadLink is a link from a thread to another, as a bulk writer takes it.
type ThreadLink struct {
	TargetID int64
	Kind     LinkKind
}

// LinkedThread is a thread linked with the one a page shows, in either direction.
type LinkedThread struct {
	ID    int64
	Title string
	Kind  LinkKind
	// Outgoing is true when the link goes from the thread shown to this one: for a
	// duplicate link, the thread shown is a duplicate of this one; otherwise this one is a
	// duplicate of the thread shown.
	Outgoing bool
}

// DuplicateOf reports whether the thread shown is a duplicate of l.
func (l LinkedThread) DuplicateOf() bool { return l.Outgoing && l.Kind == LinkDuplicate }

// MaxLinksShown bounds the links a thread page lists: a canonical question may have
// thousands of duplicates, and the page would then be mostly their titles.
const MaxLinksShown = 50

// LinkStore holds the links between threads.
type LinkStore interface {
	// ThreadLinks returns the threads linked with a thread, in both directions: those it
	// is a duplicate of first, then the others, the newest first, at most MaxLinksShown.
	// Deleted threads are left out. A thread without links, or that does not exist, has
	// none.
	ThreadLinks(ctx context.Context, threadID int64) ([]LinkedThread, error)
	// SetDuplicate marks a thread a duplicate of target, or removes that mark, written to
	// the moderation log. Both threads must exist and not be deleted (ErrNotFound,
	// EConflict), and a thread is no duplicate of itself (EInvalid). Marking replaces a
	// related link between the two.
	SetDuplicate(ctx context.Context, threadID, targetID int64, on bool, a Audit) error
}

// Log actions for links, beside the others (LogThreadMoved…).
const (
	LogThreadDuplicate    = "mark duplicate"
	LogThreadNotDuplicate = "unmark duplicate"
)

// DuplicateDetail is a duplicate mark's detail: "of thread 12: Title".
func DuplicateDetail(targetID int64, title string) string {
	return "of thread " + strconv.FormatInt(targetID, 10) + ": " + title
}
