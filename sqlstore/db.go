package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// Querier runs statements on a pool or within one transaction. Queries are written in
// PostgreSQL's form ($1 placeholders, true and false); a database that speaks otherwise
// translates them (see DB).
type Querier interface {
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// QueryRow runs a query for one row; Scan reports sql.ErrNoRows when there is none.
	QueryRow(ctx context.Context, query string, args ...any) Row
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
}

// Rows is a query's result, read one row at a time.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Row is the one row QueryRow asked for.
type Row interface {
	Scan(dest ...any) error
}

// DB is a database as the store uses it: where reads go, and how a write transaction runs.
type DB interface {
	// Reader returns where a read goes: a pool of read connections or a replica, or the
	// primary when ctx asks for it (parley.ReadPrimary).
	Reader(ctx context.Context) Querier
	// InTx runs fn in one write transaction and commits when fn returns nil. It may run fn
	// again when the database aborted the transaction and advises a retry, so fn must
	// keep nothing from one run to the next.
	InTx(ctx context.Context, fn func(tx Querier) error) error
}

// planByValue is the context key PlanByValue sets.
type planByValue struct{}

// PlanByValue marks ctx's reads as ones whose best plan depends on the values they are
// given, as a full-text search's does on how common its words are. A database that plans a
// statement once for any values (PostgreSQL; see postgres.Open) plans these for theirs
// every time.
func PlanByValue(ctx context.Context) context.Context {
	return context.WithValue(ctx, planByValue{}, true)
}

// PlansByValue reports whether ctx was marked with PlanByValue.
func PlansByValue(ctx context.Context) bool {
	by, _ := ctx.Value(planByValue{}).(bool)
	return by
}

// Query is one statement and its arguments, for readBatch.
type Query struct {
	SQL  string
	Args []any
}

// A Batcher sends several reads to the database in one round trip, and hands their rows to
// read one query after another. A Querier that is not one (SQLite, in the process, has no
// round trip to save) runs them in turn.
type Batcher interface {
	QueryBatch(ctx context.Context, queries []Query, read func(i int, rows Rows) error) error
}

// readBatch runs queries and hands each one's rows, in order, to read, which reads them
// all; the rows are closed after it returns. On PostgreSQL the queries go together, so a
// page that needs several independent reads waits for one round trip rather than several.
func readBatch(ctx context.Context, q Querier, queries []Query, read func(i int, rows Rows) error) error {
	if b, ok := q.(Batcher); ok {
		return b.QueryBatch(ctx, queries, read)
	}
	for i, query := range queries {
		rows, err := q.Query(ctx, query.SQL, query.Args...)
		if err != nil {
			return err
		}
		err = read(i, rows)
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// collect reads every row of a query with scan; the query's error passes through, so that
// running a query and reading its rows is one call.
func collect[T any](rows Rows, err error, scan func(Row) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// scanValue reads a row of one column, for collect.
func scanValue[T any](r Row) (v T, err error) { return v, r.Scan(&v) }

// scanPair reads a row of two integers, for collect.
func scanPair(r Row) (p [2]int64, err error) { return p, r.Scan(&p[0], &p[1]) }

// rowLimit is a LIMIT clause for n rows, written into the statement rather than passed as a
// value. PostgreSQL plans a statement once for any values (postgres.Open), and a plan made
// for a LIMIT it is not told guesses a tenth of the rows: enough, at a million threads, for
// it to start a parallel worker to read a list's page of 31 (docs/performance.md).
func rowLimit(n int) string { return " LIMIT " + strconv.Itoa(n) }

// exists reports whether a query finds a row.
func exists(ctx context.Context, q Querier, query string, args ...any) (bool, error) {
	var one int
	err := q.QueryRow(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// mustExist returns missing when a query finds no row.
func mustExist(ctx context.Context, q Querier, missing error, query string, args ...any) error {
	found, err := exists(ctx, q, query, args...)
	if err == nil && !found {
		return missing
	}
	return err
}

// execOne runs a statement that must change at least one row, or returns missing.
func execOne(ctx context.Context, q Querier, missing error, query string, args ...any) error {
	n, err := q.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return missing
	}
	return nil
}

// Stmt is a statement with its arguments, one of several that ExecAll runs in order.
type Stmt struct {
	SQL  string
	Args []any
}

// stmt makes a Stmt.
func stmt(query string, args ...any) Stmt { return Stmt{SQL: query, Args: args} }

// ExecAll runs statements in order and stops at the first that fails. A use case's
// writes are usually a few statements that must all run; listing them keeps the rule
// readable as what it changes rather than as error handling.
func ExecAll(ctx context.Context, q Querier, stmts ...Stmt) error {
	for _, s := range stmts {
		if _, err := q.Exec(ctx, s.SQL, s.Args...); err != nil {
			return err
		}
	}
	return nil
}

// ExecScript runs statements without arguments in order and names the one that fails:
// the settings and index builds around a bulk load.
func ExecScript(ctx context.Context, q Querier, queries ...string) error {
	for _, query := range queries {
		if _, err := q.Exec(ctx, query); err != nil {
			return fmt.Errorf("%s: %w", query, err)
		}
	}
	return nil
}
