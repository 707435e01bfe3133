package main

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/postgres/pgtest"
)

// TestPostgresDatabase runs the commands on PostgreSQL, chosen by PARLEY_DATABASE_URL or
// --database-url, each in a fresh schema of the test database.
func TestPostgresDatabase(t *testing.T) {
	t.Parallel()
	t.Run("serve --demo seeds an empty database", func(t *testing.T) {
		dbURL, data := pgtest.MustURL(t), t.TempDir()
		srv := startServer(t, env("PARLEY_DATABASE_URL", dbURL), "serve", "--demo", "--addr", "127.0.0.1:0", "--data", data)
		for _, path := range []string{"/", "/threads/1", "/readyz"} {
			if res := srv.get(t, path, ""); res.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %d, want 200", path, res.StatusCode)
			}
		}
		if res := srv.get(t, "/threads/5", "reader/1.0"); res.StatusCode != http.StatusOK {
			t.Fatalf("GET /threads/5: %d", res.StatusCode)
		}
		if err := srv.shutdown(t); err != nil {
			t.Fatalf("run after shutdown: %v\nstderr:\n%s", err, srv.stderr)
		}
		if _, err := os.Stat(filepath.Join(data, "blobs")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a node on PostgreSQL made a blobs folder (%v); its files live in the database", err)
		}
		store, err := postgres.Open(t.Context(), dbURL, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		th, err := store.Thread(t.Context(), 5)
		if err != nil || th.ViewCount == 0 {
			t.Errorf("thread 5 after a view: %+v, %v; want its view written at shutdown", th.ViewCount, err)
		}
		if _, err := store.Thread(t.Context(), int64(smallDemo.Threads)); err != nil {
			t.Errorf("the last demo thread: %v", err)
		}
	})

	t.Run("migrate, demo and user create", func(t *testing.T) {
		dbURL := pgtest.MustURL(t)
		out, _, err := runCmd(t, env(), "migrate", "--database-url", dbURL)
		if err != nil || !regexp.MustCompile(`is at schema version [1-9]`).MatchString(out) {
			t.Fatalf("migrate: %q, %v", out, err)
		}
		out, _, err = runCmd(t, env("PARLEY_DATABASE_URL", dbURL), "demo", "--threads", "50", "--posts", "200", "--users", "20")
		if err != nil || !strings.Contains(out, "Built 50 threads, 200 posts and 20 users") {
			t.Fatalf("demo: %q, %v", out, err)
		}
		_, _, err = runCmd(t, env("PARLEY_DATABASE_URL", dbURL), "demo", "--threads", "50", "--posts", "200", "--users", "20")
		if err == nil || !strings.Contains(err.Error(), "empty") {
			t.Errorf("demo into a full database: %v, want an error saying it must be empty", err)
		}
		out, err = runInput(t, "correct horse battery\n", "user", "create", "--database-url", dbURL, "--handle", "root", "--name", "Root", "--email", "root@example.com", "--role", "admin")
		if err != nil || !strings.Contains(out, "Created admin root") {
			t.Errorf("user create: %q, %v", out, err)
		}
	})

	t.Run("an unreachable database", func(t *testing.T) {
		_, _, err := runCmd(t, env(), "migrate", "--database-url", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
		if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
			t.Errorf("migrate against nothing: %v, want an error naming the database", err)
		}
	})
}
