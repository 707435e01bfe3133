package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/events"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/sqlite"
)

// database is what the commands need of a store beyond parley.Store; both the SQLite and
// the PostgreSQL store have it.
type database interface {
	parley.Store
	// Ping checks that the database answers, for /readyz.
	Ping(ctx context.Context) error
	// DeleteExpiredSessions sweeps expired sessions; serve calls it every hour.
	DeleteExpiredSessions(ctx context.Context) (int64, error)
	// SchemaVersion is the newest migration applied.
	SchemaVersion(ctx context.Context) (int, error)
	// Reindex builds the full-text index again (parley reindex), telling progress the
	// threads done and the total; SearchIndexMissing reports whether the index is empty
	// though there are posts to find, which serve warns of.
	Reindex(ctx context.Context, progress func(done, total int)) error
	SearchIndexMissing(ctx context.Context) (bool, error)
	// FillFileTexts gives the text files attached before search read them their text, read
	// from each content, which Reindex then indexes.
	FillFileTexts(ctx context.Context, read func(ctx context.Context, sha256 string) (string, error)) (int, error)
	// OnChange adds a listener told of every change committed; serve's notification
	// worker is woken by it.
	OnChange(fn func(context.Context, events.Event))
}

var (
	_ database = (*sqlite.Store)(nil)
	_ database = (*postgres.Store)(nil)
)

// open opens the database the settings name, bringing its schema up to date: PostgreSQL
// when --database-url is set, else the SQLite file in the data folder.
func (c *common) open(ctx context.Context) (database, error) {
	var db database
	var err error
	switch {
	case c.DatabaseURL != "":
		db, err = postgres.Open(ctx, c.DatabaseURL, postgres.Options{ReadURL: c.DatabaseReadURL})
	case c.DatabaseReadURL != "":
		return nil, errors.New("--database-read-url (PARLEY_DATABASE_READ_URL) names a replica of a PostgreSQL --database-url; there is none")
	default:
		db, err = sqlite.Open(ctx, c.dbPath(), sqlite.Options{ClearInterruptedLoad: c.loading})
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", c.database(), err)
	}
	return db, nil
}

// openWithBlobs opens the database and the store of its attached files.
func (c *serveConfig) openWithBlobs(ctx context.Context) (database, blob.Store, error) {
	db, err := c.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	blobs, err := c.openBlobs(db)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, blobs, nil
}

// openBlobs opens the store of attached files that --blobs chose: the database's, or the
// folder in the data folder.
func (c *serveConfig) openBlobs(db database) (blob.Store, error) {
	if pg, ok := db.(*postgres.Store); ok && c.Blobs == "database" {
		return pg.Blobs(), nil
	}
	return blob.NewDir(c.blobPath())
}

// database names the database for messages and logs, without a password.
func (c *common) database() string {
	if c.DatabaseURL == "" {
		return c.dbPath()
	}
	if u, err := url.Parse(c.DatabaseURL); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	return "at the PostgreSQL --database-url"
}
