package sqlstore

import (
	"context"

	parley "github.com/parley-forum/parley"
)

// collectBatch is how many contents one query of the sweep names.
const collectBatch = 500

// uploadLock is the class of the locks (Dialect.LockKey) that order what happens to one
// content, keyed by its digest: a sweep collecting it holds the lock alone, while recording
// an upload of it or attaching it shares the lock. So a sweep decides that a content is
// unheld and removes it while nothing can record or attach it, and whatever waited sees
// the records gone. Where a write transaction holds the whole database, it orders them
// already.
const uploadLock = 0x75706c64 // "upld"

// lockContent takes the lock on a content, shared or alone, for the rest of the
// transaction.
func (s *Store) lockContent(ctx context.Context, tx *Tx, key string, shared bool) error {
	stmt := s.d.LockKey(shared)
	if stmt == "" {
		return nil
	}
	_, err := tx.Exec(ctx, stmt, uploadLock, key)
	return err
}

// RecordUpload records an account's upload after checking its budget and quota. The
// account's row is locked first, so that two uploads from one account, on any nodes,
// cannot both pass them.
func (s *Store) RecordUpload(ctx context.Context, u parley.NewUpload, limits parley.UploadLimits) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if err := mustExist(ctx, tx, parley.NotFound("There is no user %d.", u.UserID),
			`SELECT 1 FROM users WHERE id = $1`+s.d.ForUpdate, u.UserID); err != nil {
			return err
		}
		if err := s.lockContent(ctx, tx, u.SHA256, true); err != nil {
			return err
		}
		since := tx.Now - parley.UploadGrace.Milliseconds()
		var used int64
		err := tx.QueryRow(ctx, `SELECT coalesce(sum(size), 0) FROM uploads WHERE user_id = $1 AND sha256 <> $2 AND created_at > $3`,
			u.UserID, u.SHA256, since).Scan(&used)
		if err != nil {
			return err
		}
		if err := u.CheckBudget(used, limits.Budget); err != nil {
			return err
		}
		if limits.Quota > 0 {
			held, err := heldBytes(ctx, tx, u.UserID, u.SHA256, since)
			if err != nil {
				return err
			}
			if err := u.CheckQuota(held, limits.Quota); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO uploads (user_id, sha256, size, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, sha256) DO UPDATE SET size = excluded.size, created_at = excluded.created_at`,
			u.UserID, u.SHA256, u.Size, tx.Now)
		return err
	})
}

// heldBytes is what an account holds (parley.UploadStore) besides the content key: the
// contents of its records dated after since, and of the attachments of its posts that are
// neither hidden nor in a deleted thread. UNION keeps one row per content, since a
// content's digest fixes its size, so a content recorded, attached, or attached to several
// posts counts once. The attachments are found by their author (attachments_by_author),
// so the cost follows the account's files, not its posts.
func heldBytes(ctx context.Context, tx *Tx, userID int64, key string, since int64) (int64, error) {
	var held int64
	err := tx.QueryRow(ctx, `SELECT coalesce(sum(size), 0) FROM (
			SELECT sha256, size FROM uploads WHERE user_id = $1 AND sha256 <> $2 AND created_at > $3
			UNION
			SELECT a.sha256, a.size FROM attachments a
				JOIN posts p ON p.id = a.post_id
				JOIN threads t ON t.id = p.thread_id
			WHERE a.author_id = $1 AND a.sha256 <> $2 AND p.hidden_at IS NULL AND t.deleted_at IS NULL
		) held`, userID, key, since).Scan(&held)
	return held, err
}

// CollectUploads collects lapsed contents one transaction each, holding the content's
// lock alone while it decides and removes.
func (s *Store) CollectUploads(ctx context.Context, remove func(context.Context, string) error) (int64, error) {
	cutoff := parley.Millis(s.now().Add(-parley.UploadGrace))
	var removed int64
	for {
		keys, err := s.lapsedUploads(ctx, cutoff)
		if err != nil {
			return removed, err
		}
		for _, key := range keys {
			gone, err := s.collectUpload(ctx, key, cutoff, remove)
			if err != nil {
				return removed, err
			}
			if gone {
				removed++
			}
		}
		if len(keys) < collectBatch {
			return removed, nil
		}
	}
}

// lapsedUploads names contents whose every record is older than cutoff, as the primary
// has them.
func (s *Store) lapsedUploads(ctx context.Context, cutoff int64) ([]string, error) {
	ctx = parley.ReadPrimary(ctx)
	rows, err := s.read(ctx).Query(ctx, `SELECT sha256 FROM uploads GROUP BY sha256 HAVING max(created_at) <= $1`+rowLimit(collectBatch), cutoff)
	return collect(rows, err, scanValue[string])
}

// collectUpload deletes a content's records older than cutoff and, when that leaves it
// unheld, removes it. A content whose records another sweep deleted first is left to it.
func (s *Store) collectUpload(ctx context.Context, key string, cutoff int64, remove func(context.Context, string) error) (bool, error) {
	var gone bool
	err := s.inTx(ctx, func(tx *Tx) error {
		gone = false
		if err := s.lockContent(ctx, tx, key, false); err != nil {
			return err
		}
		n, err := tx.Exec(ctx, `DELETE FROM uploads WHERE sha256 = $1 AND created_at <= $2`, key, cutoff)
		if err != nil || n == 0 {
			return err
		}
		held, err := contentHeld(ctx, tx, key)
		if err != nil || held {
			return err
		}
		gone = true
		return remove(ctx, key)
	})
	return gone && err == nil, err
}

// contentHeld reports whether an upload's record or an attachment names the content. The
// caller holds the content's lock, so what it reads stays true until it commits.
func contentHeld(ctx context.Context, tx *Tx, key string) (bool, error) {
	var held bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM uploads WHERE sha256 = $1)
		OR EXISTS (SELECT 1 FROM attachments WHERE sha256 = $1)`, key).Scan(&held)
	return held, err
}

// checkHeld takes the shared lock on each file's content and refuses a post carrying one
// that is no longer held. Shared locks never wait for one another, and a sweep holds one
// content's lock at a time, so the order they are taken in cannot deadlock.
func (s *Store) checkHeld(ctx context.Context, tx *Tx, files []parley.File) error {
	for _, f := range files {
		if err := s.lockContent(ctx, tx, f.SHA256, true); err != nil {
			return err
		}
		held, err := contentHeld(ctx, tx, f.SHA256)
		if err != nil {
			return err
		}
		if !held {
			return parley.NotHeld(f)
		}
	}
	return nil
}
