package postgres

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/parley-forum/parley/schema"
)

// TestMigrationsArrivingOutOfOrder applies 1 and 3, then a binary that also knows 2: the
// late migration is applied although a newer one was already. A binary that does not know
// 3 refuses the database.
func TestMigrationsArrivingOutOfOrder(t *testing.T) {
	ctx := context.Background()
	pool := testSchema(t)
	one := schema.Migration{Version: 1, Name: "0001_a", SQL: "CREATE TABLE a (x INT)"}
	two := schema.Migration{Version: 2, Name: "0002_b", SQL: "CREATE TABLE b (x INT)"}
	three := schema.Migration{Version: 3, Name: "0003_c", SQL: "CREATE TABLE c (x INT)"}
	if err := migrateTo(ctx, pool, []schema.Migration{one, three}); err != nil {
		t.Fatal(err)
	}
	if err := migrateTo(ctx, pool, []schema.Migration{one, two, three}); err != nil {
		t.Fatalf("applying the late migration: %v", err)
	}
	if _, err := pool.Exec(ctx, "INSERT INTO b VALUES (1)"); err != nil {
		t.Errorf("the late migration was not applied: %v", err)
	}
	if err := migrateTo(ctx, pool, []schema.Migration{one, two}); err == nil || !strings.Contains(err.Error(), "upgrade parley") {
		t.Errorf("a binary without migration 3: %v, want a refusal", err)
	}
}

