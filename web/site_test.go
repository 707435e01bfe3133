package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/markdown"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/sqlite"
	"github.com/parley-forum/parley/views"
	"github.com/parley-forum/parley/web"
)

// testSite is the whole site served over a real loopback listener, on a real SQLite file,
// or a real PostgreSQL database when PARLEY_TEST_STORE=postgres (see TestOnPostgres).
type testSite struct {
	URL    string
	Store  siteStore
	Views  *views.Counter
	Server *web.Server
}

// smallForum is the generated forum most page tests read: big enough for several pages
// per list, small enough to build in about a second.
var smallForum = demo.Config{Threads: 400, Posts: 2400, Users: 120, Seed: 7}

var (
	sharedOnce sync.Once
	shared     *testSite
	sharedErr  error
)

// sharedSite returns one read-only site for the package's tests; tests that write use newSite.
func sharedSite(t testing.TB) *testSite {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := tempDir()
		if err != nil {
			sharedErr = err
			return
		}
		shared, sharedErr = startSite(filepath.Join(dir, "parley.db"), smallForum, web.Config{}, nil)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

// newSite starts a private site over a forum generated from cfg.
func newSite(t testing.TB, cfg demo.Config) *testSite {
	t.Helper()
	return newSiteWith(t, cfg, web.Config{})
}

// newSiteWith is newSite with web settings; the base URL is filled in unless given.
func newSiteWith(t testing.TB, cfg demo.Config, wcfg web.Config) *testSite {
	t.Helper()
	s, err := startSite(filepath.Join(t.TempDir(), "parley.db"), cfg, wcfg, t.Cleanup)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// siteStore is what a test site runs on: any store that also answers readiness probes.
type siteStore interface {
	parley.Store
	Ping(context.Context) error
}

// testStoreVar chooses the database the package's sites run on: "postgres" for a fresh
// schema of the PostgreSQL test database (package pgtest), else SQLite.
const testStoreVar = "PARLEY_TEST_STORE"

// openStore opens a test site's empty store: at path for SQLite, in a new schema for
// PostgreSQL, reading time from clock (nil for the system's). cleanup (nil for the shared
// site, which lasts as long as the tests) receives what closes and removes it.
func openStore(path string, clock parley.Clock, cleanup func(func())) (siteStore, error) {
	if os.Getenv(testStoreVar) == "postgres" {
		if cleanup == nil {
			cleanup = func(f func()) { afterTests = append(afterTests, f) }
		}
		return pgtest.Open(clock, cleanup)
	}
	return sqlite.Open(context.Background(), path, sqlite.Options{Clock: clock})
}

func startSite(path string, cfg demo.Config, wcfg web.Config, cleanup func(func())) (*testSite, error) {
	store, err := openStore(path, nil, cleanup)
	if err != nil {
		return nil, err
	}
	if err := fill(store, cfg); err != nil {
		return nil, err
	}
	if pg, ok := store.(*postgres.Store); ok && wcfg.Blobs == nil {
		wcfg.Blobs = pg.Blobs() // as parley serve keeps files on PostgreSQL
	}
	if wcfg.Blobs == nil {
		if wcfg.Blobs, err = blob.NewDir(filepath.Join(filepath.Dir(path), "blobs")); err != nil {
			return nil, err
		}
	}
	if cleanup != nil {
		cleanup(func() { store.Close() })
	}
	return serveStore(store, wcfg, cleanup)
}

// fill writes a forum generated from cfg into an empty store.
func fill(store parley.Store, cfg demo.Config) error {
	ctx := context.Background()
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	w, err := store.Bulk(ctx)
	if err != nil {
		return err
	}
	return demo.Generate(ctx, cfg, markdown.New(), w, nil)
}

// serveStore serves a site on a store that is already filled, as one more node would;
// cleanup, when not nil, receives what stops it, but the store stays open.
func serveStore(store siteStore, wcfg web.Config, cleanup func(func())) (*testSite, error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	counter := views.New(store, time.Hour, log)
	srv := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + srv.Listener.Addr().String())
	if wcfg.BaseURL == nil {
		wcfg.BaseURL = base
	}
	wcfg.SiteName = "Parley"
	site, err := web.New(wcfg, store, counter, store, log)
	if err != nil {
		return nil, err
	}
	srv.Config.Handler = site.Handler()
	srv.Start()
	if cleanup != nil {
		cleanup(func() { site.Close(); srv.Close() })
	}
	return &testSite{URL: srv.URL, Store: store, Views: counter, Server: site}, nil
}

// get fetches a path and returns the response with its body read.
func (s *testSite) get(t testing.TB, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}
