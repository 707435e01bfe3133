// Package notify runs the fan-out of notifications on a serving node: the writes that
// concern watchers leave a job each (parley.NotificationStore), and a Worker turns them
// into members' notifications soon after, outside the writer's request. Every node may
// run one; the store gives each job to one worker.
package notify

import (
	"context"
	"log/slog"
	"time"

	"github.com/parley-forum/parley/events"
)

// FanOuter is the part of the store a Worker uses.
type FanOuter interface {
	FanOut(ctx context.Context, limit int) (int, error)
}

// jobsPerRound is how many jobs one transaction claims; the store bounds how many members
// it tells.
const jobsPerRound = 50

// Worker does pending jobs when woken, and at least every interval, which finds the jobs
// written on other nodes or left by a worker that stopped.
type Worker struct {
	store FanOuter
	log   *slog.Logger
	wake  chan struct{}
}

// New returns a worker on store; start it with Run.
func New(store FanOuter, log *slog.Logger) *Worker {
	return &Worker{store: store, log: log, wake: make(chan struct{}, 1)}
}

// Changed is a store listener (OnChange) that wakes the worker after a write that may have
// left a job: a new thread, or any change to a thread's page.
func (w *Worker) Changed(_ context.Context, e events.Event) {
	if e.Kind == events.ThreadChanged || e.Kind == events.ThreadAdded {
		w.Wake()
	}
}

// Wake makes the worker look for jobs now; it never waits.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default: // already due to look
	}
}

// Run does jobs until ctx ends.
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		w.drain(ctx)
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-tick.C:
		}
	}
}

// drain does jobs until none is left; a failure is logged and left for the next round,
// since the jobs stay in the store until done.
func (w *Worker) drain(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := w.store.FanOut(ctx, jobsPerRound)
		if err != nil {
			if ctx.Err() == nil {
				w.log.Warn("fan out notifications", "err", err)
			}
			return
		}
		if n == 0 {
			return
		}
	}
}
