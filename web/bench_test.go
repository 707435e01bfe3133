package web_test

import (
	"context"
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

	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/markdown"
	"github.com/parley-forum/parley/sqlite"
	"github.com/parley-forum/parley/views"
	"github.com/parley-forum/parley/web"
)

// benchForum is larger than the test forums, so that indexes are several levels deep and a
// tag has over a hundred pages.
var benchForum = demo.Config{Threads: 20_000, Posts: 100_000, Users: 4_000, Seed: 1}

// benchHandler builds benchForum in a fresh database and returns the whole site's handler,
// served in-process so that the figures are the server's cost without a network.
func benchHandler(b *testing.B) http.Handler {
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
	return site.Handler()
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

func BenchmarkThreadPage(b *testing.B) {
	h := benchHandler(b)
	b.Run("random", func(b *testing.B) {
		b.ReportAllocs()
		rng := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			serve(b, h, "/threads/"+strconv.Itoa(1+rng.IntN(benchForum.Threads)))
		}
	})
}
