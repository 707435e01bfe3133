package parley

import (
	"context"
	"errors"
	"time"
)

// Store is the forum's storage, in domain terms. Every implementation (SQLite, PostgreSQL)
// passes the conformance suite in package storetest. Unless a comment says otherwise, a
// method returns an error matching ErrNotFound when a record it names does not exist, and
// an EInvalid or EConflict *Error when its input breaks a rule; any other error is internal.
// Each method is one transaction: it either happens whole or not at all.
type Store interface {
	AccountStore
	AccountEmailStore
	ModerationStore
	UploadStore
	NotificationStore
	OutboxStore
	LinkStore

	// Topics returns every topic with its subtopics, in display order.
	Topics(ctx context.Context) ([]Topic, error)
	// TopicBySlug returns one topic with its subtopics.
	TopicBySlug(ctx context.Context, slug string) (Topic, error)
	// Tags returns every tag, the most used first.
	Tags(ctx context.Context) ([]Tag, error)
	TagBySlug(ctx context.Context, slug string) (Tag, error)

	UserByID(ctx context.Context, id int64) (User, error)
	UserByHandle(ctx context.Context, handle string) (User, error)
	// UserBadges returns the badges a user earned, each once with how often and when:
	// by class, the hardest first, then by name.
	UserBadges(ctx context.Context, userID int64) ([]BadgeCount, error)
	// UserPosts returns a user's posts, newest first by time: those written before post
	// id before (0 for the newest), at most limit.
	UserPosts(ctx context.Context, userID, before int64, limit int) ([]UserPost, error)

	// Threads returns one page of a list. Pinned threads are left out; see PinnedThreads.
	Threads(ctx context.Context, q ListQuery) (ThreadPage, error)
	// PinnedThreads returns the threads pinned in a list, most recently active first.
	PinnedThreads(ctx context.Context, s Scope) ([]Thread, error)
	// Thread returns a thread, deleted or not: moderators may still read and restore it.
	Thread(ctx context.Context, id int64) (Thread, error)
	// SimilarThreads returns up to limit threads that share any of text's words, best
	// match first: those whose titles share them, then those whose posts alone do. An
	// empty or wordless text returns none. Limit is capped at 10.
	SimilarThreads(ctx context.Context, text string, limit int) ([]Thread, error)
	// Search returns one page of the threads a search finds, best first: those with a
	// visible post that holds, with the thread's title, every word and phrase of the query,
	// and that pass its filters. Title matches rank above body matches, and questions
	// above replies. Hidden posts and deleted threads are never found. A query with
	// filters alone lists the threads that pass them, newest first. Another q.Sort orders
	// the same threads as a list of that sort does.
	Search(ctx context.Context, q SearchQuery) (SearchPage, error)
	// Posts returns a thread's posts in the order they were written, those after post id
	// after (0 from the start), at most limit. Hidden posts are included, marked Hidden.
	Posts(ctx context.Context, threadID, after int64, limit int) ([]Post, error)
	// ThreadWithPosts returns what Thread and Posts would, read together: the thread page's
	// reads in one round trip to the database.
	ThreadWithPosts(ctx context.Context, threadID, after int64, limit int) (Thread, []Post, error)
	Post(ctx context.Context, id int64) (Post, error)
	// Attachment returns one attached file's record; the file itself is in the blob store.
	Attachment(ctx context.Context, id int64) (Attachment, error)
	// Revisions returns every version of a post, oldest first; the last is the current one.
	Revisions(ctx context.Context, postID int64) ([]Revision, error)

	CreateTopic(ctx context.Context, t NewTopic) (Topic, error)
	CreateSubtopic(ctx context.Context, s NewSubtopic) (Subtopic, error)
	CreateTag(ctx context.Context, t NewTag) (Tag, error)
	CreateUser(ctx context.Context, u NewUser) (User, error)
	// CreateThread stores a thread and its original post with its attachments. The
	// attachments' contents must be in the blob store already: a failure then leaves at
	// most a content nothing refers to, never a record without its content. Each content
	// must be held (see UploadStore): a file that is not is refused with NotHeld.
	CreateThread(ctx context.Context, t NewThread) (Thread, Post, error)
	// CreateReply adds a reply with its attachments, stored first as for CreateThread. It
	// fails with EConflict on a locked thread.
	CreateReply(ctx context.Context, r NewReply) (Post, error)
	// EditPost replaces a post's body, keeping the previous version as a revision.
	EditPost(ctx context.Context, e PostEdit) (Post, error)
	// SetBoost records or removes user's boost of a post and returns the post's boost count.
	// Setting a boost that is already set, or clearing one that is not, changes nothing.
	// A hidden post, or one in a deleted thread, is EConflict (see CheckActable).
	SetBoost(ctx context.Context, userID, postID int64, on bool) (int64, error)
	// BoostedPosts reports which of postIDs the user has boosted.
	BoostedPosts(ctx context.Context, userID int64, postIDs []int64) (map[int64]bool, error)
	// UserBoosts returns the boosts a user gave, by post id: those of posts after post id
	// after (0 from the first), at most limit. Boosts of posts hidden since, or in threads
	// deleted since, are included: they are the user's own acts.
	UserBoosts(ctx context.Context, userID, after int64, limit int) ([]GivenBoost, error)
	// AcceptAnswer marks a reply as its thread's accepted answer (postID 0 clears it). A
	// hidden reply, or one in a deleted thread, is EConflict (see CheckActable).
	AcceptAnswer(ctx context.Context, threadID, postID int64) error
	// SetRecommended marks or unmarks a reply as recommended by staff; EConflict as for
	// AcceptAnswer.
	SetRecommended(ctx context.Context, postID int64, on bool) error
	// AddViews adds counted views to threads: threadID → views. Unknown threads are ignored,
	// since a thread may be deleted between a view and the flush that records it.
	AddViews(ctx context.Context, views map[int64]int64) error

	// Bulk returns a writer that loads a whole forum into an empty store, much faster than
	// the one-by-one methods. It fails with EConflict when the store holds any thread, user,
	// topic, tag or other record a load writes: a load that stops takes back what it wrote
	// by emptying those (BulkWriter.Abandon).
	Bulk(ctx context.Context) (BulkWriter, error)

	Close() error
}

