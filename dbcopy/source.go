package dbcopy

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/schema"
	"github.com/parley-forum/parley/sqlite"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// source is the forum being copied, read in one snapshot: what it holds does not change
// while it is read, even if a server keeps writing to it.
type source interface {
	// tables returns every table to copy with its columns, in their order; a store's own
	// bookkeeping (migrations, SQLite's search index) is left out.
	tables(ctx context.Context) (map[string][]string, error)
	count(ctx context.Context, table string) (int64, error)
	rows(ctx context.Context, table string, columns []string) (rowReader, error)
	// query runs any query in the snapshot.
	query(ctx context.Context, query string) (rowReader, error)
	// migrations returns the migrations this parley's store of the source's kind applies,
	// and the command that applies them to the source.
	migrations() (all []schema.Migration, migrate string, err error)
	close() error
}

// rowReader is the rows of one table; pgx.Rows is one.
type rowReader interface {
	Next() bool
	Values() ([]any, error)
	Err() error
	Close()
}

// ignored are tables no copy carries: each store records its own migrations, and the
// target has applied its own before the copy; rate-limit buckets only slow the next few
// requests, and starting them full is what a restart does anyway; the full-text index
// (post_search, post_pairs and title_search on PostgreSQL, with search_state saying what
// it holds; SQLite's are virtual tables, which no copy reads) is derived from the posts:
// after a copy the target's is rebuilt from the posts it received. A mark
// of a bulk load (bulk_loads) is never copied: a source that holds one is refused
// (checkLoad), and the target's is its own.
var ignored = map[string]bool{"schema_migrations": true, "rate_limits": true, "post_search": true, "post_pairs": true,
	"title_search": true, "search_state": true, "bulk_loads": true}

// isPostgres reports whether from names a PostgreSQL database rather than a SQLite file.
func isPostgres(from string) bool {
	return strings.HasPrefix(from, "postgres://") || strings.HasPrefix(from, "postgresql://")
}

// openSource opens the SQLite file (or the data folder holding parley.db) or PostgreSQL
// database from names, read-only, and checks it has every migration this parley knows
// and no other. The source is not migrated: a copy never writes to it, and upgrading a
// forum's schema is the operator's step, with parley migrate.
func openSource(ctx context.Context, from string) (source, error) {
	var src source
	var err error
	if isPostgres(from) {
		src, err = openPostgres(ctx, from)
	} else {
		src, err = openSQLite(ctx, from)
	}
	if err != nil {
		return nil, err
	}
	if err := checkMigrations(ctx, src); err != nil {
		src.close()
		return nil, err
	}
	if err := checkLoad(ctx, src); err != nil {
		src.close()
		return nil, err
	}
	return src, nil
}

// checkLoad refuses a source that holds part of a bulk load that never finished, which
// its store would refuse to serve.
func checkLoad(ctx context.Context, src source) error {
	rows, err := src.rows(ctx, "bulk_loads", []string{"started_at"})
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		return fmt.Errorf("--from: %w: it holds part of an import or demo forum; run that again to finish it, then copy", parley.ErrInterruptedLoad)
	}
	return rows.Err()
}

// checkMigrations refuses a source whose schema is not the one this parley would make.
func checkMigrations(ctx context.Context, src source) error {
	all, migrate, err := src.migrations()
	if err != nil {
		return err
	}
	var applied []int
	rows, err := src.rows(ctx, "schema_migrations", []string{"version"})
	if err == nil {
		for rows.Next() {
			var vals []any
			if vals, err = rows.Values(); err != nil {
				break
			}
			var v any
			if v, err = normalise(kindInt, vals[0]); err != nil || v == nil {
				err = cmp.Or(err, errors.New("a NULL schema_migrations.version"))
				break
			}
			applied = append(applied, int(v.(int64)))
		}
		rows.Close()
		err = cmp.Or(err, rows.Err())
	}
	if err != nil {
		return fmt.Errorf("--from does not hold a parley forum: %w", err)
	}
	pending, err := schema.Pending(all, applied)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	if len(pending) > 0 {
		return fmt.Errorf("--from lacks %d of this parley's migrations (the first is %s): run %s first",
			len(pending), pending[0].Name, migrate)
	}
	return nil
}

// sqliteSource reads a SQLite file in one read transaction.
type sqliteSource struct {
	db   *sql.DB
	tx   *sql.Tx
	path string
}

func openSQLite(ctx context.Context, path string) (source, error) {
	if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("--from %s: %w", path, err)
	} else if fi.IsDir() {
		path = filepath.Join(path, "parley.db")
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("--from: %w", err)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(ON)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	// A read transaction sees the file as it was at its first read, whatever is written
	// after; WAL mode lets a running server go on writing meanwhile.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &sqliteSource{db: db, tx: tx, path: path}, nil
}

func (s *sqliteSource) migrations() ([]schema.Migration, string, error) {
	all, err := sqlite.Migrations()
	return all, "parley migrate --data " + filepath.Dir(s.path), err
}

