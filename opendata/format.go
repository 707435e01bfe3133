// Package opendata writes a whole forum as open data and reads it back: a folder of JSON
// Lines files, one per kind of record, the attached files' contents, and a manifest with
// every file's SHA-256 (docs/export.md describes the format for anyone reading it).
//
// Only what every reader of the forum may see is written: no email, password hash,
// session, rate limit, flag, moderation log, suspension, deleted thread or hidden reply.
// Reading it back into an empty forum gives the pages an anonymous reader saw.
//
// Both directions stream: the export reads threads in batches by id from one snapshot of
// the database and writes each batch before reading the next; the import verifies every
// checksum first, then hands the records to a parley.BulkWriter in batches. Memory holds
// one batch, whatever the size of the forum.
package opendata

import (
	"slices"
	"time"

	parley "github.com/parley-forum/parley"
)

// The format's name and version, as the manifest states them. The version changes when a
// reader of version 1 could misread a folder: a field renamed, removed or given another
// meaning. Fields added later leave it at 1, and readers ignore fields they do not know.
const (
	FormatName    = "parley-open-data"
	FormatVersion = 1
)

// The files of an export, in the order they are written and read.
const (
	ManifestFile = "manifest.json"
	TopicsFile   = "topics.jsonl"
	TagsFile     = "tags.jsonl"
	UsersFile    = "users.jsonl"
	BadgesFile   = "badges.jsonl"
	ThreadsFile  = "threads.jsonl"
	// FilesDir holds each attached file's content once, named by its SHA-256.
	FilesDir = "files"
)

// dataFiles are the JSON Lines files every export holds; laterFiles those added to the
// format since, which exports made before lack.
var (
	dataFiles  = []string{TopicsFile, TagsFile, UsersFile, ThreadsFile}
	laterFiles = []string{BadgesFile}
)

// Manifest describes an export and lets a reader check that nothing changed since.
type Manifest struct {
	Format        string    `json:"format"`
	Version       int       `json:"version"`
	ParleyVersion string    `json:"parley_version"`
	CreatedAt     time.Time `json:"created_at"`
	// Files lists the data files. The attached files' contents are not listed: each is
	// named by its SHA-256 already, which the import checks, and a list of them would grow
	// with the forum.
	Files    []FileEntry `json:"files"`
	Contents Contents    `json:"contents"`
}

// Contents counts the attached files' contents in FilesDir.
type Contents struct {
	Count int64 `json:"count"`
	Bytes int64 `json:"bytes"`
}

// FileEntry is one file of an export.
type FileEntry struct {
	Path    string `json:"path"` // relative to the export's folder
	Records int64  `json:"records"`
	Bytes   int64  `json:"bytes"`
	SHA256  string `json:"sha256"`
}

// Lists reports whether the manifest lists the data file path.
func (m *Manifest) Lists(path string) bool {
	return slices.ContainsFunc(m.Files, func(f FileEntry) bool { return f.Path == path })
}

// Records returns how many records the manifest counts in the data file path.
func (m *Manifest) Records(path string) int64 {
	for _, f := range m.Files {
		if f.Path == path {
			return f.Records
		}
	}
	return 0
}

// Topic is one line of topics.jsonl: a topic with its subtopics.
type Topic struct {
	ID          int64      `json:"id"`
	Slug        string     `json:"slug"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Position    int        `json:"position"`
	Subtopics   []Subtopic `json:"subtopics"`
}

// Subtopic is a topic's subtopic.
type Subtopic struct {
	ID          int64  `json:"id"`
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Position    int    `json:"position"`
	ThreadCount int64  `json:"thread_count"`
}

// Tag is one line of tags.jsonl.
type Tag struct {
	ID          int64  `json:"id"`
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description"`
	ThreadCount int64  `json:"thread_count"`
}

// User is one line of users.jsonl: a member's public profile, and nothing private.
type User struct {
	ID            int64       `json:"id"`
	Handle        string      `json:"handle"`
	DisplayName   string      `json:"display_name"`
	Role          parley.Role `json:"role"`
	Badge         string      `json:"badge"`
	Signature     string      `json:"signature"`
	SignatureHTML string      `json:"signature_html"`
	CreatedAt     time.Time   `json:"created_at"`
	ThreadCount   int64       `json:"thread_count"`
	PostCount     int64       `json:"post_count"`
}

