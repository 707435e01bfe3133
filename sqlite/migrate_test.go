package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parley-forum/parley/schema"
	"github.com/parley-forum/parley/search"
)

// TestMigrationsArrivingOutOfOrder applies 1 and 3, then a binary that also knows 2: the
// late migration is applied although a newer one was already. A binary that does not know
// 3 refuses the database.
func TestMigrationsArrivingOutOfOrder(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", dsn(filepath.Join(t.TempDir(), "m.db"), false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	one := schema.Migration{Version: 1, Name: "0001_a", SQL: "CREATE TABLE a (x INTEGER)"}
	two := schema.Migration{Version: 2, Name: "0002_b", SQL: "CREATE TABLE b (x INTEGER)"}
	three := schema.Migration{Version: 3, Name: "0003_c", SQL: "CREATE TABLE c (x INTEGER)"}
	if err := migrateTo(ctx, db, []schema.Migration{one, three}); err != nil {
		t.Fatal(err)
	}
	if err := migrateTo(ctx, db, []schema.Migration{one, two, three}); err != nil {
		t.Fatalf("applying the late migration: %v", err)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO b VALUES (1)"); err != nil {
		t.Errorf("the late migration was not applied: %v", err)
	}
	if err := migrateTo(ctx, db, []schema.Migration{one, two}); err == nil || !strings.Contains(err.Error(), "upgrade parley") {
		t.Errorf("a binary without migration 3: %v, want a refusal", err)
	}
}

