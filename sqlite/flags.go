package sqlite

import (
	"context"
	"database/sql"

	parley "github.com/parley-forum/parley"
)

// FlagPost records a reader's flag on a post.
func (s *Store) FlagPost(ctx context.Context, in parley.NewFlag) (parley.Flag, error) {
	if err := in.Validate(); err != nil {
		return parley.Flag{}, err
	}
	f := parley.Flag{PostID: in.PostID, Reason: in.Reason, Note: in.Note}
	err := s.inTx(ctx, func(tx *sql.Tx, now int64) error {
		if _, err := findActable(ctx, tx, in.PostID); err != nil {
			return err
		}
		var err error
		if f.Reporter, err = findAuthor(ctx, tx, in.ReporterID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO flags (post_id, reporter_id, reason, note, created_at) VALUES (?, ?, ?, ?, ?)`,
			in.PostID, in.ReporterID, in.Reason, in.Note, now)
		if isUniqueViolation(err) {
			return parley.Errorf(parley.EConflict, "You have flagged this post already; a moderator will look at it.")
		}
		if err != nil {
			return err
		}
		f.CreatedAt = parley.FromMillis(now)
		f.ID, err = res.LastInsertId()
		return err
	})
	return f, err
}

// FlagQueue returns the flagged posts that wait longest, with their open flags.
func (s *Store) FlagQueue(ctx context.Context, limit int) ([]parley.FlaggedPost, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT post_id FROM flags WHERE resolved_at IS NULL
		GROUP BY post_id ORDER BY min(created_at), post_id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	queue := make([]parley.FlaggedPost, 0, len(ids))
	for _, id := range ids {
		e, err := s.flaggedPost(ctx, id)
		if err != nil {
			return nil, err
		}
		queue = append(queue, e)
	}
	return queue, nil
}

func (s *Store) flaggedPost(ctx context.Context, postID int64) (parley.FlaggedPost, error) {
	var e parley.FlaggedPost
	var err error
	if e.Post, err = s.Post(ctx, postID); err != nil {
		return e, err
	}
	if err := s.read.QueryRowContext(ctx, `SELECT title FROM threads WHERE id = ?`, e.Post.ThreadID).Scan(&e.ThreadTitle); err != nil {
		return e, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT f.id, f.reason, f.note, f.created_at, u.id, u.handle, u.display_name, u.role, u.badge
		FROM flags f JOIN users u ON u.id = f.reporter_id WHERE f.post_id = ? AND f.resolved_at IS NULL ORDER BY f.id`, postID)
	if err != nil {
		return e, err
	}
	defer rows.Close()
	for rows.Next() {
		f := parley.Flag{PostID: postID}
		var created int64
		if err := rows.Scan(&f.ID, &f.Reason, &f.Note, &created, &f.Reporter.ID, &f.Reporter.Handle,
			&f.Reporter.DisplayName, &f.Reporter.Role, &f.Reporter.Badge); err != nil {
			return e, err
		}
		f.CreatedAt = parley.FromMillis(created)
		e.Flags = append(e.Flags, f)
	}
	return e, rows.Err()
}

// DismissFlags closes a post's open flags, leaving the post as it is.
func (s *Store) DismissFlags(ctx context.Context, postID int64, a parley.Audit) error {
	return s.logged(ctx, a, func(tx *sql.Tx, now int64) (*parley.LogEntry, error) {
		var handle, title string
		err := tx.QueryRowContext(ctx, `SELECT u.handle, t.title FROM posts p JOIN users u ON u.id = p.author_id
			JOIN threads t ON t.id = p.thread_id WHERE p.id = ?`, postID).Scan(&handle, &title)
		if err != nil {
			return nil, notFound(err, "There is no post %d.", postID)
		}
		res, err := tx.ExecContext(ctx, `UPDATE flags SET resolved_at = ?, resolver_id = ?, outcome = 'dismissed'
			WHERE post_id = ? AND resolved_at IS NULL`, now, a.ActorID, postID)
		if err != nil {
			return nil, err
		}
		n, _ := res.RowsAffected()
		if n == 0 {
			return nil, parley.Errorf(parley.EConflict, "Post %d has no open flags; another moderator may have handled them.", postID)
		}
		return &parley.LogEntry{Action: parley.LogFlagsDismissed, TargetKind: "post", TargetID: postID,
			Target: parley.PostLabel(handle, title), Detail: parley.DismissedDetail(n)}, nil
	})
}

// ModerationLog returns log entries, newest first.
func (s *Store) ModerationLog(ctx context.Context, before int64, limit int) ([]parley.LogEntry, error) {
	rows, err := s.query(ctx, `SELECT l.id, l.action, l.target_kind, l.target_id, l.target, l.detail, l.reason, l.created_at,
		u.id, u.handle, u.display_name, u.role, u.badge
		FROM moderation_log l JOIN users u ON u.id = l.actor_id
		WHERE ?1 = 0 OR l.id < ?1 ORDER BY l.id DESC LIMIT ?2`, before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []parley.LogEntry
	for rows.Next() {
		var e parley.LogEntry
		var created int64
		if err := rows.Scan(&e.ID, &e.Action, &e.TargetKind, &e.TargetID, &e.Target, &e.Detail, &e.Reason, &created,
			&e.Actor.ID, &e.Actor.Handle, &e.Actor.DisplayName, &e.Actor.Role, &e.Actor.Badge); err != nil {
			return nil, err
		}
		e.CreatedAt = parley.FromMillis(created)
		out = append(out, e)
	}
	return out, rows.Err()
}