// TestTitleIndexUpgradeInPlace brings a forum indexed for search up to the titles' index:
// each live thread whose question is indexed has its title found there at once, with the
// weight a query of titles asks for, and no other thread has.
func TestTitleIndexUpgradeInPlace(t *testing.T) {
	ctx := context.Background()
	// Thread 1's question (post 1) and reply are indexed; thread 2 is deleted and thread
	// 3's question hidden, so neither's question is.
	pool := upgradeFrom(t, "0022_title_index", `
		INSERT INTO users (id, handle, display_name, created_at) VALUES (1, 'ana', 'Ana', 1);
		INSERT INTO topics (id, slug, name) VALUES (1, 't', 'T');
		INSERT INTO subtopics (id, topic_id, slug, name) VALUES (1, 1, 's', 'S');
		INSERT INTO threads (id, title, subtopic_id, topic_id, author_id, tag_ids, created_at, last_activity_at, deleted_at)
			VALUES (1, 'Offline with -1009', 1, 1, 1, '', 1, 1, NULL), (2, 'Offline', 1, 1, 1, '', 1, 1, 2), (3, 'Offline', 1, 1, 1, '', 1, 1, NULL);
		INSERT INTO posts (id, thread_id, author_id, original, body, html, created_at, hidden_at)
			VALUES (1, 1, 1, true, 'q', '<p>q</p>', 1, NULL), (2, 1, 1, false, 'a', '<p>a</p>', 1, NULL),
			       (3, 2, 1, true, 'q', '<p>q</p>', 1, NULL), (4, 3, 1, true, 'q', '<p>q</p>', 1, 2), (5, 3, 1, false, 'a', '<p>a</p>', 1, NULL);
		INSERT INTO post_search (post_id, thread_id, original, document)
			SELECT id, thread_id, original, `+document("'offline'", "'-1009'", "'reachability'", "''")+`
			FROM posts WHERE id IN (1, 2, 5)`)
	for _, query := range []string{"'offlin':A", "'-1009':A", "'offlin':A & '-1009':A"} {
		var got string
		if err := pool.QueryRow(ctx, `SELECT coalesce(string_agg(post_id || '/' || thread_id, ' ' ORDER BY post_id), '')
			FROM title_search WHERE document @@ $1::tsquery`, query).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != "1/1" {
			t.Errorf("titles matching %s after the upgrade: %q, want thread 1's question alone, 1/1", query, got)
		}
	}
	var body int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM title_search WHERE document @@ 'reachability'::tsquery`).Scan(&body); err != nil || body != 0 {
		t.Errorf("titles holding a word of the body: %d, %v; want 0", body, err)
	}
}

// TestThreadViewsUpgradeInPlace brings a forum up to the table of views: every thread, viewed
// or not, has its row there, with the counts it had.
func TestThreadViewsUpgradeInPlace(t *testing.T) {
	pool := upgradeFrom(t, "0024_thread_views", `
		INSERT INTO users (id, handle, display_name, created_at) VALUES (1, 'ana', 'Ana', 1);
		INSERT INTO topics (id, slug, name) VALUES (1, 't', 'T');
		INSERT INTO subtopics (id, topic_id, slug, name) VALUES (1, 1, 's', 'S');
		INSERT INTO threads (id, title, subtopic_id, topic_id, author_id, tag_ids, created_at, last_activity_at, view_count, listed_view_count)
			VALUES (1, 'Viewed', 1, 1, 1, '{}', 1, 1, 105, 100), (2, 'Never viewed', 1, 1, 1, '{}', 1, 1, 0, 0)`)
	var got string
	if err := pool.QueryRow(context.Background(), `SELECT string_agg(thread_id || ':' || view_count || '/' || listed_view_count, ' ' ORDER BY thread_id)
		FROM thread_views`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "1:105/100 2:0/0" {
		t.Errorf("views after the upgrade: %q, want 1:105/100 2:0/0", got)
	}
}

// TestPhrasePairsUpgradeInPlace: a forum whose index was written before the pairs of words
// is known not to hold them, so that phrases are found by their words alone until parley
// reindex (TestPhrasesFoundByTheirPairs); a forum with an empty index holds them all.
func TestPhrasePairsUpgradeInPlace(t *testing.T) {
	for _, c := range []struct {
		name, setup string
		pairs       bool
	}{
		{"indexed", `
			INSERT INTO users (id, handle, display_name, created_at) VALUES (1, 'ana', 'Ana', 1);
			INSERT INTO topics (id, slug, name) VALUES (1, 't', 'T');
			INSERT INTO subtopics (id, topic_id, slug, name) VALUES (1, 1, 's', 'S');
			INSERT INTO threads (id, title, subtopic_id, topic_id, author_id, tag_ids, created_at, last_activity_at)
				VALUES (1, 'Crashes on launch', 1, 1, 1, '{}', 1, 1);
			INSERT INTO posts (id, thread_id, author_id, original, body, html, created_at) VALUES (1, 1, 1, true, 'q', '<p>q</p>', 1);
			INSERT INTO post_search (post_id, thread_id, original, document)
				VALUES (1, 1, true, ` + document("'crashes launch'", "''", "'q'", "''") + `)`, false},
		{"empty", `SELECT 1`, true},
	} {
		pool := upgradeFrom(t, "0025_phrase_pairs", c.setup)
		var pairs bool
		if err := pool.QueryRow(context.Background(), `SELECT pairs FROM search_state`).Scan(&pairs); err != nil || pairs != c.pairs {
			t.Errorf("%s: search_state.pairs after the upgrade = %v, %v; want %v", c.name, pairs, err, c.pairs)
		}
	}
}

// upgradeFrom migrates a new schema up to the migration named before, runs setup on it, and
// upgrades it the rest of the way, as a forum made by an older parley is upgraded.
func upgradeFrom(t *testing.T, before, setup string) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool := testSchema(t)
	all, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(all, func(m schema.Migration) bool { return m.Name == before })
	if i < 0 {
		t.Fatalf("there is no migration %s", before)
	}
	if err := migrateTo(ctx, pool, all[:i]); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, setup); err != nil {
		t.Fatal(err)
	}
	if err := migrateTo(ctx, pool, all); err != nil {
		t.Fatalf("upgrading: %v", err)
	}
	return pool
}

// testSchema returns a pool on a new schema of the test database, dropped after the test.
// (Package pgtest cannot be used here, inside the package it opens.)
func testSchema(t *testing.T) *pgxpool.Pool {
	t.Helper()
	url, name := newTestSchema(t, "migrations")
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = name
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// newTestSchema makes a schema in the test database, dropped after the test, and returns
// the database's URL and the schema's name.
func newTestSchema(t *testing.T, purpose string) (url, name string) {
	t.Helper()
	ctx := context.Background()
	url = os.Getenv("PARLEY_TEST_DATABASE_URL")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/test"
	}
	name = "parley_test_" + purpose + "_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	admin, err := pgxpool.New(ctx, url)
	if err == nil {
		_, err = admin.Exec(ctx, `CREATE SCHEMA `+name)
	}
	if err != nil {
		t.Fatalf("PostgreSQL at %s: %v (see postgres/pgtest for how to start it)", url, err)
	}
	t.Cleanup(func() {
		admin.Exec(ctx, `DROP SCHEMA `+name+` CASCADE`)
		admin.Close()
	})
	return url, name
}
