package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
)

// bulkWriter loads a forum in one transaction on one connection, with COPY: Bulk begins it,
// Close commits it, and a load that fails leaves the database as empty as it found it.
type bulkWriter struct {
	s    *Store
	conn *pgxpool.Conn
	tx   pgx.Tx
	// deferred holds the statements that make again the secondary indexes and foreign keys
	// of the tables a load fills: they are dropped while it runs and made at the end
	// (DeferIndexes).
	deferred []string

	// Batches of threads are written by one goroutine while the caller generates the
	// next, so that generating and writing overlap.
	batches chan []parley.ThreadRecord
	failed  chan error // receives the writer goroutine's result when it stops
}

// bulkTables are the tables a load fills in bulk, whose indexes and foreign keys wait.
var bulkTables = []string{"threads", "thread_tags", "thread_listings", "posts", "revisions", "boosts"}

// Bulk returns a writer that loads a whole forum into this empty store. The threads table
// is locked for the whole load, so two loads cannot both find the store empty.
func (s *Store) Bulk(ctx context.Context) (parley.BulkWriter, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		conn.Release()
		return nil, err
	}
	w := &bulkWriter{s: s, conn: conn, tx: tx}
	if err := w.start(ctx); err != nil {
		w.abandon()
		return nil, err
	}
	return w, nil
}

func (w *bulkWriter) start(ctx context.Context) error {
	if _, err := w.tx.Exec(ctx, `LOCK TABLE threads IN EXCLUSIVE MODE`); err != nil {
		return err
	}
	var any bool
	if err := w.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM threads)`).Scan(&any); err != nil {
		return err
	}
	if any {
		return parley.Errorf(parley.EConflict, "The database holds threads already; bulk loading needs an empty one.")
	}
	// A load that dies is rolled back whole, so waiting for each commit to reach the disk
	// buys nothing; index builds get memory enough to sort in one pass.
	for _, q := range []string{`SET LOCAL synchronous_commit = off`, `SET LOCAL maintenance_work_mem = '256MB'`,
		`CREATE TEMP TABLE bulk_pins (scope BIGINT NOT NULL, thread_id BIGINT NOT NULL) ON COMMIT DROP`} {
		if _, err := w.tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	deferred, err := DeferIndexes(ctx, w.tx, bulkTables)
	w.deferred = deferred
	return err
}

// DeferIndexes drops the secondary indexes and the foreign keys of tables, in the current
// schema, for a load in tx, and returns the statements that make them again, to run in tx
// once the rows are in. Building an index once from all its rows is several times faster
// than keeping it up to date row by row, and a foreign key added to full tables is checked
// by one join rather than a trigger per row. Primary keys and unique indexes stay: they
// are what a load may not break, and they are checked as rows arrive.
func DeferIndexes(ctx context.Context, tx pgx.Tx, tables []string) ([]string, error) {
	rows, err := tx.Query(ctx, `
		SELECT format('DROP INDEX %I', ic.relname), pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1)
		  AND NOT i.indisprimary AND NOT i.indisunique
		UNION ALL
		SELECT format('ALTER TABLE %I DROP CONSTRAINT %I', c.relname, k.conname),
		       format('ALTER TABLE %I ADD CONSTRAINT %I %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1)`, tables)
	type ddl struct{ Drop, Create string }
	found, err := collect(rows, err, pgx.RowToStructByPos[ddl])
	if err != nil {
		return nil, err
	}
	var rebuild []string
	for _, d := range found {
		if _, err := tx.Exec(ctx, d.Drop); err != nil {
			return nil, fmt.Errorf("%s: %w", d.Drop, err)
		}
		rebuild = append(rebuild, d.Create)
	}
	return rebuild, nil
}

// abandon rolls the load back and hands the connection back.
func (w *bulkWriter) abandon() {
	w.tx.Rollback(context.Background())
	w.conn.Release()
}

// Topics writes topics and their subtopics.
func (w *bulkWriter) Topics(ctx context.Context, topics []parley.Topic) error {
	defer w.s.ForgetCaches()
	var subs [][]any
	for _, t := range topics {
		for _, s := range t.Subtopics {
			subs = append(subs, []any{s.ID, t.ID, s.Slug, s.Name, s.Description, s.Position, s.ThreadCount})
		}
	}
	if err := w.copy(ctx, "topics", []string{"id", "slug", "name", "description", "position"}, len(topics), func(i int) []any {
		t := &topics[i]
		return []any{t.ID, t.Slug, t.Name, t.Description, t.Position}
	}); err != nil {
		return err
	}
	return w.copyRows(ctx, "subtopics", []string{"id", "topic_id", "slug", "name", "description", "position", "thread_count"}, subs)
}

