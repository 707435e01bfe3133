package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-forum/parley/schema"
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
