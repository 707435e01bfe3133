package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/parley-forum/parley/schema"
	"github.com/parley-forum/parley/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the store's migrations, in order: what a database of this version of
// parley has applied, for checking another database against it.
func Migrations() ([]schema.Migration, error) { return schema.Read(migrationFiles, "migrations") }

// migrateTo brings the database to the given migrations, which are in order
// (sqlstore.Migrate).
//
// Several nodes may start at once: a session advisory lock, named after the schema, lets
// one of them migrate while the others wait and then find nothing left to do.
func migrateTo(ctx context.Context, pool *pgxpool.Pool, all []schema.Migration) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Release()
	const lockKey = `hashtext('parley migrate ' || current_schema())`
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+lockKey+`)`); err != nil {
		return fmt.Errorf("lock for migrating: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+lockKey+`)`)
	return sqlstore.Migrate(ctx, lockedConn{conn}, all)
}

// lockedConn runs a migration's transactions on the connection that holds the lock.
type lockedConn struct{ conn *pgxpool.Conn }

func (c lockedConn) InTx(ctx context.Context, fn func(sqlstore.Querier) error) error {
	return pgx.BeginFunc(ctx, c.conn, func(tx pgx.Tx) error { return fn(querier{tx}) })
}
