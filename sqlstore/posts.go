package sqlstore

import (
	"context"
	"database/sql"

	parley "github.com/parley-forum/parley"
)

const postColumns = `p.id, p.thread_id, p.original, p.body, p.html, p.created_at, coalesce(p.edited_at, 0), p.revision,
	p.boost_count, p.staff_recommended, p.hidden_at IS NOT NULL, p.file_count, u.id, u.handle, u.display_name, u.role, u.badge, u.signature_html`

// scanPost reads postColumns. A post's Attachments are made to hold as many files as it
// has, for withAttachments to fill.
func scanPost(r Row) (parley.Post, error) {
	var p parley.Post
	var created, edited int64
	var files int
	err := r.Scan(&p.ID, &p.ThreadID, &p.Original, &p.Body, &p.HTML, &created, &edited, &p.Revision,
		&p.BoostCount, &p.StaffRecommended, &p.Hidden, &files, &p.Author.ID, &p.Author.Handle, &p.Author.DisplayName,
		&p.Author.Role, &p.Author.Badge, &p.Author.SignatureHTML)
	if files > 0 {
		p.Attachments = make([]parley.Attachment, 0, files)
	}
	p.CreatedAt = parley.FromMillis(created)
	if edited != 0 {
		p.EditedAt = parley.FromMillis(edited)
	}
	return p, err
}

// postsOfThread selects thread $1's posts after post id $2 in order, at most limit.
func postsOfThread(limit int) string {
	return `SELECT ` + postColumns + ` FROM posts p JOIN users u ON u.id = p.author_id
		WHERE p.thread_id = $1 AND p.id > $2 ORDER BY p.id` + rowLimit(limit)
}

// Posts returns a thread's posts in order, after post id after, at most limit.
func (s *Store) Posts(ctx context.Context, threadID, after int64, limit int) ([]parley.Post, error) {
	rows, err := s.read(ctx).Query(ctx, postsOfThread(limit), threadID, after)
	posts, err := collect(rows, err, scanPost)
	if err != nil {
		return nil, err
	}
	return posts, s.withAttachments(ctx, posts)
}

// Post returns one post with its attachments.
func (s *Store) Post(ctx context.Context, id int64) (parley.Post, error) {
	p, err := scanPost(s.read(ctx).QueryRow(ctx, `SELECT `+postColumns+` FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = $1`, id))
	if err != nil {
		return p, notFound(err, "There is no post %d.", id)
	}
	posts := []parley.Post{p}
	err = s.withAttachments(ctx, posts)
	return posts[0], err
}

// Revisions returns every version of a post, oldest first, the current one last.
func (s *Store) Revisions(ctx context.Context, postID int64) ([]parley.Revision, error) {
	rows, err := s.read(ctx).Query(ctx, `
		SELECT r.number, r.body, r.created_at, r.summary, u.id, u.handle, u.display_name, u.role, u.badge
		FROM revisions r JOIN users u ON u.id = r.editor_id WHERE r.post_id = $1
		UNION ALL
		SELECT p.revision, p.body, coalesce(p.edited_at, p.created_at), p.edit_summary, u.id, u.handle, u.display_name, u.role, u.badge
		FROM posts p JOIN users u ON u.id = coalesce(p.editor_id, p.author_id) WHERE p.id = $1
		ORDER BY 1`, postID)
	revs, err := collect(rows, err, func(r Row) (parley.Revision, error) {
		rev := parley.Revision{PostID: postID}
		var created int64
		err := r.Scan(&rev.Number, &rev.Body, &created, &rev.Summary, &rev.Editor.ID, &rev.Editor.Handle,
			&rev.Editor.DisplayName, &rev.Editor.Role, &rev.Editor.Badge)
		rev.CreatedAt = parley.FromMillis(created)
		return rev, err
	})
	if err != nil {
		return nil, err
	}
	if len(revs) == 0 {
		return nil, parley.NotFound("There is no post %d.", postID)
	}
	return revs, nil
}

// findAuthor returns the user who is about to write.
func findAuthor(ctx context.Context, q Querier, id int64) (parley.Author, error) {
	var a parley.Author
	err := q.QueryRow(ctx, `SELECT id, handle, display_name, role, badge FROM users WHERE id = $1`, id).
		Scan(&a.ID, &a.Handle, &a.DisplayName, &a.Role, &a.Badge)
	return a, notFound(err, "There is no user %d.", id)
}

// actable is what acting on a post needs to know of it.
type actable struct {
	id, threadID, authorID int64
	original               bool
}

