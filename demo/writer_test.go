package demo

import (
	"context"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/parley-forum/parley"
)

// memWriter keeps everything written to it, for tests that inspect the forum.
type memWriter struct {
	topics  []parley.Topic
	tags    []parley.Tag
	users   []parley.User
	threads []parley.ThreadRecord
	batches []int // threads per Threads call
	closed  bool
}

func (w *memWriter) Topics(_ context.Context, t []parley.Topic) error   { w.topics = t; return nil }
func (w *memWriter) Tags(_ context.Context, t []parley.Tag) error       { w.tags = t; return nil }
func (w *memWriter) Users(_ context.Context, u []parley.User) error     { w.users = u; return nil }
func (w *memWriter) Close(context.Context) error                        { w.closed = true; return nil }
func (w *memWriter) Abandon(context.Context) error                      { return nil }
func (w *memWriter) Badges(context.Context, []parley.EarnedBadge) error { return nil }

func (w *memWriter) Threads(_ context.Context, t []parley.ThreadRecord) error {
	w.threads = append(w.threads, t...)
	w.batches = append(w.batches, len(t))
	return nil
}

// discardWriter keeps only totals, like a store that is infinitely fast.
type discardWriter struct {
	threads, posts   int
	mdBytes, htmlLen int
}

func (w *discardWriter) Topics(context.Context, []parley.Topic) error       { return nil }
func (w *discardWriter) Tags(context.Context, []parley.Tag) error           { return nil }
func (w *discardWriter) Users(context.Context, []parley.User) error         { return nil }
func (w *discardWriter) Close(context.Context) error                        { return nil }
func (w *discardWriter) Abandon(context.Context) error                      { return nil }
func (w *discardWriter) Badges(context.Context, []parley.EarnedBadge) error { return nil }

func (w *discardWriter) Threads(_ context.Context, ts []parley.ThreadRecord) error {
	w.threads += len(ts)
	for i := range ts {
		for j := range ts[i].Posts {
			p := &ts[i].Posts[j].Post
			w.posts++
			w.mdBytes += len(p.Body)
			w.htmlLen += len(p.HTML)
		}
	}
	return nil
}

// blockRenderer is a stand-in for the Markdown renderer that is cheap and renders
// blank-line-separated blocks independently, as the real one does.
type blockRenderer struct{}

func (blockRenderer) Render(md string) string {
	var b strings.Builder
	for block := range strings.SplitSeq(md, "\n\n") {
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(block))
		b.WriteString("</p>\n")
	}
	return b.String()
}

var testNow = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

// mustGenerate generates a forum into memory or fails the test.
func mustGenerate(tb testing.TB, cfg Config, r Renderer) *memWriter {
	tb.Helper()
	if cfg.Now.IsZero() {
		cfg.Now = testNow
	}
	w := &memWriter{}
	if err := Generate(context.Background(), cfg, r, w, nil); err != nil {
		tb.Fatalf("Generate(%+v): %v", cfg, err)
	}
	if !w.closed {
		tb.Fatal("Generate did not close the writer")
	}
	return w
}
