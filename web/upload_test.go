package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/storetest"
	"github.com/parley-forum/parley/web"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// folderSite is a site whose files live in a folder the test can look into.
func folderSite(t *testing.T, wcfg web.Config) (*testSite, blob.Store) {
	t.Helper()
	blobs, err := blob.NewDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	wcfg.Blobs = blobs
	return newSiteWith(t, tinyForum, wcfg), blobs
}

func digestOf(f sentFile) string {
	sum := sha256.Sum256(f.content)
	return hex.EncodeToString(sum[:])
}

// stored reports whether the blob store holds f's content.
func stored(t *testing.T, blobs blob.Store, f sentFile) bool {
	t.Helper()
	r, err := blobs.Open(context.Background(), digestOf(f))
	if errors.Is(err, parley.ErrNotFound) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	return true
}

// TestSuspendedMembersStoreNoFiles previews a question and replies with a file as a
// suspended member: both are refused before any file is stored, so a suspension cannot be
// worked around to fill the disk.
func TestSuspendedMembersStoreNoFiles(t *testing.T) {
	site, blobs := folderSite(t, web.Config{})
	ctx := context.Background()
	_, mod := signedInWithRole(t, site, "warden", parley.RoleModerator)
	b, troll := signedInWithRole(t, site, "filler", parley.RoleMember)
	if err := site.Store.SuspendUser(ctx, troll.ID, time.Now().Add(72*time.Hour), parley.Audit{ActorID: mod.ID, Reason: "Spam"}); err != nil {
		t.Fatal(err)
	}
	log := textFile("filler.log", strings.Repeat("fill the disk\n", 100))
	fields := question(t, site, "A question from a suspended member")
	fields["action"] = "preview"
	b.get("/ask") // for the form token
	fields["csrf"] = csrfOf(t, b)
	res, doc := b.postFiles("/ask", urlValues(fields), log)
	if res.StatusCode != http.StatusForbidden || !strings.Contains(textOf(doc), "suspended until") {
		t.Errorf("a suspended member's preview with a file answered %d, want 403 saying so", res.StatusCode)
	}
	reply := textFile("reply.log", "another way to fill the disk\n")
	res, _ = b.postFiles(threadPath(2)+"/replies", urlValues(map[string]string{"body": "Here.", "csrf": fields["csrf"]}), reply)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a suspended member's reply with a file answered %d, want 403", res.StatusCode)
	}
	for _, f := range []sentFile{log, reply} {
		if stored(t, blobs, f) {
			t.Errorf("%s was stored for a suspended member", f.name)
		}
	}
}

