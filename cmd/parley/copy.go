package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/parley-forum/parley/dbcopy"
)

// runCopy copies a whole forum into a PostgreSQL database: parley copy --from … --to ….
// --replace has no environment variable: emptying a database that holds a forum is asked
// for on the command line each time, never left behind in an environment.
func runCopy(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var from, to string
	var opts dbcopy.Options
	f := newFlags("copy", getenv, stderr)
	f.String(&from, "from", "", "the forum to copy: a SQLite file (or the data folder holding parley.db) or a postgres:// URL")
	f.String(&to, "to", "", "the PostgreSQL database to copy it into, e.g. postgres://parley@db.internal/parley")
	f.BoolVar(&opts.Replace, "replace", false, "replace what the target holds, in the copy's transaction")
	if err := f.parse(args); err != nil {
		return err
	}
	switch {
	case from == "":
		return errors.New("--from (PARLEY_FROM): name the forum to copy")
	case to == "":
		return errors.New("--to (PARLEY_TO): name the PostgreSQL database to copy into")
	}
	opts.Progress = stderr
	start := time.Now()
	report, err := dbcopy.Copy(ctx, from, to, opts)
	if report == nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "table\trows\tchecksum\ttarget\ttime\t")
	var rows int64
	for _, t := range report.Tables {
		fmt.Fprintf(w, "%s\t%d\t%.16s\tsame\t%s\t\n", t.Name, t.Rows, t.Checksum, t.Took.Round(time.Millisecond))
		rows += t.Rows
	}
	w.Flush()
	fmt.Fprintf(stdout, "Copied %d rows in %d tables in %s (indexes, checks and commit %s); every table's rows and checksum match.\n",
		rows, len(report.Tables), time.Since(start).Round(time.Second/10), report.Finish.Round(time.Second/10))
	if err != nil {
		return err
	}
	return indexCopy(ctx, to, stdout, stderr)
}

// indexCopy builds the search index of a forum just copied: the index is derived from the
// posts, so a copy carries the posts and the target indexes them itself.
func indexCopy(ctx context.Context, to string, stdout, stderr io.Writer) error {
	store, err := (&common{DatabaseURL: to}).open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	n, err := reindex(ctx, store, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Indexed the copy's %d threads for search in %s.\n", n, time.Since(start).Round(time.Second/10))
	return nil
}
