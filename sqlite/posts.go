package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	parley "github.com/parley-forum/parley"
)

const postColumns = `p.id, p.thread_id, p.original, p.body, p.html, p.created_at, coalesce(p.edited_at, 0), p.revision,
	p.boost_count, p.staff_recommended, p.hidden_at IS NOT NULL, u.id, u.handle, u.display_name, u.role, u.badge, u.signature_html`

func scanPost(row interface{ Scan(...any) error }) (parley.Post, error) {
	var p parley.Post
	var created, edited int64
	err := row.Scan(&p.ID, &p.ThreadID, &p.Original, &p.Body, &p.HTML, &created, &edited, &p.Revision,
		&p.BoostCount, &p.StaffRecommended, &p.Hidden, &p.Author.ID, &p.Author.Handle, &p.Author.DisplayName,
		&p.Author.Role, &p.Author.Badge, &p.Author.SignatureHTML)
	p.CreatedAt = parley.FromMillis(created)
	if edited != 0 {
		p.EditedAt = parley.FromMillis(edited)
	}
	return p, err
}

// Posts returns a thread's posts in order, after post id after, at most limit.
func (s *Store) Posts(ctx context.Context, threadID, after int64, limit int) ([]parley.Post, error) {
	rows, err := s.query(ctx, `SELECT `+postColumns+` FROM posts p JOIN users u ON u.id = p.author_id
		WHERE p.thread_id = ? AND p.id > ? ORDER BY p.id LIMIT ?`, threadID, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var posts []parley.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		posts = append(posts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close() // before the next query, so that one request holds one connection at a time
	return posts, s.withAttachments(ctx, posts)
}

// Post returns one post with its attachments.
func (s *Store) Post(ctx context.Context, id int64) (parley.Post, error) {
	p, err := findPost(ctx, cachedReader{s}, id)
	if err != nil {
		return p, err
	}
	posts := []parley.Post{p}
	err = s.withAttachments(ctx, posts)
	return posts[0], err
}

func findPost(ctx context.Context, q queryer, id int64) (parley.Post, error) {
	p, err := scanPost(q.QueryRowContext(ctx, `SELECT `+postColumns+` FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = ?`, id))
	return p, notFound(err, "There is no post %d.", id)
}

// Revisions returns every version of a post, oldest first, the current one last.
func (s *Store) Revisions(ctx context.Context, postID int64) ([]parley.Revision, error) {
	rows, err := s.query(ctx, `
		SELECT r.number, r.body, r.created_at, r.summary, u.id, u.handle, u.display_name, u.role, u.badge
		FROM revisions r JOIN users u ON u.id = r.editor_id WHERE r.post_id = ?1
		UNION ALL
		SELECT p.revision, p.body, coalesce(p.edited_at, p.created_at), p.edit_summary, u.id, u.handle, u.display_name, u.role, u.badge
		FROM posts p JOIN users u ON u.id = coalesce(p.editor_id, p.author_id) WHERE p.id = ?1
		ORDER BY 1`, postID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var revs []parley.Revision
	for rows.Next() {
		r := parley.Revision{PostID: postID}
		var created int64
		if err := rows.Scan(&r.Number, &r.Body, &created, &r.Summary, &r.Editor.ID, &r.Editor.Handle,
			&r.Editor.DisplayName, &r.Editor.Role, &r.Editor.Badge); err != nil {
			return nil, err
		}
		r.CreatedAt = parley.FromMillis(created)
		revs = append(revs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(revs) == 0 {
		return nil, parley.NotFound("There is no post %d.", postID)
	}
	return revs, nil
}

// findAuthor returns the user who is about to write.
func findAuthor(ctx context.Context, q queryer, id int64) (parley.Author, error) {
	var a parley.Author
	err := q.QueryRowContext(ctx, `SELECT id, handle, display_name, role, badge FROM users WHERE id = ?`, id).
		Scan(&a.ID, &a.Handle, &a.DisplayName, &a.Role, &a.Badge)
	return a, notFound(err, "There is no user %d.", id)
}

func insertPost(ctx context.Context, tx *sql.Tx, threadID, authorID int64, original bool, body, html string, now int64) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO posts (thread_id, author_id, original, body, html, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, threadID, authorID, boolInt(original), body, html, now)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET post_count = post_count + 1 WHERE id = ?`, authorID); err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// CreateReply adds a reply and moves its thread up the activity lists.
func (s *Store) CreateReply(ctx context.Context, in parley.NewReply) (parley.Post, error) {
	if err := in.Validate(); err != nil {
		return parley.Post{}, err
	}
	var postID int64
	err := s.inTx(ctx, func(tx *sql.Tx, now int64) error {
		var locked, deleted bool
		err := tx.QueryRowContext(ctx, `SELECT locked, deleted_at IS NOT NULL FROM threads WHERE id = ?`, in.ThreadID).Scan(&locked, &deleted)
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
		if postID, err = insertPost(ctx, tx, in.ThreadID, author.ID, false, in.Body, in.HTML, now); err != nil {
			return err
		}
		if err := insertAttachments(ctx, tx, postID, in.Attachments, now); err != nil {
			return err
		}
		staff := boolInt(author.Role.IsStaff())
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET reply_count = reply_count + 1, last_activity_at = ?,
			staff_replied = max(staff_replied, ?) WHERE id = ?`, now, staff, in.ThreadID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE thread_listings SET reply_count = reply_count + 1, last_activity_at = ?,
			staff_replied = max(staff_replied, ?) WHERE thread_id = ?`, now, staff, in.ThreadID)
		return err
	})
	if err != nil {
		return parley.Post{}, err
	}
	return s.Post(ctx, postID)
}

// EditPost replaces a post's body and keeps the version it replaces as a revision.
func (s *Store) EditPost(ctx context.Context, in parley.PostEdit) (parley.Post, error) {
	if err := in.Validate(); err != nil {
		return parley.Post{}, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx, now int64) error {
		if _, err := findAuthor(ctx, tx, in.EditorID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO revisions (post_id, number, body, editor_id, created_at, summary)
			SELECT id, revision, body, coalesce(editor_id, author_id), coalesce(edited_at, created_at), edit_summary
			FROM posts WHERE id = ?`, in.PostID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return parley.NotFound("There is no post %d.", in.PostID)
		}
		_, err = tx.ExecContext(ctx, `UPDATE posts SET body = ?, html = ?, revision = revision + 1, editor_id = ?,
			edited_at = ?, edit_summary = ? WHERE id = ?`, in.Body, in.HTML, in.EditorID, now, in.Summary, in.PostID)
		return err
	})
	if err != nil {
		return parley.Post{}, err
	}
	return s.Post(ctx, in.PostID)
}

// SetBoost records or removes a boost and keeps the post's, and for an original post the
// thread's, boost counts equal to the boost rows, in the same transaction.
func (s *Store) SetBoost(ctx context.Context, userID, postID int64, on bool) (int64, error) {
	var count int64
	err := s.inTx(ctx, func(tx *sql.Tx, now int64) error {
		p, err := findActable(ctx, tx, postID)
		if err != nil {
			return err
		}
		if p.authorID == userID {
			return parley.Invalid("boost", "You cannot boost your own post.")
		}
		if _, err := findAuthor(ctx, tx, userID); err != nil {
			return err
		}
		delta, err := toggleBoost(ctx, tx, userID, postID, on, now)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `UPDATE posts SET boost_count = boost_count + ? WHERE id = ? RETURNING boost_count`,
			delta, postID).Scan(&count); err != nil {
			return err
		}
		if !p.original || delta == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET boost_count = ? WHERE id = ?`, count, p.threadID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE thread_listings SET boost_count = ? WHERE thread_id = ?`, count, p.threadID)
		return err
	})
	return count, err
}