// TestAwkwardFileNames sends files whose names hold a quote or a line break, written into
// the multipart body by hand the ways clients write them: escaped as browsers do (%22,
// %0D%0A), with a backslash, or raw. Each file is taken under its name cleaned of what
// cannot be shown, and a part whose header cannot be read at all is named in the refusal;
// none is dropped without a word.
func TestAwkwardFileNames(t *testing.T) {
	site, _ := folderSite(t, web.Config{})
	b := signedIn(t, site, "namer")
	b.get("/ask") // for the form token
	fields := question(t, site, "A question with awkward file names")
	fields["action"] = "preview"
	fields["csrf"] = csrfOf(t, b)
	for _, tc := range []struct {
		name, disposition string
		// kept is the name the file is kept under, or "" when the form is refused with
		// problem.
		kept, problem string
	}{
		{"browser-escaped quote", `form-data; name="attachments"; filename="a%22b.log"`, `a"b.log`, ""},
		{"backslash-escaped quote", `form-data; name="attachments"; filename="a\"b.log"`, `a"b.log`, ""},
		{"raw quote", `form-data; name="attachments"; filename="a"b.log"`, `a"b.log`, ""},
		{"raw quote, name last", `form-data; filename="x"y.log"; name="attachments"`, `x"y.log`, ""},
		{"browser-escaped line break", `form-data; name="attachments"; filename="a%0D%0Ab.log"`, "ab.log", ""},
		{"folded line break", "form-data; name=\"attachments\"; filename=\"a\r\n b.log\"", "a b.log", ""},
		{"raw line break", "form-data; name=\"attachments\"; filename=\"a\r\nb.log\"", "", "could not be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body strings.Builder
			const boundary = "awkward-boundary"
			for k, v := range fields {
				fmt.Fprintf(&body, "--%s\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", boundary, k, v)
			}
			fmt.Fprintf(&body, "--%s\r\nContent-Disposition: %s\r\nContent-Type: text/plain\r\n\r\nline one\n\r\n--%s--\r\n", boundary, tc.disposition, boundary)
			res, err := b.c.Post(site.URL+"/ask", "multipart/form-data; boundary="+boundary, strings.NewReader(body.String()))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			doc, _ := html.Parse(res.Body)
			if tc.kept == "" {
				if res.StatusCode != http.StatusBadRequest || !strings.Contains(textOf(doc), tc.problem) {
					t.Errorf("answered %d; want 400 saying %q", res.StatusCode, tc.problem)
				}
				return
			}
			if res.StatusCode != http.StatusOK {
				t.Fatalf("the preview answered %d: %q", res.StatusCode, fieldError(doc, "attachments"))
			}
			if kept := keptNames(keptBoxes(doc)); fmt.Sprint(kept) != fmt.Sprint([]string{tc.kept}) {
				t.Errorf("the preview keeps %q, want %q", kept, tc.kept)
			}
		})
	}
}

// clockedSite is a site whose store reads time from a clock the test moves, starting now,
// with its files in a folder the test can look into.
func clockedSite(t *testing.T, wcfg web.Config) (*testSite, *blob.Dir, *storetest.Clock) {
	t.Helper()
	clock := storetest.NewClock()
	clock.Advance(time.Since(clock.Now()))
	store, err := openStore(filepath.Join(t.TempDir(), "parley.db"), clock.Now, t.Cleanup)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := fill(store, tinyForum); err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	if wcfg.Blobs == nil {
		wcfg.Blobs = blobs
	}
	site, err := serveStore(store, wcfg, t.Cleanup)
	if err != nil {
		t.Fatal(err)
	}
	return site, blobs, clock
}

// sweep collects the site's lapsed uploads as parley serve's sweep does.
func sweep(t *testing.T, site *testSite, blobs blob.Store) int64 {
	t.Helper()
	n, err := site.Store.CollectUploads(context.Background(), blobs.Delete)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestUnpostedFilesAreCollected leaves a file in a previewed form and posts another: a day
// later the sweep deletes the first from the blob store and keeps the posted one, and the
// old form, posted then, says the file is gone and keeps what was typed.
func TestUnpostedFilesAreCollected(t *testing.T) {
	site, blobs, clock := clockedSite(t, web.Config{})
	b := signedIn(t, site, "leaver")
	left, posted := textFile("left.log", "left in a form\n"), textFile("posted.log", "posted\n")
	fields := question(t, site, "A question previewed and left for a day")
	fields["action"] = "preview"
	_, form := b.upload("/ask", "", fields, left)
	if kept := keptNames(keptBoxes(form)); fmt.Sprint(kept) != "[left.log]" {
		t.Fatalf("the preview keeps %v", kept)
	}
	res, _ := b.upload("/ask", "", question(t, site, "A question posted with its file"), posted)
	op := postedThread(t, site, res)

	clock.Advance(parley.UploadGrace - time.Minute)
	if n := sweep(t, site, blobs); n != 0 || !stored(t, blobs, left) {
		t.Fatalf("a sweep within the grace period removed %d files", n)
	}
	clock.Advance(time.Minute)
	if n := sweep(t, site, blobs); n != 1 || stored(t, blobs, left) || !stored(t, blobs, posted) {
		t.Fatalf("the sweep a day later removed %d files, left.log stored %v, posted.log stored %v; want left.log alone removed",
			n, stored(t, blobs, left), stored(t, blobs, posted))
	}
	if res, body := site.get(t, "/attachments/"+itoa(op.Attachments[0].ID)+"/posted.log"); res.StatusCode != http.StatusOK || string(body) != "posted\n" {
		t.Errorf("the posted file answers %d, %q", res.StatusCode, body)
	}

	before := threadCount(t, site)
	res, doc := b.postFiles("/ask", formValues(form))
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(fieldError(doc, "attachments"), "left.log is no longer held; choose it again.") {
		t.Errorf("posting the old form answered %d, %q; want 400 saying left.log is gone", res.StatusCode, fieldError(doc, "attachments"))
	}
	if inputValue(doc, "title") != fields["title"] || len(keptBoxes(doc)) != 0 || threadCount(t, site) != before {
		t.Error("the old form lost what was typed, kept the file, or was posted")
	}
}

// collectingBlobs is a blob store whose first Open of a content runs a sweep as soon as
// the content is open: the sweep falls exactly between the form finding a kept file and
// the post being written.
type collectingBlobs struct {
	*blob.Dir
	once  sync.Once
	sweep func()
}

func (c *collectingBlobs) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	f, err := c.Dir.Open(ctx, key)
	if err == nil && c.sweep != nil {
		c.once.Do(c.sweep)
	}
	return f, err
}

