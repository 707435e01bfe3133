package parley

import (
	"context"
	"log/slog"
	"strings"
	"time"
)

// Posting holds the use cases that write a post: asking, replying and editing, and the
// preview of each. Every front (the web's forms, an API, an importer) parses its input,
// calls one of these and shows what comes back; none assembles the steps itself. Each use
// case runs the same steps in the same order:
//
//  1. permission: the writer's role and suspension, judged by Clock; ownership; and the
//     state of what is written to (a deleted or locked thread, a post out of view);
//  2. validation: every problem with the input at once, as Problems;
//  3. pace: the limits per account and per address (previews count against limits of
//     their own, so that previewing a draft leaves the posting limits alone);
//  4. rendering: the Markdown rendered once, and refused when it is too large or too deep
//     to show or links out more than a new account may;
//  5. storing, or returning the rendered preview.
//
// Permission comes before validation so that a writer who may not post (a suspended one)
// hears so at once, not after mending a post that could never be sent; validation comes
// before pace so that a post sent back to be mended costs nothing of the writer's budget.
type Posting struct {
	Store    Store
	Markdown Renderer
	Limits   PostingLimits
	Links    LinkLimit
	// Clock is the server's clock; every permission is judged by it.
	Clock Clock
	// Log records limits that could not be checked; nil records nothing.
	Log *slog.Logger
}

// Renderer turns a post's Markdown into sanitised HTML, once, when it is written.
type Renderer interface {
	Render(markdown string) string
}

// Actor is who writes: the signed-in user, and the network address their request came
// from, which the limits per address count.
type Actor struct {
	User    User
	Address string
}

// Question is a new thread as its writer sends it.
type Question struct {
	Title      string
	SubtopicID int64
	// Tags are existing tags' names or addresses, in any case, as typed.
	Tags        []string
	Body        string
	Attachments []File
	// RefusedFiles says, a sentence each, why files sent with the post were not taken.
	// Any makes the post invalid: the writer sees them before anything is posted.
	RefusedFiles []string
}

// ReplyDraft is a reply as its writer sends it; RefusedFiles as for Question.
type ReplyDraft struct {
	ThreadID     int64
	Body         string
	Attachments  []File
	RefusedFiles []string
}

// EditDraft is a new version of a post as its editor sends it.
type EditDraft struct {
	PostID  int64
	Body    string
	Summary string
}

// CheckAsk is the permission step of Ask alone, for a front to ask before the writer
// writes, or before it stores the files sent with a question.
func (p *Posting) CheckAsk(a Actor) error {
	return Permit(&a.User, ActAsk, 0, p.Clock(), "post")
}

// Ask stores a new thread and returns it.
// Errors: EForbidden for a writer who may not post; Problems (EInvalid) for the input;
// ETooMany past the limits; ErrNotFound for a subtopic that does not exist.
func (p *Posting) Ask(ctx context.Context, a Actor, q Question) (Thread, error) {
	in, err := p.question(ctx, a, q, false)
	if err != nil {
		return Thread{}, err
	}
	t, _, err := p.Store.CreateThread(ctx, in)
	return t, err
}

// PreviewAsk returns the HTML Ask would store, storing nothing; errors as for Ask.
func (p *Posting) PreviewAsk(ctx context.Context, a Actor, q Question) (string, error) {
	in, err := p.question(ctx, a, q, true)
	return in.Text.HTML(), err
}

func (p *Posting) question(ctx context.Context, a Actor, q Question, preview bool) (NewThread, error) {
	now := p.Clock()
	if err := Permit(&a.User, ActAsk, 0, now, "post"); err != nil {
		return NewThread{}, err
	}
	in, problems, err := p.newThread(ctx, a, q)
	if err != nil {
		return in, err
	}
	if err := problems.err(); err != nil {
		return in, err
	}
	in.Text, err = p.write(ctx, a, now, preview, "post again", in.Text)
	return in, err
}

// CheckReply is the permission step of Reply alone, returning the thread replied to: for
// a front to ask before it stores the files sent with a reply.
func (p *Posting) CheckReply(ctx context.Context, a Actor, threadID int64) (Thread, error) {
	return p.replyTarget(ctx, a, p.Clock(), threadID)
}

// Reply stores a reply. Errors: EForbidden as for Ask; ErrNotFound for a thread that does
// not exist or is deleted (a reply would bring it back into view); EConflict
// (LockedRefusal) for a locked thread, whoever replies; Problems and ETooMany as for Ask.
func (p *Posting) Reply(ctx context.Context, a Actor, d ReplyDraft) (Post, error) {
	in, err := p.reply(ctx, a, d, false)
	if err != nil {
		return Post{}, err
	}
	return p.Store.CreateReply(ctx, in)
}

