// Command parley runs a developer Q&A forum: parley serve, parley demo, parley migrate,
// parley import, parley export, parley reindex, parley copy, parley user, parley version.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "parley:", err)
		os.Exit(1)
	}
}

const usage = `Usage: parley <command> [flags]

Commands:
  serve     serve the forum over HTTP
  demo      fill an empty database with a generated demo forum
  migrate   bring the database schema up to date
  import    load a Stack Exchange data dump into an empty forum: parley import stackexchange DIR
            (a forum that holds anything is refused, so a second run never duplicates it),
            or an export made by parley export: parley import parley DIR
  export    write the whole forum as open data (JSON Lines and files): parley export DIR
  reindex   build the search index again, e.g. for a database made before search existed
            (the forum may keep serving meanwhile)
  copy      copy a whole forum into PostgreSQL: parley copy --from ./data --to postgres://…
  user      create an account, e.g. the first admin: parley user create --role admin …
  version   print the version

Run "parley <command> -h" for a command's flags. Every flag can also be set with an
environment variable named PARLEY_ and the flag's name in capitals, e.g. PARLEY_ADDR,
but for copy --replace, which is given on the command line each time.
`

// run is the whole program, with its environment passed in so that tests can run it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	tuneGC(getenv)
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], getenv, stdout, stderr)
	case "demo":
		return runDemo(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], getenv, stdout, stderr)
	case "reindex":
		return runReindex(ctx, args[1:], getenv, stdout, stderr)
	case "copy":
		return runCopy(ctx, args[1:], getenv, stdout, stderr)
	case "user":
		return runUser(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "parley", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// gcPercent is the garbage collector's target when the operator has not set GOGC: the
// heap may grow to five times what is live before a collection. A forum's live heap is
// small (tens of MB: caches, templates, connections) while every page allocates its
// rendering, so at Go's default of 100 the collector ran dozens of times a second and took
// a third of the instructions of a thread page (docs/performance.md). The bulk commands
// are alike, a few batches live and each row allocated: an import of 100,000 questions
// took a sixth less CPU and 140 MB more memory, a million-thread demo 7% less CPU and a
// peak of 2.3 GB rather than 1.45.
const gcPercent = 400

// tuneGC sets gcPercent unless GOGC says otherwise.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}