// TestKeptFileCollectedWhilePosting posts a form a day old whose kept file is collected
// after the form found it and before the post is written: the post is refused, saying the
// file is gone, rather than written with an attachment whose content no longer exists.
func TestKeptFileCollectedWhilePosting(t *testing.T) {
	blobs := &collectingBlobs{}
	site, dir, clock := clockedSite(t, web.Config{Blobs: blobs})
	blobs.Dir = dir
	b := signedIn(t, site, "racer")
	left := textFile("raced.log", "collected while posted\n")
	fields := question(t, site, "A question whose file is collected as it is posted")
	fields["action"] = "preview"
	_, form := b.upload("/ask", "", fields, left)
	clock.Advance(parley.UploadGrace)
	var swept int64
	blobs.sweep = func() { swept = sweep(t, site, dir) }

	before := threadCount(t, site)
	res, doc := b.postFiles("/ask", formValues(form))
	if swept != 1 || stored(t, dir, left) {
		t.Fatalf("the sweep removed %d files; the race was not run", swept)
	}
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(fieldError(doc, "attachments"), "raced.log is no longer held; choose it again.") {
		t.Errorf("the post answered %d, %q; want 400 saying raced.log is gone", res.StatusCode, fieldError(doc, "attachments"))
	}
	if threadCount(t, site) != before {
		t.Error("a question was posted with a file whose content was collected")
	}
}

// TestUploadBudget sends more bytes of files in a day than an account may: the file over
// the budget is refused by name with the limit, what was typed and the files taken stay,
// and a day later the same file is taken.
func TestUploadBudget(t *testing.T) {
	site, blobs, clock := clockedSite(t, web.Config{MaxAttachmentSize: 2 << 10, MaxUploadBytesPerDay: 3 << 10})
	b := signedIn(t, site, "budget")
	first, second := textFile("first.log", strings.Repeat("1", 2<<10)), textFile("second.log", strings.Repeat("2", 2<<10))
	res, _ := b.upload("/ask", "", question(t, site, "A question with the first file"), first)
	postedThread(t, site, res)

	fields := question(t, site, "A question with one file too many")
	fields["action"] = "preview"
	res, doc := b.upload("/ask", "", fields, textFile("small.log", "small\n"), second)
	want := "second.log was not taken: an account may send 3 KB of files in 24 hours"
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(fieldError(doc, "attachments"), want) {
		t.Fatalf("a file over the budget: %d, %q; want 400 saying %q", res.StatusCode, fieldError(doc, "attachments"), want)
	}
	if inputValue(doc, "title") != fields["title"] || fmt.Sprint(keptNames(keptBoxes(doc))) != "[small.log]" {
		t.Errorf("the refused form kept title %q and files %v", inputValue(doc, "title"), keptNames(keptBoxes(doc)))
	}
	if stored(t, blobs, second) {
		t.Error("the file over the budget was stored")
	}
	clock.Advance(parley.UploadGrace)
	res, doc = b.upload("/ask", "", fields, second)
	if res.StatusCode != http.StatusOK || fmt.Sprint(keptNames(keptBoxes(doc))) != "[second.log]" {
		t.Errorf("a day later the file answered %d, kept %v", res.StatusCode, keptNames(keptBoxes(doc)))
	}
}

