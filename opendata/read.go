package opendata

import (
	"context"
	"fmt"
	"io"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/progress"
	"github.com/parley-forum/parley/sqlstore"
)

// The queries name columns, never *, so that a column added later is left out until the
// format says what it means; and they take no parameters (ids are formatted in), which
// keeps them the same SQL on both databases.

func (x *exporter) topics(ctx context.Context, w *jsonlWriter) error {
	subs := map[int64][]Subtopic{}
	err := each(ctx, x.snap, `SELECT topic_id, id, slug, name, description, position, thread_count
		FROM subtopics ORDER BY topic_id, position, id`, func(v []any) error {
		subs[toInt(v[0])] = append(subs[toInt(v[0])], Subtopic{ID: toInt(v[1]), Slug: toString(v[2]), Name: toString(v[3]),
			Description: toString(v[4]), Position: int(toInt(v[5])), ThreadCount: toInt(v[6])})
		return nil
	})
	if err != nil {
		return err
	}
	var topics []Topic
	err = each(ctx, x.snap, `SELECT id, slug, name, description, position FROM topics ORDER BY position, id`, func(v []any) error {
		topics = append(topics, Topic{ID: toInt(v[0]), Slug: toString(v[1]), Name: toString(v[2]), Description: toString(v[3]),
			Position: int(toInt(v[4])), Subtopics: subs[toInt(v[0])]})
		return nil
	})
	if err != nil {
		return err
	}
	for _, t := range topics {
		if t.Subtopics == nil {
			t.Subtopics = []Subtopic{}
		}
		if err := w.write(t); err != nil {
			return err
		}
	}
	return nil
}

func (x *exporter) tags(ctx context.Context, w *jsonlWriter) error {
	return each(ctx, x.snap, `SELECT id, slug, name, description, thread_count FROM tags ORDER BY id`, func(v []any) error {
		return w.write(Tag{ID: toInt(v[0]), Slug: toString(v[1]), Name: toString(v[2]), Description: toString(v[3]),
			ThreadCount: toInt(v[4])})
	})
}

// users writes every member's public profile. The columns read are the whole of what is
// written: email, password hash and suspension are never selected.
func (x *exporter) users(ctx context.Context, w *jsonlWriter) error {
	return each(ctx, x.snap, `SELECT id, handle, display_name, role, badge, signature, signature_html, created_at,
		thread_count, post_count FROM users ORDER BY id`, func(v []any) error {
		return w.write(User{ID: toInt(v[0]), Handle: toString(v[1]), DisplayName: toString(v[2]), Role: parley.Role(toString(v[3])),
			Badge: toString(v[4]), Signature: toString(v[5]), SignatureHTML: toString(v[6]), CreatedAt: toTime(v[7]),
			ThreadCount: toInt(v[8]), PostCount: toInt(v[9])})
	})
}

func (x *exporter) badges(ctx context.Context, w *jsonlWriter) error {
	return each(ctx, x.snap, `SELECT id, user_id, name, class, awarded_at FROM badges ORDER BY id`, func(v []any) error {
		return w.write(Badge{ID: toInt(v[0]), UserID: toInt(v[1]), Name: toString(v[2]), Class: parley.BadgeClass(toString(v[3])),
			AwardedAt: toTime(v[4])})
	})
}

// threads writes every thread but the deleted ones, in batches of BatchSize by id, each
// with its visible posts and their revisions, boosters and files.
func (x *exporter) threads(ctx context.Context, w *jsonlWriter, bar io.Writer) error {
	var total int64
	if err := each(ctx, x.snap, `SELECT count(*) FROM threads WHERE deleted_at IS NULL`, func(v []any) error {
		total = toInt(v[0])
		return nil
	}); err != nil {
		return err
	}
	pb := progress.New(bar, total, "Exporting the forum", "threads")
	defer pb.Finish()
	var after int64
	for {
		batch, err := x.threadBatch(ctx, after)
		if err != nil || len(batch) == 0 {
			return err
		}
		for i := range batch {
			for _, p := range batch[i].Posts {
				for _, a := range p.Attachments {
					if err := x.saveFile(ctx, a.SHA256); err != nil {
						return err
					}
				}
			}
			if err := w.write(&batch[i]); err != nil {
				return err
			}
		}
		pb.Add(len(batch))
		after = batch[len(batch)-1].ID
	}
}

