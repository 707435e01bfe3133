package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
)

// bulkSink loads a forum over one dedicated connection, with syncs off and the indexes of
// the tables it fills dropped until the end. A load is complete or taken back whole, though
// it is many transactions:
//
//   - Start marks the load in bulk_loads, with the indexes it drops, in the transaction
//     that drops them, before any row is written. Finish removes the mark as its last
//     write, once the indexes are made again: the mark is there exactly while the
//     database holds a load that is not usable.
//   - A load that fails, or that its caller abandons, is taken back by Abandon
//     (clearLoad): the tables it fills are emptied, since the load found them empty
//     (sqlstore.BulkLoad refuses a forum with threads, and the imports one with topics,
//     tags or users), and the indexes are made again, in one transaction that also
//     removes the mark.
//   - A load whose process was killed leaves its mark. Open refuses such a database,
//     saying how to go on, unless asked to clear it (Options.ClearInterruptedLoad, which
//     the commands that load ask for): running the load again takes the part back first.
//
// Every transaction of the load is journaled (WAL, or a rollback journal when the load has
// the file to itself), so that a kill in the middle of one leaves the database as it was
// before it, never a damaged file: the database rolls the transaction back on the next
// open, and clearLoad finds whole tables to empty. A journal costs little here: a load
// appends pages, and pages past the end of the file at a transaction's start are not
// journaled. Syncs are off, since a power loss during a load leaves a load to run again
// anyway.
type bulkSink struct {
	txQuerier
	conn *sql.Conn
	pool *sql.DB // the write pool conn comes from, for taking a load back
	now  time.Time
	// deferred holds the indexes on the tables a bulk load fills: they are dropped while it
	// runs and made again at the end. Building an index once is several times faster than
	// keeping it.
	deferred []droppedIndex
	marked   bool // Start wrote the mark: what was written must be taken back or finished
	finished bool // Finish made the forum usable and restored the connection's settings
}

// droppedIndex is an index a load dropped: its name and the statement that makes it.
type droppedIndex [2]string

// Bulk returns a writer that loads a whole forum into this empty store. The load holds
// the one write connection throughout, so a second load waits for it and then finds the
// store full.
func (s *Store) Bulk(ctx context.Context) (parley.BulkWriter, error) {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	sink := &bulkSink{txQuerier: txQuerier{conn}, conn: conn, pool: s.write, now: s.Now()}
	// The load's temporary tables (the search entries waiting for Close) go to a file, and
	// pages are read into the cache rather than mapped: held in memory, both grow with the
	// forum, to gigabytes of resident memory for a million threads. Setting temp_store
	// drops the temporary tables, so it comes before the load makes them.
	if err := sqlstore.ExecScript(ctx, sink, `PRAGMA temp_store = FILE`, `PRAGMA mmap_size = 0`); err != nil {
		sink.Abandon(ctx)
		return nil, err
	}
	return s.BulkLoad(ctx, sink)
}

func (b *bulkSink) Start(ctx context.Context) error {
	// A rollback journal writes less than WAL, which writes each page twice. Leaving WAL
	// mode needs the only connection to the file; when a reader is open the load stays in
	// WAL mode, slower but just as safe.
	b.conn.ExecContext(ctx, `PRAGMA journal_mode = TRUNCATE`)
	steps := append([]string{`PRAGMA synchronous = OFF`, `PRAGMA cache_size = -262144`, `PRAGMA foreign_keys = OFF`}, ftsHashSize(16<<20)...)
	if err := sqlstore.ExecScript(ctx, b, steps...); err != nil {
		return err
	}
	indexes, err := loadIndexes(ctx, b.conn)
	if err != nil {
		return err
	}
	marked, err := json.Marshal(indexes)
	if err != nil {
		return err
	}
	tx, err := b.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO bulk_loads (id, started_at, indexes) VALUES (1, ?, ?)`,
		parley.Millis(b.now), string(marked)); err != nil {
		return fmt.Errorf("mark the bulk load: %w", err)
	}
	for _, ix := range indexes {
		if _, err := tx.ExecContext(ctx, `DROP INDEX `+ix[0]); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	b.marked, b.deferred = true, indexes
	return nil
}

// FTS5 gathers new entries in memory and writes them out as a segment of the index
// whenever they pass its hash size, merging segments as they pile up. A load's batches
// are indexed with 16 MB rather than FTS5's usual 1 MB (defaultHashSize), which makes a
// segment of each batch rather than several to merge (indexing a 100,000-thread forum in
// one statement took a third less time with it). The size is stored with the index, so
// the load puts it back. It returns the statements for each FTS5 index (ftsTables).
func ftsHashSize(bytes int) []string {
	var stmts []string
	for _, table := range ftsTables {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO %s (%[1]s, rank) VALUES ('hashsize', %d)`, table, bytes))
	}
	return stmts
}

// ftsTables are the full-text indexes, which a load fills.
var ftsTables = []string{"post_fts", "title_fts"}

const defaultHashSize = 1 << 20

// loadIndexes returns the indexes on the tables a load fills, but posts_by_thread: a load
// writes threads in order of id, each with its posts, so that index's entries come in its
// order and are appended as they come, where building it at the end read the largest
// table of the forum once more.
func loadIndexes(ctx context.Context, conn *sql.Conn) ([]droppedIndex, error) {
	rows, err := conn.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL
		AND type = 'index' AND tbl_name IN ('threads', 'thread_tags', 'thread_links', 'thread_listings', 'posts', 'revisions', 'boosts', 'badges')
		AND name <> 'posts_by_thread'
		ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []droppedIndex
	for rows.Next() {
		var ix droppedIndex
		if err := rows.Scan(&ix[0], &ix[1]); err != nil {
			return nil, err
		}
		out = append(out, ix)
	}
	return out, rows.Err()
}

