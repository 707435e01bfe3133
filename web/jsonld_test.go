package web

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
)

// awkward are strings that JSON and a script element each have something to say about.
var awkward = []string{"", "plain", `"quoted" \ back\slash`, "</script><script>alert(1)</script>", "a & b <c>",
	"tab\tnew\nline\rret\bbell\fform\x00nul\x1fus\x7fdel", "line\u2028para\u2029sep", "naïve café 日本語 🎉",
	"bad \xff utf-8 \xc3", "ends in half a rune \xe6\x97"}

// FuzzJSONString holds the hand-written string encoder to json.Marshal's.
func FuzzJSONString(f *testing.F) {
	for _, s := range awkward {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("appendJSONString(%q) = %s, json.Marshal gives %s", s, got, want)
		}
	})
}

// TestDiscussionLDAsMarshalled checks the hand-written structured data against marshalling
// the schema.org document it stands for, for threads with and without replies and with
// text that must be escaped everywhere.
func TestDiscussionLDAsMarshalled(t *testing.T) {
	u, _ := url.Parse("https://forums.example")
	s := &Server{cfg: Config{BaseURL: u}, origin: originOf(u)}
	when := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for i, text := range awkward {
		author := parley.Author{ID: 1, Handle: "ana_b", DisplayName: "Ana " + text}
		th := parley.Thread{ID: int64(10 + i), Title: "Why " + text, Author: author, CreatedAt: when,
			LastActivityAt: when.Add(time.Hour), ReplyCount: int64(i), BoostCount: 3, ViewCount: 1234}
		posts := []parley.Post{{ID: 100, Original: true, Body: "Question " + text, Author: author, CreatedAt: when}}
		for r := range i % 4 {
			posts = append(posts, parley.Post{ID: int64(101 + r), Body: strings.Repeat(text+" reply ", 80), CreatedAt: when.Add(time.Minute),
				Author: parley.Author{ID: 2, Handle: "quinn", DisplayName: "Quinn"}})
		}
		for _, shown := range [][]parley.Post{posts, posts[1:]} { // the first page, and a later one without the question
			want, err := json.Marshal(marshalledLD(s, th, shown))
			if err != nil {
				t.Fatal(err)
			}
			if got := s.discussionLD(th, shown); string(got) != string(want) {
				t.Errorf("thread %q with %d posts:\n got %s\nwant %s", th.Title, len(shown), got, want)
			}
		}
	}
}

// marshalledLD is the schema.org document that discussionLD writes, for json.Marshal.
func marshalledLD(s *Server, t parley.Thread, posts []parley.Post) any {
	type person struct {
		Type string `json:"@type"`
		Name string `json:"name"`
		URL  string `json:"url"`
	}
	type counter struct {
		Type  string `json:"@type"`
		Kind  string `json:"interactionType"`
		Count int64  `json:"userInteractionCount"`
	}
	type comment struct {
		Type      string `json:"@type"`
		URL       string `json:"url"`
		Text      string `json:"text"`
		Published string `json:"datePublished"`
		Author    person `json:"author"`
	}
	ld := struct {
		Context    string    `json:"@context"`
		Type       string    `json:"@type"`
		Headline   string    `json:"headline"`
		URL        string    `json:"url"`
		Text       string    `json:"text,omitempty"`
		Published  string    `json:"datePublished"`
		Modified   string    `json:"dateModified"`
		Author     person    `json:"author"`
		Statistics []counter `json:"interactionStatistic"`
		Comments   []comment `json:"comment,omitempty"`
	}{
		Context: "https://schema.org", Type: "DiscussionForumPosting", Headline: t.Title,
		URL: s.absolute(threadLink(t.ID)), Published: t.CreatedAt.Format(time.RFC3339), Modified: t.LastActivityAt.Format(time.RFC3339),
		Author: person{"Person", t.Author.DisplayName, s.absolute("/users/" + t.Author.Handle)},
		Statistics: []counter{
			{"InteractionCounter", "https://schema.org/CommentAction", t.ReplyCount},
			{"InteractionCounter", "https://schema.org/LikeAction", t.BoostCount},
			{"InteractionCounter", "https://schema.org/ViewAction", t.ViewCount},
		},
	}
	for _, p := range posts {
		if p.Original {
			ld.Text = p.Body
			continue
		}
		ld.Comments = append(ld.Comments, comment{Type: "Comment", URL: s.absolute(threadLink(t.ID) + "#post-" + strconv.FormatInt(p.ID, 10)),
			Text: excerpt(p.Body, 500), Published: p.CreatedAt.Format(time.RFC3339),
			Author: person{"Person", p.Author.DisplayName, s.absolute("/users/" + p.Author.Handle)}})
	}
	return ld
}

func BenchmarkJSONString(b *testing.B) {
	s := strings.Repeat("How do I make URLSession use TLS 1.3 with a pinned certificate? It fails with -1200. ", 30)
	b.Run("hand", func(b *testing.B) {
		buf := make([]byte, 0, 4096)
		for b.Loop() {
			buf = appendJSONString(buf[:0], s)
		}
	})
	b.Run("marshal", func(b *testing.B) {
		for b.Loop() {
			json.Marshal(s)
		}
	})
}
