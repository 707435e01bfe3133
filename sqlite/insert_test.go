package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

func TestRepeatValues(t *testing.T) {
	for _, c := range []struct {
		query string
		n     int
		want  string
	}{
		{`INSERT INTO t (a, b) VALUES (?, ?)`, 1, `INSERT INTO t (a, b) VALUES (?, ?)`},
		{`INSERT INTO t (a, b) VALUES (?, ?)`, 3, `INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)`},
		{`INSERT INTO v (p, n) VALUES (?, 1) ON CONFLICT (p) DO UPDATE SET n = n + 1`, 2,
			`INSERT INTO v (p, n) VALUES (?, 1), (?, 1) ON CONFLICT (p) DO UPDATE SET n = n + 1`},
	} {
		if got := repeatValues(c.query, c.n); got != c.want {
			t.Errorf("repeatValues(%q, %d) = %q, want %q", c.query, c.n, got, c.want)
		}
	}
}

// insertTx opens a database with a table t (id, label) and begins a transaction on it.
func insertTx(t *testing.T) (*sql.DB, *sql.Tx) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, label TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	return db, tx
}

func TestInserterWritesEveryRow(t *testing.T) {
	ctx := context.Background()
	_, tx := insertTx(t)
	in, err := NewInserter(ctx, tx, `INSERT INTO t (id, label) VALUES (?, 'row ' || ?)`)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	const rows = 2*insertBatch + 5 // two whole statements and a flushed rest
	for i := 1; i <= rows; i++ {
		if err := in.Add(ctx, i, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := in.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var n, sum int
	var last string
	if err := tx.QueryRow(`SELECT count(*), sum(id), max(label) FILTER (WHERE id = ?) FROM t`, rows).Scan(&n, &sum, &last); err != nil {
		t.Fatal(err)
	}
	if n != rows || sum != rows*(rows+1)/2 || last != "row 133" {
		t.Errorf("table holds %d rows summing to %d, the last labelled %q; want %d summing to %d, the last labelled %q",
			n, sum, last, rows, rows*(rows+1)/2, "row 133")
	}
	if err := in.Add(ctx, 1); err == nil || !strings.Contains(err.Error(), "1 arguments for a row of 2") {
		t.Errorf("a row of one argument for two: %v, want an error saying so", err)
	}
}

// A statement that breaks a constraint is taken back whole; the error names the row that
// broke it, and the transaction goes on.
func TestInserterNamesTheRowThatFails(t *testing.T) {
	ctx := context.Background()
	_, tx := insertTx(t)
	if _, err := tx.Exec(`INSERT INTO t (id, label) VALUES (40, 'there before')`); err != nil {
		t.Fatal(err)
	}
	in, err := NewInserter(ctx, tx, `INSERT INTO t (id, label) VALUES (?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var failed error
	for i := 1; i <= insertBatch && failed == nil; i++ {
		failed = in.Add(ctx, i, "new")
	}
	if failed == nil || !strings.HasPrefix(failed.Error(), "40: ") || !strings.Contains(failed.Error(), "UNIQUE") {
		t.Fatalf("inserting a row whose id is taken: %v, want an error beginning with its id, 40, saying it is not unique", failed)
	}
	var label string
	if err := tx.QueryRow(`SELECT label FROM t WHERE id = 40`).Scan(&label); err != nil || label != "there before" {
		t.Errorf("row 40 after the failed insert: %q, %v; want it as it was", label, err)
	}
	if _, err := tx.Exec(`INSERT INTO t (id, label) VALUES (1000, 'after')`); err != nil {
		t.Errorf("the transaction after the failed insert: %v", err)
	}
}
