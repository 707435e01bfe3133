// Package dbcopy copies a whole forum from one database to a PostgreSQL database, table by
// table at the SQL level, so that everything is carried over (sessions, flags, the
// moderation log, parked list entries, revisions, boosts, list entries), ids included,
// not only what the domain's Store methods expose.
//
// The copy is one transaction on the target: it empties or checks the target, loads every
// table with COPY, builds the indexes and foreign keys, reads every table back and compares
// its row count and checksum with the source's, and only then commits. An interrupted copy
// (a killed process, a lost connection) or a mismatch leaves the target exactly as it was,
// so running the copy again starts clean; a target never holds half a forum.
package dbcopy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/progress"
	"github.com/schollz/progressbar/v3"
)

// Options tune a copy.
type Options struct {
	// Replace lets the copy empty a target that holds a forum already, in its transaction:
	// until it commits, the target keeps what it held.
	Replace bool
	// Progress receives a progress bar, when set.
	Progress io.Writer

	// Test hooks: afterRow runs after each row read from the source and stops the copy
	// with its error; beforeVerify runs in the target's transaction just before the tables
	// are read back.
	afterRow     func(table string, rows int64) error
	beforeVerify func(ctx context.Context, tx pgx.Tx) error
}

// Table reports the copy of one table.
type Table struct {
	Name     string
	Rows     int64
	Checksum string // the source's; the target's was the same
	Took     time.Duration
}

// Report is what a copy did.
type Report struct {
	Tables []Table
	// Finish is the time spent after the rows were loaded: building indexes and foreign
	// keys, reading every table back to check it, and committing.
	Finish time.Duration
}

// ErrNotEmpty is returned when the target holds rows and Options.Replace is not set.
var ErrNotEmpty = errors.New("the target database holds a forum already")

// A Mismatch is a table whose copy differs from its source; the copy was rolled back.
type Mismatch struct {
	Table                  string
	SourceRows, TargetRows int64
	SourceSum, TargetSum   string
}

func (m *Mismatch) Error() string {
	return fmt.Sprintf("table %s differs after copying: %d rows, checksum %.16s in the source; %d rows, checksum %.16s in the target; nothing was written",
		m.Table, m.SourceRows, m.SourceSum, m.TargetRows, m.TargetSum)
}

// Copy copies the forum in from, a SQLite file (or a data folder holding parley.db) or a
// postgres:// URL, to the PostgreSQL database at to. Both must be at this parley's schema:
// the target is migrated, the source is read only and refused if it is behind. The target
// must be empty unless opts.Replace. Every table of the source must have a table with the
// same columns in the target, and the reverse, or the copy fails naming what differs.
func Copy(ctx context.Context, from, to string, opts Options) (*Report, error) {
	if from == to {
		return nil, errors.New("--from and --to name the same database")
	}
	src, err := openSource(ctx, from)
	if err != nil {
		return nil, err
	}
	defer src.close()
	store, err := postgres.Open(ctx, to, postgres.Options{MaxConns: 2})
	if err != nil {
		return nil, fmt.Errorf("--to %s: %w", redact(to), err)
	}
	defer store.Close()
	conn, err := store.Pool().Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // after a commit, does nothing

	c := &copier{src: src, tx: tx, opts: opts}
	report, err := c.run(ctx)
	if err != nil {
		return nil, err
	}
	// Vacuuming marks the list entries' pages all-visible, so that list pages are read
	// from the indexes alone from the first request, as after a bulk load.
	if _, err := conn.Exec(ctx, `VACUUM thread_listings`); err != nil {
		return report, fmt.Errorf("the copy is complete, but vacuuming thread_listings failed: %w", err)
	}
	return report, nil
}

// copier is one copy in progress: a source snapshot and the target's transaction.
type copier struct {
	src    source
	tx     pgx.Tx
	opts   Options
	tables []string            // in the order copied
	cols   map[string][]column // the target's columns to write, in order, per table
	sums   map[string]*digest  // the source's, per table
}

