package sqlite

import (
	"context"
	"database/sql"
	"embed"

	"github.com/parley-forum/parley/schema"
	"github.com/parley-forum/parley/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the store's migrations, in order: what a database of this version of
// parley has applied, for checking another database against it.
func Migrations() ([]schema.Migration, error) { return schema.Read(migrationFiles, "migrations") }

// migrateTo brings the database to the given migrations, which are in order
// (sqlstore.Migrate). One process migrates a file at a time: its write transactions take
// the database's lock at BEGIN.
func migrateTo(ctx context.Context, write *sql.DB, all []schema.Migration) error {
	return sqlstore.Migrate(ctx, &db{write: write}, all)
}
