package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"testing"

	parley "github.com/parley-forum/parley"
)

// file describes a text file with the given content, as an upload's inspection would.
func file(name, content string) parley.File {
	sum := sha256.Sum256([]byte(content))
	return parley.File{Name: name, ContentType: parley.TypeText, Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), Lines: 1}
}

func image(name string, w, h int) parley.File {
	f := file(name, name)
	f.ContentType, f.Width, f.Height, f.Lines = parley.TypePNG, w, h, 0
	return f
}

func testAttachments(t *testing.T, e *env) {
	f := e.forum()
	shot, log := image("shot.png", 640, 480), file("crash.log", "EXC_BAD_ACCESS\n")
	e.uploaded(f.asker, shot, log)
	th, op, err := e.s.CreateThread(e.ctx, parley.NewThread{Title: "Crashes when the view appears", SubtopicID: f.sub.ID,
		TagIDs: []int64{f.tagA.ID}, AuthorID: f.asker.ID, Text: text("See the log."), Attachments: []parley.File{shot, log}})
	must(t, err)
	checkFiles(t, "the new question", op, shot, log)
	e.clock.Advance(1)
	again := file("again.log", "EXC_BAD_ACCESS\n") // the same content under another name
	reply, err := e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: th.ID, AuthorID: f.answerer.ID, Text: text("Same here."), Attachments: []parley.File{again}})
	must(t, err)
	checkFiles(t, "the new reply", reply, again)
	plain := e.reply(th.ID, f.asker)

	posts, err := e.s.Posts(e.ctx, th.ID, 0, 10)
	must(t, err)
	if len(posts) != 3 {
		t.Fatalf("%d posts, want 3", len(posts))
	}
	checkFiles(t, "the question as listed", posts[0], shot, log)
	checkFiles(t, "the reply as listed", posts[1], again)
	checkFiles(t, "a reply without files", posts[2])
	// A page counts posts, not files: the question's two files must not crowd out a reply.
	first, err := e.s.Posts(e.ctx, th.ID, 0, 2)
	must(t, err)
	if len(first) != 2 || first[1].ID != reply.ID {
		t.Fatalf("a page of 2 posts holds %d", len(first))
	}
	checkFiles(t, "the question on a page of two", first[0], shot, log)
	rest, err := e.s.Posts(e.ctx, th.ID, first[1].ID, 2)
	must(t, err)
	if len(rest) != 1 || rest[0].ID != plain.ID {
		t.Errorf("the page after holds %d posts, want the last reply", len(rest))
	}
	p, err := e.s.Post(e.ctx, op.ID)
	must(t, err)
	checkFiles(t, "the question read alone", p, shot, log)
	if p, _ := e.s.Post(e.ctx, plain.ID); len(p.Attachments) != 0 {
		t.Errorf("a post without files has %d", len(p.Attachments))
	}

	a, err := e.s.Attachment(e.ctx, op.Attachments[1].ID)
	must(t, err)
	if a != op.Attachments[1] {
		t.Errorf("Attachment(%d) = %+v, want %+v", a.ID, a, op.Attachments[1])
	}
	_, err = e.s.Attachment(e.ctx, 99999)
	isNotFound(t, err)
}

