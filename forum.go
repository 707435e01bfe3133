package parley

import (
	"strings"
	"time"
	"unicode"
)

// Role is what a user may do beyond reading and posting.
type Role string

const (
	RoleMember    Role = "member"
	RoleModerator Role = "moderator"
	RoleStaff     Role = "staff"
	RoleAdmin     Role = "admin"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleMember, RoleModerator, RoleStaff, RoleAdmin:
		return true
	}
	return false
}

// IsStaff reports whether posts by this role count as staff replies.
func (r Role) IsStaff() bool { return r == RoleStaff || r == RoleAdmin }

// User is a member of the forum.
type User struct {
	ID          int64
	Handle      string // unique, case-insensitive, used in URLs
	DisplayName string
	Role        Role
	// Badge is a title shown beside the name, e.g. "DTS Engineer"; empty for most users.
	Badge string
	// Signature is Markdown shown under the user's posts; SignatureHTML is its sanitised rendering.
	Signature     string
	SignatureHTML string
	CreatedAt     time.Time
	ThreadCount   int64
	PostCount     int64
	// SuspendedUntil is when a suspension ends; zero when the user is not suspended.
	SuspendedUntil time.Time
}

// Suspended reports whether the user is suspended at time now.
func (u *User) Suspended(now time.Time) bool { return now.Before(u.SuspendedUntil) }

// BadgeClass is how hard a badge is to earn, the hardest first.
type BadgeClass string

const (
	BadgeGold   BadgeClass = "gold"
	BadgeSilver BadgeClass = "silver"
	BadgeBronze BadgeClass = "bronze"
)

// BadgeClasses are the classes, the hardest first.
var BadgeClasses = []BadgeClass{BadgeGold, BadgeSilver, BadgeBronze}

// EarnedBadge is one badge a member earned, such as one a Stack Exchange import brings
// (unrelated to User.Badge, the title shown beside a name). A badge earned several times
// is several.
type EarnedBadge struct {
	ID        int64
	UserID    int64
	Name      string
	Class     BadgeClass
	AwardedAt time.Time
}

// BadgeCount is how many times a member earned one badge, and when first and last.
type BadgeCount struct {
	Name        string
	Class       BadgeClass
	Count       int64
	First, Last time.Time
}

// Author is the part of a user shown beside their threads and posts.
type Author struct {
	ID            int64
	Handle        string
	DisplayName   string
	Role          Role
	Badge         string
	SignatureHTML string // filled where posts are shown, empty in lists
}

// Topic is the top level of the forum's structure, e.g. "App & System Services".
type Topic struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	Position    int
	Subtopics   []Subtopic
}

// Subtopic is the second and last level, e.g. "Networking"; every thread lives in one.
type Subtopic struct {
	ID          int64
	TopicID     int64
	Slug        string
	Name        string
	Description string
	Position    int
	ThreadCount int64
}

// Tag labels threads across subtopics, e.g. "Network" or "CFNetwork".
type Tag struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	ThreadCount int64
}

// TagRef is the part of a tag shown on a thread.
type TagRef struct {
	Slug string
	Name string
}

// Thread is a question or discussion: an original post plus replies.
type Thread struct {
	ID             int64
	Title          string
	SubtopicID     int64
	TopicID        int64
	Author         Author
	Tags           []TagRef
	CreatedAt      time.Time
	LastActivityAt time.Time
	ReplyCount     int64
	BoostCount     int64 // the original post's boosts
	ViewCount      int64
	// Pinned is true when the thread is pinned in the list it was read from (or anywhere,
	// when read on its own).
	Pinned         bool
	Locked         bool
	AcceptedPostID int64 // 0 when no answer is accepted
	StaffReplied   bool
	// Deleted is true for a thread a moderator deleted: it is in no list, only moderators
	// may read it, and it may be restored.
	Deleted bool
	// LinkCount counts the thread's links to and from other threads, deleted ones too
	// (Store.ThreadLinks leaves those out): a page reads the links only when there are any.
	LinkCount int
}