// NewTopic is the input of Store.CreateTopic. When By names an actor, the creation is
// written to the moderation log; setup from the command line leaves it empty.
type NewTopic struct {
	Slug, Name, Description string
	Position                int
	By                      Audit
}

// NewSubtopic is the input of Store.CreateSubtopic; By as for NewTopic.
type NewSubtopic struct {
	TopicID                 int64
	Slug, Name, Description string
	Position                int
	By                      Audit
}

// NewTag is the input of Store.CreateTag; By as for NewTopic.
type NewTag struct {
	Slug, Name, Description string
	By                      Audit
}

// NewUser is the input of Store.CreateUser.
type NewUser struct {
	Handle, DisplayName string
	Role                Role
	Badge               string
	Signature           string
	SignatureHTML       string
}

// NewThread is the input of Store.CreateThread.
type NewThread struct {
	Title      string
	SubtopicID int64
	TagIDs     []int64
	AuthorID   int64
	// Text is the original post, rendered (Text.Render).
	Text Text
	// Attachments are attached to the original post, in this order.
	Attachments []File
}

// NewReply is the input of Store.CreateReply.
type NewReply struct {
	ThreadID    int64
	AuthorID    int64
	Text        Text // rendered
	Attachments []File
}

// PostEdit is the input of Store.EditPost.
type PostEdit struct {
	PostID   int64
	EditorID int64
	Text     Text // rendered
	Summary  string
}

// BulkWriter loads a forum in one pass: topics, tags and users first, then threads in
// batches, then Close, which builds indexes and makes the store ready to serve. Records
// carry their own ids, which are kept.
//
// A load is complete or taken back whole. A caller that meets an error, or stops for any
// reason, before Close calls Abandon; a Close that fails has taken the load back itself.
type BulkWriter interface {
	Topics(ctx context.Context, topics []Topic) error
	Tags(ctx context.Context, tags []Tag) error
	Users(ctx context.Context, users []User) error
	// Badges writes badges earned, after their users.
	Badges(ctx context.Context, badges []EarnedBadge) error
	Threads(ctx context.Context, threads []ThreadRecord) error
	Close(ctx context.Context) error
	// Abandon stops the load and takes back what it wrote, leaving the store as empty as
	// the load found it, even when ctx is cancelled (an interrupt). It does nothing after
	// Close. When taking back fails, its error matches ErrInterruptedLoad.
	Abandon(ctx context.Context) error
}

// ErrInterruptedLoad is matched by the error of opening a database that holds part of a
// bulk load which never finished nor was taken back (its process was killed, or taking
// it back failed), and by the error of Abandon that leaves one. Such a database serves
// nothing until the load runs again, which clears the part first.
var ErrInterruptedLoad = errors.New("a bulk load did not finish")

// ThreadRecord is a whole thread as a bulk writer takes it. The thread's counters and flags
// must agree with its posts: the store writes them as given.
type ThreadRecord struct {
	Thread Thread
	TagIDs []int64
	// PinnedIn lists the scopes the thread is pinned in, when Thread.Pinned.
	PinnedIn []Scope
	Posts    []PostRecord
	// Links go from this thread to others, which the load may write before or after it;
	// each target must be in the load.
	Links []ThreadLink
}

// PostRecord is a post with its earlier versions and the users who boosted it.
type PostRecord struct {
	Post Post
	// Revisions holds the post's earlier versions, oldest first; the post itself is the
	// newest, numbered len(Revisions)+1.
	Revisions []Revision
	Boosters  []int64
	// EditorID is who wrote the current version, when the post was edited.
	EditorID      int64
	EditorSummary string
	// Attachments are the files the post carries, in order, attached when it was
	// written. Their contents must already be in the blob store the forum serves. An
	// attachment's ID is kept; one without an ID gets the next after the largest so far.
	Attachments []Attachment
}

// Clock returns the current time. Stores take one so that tests can fix it.
type Clock func() time.Time

// readPrimaryKey marks a context whose reads must see every write made so far.
type readPrimaryKey struct{}

// ReadPrimary returns a context whose reads a store with read replicas sends to the
// primary: a reader who has just written must see the write, which a replica may not yet
// have.
func ReadPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, readPrimaryKey{}, true)
}

// ReadsPrimary reports whether ctx asks for reads from the primary.
func ReadsPrimary(ctx context.Context) bool {
	v, _ := ctx.Value(readPrimaryKey{}).(bool)
	return v
}
