package events

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// testDatabaseURL is the PostgreSQL server the tests use; .ci/run makes sure it is up.
func testDatabaseURL() string {
	if u := os.Getenv("PARLEY_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test"
}

// node is one app node's bus on the test database.
func node(t *testing.T) *Postgres {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, testDatabaseURL())
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		t.Fatalf("PostgreSQL at %s: %v (start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)", testDatabaseURL(), err)
	}
	b, err := NewPostgres(ctx, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close(); pool.Close() })
	return b
}

// await returns the first event on ch that want accepts; other tests' events on the same
// database may come in between.
func await(t *testing.T, ch <-chan Event, what string, want func(Event) bool) Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e := <-ch:
			if want(e) {
				return e
			}
		case <-deadline:
			t.Fatalf("no %s within 10 s", what)
		}
	}
}

func TestPostgresCarriesEventsBetweenNodes(t *testing.T) {
	a, b := node(t), node(t)
	fromA, stopA := a.Subscribe()
	defer stopA()
	fromB, stopB := b.Subscribe()
	defer stopB()
	thread := rand.Int64N(1<<40) + 1 // this run's own, among other runs' events
	sent := Event{Kind: ThreadAdded, ThreadID: thread, Lists: []int64{3, 1 << 41}}
	if err := a.Publish(context.Background(), sent); err != nil {
		t.Fatal(err)
	}
	for name, ch := range map[string]<-chan Event{"the other node": fromB, "the publishing node": fromA} {
		got := await(t, ch, "event on "+name, func(e Event) bool { return e.ThreadID == thread })
		if got.Kind != ThreadAdded || len(got.Lists) != 2 || got.Lists[1] != 1<<41 {
			t.Errorf("%s got %+v, want %+v", name, got, sent)
		}
	}
	if published, _ := a.Counts(); published != 1 {
		t.Errorf("node a counts %d published", published)
	}
}

// TestPostgresSaysLostAfterItsConnectionDrops kills a node's listening connection from the
// server side: the node must listen again, say Lost, and hear events after that.
func TestPostgresSaysLostAfterItsConnectionDrops(t *testing.T) {
	a, b := node(t), node(t)
	fromB, stop := b.Subscribe()
	defer stop()
	if _, err := a.pool.Exec(context.Background(), `SELECT pg_terminate_backend($1)`, int32(b.pid.Load())); err != nil {
		t.Fatal(err)
	}
	await(t, fromB, "Lost after the connection dropped", func(e Event) bool { return e.Kind == Lost })
	if err := b.Ping(context.Background()); err != nil {
		t.Fatalf("after reconnecting: %v", err)
	}
	thread := rand.Int64N(1<<40) + 1
	if err := a.Publish(context.Background(), Event{Kind: ThreadChanged, ThreadID: thread}); err != nil {
		t.Fatal(err)
	}
	await(t, fromB, "an event after reconnecting", func(e Event) bool { return e.ThreadID == thread })
}
