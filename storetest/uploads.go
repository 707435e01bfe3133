package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
)

// uploaded records that u sent each file, as a form does before it stores the content.
func (e *env) uploaded(u parley.User, files ...parley.File) {
	e.t.Helper()
	for _, f := range files {
		must(e.t, e.s.RecordUpload(e.ctx, parley.NewUpload{UserID: u.ID, SHA256: f.SHA256, Size: f.Size}, parley.UploadLimits{}))
	}
}

// blobs stands for a blob store: the contents it holds, by key.
type blobs struct {
	mu   sync.Mutex
	held map[string]bool
}

func newBlobs() *blobs { return &blobs{held: map[string]bool{}} }

func (b *blobs) put(key string) {
	b.mu.Lock()
	b.held[key] = true
	b.mu.Unlock()
}

func (b *blobs) has(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.held[key]
}

// remove is what CollectUploads is given.
func (b *blobs) remove(_ context.Context, key string) error {
	b.mu.Lock()
	delete(b.held, key)
	b.mu.Unlock()
	return nil
}

func (e *env) collect(b *blobs) int64 {
	e.t.Helper()
	n, err := e.s.CollectUploads(e.ctx, b.remove)
	must(e.t, err)
	return n
}

// testUploadBudget checks the daily budget: counted per account over the last day, the
// same content counted once, nothing recorded when refused.
func testUploadBudget(t *testing.T, e *env) {
	f := e.forum()
	a, b, c := file("a.log", "aaaaaaaaaa"), file("b.log", "bbbbbbbbbb"), file("c.log", "cccccccccc")
	record := func(u parley.User, file parley.File) error {
		return e.s.RecordUpload(e.ctx, parley.NewUpload{UserID: u.ID, SHA256: file.SHA256, Size: file.Size}, parley.UploadLimits{Budget: 25})
	}
	must(t, record(f.asker, a))
	e.clock.Advance(time.Hour)
	must(t, record(f.asker, b))
	must(t, record(f.asker, a)) // the same content again is counted once
	wantCode(t, record(f.asker, c), parley.ETooMany)
	must(t, record(f.answerer, c)) // another account has its own budget
	// The refused upload was not recorded: after a day it is as if it never happened.
	e.clock.Advance(parley.UploadGrace - time.Hour)
	wantCode(t, record(f.asker, c), parley.ETooMany) // a was sent again an hour later
	e.clock.Advance(time.Hour + time.Millisecond)
	must(t, record(f.asker, c))

	for _, bad := range []parley.NewUpload{{UserID: f.asker.ID, SHA256: "../../etc/passwd", Size: 1}, {UserID: f.asker.ID, SHA256: a.SHA256}} {
		wantCode(t, e.s.RecordUpload(e.ctx, bad, parley.UploadLimits{}), parley.EInvalid)
	}
	isNotFound(t, e.s.RecordUpload(e.ctx, parley.NewUpload{UserID: 99999, SHA256: a.SHA256, Size: 1}, parley.UploadLimits{}))
}

