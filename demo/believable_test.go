package demo

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"github.com/parley-forum/parley"
)

// serveDemo is the forum serve --demo builds (cmd/parley's smallDemo).
var serveDemo = Config{Threads: 3000, Posts: 15000, Users: 600, Seed: 1}

// byActivity returns threads as a list shows them by default: most recent activity first.
func byActivity(threads []*parley.Thread) []*parley.Thread {
	out := slices.Clone(threads)
	slices.SortFunc(out, func(a, b *parley.Thread) int {
		return cmp.Or(b.LastActivityAt.Compare(a.LastActivityAt), cmp.Compare(b.ID, a.ID))
	})
	return out
}

func allThreads(w *memWriter) []*parley.Thread {
	out := make([]*parley.Thread, len(w.threads))
	for i := range w.threads {
		out[i] = &w.threads[i].Thread
	}
	return out
}

// TestFirstPageShowsASpreadOfTimes checks what a newcomer sees on the home page of a fresh
// demo: the latest threads were active at different times, not all "just now".
func TestFirstPageShowsASpreadOfTimes(t *testing.T) {
	w := mustGenerate(t, serveDemo, blockRenderer{})
	page := byActivity(allThreads(w))[:50]

	perMinute := map[time.Time]int{}
	for _, th := range page {
		if th.LastActivityAt.After(testNow) {
			t.Errorf("thread %d was active at %v, after the forum was built at %v", th.ID, th.LastActivityAt, testNow)
		}
		perMinute[th.LastActivityAt.Truncate(time.Minute)]++
	}
	for minute, n := range perMinute {
		if n > 2 {
			t.Errorf("%d of the first 50 threads were last active in the minute of %v", n, minute)
		}
	}
	if spread := page[0].LastActivityAt.Sub(page[len(page)-1].LastActivityAt); spread < 6*time.Hour {
		t.Errorf("the first page's activity spans %v, want at least hours between the newest and the 50th", spread)
	}
	if newest := testNow.Sub(page[0].LastActivityAt); newest > 6*time.Hour {
		t.Errorf("the newest activity is %v old, want a forum that was busy recently", newest)
	}

	all := byActivity(allThreads(w))
	if span := all[0].LastActivityAt.Sub(all[len(all)-1].LastActivityAt); span < 4*7*24*time.Hour {
		t.Errorf("activity spans %v, want at least weeks", span)
	}
}