// mustMigrateBefore opens a new database migrated up to, and not including, the migration
// named, and returns it with every migration, for a test to fill it and then upgrade it.
func mustMigrateBefore(t *testing.T, name string) (*sql.DB, []schema.Migration) {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(filepath.Join(t.TempDir(), "m.db"), false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	all, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(all, func(m schema.Migration) bool { return m.Name == name })
	if i < 0 {
		t.Fatalf("no migration %s", name)
	}
	if err := migrateTo(context.Background(), db, all[:i]); err != nil {
		t.Fatal(err)
	}
	return db, all
}

// TestLowerIndexesUpgradeInPlace brings a database with users up to the indexes on
// lower(handle) and lower(email), and checks that lookups in any case read them.
func TestLowerIndexesUpgradeInPlace(t *testing.T) {
	ctx := context.Background()
	db, all := mustMigrateBefore(t, "0007_shared_indexes")
	upgrade(t, db, all, `INSERT INTO users (handle, display_name, email, created_at)
		VALUES ('Ana', 'Ana', 'Ana@Example.com', 1), ('bo', 'Bo', NULL, 1), ('cy', 'Cy', NULL, 1)`)
	for _, c := range []struct{ where, index string }{
		{"lower(handle) = lower(?)", "users_handle"},
		{"lower(email) = lower(?)", "users_email"},
	} {
		if plan := queryPlan(t, db, `SELECT id FROM users WHERE `+c.where, "ANA"); !strings.Contains(plan, "USING INDEX "+c.index) {
			t.Errorf("%s reads\n%s want index %s", c.where, plan, c.index)
		}
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO users (handle, display_name, created_at) VALUES ('ANA', 'Other', 1)`); err == nil {
		t.Error("a handle differing only in case was stored")
	}
}

// TestViewsInOneListIndexUpgradeInPlace brings a database whose list indexes all held the
// view count (0028) up to the count in the views' index alone: moving a thread's listed
// count (sqlstore AddViews) then writes one index a list entry, not five. Every sort's page
// is still one range of its index, read in order.
func TestViewsInOneListIndexUpgradeInPlace(t *testing.T) {
	db, all := mustMigrateBefore(t, "0029_views_in_one_list_index")
	upgrade(t, db, all, `SELECT 1`)
	for column, index := range map[string]string{"last_activity_at": "listings_by_activity", "created_at": "listings_by_created",
		"reply_count": "listings_by_replies", "boost_count": "listings_by_boosts", "view_count": "listings_by_views"} {
		if holds := indexHolds(t, db, index, "view_count"); holds != (index == "listings_by_views") {
			t.Errorf("%s holds view_count: %v", index, holds)
		}
		plan := queryPlan(t, db, `SELECT l.thread_id, l.`+column+`, l.view_count, l.pinned
			FROM thread_listings l INDEXED BY `+index+`
			WHERE l.scope = ? AND l.pinned = false AND l.answered = false AND l.staff_replied = true
			  AND (l.`+column+`, l.thread_id) < (?, ?)
			ORDER BY l.`+column+` DESC, l.thread_id DESC LIMIT 31`, 0, 1<<62, 1<<62)
		if !strings.Contains(plan, "INDEX "+index+" (scope=? AND") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("a list by %s reads\n%s want a range of %s in order", column, plan, index)
		}
	}
}

// indexHolds reports whether index has column among its columns.
func indexHolds(t *testing.T, db *sql.DB, index, column string) bool {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM pragma_index_info(?) WHERE name = ?`, index, column).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// queryPlan returns what EXPLAIN QUERY PLAN says of query, a line a step.
func queryPlan(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan.String()
}

// TestAttachmentAuthorsUpgradeInPlace brings a database with files attached to posts of two
// authors up to attachments.author_id and posts.file_count: every attachment names its
// post's author, and every post counts its files.
func TestAttachmentAuthorsUpgradeInPlace(t *testing.T) {
	db, all := mustMigrateBefore(t, "0009_attachments_by_author")
	upgrade(t, db, all, `
		INSERT INTO users (id, handle, display_name, created_at) VALUES (1, 'ana', 'Ana', 1), (2, 'bo', 'Bo', 1);
		INSERT INTO topics (id, slug, name) VALUES (1, 't', 'T');
		INSERT INTO subtopics (id, topic_id, slug, name) VALUES (1, 1, 's', 'S');
		INSERT INTO threads (id, title, subtopic_id, topic_id, author_id, tag_ids, created_at, last_activity_at)
			VALUES (1, 'A crash', 1, 1, 1, '', 1, 2);
		INSERT INTO posts (id, thread_id, author_id, original, body, html, created_at)
			VALUES (1, 1, 1, 1, 'q', '<p>q</p>', 1), (2, 1, 2, 0, 'a', '<p>a</p>', 2);
		INSERT INTO attachments (post_id, name, content_type, size, sha256, created_at)
			VALUES (1, 'a.log', 'text/plain', 3, 'aa', 1), (2, 'b.log', 'text/plain', 4, 'bb', 2), (2, 'c.log', 'text/plain', 5, 'cc', 2)`)
	wantPairs(t, db, "attachments after the upgrade name their authors",
		`SELECT name, coalesce(author_id, 0) FROM attachments ORDER BY id`, "a.log=1 b.log=2 c.log=2")
	wantPairs(t, db, "posts after the upgrade count their files",
		`SELECT id, file_count FROM posts ORDER BY id`, "1=1 2=2")
}

// TestLinkCountsUpgradeInPlace brings a database with links between threads up to
// threads.link_count: each thread counts its links in both directions.
func TestLinkCountsUpgradeInPlace(t *testing.T) {
	db, all := mustMigrateBefore(t, "0015_thread_link_count")
	upgrade(t, db, all, oneSubtopic+`
		INSERT INTO threads (id, title, subtopic_id, topic_id, author_id, tag_ids, created_at, last_activity_at)
			VALUES (1, 'One', 1, 1, 1, '', 1, 1), (2, 'Two', 1, 1, 1, '', 1, 1), (3, 'Three', 1, 1, 1, '', 1, 1), (4, 'Four', 1, 1, 1, '', 1, 1);
		INSERT INTO thread_links (thread_id, target_id, kind) VALUES (2, 1, 'duplicate'), (3, 1, 'related'), (2, 3, 'related')`)
	wantPairs(t, db, "link counts after the upgrade", `SELECT id, link_count FROM threads ORDER BY id`, "1=2 2=2 3=2 4=0")
}

// An upgraded forum's threads take as listed views the least their list entries hold, so
// that the lists' copy never drifts by more than an eighth after the upgrade either; and
// both counts move with the upgrade to the table of views.
func TestListedViewsUpgradeInPlace(t *testing.T) {
	db, all := mustMigrateBefore(t, "0023_listed_views")
	upgrade(t, db, all, oneSubtopic+`
		INSERT INTO threads (id, title, subtopic_id, topic_id, author_id, tag_ids, created_at, last_activity_at, view_count)
			VALUES (1, 'Listed', 1, 1, 1, '', 1, 1, 105), (2, 'Deleted, in no list', 1, 1, 1, '', 1, 1, 40);
		INSERT INTO thread_listings (scope, thread_id, created_at, last_activity_at, reply_count, boost_count, view_count, answered, staff_replied)
			VALUES (0, 1, 1, 1, 0, 0, 100, 0, 0), (1, 1, 1, 1, 0, 0, 104, 0, 0)`)
	wantPairs(t, db, "listed views after the upgrade", `SELECT thread_id, listed_view_count FROM thread_views ORDER BY thread_id`, "1=100 2=40")
	wantPairs(t, db, "views after the upgrade", `SELECT thread_id, view_count FROM thread_views ORDER BY thread_id`, "1=105 2=40")
}

// TestTitleIndexUpgradeInPlace brings a forum up to the titles' index: each live thread
// whose question is visible has its title found there at once, code terms and stemmed
// words alike, and no other thread has.
func TestTitleIndexUpgradeInPlace(t *testing.T) {
	db, all := mustMigrateBefore(t, "0025_title_index")
	upgrade(t, db, all, oneSubtopic+`
		INSERT INTO threads (id, title, subtopic_id, topic_id, author_id, tag_ids, created_at, last_activity_at, deleted_at)
			VALUES (1, 'URLSession fails offline with -1009', 1, 1, 1, '', 1, 1, NULL), (2, 'Offline', 1, 1, 1, '', 1, 1, 2),
			       (3, 'Offline', 1, 1, 1, '', 1, 1, NULL);
		INSERT INTO posts (id, thread_id, author_id, original, body, html, created_at, hidden_at)
			VALUES (1, 1, 1, 1, 'q', '<p>q</p>', 1, NULL), (2, 1, 1, 0, 'a', '<p>a</p>', 1, NULL),
			       (3, 2, 1, 1, 'q', '<p>q</p>', 1, NULL), (4, 3, 1, 1, 'q', '<p>q</p>', 1, 2), (5, 3, 1, 0, 'a', '<p>a</p>', 1, NULL)`)
	for _, query := range []string{ftsQuery([][]search.Term{{{Words: []string{"offline"}}}}, true),
		ftsQuery([][]search.Term{{{Code: "-1009"}, {Code: "urlsession"}, {Words: []string{"failing"}}}}, true)} {
		wantPairs(t, db, "titles matching "+query+" after the upgrade",
			`SELECT rowid, 'found' FROM title_fts WHERE title_fts MATCH '`+strings.ReplaceAll(query, "'", "''")+`'`, "1=found")
	}
}

// oneSubtopic seeds a forum with a member (1) and a subtopic (1) of a topic (1), for the
// threads of a test's seed.
const oneSubtopic = `
	INSERT INTO users (id, handle, display_name, created_at) VALUES (1, 'ana', 'Ana', 1);
	INSERT INTO topics (id, slug, name) VALUES (1, 't', 'T');
	INSERT INTO subtopics (id, topic_id, slug, name) VALUES (1, 1, 's', 'S');`

// upgrade writes seed into a database migrated up to a migration, then applies the rest.
func upgrade(t *testing.T, db *sql.DB, all []schema.Migration, seed string) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, seed); err != nil {
		t.Fatal(err)
	}
	if err := migrateTo(ctx, db, all); err != nil {
		t.Fatalf("upgrading: %v", err)
	}
}

// wantPairs checks the rows of a query of two columns, written "a=b c=d" in its order.
func wantPairs(t *testing.T, db *sql.DB, what, query, want string) {
	t.Helper()
	var got string
	if err := db.QueryRowContext(context.Background(), `WITH r (k, v) AS (`+query+`) SELECT coalesce(group_concat(k || '=' || v, ' '), '') FROM r`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("%s: %q, want %q", what, got, want)
	}
}
