package sqlstore

import (
	"context"

	parley "github.com/parley-forum/parley"
)

// ThreadLinks returns the threads linked with a thread in both directions, those it is a
// duplicate of first, then the newest first; deleted threads are left out.
func (s *Store) ThreadLinks(ctx context.Context, threadID int64) ([]parley.LinkedThread, error) {
	rows, err := s.read(ctx).Query(ctx, `
		SELECT t.id, t.title, l.kind, true AS outgoing, l.kind = 'duplicate' AS first
		FROM thread_links l JOIN threads t ON t.id = l.target_id
		WHERE l.thread_id = $1 AND t.deleted_at IS NULL
		UNION ALL
		SELECT t.id, t.title, l.kind, false, false
		FROM thread_links l JOIN threads t ON t.id = l.thread_id
		WHERE l.target_id = $1 AND t.deleted_at IS NULL
		ORDER BY first DESC, id DESC`+rowLimit(parley.MaxLinksShown), threadID)
	return collect(rows, err, func(r Row) (l parley.LinkedThread, err error) {
		var first bool
		return l, r.Scan(&l.ID, &l.Title, &l.Kind, &l.Outgoing, &first)
	})
}

// SetDuplicate marks a thread a duplicate of another, or takes the mark off. Both pages
// change: the duplicate shows the notice, the target lists the duplicate.
func (s *Store) SetDuplicate(ctx context.Context, threadID, targetID int64, on bool, a parley.Audit) error {
	if threadID == targetID {
		return parley.Invalid("target", "A thread cannot be a duplicate of itself.")
	}
	return s.changeLiveThread(ctx, threadID, a, func(tx *Tx, t threadState) (*parley.LogEntry, error) {
		var title string
		var deleted bool
		err := tx.QueryRow(ctx, `SELECT title, deleted_at IS NOT NULL FROM threads WHERE id = $1`, targetID).Scan(&title, &deleted)
		if err = notFound(err, "There is no thread %d.", targetID); err != nil {
			return nil, err
		}
		if deleted && on {
			return nil, parley.Errorf(parley.EConflict, "Thread %d is deleted: a thread cannot be a duplicate of it.", targetID)
		}
		q := `DELETE FROM thread_links WHERE thread_id = $1 AND target_id = $2 AND kind = 'duplicate'`
		if on {
			q = `INSERT INTO thread_links (thread_id, target_id, kind) VALUES ($1, $2, 'duplicate')
				ON CONFLICT (thread_id, target_id) DO UPDATE SET kind = 'duplicate' WHERE thread_links.kind <> 'duplicate'`
		}
		n, err := tx.Exec(ctx, q, threadID, targetID)
		if err != nil || n == 0 {
			return nil, err
		}
		if err := countLinks(ctx, tx, threadID, targetID); err != nil {
			return nil, err
		}
		tx.ThreadChanged(threadID)
		tx.ThreadChanged(targetID)
		return t.entry(pick(on, parley.LogThreadDuplicate, parley.LogThreadNotDuplicate), parley.DuplicateDetail(targetID, title)), nil
	})
}

// linkCount is the count threads.link_count keeps, of the thread's links in both directions.
const linkCount = `(SELECT count(*) FROM thread_links WHERE thread_id = threads.id)
	+ (SELECT count(*) FROM thread_links WHERE target_id = threads.id)`

// countLinks counts again the links of two threads whose link changed.
func countLinks(ctx context.Context, tx *Tx, a, b int64) error {
	_, err := tx.Exec(ctx, `UPDATE threads SET link_count = `+linkCount+` WHERE id IN ($1, $2)`, a, b)
	return err
}

// countAllLinks sets the link count of every linked thread in one pass over the links,
// for a bulk load (whose indexes on thread_links are built only at its end).
const countAllLinks = `UPDATE threads SET link_count = c.n
	FROM (SELECT id, count(*) AS n FROM (SELECT thread_id AS id FROM thread_links UNION ALL SELECT target_id FROM thread_links) l
		GROUP BY id) c
	WHERE threads.id = c.id`