// BoostedPosts reports which of postIDs the user has boosted, with one query however many.
func (s *Store) BoostedPosts(ctx context.Context, userID int64, postIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(postIDs) == 0 {
		return out, nil
	}
	ids, err := json.Marshal(postIDs)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT post_id FROM boosts WHERE user_id = ? AND post_id IN (SELECT value FROM json_each(?))`, userID, string(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// toggleBoost writes or deletes the boost row and returns how the count changes.
func toggleBoost(ctx context.Context, tx *sql.Tx, userID, postID int64, on bool, now int64) (int64, error) {
	var res sql.Result
	var err error
	if on {
		res, err = tx.ExecContext(ctx, `INSERT INTO boosts (post_id, user_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, postID, userID, now)
	} else {
		res, err = tx.ExecContext(ctx, `DELETE FROM boosts WHERE post_id = ? AND user_id = ?`, postID, userID)
	}
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if !on {
		n = -n
	}
	return n, err
}

// AcceptAnswer marks a reply as the thread's accepted answer, or clears it for postID 0.
func (s *Store) AcceptAnswer(ctx context.Context, threadID, postID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx, _ int64) error {
		if postID != 0 {
			p, err := findActable(ctx, tx, postID)
			if err != nil {
				return err
			}
			if err := p.checkReply(threadID); err != nil {
				return err
			}
		}
		err := execOne(ctx, tx, parley.NotFound("There is no thread %d.", threadID),
			`UPDATE threads SET accepted_post_id = ? WHERE id = ?`, nullInt(postID), threadID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE thread_listings SET answered = ? WHERE thread_id = ?`, boolInt(postID != 0), threadID)
		return err
	})
}

// SetRecommended marks or unmarks a reply as recommended by staff.
func (s *Store) SetRecommended(ctx context.Context, postID int64, on bool) error {
	return s.inTx(ctx, func(tx *sql.Tx, _ int64) error {
		p, err := findActable(ctx, tx, postID)
		if err != nil {
			return err
		}
		if err := p.checkReply(p.threadID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE posts SET staff_recommended = ? WHERE id = ?`, boolInt(on), postID)
		return err
	})
}

// actable is what acting on a post needs to know of it.
type actable struct {
	id, threadID, authorID int64
	original               bool
}

// findActable reads a post that may be acted on (accepted, recommended, boosted, flagged):
// a hidden post, or one in a deleted thread, is refused (parley.CheckActable). Write
// transactions take the database's lock at BEGIN, so nothing can hide the post between
// this read and the change.
func findActable(ctx context.Context, tx *sql.Tx, postID int64) (actable, error) {
	p := actable{id: postID}
	var hidden, deleted bool
	err := tx.QueryRowContext(ctx, `SELECT p.thread_id, p.author_id, p.original, p.hidden_at IS NOT NULL, t.deleted_at IS NOT NULL
		FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.id = ?`, postID).Scan(&p.threadID, &p.authorID, &p.original, &hidden, &deleted)
	if err != nil {
		return p, notFound(err, "There is no post %d.", postID)
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