// PreviewReply returns the HTML Reply would store, storing nothing; errors as for Reply.
func (p *Posting) PreviewReply(ctx context.Context, a Actor, d ReplyDraft) (string, error) {
	in, err := p.reply(ctx, a, d, true)
	return in.Text.HTML(), err
}

func (p *Posting) reply(ctx context.Context, a Actor, d ReplyDraft, preview bool) (NewReply, error) {
	now := p.Clock()
	if _, err := p.replyTarget(ctx, a, now, d.ThreadID); err != nil {
		return NewReply{}, err
	}
	in := NewReply{ThreadID: d.ThreadID, AuthorID: a.User.ID, Text: Draft(d.Body), Attachments: d.Attachments}
	if err := replyProblems(in, d.RefusedFiles).err(); err != nil {
		return in, err
	}
	var err error
	in.Text, err = p.write(ctx, a, now, preview, "send your reply again", in.Text)
	return in, err
}

// replyTarget loads the thread a reply is for if a may reply in it at now. Who replies is
// judged first, so that a suspended writer hears of the suspension whatever the thread.
func (p *Posting) replyTarget(ctx context.Context, a Actor, now time.Time, threadID int64) (Thread, error) {
	if err := Permit(&a.User, ActReply, 0, now, "post"); err != nil {
		return Thread{}, err
	}
	t, err := p.Store.Thread(ctx, threadID)
	switch {
	case err != nil:
		return Thread{}, err
	case t.Deleted:
		return Thread{}, NotFound("There is no thread %d.", t.ID)
	case t.Locked:
		return Thread{}, LockedRefusal()
	}
	return t, nil
}

// Editable returns the post a may edit now: the permission step of Edit alone, for a
// front to show the post in its form. Errors as for Edit.
func (p *Posting) Editable(ctx context.Context, a Actor, postID int64) (Post, error) {
	return p.editTarget(ctx, a, p.Clock(), postID)
}

// Edit stores a new version of a post; the store keeps the one it replaces. Errors:
// ErrNotFound for a post that does not exist, or that is out of view (hidden, or in a
// deleted thread) for an editor who does not moderate; EForbidden for someone else's post
// or a suspended editor; Problems and ETooMany as for Ask: saving an edit counts as posting.
// A locked thread's posts may still be mended.
func (p *Posting) Edit(ctx context.Context, a Actor, d EditDraft) (Post, error) {
	in, err := p.edit(ctx, a, d, false)
	if err != nil {
		return Post{}, err
	}
	return p.Store.EditPost(ctx, in)
}

// PreviewEdit returns the HTML Edit would store, storing nothing; errors as for Edit.
func (p *Posting) PreviewEdit(ctx context.Context, a Actor, d EditDraft) (string, error) {
	in, err := p.edit(ctx, a, d, true)
	return in.Text.HTML(), err
}

func (p *Posting) edit(ctx context.Context, a Actor, d EditDraft, preview bool) (PostEdit, error) {
	now := p.Clock()
	if _, err := p.editTarget(ctx, a, now, d.PostID); err != nil {
		return PostEdit{}, err
	}
	in := PostEdit{PostID: d.PostID, EditorID: a.User.ID, Text: Draft(d.Body), Summary: strings.TrimSpace(d.Summary)}
	if err := editProblems(in).err(); err != nil {
		return in, err
	}
	var err error
	in.Text, err = p.write(ctx, a, now, preview, "save your edit again", in.Text)
	return in, err
}

// editTarget loads the post to edit if a may edit it at now. Who edits is judged before
// whether the post is in view, so that a stranger to a post hears only that it is not
// theirs; a post out of view is not found, as on every page, for an editor who does not
// moderate.
func (p *Posting) editTarget(ctx context.Context, a Actor, now time.Time, postID int64) (Post, error) {
	post, err := p.Store.Post(ctx, postID)
	if err != nil {
		return Post{}, err
	}
	if err := Permit(&a.User, ActEdit, post.Author.ID, now, "edit someone else's post"); err != nil {
		return Post{}, err
	}
	if a.User.Moderates() {
		return post, nil
	}
	t, err := p.Store.Thread(ctx, post.ThreadID)
	if err != nil {
		return Post{}, err
	}
	if post.Hidden || t.Deleted {
		return Post{}, NotFound("There is no post %d.", post.ID)
	}
	return post, nil
}

// write is the steps every use case shares once its input is valid: the pace, then the
// rendering. then completes "Wait a minute, then …" for a post; a preview is asked again.
func (p *Posting) write(ctx context.Context, a Actor, now time.Time, preview bool, then string, t Text) (Text, error) {
	if preview {
		then = "preview again"
	}
	if err := p.pace(ctx, a, preview, then); err != nil {
		return Text{}, err
	}
	return p.render(&a.User, now, t)
}
