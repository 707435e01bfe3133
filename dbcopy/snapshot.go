package dbcopy

import (
	"context"
)

// Snapshot is a forum read as the copy reads it, for other readers of a whole forum (the
// open-data export): a SQLite file or PostgreSQL database opened read-only, at this
// parley's schema, in one transaction whose snapshot holds for every query, so that a
// server writing meanwhile never shows a reader half a change.
type Snapshot struct {
	src source
}

// Rows are the rows of one query, read in order; pgx.Rows is one. Integers are int64 (or
// int32 on PostgreSQL), flags bool on PostgreSQL and 0 or 1 on SQLite, text string, and
// NULL nil.
type Rows interface {
	Next() bool
	Values() ([]any, error)
	Err() error
	Close()
}

// OpenSnapshot opens the forum from names, a SQLite file (or the data folder holding
// parley.db) or a postgres:// URL, as Copy opens its source.
func OpenSnapshot(ctx context.Context, from string) (*Snapshot, error) {
	src, err := openSource(ctx, from)
	if err != nil {
		return nil, err
	}
	return &Snapshot{src: src}, nil
}

// Query runs one SQL query that both databases read alike. On PostgreSQL the rows must be
// read to the end, or closed, before the next query.
func (s *Snapshot) Query(ctx context.Context, query string) (Rows, error) {
	return s.src.query(ctx, query)
}

// Close ends the snapshot.
func (s *Snapshot) Close() error { return s.src.close() }
