// Package pgtest opens PostgreSQL stores for tests, each in a schema of its own that is
// dropped when the test ends, so tests and test runs never see one another's data.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/postgres"
)

// DefaultURL is the test database: a local server that trusts local connections, with a
// database named test.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test"

// URL is the test database's URL: PARLEY_TEST_DATABASE_URL, or DefaultURL.
func URL() string {
	if u := os.Getenv("PARLEY_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// howToStart is what a test says when the server does not answer.
const howToStart = `PostgreSQL tests need a server at %s (set PARLEY_TEST_DATABASE_URL for another).
On Debian, start the installed cluster with:
    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
and create the database once with: createdb -h 127.0.0.1 -U postgres test
(%v)`

// MustOpen opens a new, empty, migrated store in a fresh schema of the test database. The
// store is closed and the schema dropped when the test ends. A server that cannot be
// reached fails the test, saying how to start one.
func MustOpen(tb testing.TB, clock parley.Clock) *postgres.Store {
	tb.Helper()
	s, err := Open(clock, tb.Cleanup)
	if err != nil {
		tb.Fatalf(howToStart, URL(), err)
	}
	return s
}

// Open is MustOpen for callers without a testing.TB, such as a store shared by a package's
// tests: cleanup receives what undoes it (t.Cleanup, or a function run after the tests).
func Open(clock parley.Clock, cleanup func(func())) (*postgres.Store, error) {
	schema, drop, err := newSchema()
	if err != nil {
		return nil, err
	}
	s, err := postgres.Open(context.Background(), URL(), postgres.Options{Clock: clock, Schema: schema, MaxConns: 8})
	if err != nil {
		drop()
		return nil, err
	}
	cleanup(func() { s.Close(); drop() })
	return s, nil
}

// MustURL returns the test database's URL with a fresh, empty schema as its search_path,
// for commands that take a database URL; the schema is dropped when the test ends.
func MustURL(tb testing.TB) string {
	tb.Helper()
	schema, drop, err := newSchema()
	if err != nil {
		tb.Fatalf(howToStart, URL(), err)
	}
	tb.Cleanup(drop)
	u, err := url.Parse(URL())
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema) // a parameter pgx does not know is sent as a run-time setting
	u.RawQuery = q.Encode()
	return u.String()
}

// newSchema creates a schema with a random name and returns it with what drops it.
func newSchema() (string, func(), error) {
	schema := "parley_test_" + randomHex(6)
	if err := exec(context.Background(), `CREATE SCHEMA `+schema); err != nil {
		return "", nil, err
	}
	return schema, func() { exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`) }, nil
}

func exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, URL())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
