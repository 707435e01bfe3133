package opendata

import (
	parley "github.com/parley-forum/parley"
)

// The conversions from the format's records to the domain's, as a bulk writer takes them.

func (t Topic) record() parley.Topic {
	out := parley.Topic{ID: t.ID, Slug: t.Slug, Name: t.Name, Description: t.Description, Position: t.Position}
	for _, s := range t.Subtopics {
		out.Subtopics = append(out.Subtopics, parley.Subtopic{ID: s.ID, TopicID: t.ID, Slug: s.Slug, Name: s.Name,
			Description: s.Description, Position: s.Position, ThreadCount: s.ThreadCount})
	}
	return out
}

func (t Tag) record() parley.Tag {
	return parley.Tag{ID: t.ID, Slug: t.Slug, Name: t.Name, Description: t.Description, ThreadCount: t.ThreadCount}
}

func (u User) record() parley.User {
	return parley.User{ID: u.ID, Handle: u.Handle, DisplayName: u.DisplayName, Role: u.Role, Badge: u.Badge,
		Signature: u.Signature, SignatureHTML: u.SignatureHTML, CreatedAt: u.CreatedAt, ThreadCount: u.ThreadCount,
		PostCount: u.PostCount}
}

func (b Badge) record() parley.EarnedBadge {
	return parley.EarnedBadge{ID: b.ID, UserID: b.UserID, Name: b.Name, Class: b.Class, AwardedAt: b.AwardedAt}
}

func (t Thread) record() parley.ThreadRecord {
	r := parley.ThreadRecord{
		Thread: parley.Thread{ID: t.ID, Title: t.Title, SubtopicID: t.SubtopicID, TopicID: t.TopicID,
			Author: parley.Author{ID: t.AuthorID}, CreatedAt: t.CreatedAt, LastActivityAt: t.LastActivityAt,
			ReplyCount: t.ReplyCount, BoostCount: t.BoostCount, ViewCount: t.ViewCount, Pinned: t.Pinned, Locked: t.Locked,
			AcceptedPostID: t.AcceptedPostID, StaffReplied: t.StaffReplied},
		TagIDs: t.TagIDs,
	}
	for _, pin := range t.PinnedIn {
		for kind, list := range pinLists {
			if list == pin.List {
				r.PinnedIn = append(r.PinnedIn, parley.Scope{Kind: kind, ID: pin.ID})
			}
		}
	}
	for _, l := range t.Links {
		r.Links = append(r.Links, parley.ThreadLink{TargetID: l.TargetID, Kind: l.Kind})
	}
	for _, p := range t.Posts {
		r.Posts = append(r.Posts, p.record(t.ID))
	}
	return r
}

func (p Post) record(threadID int64) parley.PostRecord {
	r := parley.PostRecord{
		Post: parley.Post{ID: p.ID, ThreadID: threadID, Author: parley.Author{ID: p.AuthorID}, Body: p.Body, HTML: p.HTML,
			Original: p.Original, CreatedAt: p.Created, Revision: p.Revision, BoostCount: p.BoostCount,
			StaffRecommended: p.StaffRecommended},
		Boosters:      p.Boosters,
		EditorID:      p.EditorID,
		EditorSummary: p.EditSummary,
	}
	if p.EditedAt != nil {
		r.Post.EditedAt = *p.EditedAt
	}
	for _, rev := range p.Revisions {
		r.Revisions = append(r.Revisions, parley.Revision{PostID: p.ID, Number: rev.Number, Body: rev.Body,
			Editor: parley.Author{ID: rev.EditorID}, CreatedAt: rev.CreatedAt, Summary: rev.Summary})
	}
	for _, a := range p.Attachments {
		r.Attachments = append(r.Attachments, parley.Attachment{ID: a.ID, File: parley.File{Name: a.Name, ContentType: a.ContentType,
			Size: a.Size, SHA256: a.SHA256, Width: a.Width, Height: a.Height, Lines: a.Lines}})
	}
	return r
}

// UserOf is a member's public profile as the format writes it.
func UserOf(u parley.User) User {
	return User{ID: u.ID, Handle: u.Handle, DisplayName: u.DisplayName, Role: u.Role, Badge: u.Badge, Signature: u.Signature,
		SignatureHTML: u.SignatureHTML, CreatedAt: u.CreatedAt, ThreadCount: u.ThreadCount, PostCount: u.PostCount}
}

// PostOf is a post as the format writes it, with versions, every version of it oldest
// first as Store.Revisions returns them (the last is the post itself). Its boosters are
// not known from a post alone and are left out.
func PostOf(p parley.Post, versions []parley.Revision) Post {
	out := Post{ID: p.ID, AuthorID: p.Author.ID, Original: p.Original, Body: p.Body, HTML: p.HTML, Created: p.CreatedAt,
		Revision: p.Revision, BoostCount: p.BoostCount, StaffRecommended: p.StaffRecommended}
	if !p.EditedAt.IsZero() {
		edited := p.EditedAt
		out.EditedAt = &edited
	}
	for _, r := range versions {
		if r.Number < p.Revision {
			out.Revisions = append(out.Revisions, Revision{Number: r.Number, Body: r.Body, EditorID: r.Editor.ID,
				CreatedAt: r.CreatedAt, Summary: r.Summary})
		} else if r.Number == p.Revision && p.Revision > 1 {
			out.EditorID, out.EditSummary = r.Editor.ID, r.Summary
		}
	}
	for _, a := range p.Attachments {
		out.Attachments = append(out.Attachments, Attachment{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size,
			SHA256: a.SHA256, Width: a.Width, Height: a.Height, Lines: a.Lines, CreatedAt: a.CreatedAt})
	}
	return out
}
