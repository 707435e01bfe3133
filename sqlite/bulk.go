package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
)

// bulkSink loads a forum over one dedicated connection with durability relaxed: a load
// that dies half-way leaves a database to delete, not one to trust, so fsyncs buy nothing.
type bulkSink struct {
	txQuerier
	conn *sql.Conn
	// deferred holds the CREATE statements of the indexes on the tables a bulk load fills:
	// they are dropped while it runs and made again at the end. Building an index once is
	// several times faster than keeping it.
	deferred []string
	finished bool // Finish restored the connection's settings
}

// Bulk returns a writer that loads a whole forum into this empty store. The load holds
// the one write connection throughout, so a second load waits for it and then finds the
// store full.
func (s *Store) Bulk(ctx context.Context) (parley.BulkWriter, error) {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	sink := &bulkSink{txQuerier: txQuerier{conn}, conn: conn}
	// The load's temporary tables (the search entries waiting for Close) go to a file, and
	// pages are read into the cache rather than mapped: held in memory, both grow with the
	// forum, to gigabytes of resident memory for a million threads. Setting temp_store
	// drops the temporary tables, so it comes before the load makes them.
	if err := sqlstore.ExecScript(ctx, sink, `PRAGMA temp_store = FILE`, `PRAGMA mmap_size = 0`); err != nil {
		sink.Abandon()
		return nil, err
	}
	return s.BulkLoad(ctx, sink)
}

func (b *bulkSink) Start(ctx context.Context) error {
	// Without a journal each page is written once instead of twice. Leaving WAL mode needs
	// the only connection to the file; when a reader is open the load stays in WAL mode,
	// slower but just as correct.
	b.conn.ExecContext(ctx, `PRAGMA journal_mode = OFF`)
	if err := sqlstore.ExecScript(ctx, b, `PRAGMA synchronous = OFF`, `PRAGMA cache_size = -262144`, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	rows, err := b.conn.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL
		AND type = 'index' AND tbl_name IN ('threads', 'thread_tags', 'thread_links', 'thread_listings', 'posts', 'revisions', 'boosts')`)
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
		drops, b.deferred = append(drops, `DROP `+typ+` `+name), append(b.deferred, ddl)
	}
	rows.Close()
	return sqlstore.ExecScript(ctx, b, drops...)
}

// Write inserts the rows in one transaction, with a prepared statement per table.
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
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO `+t.Table+` (`+strings.Join(t.Columns, ", ")+`) VALUES (?`+
		strings.Repeat(", ?", len(t.Columns)-1)+`)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, row := range t.Rows {
		if _, err := stmt.ExecContext(ctx, row...); err != nil {
			return fmt.Errorf("%s %v: %w", t.Table, row[0], err)
		}
	}
	return nil
}

// Finish rebuilds the indexes, refreshes the planner's statistics and puts back the
// store's usual settings.
func (b *bulkSink) Finish(ctx context.Context) error {
	steps := append(b.deferred, `PRAGMA analysis_limit = 1000`, `ANALYZE`, `PRAGMA wal_checkpoint(TRUNCATE)`)
	for _, p := range connPragmas {
		steps = append(steps, `PRAGMA `+p)
	}
	if err := sqlstore.ExecScript(ctx, b, steps...); err != nil {
		return fmt.Errorf("finish bulk load: %w", err)
	}
	b.finished = true
	return nil
}

// Abandon hands the connection back. A load that failed leaves what it wrote: the
// database is one to delete (see bulkSink). Its connection, still without journal nor
// foreign key checks, is closed rather than left to the store's later writes.
func (b *bulkSink) Abandon() {
	if !b.finished {
		b.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	b.conn.Close()
}
