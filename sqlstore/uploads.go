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

// RecordUpload records an account's upload after checking its budget. The account's row
// is locked first, so that two uploads from one account, on any nodes, cannot both pass it.
func (s *Store) RecordUpload(ctx context.Context, u parley.NewUpload, budget int64) error {
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
		var used int64
		err := tx.QueryRow(ctx, `SELECT coalesce(sum(size), 0) FROM uploads WHERE user_id = $1 AND sha256 <> $2 AND created_at > $3`,
			u.UserID, u.SHA256, tx.Now-parley.UploadGrace.Milliseconds()).Scan(&used)
		if err != nil {
			return err
		}
		if err := u.CheckBudget(used, budget); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO uploads (user_id, sha256, size, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, sha256) DO UPDATE SET size = excluded.size, created_at = excluded.created_at`,
			u.UserID, u.SHA256, u.Size, tx.Now)
		return err
	})
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
	rows, err := s.read(ctx).Query(ctx, `SELECT sha256 FROM uploads GROUP BY sha256 HAVING max(created_at) <= $1 LIMIT $2`, cutoff, collectBatch)
	return collect(rows, err, func(r Row) (string, error) {
		var key string
		return key, r.Scan(&key)
	})
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