func (c *copier) run(ctx context.Context) (*Report, error) {
	if err := c.plan(ctx); err != nil {
		return nil, err
	}
	if err := c.prepare(ctx); err != nil {
		return nil, err
	}
	rebuild, err := postgres.DeferIndexes(ctx, c.tx, c.tables)
	if err != nil {
		return nil, err
	}
	report, err := c.load(ctx)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	finish := slices.Concat(rebuild, c.moveSequences(), []string{`ANALYZE ` + quoteAll(c.tables)})
	for _, q := range finish {
		if _, err := c.tx.Exec(ctx, q); err != nil {
			return nil, fmt.Errorf("finish the copy: %s: %w", q, err)
		}
	}
	if err := c.verify(ctx); err != nil {
		return nil, err
	}
	if err := c.tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("commit the copy: %w", err)
	}
	report.Finish = time.Since(start)
	return report, nil
}

// plan matches the source's tables and columns with the target's. A table or column on
// one side only fails the copy, so that a table added to the schema later is never
// skipped in silence; generated columns are PostgreSQL's to compute and are not written.
func (c *copier) plan(ctx context.Context) error {
	srcTables, err := c.src.tables(ctx)
	if err != nil {
		return fmt.Errorf("read the source's tables: %w", err)
	}
	dstTables, err := columnsOf(ctx, c.tx)
	if err != nil {
		return fmt.Errorf("read the target's tables: %w", err)
	}
	c.cols = map[string][]column{}
	var problems []error
	for table, srcCols := range srcTables {
		dst, ok := dstTables[table]
		if !ok {
			problems = append(problems, fmt.Errorf("table %s is in the source but not in the target", table))
			continue
		}
		for _, col := range dst {
			if col.generated {
				continue
			}
			if _, ok := kindOf(col.dataType, col.udtName); !ok {
				problems = append(problems, fmt.Errorf("column %s.%s has type %s, which copy does not know", table, col.name, col.dataType))
			}
			if !slices.Contains(srcCols, col.name) {
				problems = append(problems, fmt.Errorf("column %s.%s is in the target but not in the source", table, col.name))
			}
			c.cols[table] = append(c.cols[table], col)
		}
		for _, name := range srcCols {
			if !slices.ContainsFunc(dst, func(col column) bool { return col.name == name && !col.generated }) {
				problems = append(problems, fmt.Errorf("column %s.%s is in the source but not in the target", table, name))
			}
		}
		c.tables = append(c.tables, table)
	}
	for table := range dstTables {
		if _, ok := srcTables[table]; !ok {
			problems = append(problems, fmt.Errorf("table %s is in the target but not in the source", table))
		}
	}
	if len(problems) > 0 {
		slices.SortFunc(problems, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return fmt.Errorf("the source's and the target's schemas differ:\n%w", errors.Join(problems...))
	}
	// Foreign keys are dropped for the load, so any order works; by name reads well.
	slices.Sort(c.tables)
	return nil
}

// prepare locks the target's tables, so that no server or second copy writes to them
// until the copy commits, and checks they are empty, or empties them for Replace.
func (c *copier) prepare(ctx context.Context) error {
	list := quoteAll(c.tables)
	for _, q := range []string{`LOCK TABLE ` + list + ` IN ACCESS EXCLUSIVE MODE`,
		// Index builds at the end get memory enough to sort in one pass.
		`SET LOCAL maintenance_work_mem = '256MB'`} {
		if _, err := c.tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	if c.opts.Replace {
		// CASCADE empties the full-text index too, which refers to the posts and is not
		// copied (ignored): it is rebuilt from the posts the copy brings.
		_, err := c.tx.Exec(ctx, `TRUNCATE `+list+` RESTART IDENTITY CASCADE`)
		return err
	}
	var full []string
	for _, t := range c.tables {
		var any bool
		if err := c.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+quote(t)+`)`).Scan(&any); err != nil {
			return err
		}
		if any {
			full = append(full, t)
		}
	}
	if len(full) > 0 {
		return fmt.Errorf("%w (rows in %s): copy into an empty database, or give --replace to replace it", ErrNotEmpty, strings.Join(full, ", "))
	}
	return nil
}

// load copies every table's rows with COPY, streaming them from the source, and computes
// the source's checksums on the way.
func (c *copier) load(ctx context.Context) (*Report, error) {
	counts := map[string]int64{}
	var total int64
	for _, t := range c.tables {
		n, err := c.src.count(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("count the source's %s: %w", t, err)
		}
		counts[t], total = n, total+n
	}
	bar := progress.New(c.opts.Progress, total, "", "rows")
	defer bar.Finish()
	report := &Report{}
	c.sums = map[string]*digest{}
	for _, t := range c.tables {
		bar.Describe("Copying " + t)
		start := time.Now()
		sum, err := c.copyTable(ctx, t, bar)
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", t, err)
		}
		if sum.rows != counts[t] {
			return nil, fmt.Errorf("copy %s: %d rows read, %d counted before", t, sum.rows, counts[t])
		}
		c.sums[t] = sum
		report.Tables = append(report.Tables, Table{Name: t, Rows: sum.rows, Checksum: sum.String(), Took: time.Since(start)})
	}
	bar.Finish()
	if c.opts.Progress != nil {
		fmt.Fprintln(c.opts.Progress, "Building indexes and foreign keys, then reading every table back to check it…")
	}
	return report, nil
}

