package postgres

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/parley-forum/parley/schema"
)

// TestMigrationsArrivingOutOfOrder applies 1 and 3, then a binary that also knows 2: the
// late migration is applied although a newer one was already. A binary that does not know
// 3 refuses the database. (Package pgtest cannot be used here, inside the package it opens.)
func TestMigrationsArrivingOutOfOrder(t *testing.T) {
	ctx := context.Background()
	url := os.Getenv("PARLEY_TEST_DATABASE_URL")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/test"
	}
	name := "parley_test_migrations_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		_, err = pool.Exec(ctx, `CREATE SCHEMA `+name)
	}
	if err != nil {
		t.Fatalf("PostgreSQL at %s: %v (see postgres/pgtest for how to start it)", url, err)
	}
	pool.Close()
	defer func() {
		pool, _ := pgxpool.NewWithConfig(ctx, cfg.Copy())
		pool.Exec(ctx, `DROP SCHEMA `+name+` CASCADE`)
		pool.Close()
	}()
	cfg.ConnConfig.RuntimeParams["search_path"] = name
	if pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

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
