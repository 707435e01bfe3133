package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/dbcopy"
	"github.com/parley-forum/parley/opendata"
)

const exportUsage = `Usage: parley export [flags] DIR

Writes the whole forum as open data into DIR, a new or empty folder: topics.jsonl,
tags.jsonl, users.jsonl and threads.jsonl (each thread with its posts, their earlier
versions, boosters and files), the attached files in files/, named by their SHA-256, and
manifest.json with every data file's SHA-256. Only what any reader may see is written:
no email, password hash or session, no deleted thread nor hidden reply. The forum is read
in one snapshot, so a server may go on serving meanwhile. See docs/export.md.

Flags:
`

const importParleyUsage = `Usage: parley import parley [flags] DIR

Reads an export made by parley export into an empty forum: every file is checked against
the export's manifest first, and a file that changed is named before anything is written.
A forum that holds topics, tags, users or threads is refused. Make the first admin
(parley user create) after the import.

Flags:
`

func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, dir, err := parseOpenData("export", exportUsage, args, getenv, stderr)
	if err != nil {
		return err
	}
	store, blobs, err := c.openWithBlobs(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	from := c.dbPath()
	if c.DatabaseURL != "" {
		from = c.DatabaseURL
	}
	snap, err := dbcopy.OpenSnapshot(ctx, from)
	if err != nil {
		return err
	}
	defer snap.Close()
	start := time.Now()
	m, err := opendata.Export(ctx, snap, blobs, dir, opendata.Options{ParleyVersion: version(), Progress: stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Exported %d threads, %d users, %d tags and %d files (%.1f MB) into %s in %s.\n",
		m.Records(opendata.ThreadsFile), m.Records(opendata.UsersFile), m.Records(opendata.TagsFile), m.Contents.Count,
		float64(m.Contents.Bytes)/1e6, dir, time.Since(start).Round(time.Second/10))
	return nil
}

func runImportParley(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, dir, err := parseOpenData("import parley", importParleyUsage, args, getenv, stderr)
	if err != nil {
		return err
	}
	c.loading = true
	store, blobs, err := c.openWithBlobs(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	m, err := opendata.Import(ctx, store, blobs, dir, opendata.Options{Progress: stderr})
	if errors.Is(err, opendata.ErrLoadStopped) {
		return loadStopped(err, c.database())
	}
	var pe *parley.Error
	if errors.As(err, &pe) {
		return errors.New(pe.Message)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Imported %d threads, %d users, %d tags and %d files from %s into %s in %s.\n",
		m.Records(opendata.ThreadsFile), m.Records(opendata.UsersFile), m.Records(opendata.TagsFile), m.Contents.Count,
		dir, c.database(), time.Since(start).Round(time.Second/10))
	return nil
}

// parseOpenData reads the flags export and import parley share: the database's, where
// the attached files live, and the export's folder.
func parseOpenData(name, usage string, args []string, getenv func(string) string, stderr io.Writer) (*serveConfig, string, error) {
	c := &serveConfig{}
	f := newFlags(name, getenv, stderr)
	f.Usage = func() { fmt.Fprint(stderr, usage); f.PrintDefaults() }
	c.common.register(f)
	f.String(&c.Blobs, "blobs", "", "where the attached files live: database (PostgreSQL only) or folder (--data's blobs/); the default is serve's")
	dir, rest := splitDir(args)
	if err := f.parse(rest); err != nil {
		return nil, "", err
	}
	if dir == "" {
		return nil, "", fmt.Errorf("name the export's folder: parley %s DIR", name)
	}
	return c, dir, c.validateBlobs()
}