// findActable reads a post that may be acted on (accepted, recommended, boosted, flagged):
// a hidden post, or one in a deleted thread, is refused (parley.CheckActable). It locks the
// post's thread first, as an UPDATE of it would, and reads the post after: hiding a post
// and deleting a thread lock the thread too, so neither can happen between this check and
// the change, and taking the thread before the post is the order they take.
func (s *Store) findActable(ctx context.Context, tx *Tx, postID int64) (actable, error) {
	p := actable{id: postID}
	if err := tx.QueryRow(ctx, `SELECT thread_id FROM posts WHERE id = $1`, postID).Scan(&p.threadID); err != nil {
		return p, notFound(err, "There is no post %d.", postID)
	}
	var hidden, deleted bool
	if err := tx.QueryRow(ctx, `SELECT deleted_at IS NOT NULL FROM threads WHERE id = $1`+s.d.ForUpdate, p.threadID).Scan(&deleted); err != nil {
		return p, err
	}
	err := tx.QueryRow(ctx, `SELECT author_id, original, hidden_at IS NOT NULL FROM posts WHERE id = $1`, postID).
		Scan(&p.authorID, &p.original, &hidden)
	if err != nil {
		return p, err
	}
	return p, parley.CheckActable(postID, hidden, deleted)
}

// checkReply makes sure the post is a reply (not the original post) in thread threadID.
func (p actable) checkReply(threadID int64) error {
	if p.threadID != threadID {
		return parley.Invalid("post", "Post %d is not part of thread %d.", p.id, threadID)
	}
	if p.original {
		return parley.Invalid("post", "Only a reply can be an answer, not the question itself.")
	}
	return nil
}

// insertPost writes a post and counts it for its author.
func insertPost(ctx context.Context, tx *Tx, threadID, authorID int64, original bool, body, html string, files int) (int64, error) {
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO posts (thread_id, author_id, original, body, html, created_at, file_count)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, threadID, authorID, original, body, html, tx.Now, files).Scan(&id); err != nil {
		return 0, err
	}
	_, err := tx.Exec(ctx, `UPDATE users SET post_count = post_count + 1 WHERE id = $1`, authorID)
	return id, err
}

// CreateReply adds a reply and moves its thread up the activity lists. The thread's row is
// locked first, so that concurrent replies count one after the other and a lock taken by a
// moderator in between is seen.
func (s *Store) CreateReply(ctx context.Context, in parley.NewReply) (parley.Post, error) {
	if err := in.Validate(); err != nil {
		return parley.Post{}, err
	}
	var postID int64
	err := s.inTx(ctx, func(tx *Tx) error {
		var locked, deleted bool
		err := tx.QueryRow(ctx, `SELECT locked, deleted_at IS NOT NULL FROM threads WHERE id = $1`+s.d.ForUpdate, in.ThreadID).Scan(&locked, &deleted)
		if err != nil || deleted {
			return notFound(pick(deleted, sql.ErrNoRows, err), "There is no thread %d.", in.ThreadID)
		}
		if locked {
			return parley.LockedRefusal()
		}
		author, err := findAuthor(ctx, tx, in.AuthorID)
		if err != nil {
			return err
		}
		if postID, err = insertPost(ctx, tx, in.ThreadID, author.ID, false, in.Text.Body(), in.Text.HTML(), len(in.Attachments)); err != nil {
			return err
		}
		if err := s.insertAttachments(ctx, tx, postID, author.ID, in.Attachments); err != nil {
			return err
		}
		if err := s.queueReply(ctx, tx, in.ThreadID, postID, author.ID, in.Text); err != nil {
			return err
		}
		staff := author.Role.IsStaff()
		if err := ExecAll(ctx, tx, stmt(`UPDATE threads SET reply_count = reply_count + 1, last_activity_at = $1,
			staff_replied = (staff_replied OR $2) WHERE id = $3`, tx.Now, staff, in.ThreadID),
			stmt(`UPDATE thread_listings SET reply_count = reply_count + 1, last_activity_at = $1,
			staff_replied = (staff_replied OR $2) WHERE thread_id = $3`, tx.Now, staff, in.ThreadID)); err != nil {
			return err
		}
		tx.indexPost(postID)
		tx.ThreadChanged(in.ThreadID)
		return nil
	})
	if err != nil {
		return parley.Post{}, err
	}
	return s.Post(parley.ReadPrimary(ctx), postID)
}