func (c *copier) copyTable(ctx context.Context, table string, bar *progressbar.ProgressBar) (*digest, error) {
	cols := c.cols[table]
	names := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.name
	}
	rows, err := c.src.rows(ctx, table, names)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	in := &rowSource{table: table, rows: rows, cols: cols, sum: newDigest(), bar: bar, afterRow: c.opts.afterRow}
	n, err := c.tx.CopyFrom(ctx, pgx.Identifier{table}, names, in)
	in.showProgress()
	if err != nil {
		return nil, err
	}
	if n != in.sum.rows {
		return nil, fmt.Errorf("%d rows read, %d written", in.sum.rows, n)
	}
	return in.sum, nil
}

// rowSource feeds COPY the source's rows, normalised to the target's column types, adding
// each to the table's checksum.
type rowSource struct {
	table    string
	rows     rowReader
	cols     []column
	sum      *digest
	bar      *progressbar.ProgressBar
	afterRow func(table string, rows int64) error
	row      []any
	shown    int64 // rows the progress bar counts
	err      error
}

func (r *rowSource) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	vals, err := r.rows.Values()
	if err == nil {
		r.row, err = normaliseRow(r.cols, vals, r.row)
	}
	if err == nil {
		r.sum.add(r.row)
		if r.sum.rows-r.shown >= 1024 {
			r.showProgress()
		}
		if r.afterRow != nil {
			err = r.afterRow(r.table, r.sum.rows)
		}
	}
	r.err = err
	return err == nil
}

func (r *rowSource) Values() ([]any, error) { return r.row, nil }

func (r *rowSource) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}

func (r *rowSource) showProgress() {
	r.bar.Add64(r.sum.rows - r.shown)
	r.shown = r.sum.rows
}

// normaliseRow normalises a row's values into out, which it reuses.
func normaliseRow(cols []column, vals, out []any) ([]any, error) {
	out = out[:0]
	for i, col := range cols {
		k, _ := kindOf(col.dataType, col.udtName)
		v, err := normalise(k, vals[i])
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", col.name, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// moveSequences returns the statements that move each identity column's sequence past
// the ids copied, so that the next record made one by one gets the next id.
func (c *copier) moveSequences() []string {
	var out []string
	for _, t := range c.tables {
		for _, col := range c.cols[t] {
			if col.identity {
				// setval(…, NULL) for an empty table changes nothing.
				out = append(out, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', '%s'), max(%s)) FROM %s`,
					quote(t), col.name, quote(col.name), quote(t)))
			}
		}
	}
	return out
}

// verify reads every table back from the target, in the copy's transaction, and compares
// its row count and checksum with the source's.
func (c *copier) verify(ctx context.Context) error {
	if c.opts.beforeVerify != nil {
		if err := c.opts.beforeVerify(ctx, c.tx); err != nil {
			return err
		}
	}
	for _, t := range c.tables {
		cols := c.cols[t]
		names := make([]string, len(cols))
		for i, col := range cols {
			names[i] = col.name
		}
		rows, err := c.tx.Query(ctx, `SELECT `+quoteAll(names)+` FROM `+quote(t))
		if err != nil {
			return fmt.Errorf("read back %s: %w", t, err)
		}
		sum := newDigest()
		var row []any
		for rows.Next() {
			vals, err := rows.Values()
			if err == nil {
				row, err = normaliseRow(cols, vals, row)
			}
			if err != nil {
				rows.Close()
				return fmt.Errorf("read back %s: %w", t, err)
			}
			sum.add(row)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read back %s: %w", t, err)
		}
		want := c.sums[t]
		if sum.rows != want.rows || sum.sum != want.sum {
			return &Mismatch{Table: t, SourceRows: want.rows, TargetRows: sum.rows, SourceSum: want.String(), TargetSum: sum.String()}
		}
	}
	return nil
}
