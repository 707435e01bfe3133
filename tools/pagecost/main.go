// Command pagecost serves pages of a forum in-process, through the site's whole handler but
// without a network, so that what a page costs can be counted exactly:
//
//	go build -o /tmp/pagecost ./tools/pagecost
//	GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//		/tmp/pagecost -data /tmp/d100k -path '/threads/{n}' -max 100000 -pages 1010
//
// Instruction counts are the same from run to run whatever else the machine is doing, which
// wall-clock benchmarks on a shared machine are not. A run's count includes opening the
// forum; subtract the count of a run of -pages 10 and divide by the difference in pages.
// (Go's asynchronous preemption signals confuse valgrind, hence GODEBUG.)
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/sqlite"
	"github.com/parley-forum/parley/views"
	"github.com/parley-forum/parley/web"
)

func main() {
	data := flag.String("data", "./data", "folder holding parley.db")
	path := flag.String("path", "/threads/{n}", "page to serve; {n} becomes a random number in 1..max")
	maxN := flag.Int("max", 10000, "largest {n}")
	pages := flag.Int("pages", 1000, "pages to serve")
	flag.Parse()
	if err := run(*data, *path, *maxN, *pages); err != nil {
		fmt.Fprintln(os.Stderr, "pagecost:", err)
		os.Exit(1)
	}
}

func run(data, path string, maxN, pages int) error {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(data, "parley.db"), sqlite.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	blobs, err := blob.NewDir(filepath.Join(data, "blobs"))
	if err != nil {
		return err
	}
	base, _ := url.Parse("http://parley.test")
	site, err := web.New(web.Config{BaseURL: base, SiteName: "Parley", Blobs: blobs}, store, views.New(store, time.Hour, log), store, log)
	if err != nil {
		return err
	}
	h := site.Handler()
	rng := rand.New(rand.NewPCG(1, 2)) // the same pages on every run
	var bytes int
	for range pages {
		p := strings.ReplaceAll(path, "{n}", strconv.Itoa(1+rng.IntN(maxN)))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != http.StatusOK {
			return fmt.Errorf("GET %s: %d", p, rec.Code)
		}
		bytes += rec.Body.Len()
	}
	fmt.Printf("%d pages, %d bytes on average\n", pages, bytes/max(pages, 1))
	return nil
}
