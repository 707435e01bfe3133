package sqlstore

import (
	"context"

	parley "github.com/parley-forum/parley"
)

// FlagPost records a reader's flag on a post. A flag shows on no public page, so it
// records no change.
func (s *Store) FlagPost(ctx context.Context, in parley.NewFlag) (parley.Flag, error) {
	if err := in.Validate(); err != nil {
		return parley.Flag{}, err
	}
	f := parley.Flag{PostID: in.PostID, Reason: in.Reason, Note: in.Note}
	err := s.inTx(ctx, func(tx *Tx) error {
		if _, err := s.findActable(ctx, tx, in.PostID); err != nil {
			return err
		}
		var err error
		if f.Reporter, err = findAuthor(ctx, tx, in.ReporterID); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO flags (post_id, reporter_id, reason, note, created_at) VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, in.PostID, in.ReporterID, in.Reason, in.Note, tx.Now).Scan(&f.ID)
		if s.d.IsUnique(err) {
			return parley.Errorf(parley.EConflict, "You have flagged this post already; a moderator will look at it.")
		}
		f.CreatedAt = parley.FromMillis(tx.Now)
		return err
	})
	return f, err
}

// FlagQueue returns the flagged posts that wait longest, with their open flags. It reads
// the primary, so that a moderator sees the queue as their last action left it.
func (s *Store) FlagQueue(ctx context.Context, limit int) ([]parley.FlaggedPost, error) {
	ctx = parley.ReadPrimary(ctx)
	rows, err := s.read(ctx).Query(ctx, `SELECT post_id FROM flags WHERE resolved_at IS NULL
		GROUP BY post_id ORDER BY min(created_at), post_id`+rowLimit(limit))
	ids, err := collect(rows, err, scanValue[int64])
	if err != nil {
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
	if err := s.read(ctx).QueryRow(ctx, `SELECT title FROM threads WHERE id = $1`, e.Post.ThreadID).Scan(&e.ThreadTitle); err != nil {
		return e, err
	}
	rows, err := s.read(ctx).Query(ctx, `SELECT f.id, f.reason, f.note, f.created_at, u.id, u.handle, u.display_name, u.role, u.badge
		FROM flags f JOIN users u ON u.id = f.reporter_id WHERE f.post_id = $1 AND f.resolved_at IS NULL ORDER BY f.id`, postID)
	e.Flags, err = collect(rows, err, func(r Row) (parley.Flag, error) {
		f := parley.Flag{PostID: postID}
		var created int64
		err := r.Scan(&f.ID, &f.Reason, &f.Note, &created, &f.Reporter.ID, &f.Reporter.Handle,
			&f.Reporter.DisplayName, &f.Reporter.Role, &f.Reporter.Badge)
		f.CreatedAt = parley.FromMillis(created)
		return f, err
	})
	return e, err
}

// DismissFlags closes a post's open flags, leaving the post as it is; no public page
// changes, so it records no change.
func (s *Store) DismissFlags(ctx context.Context, postID int64, a parley.Audit) error {
	return s.logged(ctx, a, func(tx *Tx) (*parley.LogEntry, error) {
		var handle, title string
		err := tx.QueryRow(ctx, `SELECT u.handle, t.title FROM posts p JOIN users u ON u.id = p.author_id
			JOIN threads t ON t.id = p.thread_id WHERE p.id = $1`, postID).Scan(&handle, &title)
		if err != nil {
			return nil, notFound(err, "There is no post %d.", postID)
		}
		n, err := tx.Exec(ctx, `UPDATE flags SET resolved_at = $1, resolver_id = $2, outcome = 'dismissed'
			WHERE post_id = $3 AND resolved_at IS NULL`, tx.Now, a.ActorID, postID)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, parley.Errorf(parley.EConflict, "Post %d has no open flags; another moderator may have handled them.", postID)
		}
		return &parley.LogEntry{Action: parley.LogFlagsDismissed, TargetKind: "post", TargetID: postID,
			Target: parley.PostLabel(handle, title), Detail: parley.DismissedDetail(n)}, nil
	})
}

// ModerationLog returns log entries, newest first. It reads the primary, so that a
// moderator finds the action they just took.
func (s *Store) ModerationLog(ctx context.Context, before int64, limit int) ([]parley.LogEntry, error) {
	ctx = parley.ReadPrimary(ctx)
	rows, err := s.read(ctx).Query(ctx, `SELECT l.id, l.action, l.target_kind, l.target_id, l.target, l.detail, l.reason, l.created_at,
		u.id, u.handle, u.display_name, u.role, u.badge
		FROM moderation_log l JOIN users u ON u.id = l.actor_id
		WHERE $1 = 0 OR l.id < $1 ORDER BY l.id DESC`+rowLimit(limit), before)
	return collect(rows, err, func(r Row) (parley.LogEntry, error) {
		var e parley.LogEntry
		var created int64
		err := r.Scan(&e.ID, &e.Action, &e.TargetKind, &e.TargetID, &e.Target, &e.Detail, &e.Reason, &created,
			&e.Actor.ID, &e.Actor.Handle, &e.Actor.DisplayName, &e.Actor.Role, &e.Actor.Badge)
		e.CreatedAt = parley.FromMillis(created)
		return e, err
	})
}
