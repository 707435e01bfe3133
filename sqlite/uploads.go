package sqlite

import (
	"context"
	"database/sql"

	parley "github.com/parley-forum/parley"
)

// collectBatch is how many contents one query of the sweep names.
const collectBatch = 500

// RecordUpload records an account's upload after checking its budget. Write transactions
// are serialised, so two uploads from one account cannot both pass it.
func (s *Store) RecordUpload(ctx context.Context, u parley.NewUpload, budget int64) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx, now int64) error {
		if _, err := findAuthor(ctx, tx, u.UserID); err != nil {
			return err
		}
		var used int64
		err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(size), 0) FROM uploads WHERE user_id = ? AND sha256 <> ? AND created_at > ?`,
			u.UserID, u.SHA256, now-parley.UploadGrace.Milliseconds()).Scan(&used)
		if err != nil {
			return err
		}
		if err := u.CheckBudget(used, budget); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO uploads (user_id, sha256, size, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id, sha256) DO UPDATE SET size = excluded.size, created_at = excluded.created_at`,
			u.UserID, u.SHA256, u.Size, now)
		return err
	})
}

// CollectUploads collects lapsed contents one transaction each: SQLite runs one write
// transaction at a time, so while remove runs no upload can be recorded and no post
// written.
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

// lapsedUploads names contents whose every record is older than cutoff.
func (s *Store) lapsedUploads(ctx context.Context, cutoff int64) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT sha256 FROM uploads GROUP BY sha256 HAVING max(created_at) <= ? LIMIT ?`, cutoff, collectBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			return nil, err
		}
		keys = append(keys, key)
	}
	return keys, rows.Err()
}

// collectUpload deletes a content's records older than cutoff and, when that leaves it
// unheld, removes it. A content whose records another sweep deleted first is left to it.
func (s *Store) collectUpload(ctx context.Context, key string, cutoff int64, remove func(context.Context, string) error) (bool, error) {
	var gone bool
	err := s.inTx(ctx, func(tx *sql.Tx, _ int64) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM uploads WHERE sha256 = ? AND created_at <= ?`, key, cutoff)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
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

// contentHeld reports whether an upload's record or an attachment names the content.
func contentHeld(ctx context.Context, tx *sql.Tx, key string) (bool, error) {
	var held bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM uploads WHERE sha256 = ?)
		OR EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?)`, key, key).Scan(&held)
	return held, err
}

// checkHeld refuses a post carrying a file whose content is no longer held. It runs in the
// post's write transaction, which no sweep can run beside.
func checkHeld(ctx context.Context, tx *sql.Tx, files []parley.File) error {
	for _, f := range files {
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
