package web

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"
)

// A page is rendered once into memory; sending it must not copy it into a fresh buffer on
// every response, which a page of 20 KB at several thousand requests a second makes the
// garbage collector's largest source of work. Over a real connection, as a browser gets
// it, a large page must cost the process about what a small one does.
func TestSendingAPageDoesNotCopyItsBody(t *testing.T) {
	perRequest := func(size int) uint64 {
		page := newRendered("text/html; charset=utf-8", time.Time{}, bytes.Repeat([]byte("x"), size))
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			page.serve(&statusWriter{ResponseWriter: w}, r)
		}))
		defer srv.Close()
		client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
		get := func() {
			resp, err := client.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if n != int64(size) {
				t.Fatalf("got %d bytes, want %d", n, size)
			}
		}
		get() // the connection and its buffers
		const n = 200
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range n {
			get()
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / n
	}
	small, large := perRequest(2<<10), perRequest(256<<10)
	if large > small+8<<10 {
		t.Errorf("a 256 KB page allocated %d bytes a response, a 2 KB one %d: the body is copied", large, small)
	}
}
