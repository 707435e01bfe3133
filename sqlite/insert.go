package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// insertBatch is how many rows one statement of an Inserter writes: with one statement a
// row, database/sql and binding took as long as SQLite's writing.
const insertBatch = 64

// An Inserter inserts rows with one query, many rows a statement. Rows it holds are
// written by a later Add or by Flush.
type Inserter struct {
	tx      *sql.Tx
	query   string    // an INSERT with one VALUES tuple
	stmt    *sql.Stmt // query with batch tuples
	width   int       // how many arguments a row has
	batch   int       // how many rows a statement inserts
	pending []any     // the arguments of the rows not yet inserted
}

// NewInserter prepares query, an INSERT with one VALUES tuple into an ordinary table, to
// insert rows within tx, insertBatch a statement. Close releases it.
func NewInserter(ctx context.Context, tx *sql.Tx, query string) (*Inserter, error) {
	return newInserter(ctx, tx, query, insertBatch)
}

// newInserter is NewInserter for batch rows a statement. A virtual table (a full-text
// index) takes one: SQLite copies the rows of a multi-row VALUES into a temporary table
// before it hands them to a virtual table, which made a 100,000-thread demo forum's
// build 20% slower.
func newInserter(ctx context.Context, tx *sql.Tx, query string, batch int) (*Inserter, error) {
	many := repeatValues(query, batch)
	stmt, err := tx.PrepareContext(ctx, many)
	if err != nil {
		return nil, fmt.Errorf("prepare %s: %w", many, err)
	}
	return &Inserter{tx: tx, query: query, stmt: stmt, width: strings.Count(valuesTuple(query), "?"), batch: batch}, nil
}

// Add inserts a row of the query's width, or holds it for a later statement.
func (in *Inserter) Add(ctx context.Context, args ...any) error {
	if len(args) != in.width {
		return fmt.Errorf("%d arguments for a row of %d: %s", len(args), in.width, in.query)
	}
	if in.pending = append(in.pending, args...); len(in.pending) < in.batch*in.width {
		return nil
	}
	return in.exec(ctx, in.stmt)
}

// Flush inserts the rows held.
func (in *Inserter) Flush(ctx context.Context) error {
	if len(in.pending) == 0 {
		return nil
	}
	stmt, err := in.tx.PrepareContext(ctx, repeatValues(in.query, len(in.pending)/in.width))
	if err != nil {
		return err
	}
	defer stmt.Close()
	return in.exec(ctx, stmt)
}

// exec inserts the rows held with stmt, made for as many. A statement that breaks a
// constraint changes nothing (SQLite takes it back, not its transaction), so the rows are
// then inserted one at a time, to name the one that breaks it.
func (in *Inserter) exec(ctx context.Context, stmt *sql.Stmt) error {
	defer func() { in.pending = in.pending[:0] }()
	_, err := stmt.ExecContext(ctx, in.pending...)
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_CONSTRAINT {
		return err
	}
	for row := range slices.Chunk(in.pending, in.width) {
		if _, err := in.tx.ExecContext(ctx, in.query, row...); err != nil {
			return fmt.Errorf("%v: %w", row[0], err)
		}
	}
	return nil
}

// Close releases the prepared statement.
func (in *Inserter) Close() error { return in.stmt.Close() }

// repeatValues makes an INSERT of one VALUES tuple into one of n.
func repeatValues(query string, n int) string {
	tuple := valuesTuple(query)
	end := strings.Index(query, tuple) + len(tuple)
	return query[:end] + strings.Repeat(", "+tuple, n-1) + query[end:]
}

// valuesTuple returns the VALUES tuple of an INSERT, parentheses included.
func valuesTuple(query string) string {
	i := strings.Index(query, "VALUES ") + len("VALUES ")
	return query[i : i+strings.Index(query[i:], ")")+1]
}
