package dbcopy

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/markdown"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/progress/progresstest"
	"github.com/parley-forum/parley/sqlite"
)

// cmd/parley's TestCopyCommand copies a forum with rows in every table and compares what
// the two stores read and render; these tests cover what goes wrong, and the progress bar.

// mustSQLiteForum builds a small demo forum in a new SQLite file and returns its path.
func mustSQLiteForum(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "parley.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	w, err := s.Bulk(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := demo.Config{Threads: 60, Posts: 300, Users: 20, Seed: 1, Now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	if err := demo.Generate(ctx, cfg, markdown.New(), w, nil); err != nil {
		tb.Fatal(err)
	}
	return path
}

// mustExec runs statements on a SQLite file.
func mustExec(tb testing.TB, path string, stmts ...string) {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
}

// rowCounts counts the rows of every forum table of the database at url.
func rowCounts(tb testing.TB, url string) map[string]int64 {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback(ctx)
	tables, err := columnsOf(ctx, tx)
	if err != nil {
		tb.Fatal(err)
	}
	counts := map[string]int64{}
	for t := range tables {
		var n int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+quote(t)).Scan(&n); err != nil {
			tb.Fatal(err)
		}
		counts[t] = n
	}
	return counts
}

func total(counts map[string]int64) (n int64) {
	for _, c := range counts {
		n += c
	}
	return n
}

func mustCopy(tb testing.TB, from, to string, opts Options) *Report {
	tb.Helper()
	r, err := Copy(context.Background(), from, to, opts)
	if err != nil {
		tb.Fatalf("copy: %v", err)
	}
	return r
}

func TestCopyInterrupted(t *testing.T) {
	t.Parallel()
	from, to := mustSQLiteForum(t), pgtest.MustURL(t)

	// Cancelling the context halfway through the posts, as a lost connection or a killed
	// process would stop it, leaves the target's tables as they were: made, and empty.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stopAt := func(table string, at int64) func(string, int64) error {
		return func(tb string, n int64) error {
			if tb == table && n == at {
				cancel()
			}
			return nil
		}
	}
	_, err := Copy(ctx, from, to, Options{afterRow: stopAt("posts", 150)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("copy cancelled halfway: %v, want context.Canceled", err)
	}
	if counts := rowCounts(t, to); len(counts) < 15 || total(counts) != 0 {
		t.Fatalf("the target after an interrupted copy holds %v, want every table empty", counts)
	}

	// Running it again starts clean and completes.
	first := mustCopy(t, from, to, Options{})
	copied := rowCounts(t, to)
	if copied["posts"] != 300 || copied["threads"] != 60 {
		t.Fatalf("after a second run the target holds %v", copied)
	}

	// A --replace that fails keeps what the target held.
	_, err = Copy(t.Context(), mustSQLiteForum(t), to, Options{Replace: true, afterRow: func(table string, n int64) error {
		if table == "threads" && n == 30 {
			return errors.New("the network went away")
		}
		return nil
	}})
	if err == nil || !strings.Contains(err.Error(), "the network went away") {
		t.Fatalf("copy --replace failing halfway: %v", err)
	}
	if got := rowCounts(t, to); !equalCounts(got, copied) {
		t.Errorf("the target after a failed --replace holds %v, want what it held before, %v", got, copied)
	}
	again := mustCopy(t, from, to, Options{Replace: true})
	for i, tb := range again.Tables {
		if tb != (Table{Name: tb.Name, Rows: first.Tables[i].Rows, Checksum: first.Tables[i].Checksum, Took: tb.Took}) {
			t.Errorf("table %s copied again: %+v, first %+v", tb.Name, tb, first.Tables[i])
		}
	}
}

func equalCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestCopyRefusesNonEmptyTarget(t *testing.T) {
	t.Parallel()
	from, to := mustSQLiteForum(t), pgtest.MustURL(t)
	mustCopy(t, from, to, Options{})
	before := rowCounts(t, to)
	_, err := Copy(t.Context(), from, to, Options{})
	if !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), "--replace") {
		t.Fatalf("copy into a full target: %v, want ErrNotEmpty naming --replace", err)
	}
	if got := rowCounts(t, to); !equalCounts(got, before) {
		t.Errorf("a refused copy changed the target: %v, before %v", got, before)
	}
	mustCopy(t, from, to, Options{Replace: true})
	if got := rowCounts(t, to); !equalCounts(got, before) {
		t.Errorf("after --replace the target holds %v, want %v", got, before)
	}
}

func TestCopyDetectsMismatch(t *testing.T) {
	t.Parallel()
	from := mustSQLiteForum(t)
	for _, tt := range []struct {
		name, tamper, table string
	}{
		{"a changed body", `UPDATE posts SET body = body || ' ' WHERE id = 7`, "posts"},
		{"an empty text for a NULL", `UPDATE users SET password_hash = '' WHERE id = 2 AND password_hash IS NULL`, "users"},
		{"a lost row", `DELETE FROM thread_tags WHERE thread_id = 3`, "thread_tags"},
		{"an added row", `INSERT INTO boosts SELECT id, 1, 0 FROM posts WHERE id NOT IN (SELECT post_id FROM boosts WHERE user_id = 1) LIMIT 1`, "boosts"},
		{"a flipped flag", `UPDATE threads SET locked = NOT locked WHERE id = 9`, "threads"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			to := pgtest.MustURL(t)
			_, err := Copy(t.Context(), from, to, Options{beforeVerify: func(ctx context.Context, tx pgx.Tx) error {
				_, err := tx.Exec(ctx, tt.tamper)
				return err
			}})
			var m *Mismatch
			if !errors.As(err, &m) || m.Table != tt.table {
				t.Fatalf("copy with the target tampered: %v, want a mismatch in %s", err, tt.table)
			}
			if counts := rowCounts(t, to); total(counts) != 0 {
				t.Errorf("a copy that failed its check left %v in the target", counts)
			}
		})
	}
}