func (s *sqliteSource) tables(ctx context.Context) (map[string][]string, error) {
	// table_list's type leaves out the search index, a virtual table, and its shadow tables.
	rows, err := s.tx.QueryContext(ctx, `
		SELECT t.name, c.name FROM pragma_table_list AS t, pragma_table_info(t.name) AS c
		WHERE t.schema = 'main' AND t.type = 'table' AND t.name NOT LIKE 'sqlite\_%' ESCAPE '\'
		ORDER BY t.name, c.cid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			return nil, err
		}
		if !ignored[table] {
			out[table] = append(out[table], column)
		}
	}
	out["blobs"] = blobColumns
	return out, rows.Err()
}

func (s *sqliteSource) count(ctx context.Context, table string) (n int64, err error) {
	query := `SELECT count(*) FROM ` + quote(table)
	if table == "blobs" {
		query = `SELECT count(DISTINCT sha256) FROM attachments`
	}
	err = s.tx.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}

func (s *sqliteSource) rows(ctx context.Context, table string, columns []string) (rowReader, error) {
	if table == "blobs" {
		return s.blobRows(ctx, columns)
	}
	return s.query(ctx, `SELECT `+quoteAll(columns)+` FROM `+quote(table))
}

func (s *sqliteSource) query(ctx context.Context, query string) (rowReader, error) {
	rows, err := s.tx.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	columns, err := rows.Columns()
	if err != nil {
		rows.Close()
		return nil, err
	}
	r := &sqlRows{Rows: rows, vals: make([]any, len(columns)), ptrs: make([]any, len(columns))}
	for i := range r.vals {
		r.ptrs[i] = &r.vals[i]
	}
	return r, nil
}

func (s *sqliteSource) close() error {
	s.tx.Rollback()
	return s.db.Close()
}

// sqlRows is a rowReader over database/sql's rows.
type sqlRows struct {
	*sql.Rows
	vals, ptrs []any
}

func (r *sqlRows) Values() ([]any, error) {
	if err := r.Scan(r.ptrs...); err != nil {
		return nil, err
	}
	return r.vals, nil
}

func (r *sqlRows) Close() { r.Rows.Close() }

// postgresSource reads a PostgreSQL database in one repeatable-read transaction, whose
// snapshot holds for all of it.
type postgresSource struct {
	conn *pgx.Conn
	tx   pgx.Tx
	url  string
}

func openPostgres(ctx context.Context, url string) (source, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("--from: %w", err)
	}
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		conn.Close(ctx)
		return nil, err
	}
	return &postgresSource{conn: conn, tx: tx, url: url}, nil
}

func (s *postgresSource) migrations() ([]schema.Migration, string, error) {
	all, err := postgres.Migrations()
	return all, "parley migrate --database-url " + redact(s.url), err
}

func (s *postgresSource) tables(ctx context.Context) (map[string][]string, error) {
	cols, err := columnsOf(ctx, s.tx)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for table, cs := range cols {
		for _, c := range cs {
			if !c.generated {
				out[table] = append(out[table], c.name)
			}
		}
	}
	return out, nil
}

func (s *postgresSource) count(ctx context.Context, table string) (n int64, err error) {
	err = s.tx.QueryRow(ctx, `SELECT count(*) FROM `+quote(table)).Scan(&n)
	return n, err
}

func (s *postgresSource) rows(ctx context.Context, table string, columns []string) (rowReader, error) {
	return s.tx.Query(ctx, `SELECT `+quoteAll(columns)+` FROM `+quote(table))
}

func (s *postgresSource) query(ctx context.Context, query string) (rowReader, error) {
	return s.tx.Query(ctx, query)
}

func (s *postgresSource) close() error {
	ctx := context.Background()
	s.tx.Rollback(ctx)
	return s.conn.Close(ctx)
}

// column is a target column, as information_schema describes it.
type column struct {
	name      string
	dataType  string // information_schema's data_type
	udtName   string // the element type of an ARRAY, as _int8
	generated bool   // GENERATED ALWAYS AS (…) STORED: PostgreSQL computes it
	identity  bool   // an identity column, whose sequence the copy moves on
}

// columnsOf returns the columns of every table in the current schema but the ignored ones.
func columnsOf(ctx context.Context, tx pgx.Tx) (map[string][]column, error) {
	rows, err := tx.Query(ctx, `
		SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.is_generated = 'ALWAYS', c.is_identity = 'YES'
		FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]column{}
	for rows.Next() {
		var table string
		var c column
		if err := rows.Scan(&table, &c.name, &c.dataType, &c.udtName, &c.generated, &c.identity); err != nil {
			return nil, err
		}
		if !ignored[table] {
			out[table] = append(out[table], c)
		}
	}
	return out, rows.Err()
}

func quote(name string) string { return pgx.Identifier{name}.Sanitize() }

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// redact returns a database URL without its password, for messages.
func redact(s string) string {
	if u, err := url.Parse(s); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	return "the PostgreSQL database"
}
