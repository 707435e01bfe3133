package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/seimport"
)

const importUsage = `Usage: parley import stackexchange [flags] DIR

Loads the Stack Exchange data dump in DIR (its Posts.xml, Users.xml, Tags.xml, Votes.xml,
Comments.xml and, when there are, PostHistory.xml, PostLinks.xml and Badges.xml) into an
empty forum, as one topic.
A forum that holds topics, tags, users or threads is refused, so running the import again
never duplicates it: make the first admin (parley user create) after the import.
Malformed files are reported by file and line before anything is written. An import that
stops half-way keeps nothing; one whose process was killed is cleared by the next.

Flags:
`

func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "parley" {
		return runImportParley(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "stackexchange" {
		fmt.Fprint(stderr, importUsage)
		return errors.New(`say what to import: parley import stackexchange DIR, or parley import parley DIR`)
	}
	c := common{loading: true}
	var opts seimport.Options
	f := newFlags("import stackexchange", getenv, stderr)
	f.Usage = func() { fmt.Fprint(stderr, importUsage); f.PrintDefaults() }
	c.register(f)
	f.String(&opts.Topic, "topic", "", `the topic's name (default: from DIR's name, "stackexchange-cardano" gives "Cardano")`)
	f.String(&opts.SiteURL, "site-url", "", `the site the dump comes from, linked from every post (default: from DIR's name, "stackexchange-cardano" gives https://cardano.stackexchange.com)`)
	dir, rest := splitDir(args[1:])
	if err := f.parse(rest); err != nil {
		return err
	}
	if dir == "" {
		return errors.New(`name the dump's folder: parley import stackexchange DIR`)
	}
	store, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	opts.Progress = stderr
	start := time.Now()
	sum, err := seimport.Import(ctx, store, dir, opts)
	if errors.Is(err, seimport.ErrLoadStopped) {
		return loadStopped(err, c.database())
	}
	var pe *parley.Error
	if errors.As(err, &pe) && pe.Field != "" {
		return fmt.Errorf("--%s: %s", pe.Field, pe.Message)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\nInto %s in %s.\n", sum, c.database(), time.Since(start).Round(time.Second/10))
	return nil
}

// loadStopped says what an import that stopped half-way left in the database: nothing,
// or, when taking it back failed too, a part that the next import clears.
func loadStopped(err error, database string) error {
	if errors.Is(err, parley.ErrInterruptedLoad) {
		return fmt.Errorf("%w\nThe database %s holds part of the import and serves nothing until it is cleared: run the import again, which clears it first", err, database)
	}
	return fmt.Errorf("%w\nNothing of it was kept: the database %s is as empty as before", err, database)
}

// splitDir takes the dump's folder out of the arguments, wherever it is among the flags:
// the first argument that is neither a flag nor a flag's value.
func splitDir(args []string) (dir string, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--" && i+1 < len(args):
			return args[i+1], append(rest, args[i+2:]...)
		case len(a) > 1 && a[0] == '-':
			rest = append(rest, a)
			if !hasValue(a) && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
		case dir == "":
			dir = a
		default:
			rest = append(rest, a)
		}
	}
	return dir, rest
}

// hasValue reports whether a flag argument carries its value (--topic=x), so that the
// next argument is not its value. Every flag of import takes a value.
func hasValue(flag string) bool {
	for i := range flag {
		if flag[i] == '=' {
			return true
		}
	}
	return false
}