// Tags writes tags.
func (w *bulkWriter) Tags(ctx context.Context, tags []parley.Tag) error {
	defer w.s.ForgetCaches()
	return w.copy(ctx, "tags", []string{"id", "slug", "name", "description", "thread_count"}, len(tags), func(i int) []any {
		t := &tags[i]
		return []any{t.ID, t.Slug, t.Name, t.Description, t.ThreadCount}
	})
}

// Users writes users.
func (w *bulkWriter) Users(ctx context.Context, users []parley.User) error {
	return w.copy(ctx, "users", []string{"id", "handle", "display_name", "role", "badge", "signature", "signature_html",
		"created_at", "thread_count", "post_count"}, len(users), func(i int) []any {
		u := &users[i]
		return []any{u.ID, u.Handle, u.DisplayName, string(u.Role), u.Badge, u.Signature, u.SignatureHTML,
			parley.Millis(u.CreatedAt), u.ThreadCount, u.PostCount}
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

// bulkColumns are the columns each table is copied with, in the order writeBatch gives them.
var bulkColumns = map[string][]string{
	"threads": {"id", "title", "subtopic_id", "topic_id", "author_id", "tag_ids", "created_at", "last_activity_at",
		"reply_count", "boost_count", "view_count", "pinned", "locked", "accepted_post_id", "staff_replied"},
	"thread_tags": {"thread_id", "tag_id"},
	"bulk_pins":   {"scope", "thread_id"},
	"posts": {"id", "thread_id", "author_id", "original", "body", "html", "created_at", "revision", "editor_id",
		"edited_at", "edit_summary", "boost_count", "staff_recommended"},
	"revisions": {"post_id", "number", "body", "editor_id", "created_at", "summary"},
	"boosts":    {"post_id", "user_id", "created_at"},
	// An attachment's id comes from its sequence, as an upload's does.
	"attachments": {"post_id", "name", "content_type", "size", "sha256", "width", "height", "lines", "created_at"},
}

// writeBatch copies a batch's rows, table by table. Attachments come after the posts
// they belong to, whose foreign key they keep during the load (they are few).
func (w *bulkWriter) writeBatch(ctx context.Context, threads []parley.ThreadRecord) error {
	rows := map[string][][]any{}
	add := func(table string, row ...any) { rows[table] = append(rows[table], row) }
	for i := range threads {
		r := &threads[i]
		t := &r.Thread
		add("threads", t.ID, t.Title, t.SubtopicID, t.TopicID, t.Author.ID, sqlstore.JoinIDs(r.TagIDs), parley.Millis(t.CreatedAt),
			parley.Millis(t.LastActivityAt), t.ReplyCount, t.BoostCount, t.ViewCount, t.Pinned, t.Locked,
			nullInt(t.AcceptedPostID), t.StaffReplied)
		for _, id := range r.TagIDs {
			add("thread_tags", t.ID, id)
		}
		for _, sc := range r.PinnedIn {
			add("bulk_pins", sc.Key(), t.ID)
		}
		for j := range r.Posts {
			pr := &r.Posts[j]
			p := &pr.Post
			var edited *int64
			if !p.EditedAt.IsZero() {
				edited = nullInt(parley.Millis(p.EditedAt))
			}
			add("posts", p.ID, p.ThreadID, p.Author.ID, p.Original, p.Body, p.HTML, parley.Millis(p.CreatedAt), p.Revision,
				nullInt(pr.EditorID), edited, pr.EditorSummary, p.BoostCount, p.StaffRecommended)
			for _, rev := range pr.Revisions {
				add("revisions", p.ID, rev.Number, rev.Body, rev.Editor.ID, parley.Millis(rev.CreatedAt), rev.Summary)
			}
			for _, u := range pr.Boosters {
				add("boosts", p.ID, u, parley.Millis(p.CreatedAt))
			}
			for _, f := range pr.Attachments {
				add("attachments", p.ID, f.Name, f.ContentType, f.Size, f.SHA256, f.Width, f.Height, f.Lines, parley.Millis(p.CreatedAt))
			}
		}
	}
	for _, table := range []string{"threads", "thread_tags", "bulk_pins", "posts", "revisions", "boosts", "attachments"} {
		if err := w.copyRows(ctx, table, bulkColumns[table], rows[table]); err != nil {
			return err
		}
	}
	return nil
}

func (w *bulkWriter) copy(ctx context.Context, table string, columns []string, n int, row func(i int) []any) error {
	if n == 0 {
		return nil
	}
	_, err := w.tx.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromSlice(n, func(i int) ([]any, error) {
		return row(i), nil
	}))
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	return nil
}

func (w *bulkWriter) copyRows(ctx context.Context, table string, columns []string, rows [][]any) error {
	return w.copy(ctx, table, columns, len(rows), func(i int) []any { return rows[i] })
}

// listingsFromThreads derives every list entry from the threads and their tags, as the
// SQLite store's bulk loader does, then marks the pins.
var listingsFromThreads = []string{
	`INSERT INTO thread_listings SELECT 0, id, created_at, last_activity_at, reply_count, boost_count, view_count,
		accepted_post_id IS NOT NULL, staff_replied, false FROM threads`,
	`INSERT INTO thread_listings SELECT (1::bigint << 40) | topic_id, id, created_at, last_activity_at, reply_count, boost_count,
		view_count, accepted_post_id IS NOT NULL, staff_replied, false FROM threads`,
	`INSERT INTO thread_listings SELECT (2::bigint << 40) | subtopic_id, id, created_at, last_activity_at, reply_count, boost_count,
		view_count, accepted_post_id IS NOT NULL, staff_replied, false FROM threads`,
	`INSERT INTO thread_listings SELECT (3::bigint << 40) | tt.tag_id, t.id, t.created_at, t.last_activity_at, t.reply_count,
		t.boost_count, t.view_count, t.accepted_post_id IS NOT NULL, t.staff_replied, false
		FROM thread_tags tt JOIN threads t ON t.id = tt.thread_id`,
	`UPDATE thread_listings l SET pinned = true FROM bulk_pins p WHERE l.scope = p.scope AND l.thread_id = p.thread_id`,
}

// afterLoad moves each id sequence past the ids the load wrote, so the next record made
// one by one gets the next id, and refreshes the planner's statistics.
var afterLoad = []string{
	`SELECT setval(pg_get_serial_sequence('topics', 'id'), max(id)) FROM topics`,
	`SELECT setval(pg_get_serial_sequence('subtopics', 'id'), max(id)) FROM subtopics`,
	`SELECT setval(pg_get_serial_sequence('tags', 'id'), max(id)) FROM tags`,
	`SELECT setval(pg_get_serial_sequence('users', 'id'), max(id)) FROM users`,
	`SELECT setval(pg_get_serial_sequence('threads', 'id'), max(id)) FROM threads`,
	`SELECT setval(pg_get_serial_sequence('posts', 'id'), max(id)) FROM posts`,
	`ANALYZE topics, subtopics, tags, users, threads, thread_tags, thread_listings, posts, revisions, boosts, attachments`,
}

// Close derives the list entries, builds the indexes and foreign keys again, moves the id
// sequences on and commits the load. Building the indexes once at the end rather than
// keeping them during the load halves its time (BenchmarkBulkDemo: 8.8 s against 4.5 s for
// 20,000 threads and 100,000 posts).
func (w *bulkWriter) Close(ctx context.Context) error {
	defer w.s.ForgetCaches()
	defer w.s.ForgetCaches()
	defer w.abandon() // after a commit, the rollback does nothing
	if w.batches != nil {
		close(w.batches)
		if err := <-w.failed; err != nil {
			return err
		}
	}
	steps := append(append(append([]string{}, listingsFromThreads...), w.deferred...), afterLoad...)
	for _, q := range steps {
		if _, err := w.tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("finish bulk load: %s: %w", q, err)
		}
	}
	if err := w.tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit bulk load: %w", err)
	}
	// Vacuuming marks the list entries' pages all-visible, so that list pages are read
	// from the indexes alone from the first request rather than once autovacuum has run.
	if _, err := w.conn.Exec(ctx, `VACUUM thread_listings`); err != nil {
		return fmt.Errorf("vacuum after bulk load: %w", err)
	}
	return nil
}