// EditPost replaces a post's body and keeps the version it replaces as a revision. The
// post is locked first, so that two edits at once take turns: each keeps the version the
// other wrote.
func (s *Store) EditPost(ctx context.Context, in parley.PostEdit) (parley.Post, error) {
	if err := in.Validate(); err != nil {
		return parley.Post{}, err
	}
	err := s.inTx(ctx, func(tx *Tx) error {
		if _, err := findAuthor(ctx, tx, in.EditorID); err != nil {
			return err
		}
		var threadID int64
		if err := tx.QueryRow(ctx, `SELECT thread_id FROM posts WHERE id = $1`+s.d.ForUpdate, in.PostID).Scan(&threadID); err != nil {
			return notFound(err, "There is no post %d.", in.PostID)
		}
		if err := ExecAll(ctx, tx, stmt(`INSERT INTO revisions (post_id, number, body, editor_id, created_at, summary)
			SELECT id, revision, body, coalesce(editor_id, author_id), coalesce(edited_at, created_at), edit_summary
			FROM posts WHERE id = $1`, in.PostID),
			stmt(`UPDATE posts SET body = $1, html = $2, revision = revision + 1, editor_id = $3,
			edited_at = $4, edit_summary = $5 WHERE id = $6`, in.Text.Body(), in.Text.HTML(), in.EditorID, tx.Now, in.Summary, in.PostID)); err != nil {
			return err
		}
		if err := s.queueEdit(ctx, tx, threadID, in.PostID, in.EditorID, in.Text); err != nil {
			return err
		}
		tx.indexPost(in.PostID)
		tx.ThreadChanged(threadID)
		return nil
	})
	if err != nil {
		return parley.Post{}, err
	}
	return s.Post(parley.ReadPrimary(ctx), in.PostID)
}

// SetBoost records or removes a boost and keeps the post's, and for an original post the
// thread's, boost counts equal to the boost rows, in the same transaction. The count is
// changed by one UPDATE that adds the change, which holds the post's row until commit, so
// concurrent boosts add up and copy their totals to the thread in the order they counted.
func (s *Store) SetBoost(ctx context.Context, userID, postID int64, on bool) (int64, error) {
	var count int64
	err := s.inTx(ctx, func(tx *Tx) error {
		p, err := s.findActable(ctx, tx, postID)
		if err != nil {
			return err
		}
		if p.authorID == userID {
			return parley.Invalid("boost", "You cannot boost your own post.")
		}
		if _, err := findAuthor(ctx, tx, userID); err != nil {
			return err
		}
		delta, err := toggleBoost(ctx, tx, userID, postID, on)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `UPDATE posts SET boost_count = boost_count + $1 WHERE id = $2 RETURNING boost_count`,
			delta, postID).Scan(&count); err != nil {
			return err
		}
		if err := s.queueBoost(ctx, tx, p, userID, delta); err != nil {
			return err
		}
		if delta == 0 {
			return nil
		}
		tx.ThreadChanged(p.threadID)
		if !p.original {
			return nil
		}
		return ExecAll(ctx, tx, stmt(`UPDATE threads SET boost_count = $1 WHERE id = $2`, count, p.threadID),
			stmt(`UPDATE thread_listings SET boost_count = $1 WHERE thread_id = $2`, count, p.threadID))
	})
	return count, err
}

// toggleBoost writes or deletes the boost row and returns how the count changes.
func toggleBoost(ctx context.Context, tx *Tx, userID, postID int64, on bool) (int64, error) {
	if !on {
		n, err := tx.Exec(ctx, `DELETE FROM boosts WHERE post_id = $1 AND user_id = $2`, postID, userID)
		return -n, err
	}
	return tx.Exec(ctx, `INSERT INTO boosts (post_id, user_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, postID, userID, tx.Now)
}

// BoostedPosts reports which of postIDs the user has boosted, with one query however many.
func (s *Store) BoostedPosts(ctx context.Context, userID int64, postIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(postIDs) == 0 {
		return out, nil
	}
	rows, err := s.read(ctx).Query(ctx, `SELECT post_id FROM boosts WHERE user_id = $1 AND `+s.d.AnyID("post_id", "$2"),
		userID, s.d.IDs(postIDs))
	ids, err := collect(rows, err, scanValue[int64])
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}

// AcceptAnswer marks a reply as the thread's accepted answer, or clears it for postID 0.
func (s *Store) AcceptAnswer(ctx context.Context, threadID, postID int64) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if postID != 0 {
			p, err := s.findActable(ctx, tx, postID)
			if err != nil {
				return err
			}
			if err := p.checkReply(threadID); err != nil {
				return err
			}
		}
		err := execOne(ctx, tx, parley.NotFound("There is no thread %d.", threadID),
			`UPDATE threads SET accepted_post_id = $1 WHERE id = $2`, nullID(postID), threadID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE thread_listings SET answered = $1 WHERE thread_id = $2`, postID != 0, threadID); err != nil {
			return err
		}
		if err := s.queueAccepted(ctx, tx, threadID, postID); err != nil {
			return err
		}
		tx.ThreadChanged(threadID)
		return nil
	})
}

// SetRecommended marks or unmarks a reply as recommended by staff.
func (s *Store) SetRecommended(ctx context.Context, postID int64, on bool) error {
	return s.inTx(ctx, func(tx *Tx) error {
		p, err := s.findActable(ctx, tx, postID)
		if err != nil {
			return err
		}
		if err := p.checkReply(p.threadID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE posts SET staff_recommended = $1 WHERE id = $2`, on, postID); err != nil {
			return err
		}
		if err := s.queueRecommended(ctx, tx, p, on); err != nil {
			return err
		}
		tx.ThreadChanged(p.threadID)
		return nil
	})
}
