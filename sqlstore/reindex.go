package sqlstore

import (
	"context"
	"errors"

	parley "github.com/parley-forum/parley"
)

// reindexBatch is how many threads one transaction of Reindex indexes again. A batch of
// a few thousand posts takes a fraction of a second, so writers queued behind it wait
// that long at most, and readers, who never wait for a writer, are not slowed.
const reindexBatch = 500

// Reindex builds the full-text index again from the tables, for a database whose index
// is empty (one made before the index existed) or in doubt. It goes through the threads in
// order of id, reindexBatch of them per write transaction, each indexed exactly as a write
// indexes what it changes (syncSearch), so the forum may keep serving meanwhile and a
// second run changes nothing. progress, when not nil, is told the threads done and the
// total: with 0 before the first batch, then after each.
func (s *Store) Reindex(ctx context.Context, progress func(done, total int)) error {
	ctx = parley.ReadPrimary(ctx) // a replica may not hold the newest threads yet
	var total int
	if err := s.read(ctx).QueryRow(ctx, `SELECT count(*) FROM threads`).Scan(&total); err != nil {
		return err
	}
	tell := func(done int) {
		if progress != nil {
			total = max(total, done) // threads started meanwhile
			progress(done, total)
		}
	}
	tell(0)
	for done, after := 0, int64(0); ; {
		rows, err := s.read(ctx).Query(ctx, `SELECT id FROM threads WHERE id > $1 ORDER BY id`+rowLimit(reindexBatch), after)
		ids, err := collect(rows, err, scanValue[int64])
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return s.reindexed(ctx)
		}
		err = s.inTx(ctx, func(tx *Tx) error {
			for _, id := range ids {
				tx.indexThread(id)
			}
			return nil
		})
		if err != nil {
			return err
		}
		done, after = done+len(ids), ids[len(ids)-1]
		tell(done)
	}
}

// reindexed tells the index that every post is indexed again (SearchDialect.Reindexed).
func (s *Store) reindexed(ctx context.Context) error {
	if s.d.Search.Reindexed == "" {
		return nil
	}
	return s.inTx(ctx, func(tx *Tx) error { return ExecAll(ctx, tx, stmt(s.d.Search.Reindexed)) })
}

// SearchIndexMissing reports whether the full-text index is empty while the forum holds
// posts a reader could find: a database made before the index existed, whose searches find
// nothing until Reindex fills it.
func (s *Store) SearchIndexMissing(ctx context.Context) (bool, error) {
	r := s.read(ctx)
	indexed, err := exists(ctx, r, s.d.Search.Any)
	if err != nil || indexed {
		return false, err
	}
	return exists(ctx, r, `SELECT 1 FROM posts p JOIN threads t ON t.id = p.thread_id
		WHERE p.hidden_at IS NULL AND t.deleted_at IS NULL LIMIT 1`)
}

// fileTextBatch is how many attachments one transaction of FillFileTexts updates.
const fileTextBatch = 100

// FillFileTexts gives the text files attached before search read them their text
// (parley.File.Text), read by read from each content, and returns how many it filled. A
// content read cannot find (the blob store lost it) is left without. Run before Reindex,
// which indexes the texts with their posts.
func (s *Store) FillFileTexts(ctx context.Context, read func(ctx context.Context, sha256 string) (string, error)) (int, error) {
	ctx = parley.ReadPrimary(ctx)
	type file struct {
		id     int64
		sha256 string
	}
	filled := 0
	for after := int64(0); ; {
		rows, err := s.read(ctx).Query(ctx, `SELECT id, sha256 FROM attachments
			WHERE id > $1 AND content_type = $2 AND search_text = '' ORDER BY id`+rowLimit(fileTextBatch), after, parley.TypeText)
		files, err := collect(rows, err, func(r Row) (f file, err error) { return f, r.Scan(&f.id, &f.sha256) })
		if err != nil || len(files) == 0 {
			return filled, err
		}
		var stmts []Stmt
		for _, f := range files {
			text, err := read(ctx, f.sha256)
			if errors.Is(err, parley.ErrNotFound) || text == "" {
				continue
			}
			if err != nil {
				return filled, err
			}
			stmts = append(stmts, stmt(`UPDATE attachments SET search_text = $1 WHERE id = $2`, text, f.id))
		}
		if len(stmts) > 0 {
			if err := s.inTx(ctx, func(tx *Tx) error { return ExecAll(ctx, tx, stmts...) }); err != nil {
				return filled, err
			}
		}
		filled, after = filled+len(stmts), files[len(files)-1].id
	}
}
