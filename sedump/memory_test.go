package sedump_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/parley-forum/parley/sedump"
	"github.com/parley-forum/parley/sedump/sedumptest"
)

// TestMemory reads a Posts.xml of 200,000 rows, about 120 MB, and checks the heap in use
// after a collection every 20,000 rows: it must stay under a bound that the file's rows
// would pass several times over if the reader kept them.
func TestMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a 120 MB file")
	}
	const rows = 200_000
	const bound = 16 << 20
	dir := t.TempDir()
	size := writeLargePosts(t, filepath.Join(dir, "Posts.xml"), rows)

	var stats runtime.MemStats
	heapInUse := func() uint64 {
		runtime.GC()
		runtime.ReadMemStats(&stats)
		return stats.HeapInuse
	}
	before, peak := heapInUse(), uint64(0)
	n := 0
	for p, err := range sedump.Posts(dir) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if p.ID != int64(n) || len(p.Tags) != 3 {
			t.Fatalf("row %d reads as post %d with tags %q", n, p.ID, p.Tags)
		}
		if n%20_000 == 0 {
			peak = max(peak, heapInUse())
		}
	}
	if n != rows {
		t.Fatalf("read %d rows, want %d", n, rows)
	}
	t.Logf("file %d MB; heap in use %.1f MB before reading, at most %.1f MB while reading",
		size>>20, float64(before)/(1<<20), float64(peak)/(1<<20))
	if peak > bound {
		t.Errorf("the heap in use reached %d MB while reading, over %d MB", peak>>20, bound>>20)
	}
}

// writeLargePosts writes rows questions, each with a body of about 300 bytes, one
// at a time so that the test's own memory stays small too. It returns the file's size.
func writeLargePosts(t *testing.T, path string, rows int) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<posts>\r\n")
	body := "&lt;p&gt;My URLSession task never finishes when the app goes to the background, and the " +
		"completion handler is not called until it comes back. I set the configuration's " +
		"sessionSendsLaunchEvents and use a background identifier. What am I missing?&lt;/p&gt;"
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(w, `  <row Id="%d" PostTypeId="1" AcceptedAnswerId="%d" CreationDate="2021-04-27T15:06:44.553" `+
			`Score="%d" ViewCount="%d" Body="%s #%d" OwnerUserId="%d" LastActivityDate="2021-05-26T04:19:24.647" `+
			`Title="Background URLSession never completes, case %d" Tags="&lt;swift&gt;&lt;urlsession&gt;&lt;ios&gt;" `+
			`AnswerCount="1" CommentCount="0" ContentLicense="CC BY-SA 4.0" />`+"\r\n",
			i, i+rows, i%50, i*3, body, i, i%5000, i)
	}
	fmt.Fprint(w, "</posts>")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

// BenchmarkReadPosts reads cardano's Posts.xml, 2,630 posts in 3 MB.
func BenchmarkReadPosts(b *testing.B) {
	dir := sedumptest.Dump(b, "cardano")
	info, err := os.Stat(filepath.Join(dir, "Posts.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	rows := 0
	for b.Loop() {
		n, err := count(sedump.Posts(dir))
		if err != nil {
			b.Fatal(err)
		}
		rows += n
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