func TestCopyRefusesDifferentSchemas(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		stmts []string
		want  string
	}{
		{"a table only in the source", []string{`CREATE TABLE bookmarks (user_id INTEGER, thread_id INTEGER)`},
			"table bookmarks is in the source but not in the target"},
		{"a column only in the source", []string{`ALTER TABLE users ADD COLUMN pronouns TEXT`},
			"column users.pronouns is in the source but not in the target"},
		{"a column only in the target", []string{`ALTER TABLE flags DROP COLUMN note`},
			"column flags.note is in the target but not in the source"},
		{"a source behind this parley", []string{`DELETE FROM schema_migrations WHERE version = 5`},
			"run parley migrate --data"},
		{"a source ahead of this parley", []string{`INSERT INTO schema_migrations VALUES (9999, '9999_future', 0)`},
			"upgrade parley"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			from, to := mustSQLiteForum(t), pgtest.MustURL(t)
			mustExec(t, from, tt.stmts...)
			_, err := Copy(t.Context(), from, to, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("copy: %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// A PostgreSQL database copies to another, and its tables checksum as the SQLite file they
// came from did.
func TestCopyPostgresToPostgres(t *testing.T) {
	t.Parallel()
	from, mid, to := mustSQLiteForum(t), pgtest.MustURL(t), pgtest.MustURL(t)
	first := mustCopy(t, from, mid, Options{})
	second := mustCopy(t, mid, to, Options{})
	if len(first.Tables) != len(second.Tables) {
		t.Fatalf("%d tables copied from SQLite, %d from PostgreSQL", len(first.Tables), len(second.Tables))
	}
	for i, a := range first.Tables {
		if b := second.Tables[i]; a.Name != b.Name || a.Rows != b.Rows || a.Checksum != b.Checksum {
			t.Errorf("from SQLite %s: %d rows, %.16s; from PostgreSQL %s: %d rows, %.16s", a.Name, a.Rows, a.Checksum, b.Name, b.Rows, b.Checksum)
		}
	}
	if _, err := Copy(t.Context(), mid, mid, Options{Replace: true}); err == nil {
		t.Error("a copy onto its own source was not refused")
	}
}

// TestCopyProgressBar copies a forum with the progress bar drawn into a buffer and reads
// what it drew: the bar over rows starts at nought, shows no rate beyond what a copy can
// do, and is erased when the rows are in, before the copy goes on to build the indexes.
func TestCopyProgressBar(t *testing.T) {
	t.Parallel()
	from, to := mustSQLiteForum(t), pgtest.MustURL(t)
	var out bytes.Buffer
	mustCopy(t, from, to, Options{Progress: &out})
	progresstest.Check(t, out.String(), "rows", 10_000_000)
}

func TestChecksum(t *testing.T) {
	sum := func(rows ...[]any) string {
		d := newDigest()
		for _, r := range rows {
			d.add(r)
		}
		return d.String()
	}
	norm := func(k kind, v any) any {
		n, err := normalise(k, v)
		if err != nil {
			t.Fatalf("normalise(%v, %#v): %v", k, v, err)
		}
		return n
	}
	// What SQLite stores and what PostgreSQL returns sum alike.
	sqliteRow := []any{norm(kindInt, int64(7)), norm(kindBool, int64(1)), norm(kindInts, "3 14 15"), norm(kindText, "x"), norm(kindInts, "")}
	pgRow := []any{norm(kindInt, int32(7)), norm(kindBool, true), norm(kindInts, []any{int64(3), int64(14), int64(15)}), norm(kindText, "x"), norm(kindInts, []any{})}
	if sum(sqliteRow) != sum(pgRow) {
		t.Errorf("a row from SQLite and the same row from PostgreSQL sum differently")
	}
	// The order rows are read in does not matter; what they hold does.
	a, b := []any{int64(1), "a"}, []any{int64(2), "b"}
	if sum(a, b) != sum(b, a) {
		t.Error("the sum depends on the rows' order")
	}
	for _, pair := range [][2][]any{
		{{nil}, {""}},
		{{nil}, {int64(0)}},
		{{""}, {[]int64{}}},
		{{"ab", "c"}, {"a", "bc"}},
		{{true}, {int64(2)}},
		{{[]int64{1, 2}}, {[]int64{2, 1}}},
	} {
		if sum(pair[0]) == sum(pair[1]) {
			t.Errorf("rows %#v and %#v sum alike", pair[0], pair[1])
		}
	}
	if sum(a) == sum(a, a) {
		t.Error("a duplicated row does not change the sum")
	}
	for _, bad := range []struct {
		k kind
		v any
	}{{kindBool, int64(2)}, {kindInts, "3,14"}, {kindInt, "7"}, {kindText, int64(7)}} {
		if _, err := normalise(bad.k, bad.v); err == nil {
			t.Errorf("normalise(%v, %#v) took it", bad.k, bad.v)
		}
	}
}