// testUploadQuota checks the storage quota: an account holds its records of the last day
// and the files its visible posts carry, each content once; an upload past the quota is
// refused with what the account holds, and nothing of it is recorded.
func testUploadQuota(t *testing.T, e *env) {
	f := e.forum()
	a, b, c, d, x := file("a.log", "aaaaaaaaaa"), file("b.log", "bbbbbbbbbb"), file("c.log", "cccccccccc"), file("d.log", "dddddddddd"), file("x.log", "xxxxxxxxxx")
	record := func(u parley.User, file parley.File) error {
		return e.s.RecordUpload(e.ctx, parley.NewUpload{UserID: u.ID, SHA256: file.SHA256, Size: file.Size}, parley.UploadLimits{Quota: 25})
	}
	refused := func(u parley.User, file parley.File, held string) {
		t.Helper()
		err := record(u, file)
		wantCode(t, err, parley.EForbidden)
		if want := held + " of the 25 bytes each account may keep"; !strings.Contains(parley.ErrorMessage(err), want) {
			t.Errorf("the refusal of %s says %q; want it to say %q", file.Name, parley.ErrorMessage(err), want)
		}
	}
	must(t, record(f.asker, a))
	th, _, err := e.s.CreateThread(e.ctx, parley.NewThread{Title: "A question with a file", SubtopicID: f.sub.ID,
		TagIDs: []int64{f.tagA.ID}, AuthorID: f.asker.ID, Text: text("See the file."), Attachments: []parley.File{a}})
	must(t, err)
	must(t, record(f.asker, b))
	must(t, record(f.asker, b)) // the same content again is counted once
	refused(f.asker, c, "Your files take 20 bytes")
	// Nothing was recorded for the refused file: a post cannot carry it.
	_, err = e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: th.ID, AuthorID: f.asker.ID, Text: text("The log."), Attachments: []parley.File{c}})
	if wantCode(t, err, parley.EInvalid); parley.ErrorMessage(err) != parley.ErrorMessage(parley.NotHeld(c)) {
		t.Errorf("a reply with the refused file: %v", err)
	}
	must(t, record(f.answerer, c)) // another account has its own quota

	// A content posted twice is counted once, and it stays counted after its record lapses,
	// while a file sent and never posted stops counting.
	other := e.thread(f, f.answerer, f.tagA)
	reply, err := e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: other.ID, AuthorID: f.asker.ID, Text: text("Same file."), Attachments: []parley.File{a}})
	must(t, err)
	refused(f.asker, c, "Your files take 20 bytes")
	e.clock.Advance(parley.UploadGrace)
	must(t, record(f.asker, c))
	refused(f.asker, d, "Your files take 20 bytes")

	// Posts readers no longer see stop counting: a hidden reply, a deleted thread.
	must(t, e.s.SetPostHidden(e.ctx, reply.ID, true, f.by("Duplicate")))
	refused(f.asker, d, "Your files take 20 bytes") // a is still carried by the question
	must(t, e.s.SetThreadDeleted(e.ctx, th.ID, true, f.by("Spam")))
	must(t, record(f.asker, d))
	// Restoring the thread counts its files again.
	must(t, e.s.SetThreadDeleted(e.ctx, th.ID, false, f.by("Not spam")))
	refused(f.asker, x, "Your files take 30 bytes")
}

// testUploadQuotaRace sends two files at once that each fit an account's quota
// but not together: one is taken and the other refused, however the two interleave.
func testUploadQuotaRace(t *testing.T, e *env) {
	for i := range 4 {
		u := e.user(parley.RoleMember)
		files := []parley.File{file("one.log", fmt.Sprintf("first file %d", i)), file("two.log", fmt.Sprintf("other file %d", i))}
		limits := parley.UploadLimits{Quota: files[0].Size + files[1].Size - 1}
		errs := make([]error, len(files))
		var wg sync.WaitGroup
		for j, x := range files {
			wg.Go(func() {
				errs[j] = e.s.RecordUpload(e.ctx, parley.NewUpload{UserID: u.ID, SHA256: x.SHA256, Size: x.Size}, limits)
			})
		}
		wg.Wait()
		taken := 0
		for _, err := range errs {
			if err == nil {
				taken++
			} else {
				wantCode(t, err, parley.EForbidden)
			}
		}
		if taken != 1 {
			t.Errorf("round %d: %d of two files that fit the quota only one at a time were taken", i, taken)
		}
	}
}

