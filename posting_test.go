package parley_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/markdown"
	"github.com/parley-forum/parley/sqlite"
	"github.com/parley-forum/parley/storetest"
)

// postingWorld is a small forum on a real SQLite store, with a clock the test sets and a
// Posting service over both.
type postingWorld struct {
	ctx      context.Context
	now      time.Time
	store    *sqlite.Store
	render   *countingRenderer
	posting  *parley.Posting
	sub      parley.Subtopic
	tag      parley.Tag
	member   parley.User
	other    parley.User
	mod      parley.User
	question parley.Post // asked by member
}

// countingRenderer is the Markdown renderer, counting how often it renders.
type countingRenderer struct {
	markdown *markdown.Renderer
	n        int
}

func (c *countingRenderer) Render(md string) string {
	c.n++
	return c.markdown.Render(md)
}

// postingLimits are limits in memory of burst posts and burst previews at once, per
// account and per address, with no refill while a test runs.
func postingLimits(burst int) parley.PostingLimits {
	l := func() parley.Limiter { return auth.NewMemoryLimiter(time.Hour, burst) }
	return parley.PostingLimits{Post: l(), PostAddress: l(), Preview: l(), PreviewAddress: l()}
}

// newPostingWorld opens the store and fills it; limits are as large as the test needs.
func newPostingWorld(t *testing.T, limits parley.PostingLimits) *postingWorld {
	t.Helper()
	w := &postingWorld{ctx: context.Background(), now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	clock := func() time.Time { return w.now }
	s, err := sqlite.Open(w.ctx, filepath.Join(t.TempDir(), "parley.db"), sqlite.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	w.store, w.render = s, &countingRenderer{markdown: markdown.New()}
	w.posting = &parley.Posting{Store: s, Markdown: w.render, Limits: limits, Clock: clock,
		Links: parley.LinkLimit{Period: 24 * time.Hour, Links: 1}}
	topic := must(s.CreateTopic(w.ctx, parley.NewTopic{Slug: "system", Name: "System"}))(t)
	w.sub = must(s.CreateSubtopic(w.ctx, parley.NewSubtopic{TopicID: topic.ID, Slug: "networking", Name: "Networking"}))(t)
	w.tag = must(s.CreateTag(w.ctx, parley.NewTag{Slug: "network", Name: "Network"}))(t)
	w.member = must(s.CreateUser(w.ctx, parley.NewUser{Handle: "member", DisplayName: "Member"}))(t)
	w.other = must(s.CreateUser(w.ctx, parley.NewUser{Handle: "other", DisplayName: "Other"}))(t)
	w.mod = must(s.CreateUser(w.ctx, parley.NewUser{Handle: "moddy", DisplayName: "Moddy", Role: parley.RoleModerator}))(t)
	_, op, err := s.CreateThread(w.ctx, parley.NewThread{Title: "How do I cancel an NWConnection?", SubtopicID: w.sub.ID,
		TagIDs: []int64{w.tag.ID}, AuthorID: w.member.ID, Text: storetest.Text("The question.")})
	if err != nil {
		t.Fatal(err)
	}
	w.question = op
	return w
}

func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// as is the actor u writing from the address 192.0.2.1, read afresh from the store.
func (w *postingWorld) as(t *testing.T, u parley.User) parley.Actor {
	t.Helper()
	return parley.Actor{User: must(w.store.UserByID(w.ctx, u.ID))(t), Address: "192.0.2.1"}
}

func (w *postingWorld) validQuestion() parley.Question {
	return parley.Question{Title: "How do I keep a TLS session alive?", SubtopicID: w.sub.ID, Tags: []string{"Network"}, Body: "My question."}
}

func (w *postingWorld) suspend(t *testing.T, u parley.User, until time.Time) {
	t.Helper()
	if err := w.store.SuspendUser(w.ctx, u.ID, until, parley.Audit{ActorID: w.mod.ID, Reason: "Spam"}); err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := parley.ErrorCode(err); err == nil || got != code {
		t.Errorf("%s: %v (%s), want %s", what, err, got, code)
	}
}

// TestPostingJudgesTheWriterFirst: permission comes before validation, so an invalid post
// from a suspended writer hears of the suspension, not of its problems; validation comes
// before pace, so a post sent back to be mended costs nothing of the limits.
func TestPostingJudgesTheWriterFirst(t *testing.T) {
	w := newPostingWorld(t, postingLimits(1))
	w.suspend(t, w.other, w.now.Add(time.Hour))
	invalid := parley.Question{Title: "Short", Body: " "}
	_, err := w.posting.Ask(w.ctx, w.as(t, w.other), invalid)
	wantCode(t, "an invalid question from a suspended writer", err, parley.EForbidden)
	if !strings.Contains(parley.ErrorMessage(err), "suspended until") {
		t.Errorf("the refusal says %q, want the suspension", parley.ErrorMessage(err))
	}
	var problems parley.Problems
	_, err = w.posting.Ask(w.ctx, w.as(t, w.member), invalid)
	if !errors.As(err, &problems) || len(problems) != 4 {
		t.Fatalf("an invalid question: %v, want every problem at once (title, subtopic, tags, body)", err)
	}
	if _, err := w.posting.Ask(w.ctx, w.as(t, w.member), w.validQuestion()); err != nil {
		t.Errorf("a valid question after an invalid one, with a limit of one post: %v", err)
	}
	if w.render.n != 1 {
		t.Errorf("rendered %d times, want once: only the valid question is rendered", w.render.n)
	}
}

// TestPostingReadsTheServersClock: a suspension holds while the service's clock is before
// its end, whatever the time of the machine, and ends when the clock passes it.
func TestPostingReadsTheServersClock(t *testing.T) {
	w := newPostingWorld(t, parley.PostingLimits{})
	w.suspend(t, w.other, w.now.Add(time.Hour)) // long past by the machine's time
	reply := parley.ReplyDraft{ThreadID: w.question.ThreadID, Body: "Call cancel()."}
	_, err := w.posting.Reply(w.ctx, w.as(t, w.other), reply)
	wantCode(t, "a reply while the suspension runs by the server's clock", err, parley.EForbidden)
	wantCode(t, "asking while suspended", w.posting.CheckAsk(w.as(t, w.other)), parley.EForbidden)
	w.now = w.now.Add(2 * time.Hour)
	if _, err := w.posting.Reply(w.ctx, w.as(t, w.other), reply); err != nil {
		t.Errorf("a reply once the clock is past the suspension: %v", err)
	}
}

// TestEditsAreRateLimited: saving an edit counts against the posting limits as asking and
// replying do; a refused edit stores nothing.
func TestEditsAreRateLimited(t *testing.T) {
	w := newPostingWorld(t, postingLimits(2))
	me := w.as(t, w.member)
	for i, body := range []string{"The second version.", "The third version."} {
		if _, err := w.posting.Edit(w.ctx, me, parley.EditDraft{PostID: w.question.ID, Body: body}); err != nil {
			t.Fatalf("edit %d within the limit: %v", i+1, err)
		}
	}
	_, err := w.posting.Edit(w.ctx, me, parley.EditDraft{PostID: w.question.ID, Body: "The fourth version."})
	wantCode(t, "a third edit at once", err, parley.ETooMany)
	_, err = w.posting.Reply(w.ctx, me, parley.ReplyDraft{ThreadID: w.question.ThreadID, Body: "Solved it."})
	wantCode(t, "a reply after two edits", err, parley.ETooMany)
	if revs := must(w.store.Revisions(w.ctx, w.question.ID))(t); len(revs) != 3 {
		t.Errorf("%d versions, want 3: the refused edit is not stored", len(revs))
	}
}

// TestPreviewsHaveLimitsOfTheirOwn: previews count against their own limits, and leave the
// posting limits alone; posting leaves the preview limits alone.
func TestPreviewsHaveLimitsOfTheirOwn(t *testing.T) {
	w := newPostingWorld(t, postingLimits(1))
	me := w.as(t, w.member)
	edit := parley.EditDraft{PostID: w.question.ID, Body: "A better question."}
	if _, err := w.posting.PreviewEdit(w.ctx, me, edit); err != nil {
		t.Fatalf("a first preview: %v", err)
	}
	_, err := w.posting.PreviewAsk(w.ctx, me, w.validQuestion())
	wantCode(t, "a second preview at once", err, parley.ETooMany)
	if _, err := w.posting.Edit(w.ctx, me, edit); err != nil {
		t.Errorf("an edit once the previews are spent: %v", err)
	}
	w2 := newPostingWorld(t, postingLimits(1))
	me = w2.as(t, w2.member)
	if _, err := w2.posting.Ask(w2.ctx, me, w2.validQuestion()); err != nil {
		t.Fatalf("a first question: %v", err)
	}
	if _, err := w2.posting.PreviewReply(w2.ctx, me, parley.ReplyDraft{ThreadID: w2.question.ThreadID, Body: "Draft."}); err != nil {
		t.Errorf("a preview once the posts are spent: %v", err)
	}
}

// TestPostingLimitsPerAddress: two accounts writing from one address share its limit.
func TestPostingLimitsPerAddress(t *testing.T) {
	w := newPostingWorld(t, parley.PostingLimits{PostAddress: auth.NewMemoryLimiter(time.Hour, 1)})
	reply := parley.ReplyDraft{ThreadID: w.question.ThreadID, Body: "Same here."}
	if _, err := w.posting.Reply(w.ctx, w.as(t, w.member), reply); err != nil {
		t.Fatal(err)
	}
	_, err := w.posting.Reply(w.ctx, w.as(t, w.other), reply)
	wantCode(t, "another account from the same address", err, parley.ETooMany)
}

// TestMarkdownRenderedOnce: each use case renders its Markdown once, and stores the HTML it
// rendered.
func TestMarkdownRenderedOnce(t *testing.T) {
	w := newPostingWorld(t, parley.PostingLimits{})
	me := w.as(t, w.member)
	steps := []struct {
		name string
		run  func() (string, error)
	}{
		{"ask", func() (string, error) {
			th, err := w.posting.Ask(w.ctx, me, w.validQuestion())
			if err != nil {
				return "", err
			}
			posts, err := w.store.Posts(w.ctx, th.ID, 0, 1)
			return posts[0].HTML, err
		}},
		{"preview a question", func() (string, error) { return w.posting.PreviewAsk(w.ctx, me, w.validQuestion()) }},
		{"reply", func() (string, error) {
			p, err := w.posting.Reply(w.ctx, me, parley.ReplyDraft{ThreadID: w.question.ThreadID, Body: "My question."})
			return p.HTML, err
		}},
		{"preview a reply", func() (string, error) {
			return w.posting.PreviewReply(w.ctx, me, parley.ReplyDraft{ThreadID: w.question.ThreadID, Body: "My question."})
		}},
		{"edit", func() (string, error) {
			p, err := w.posting.Edit(w.ctx, me, parley.EditDraft{PostID: w.question.ID, Body: "My question."})
			return p.HTML, err
		}},
		{"preview an edit", func() (string, error) {
			return w.posting.PreviewEdit(w.ctx, me, parley.EditDraft{PostID: w.question.ID, Body: "My question."})
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := w.render.n
			html, err := s.run()
			if err != nil {
				t.Fatal(err)
			}
			if n := w.render.n - before; n != 1 {
				t.Errorf("rendered %d times, want 1", n)
			}
			if !strings.Contains(html, "<p>My question.</p>") {
				t.Errorf("HTML %q, want the rendered body", html)
			}
		})
	}
}

// TestNewAccountsLinkOutLittle: a post from an account younger than the link period may
// link to so many other sites, by the server's clock; the post is refused beside its body.
func TestNewAccountsLinkOutLittle(t *testing.T) {
	w := newPostingWorld(t, parley.PostingLimits{})
	reply := parley.ReplyDraft{ThreadID: w.question.ThreadID, Body: "See https://a.example and https://b.example."}
	_, err := w.posting.Reply(w.ctx, w.as(t, w.other), reply)
	var pe *parley.Error
	if !errors.As(err, &pe) || pe.Field != "body" || !strings.Contains(pe.Message, "24 hours") {
		t.Errorf("two links from a new account: %v, want a problem with the body", err)
	}
	w.now = w.now.Add(25 * time.Hour)
	if _, err := w.posting.Reply(w.ctx, w.as(t, w.other), reply); err != nil {
		t.Errorf("two links a day later: %v", err)
	}
}

// TestPostingRefusesTargetsOutOfReach: a locked thread takes no reply from anyone; a
// deleted thread takes none either, and is not found; a post out of view is not found for
// its author to edit, while a moderator still mends it; a locked thread's posts may be
// mended.
func TestPostingRefusesTargetsOutOfReach(t *testing.T) {
	w := newPostingWorld(t, parley.PostingLimits{})
	audit := parley.Audit{ActorID: w.mod.ID, Reason: "Testing"}
	newThread := func(title string) (parley.Thread, parley.Post) {
		th, op, err := w.store.CreateThread(w.ctx, parley.NewThread{Title: title, SubtopicID: w.sub.ID,
			TagIDs: []int64{w.tag.ID}, AuthorID: w.member.ID, Text: storetest.Text("Body.")})
		if err != nil {
			t.Fatal(err)
		}
		return th, op
	}
	locked, lockedOP := newThread("A thread that gets locked")
	deleted, deletedOP := newThread("A thread that gets deleted")
	hidden := must(w.store.CreateReply(w.ctx, parley.NewReply{ThreadID: w.question.ThreadID, AuthorID: w.other.ID, Text: storetest.Text("Spam.")}))(t)
	for _, err := range []error{w.store.SetLocked(w.ctx, locked.ID, true, audit), w.store.SetThreadDeleted(w.ctx, deleted.ID, true, audit),
		w.store.SetPostHidden(w.ctx, hidden.ID, true, audit)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	reply := func(u parley.User, th parley.Thread) error {
		_, err := w.posting.Reply(w.ctx, w.as(t, u), parley.ReplyDraft{ThreadID: th.ID, Body: "An answer."})
		return err
	}
	edit := func(u parley.User, p parley.Post) error {
		_, err := w.posting.Edit(w.ctx, w.as(t, u), parley.EditDraft{PostID: p.ID, Body: "Mended."})
		return err
	}
	for _, c := range []struct {
		name string
		err  error
		want string // an error code; "" for none
	}{
		{"a member replying in a locked thread", reply(w.other, locked), parley.EConflict},
		{"a moderator replying in a locked thread", reply(w.mod, locked), parley.EConflict},
		{"a member replying in a deleted thread", reply(w.other, deleted), parley.ENotFound},
		{"a moderator replying in a deleted thread", reply(w.mod, deleted), parley.ENotFound},
		{"the author editing a hidden reply", edit(w.other, hidden), parley.ENotFound},
		{"a stranger editing a hidden reply", edit(w.member, hidden), parley.EForbidden},
		{"a moderator editing a hidden reply", edit(w.mod, hidden), ""},
		{"the author editing in a deleted thread", edit(w.member, deletedOP), parley.ENotFound},
		{"a moderator editing in a deleted thread", edit(w.mod, deletedOP), ""},
		{"the author editing in a locked thread", edit(w.member, lockedOP), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.want == "" {
				if c.err != nil {
					t.Errorf("%v, want it done", c.err)
				}
				return
			}
			wantCode(t, c.name, c.err, c.want)
		})
	}
}

// The rate limiters a node makes are the domain's limiters.
var _ parley.Limiter = auth.Limiter(nil)