// Badge is one line of badges.jsonl: a badge a member earned. A badge earned several
// times is several lines.
type Badge struct {
	ID        int64             `json:"id"`
	UserID    int64             `json:"user_id"`
	Name      string            `json:"name"`
	Class     parley.BadgeClass `json:"class"`
	AwardedAt time.Time         `json:"awarded_at"`
}

// Thread is one line of threads.jsonl: a thread with all its posts nested, each with its
// earlier versions, boosters and attachments.
type Thread struct {
	ID             int64     `json:"id"`
	Title          string    `json:"title"`
	TopicID        int64     `json:"topic_id"`
	SubtopicID     int64     `json:"subtopic_id"`
	AuthorID       int64     `json:"author_id"`
	TagIDs         []int64   `json:"tag_ids"`
	CreatedAt      time.Time `json:"created_at"`
	LastActivityAt time.Time `json:"last_activity_at"`
	ReplyCount     int64     `json:"reply_count"`
	BoostCount     int64     `json:"boost_count"`
	ViewCount      int64     `json:"view_count"`
	Pinned         bool      `json:"pinned"`
	// PinnedIn names the lists the thread is pinned in.
	PinnedIn       []Pin `json:"pinned_in,omitempty"`
	Locked         bool  `json:"locked"`
	AcceptedPostID int64 `json:"accepted_post_id,omitempty"`
	StaffReplied   bool  `json:"staff_replied"`
	// Links go from this thread to others in the export, earlier or later in the file.
	Links []Link `json:"links,omitempty"`
	Posts []Post `json:"posts"`
}

// Link is a link from a thread to another: "duplicate" when the thread asks what the
// target asks, "related" otherwise.
type Link struct {
	TargetID int64           `json:"target_id"`
	Kind     parley.LinkKind `json:"kind"`
}

// Pin is a list a thread is pinned in: "all" (the whole forum, no id), "topic",
// "subtopic" or "tag" with its id.
type Pin struct {
	List string `json:"list"`
	ID   int64  `json:"id,omitempty"`
}

// Post is a thread's post, the original first, then the replies in the order written.
type Post struct {
	ID       int64     `json:"id"`
	AuthorID int64     `json:"author_id"`
	Original bool      `json:"original"`
	Body     string    `json:"body"` // Markdown, as written
	HTML     string    `json:"html"` // as the forum rendered and sanitised it
	Created  time.Time `json:"created_at"`
	// Revision numbers the current version: 1 for a post never edited.
	Revision         int        `json:"revision"`
	EditedAt         *time.Time `json:"edited_at,omitempty"`
	EditorID         int64      `json:"editor_id,omitempty"`
	EditSummary      string     `json:"edit_summary,omitempty"`
	BoostCount       int64      `json:"boost_count"`
	StaffRecommended bool       `json:"staff_recommended"`
	// Boosters are the users who boosted the post, by id; BoostCount may be larger (an
	// import from a site that hides its voters).
	Boosters []int64 `json:"boosters,omitempty"`
	// Revisions are the earlier versions, oldest first.
	Revisions   []Revision   `json:"revisions,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Revision is an earlier version of a post.
type Revision struct {
	Number    int       `json:"number"`
	Body      string    `json:"body"`
	EditorID  int64     `json:"editor_id"`
	CreatedAt time.Time `json:"created_at"`
	Summary   string    `json:"summary,omitempty"`
}

// Attachment is a file a post carries; its content is files/SHA256.
type Attachment struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Width       int       `json:"width,omitempty"`
	Height      int       `json:"height,omitempty"`
	Lines       int       `json:"lines,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// pinLists names the kinds of list for Pin.List, by parley.ScopeKind.
var pinLists = map[parley.ScopeKind]string{
	parley.ScopeAll: "all", parley.ScopeTopic: "topic", parley.ScopeSubtopic: "subtopic", parley.ScopeTag: "tag",
}
