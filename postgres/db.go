package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
)

// db is the store's database as package sqlstore uses it: the primary, and a replica for
// reads when there is one. pgx prepares and caches each statement on each connection.
type db struct {
	primary, replica *pgxpool.Pool
}

// Reader is the replica, if there is one, unless ctx asks for the primary.
func (d *db) Reader(ctx context.Context) sqlstore.Querier {
	pool := d.replica
	if pool == nil || parley.ReadsPrimary(ctx) {
		pool = d.primary
	}
	if sqlstore.PlansByValue(ctx) {
		return byValue{reader{querier{pool}}}
	}
	return reader{querier{pool}}
}

// maxAttempts bounds how often a transaction is tried when PostgreSQL aborts it as a
// deadlock victim or a serialization failure. The store's transactions take row locks in
// one order (threads before their list entries, tags by id), so these are rare; a retry is
// the remedy PostgreSQL's documentation gives for them.
const maxAttempts = 3

// InTx runs fn in one transaction on the primary, again when PostgreSQL advises it.
func (d *db) InTx(ctx context.Context, fn func(sqlstore.Querier) error) error {
	for attempt := 1; ; attempt++ {
		err := pgx.BeginTxFunc(ctx, d.primary, pgx.TxOptions{}, func(tx pgx.Tx) error {
			return fn(querier{tx})
		})
		if attempt < maxAttempts && retryable(err) {
			continue
		}
		if notText(err) {
			return parley.Invalid("", "The text holds a NUL character or bytes that are not UTF-8, which cannot be stored.")
		}
		return err
	}
}

// pgxQuerier is a pool or a transaction.
type pgxQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// querier runs the store's statements, which are PostgreSQL's already, through pgx.
type querier struct{ q pgxQuerier }

func (q querier) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	rows, err := q.q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func (q querier) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return row{q.q.QueryRow(ctx, query, args...)}
}

func (q querier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := q.q.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

// QueryBatch sends the queries in one round trip (pgx's pipeline) and reads their results
// in order.
func (q querier) QueryBatch(ctx context.Context, queries []sqlstore.Query, read func(int, sqlstore.Rows) error) error {
	var b pgx.Batch
	for _, query := range queries {
		b.Queue(query.SQL, query.Args...)
	}
	results := q.q.SendBatch(ctx, &b)
	for i := range queries {
		rows, err := results.Query()
		if err == nil {
			err = read(i, rows)
			rows.Close()
		}
		if err != nil {
			results.Close()
			return err
		}
	}
	return results.Close()
}

// row reports pgx's "no rows" as database/sql's, which the store checks for.
type row struct{ pgx.Row }

func (r row) Scan(dest ...any) error {
	err := r.Row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}

// reader runs reads. A key that is not text (a NUL byte, bytes that are not UTF-8), which
// PostgreSQL refuses to compare, names nothing stored: looking it up finds no row, as on
// SQLite. Within a transaction the refusal stands, since it aborts the transaction.
type reader struct{ querier }

func (r reader) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return readRow{r.querier.QueryRow(ctx, query, args...)}
}

type readRow struct{ sqlstore.Row }

func (r readRow) Scan(dest ...any) error {
	err := r.Row.Scan(dest...)
	if notText(err) {
		return sql.ErrNoRows
	}
	return err
}

// byValue runs reads with their values written into the statement (pgx's simple
// protocol), unprepared, so that PostgreSQL plans each for its values rather than using
// the plan it made once for any (sqlstore.PlanByValue). It sends no batches: a batch goes
// with the connection's prepared statements.
type byValue struct{ r reader }

func (b byValue) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	return b.r.Query(ctx, query, withValues(args)...)
}

func (b byValue) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return b.r.QueryRow(ctx, query, withValues(args)...)
}

func (b byValue) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return b.r.Exec(ctx, query, withValues(args)...)
}

func withValues(args []any) []any {
	return append([]any{pgx.QueryExecModeSimpleProtocol}, args...)
}
