package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"sync"

	"github.com/parley-forum/parley/sqlstore"
)

// db is the store's database as package sqlstore uses it: the read pool behind a cache of
// prepared statements, and the one write connection. It translates the store's SQL as it
// goes (see translate).
type db struct {
	write, read *sql.DB

	// stmts caches prepared read statements by their SQL: parsing a query costs about as
	// much as running one of the list queries, and the set of queries is small and fixed.
	stmts sync.Map // string → *sql.Stmt
	// sqls caches translations, for statements run in transactions.
	sqls sync.Map // string → string
}

func (d *db) Reader(context.Context) sqlstore.Querier { return reader{d} }

// InTx runs fn in a transaction on the write connection, which takes the database's lock
// at BEGIN (_txlock=immediate), so nothing fn reads can change before it commits.
func (d *db) InTx(ctx context.Context, fn func(sqlstore.Querier) error) error {
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(txQuerier{d, tx}); err != nil {
		return err
	}
	return tx.Commit()
}

func (d *db) close() error {
	d.stmts.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	return nil
}

// sql returns the SQLite form of a store statement, translated once.
func (d *db) sql(query string) string {
	if s, ok := d.sqls.Load(query); ok {
		return s.(string)
	}
	s := translate(query)
	d.sqls.Store(query, s)
	return s
}

func (d *db) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if stmt, ok := d.stmts.Load(query); ok {
		return stmt.(*sql.Stmt), nil
	}
	stmt, err := d.read.PrepareContext(ctx, d.sql(query))
	if err != nil {
		return nil, err
	}
	if prev, loaded := d.stmts.LoadOrStore(query, stmt); loaded {
		stmt.Close()
		return prev.(*sql.Stmt), nil
	}
	return stmt, nil
}

// reader runs reads on the read pool through the statement cache.
type reader struct{ d *db }

func (r reader) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	stmt, err := r.d.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := stmt.QueryContext(ctx, args...)
	return wrapRows(rows, err)
}

func (r reader) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	stmt, err := r.d.stmt(ctx, query)
	if err != nil {
		return errRow{err}
	}
	return stmt.QueryRowContext(ctx, args...)
}

func (r reader) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := r.d.read.ExecContext(ctx, r.d.sql(query), args...)
	return affected(res, err)
}

// txQuerier runs statements in a write transaction, or on the write connection outside
// one (migrating, bulk loading).
type txQuerier struct {
	d  *db
	tx runner
}

// runner is a *sql.Tx, *sql.Conn or *sql.DB.
type runner interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (t txQuerier) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	return wrapRows(t.tx.QueryContext(ctx, t.d.sql(query), args...))
}

func (t txQuerier) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return t.tx.QueryRowContext(ctx, t.d.sql(query), args...)
}

func (t txQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return affected(t.tx.ExecContext(ctx, t.d.sql(query), args...))
}

func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// rows adapts *sql.Rows, whose Close returns an error that Err reports as well.
type rows struct{ *sql.Rows }

func (r rows) Close() { r.Rows.Close() }

func wrapRows(r *sql.Rows, err error) (sqlstore.Rows, error) {
	if err != nil {
		return nil, err
	}
	return rows{r}, nil
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// translate turns the store's SQL, written as PostgreSQL takes it, into SQLite's: $n
// placeholders become ?n, and the literals true and false become 1 and 0, which is what
// SQLite stores for them, so that a condition such as "pinned = false" matches the partial
// indexes the schema declares with "pinned = 0". Quoted text, identifiers and comments are
// kept.
func translate(query string) string {
	var b strings.Builder
	b.Grow(len(query))
	for i := 0; i < len(query); {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(query[i+1:], c)
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end+2])
			i += end + 2
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end+1])
			i += end + 1
		case c == '$' && i+1 < len(query) && isDigit(query[i+1]):
			b.WriteByte('?')
			i++
		case isWordStart(c) && (i == 0 || !isWordByte(query[i-1])):
			j := i
			for j < len(query) && isWordByte(query[j]) {
				j++
			}
			switch word := query[i:j]; strings.ToLower(word) {
			case "true":
				b.WriteByte('1')
			case "false":
				b.WriteByte('0')
			default:
				b.WriteString(word)
			}
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

func isDigit(c byte) bool     { return '0' <= c && c <= '9' }
func isWordStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isWordByte(c byte) bool  { return isWordStart(c) || isDigit(c) }
