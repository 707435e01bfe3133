package main

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/postgres/pgtest"
)

// TestNotificationsAcrossNodes runs two nodes on one PostgreSQL database, each with its
// notification worker: a reply posted through node A reaches a watcher's unread count
// streamed by node B, and the watcher is told once.
func TestNotificationsAcrossNodes(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.MustURL(t)
	a := startNode(t, dbURL, "--demo")
	b := startNode(t, dbURL)
	store, err := postgres.Open(context.Background(), dbURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	const threadID = 7
	reader := member(t, store, "watcher")
	u, err := store.UserByHandle(ctx, "watcher")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetWatch(ctx, u.ID, parley.Watch{Kind: parley.WatchThread, TargetID: threadID}, parley.WatchOn); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.URL+"/notifications/live", nil)
	res, err := reader.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("open the count's stream on node B: %v %v", res, err)
	}
	defer res.Body.Close()
	lines := bufio.NewScanner(res.Body)
	next := func() string {
		for lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
				return data
			}
		}
		t.Fatalf("the stream ended: %v", lines.Err())
		return ""
	}
	if got := next(); got != "0" {
		t.Fatalf("the count starts at %q, want 0", got)
	}
	if _, err := reply(member(t, store, "replier"), a.URL, threadID, "Posted through node A."); err != nil {
		t.Fatal(err)
	}
	if got := next(); got != "1" {
		t.Errorf("node B's stream says %q after the reply, want 1", got)
	}
	ns, err := store.Notifications(ctx, u.ID, 0, 10)
	if err != nil || len(ns) != 1 || ns[0].Kind != parley.NotifyReply {
		t.Errorf("the watcher holds %d notifications (%v), want one reply", len(ns), err)
	}
}
