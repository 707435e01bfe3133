package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/search"
	"github.com/parley-forum/parley/sqlite"
	"github.com/parley-forum/parley/storetest"
)

// copyFixture is what the SQLite forum of TestCopyCommand holds beside the demo content,
// made through the store so that every table has rows.
type copyFixture struct {
	deleted, hiddenIn, pinned, attachedIn int64 // threads
	hidden, flagged, attachment           int64 // posts; an attachment
	session                               string
}

// mustCopyFixture builds a small demo forum in dir with sessions, open and dismissed flags,
// a hidden reply, a deleted thread, pins, an attachment, a suspension and a moderation log.
func mustCopyFixture(t *testing.T, dir string) copyFixture {
	t.Helper()
	if _, _, err := runCmd(t, env(), "demo", "--threads", "200", "--posts", "1000", "--users", "40", "--data", dir); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "parley.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mod, err := s.CreateAccount(ctx, parley.NewUser{Handle: "mod", DisplayName: "Mo Derator", Role: parley.RoleModerator}, "mod@example.com", "hash")
	must(err)
	_, hash, err := auth.NewToken()
	must(err)
	must(s.CreateSession(ctx, parley.Session{TokenHash: hash, UserID: mod.ID, CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}))
	by := parley.Audit{ActorID: mod.ID, Reason: "testing the copy"}

	// withReply returns the first thread from id on that has a reply, and its first reply.
	withReply := func(id int64) (int64, int64) {
		t.Helper()
		for ; id < 200; id++ {
			posts, err := s.Posts(ctx, id, 0, 2)
			must(err)
			if len(posts) == 2 {
				return id, posts[1].ID
			}
		}
		t.Fatal("no thread with a reply")
		return 0, 0
	}
	f := copyFixture{deleted: 3, pinned: 5, attachedIn: 6, session: hash}
	f.hiddenIn, f.hidden = withReply(10)
	_, err = s.FlagPost(ctx, parley.NewFlag{PostID: f.hidden, ReporterID: 1, Reason: parley.FlagSpam})
	must(err)
	must(s.SetPostHidden(ctx, f.hidden, true, by))
	_, f.flagged = withReply(f.hiddenIn + 1)
	_, err = s.FlagPost(ctx, parley.NewFlag{PostID: f.flagged, ReporterID: 2, Reason: parley.FlagOther, Note: "looks copied"})
	must(err)
	must(s.SetThreadDeleted(ctx, f.deleted, true, by))
	must(s.SetPinned(ctx, f.pinned, nil, true, by))
	must(s.SetLocked(ctx, f.pinned, true, by))
	must(s.SetDuplicate(ctx, f.attachedIn, f.pinned, true, by))
	must(s.SuspendUser(ctx, 3, time.Now().Add(72*time.Hour), by))
	// Badges come only with an import, which a demo forum is not: member 2 gets two here.
	raw, err := sql.Open("sqlite", filepath.Join(dir, "parley.db"))
	must(err)
	_, err = raw.ExecContext(ctx, `INSERT INTO badges (id, user_id, name, class, awarded_at)
		VALUES (1, 2, 'Teacher', 'bronze', 1748779200000), (2, 2, 'Famous Question', 'gold', 1748779300000)`)
	must(err)
	raw.Close()
	// The file goes where a SQLite forum keeps it, the data folder's blobs/; on PostgreSQL
	// the copy puts it in the blobs table.
	content := "first\nsecond"
	key := fmt.Sprintf("%x", sha256.Sum256([]byte(content)))
	files, err := blob.NewDir(filepath.Join(dir, "blobs"))
	must(err)
	must(s.RecordUpload(ctx, parley.NewUpload{UserID: mod.ID, SHA256: key, Size: int64(len(content))}, parley.UploadLimits{}))
	must(files.Put(ctx, key, strings.NewReader(content)))
	// Member 2 watches the thread and is told of the reply; their settings are kept.
	must(s.SetWatch(ctx, 2, parley.Watch{Kind: parley.WatchThread, TargetID: f.attachedIn}, parley.WatchOn))
	must(s.SetNotificationSettings(ctx, 2, parley.NotificationSettings{WatchOwn: false}))
	// A member with an address watches it too: their email waits in the outbox, and the
	// key its unsubscribe link is signed with is made.
	reader, err := s.CreateAccount(ctx, parley.NewUser{Handle: "reader", DisplayName: "Rea Der"}, "reader@example.com", "hash")
	must(err)
	must(s.SetWatch(ctx, reader.ID, parley.Watch{Kind: parley.WatchThread, TargetID: f.attachedIn}, parley.WatchOn))
	_, err = s.SiteKey(ctx, "unsubscribe")
	must(err)
	reply, err := s.CreateReply(ctx, parley.NewReply{ThreadID: f.attachedIn, AuthorID: mod.ID, Text: storetest.Text("The log:"),
		Attachments: []parley.File{{Name: "crash.log", ContentType: parley.TypeText, Size: int64(len(content)), SHA256: key, Lines: 2}}})
	must(err)
	f.attachment = reply.Attachments[0].ID
	if _, err := s.FanOut(ctx, 10); err != nil {
		t.Fatal(err)
	}
	// The reader asked for a new password, and a sender claimed the email: its link's
	// hash is kept.
	must(s.RequestPasswordReset(ctx, "reader@example.com"))
	_, err = s.ClaimEmails(ctx, 10, time.Minute)
	must(err)
	// A second reply's job waits for the worker: a copy carries it, to be fanned out there.
	_, err = s.CreateReply(ctx, parley.NewReply{ThreadID: f.attachedIn, AuthorID: mod.ID, Text: storetest.Text("And again.")})
	must(err)
	return f
}