// Write inserts the rows in one transaction, many to a statement but into the full-text
// indexes (newInserter).
func (b *bulkSink) Write(ctx context.Context, tables []sqlstore.TableRows) error {
	tx, err := b.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range tables {
		if err := insertRows(ctx, tx, t); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func insertRows(ctx context.Context, tx *sql.Tx, t sqlstore.TableRows) error {
	if len(t.Rows) == 0 {
		return nil
	}
	batch := insertBatch
	if slices.Contains(ftsTables, t.Table) {
		batch = 1
	}
	in, err := newInserter(ctx, tx, `INSERT INTO `+t.Table+` (`+strings.Join(t.Columns, ", ")+`) VALUES (?`+
		strings.Repeat(", ?", len(t.Columns)-1)+`)`, batch)
	if err != nil {
		return err
	}
	defer in.Close()
	for _, row := range t.Rows {
		if err := in.Add(ctx, row...); err != nil {
			return fmt.Errorf("%s %w", t.Table, err)
		}
	}
	if err := in.Flush(ctx); err != nil {
		return fmt.Errorf("%s %w", t.Table, err)
	}
	return nil
}

// Finish rebuilds the indexes, refreshes the planner's statistics, removes the load's mark
// and puts back the store's usual settings.
func (b *bulkSink) Finish(ctx context.Context) error {
	var steps []string
	for _, ix := range b.deferred {
		steps = append(steps, ix[1])
	}
	steps = append(append(steps, ftsHashSize(defaultHashSize)...), `PRAGMA analysis_limit = 1000`, `ANALYZE`, `DELETE FROM bulk_loads`,
		`PRAGMA wal_checkpoint(TRUNCATE)`)
	for _, p := range connPragmas {
		steps = append(steps, `PRAGMA `+p)
	}
	if err := sqlstore.ExecScript(ctx, b, steps...); err != nil {
		return fmt.Errorf("finish bulk load: %w", err)
	}
	b.finished = true
	return nil
}

// Abandon hands the connection back and takes back a load that did not finish
// (clearLoad). The connection of a load that did not finish is closed rather than left to
// the store's later writes: it may check no foreign keys, and a write that its cancelled
// context stopped may still be rolling back. Closing it waits for that; the load is then
// taken back on a fresh connection.
func (b *bulkSink) Abandon(ctx context.Context) error {
	if b.finished {
		return b.conn.Close()
	}
	b.conn.Raw(func(any) error { return driver.ErrBadConn })
	b.conn.Close()
	if !b.marked {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	conn, err := b.pool.Conn(ctx)
	if err == nil {
		err = clearLoad(ctx, conn)
		conn.Close()
	}
	if err != nil {
		return fmt.Errorf("%w, and taking it back failed: %w", parley.ErrInterruptedLoad, err)
	}
	return nil
}

// loadMark returns when the load that the database holds part of began, or false when it
// holds none.
func loadMark(ctx context.Context, conn *sql.Conn) (time.Time, bool, error) {
	var started int64
	err := conn.QueryRowContext(ctx, `SELECT started_at FROM bulk_loads`).Scan(&started)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	return parley.FromMillis(started), err == nil, err
}

// clearLoad takes back the load that the database holds part of, in one transaction: it
// empties the tables loads fill, which the load found empty, makes again the indexes it
// dropped and removes its mark.
func clearLoad(ctx context.Context, conn *sql.Conn) error {
	var marked string
	if err := conn.QueryRowContext(ctx, `SELECT indexes FROM bulk_loads`).Scan(&marked); err != nil {
		return fmt.Errorf("read the load's mark: %w", err)
	}
	var dropped []droppedIndex
	if err := json.Unmarshal([]byte(marked), &dropped); err != nil {
		return fmt.Errorf("read the load's mark: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The tables are emptied children first, but the rows of a load may point anywhere:
	// references are checked once, at the commit, when none is left.
	steps := []string{`PRAGMA defer_foreign_keys = ON`}
	for _, t := range sqlstore.LoadedTables {
		steps = append(steps, `DELETE FROM `+t)
	}
	for _, table := range ftsTables {
		steps = append(steps, fmt.Sprintf(`INSERT INTO %s (%[1]s) VALUES ('delete-all')`, table))
	}
	steps = append(steps, ftsHashSize(defaultHashSize)...)
	for _, ix := range dropped {
		steps = append(steps, strings.Replace(ix[1], " INDEX ", " INDEX IF NOT EXISTS ", 1))
	}
	for _, q := range append(steps, `DELETE FROM bulk_loads`) {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return tx.Commit()
}

// checkLoad refuses a database that holds part of a load, saying how to go on, or takes
// the part back when clear.
func checkLoad(ctx context.Context, write *sql.DB, path string, clear bool) error {
	conn, err := write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	started, found, err := loadMark(ctx, conn)
	if err != nil || !found {
		return err
	}
	if !clear {
		return fmt.Errorf("%w: %s holds part of an import or demo forum begun at %s, and serves nothing until it is cleared: "+
			"run the same import or demo again, which clears the part first, or delete the file with its -wal and -shm files",
			parley.ErrInterruptedLoad, path, started.UTC().Format(time.DateTime+" UTC"))
	}
	if err := clearLoad(ctx, conn); err != nil {
		return fmt.Errorf("clear the part of a bulk load that %s holds: %w", path, err)
	}
	return nil
}
