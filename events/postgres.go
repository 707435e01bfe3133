package events

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// channel is the PostgreSQL notification channel every node listens on.
const channel = "parley_events"

// Postgres is a Bus across every node on one PostgreSQL database, with nothing else to
// run: Publish sends a NOTIFY, and each node keeps one connection LISTENing and hands what
// arrives, its own events included, to its subscribers. When that connection drops, the
// node may have missed events, so it delivers Lost once it listens again.
//
// A notification is sent after the write it announces has committed; a node that dies in
// between leaves the others' caches stale for their time to live and live pages behind
// until their next heartbeat, never wrong.
type Postgres struct {
	pool      *pgxpool.Pool
	local     *Local
	log       *slog.Logger
	listening atomic.Bool
	published atomic.Int64
	received  atomic.Int64
	stop      context.CancelFunc
	done      sync.WaitGroup
	started   chan struct{} // closed once the first LISTEN is in place
	pid       atomic.Uint32 // the listening connection's server process, for tests
}

// NewPostgres starts listening on pool's database and returns once it listens, so that a
// node serves only when it will hear of other nodes' writes; Close stops it.
func NewPostgres(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) (*Postgres, error) {
	run, stop := context.WithCancel(context.Background())
	b := &Postgres{pool: pool, local: NewLocal(), log: log, stop: stop, started: make(chan struct{})}
	b.done.Go(func() { b.listen(run) })
	select {
	case <-b.started:
		return b, nil
	case <-ctx.Done():
		b.Close()
		return nil, errors.New("events: could not LISTEN on the database: " + ctx.Err().Error())
	}
}

// Publish notifies every node, this one included.
func (b *Postgres) Publish(ctx context.Context, e Event) error {
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := b.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, channel, string(payload)); err != nil {
		return err
	}
	b.published.Add(1)
	return nil
}

// Subscribe starts a subscription to the events of every node.
func (b *Postgres) Subscribe() (<-chan Event, func()) { return b.local.Subscribe() }

// Ping reports whether the node is listening, for readiness checks: a node that is not
// would serve stale pages without knowing.
func (b *Postgres) Ping(context.Context) error {
	if !b.listening.Load() {
		return errors.New("not listening for events")
	}
	return nil
}

// Counts returns how many events this node published and received.
func (b *Postgres) Counts() (published, received int64) { return b.published.Load(), b.received.Load() }

// Collectors are the bus's figures for /metrics.
func (b *Postgres) Collectors() []prometheus.Collector {
	return []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "parley_events_published_total",
			Help: "Events this node published to every node."}, func() float64 { return float64(b.published.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "parley_events_received_total",
			Help: "Events this node received from every node, its own included."}, func() float64 { return float64(b.received.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "parley_events_listening",
			Help: "1 while this node listens for events, 0 while it reconnects."}, func() float64 {
			if b.listening.Load() {
				return 1
			}
			return 0
		}),
	}
}

// Close stops listening.
func (b *Postgres) Close() {
	b.stop()
	b.done.Wait()
}

// listen keeps a connection listening until ctx ends, reconnecting with a growing pause
// when it fails.
func (b *Postgres) listen(ctx context.Context) {
	pause := 100 * time.Millisecond
	for again := false; ctx.Err() == nil; again = true {
		err := b.listenOnce(ctx, again)
		b.listening.Store(false)
		if ctx.Err() != nil {
			return
		}
		b.log.Warn("event listener lost its connection; reconnecting", "err", err, "pause", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// listenOnce listens on one connection until it fails. A connection made again begins by
// delivering Lost: events sent while no connection listened are gone.
func (b *Postgres) listenOnce(ctx context.Context, again bool) error {
	pooled, err := b.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection that listened is not given back to the pool, where a query could run
	// on it between notifications; it is taken out of the pool and closed instead.
	conn := pooled.Hijack()
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN `+channel); err != nil {
		return err
	}
	b.pid.Store(conn.PgConn().PID())
	b.listening.Store(true)
	if again {
		b.local.Deliver(Event{Kind: Lost})
	} else {
		close(b.started)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var e Event
		if err := json.Unmarshal([]byte(n.Payload), &e); err != nil {
			b.log.Warn("unreadable event", "payload", n.Payload, "err", err)
			continue
		}
		b.received.Add(1)
		b.local.Deliver(e)
	}
}
