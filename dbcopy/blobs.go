package dbcopy

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/parley-forum/parley/blob"
)

// A forum on SQLite keeps its attached files in the data folder's blobs/ folder; on
// PostgreSQL they live in the blobs table, so that every node serves every file. A copy
// from SQLite therefore presents the folder as a table: one row for each content the
// attachments name, dated by its first attachment. A file the attachments name but the
// folder lacks fails the copy.

// blobColumns are the blobs table's columns, as the PostgreSQL store defines them.
var blobColumns = []string{"sha256", "content", "size", "created_at"}

func (s *sqliteSource) blobRows(ctx context.Context, columns []string) (rowReader, error) {
	dir, err := blob.NewDir(filepath.Join(filepath.Dir(s.path), "blobs"))
	if err != nil {
		return nil, err
	}
	rows, err := s.tx.QueryContext(ctx, `SELECT sha256, min(created_at) FROM attachments GROUP BY sha256`)
	if err != nil {
		return nil, err
	}
	return &fileRows{ctx: ctx, rows: rows, dir: dir, columns: columns}, nil
}

// fileRows reads each content the attachments name from the folder.
type fileRows struct {
	ctx     context.Context
	rows    *sql.Rows
	dir     *blob.Dir
	columns []string
	row     []any
	err     error
}

func (r *fileRows) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	var key string
	var created int64
	if r.err = r.rows.Scan(&key, &created); r.err != nil {
		return false
	}
	content, err := r.read(key)
	if err != nil {
		r.err = fmt.Errorf("attached file %s: %w", key, err)
		return false
	}
	values := map[string]any{"sha256": key, "content": content, "size": int64(len(content)), "created_at": created}
	r.row = r.row[:0]
	for _, c := range r.columns {
		r.row = append(r.row, values[c])
	}
	return true
}

func (r *fileRows) read(key string) ([]byte, error) {
	f, err := r.dir.Open(r.ctx, key)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func (r *fileRows) Values() ([]any, error) { return slices.Clone(r.row), nil }

func (r *fileRows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}

func (r *fileRows) Close() { r.rows.Close() }
