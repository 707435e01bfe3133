package sqlite

import (
	"context"
	"database/sql"
	"sync"

	"github.com/parley-forum/parley/sqlstore"
)

// db is the store's database as package sqlstore uses it: the read pool behind a cache of
// prepared statements, and the one write connection. The store's SQL runs as written:
// SQLite reads true and false as 1 and 0, and the driver binds $n to the nth argument.
type db struct {
	write, read *sql.DB

	// stmts caches prepared read statements by their SQL: parsing a query costs about as
	// much as running one of the list queries, and the set of queries is small and fixed.
	stmts sync.Map // string → *sql.Stmt
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
	if err := fn(txQuerier{tx}); err != nil {
		return err
	}
	return tx.Commit()
}

func (d *db) close() error {
	d.stmts.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	return nil
}

func (d *db) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if stmt, ok := d.stmts.Load(query); ok {
		return stmt.(*sql.Stmt), nil
	}
	stmt, err := d.read.PrepareContext(ctx, query)
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
	res, err := r.d.read.ExecContext(ctx, query, args...)
	return affected(res, err)
}

// txQuerier runs statements in a write transaction, or on the write connection outside
// one (migrating, bulk loading).
type txQuerier struct{ tx runner }

// runner is a *sql.Tx, *sql.Conn or *sql.DB.
type runner interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (t txQuerier) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	return wrapRows(t.tx.QueryContext(ctx, query, args...))
}

func (t txQuerier) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return t.tx.QueryRowContext(ctx, query, args...)
}

func (t txQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return affected(t.tx.ExecContext(ctx, query, args...))
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
