package sqlstore

import (
	"context"
	"fmt"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/schema"
)

// Migratable is a database as Migrate changes it: a write transaction (DB.InTx).
type Migratable interface {
	InTx(ctx context.Context, fn func(tx Querier) error) error
}

// Migrate applies every migration of all, which are in order, that the database has not
// seen (schema.Pending: applied read as a set, so a migration released out of order is
// still applied, and a database newer than all refused), in order, each in its own
// transaction together with its record in schema_migrations. A database that several
// nodes migrate at once takes its lock around the call.
func Migrate(ctx context.Context, db Migratable, all []schema.Migration) error {
	var applied []int
	err := db.InTx(ctx, func(tx Querier) (err error) {
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT    NOT NULL,
			applied_at BIGINT  NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT version FROM schema_migrations`)
		applied, err = collect(rows, err, scanValue[int])
		if err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	pending, err := schema.Pending(all, applied)
	if err != nil {
		return err
	}
	for _, m := range pending {
		err := db.InTx(ctx, func(tx Querier) error {
			return ExecAll(ctx, tx, stmt(m.SQL), stmt(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, time.Now().UnixMilli()))
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return nil
}

// SchemaVersion returns the newest migration applied to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.Reader(parley.ReadPrimary(ctx)).QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
