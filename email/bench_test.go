package email

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/sqlite"
	"github.com/parley-forum/parley/storetest"
)

// BenchmarkOutboxSend sends a reply's emails to 1,000 watchers through the local SMTP
// server: claiming, composing, sending over one connection per batch of 50, and marking
// each sent. It reports emails per second.
func BenchmarkOutboxSend(b *testing.B) {
	const watchers = 1000
	opens := map[string]func(b *testing.B, clock parley.Clock) parley.Store{
		"sqlite": func(b *testing.B, clock parley.Clock) parley.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "parley.db"), sqlite.Options{Clock: clock})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": func(b *testing.B, clock parley.Clock) parley.Store { return pgtest.MustOpen(b, clock) },
	}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			clock := storetest.NewClock()
			w := newWorld(b, opens[name](b, clock.Now), clock)
			for i := range watchers {
				u := w.account(fmt.Sprintf("watcher%d", i))
				if err := w.s.SetWatch(w.ctx, u.ID, parley.Watch{Kind: parley.WatchThread, TargetID: w.thread.ID}, parley.WatchOn); err != nil {
					b.Fatal(err)
				}
			}
			var sent int
			var took time.Duration
			for b.Loop() {
				b.StopTimer()
				w.reply("Another answer.")
				b.StartTimer()
				start := time.Now()
				n, err := w.sender.SendDue(w.ctx)
				took += time.Since(start)
				if err != nil || n != watchers+1 {
					b.Fatalf("sent %d (%v), want %d", n, err, watchers+1)
				}
				sent += n
			}
			b.ReportMetric(float64(sent)/took.Seconds(), "emails/s")
		})
	}
}
