package main

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/email/emailtest"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/postgres/pgtest"
)

// TestEmailAcrossNodes runs two nodes on one PostgreSQL database, each with its email
// sender, and replies through both: every watcher's email of every reply arrives once,
// claimed once, though both nodes send at the same time.
func TestEmailAcrossNodes(t *testing.T) {
	t.Parallel()
	smtp := emailtest.Start(t)
	dbURL := pgtest.MustURL(t)
	mail := []string{"--smtp-url", smtp.URL, "--smtp-from", "Parley <forum@example.com>"}
	a := startNode(t, dbURL, append([]string{"--demo"}, mail...)...)
	b := startNode(t, dbURL, mail...)
	store, err := postgres.Open(context.Background(), dbURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	const threadID, watchers, replies = 7, 12, 6
	for i := range watchers {
		handle := fmt.Sprintf("watcher%d", i)
		member(t, store, handle)
		u, err := store.UserByHandle(ctx, handle)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SetWatch(ctx, u.ID, parley.Watch{Kind: parley.WatchThread, TargetID: threadID}, parley.WatchOn); err != nil {
			t.Fatal(err)
		}
	}
	replier := member(t, store, "replier")
	for i := range replies {
		node := []*node{a, b}[i%2]
		if _, err := reply(replier, node.URL, threadID, fmt.Sprintf("Reply %d, through %s.", i, node.URL)); err != nil {
			t.Fatal(err)
		}
	}

	got := smtp.Wait(t, watchers*replies, time.Minute)
	ids := map[string]bool{}
	for _, m := range got {
		p := emailtest.MustParse(t, m)
		id := p.Header.Get("Message-ID")
		if ids[id] {
			t.Errorf("email %s arrived twice", id)
		}
		ids[id] = true
		if !regexp.MustCompile(`http://127\.0\.0\.1:\d+/threads/7#post-\d+`).MatchString(p.Text) {
			t.Errorf("an email does not link to its reply:\n%s", p.Text)
		}
	}
	out, err := store.Outbox(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != watchers*replies {
		t.Errorf("the outbox holds %d emails, want %d", len(out), watchers*replies)
	}
	for _, e := range out {
		if e.Attempts != 1 {
			t.Errorf("email %d was claimed %d times", e.ID, e.Attempts)
		}
	}

	// The unsubscribe link of an email sent by one node works on the other, without a
	// session.
	link := strings.Trim(emailtest.MustParse(t, got[0]).Header.Get("List-Unsubscribe"), "<>")
	path := link[strings.Index(link, "/unsubscribe/"):]
	res, err := http.Post(b.URL+path, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	u, err := store.UserByHandle(ctx, strings.TrimSuffix(got[0].To[0], "@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if st, err := store.NotificationSettings(ctx, u.ID); res.StatusCode != http.StatusOK || err != nil || st.Email != parley.EmailNever {
		t.Errorf("one-click unsubscribe on node B: %d; the choice is %q (%v), want never", res.StatusCode, st.Email, err)
	}
}
