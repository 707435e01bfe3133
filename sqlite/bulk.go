package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
)

// bulkWriter loads a forum over one dedicated connection with durability relaxed: a load
// that dies half-way leaves a database to delete, not one to trust, so fsyncs buy nothing.
type bulkWriter struct {
	s    *Store
	conn *sql.Conn
	// deferred holds the CREATE statements of the indexes on the tables a bulk load fills and
	// of the triggers on threads: they are dropped while it runs and made again at the end.
	// Building an index once is several times faster than keeping it; the triggers would
	// add each title to the search index, which Close instead builds in one pass.
	deferred []string

	// Batches of threads are written by one goroutine while the caller generates the
	// next, so that on two cores generating and writing overlap.
	batches chan []parley.ThreadRecord
	failed  chan error // receives the writer goroutine's result when it stops
}

var bulkStatements = map[string]string{
	"thread": `INSERT INTO threads (id, title, subtopic_id, topic_id, author_id, tag_ids, created_at, last_activity_at,
		reply_count, boost_count, view_count, pinned, locked, accepted_post_id, staff_replied)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	"tag": `INSERT INTO thread_tags (thread_id, tag_id) VALUES (?, ?)`,
	"pin": `INSERT INTO bulk_pins (scope, thread_id) VALUES (?, ?)`,
	"post": `INSERT INTO posts (id, thread_id, author_id, original, body, html, created_at, revision, editor_id,
		edited_at, edit_summary, boost_count, staff_recommended) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	"revision": `INSERT INTO revisions (post_id, number, body, editor_id, created_at, summary) VALUES (?, ?, ?, ?, ?, ?)`,
	"boost":    `INSERT INTO boosts (post_id, user_id, created_at) VALUES (?, ?, ?)`,
	"attachment": `INSERT INTO attachments (post_id, name, content_type, size, sha256, width, height, lines, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
}

// Bulk returns a writer that loads a whole forum into this empty store.
func (s *Store) Bulk(ctx context.Context) (parley.BulkWriter, error) {
	var n int64
	if err := s.write.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM threads LIMIT 1)`).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, parley.Errorf(parley.EConflict, "The database holds threads already; bulk loading needs an empty one.")
	}
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &bulkWriter{s: s, conn: conn}
	if err := w.start(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return w, nil
}

