package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/parley-forum/parley/attachment"
	"github.com/parley-forum/parley/progress"
	"github.com/schollz/progressbar/v3"
)

const reindexUsage = `Usage: parley reindex [flags]

Builds the full-text search index again from the forum's threads and posts. A database
made before search existed has an empty index, so search finds nothing until this runs
once: serve says so in its log at start. Every write keeps the index up to date after that.
Text files attached before search read them (logs, crash reports) are read from where the
files live first, so that their text is found with their posts.

The forum may keep serving meanwhile: threads are indexed a few hundred at a time, each
batch in a short transaction, so readers are never held up and a reply or an edit waits
for a fraction of a second at most. Running it again, or after it was interrupted, is
harmless: it indexes every thread afresh.

Flags:
`

func runReindex(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := &serveConfig{}
	f := newFlags("reindex", getenv, stderr)
	f.Usage = func() { fmt.Fprint(stderr, reindexUsage); f.PrintDefaults() }
	c.common.register(f)
	f.String(&c.Blobs, "blobs", "", "where the attached files live: database (PostgreSQL only) or folder (--data's blobs/); the default is serve's")
	if err := f.parse(args); err != nil {
		return err
	}
	if err := c.validateBlobs(); err != nil {
		return err
	}
	store, blobs, err := c.openWithBlobs(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	files, err := store.FillFileTexts(ctx, func(ctx context.Context, key string) (string, error) {
		content, err := blobs.Open(ctx, key)
		if err != nil {
			return "", err
		}
		defer content.Close()
		return attachment.ReadText(content)
	})
	if err != nil {
		return fmt.Errorf("read attached text files: %w", err)
	}
	total, err := reindex(ctx, store, stderr)
	if err != nil {
		return err
	}
	if files > 0 {
		fmt.Fprintf(stdout, "Read the text of %d attached files.\n", files)
	}
	fmt.Fprintf(stdout, "Indexed %d threads of %s for search in %s.\n", total, c.database(), time.Since(start).Round(time.Second/10))
	return nil
}

// reindex builds store's search index again, drawing its progress on stderr, and returns
// how many threads it indexed.
func reindex(ctx context.Context, store database, stderr io.Writer) (int, error) {
	var bar *progressbar.ProgressBar
	var total int
	err := store.Reindex(ctx, func(done, n int) {
		if bar == nil {
			bar = progress.New(stderr, int64(n), "Indexing threads for search", "threads")
		} else if n != total {
			bar.ChangeMax(n) // threads started meanwhile
		}
		total = n
		bar.Set(done)
	})
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	return total, nil
}
