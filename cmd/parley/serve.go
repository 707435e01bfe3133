package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"strings"
	"sync"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/cache"
	"github.com/parley-forum/parley/email"
	"github.com/parley-forum/parley/events"
	"github.com/parley-forum/parley/notify"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/views"
	"github.com/parley-forum/parley/web"
)

const (
	viewWindow = time.Hour // a reader's repeat views of a thread within this count once
	// notifyInterval is how often a node looks for notification jobs it was not woken
	// for: those written on other nodes, or left by a node that stopped.
	notifyInterval = 5 * time.Second
	// emailInterval is how often a node looks for email it was not woken for: written on
	// other nodes, due again after a failure, or a digest due at midnight.
	emailInterval = 10 * time.Second
	shutdownGrace = 20 * time.Second
	// freshReads is how long a browser that wrote reads from the primary rather than the
	// replica: replication on a healthy network trails by well under a second.
	freshReads = 5 * time.Second
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, getenv, stderr)
	if err != nil {
		return err
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	store, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	if cfg.Demo {
		blobs, err := cfg.openBlobs(store)
		if err != nil {
			return err
		}
		if err := seedDemo(ctx, store, blobs, stdout, stderr, cfg.makeAdminCommand()); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", cfg.Addr, err)
	}
	if getenv(envName("base-url")) == "" && cfg.BaseURL == "http://"+cfg.Addr {
		cfg.base = &url.URL{Scheme: "http", Host: ln.Addr().String()} // the port the system chose for :0
	}
	var metricsLn net.Listener
	if cfg.MetricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("--metrics-addr %s: %w", cfg.MetricsAddr, err)
		}
		defer metricsLn.Close() // for a return before it serves; closing twice is harmless
	}
	return serve(ctx, cfg, store, ln, metricsLn, log, stdout)
}

// makeAdminCommand is the command that makes an admin account in the database c names,
// with an example handle, name and e-mail address. A password in a database URL is hidden,
// since the command is printed.
func (c *common) makeAdminCommand() string {
	where := "--data " + shellQuote(c.Data)
	if c.DatabaseURL != "" {
		shown := c.DatabaseURL
		if u, err := url.Parse(c.DatabaseURL); err == nil {
			shown = u.Redacted()
		}
		where = "--database-url " + shellQuote(shown)
	}
	return "parley user create " + where + " --handle ana --name Ana --email ana@example.com --role admin"
}

// shellQuote makes s one word for a POSIX shell: as it is when it is plain, else in single
// quotes.
func shellQuote(s string) string {
	plain := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-:@=+,", r))
	}) < 0
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// viewFlush is how often counted views are written. PostgreSQL's nodes share the count and
// each adds only its own unwritten views to a page, so they write often. SQLite's one node
// adds all of them, and there every commit makes each reading connection drop its map of
// the file and its cache of pages, which is how SQLite sees another connection's writes:
// writing views every 2 s cost the readers of random threads more than the writes did
// (docs/performance.md, "How often views are written"). A crash loses the views not yet written.
func viewFlush(store database) time.Duration {
	if _, ok := store.(*postgres.Store); ok {
		return 2 * time.Second
	}
	return 30 * time.Second
}

