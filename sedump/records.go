package sedump

import (
	"iter"
	"time"
)

// The records below have one field per attribute of their file, named as the attribute
// is, with Go's spelling of initialisms (Id is ID, WebsiteUrl is WebsiteURL). The package
// comment says what an absent attribute gives.

// Post is a row of Posts.xml: a question, an answer, or one of the site's other kinds of
// post (see PostType).
type Post struct {
	ID         int64
	PostTypeID PostType
	// ParentID is the question an answer belongs to; nil for every other kind of post.
	ParentID *int64
	// AcceptedAnswerID is the answer the asker accepted; nil when there is none.
	AcceptedAnswerID *int64
	CreationDate     time.Time
	Score            int
	ViewCount        int    // questions only
	Body             string // HTML, as the site rendered it
	// OwnerUserID is nil when the author's account was deleted; OwnerDisplayName may
	// then keep the name they posted under.
	OwnerUserID           *int64
	OwnerDisplayName      string
	LastEditorUserID      *int64
	LastEditorDisplayName string
	LastEditDate          time.Time
	LastActivityDate      time.Time
	Title                 string   // questions only
	Tags                  []string // questions only, in the order the asker gave them
	AnswerCount           int
	CommentCount          int
	FavoriteCount         int
	ClosedDate            time.Time
	CommunityOwnedDate    time.Time
	ContentLicense        string // e.g. "CC BY-SA 4.0", the license the post was written under
}

// Posts reads dir/Posts.xml.
func Posts(dir string) iter.Seq2[Post, error] {
	return read(dir, "Posts.xml", func(r *row) Post {
		return Post{
			ID:                    r.id("Id"),
			PostTypeID:            PostType(r.kind("PostTypeId")),
			ParentID:              r.ref("ParentId"),
			AcceptedAnswerID:      r.ref("AcceptedAnswerId"),
			CreationDate:          r.date("CreationDate"),
			Score:                 r.count("Score"),
			ViewCount:             r.count("ViewCount"),
			Body:                  r.text("Body"),
			OwnerUserID:           r.ref("OwnerUserId"),
			OwnerDisplayName:      r.text("OwnerDisplayName"),
			LastEditorUserID:      r.ref("LastEditorUserId"),
			LastEditorDisplayName: r.text("LastEditorDisplayName"),
			LastEditDate:          r.date("LastEditDate"),
			LastActivityDate:      r.date("LastActivityDate"),
			Title:                 r.text("Title"),
			Tags:                  r.tags("Tags"),
			AnswerCount:           r.count("AnswerCount"),
			CommentCount:          r.count("CommentCount"),
			FavoriteCount:         r.count("FavoriteCount"),
			ClosedDate:            r.date("ClosedDate"),
			CommunityOwnedDate:    r.date("CommunityOwnedDate"),
			ContentLicense:        r.text("ContentLicense"),
		}
	})
}

// User is a row of Users.xml. Id -1 is the Community user, which owns the site's wiki
// posts and the votes of deleted accounts.
type User struct {
	ID             int64
	Reputation     int
	CreationDate   time.Time
	DisplayName    string
	LastAccessDate time.Time
	WebsiteURL     string
	Location       string
	AboutMe        string // HTML
	Views          int
	UpVotes        int
	DownVotes      int
	// AccountID is the user's account across the Stack Exchange network.
	AccountID       *int64
	ProfileImageURL string // absent from dumps since 2023
}

// Users reads dir/Users.xml.
func Users(dir string) iter.Seq2[User, error] {
	return read(dir, "Users.xml", func(r *row) User {
		return User{
			ID:              r.id("Id"),
			Reputation:      r.count("Reputation"),
			CreationDate:    r.date("CreationDate"),
			DisplayName:     r.text("DisplayName"),
			LastAccessDate:  r.date("LastAccessDate"),
			WebsiteURL:      r.text("WebsiteUrl"),
			Location:        r.text("Location"),
			AboutMe:         r.text("AboutMe"),
			Views:           r.count("Views"),
			UpVotes:         r.count("UpVotes"),
			DownVotes:       r.count("DownVotes"),
			AccountID:       r.ref("AccountId"),
			ProfileImageURL: r.text("ProfileImageUrl"),
		}
	})
}

// Tag is a row of Tags.xml.
type Tag struct {
	ID      int64
	TagName string
	Count   int // the questions that carry it
	// ExcerptPostID and WikiPostID are the tag's short description and its wiki, posts of
	// type TagWikiExcerpt and TagWiki; nil when nobody wrote them.
	ExcerptPostID *int64
	WikiPostID    *int64
	// IsModeratorOnly and IsRequired appear in dumps since 2023: only moderators may add
	// the tag, and every question of a meta site needs one of its required tags.
	IsModeratorOnly bool
	IsRequired      bool
}

// Tags reads dir/Tags.xml.
func Tags(dir string) iter.Seq2[Tag, error] {
	return read(dir, "Tags.xml", func(r *row) Tag {
		return Tag{
			ID:              r.id("Id"),
			TagName:         r.requireText("TagName"),
			Count:           r.count("Count"),
			ExcerptPostID:   r.ref("ExcerptPostId"),
			WikiPostID:      r.ref("WikiPostId"),
			IsModeratorOnly: r.flag("IsModeratorOnly"),
			IsRequired:      r.flag("IsRequired"),
		}
	})
}

