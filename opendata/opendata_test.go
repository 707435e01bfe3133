package opendata_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/attachment"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/dbcopy"
	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/markdown"
	"github.com/parley-forum/parley/opendata"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/sedump"
	"github.com/parley-forum/parley/sedump/sedumptest"
	"github.com/parley-forum/parley/seimport"
	"github.com/parley-forum/parley/sqlite"
	"github.com/parley-forum/parley/storetest"
	"github.com/parley-forum/parley/views"
	"github.com/parley-forum/parley/web"
)

// smallForum is a demo forum with attached files, small enough for a test.
var smallForum = demo.Config{Threads: 150, Posts: 900, Users: 40, Seed: 3, Now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}

// forum is one store under test with its files, and the name a snapshot opens it by.
type forum struct {
	store interface {
		parley.Store
		Ping(context.Context) error
	}
	blobs blob.Store
	from  string // a SQLite file or a postgres:// URL
}

func mustSQLite(t *testing.T) *forum {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "parley.db")
	store, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	blobs, err := blob.NewDir(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return &forum{store: store, blobs: blobs, from: path}
}

func mustPostgres(t *testing.T) *forum {
	t.Helper()
	u := pgtest.MustURL(t)
	store, err := postgres.Open(t.Context(), u, postgres.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return &forum{store: store, blobs: store.Blobs(), from: u}
}

// mustDemo fills f with smallForum, then hides a reply and deletes a thread, which an
// export leaves out; it returns the hidden reply's and the deleted thread's ids.
func mustDemo(t *testing.T, f *forum) (hiddenPost, deletedThread int64) {
	t.Helper()
	ctx := t.Context()
	cfg := smallForum
	cfg.Blobs = f.blobs
	w, err := f.store.Bulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Generate(ctx, cfg, markdown.New(), w, nil); err != nil {
		t.Fatal(err)
	}
	admin, err := f.store.CreateAccount(ctx, parley.NewUser{Handle: "root", DisplayName: "Root", Role: parley.RoleAdmin},
		"root@example.org", "$argon2id$v=19$m=65536,t=1,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	if err != nil {
		t.Fatal(err)
	}
	audit := parley.Audit{ActorID: admin.ID, Reason: "a test"}
	posts, err := f.store.Posts(ctx, 2, 0, 10)
	if err != nil || len(posts) < 2 {
		t.Fatalf("thread 2's posts: %v, %v", posts, err)
	}
	if err := f.store.SetPostHidden(ctx, posts[1].ID, true, audit); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetThreadDeleted(ctx, 3, true, audit); err != nil {
		t.Fatal(err)
	}
	mustLateFile(t, f, admin)
	return posts[1].ID, 3
}

// lateFileSignature is in the text of mustLateFile's log alone: searching for it finds the
// first thread through the log.
const lateFileSignature = "ROUNDTRIP_WATCHDOG_4242"

// mustLateFile replies to the first thread with a file, after the demo's files: the new
// attachment's id is the largest, though its thread comes first, as on a forum in use.
func mustLateFile(t *testing.T, f *forum, author parley.User) {
	t.Helper()
	ctx := t.Context()
	content := "Thread 1 crashed again:\nEXC_BAD_ACCESS\nTermination Reason: " + lateFileSignature + "\n"
	file, err := attachment.Inspect("again.log", strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.blobs.Put(ctx, file.SHA256, strings.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if err := f.store.RecordUpload(ctx, parley.NewUpload{UserID: author.ID, SHA256: file.SHA256, Size: file.Size}, parley.UploadLimits{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CreateReply(ctx, parley.NewReply{ThreadID: 1, AuthorID: author.ID, Text: storetest.Text("The log again."),
		Attachments: []parley.File{file}}); err != nil {
		t.Fatal(err)
	}
}

func mustExport(t *testing.T, f *forum, dir string) *opendata.Manifest {
	t.Helper()
	snap, err := dbcopy.OpenSnapshot(t.Context(), f.from)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	m, err := opendata.Export(t.Context(), snap, f.blobs, dir, opendata.Options{ParleyVersion: "test"})
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return m
}

func handler(t *testing.T, f *forum) http.Handler {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	base, _ := url.Parse("http://parley.test")
	site, err := web.New(web.Config{BaseURL: base, SiteName: "Parley", Blobs: f.blobs}, f.store, views.New(f.store, time.Hour, log), f.store, log)
	if err != nil {
		t.Fatal(err)
	}
	return site.Handler()
}

func get(h http.Handler, path string) (int, []byte) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.Bytes()
}

// TestRoundTrip exports a forum and reads it into a fresh one, on each store, and
// compares what an anonymous reader sees: the same pages, byte for byte, and the same
// files; the hidden reply and the deleted thread are in neither.
func TestRoundTrip(t *testing.T) {
	for _, kind := range []struct {
		name string
		open func(*testing.T) *forum
	}{{"sqlite", mustSQLite}, {"postgres", mustPostgres}} {
		t.Run(kind.name, func(t *testing.T) {
			from, to := kind.open(t), kind.open(t)
			hidden, deleted := mustDemo(t, from)
			dir := filepath.Join(t.TempDir(), "export")
			m := mustExport(t, from, dir)
			if _, err := opendata.Import(t.Context(), to.store, to.blobs, dir, opendata.Options{}); err != nil {
				t.Fatalf("import: %v", err)
			}

			if got, want := m.Records(opendata.ThreadsFile), int64(smallForum.Threads-1); got != want {
				t.Errorf("the export holds %d threads; want %d (all but the deleted one)", got, want)
			}
			if got, want := m.Records(opendata.UsersFile), int64(smallForum.Users+1); got != want {
				t.Errorf("the export holds %d users; want %d", got, want)
			}
			if m.Contents.Count == 0 {
				t.Error("the export holds no attached file; the demo forum attaches some")
			}
			tags, err := to.store.Tags(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Records(opendata.TagsFile); got != int64(len(tags)) || got == 0 {
				t.Errorf("the export holds %d tags, the imported forum %d", got, len(tags))
			}

			a, b := handler(t, from), handler(t, to)
			pages := []string{"/", "/threads/1", "/threads/2", "/threads/77", fmt.Sprintf("/threads/%d", smallForum.Threads),
				"/tags", "/tags/" + tags[0].Slug, "/threads?sort=boosts", "/users/" + mustHandle(t, from.store, 5)}
			pages = append(pages, attachmentPages(t, from.store)...)
			search := "/search?q=" + lateFileSignature
			if _, page := get(a, search); !bytes.Contains(page, []byte(`href="/threads/1"`)) {
				t.Errorf("searching the log's text before the round trip does not find thread 1")
			}
			pages = append(pages, search)
			for _, path := range pages {
				codeA, pageA := get(a, path)
				codeB, pageB := get(b, path)
				if codeA >= 400 || codeB != codeA || !bytes.Equal(pageA, pageB) {
					t.Errorf("GET %s: %d, %d bytes before; %d, %d bytes after the round trip; want the same page\n%s",
						path, codeA, len(pageA), codeB, len(pageB), firstDifference(pageA, pageB))
				}
			}
			if code, _ := get(b, fmt.Sprintf("/threads/%d", deleted)); code != http.StatusNotFound {
				t.Errorf("the deleted thread answers %d after the round trip; want 404", code)
			}
			if _, err := to.store.Post(t.Context(), hidden); !errors.Is(err, parley.ErrNotFound) {
				t.Errorf("the hidden reply after the round trip: %v; want it not found", err)
			}
		})
	}
}

func mustHandle(t *testing.T, store parley.Store, id int64) string {
	u, err := store.UserByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u.Handle
}

// attachmentPages returns the URLs of the first attached files of the first threads.
func attachmentPages(t *testing.T, store parley.Store) []string {
	var out []string
	for id := int64(1); id <= int64(smallForum.Threads) && len(out) < 4; id++ {
		posts, err := store.Posts(t.Context(), id, 0, 50)
		if err != nil {
			continue // the deleted thread
		}
		for _, p := range posts {
			for _, a := range p.Attachments {
				out = append(out, fmt.Sprintf("/attachments/%d", a.ID), fmt.Sprintf("/attachments/%d/%s", a.ID, url.PathEscape(a.Name)))
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no thread carries a file")
	}
	return out
}

// firstDifference shows where two pages part.
func firstDifference(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-200)
	return fmt.Sprintf("before: …%s…\nafter:  …%s…", a[from:min(len(a), i+200)], b[from:min(len(b), i+200)])
}

// TestRoundTripStackExchange reads each Stack Exchange extract into a forum, exports that
// forum and reads the export into a fresh one: what a reader sees is the same, byte for
// byte, for a sample of its threads, its tags and its members.
func TestRoundTripStackExchange(t *testing.T) {
	for _, c := range []struct {
		site, store string
		open        func(*testing.T) *forum
	}{
		{"conlang-meta", "sqlite", mustSQLite}, {"bicycles-meta", "sqlite", mustSQLite},
		{"cardano", "sqlite", mustSQLite}, {"conlang-meta", "postgres", mustPostgres},
	} {
		t.Run(c.site+"/"+c.store, func(t *testing.T) {
			dump := sedumptest.Dump(t, c.site)
			from, to := c.open(t), c.open(t)
			if _, err := seimport.Import(t.Context(), from.store, dump, seimport.Options{ScratchDir: t.TempDir()}); err != nil {
				t.Fatalf("import %s: %v", c.site, err)
			}
			dir := filepath.Join(t.TempDir(), "export")
			m := mustExport(t, from, dir)
			if _, err := opendata.Import(t.Context(), to.store, to.blobs, dir, opendata.Options{}); err != nil {
				t.Fatalf("import the export: %v", err)
			}
			checkSameBadges(t, from.store, to.store, m)
			a, b := handler(t, from), handler(t, to)
			linked := 0
			for _, path := range dumpPages(t, from.store, dump) {
				codeA, pageA := get(a, path)
				codeB, pageB := get(b, path)
				if codeA != http.StatusOK || codeB != codeA || !bytes.Equal(pageA, pageB) {
					t.Errorf("GET %s: %d, %d bytes before; %d, %d bytes after the round trip; want the same page\n%s",
						path, codeA, len(pageA), codeB, len(pageB), firstDifference(pageA, pageB))
				}
				if bytes.Contains(pageA, []byte(`class="linked-threads"`)) || bytes.Contains(pageA, []byte(`class="notice duplicate-of"`)) {
					linked++
				}
			}
			if linked == 0 {
				t.Error("no page compared shows links between threads")
			}
		})
	}
}

// checkSameBadges checks that every member has the same badges in both forums, and that
// the export holds them all.
func checkSameBadges(t *testing.T, from, to parley.Store, m *opendata.Manifest) {
	var total int64
	for id := int64(1); id <= m.Records(opendata.UsersFile); id++ {
		a, err := from.UserBadges(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := to.UserBadges(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("user %d has the badges %+v before the round trip, %+v after", id, a, b)
		}
		for _, c := range a {
			total += c.Count
		}
	}
	if total == 0 || m.Records(opendata.BadgesFile) != total {
		t.Errorf("the export holds %d badges; the members have %d, and want some", m.Records(opendata.BadgesFile), total)
	}
}

// TestImportExportWithoutBadges reads an export made before badges were in the format:
// its manifest lists no badges.jsonl, and it imports all the same.
func TestImportExportWithoutBadges(t *testing.T) {
	from, to := mustSQLite(t), mustSQLite(t)
	dump := sedumptest.Dump(t, "conlang-meta")
	if _, err := seimport.Import(t.Context(), from.store, dump, seimport.Options{ScratchDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "export")
	m := mustExport(t, from, dir)
	m.Files = slices.DeleteFunc(m.Files, func(f opendata.FileEntry) bool { return f.Path == opendata.BadgesFile })
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, opendata.BadgesFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, opendata.ManifestFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := opendata.Import(t.Context(), to.store, to.blobs, dir, opendata.Options{}); err != nil {
		t.Fatalf("import an export without badges: %v", err)
	}
	if got := mustHandle(t, to.store, 1); got != mustHandle(t, from.store, 1) {
		t.Errorf("user 1 is %s after the import; want %s", got, mustHandle(t, from.store, 1))
	}
}

// dumpPages lists pages of a forum imported from dump: the lists, every twentieth
// question's thread, a few tags' pages and a few members' pages.
func dumpPages(t *testing.T, store parley.Store, dump string) []string {
	pages := []string{"/", "/threads?sort=boosts", "/threads?sort=views", "/tags"}
	n := 0
	questions := map[int64]bool{}
	for p, err := range sedump.Posts(dump) {
		if err != nil {
			t.Fatal(err)
		}
		if p.PostTypeID == sedump.Question {
			questions[p.ID] = true
			if n%20 == 0 {
				pages = append(pages, fmt.Sprintf("/threads/%d", p.ID))
			}
			n++
		}
	}
	// The threads at both ends of the first links the dump has between questions.
	n = 0
	for l, err := range sedump.PostLinks(dump) {
		if err != nil {
			t.Fatal(err)
		}
		if !questions[l.PostID] || !questions[l.RelatedPostID] {
			continue
		}
		if n++; n > 10 {
			break
		}
		pages = append(pages, fmt.Sprintf("/threads/%d", l.PostID), fmt.Sprintf("/threads/%d", l.RelatedPostID))
	}
	tags, err := store.Tags(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range tags[:min(len(tags), 5)] {
		pages = append(pages, "/tags/"+tag.Slug)
	}
	for id := int64(1); id <= 5; id++ {
		pages = append(pages, "/users/"+mustHandle(t, store, id))
	}
	return pages
}