// serve answers requests until ctx ends, then shuts down in order: stop accepting, let
// in-flight requests finish, write the views they counted, close the database. metricsLn,
// when not nil, serves /metrics alone.
func serve(ctx context.Context, cfg *serveConfig, store database, ln, metricsLn net.Listener, log *slog.Logger, stdout io.Writer) error {
	var reads parley.Store = store
	var lists *cache.Store
	if cfg.CacheTTL > 0 {
		lists = cache.New(store, cfg.CacheTTL)
		reads = lists
	}
	counterCtx, stopCounter := context.WithCancel(context.Background())
	counter := views.New(reads, viewWindow, log)
	var flushed sync.WaitGroup
	flushed.Go(func() { counter.Run(counterCtx, viewFlush(store)) })
	defer func() { stopCounter(); flushed.Wait() }()
	notifier := notify.New(store, log)
	store.OnChange(notifier.Changed)
	flushed.Go(func() { notifier.Run(counterCtx, notifyInterval) })
	if cfg.smtp != nil {
		sender := email.New(store, cfg.smtp, email.Site{Name: "Parley", BaseURL: cfg.base, From: cfg.from}, log)
		store.OnChange(sender.Changed)
		flushed.Go(func() { sender.Run(counterCtx, emailInterval) })
	}

	blobs, err := cfg.openBlobs(store)
	if err != nil {
		return err
	}
	sweeps := []sweep{{"expired sessions", store.DeleteExpiredSessions}, {"old email", store.SweepOutbox},
		{"unposted files", func(ctx context.Context) (int64, error) { return store.CollectUploads(ctx, blobs.Delete) }}}
	wcfg := web.Config{BaseURL: cfg.base, SiteName: "Parley", PageTTL: cfg.CacheTTL, Blobs: blobs,
		MaxAttachmentSize: cfg.MaxAttachmentSize, MaxAttachments: cfg.MaxAttachments, MaxUploadBytesPerDay: cfg.MaxUploadBytesPerDay,
		MaxAccountStorage: cfg.MaxAccountStorage, LiveStreamsPerAddress: cfg.LiveStreamsPerAddress,
		NewAccountPeriod: cfg.NewAccountPeriod, NewAccountLinks: cfg.NewAccountLinks, ListCache: listCache(lists),
		MetricsToken: cfg.MetricsToken, Email: cfg.smtp != nil}
	if cfg.DatabaseReadURL != "" {
		wcfg.FreshReads = freshReads
	}
	if pg, ok := store.(*postgres.Store); ok {
		bus, err := crossNode(ctx, pg, &wcfg, log)
		if err != nil {
			return err
		}
		defer bus.Close()
		sweeps = append(sweeps, sweep{"full rate-limit buckets", pg.DeleteFullRateLimits})
	}
	for _, sw := range sweeps {
		sw.run(ctx, log)
		flushed.Go(func() { sw.hourly(counterCtx, log) })
	}
	site, err := web.New(wcfg, reads, counter, store, log)
	if err != nil {
		return err
	}
	defer site.Close()
	warnUnindexed(ctx, store, log)
	srv := &http.Server{
		Handler:           site.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(site.EndStreams) // live streams would hold shutdown for its whole grace
	served := make(chan error, 2)
	go func() { served <- srv.Serve(ln) }()
	if metricsLn != nil {
		metricsSrv := metricsServer(site, log)
		defer metricsSrv.Close() // after the site's shutdown, so its last requests are counted
		go func() { served <- metricsSrv.Serve(metricsLn) }()
		fmt.Fprintf(stdout, "Metrics are served at http://%s/metrics\n", metricsLn.Addr())
	}
	fmt.Fprintf(stdout, "Parley is serving %s at http://%s\n", cfg.database(), ln.Addr())
	log.Info("serving", "addr", ln.Addr().String(), "base_url", cfg.base.String())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	stopCounter()
	flushed.Wait()
	log.Info("stopped", "views_unwritten", counter.Pending())
	return nil
}

// metricsServer serves the site's /metrics alone, for an address only operators reach.
func metricsServer(site *web.Server, log *slog.Logger) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", site.MetricsHandler())
	// The Go profiler, for finding where a busy node spends its time: the metrics
	// address is the one only operators reach.
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		// Long enough for the profiler's default 30-second CPU profile.
		WriteTimeout: 90 * time.Second,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// sweep deletes what has lapsed (expired sessions, rate-limit buckets full again, files no
// post came to carry), so that tables and the blob store hold live things only. Lapsed rows
// are ignored whether swept or not; sweeping reclaims the space. serve sweeps once before
// it serves, then every hour; several nodes may sweep at once.
type sweep struct {
	what string
	del  func(context.Context) (int64, error)
}

// run sweeps once and logs what it deleted, or why it could not.
func (s sweep) run(ctx context.Context, log *slog.Logger) {
	if n, err := s.del(ctx); err != nil && ctx.Err() == nil {
		log.Error("sweep "+s.what, "err", err)
	} else if n > 0 {
		log.Info("swept "+s.what, "count", n)
	}
}

// hourly sweeps every hour until ctx ends.
func (s sweep) hourly(ctx context.Context, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			s.run(ctx, log)
		}
	}
}

// listCache is the list cache to clear on events, or nil (not a nil *cache.Store) when
// lists are not cached.
func listCache(c *cache.Store) interface{ Clear() } {
	if c == nil {
		return nil
	}
	return c
}

// crossNode sets a node on PostgreSQL up to run beside others: events go through the
// database to every node, rate limits are counted there for all nodes together, /readyz
// reports the listener, and /metrics the pool and events.
func crossNode(ctx context.Context, pg *postgres.Store, wcfg *web.Config, log *slog.Logger) (*events.Postgres, error) {
	listenCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	bus, err := events.NewPostgres(listenCtx, pg.Pool(), log)
	if err != nil {
		return nil, err
	}
	wcfg.Events = bus
	wcfg.Limits = pg
	wcfg.Checks = append(wcfg.Checks, web.Check{Name: "events", Ping: bus.Ping})
	wcfg.Collectors = append(wcfg.Collectors, bus.Collectors()...)
	wcfg.Collectors = append(wcfg.Collectors, pg.Collectors()...)
	return bus, nil
}

// warnUnindexed logs a warning when the search index is empty though the forum has posts,
// as in a database made before search existed: search finds nothing until parley reindex
// fills it, which may run while the forum serves.
func warnUnindexed(ctx context.Context, store database, log *slog.Logger) {
	missing, err := store.SearchIndexMissing(ctx)
	if err != nil {
		log.Warn("could not check the search index", "err", err)
		return
	}
	if missing {
		log.Warn("the search index is empty, so search finds nothing: run parley reindex (the forum may keep serving meanwhile)")
	}
}