// TestCopyCommand copies a demo forum from SQLite to PostgreSQL and checks that the copy
// reads and renders the same: the store's reads, and the HTML of threads and tag pages
// served from each database.
func TestCopyCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := mustCopyFixture(t, dir)
	to := pgtest.MustURL(t)

	out, _, err := runCmd(t, env("PARLEY_FROM", dir), "copy", "--to", to)
	if err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	// Every table has rows, so every table's copy was checked on something.
	line := regexp.MustCompile(`(?m)^\s*(\w+)\s+(\d+)\s+[0-9a-f]{16}\s+same\s`)
	tables := line.FindAllStringSubmatch(out, -1)
	if len(tables) < 15 {
		t.Errorf("copy reported %d tables, want every one of them:\n%s", len(tables), out)
	}
	for _, m := range tables {
		if m[2] == "0" {
			t.Errorf("table %s has no rows in the fixture, so its copy is not tested", m[1])
		}
	}

	ctx := t.Context()
	src, err := sqlite.Open(ctx, filepath.Join(dir, "parley.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, to, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()

	t.Run("the store reads the same", func(t *testing.T) {
		same := func(what string, read func(s parley.Store) (any, error)) {
			t.Helper()
			a, errA := read(src)
			b, errB := read(dst)
			if errA != nil || errB != nil {
				t.Fatalf("%s: %v on SQLite, %v on PostgreSQL", what, errA, errB)
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s differs:\nSQLite:     %+v\nPostgreSQL: %+v", what, a, b)
			}
		}
		for _, id := range []int64{1, f.deleted, f.hiddenIn, f.pinned, f.attachedIn, 200} {
			same(fmt.Sprint("thread ", id), func(s parley.Store) (any, error) { return s.Thread(ctx, id) })
			same(fmt.Sprint("posts of thread ", id), func(s parley.Store) (any, error) { return s.Posts(ctx, id, 0, 100) })
		}
		same("the moderation log", func(s parley.Store) (any, error) { return s.ModerationLog(ctx, 0, 100) })
		same("the flag queue", func(s parley.Store) (any, error) { return s.FlagQueue(ctx, 100) })
		same("the attachment", func(s parley.Store) (any, error) { return s.Attachment(ctx, f.attachment) })
		same("the session", func(s parley.Store) (any, error) {
			sess, u, err := s.SessionUser(ctx, f.session)
			return []any{sess, u}, err
		})
		same("user 3", func(s parley.Store) (any, error) { return s.UserByID(ctx, 3) })
		same("the tags", func(s parley.Store) (any, error) { return s.Tags(ctx) })
		same("the topics", func(s parley.Store) (any, error) { return s.Topics(ctx) })
		same("the pins", func(s parley.Store) (any, error) { return s.PinnedThreads(ctx, parley.Scope{}) })
		for id := int64(1); id <= 1000; id += 97 {
			same(fmt.Sprint("revisions of post ", id), func(s parley.Store) (any, error) { return s.Revisions(ctx, id) })
		}
		// The copy's search index was built from the posts it received.
		first, err := src.Thread(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		q, err := search.Parse(first.Title)
		if err != nil {
			t.Fatal(err)
		}
		found, err := dst.Search(ctx, parley.SearchQuery{Query: q, Limit: 10})
		if err != nil || !slices.ContainsFunc(found.Results, func(r parley.SearchResult) bool { return r.Thread.ID == 1 }) {
			t.Errorf("searching the copy for %q: %v; want thread 1 among %d results", first.Title, err, len(found.Results))
		}
		// The id sequences were moved past the copied ids.
		th, _, err := dst.CreateThread(ctx, parley.NewThread{Title: "After the copy", SubtopicID: 1, TagIDs: []int64{1}, AuthorID: 1, Text: storetest.Text("new")})
		if err != nil || th.ID != 201 {
			t.Errorf("a thread made after the copy: id %d, %v; want 201", th.ID, err)
		}
		if err := dst.SetThreadDeleted(ctx, th.ID, true, parley.Audit{ActorID: 1}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("pages render the same", func(t *testing.T) {
		// Both servers share the data folder, for the attached files, and the public URL that
		// canonical links name; neither caches.
		args := []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--cache-ttl", "0", "--base-url", "https://forum.example"}
		a := startServer(t, env(), args...)
		b := startServer(t, env(), append(args, "--database-url", to)...)
		tags, err := src.Tags(ctx)
		if err != nil {
			t.Fatal(err)
		}
		paths := []string{"/", "/threads?sort=replies", "/tags"}
		for _, id := range []int64{1, 2, f.deleted, f.hiddenIn, f.pinned, f.attachedIn, 50, 199, 200} {
			paths = append(paths, fmt.Sprint("/threads/", id))
		}
		for _, tag := range tags[:8] {
			paths = append(paths, "/tags/"+tag.Slug)
		}
		// The file's page shows its lines, read from the folder on one side and from the
		// database on the other.
		paths = append(paths, fmt.Sprint("/attachments/", f.attachment), fmt.Sprint("/attachments/", f.attachment, "/crash.log"))
		for _, path := range paths {
			samePage(t, a, b, path)
		}
	})

	t.Run("a second copy needs --replace", func(t *testing.T) {
		_, _, err := runCmd(t, env(), "copy", "--from", filepath.Join(dir, "parley.db"), "--to", to)
		if err == nil || !strings.Contains(err.Error(), "--replace") {
			t.Fatalf("copy into a full database: %v, want a refusal naming --replace", err)
		}
		out, _, err := runCmd(t, env(), "copy", "--from", dir, "--to", to, "--replace")
		if err != nil || !strings.Contains(out, "every table's rows and checksum match") {
			t.Fatalf("copy --replace: %v\n%s", err, out)
		}
		if _, err := dst.Thread(ctx, 201); parley.ErrorCode(err) != parley.ENotFound {
			t.Errorf("the thread made after the first copy: %v, want it gone after --replace", err)
		}
	})

	t.Run("a missing attached file stops the copy", func(t *testing.T) {
		a, err := src.Attachment(ctx, f.attachment)
		if err != nil {
			t.Fatal(err)
		}
		files, err := blob.NewDir(filepath.Join(dir, "blobs"))
		if err != nil {
			t.Fatal(err)
		}
		if err := files.Delete(ctx, a.SHA256); err != nil {
			t.Fatal(err)
		}
		_, _, err = runCmd(t, env(), "copy", "--from", dir, "--to", to, "--replace")
		if err == nil || !strings.Contains(err.Error(), a.SHA256) {
			t.Fatalf("copy without the file: %v, want an error naming it", err)
		}
		if _, err := dst.Attachment(ctx, f.attachment); err != nil {
			t.Errorf("the refused copy changed the target: %v", err)
		}
	})
}

// samePage fetches path from both servers and fails unless status and body are the same.
// Pages say how long ago things happened, which a minute's turn between the two fetches
// changes, so a difference is fetched once more before it counts.
func samePage(t *testing.T, a, b *server, path string) {
	t.Helper()
	var bodyA, bodyB []byte
	for range 2 {
		var resA, resB *http.Response
		resA, bodyA = a.fetch(t, path, "")
		resB, bodyB = b.fetch(t, path, "")
		codeA, codeB := resA.StatusCode, resB.StatusCode
		if codeA != codeB {
			t.Errorf("GET %s: %d from SQLite, %d from PostgreSQL", path, codeA, codeB)
			return
		}
		if codeA != http.StatusOK && codeA != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, codeA)
		}
		if bytes.Equal(bodyA, bodyB) {
			return
		}
	}
	la, lb := strings.Split(string(bodyA), "\n"), strings.Split(string(bodyB), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			t.Errorf("GET %s differs at line %d:\nSQLite:     %s\nPostgreSQL: %s", path, i+1, la[i], lb[i])
			return
		}
	}
	t.Errorf("GET %s: %d lines from SQLite, %d from PostgreSQL", path, len(la), len(lb))
}