// Vote is a row of Votes.xml. Dumps keep voters anonymous: UserID is set only for
// favourites and bounties, and CreationDate is cut to the day.
type Vote struct {
	ID           int64
	PostID       int64
	VoteTypeID   VoteType
	UserID       *int64
	CreationDate time.Time
	BountyAmount int // VoteBountyStart and VoteBountyClose only
}

// Votes reads dir/Votes.xml.
func Votes(dir string) iter.Seq2[Vote, error] {
	return read(dir, "Votes.xml", func(r *row) Vote {
		return Vote{
			ID:           r.id("Id"),
			PostID:       r.id("PostId"),
			VoteTypeID:   VoteType(r.kind("VoteTypeId")),
			UserID:       r.ref("UserId"),
			CreationDate: r.date("CreationDate"),
			BountyAmount: r.count("BountyAmount"),
		}
	})
}

// Comment is a row of Comments.xml.
type Comment struct {
	ID     int64
	PostID int64
	Score  int
	Text   string // plain text with the site's inline Markdown, not HTML
	// UserID is nil when the author's account was deleted; UserDisplayName may then keep
	// their name.
	UserID          *int64
	UserDisplayName string
	CreationDate    time.Time
	ContentLicense  string
}

// Comments reads dir/Comments.xml.
func Comments(dir string) iter.Seq2[Comment, error] {
	return read(dir, "Comments.xml", func(r *row) Comment {
		return Comment{
			ID:              r.id("Id"),
			PostID:          r.id("PostId"),
			Score:           r.count("Score"),
			Text:            r.text("Text"),
			UserID:          r.ref("UserId"),
			UserDisplayName: r.text("UserDisplayName"),
			CreationDate:    r.date("CreationDate"),
			ContentLicense:  r.text("ContentLicense"),
		}
	})
}

// PostHistory is a row of PostHistory.xml: one event in a post's life, such as a revision
// of its body, title or tags, or its closing.
type PostHistory struct {
	ID                int64
	PostHistoryTypeID PostHistoryType
	PostID            int64
	// RevisionGUID is shared by the entries one edit made: a question's first version is
	// three entries (InitialTitle, InitialBody, InitialTags) with one RevisionGUID.
	RevisionGUID    string
	CreationDate    time.Time
	UserID          *int64
	UserDisplayName string
	Comment         string // the editor's summary, or for closings the reason's id
	// Text is the new value: Markdown for a body, the title, or a tag list (see ParseTags);
	// for other events, details such as the JSON of a closing's voters.
	Text           string
	ContentLicense string
}

// PostHistories reads dir/PostHistory.xml.
func PostHistories(dir string) iter.Seq2[PostHistory, error] {
	return read(dir, "PostHistory.xml", func(r *row) PostHistory {
		return PostHistory{
			ID:                r.id("Id"),
			PostHistoryTypeID: PostHistoryType(r.kind("PostHistoryTypeId")),
			PostID:            r.id("PostId"),
			RevisionGUID:      r.text("RevisionGUID"),
			CreationDate:      r.date("CreationDate"),
			UserID:            r.ref("UserId"),
			UserDisplayName:   r.text("UserDisplayName"),
			Comment:           r.text("Comment"),
			Text:              r.text("Text"),
			ContentLicense:    r.text("ContentLicense"),
		}
	})
}

// PostLink is a row of PostLinks.xml: a post that links to another, or duplicates it.
type PostLink struct {
	ID            int64
	CreationDate  time.Time
	PostID        int64
	RelatedPostID int64
	LinkTypeID    LinkType
}

// PostLinks reads dir/PostLinks.xml.
func PostLinks(dir string) iter.Seq2[PostLink, error] {
	return read(dir, "PostLinks.xml", func(r *row) PostLink {
		return PostLink{
			ID:            r.id("Id"),
			CreationDate:  r.date("CreationDate"),
			PostID:        r.id("PostId"),
			RelatedPostID: r.id("RelatedPostId"),
			LinkTypeID:    LinkType(r.kind("LinkTypeId")),
		}
	})
}

// Badge is a row of Badges.xml: a badge one user earned once.
type Badge struct {
	ID     int64
	UserID int64
	Name   string // the badge's name, or the tag's name when TagBased
	Date   time.Time
	Class  BadgeClass
	// TagBased badges are earned for answers in one tag, and are named for it.
	TagBased bool
}

// Badges reads dir/Badges.xml.
func Badges(dir string) iter.Seq2[Badge, error] {
	return read(dir, "Badges.xml", func(r *row) Badge {
		return Badge{
			ID:       r.id("Id"),
			UserID:   r.id("UserId"),
			Name:     r.requireText("Name"),
			Date:     r.date("Date"),
			Class:    BadgeClass(r.count("Class")),
			TagBased: r.flag("TagBased"),
		}
	})
}