// Answered reports whether the thread has an accepted answer.
func (t Thread) Answered() bool { return t.AcceptedPostID != 0 }

// LockedRefusal is the answer to a reply to a locked thread, whoever refuses it.
func LockedRefusal() error {
	return Errorf(EConflict, "This thread is locked: it takes no new replies.")
}

// Slug is the title in URL form, for readable links.
func (t Thread) Slug() string { return Slugify(t.Title) }

// Post is the original post of a thread or one of its replies.
type Post struct {
	ID       int64
	ThreadID int64
	Author   Author
	Body     string // Markdown source, as written
	HTML     string // Body rendered and sanitised once, when written
	// Original is true for the thread's first post.
	Original         bool
	CreatedAt        time.Time
	EditedAt         time.Time // zero when never edited
	Revision         int       // 1 for a post never edited, n after n-1 edits
	BoostCount       int64
	StaffRecommended bool
	// Hidden is true for a reply a moderator hid: only moderators see it, and it may be
	// restored.
	Hidden      bool
	Attachments []Attachment // in the order they were attached
}

// Edited reports whether the post was changed after it was written.
func (p *Post) Edited() bool { return p.Revision > 1 }

// File describes an attached file's content as it was inspected on upload: its type is
// decided from its bytes, never from its name or what the uploader's browser claimed.
type File struct {
	Name        string // as the uploader named it, cleaned (see CleanFileName)
	ContentType string // one of AttachmentTypes
	Size        int64  // bytes
	SHA256      string // lower-case hex digest of the content: its key in the blob store
	// Width and Height are an image's size in pixels; Lines counts a text file's lines.
	Width, Height int
	Lines         int
	// Text is the start of a text file, at most MaxFileText bytes cut at a character, which
	// search indexes with the post that carries it (a crash signature finds its thread);
	// empty for an image. Pages do not read it back.
	Text string
}

// MaxFileText bounds how much of an attached text file search indexes: a crash report's
// exception, reason and crashed thread, and a log's first thousand lines, are well within it.
const MaxFileText = 64 << 10

// IsImage reports whether the file is one of the image types.
func (f *File) IsImage() bool { return f.ContentType != TypeText }

// Attachment is a file attached to a post.
type Attachment struct {
	ID     int64
	PostID int64
	File
	CreatedAt time.Time
}

// The content types an attachment may have. A stored attachment has one of them and is
// served with it, so no other type ever reaches a browser from the attachment routes.
const (
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeGIF  = "image/gif"
	TypeWebP = "image/webp"
	TypeText = "text/plain; charset=utf-8"
)

// AttachmentTypes lists the content types an attachment may have.
var AttachmentTypes = []string{TypePNG, TypeJPEG, TypeGIF, TypeWebP, TypeText}

// TextExtensions are the names a text attachment may end with: logs, crash reports and
// data, which is what a question needs. Other text (HTML, SVG, scripts) is refused by
// name, so that no browser or download folder treats an attachment as something to run.
var TextExtensions = []string{".txt", ".log", ".crash", ".ips", ".json"}

// Revision is one version of a post's body, kept by the software on every edit.
type Revision struct {
	PostID    int64
	Number    int // 1 is the original
	Body      string
	Editor    Author
	CreatedAt time.Time
	Summary   string
}

// UserPost is one entry of a user's activity: a thread they started or a reply they wrote.
type UserPost struct {
	PostID      int64
	ThreadID    int64
	ThreadTitle string
	Original    bool
	CreatedAt   time.Time
	BoostCount  int64
}

// GivenBoost is a boost a user gave: the post, its thread and when.
type GivenBoost struct {
	PostID    int64
	ThreadID  int64
	CreatedAt time.Time
}

// Slugify turns a title or name into lower-case words joined by hyphens, for URLs.
func Slugify(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
		if b.Len() >= 80 {
			break
		}
	}
	return b.String()
}
