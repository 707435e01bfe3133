// Package postgres stores the forum in PostgreSQL through pgx, for operators who run
// several app nodes in front of one database. It passes the same conformance suite as the
// SQLite store (package storetest) and keeps the same schema design and sort keys, so that
// cursors mean the same on both.
//
// The store keeps nothing in memory that another node's writes could make wrong for long:
// the forum's structure and the tag names are cached for at most a few seconds (topicsTTL,
// tagsTTL); everything else is read from the database every time.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
	"github.com/prometheus/client_golang/prometheus"
)

// Store is a parley.Store on a PostgreSQL database.
type Store struct {
	*sqlstore.Store
	pool *pgxpool.Pool
	// replica, when set, serves the list and thread reads; see reader.
	replica *pgxpool.Pool
}

var _ parley.Store = (*Store)(nil)

// Options tune a Store; the zero value is right for serving.
type Options struct {
	// Clock replaces time.Now, for tests.
	Clock parley.Clock
	// Schema, when set, is the schema the store's tables live in (the connection's
	// search_path), which must exist; tests give each store a schema of its own.
	Schema string
	// MaxConns sizes the pool; 0 means the URL's pool_max_conns when it has one, else
	// DefaultMaxConns.
	MaxConns int32
	// ReadURL, when set, names a read replica of the database: list, thread, post, tag and
	// profile reads go there, unless their context asks for the primary
	// (parley.ReadPrimary). Writes, sessions and moderators' reads stay on the primary.
	ReadURL string
}

// DefaultMaxConns sizes the connection pool when neither Options nor the URL do: four
// connections per CPU the process may use, at most 32. A page runs one to three short
// queries, one at a time, and a query spends much of its time in the database or on the
// network rather than on this process's CPUs, so four per CPU keeps the CPUs busy; more
// would only queue inside PostgreSQL, where each connection costs a backend process and
// its memory, and several app nodes share the server's max_connections (100 by default).
func DefaultMaxConns() int32 { return int32(min(4*runtime.GOMAXPROCS(0), 32)) }

// Open connects to the database at url (postgres://user@host:port/db?…, or the key=value
// form) and brings its schema up to date. The URL may set pgxpool's pool_ parameters
// (pool_max_conns, pool_max_conn_idle_time, …).
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	switch {
	case opts.MaxConns > 0:
		cfg.MaxConns = opts.MaxConns
	case !strings.Contains(url, "pool_max_conns"):
		cfg.MaxConns = DefaultMaxConns()
	}
	if opts.Schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = opts.Schema
	}
	planOnce(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Store{pool: pool}
	all, err := Migrations()
	if err == nil {
		err = migrateTo(ctx, pool, all)
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	if opts.ReadURL != "" {
		if s.replica, err = openReplica(ctx, opts.ReadURL, cfg); err != nil {
			pool.Close()
			return nil, fmt.Errorf("read replica URL: %w", err)
		}
	}
	s.Store = sqlstore.New(&db{primary: s.pool, replica: s.replica}, dialect, opts.Clock)
	return s, nil
}

// planOnce has each connection plan a prepared statement once, for any values, unless
// the URL sets plan_cache_mode. The forum's reads and writes look rows up by key and walk
// indexes in order, whatever the values; yet PostgreSQL, judging a list's generic plan
// dearer than one made for the values at hand (it guesses at how many threads a tag has),
// planned every list read again: most of what a list page cost it (docs/performance.md).
// Searches, whose best plans do depend on their words, are planned for them (byValue).
func planOnce(cfg *pgxpool.Config) {
	if _, set := cfg.ConnConfig.RuntimeParams["plan_cache_mode"]; !set {
		cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	}
}

// openReplica connects to a read replica with the primary's pool settings, schema and
// planning unless its URL says otherwise; it is not migrated (a replica follows the
// primary's schema) and must answer at once.
func openReplica(ctx context.Context, url string, primary *pgxpool.Config) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = primary.MaxConns
	for _, param := range []string{"search_path", "plan_cache_mode"} {
		if v, ok := primary.ConnConfig.RuntimeParams[param]; ok {
			if _, set := cfg.ConnConfig.RuntimeParams[param]; !set {
				cfg.ConnConfig.RuntimeParams[param] = v
			}
		}
	}
	replica, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		if err = replica.Ping(ctx); err != nil {
			replica.Close()
		}
	}
	return replica, err
}

// Pool is the store's connection pool, for what works beside the store on the same
// database (notifications between nodes, for one).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes the pools, waiting for connections in use to be returned.
func (s *Store) Close() error {
	s.pool.Close()
	if s.replica != nil {
		s.replica.Close()
	}
	return nil
}

// Ping checks that the database, and the replica if there is one, answer, for readiness
// probes.
func (s *Store) Ping(ctx context.Context) error {
	if s.replica != nil {
		if err := s.replica.Ping(ctx); err != nil {
			return fmt.Errorf("read replica: %w", err)
		}
	}
	return s.pool.Ping(ctx)
}

// collect reads every row of a query with fn; a query's error passes through, so that
// running a query and reading its rows is one call.
func collect[T any](rows pgx.Rows, err error, fn pgx.RowToFunc[T]) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, fn)
}

// PostgreSQL error codes the store acts on.
const (
	codeUniqueViolation      = "23505"
	codeForeignKeyViolation  = "23503"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
	// codeNotText: a NUL byte or bytes that are not UTF-8, which PostgreSQL text refuses.
	codeNotText = "22021"
)

// pgCode returns the SQLSTATE of a PostgreSQL error, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func isUniqueViolation(err error) bool     { return pgCode(err) == codeUniqueViolation }
func isForeignKeyViolation(err error) bool { return pgCode(err) == codeForeignKeyViolation }

func notText(err error) bool { return pgCode(err) == codeNotText }

func retryable(err error) bool {
	c := pgCode(err)
	return c == codeSerializationFailure || c == codeDeadlockDetected
}

func (s *Store) Collectors() []prometheus.Collector {
	stat := func(f func(*pgxpool.Stat) float64) func() float64 {
		return func() float64 { return f(s.pool.Stat()) }
	}
	gauge := func(name, help string, f func(*pgxpool.Stat) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, stat(f))
	}
	counter := func(name, help string, f func(*pgxpool.Stat) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, stat(f))
	}
	return []prometheus.Collector{
		gauge("parley_db_pool_connections_in_use", "Database connections running a query.", func(st *pgxpool.Stat) float64 { return float64(st.AcquiredConns()) }),
		gauge("parley_db_pool_connections_idle", "Database connections open and idle.", func(st *pgxpool.Stat) float64 { return float64(st.IdleConns()) }),
		gauge("parley_db_pool_connections_max", "The most database connections the pool opens.", func(st *pgxpool.Stat) float64 { return float64(st.MaxConns()) }),
		counter("parley_db_pool_waits_total", "Times a request waited for a free database connection.", func(st *pgxpool.Stat) float64 { return float64(st.EmptyAcquireCount()) }),
		counter("parley_db_pool_wait_seconds_total", "Time requests spent waiting for a free database connection.", func(st *pgxpool.Stat) float64 { return st.AcquireDuration().Seconds() }),
	}
}