// threadBatch reads up to BatchSize threads after id after, whole. The threads' ids span
// lo to hi, so each of their parts is one range query by thread.
func (x *exporter) threadBatch(ctx context.Context, after int64) ([]Thread, error) {
	var batch []Thread
	err := each(ctx, x.snap, fmt.Sprintf(`SELECT id, title, subtopic_id, topic_id, author_id, tag_ids, created_at,
		last_activity_at, reply_count, boost_count, view_count, pinned, locked, accepted_post_id, staff_replied
		FROM threads JOIN thread_views ON thread_id = id WHERE deleted_at IS NULL AND id > %d ORDER BY id LIMIT %d`, after, BatchSize), func(v []any) error {
		batch = append(batch, Thread{ID: toInt(v[0]), Title: toString(v[1]), SubtopicID: toInt(v[2]), TopicID: toInt(v[3]),
			AuthorID: toInt(v[4]), TagIDs: sqlstore.SplitIDs(toString(v[5])), CreatedAt: toTime(v[6]), LastActivityAt: toTime(v[7]),
			ReplyCount: toInt(v[8]), BoostCount: toInt(v[9]), ViewCount: toInt(v[10]), Pinned: toBool(v[11]),
			Locked: toBool(v[12]), AcceptedPostID: toInt(v[13]), StaffReplied: toBool(v[14]), Posts: []Post{}})
		return nil
	})
	if err != nil || len(batch) == 0 {
		return nil, err
	}
	lo, hi := batch[0].ID, batch[len(batch)-1].ID
	threads := make(map[int64]*Thread, len(batch))
	for i := range batch {
		threads[batch[i].ID] = &batch[i]
	}
	err = each(ctx, x.snap, fmt.Sprintf(`SELECT thread_id, scope FROM thread_listings
		WHERE pinned = true AND thread_id BETWEEN %d AND %d ORDER BY thread_id, scope`, lo, hi), func(v []any) error {
		if t := threads[toInt(v[0])]; t != nil {
			scope := toInt(v[1])
			t.PinnedIn = append(t.PinnedIn, Pin{List: pinLists[parley.ScopeKind(scope>>40)], ID: scope & (1<<40 - 1)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Links to deleted threads are left out with them.
	err = each(ctx, x.snap, fmt.Sprintf(`SELECT l.thread_id, l.target_id, l.kind FROM thread_links l
		JOIN threads t ON t.id = l.target_id
		WHERE t.deleted_at IS NULL AND l.thread_id BETWEEN %d AND %d ORDER BY l.thread_id, l.target_id`, lo, hi), func(v []any) error {
		if t := threads[toInt(v[0])]; t != nil {
			t.Links = append(t.Links, Link{TargetID: toInt(v[1]), Kind: parley.LinkKind(toString(v[2]))})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	posts, err := x.posts(ctx, threads, lo, hi)
	if err != nil {
		return nil, err
	}
	for i := range batch {
		if t := &batch[i]; t.AcceptedPostID != 0 && posts[t.AcceptedPostID] == nil {
			t.AcceptedPostID = 0 // a hidden reply, which the export leaves out
		}
	}
	return batch, x.postParts(ctx, posts, lo, hi)
}

// posts reads the visible posts of the threads between lo and hi into their threads,
// returning them by id. The threads' slices are not appended to afterwards, so the
// pointers stay valid.
func (x *exporter) posts(ctx context.Context, threads map[int64]*Thread, lo, hi int64) (map[int64]*Post, error) {
	err := each(ctx, x.snap, fmt.Sprintf(`SELECT id, thread_id, author_id, original, body, html, created_at, revision,
		editor_id, edited_at, edit_summary, boost_count, staff_recommended
		FROM posts WHERE thread_id BETWEEN %d AND %d AND hidden_at IS NULL ORDER BY thread_id, id`, lo, hi), func(v []any) error {
		t := threads[toInt(v[1])]
		if t == nil {
			return nil // a deleted thread's
		}
		p := Post{ID: toInt(v[0]), AuthorID: toInt(v[2]), Original: toBool(v[3]), Body: toString(v[4]), HTML: toString(v[5]),
			Created: toTime(v[6]), Revision: int(toInt(v[7])), EditorID: toInt(v[8]), EditSummary: toString(v[10]),
			BoostCount: toInt(v[11]), StaffRecommended: toBool(v[12])}
		if v[9] != nil {
			edited := toTime(v[9])
			p.EditedAt = &edited
		}
		t.Posts = append(t.Posts, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	posts := map[int64]*Post{}
	for _, t := range threads {
		for i := range t.Posts {
			posts[t.Posts[i].ID] = &t.Posts[i]
		}
	}
	return posts, nil
}

// postParts reads the revisions, boosters and attachments of posts, whose threads lie
// between lo and hi.
func (x *exporter) postParts(ctx context.Context, posts map[int64]*Post, lo, hi int64) error {
	inThreads := fmt.Sprintf(`JOIN posts p ON p.id = r.post_id WHERE p.thread_id BETWEEN %d AND %d`, lo, hi)
	err := each(ctx, x.snap, `SELECT r.post_id, r.number, r.body, r.editor_id, r.created_at, r.summary FROM revisions r `+
		inThreads+` ORDER BY r.post_id, r.number`, func(v []any) error {
		if p := posts[toInt(v[0])]; p != nil {
			p.Revisions = append(p.Revisions, Revision{Number: int(toInt(v[1])), Body: toString(v[2]), EditorID: toInt(v[3]),
				CreatedAt: toTime(v[4]), Summary: toString(v[5])})
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = each(ctx, x.snap, `SELECT r.post_id, r.user_id FROM boosts r `+inThreads+` ORDER BY r.post_id, r.user_id`, func(v []any) error {
		if p := posts[toInt(v[0])]; p != nil {
			p.Boosters = append(p.Boosters, toInt(v[1]))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return each(ctx, x.snap, `SELECT r.post_id, r.id, r.name, r.content_type, r.size, r.sha256, r.width, r.height, r.lines,
		r.created_at FROM attachments r `+inThreads+` ORDER BY r.post_id, r.id`, func(v []any) error {
		if p := posts[toInt(v[0])]; p != nil {
			p.Attachments = append(p.Attachments, Attachment{ID: toInt(v[1]), Name: toString(v[2]), ContentType: toString(v[3]),
				Size: toInt(v[4]), SHA256: toString(v[5]), Width: int(toInt(v[6])), Height: int(toInt(v[7])),
				Lines: int(toInt(v[8])), CreatedAt: toTime(v[9])})
		}
		return nil
	})
}