func (w *bulkWriter) start(ctx context.Context) error {
	// Without a journal each page is written once instead of twice. Leaving WAL mode needs
	// the only connection to the file; when a reader is open the load stays in WAL mode,
	// slower but just as correct.
	w.conn.ExecContext(ctx, `PRAGMA journal_mode = OFF`)
	for _, p := range []string{`PRAGMA synchronous = OFF`, `PRAGMA cache_size = -262144`, `PRAGMA foreign_keys = OFF`,
		`CREATE TEMP TABLE bulk_pins (scope INTEGER NOT NULL, thread_id INTEGER NOT NULL, PRIMARY KEY (scope, thread_id))`} {
		if _, err := w.conn.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	rows, err := w.conn.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL
		AND (type = 'index' AND tbl_name IN ('threads', 'thread_tags', 'thread_listings', 'posts', 'revisions', 'boosts')
		  OR type = 'trigger' AND tbl_name = 'threads')`)
	if err != nil {
		return err
	}
	var drops []string
	for rows.Next() {
		var typ, name, ddl string
		if err := rows.Scan(&typ, &name, &ddl); err != nil {
			rows.Close()
			return err
		}
		drops, w.deferred = append(drops, `DROP `+typ+` `+name), append(w.deferred, ddl)
	}
	rows.Close()
	for _, q := range drops {
		if _, err := w.conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// Topics writes topics and their subtopics.
func (w *bulkWriter) Topics(ctx context.Context, topics []parley.Topic) error {
	defer w.s.ForgetCaches()
	return w.inTx(ctx, func(tx *sql.Tx) error {
		for _, t := range topics {
			if _, err := tx.ExecContext(ctx, `INSERT INTO topics (id, slug, name, description, position) VALUES (?, ?, ?, ?, ?)`,
				t.ID, t.Slug, t.Name, t.Description, t.Position); err != nil {
				return err
			}
			for _, s := range t.Subtopics {
				if _, err := tx.ExecContext(ctx, `INSERT INTO subtopics (id, topic_id, slug, name, description, position, thread_count)
					VALUES (?, ?, ?, ?, ?, ?, ?)`, s.ID, t.ID, s.Slug, s.Name, s.Description, s.Position, s.ThreadCount); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Tags writes tags.
func (w *bulkWriter) Tags(ctx context.Context, tags []parley.Tag) error {
	defer w.s.ForgetCaches()
	return w.inTx(ctx, func(tx *sql.Tx) error {
		for _, t := range tags {
			if _, err := tx.ExecContext(ctx, `INSERT INTO tags (id, slug, name, description, thread_count) VALUES (?, ?, ?, ?, ?)`,
				t.ID, t.Slug, t.Name, t.Description, t.ThreadCount); err != nil {
				return err
			}
		}
		return nil
	})
}

// Users writes users.
func (w *bulkWriter) Users(ctx context.Context, users []parley.User) error {
	return w.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO users (id, handle, display_name, role, badge, signature, signature_html,
			created_at, thread_count, post_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, u := range users {
			if _, err := stmt.ExecContext(ctx, u.ID, u.Handle, u.DisplayName, u.Role, u.Badge, u.Signature, u.SignatureHTML,
				parley.Millis(u.CreatedAt), u.ThreadCount, u.PostCount); err != nil {
				return fmt.Errorf("user %d: %w", u.ID, err)
			}
		}
		return nil
	})
}

// Threads queues a batch of threads with their posts, revisions and boosts for writing.
// It may return before the batch is written, so it keeps the slice; an error writing it is
// returned by a later call or by Close.
func (w *bulkWriter) Threads(ctx context.Context, threads []parley.ThreadRecord) error {
	if w.batches == nil {
		w.batches, w.failed = make(chan []parley.ThreadRecord, 2), make(chan error, 1)
		go w.writeBatches(ctx)
	}
	select {
	case w.batches <- threads:
		return nil
	case err := <-w.failed:
		w.batches = nil
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeBatches writes queued batches until the queue closes or a write fails.
func (w *bulkWriter) writeBatches(ctx context.Context) {
	for batch := range w.batches {
		if err := w.writeBatch(ctx, batch); err != nil {
			w.failed <- err
			for range w.batches { // let a blocked sender go
			}
			return
		}
	}
	w.failed <- nil
}

func (w *bulkWriter) writeBatch(ctx context.Context, threads []parley.ThreadRecord) error {
	return w.inTx(ctx, func(tx *sql.Tx) error {
		st := map[string]*sql.Stmt{}
		for name, q := range bulkStatements {
			stmt, err := tx.PrepareContext(ctx, q)
			if err != nil {
				return err
			}
			defer stmt.Close()
			st[name] = stmt
		}
		for i := range threads {
			if err := writeThread(ctx, st, &threads[i]); err != nil {
				return fmt.Errorf("thread %d: %w", threads[i].Thread.ID, err)
			}
		}
		return nil
	})
}

func writeThread(ctx context.Context, st map[string]*sql.Stmt, r *parley.ThreadRecord) error {
	t := &r.Thread
	if _, err := st["thread"].ExecContext(ctx, t.ID, t.Title, t.SubtopicID, t.TopicID, t.Author.ID, sqlstore.JoinIDs(r.TagIDs),
		parley.Millis(t.CreatedAt), parley.Millis(t.LastActivityAt), t.ReplyCount, t.BoostCount, t.ViewCount,
		boolInt(t.Pinned), boolInt(t.Locked), nullInt(t.AcceptedPostID), boolInt(t.StaffReplied)); err != nil {
		return err
	}
	for _, id := range r.TagIDs {
		if _, err := st["tag"].ExecContext(ctx, t.ID, id); err != nil {
			return err
		}
	}
	for _, sc := range r.PinnedIn {
		if _, err := st["pin"].ExecContext(ctx, sc.Key(), t.ID); err != nil {
			return err
		}
	}
	for i := range r.Posts {
		if err := writePost(ctx, st, &r.Posts[i]); err != nil {
			return fmt.Errorf("post %d: %w", r.Posts[i].Post.ID, err)
		}
	}
	return nil
}

func writePost(ctx context.Context, st map[string]*sql.Stmt, r *parley.PostRecord) error {
	p := &r.Post
	var edited sql.NullInt64
	if !p.EditedAt.IsZero() {
		edited = sql.NullInt64{Int64: parley.Millis(p.EditedAt), Valid: true}
	}
	if _, err := st["post"].ExecContext(ctx, p.ID, p.ThreadID, p.Author.ID, boolInt(p.Original), p.Body, p.HTML,
		parley.Millis(p.CreatedAt), p.Revision, nullInt(r.EditorID), edited, r.EditorSummary, p.BoostCount,
		boolInt(p.StaffRecommended)); err != nil {
		return err
	}
	for _, rev := range r.Revisions {
		if _, err := st["revision"].ExecContext(ctx, p.ID, rev.Number, rev.Body, rev.Editor.ID,
			parley.Millis(rev.CreatedAt), rev.Summary); err != nil {
			return err
		}
	}
	for _, u := range r.Boosters {
		if _, err := st["boost"].ExecContext(ctx, p.ID, u, parley.Millis(p.CreatedAt)); err != nil {
			return err
		}
	}
	for _, f := range r.Attachments {
		if _, err := st["attachment"].ExecContext(ctx, p.ID, f.Name, f.ContentType, f.Size, f.SHA256, f.Width, f.Height,
			f.Lines, parley.Millis(p.CreatedAt)); err != nil {
			return err
		}
	}
	return nil
}

// listingsFromThreads derives every list entry from the threads and their tags, in key
// order so that the table is written by appending.
var listingsFromThreads = []string{
	`INSERT INTO thread_listings SELECT 0, id, created_at, last_activity_at, reply_count, boost_count, view_count,
		accepted_post_id IS NOT NULL, staff_replied, 0 FROM threads ORDER BY id`,
	`INSERT INTO thread_listings SELECT (1 << 40) | topic_id, id, created_at, last_activity_at, reply_count, boost_count,
		view_count, accepted_post_id IS NOT NULL, staff_replied, 0 FROM threads ORDER BY topic_id, id`,
	`INSERT INTO thread_listings SELECT (2 << 40) | subtopic_id, id, created_at, last_activity_at, reply_count, boost_count,
		view_count, accepted_post_id IS NOT NULL, staff_replied, 0 FROM threads ORDER BY subtopic_id, id`,
	`INSERT INTO thread_listings SELECT (3 << 40) | tt.tag_id, t.id, t.created_at, t.last_activity_at, t.reply_count,
		t.boost_count, t.view_count, t.accepted_post_id IS NOT NULL, t.staff_replied, 0
		FROM thread_tags tt JOIN threads t ON t.id = tt.thread_id ORDER BY tt.tag_id, t.id`,
	`UPDATE thread_listings SET pinned = 1 WHERE (scope, thread_id) IN (SELECT scope, thread_id FROM bulk_pins)`,
	`DROP TABLE bulk_pins`,
}

// Close derives the list entries, rebuilds the indexes and the title search index, restores
// the triggers, refreshes the planner's statistics and hands the connection back with the
// store's usual settings.
func (w *bulkWriter) Close(ctx context.Context) error {
	defer w.conn.Close()
	if w.batches != nil {
		close(w.batches)
		if err := <-w.failed; err != nil {
			return err
		}
	}
	steps := append(append(listingsFromThreads, w.deferred...), rebuildSearch,
		`PRAGMA analysis_limit = 1000`, `ANALYZE`, `PRAGMA wal_checkpoint(TRUNCATE)`,
		`PRAGMA journal_mode = WAL`, `PRAGMA synchronous = NORMAL`, `PRAGMA cache_size = -16000`, `PRAGMA foreign_keys = ON`)
	for _, q := range steps {
		if _, err := w.conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("finish bulk load: %s: %w", q, err)
		}
	}
	return nil
}

func (w *bulkWriter) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