// testAttachmentsInvalid checks that a post with a file no upload could describe is
// refused whole: no thread, no reply, no record.
func testAttachmentsInvalid(t *testing.T, e *env) {
	f := e.forum()
	th := e.thread(f, f.asker, f.tagA)
	svg := file("logo.svg", "<svg/>")
	svg.ContentType = "image/svg+xml"
	badKey := file("a.log", "x")
	badKey.SHA256 = "../../etc/passwd"
	textAsTxt := file("a.log", "x")
	textAsTxt.Name = "a.html"
	for _, bad := range []parley.File{svg, badKey, textAsTxt, {}, image("huge.png", parley.MaxImageSide+1, 1), image("bomb.png", 8000, 8000),
		{Name: "dir/a.log", ContentType: parley.TypeText, Size: 1, SHA256: file("a", "a").SHA256, Lines: 1}} {
		_, _, err := e.s.CreateThread(e.ctx, parley.NewThread{Title: "A question with a bad file", SubtopicID: f.sub.ID,
			TagIDs: []int64{f.tagA.ID}, AuthorID: f.asker.ID, Text: text("Body"), Attachments: []parley.File{file("ok.log", "ok"), bad}})
		wantCode(t, err, parley.EInvalid)
		_, err = e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: th.ID, AuthorID: f.answerer.ID, Text: text("Body"), Attachments: []parley.File{bad}})
		wantCode(t, err, parley.EInvalid)
	}
	e.uploaded(f.answerer, file("ok.log", "ok"))
	must(t, e.s.SetLocked(e.ctx, th.ID, true, f.by("")))
	_, err := e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: th.ID, AuthorID: f.answerer.ID, Text: text("Body"), Attachments: []parley.File{file("ok.log", "ok")}})
	wantCode(t, err, parley.EConflict)

	equalIDs(t, "threads after refused posts", e.list(parley.Scope{}, parley.SortNewest, "", 10), []int64{th.ID})
	posts, err := e.s.Posts(e.ctx, th.ID, 0, 10)
	must(t, err)
	if len(posts) != 1 || len(posts[0].Attachments) != 0 {
		t.Errorf("after refused replies: %d posts, the first with %d files", len(posts), len(posts[0].Attachments))
	}
	// No record may be left by a refusal; a store that kept one would have given it one
	// of the first ids.
	for id := int64(1); id <= 3; id++ {
		_, err = e.s.Attachment(e.ctx, id)
		isNotFound(t, err)
	}
}

// checkFiles compares a post's attachments with the files attached, in order.
func checkFiles(t *testing.T, what string, p parley.Post, want ...parley.File) {
	t.Helper()
	if len(p.Attachments) != len(want) {
		t.Fatalf("%s has %d files, want %d", what, len(p.Attachments), len(want))
	}
	for i, a := range p.Attachments {
		if a.File != want[i] || a.PostID != p.ID || a.ID == 0 || !a.CreatedAt.Equal(p.CreatedAt) {
			t.Errorf("%s: file %d is %+v, want %+v on post %d at %v", what, i, a, want[i], p.ID, p.CreatedAt)
		}
	}
	if len(p.Attachments) == 2 && p.Attachments[0].ID >= p.Attachments[1].ID {
		t.Errorf("%s: files out of order: %d, %d", what, p.Attachments[0].ID, p.Attachments[1].ID)
	}
}

// testThreadWithPosts checks that the thread page's one read gives what Thread and Posts
// give apart: files, hidden posts and pages included, and a deleted thread still readable.
func testThreadWithPosts(t *testing.T, e *env) {
	f := e.forum()
	log := file("crash.log", "EXC_BAD_ACCESS\n")
	e.uploaded(f.asker, log)
	th, _, err := e.s.CreateThread(e.ctx, parley.NewThread{Title: "Crashes when the view appears", SubtopicID: f.sub.ID,
		TagIDs: []int64{f.tagA.ID, f.tagB.ID}, AuthorID: f.asker.ID, Text: text("See the log."), Attachments: []parley.File{log}})
	must(t, err)
	hidden := e.reply(th.ID, f.answerer)
	must(t, e.s.SetPostHidden(e.ctx, hidden.ID, true, f.by("Spam")))
	last := e.reply(th.ID, f.asker)
	must(t, e.s.SetThreadDeleted(e.ctx, th.ID, true, f.by("Duplicate")))
	for _, page := range []struct{ after int64 }{{0}, {hidden.ID}, {last.ID}} {
		wantThread, err := e.s.Thread(e.ctx, th.ID)
		must(t, err)
		wantPosts, err := e.s.Posts(e.ctx, th.ID, page.after, 2)
		must(t, err)
		gotThread, gotPosts, err := e.s.ThreadWithPosts(e.ctx, th.ID, page.after, 2)
		must(t, err)
		if !reflect.DeepEqual(gotThread, wantThread) {
			t.Errorf("ThreadWithPosts gave the thread %+v, Thread %+v", gotThread, wantThread)
		}
		if !reflect.DeepEqual(gotPosts, wantPosts) {
			t.Errorf("after post %d ThreadWithPosts gave the posts %+v, Posts %+v", page.after, gotPosts, wantPosts)
		}
	}
	_, _, err = e.s.ThreadWithPosts(e.ctx, 99999, 0, 10)
	isNotFound(t, err)
}
