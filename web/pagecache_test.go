package web_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/storetest"
	"github.com/parley-forum/parley/web"
)

// TestPageCache shows what the page cache keeps and for whom: readers without a session
// get the same bytes until the entry expires, even when counted views moved meanwhile, but
// not once the store announces a change; a request with a session cookie is always rendered
// afresh; views count on every hit.
func TestPageCache(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{PageTTL: time.Hour})
	ctx := context.Background()
	tag, err := site.Store.TagBySlug(ctx, "network")
	if err != nil {
		t.Fatal(err)
	}
	_, first := site.get(t, "/tags/network?sort=newest")
	listed, err := site.Store.Threads(ctx, parley.ListQuery{Scope: parley.Scope{Kind: parley.ScopeTag, ID: tag.ID}, Sort: parley.SortNewest, Limit: 1})
	if err != nil || len(listed.Threads) == 0 {
		t.Fatalf("the tag lists no thread: %v", err)
	}
	if err := site.Store.AddViews(ctx, map[int64]int64{listed.Threads[0].ID: 987_654}); err != nil {
		t.Fatal(err)
	}
	_, again := site.get(t, "/tags/network?sort=newest")
	if !bytes.Equal(first, again) {
		t.Error("a reader without a session was not answered from the cache")
	}
	topics, err := site.Store.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	title := "A brand new question about sockets"
	if _, _, err := site.Store.CreateThread(ctx, parley.NewThread{Title: title, SubtopicID: topics[0].Subtopics[0].ID,
		TagIDs: []int64{tag.ID}, AuthorID: 1, Text: storetest.Text("Body")}); err != nil {
		t.Fatal(err)
	}
	if _, after := site.get(t, "/tags/network?sort=newest"); !bytes.Contains(after, []byte(title)) {
		t.Error("a cached page outlived a change the store announced")
	}
	_, fresh := site.get(t, "/tags/network?sort=newest", "Cookie", "parley_session=x")
	if !bytes.Contains(fresh, []byte(title)) {
		t.Error("a request with a session cookie was answered from the cache")
	}
	res, _ := site.get(t, "/tags/network?sort=newest", "If-None-Match", first304Tag(t, site))
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("a cached page answers a matching If-None-Match with %d, want 304", res.StatusCode)
	}

	before, err := site.Store.Thread(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, agent := range []string{"reader-a", "reader-b", "reader-c"} {
		site.get(t, "/threads/1", "User-Agent", agent)
	}
	if err := site.Views.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := site.Store.Thread(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if after.ViewCount != before.ViewCount+3 {
		t.Errorf("three readers of a cached thread page counted %d views, want 3", after.ViewCount-before.ViewCount)
	}
}

func first304Tag(t *testing.T, site *testSite) string {
	res, _ := site.get(t, "/tags/network?sort=newest")
	tag := res.Header.Get("ETag")
	if tag == "" {
		t.Fatal("no ETag")
	}
	return tag
}
