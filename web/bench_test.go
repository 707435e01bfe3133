package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/net/html/atom"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/markdown"
	"github.com/parley-forum/parley/sqlite"
	"github.com/parley-forum/parley/storetest"
	"github.com/parley-forum/parley/views"
	"github.com/parley-forum/parley/web"
)

// benchForum is larger than the test forums, so that indexes are several levels deep and a
// tag has over a hundred pages.
var benchForum = demo.Config{Threads: 20_000, Posts: 100_000, Users: 4_000, Seed: 1}

// benchHandler builds benchForum in a fresh database and returns the whole site's handler,
// served in-process so that the figures are the server's cost without a network.
func benchHandler(b *testing.B) http.Handler {
	h, _ := benchSite(b)
	return h
}

// benchSite is benchHandler with the store under it.
func benchSite(b *testing.B) (http.Handler, *sqlite.Store) {
	b.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parley.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	cfg := benchForum
	cfg.Now = time.Now()
	w, err := store.Bulk(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Generate(ctx, cfg, markdown.New(), w, nil); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	base, _ := url.Parse("http://parley.test")
	blobs, err := blob.NewDir(filepath.Join(b.TempDir(), "blobs"))
	if err != nil {
		b.Fatal(err)
	}
	site, err := web.New(web.Config{BaseURL: base, SiteName: "Parley", Blobs: blobs}, store, views.New(store, time.Hour, log), store, log)
	if err != nil {
		b.Fatal(err)
	}
	return site.Handler(), store
}

func serve(b *testing.B, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d", path, rec.Code)
	}
	return rec
}

// deepPage follows "Next page" links n pages into a list and returns that page's URL.
func deepPage(b *testing.B, h http.Handler, path string, n int) string {
	b.Helper()
	for range n {
		doc := mustParseHTML(b, serve(b, h, path).Body.Bytes())
		next := find(doc, withAttr(atom.A, "rel", "next"))
		if next == nil {
			b.Fatalf("GET %s: the list ends before page %d", path, n+1)
		}
		path = attr(next, "href")
	}
	return path
}

func BenchmarkTagPage(b *testing.B) {
	h := benchHandler(b)
	for _, c := range []struct {
		name, path string
		deep       int
		header     []string
	}{
		{name: "activity", path: "/tags/network"},
		{name: "activity/gzip", path: "/tags/network", header: []string{"Accept-Encoding", "gzip"}},
		{name: "boosts", path: "/tags/network?sort=boosts"},
		{name: "activity/page51", path: "/tags/network", deep: 50},
		{name: "boosts/page51", path: "/tags/network?sort=boosts", deep: 50},
	} {
		path := c.path
		if c.deep > 0 {
			path = deepPage(b, h, path, c.deep)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				serve(b, h, path, c.header...)
			}
		})
	}
}

// BenchmarkThreadPage reads random threads, then the first and last pages of a thread of
// 500 replies against a thread of 5: the target is a long thread's pages within
// twice a short one's time.
func BenchmarkThreadPage(b *testing.B) {
	h, store := benchSite(b)
	b.Run("random", func(b *testing.B) {
		b.ReportAllocs()
		rng := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			serve(b, h, "/threads/"+strconv.Itoa(1+rng.IntN(benchForum.Threads)))
		}
	})
	short, long := threadWithReplies(b, store, 5), threadWithReplies(b, store, 500)
	for _, c := range []struct{ name, path string }{
		{"5-replies", "/threads/" + strconv.FormatInt(short, 10)},
		{"500-replies-first", "/threads/" + strconv.FormatInt(long, 10)},
		{"500-replies-last", lastPage(b, h, "/threads/"+strconv.FormatInt(long, 10))},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				serve(b, h, c.path)
			}
		})
	}
}

// threadWithReplies asks a question and replies to it n times, as members would, and
// returns the thread's id.
func threadWithReplies(b *testing.B, store *sqlite.Store, n int) int64 {
	b.Helper()
	ctx := context.Background()
	text := storetest.Text
	th, _, err := store.CreateThread(ctx, parley.NewThread{Title: fmt.Sprintf("A thread of %d replies about URLSession", n),
		SubtopicID: 1, TagIDs: []int64{1}, AuthorID: 1, Text: text("How do I retry a failed `URLSession` task?")})
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		reply := fmt.Sprintf("Reply %d: check `NSURLErrorDomain` code -1009, then retry with backoff.\n\n```swift\nlet task = session.dataTask(with: url)\ntask.resume()\n```", i)
		if _, err := store.CreateReply(ctx, parley.NewReply{ThreadID: th.ID, AuthorID: int64(2 + i%50), Text: text(reply)}); err != nil {
			b.Fatal(err)
		}
	}
	return th.ID
}

// lastPage follows a thread's "next page" links to its last page and returns its URL.
func lastPage(b *testing.B, h http.Handler, path string) string {
	b.Helper()
	for {
		doc := mustParseHTML(b, serve(b, h, path).Body.Bytes())
		next := find(doc, withAttr(atom.A, "rel", "next"))
		if next == nil {
			return path
		}
		path = attr(next, "href")
	}
}