// TestAccountStorageQuota sends a file that would take what an account holds past what it
// may keep: the file is refused by name, with the quota and what the account holds, in the
// composer and the reply form alike; what was typed and the files taken stay, and nothing
// of the refused file is stored. Once a moderator deletes the thread that carries the
// account's files, the same file is taken.
func TestAccountStorageQuota(t *testing.T) {
	site, blobs, clock := clockedSite(t, web.Config{MaxAttachmentSize: 2 << 10, MaxAccountStorage: 5 << 10})
	_, mod := signedInWithRole(t, site, "warden", parley.RoleModerator)
	b := signedIn(t, site, "keeper")
	first, second := textFile("first.log", strings.Repeat("1", 2<<10)), textFile("second.log", strings.Repeat("2", 2<<10))
	res, _ := b.upload("/ask", "", question(t, site, "A question with two files"), first, second)
	posted := postedThread(t, site, res)
	// A day later the records of the uploads have lapsed, and the daily budget with them;
	// the files the question carries still count.
	clock.Advance(parley.UploadGrace)

	third := textFile("third.log", strings.Repeat("3", 2<<10))
	want := "third.log was not taken. Your files take 4 KB of the 5 KB each account may keep"
	fields := question(t, site, "A question with one file too many")
	fields["action"] = "preview"
	res, doc := b.upload("/ask", "", fields, textFile("small.log", "small\n"), third)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(fieldError(doc, "attachments"), want) {
		t.Fatalf("a file past the quota: %d, %q; want 400 saying %q", res.StatusCode, fieldError(doc, "attachments"), want)
	}
	body := textOf(find(doc, withAttr(atom.Textarea, "id", "body")))
	if inputValue(doc, "title") != fields["title"] || body != fields["body"] || fmt.Sprint(keptNames(keptBoxes(doc))) != "[small.log]" {
		t.Errorf("the refused question kept title %q, body %q and files %v", inputValue(doc, "title"), body, keptNames(keptBoxes(doc)))
	}
	path := threadPath(posted.ThreadID)
	res, doc = b.upload(path, path+"/replies", map[string]string{"body": "One more log."}, third)
	problem, body := textOf(find(doc, withAttr(atom.P, "id", "reply-error"))), textOf(find(doc, withAttr(atom.Textarea, "id", "reply-body")))
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(problem, want) || body != "One more log." {
		t.Errorf("a reply with a file past the quota: %d, %q, keeping %q", res.StatusCode, problem, body)
	}
	if stored(t, blobs, third) {
		t.Error("the file past the quota was stored")
	}

	if err := site.Store.SetThreadDeleted(context.Background(), posted.ThreadID, true, parley.Audit{ActorID: mod.ID, Reason: "Duplicate"}); err != nil {
		t.Fatal(err)
	}
	res, doc = b.upload("/ask", "", fields, third)
	if res.StatusCode != http.StatusOK || fmt.Sprint(keptNames(keptBoxes(doc))) != "[third.log]" || !stored(t, blobs, third) {
		t.Errorf("once the thread with the files was deleted, the file answered %d, kept %v", res.StatusCode, keptNames(keptBoxes(doc)))
	}
}