// testCollectUploads checks what a sweep removes: contents sent a day ago or more that no
// post carries, and nothing else; and that a post refuses a file once it is removed.
func testCollectUploads(t *testing.T, e *env) {
	f := e.forum()
	store := newBlobs()
	kept, posted, again, late := file("kept.log", "left in a form"), file("posted.log", "posted"), file("again.log", "sent again"), file("late.log", "sent late")
	for _, x := range []parley.File{kept, posted, again} {
		e.uploaded(f.asker, x)
		store.put(x.SHA256)
	}
	_, _, err := e.s.CreateThread(e.ctx, parley.NewThread{Title: "A question with a file", SubtopicID: f.sub.ID,
		TagIDs: []int64{f.tagA.ID}, AuthorID: f.asker.ID, Text: text("See the file."), Attachments: []parley.File{posted}})
	must(t, err)
	e.clock.Advance(parley.UploadGrace - time.Minute)
	e.uploaded(f.answerer, again, late) // another account sends the same content later
	store.put(late.SHA256)
	if n := e.collect(store); n != 0 {
		t.Errorf("a sweep within the grace period removed %d contents", n)
	}
	e.clock.Advance(time.Minute)
	if n := e.collect(store); n != 1 || store.has(kept.SHA256) {
		t.Errorf("the sweep removed %d contents, the form's file held %v; want that one removed", n, store.has(kept.SHA256))
	}
	for _, x := range []parley.File{posted, again, late} {
		if !store.has(x.SHA256) {
			t.Errorf("%s was removed though held", x.Name)
		}
	}
	if n := e.collect(store); n != 0 {
		t.Errorf("a second sweep removed %d more", n)
	}
	// A post carrying the removed file is refused by name; the file posted before, though
	// its upload is a day old, is attached for good and may be posted again.
	th := e.thread(f, f.asker, f.tagA)
	_, err = e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: th.ID, AuthorID: f.asker.ID, Text: text("The log."), Attachments: []parley.File{posted, kept}})
	if wantCode(t, err, parley.EInvalid); parley.ErrorMessage(err) != parley.ErrorMessage(parley.NotHeld(kept)) {
		t.Errorf("a reply with a removed file: %v", err)
	}
	_, err = e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: th.ID, AuthorID: f.asker.ID, Text: text("The log."), Attachments: []parley.File{posted}})
	must(t, err)
	// A file never recorded is no more held than a collected one.
	_, _, err = e.s.CreateThread(e.ctx, parley.NewThread{Title: "A question with a ghost", SubtopicID: f.sub.ID,
		TagIDs: []int64{f.tagA.ID}, AuthorID: f.asker.ID, Text: text("See the file."), Attachments: []parley.File{file("ghost.log", "never sent")}})
	wantCode(t, err, parley.EInvalid)
	e.clock.Advance(parley.UploadGrace)
	if n := e.collect(store); n != 2 || store.has(late.SHA256) || store.has(again.SHA256) || !store.has(posted.SHA256) {
		t.Errorf("a day later the sweep removed %d contents; want again.log and late.log, not the posted file", n)
	}
}

// testCollectUploadsRace posts and sends again contents while sweeps on two connections
// collect them: however the three interleave, every post that is written carries a
// content still held, and a content is removed only when nothing came to hold it.
func testCollectUploadsRace(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	store := newBlobs()
	var files []parley.File
	for i := range 24 {
		x := file(fmt.Sprintf("race%d.log", i), fmt.Sprintf("content %d", i))
		files = append(files, x)
		e.uploaded(f.asker, x)
		store.put(x.SHA256)
	}
	e.clock.Advance(parley.UploadGrace)
	var wg sync.WaitGroup
	var mu sync.Mutex
	posted := map[string]bool{}
	for range 2 {
		wg.Go(func() {
			if _, err := e.s.CollectUploads(e.ctx, store.remove); err != nil {
				t.Error(err)
			}
		})
	}
	for i, x := range files {
		wg.Go(func() {
			if i%2 == 1 { // sent again, as a form does: recorded, then stored
				if err := e.s.RecordUpload(e.ctx, parley.NewUpload{UserID: f.answerer.ID, SHA256: x.SHA256, Size: x.Size}, parley.UploadLimits{}); err != nil {
					t.Error(err)
					return
				}
				store.put(x.SHA256)
			}
			_, err := e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: th.ID, AuthorID: f.answerer.ID, Text: text("A file."), Attachments: []parley.File{x}})
			switch {
			case err == nil:
				mu.Lock()
				posted[x.SHA256] = true
				mu.Unlock()
			case parley.ErrorMessage(err) != parley.ErrorMessage(parley.NotHeld(x)):
				t.Errorf("posting %s: %v", x.Name, err)
			}
		})
	}
	wg.Wait()
	var removed []string
	for i, x := range files {
		switch {
		case posted[x.SHA256] && !store.has(x.SHA256):
			t.Errorf("%s was posted, and its content removed", x.Name)
		case i%2 == 1 && !posted[x.SHA256]:
			t.Errorf("%s, sent again, could not be posted", x.Name)
		case !posted[x.SHA256]:
			removed = append(removed, x.Name)
		}
	}
	t.Logf("refused as collected: %v", removed)
}
