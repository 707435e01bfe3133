package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
)

// titled asks a question with the given title in f's subtopic.
func (e *env) titled(f forum, title string) parley.Thread {
	e.t.Helper()
	e.clock.Advance(time.Minute)
	th, _, err := e.s.CreateThread(e.ctx, parley.NewThread{Title: title, SubtopicID: f.sub.ID, TagIDs: []int64{f.tagA.ID},
		AuthorID: f.asker.ID, Text: text("The question.")})
	must(e.t, err)
	return th
}

// similar returns the ids of the threads similar to text.
func (e *env) similar(text string, limit int) []int64 {
	e.t.Helper()
	threads, err := e.s.SimilarThreads(e.ctx, text, limit)
	if err != nil {
		e.t.Fatalf("SimilarThreads(%q): %v", text, err)
	}
	ids := make([]int64, len(threads))
	for i, th := range threads {
		ids[i] = th.ID
	}
	return ids
}

func testSimilarThreads(t *testing.T, e *env) {
	f := e.forum()
	offline := e.titled(f, "URLSession fails with -1009 when offline")
	stuck := e.titled(f, "NWConnection stuck in preparing state")
	crash := e.titled(f, "EXC_BAD_ACCESS in CFNetwork callback")
	download := e.titled(f, "URLSession background download never finishes")
	coreData := e.titled(f, "Offline mode for a Core Data store")

	t.Run("best match first", func(t *testing.T) {
		cases := []struct {
			text  string
			first parley.Thread
			also  []parley.Thread // found too, after first, in any order
		}{
			{"urlsession offline error", offline, []parley.Thread{download, coreData}},
			{"EXC_BAD_ACCESS crash", crash, nil},
			{"exc_bad_access", crash, nil},
			{"NWConnection stuck", stuck, nil},
			{"error -1009", offline, nil},
			{"1009", offline, nil},
			{"Why does my URLSession download never finish?", download, []parley.Thread{offline}},
		}
		for _, c := range cases {
			ids := e.similar(c.text, 10)
			want := []int64{c.first.ID}
			for _, th := range c.also {
				want = append(want, th.ID)
			}
			if len(ids) != len(want) || ids[0] != want[0] || !sameSet(ids[1:], want[1:]) {
				t.Errorf("%q found %v, want %d first, then %v", c.text, ids, want[0], want[1:])
			}
		}
	})

	t.Run("threads as read alone", func(t *testing.T) {
		threads, err := e.s.SimilarThreads(e.ctx, "CFNetwork callback", 10)
		must(t, err)
		if len(threads) != 1 || !reflect.DeepEqual(threads[0], e.get(crash.ID)) {
			t.Errorf("got %+v, want %+v", threads, e.get(crash.ID))
		}
	})

	t.Run("new threads", func(t *testing.T) {
		later := e.titled(f, "WKWebView stays blank after a NWConnection is cancelled")
		if ids := e.similar("wkwebview blank", 10); len(ids) != 1 || ids[0] != later.ID {
			t.Errorf("a thread asked after the others: found %v, want [%d]", ids, later.ID)
		}
		if ids := e.similar("NWConnection", 10); !sameSet(ids, []int64{stuck.ID, later.ID}) {
			t.Errorf("NWConnection found %v, want %d and %d", ids, stuck.ID, later.ID)
		}
	})

	t.Run("query syntax is text", func(t *testing.T) {
		for _, text := range []string{
			`AND OR NOT * " ( ) : ^ NEAR`, `"unbalanced`, `title: offline`, `NEAR(urlsession offline, 2)`,
			`urlsession*`, `^urlsession`, `-urlsession`, `urlsession OR`, `{title}: x`, `'quoted'`, `\`, `"`,
			`a"b`, `rowid:1`, "tab\tnewline\nnul\x00", "\xff\xfe invalid UTF-8", `😀 🚀`, `(((`, `""`,
		} {
			if _, err := e.s.SimilarThreads(e.ctx, text, 10); err != nil {
				t.Errorf("SimilarThreads(%q): %v", text, err)
			}
		}
		if ids := e.similar(`"URLSession" AND (offline OR NEAR) NOT *`, 10); len(ids) == 0 || ids[0] != offline.ID {
			t.Errorf("operators taken as words: found %v, want %d first", ids, offline.ID)
		}
	})

	t.Run("no words", func(t *testing.T) {
		for _, text := range []string{"", "   ", "?!", "-- ... ()", "How do I do it with the", "what is in my", "___"} {
			if ids := e.similar(text, 10); len(ids) != 0 {
				t.Errorf("%q found %v, want none", text, ids)
			}
		}
		if ids := e.similar("xylophone", 10); len(ids) != 0 {
			t.Errorf("a word in no title found %v", ids)
		}
	})

	t.Run("limit", func(t *testing.T) {
		for i := range 12 {
			e.titled(f, fmt.Sprintf("Keychain item %d is missing", i))
		}
		for _, c := range []struct{ limit, want int }{{0, 0}, {-1, 0}, {1, 1}, {3, 3}, {10, 10}, {50, 10}} {
			if ids := e.similar("keychain", c.limit); len(ids) != c.want {
				t.Errorf("limit %d: %d threads, want %d", c.limit, len(ids), c.want)
			}
		}
	})
}

// testSimilarAfterBulk checks that a bulk load leaves the title search complete and
// working: the threads it wrote are found, and so are the threads asked after it.
func testSimilarAfterBulk(t *testing.T, e *env) {
	now := e.clock.Now()
	author := parley.Author{ID: 1, Handle: "asker", DisplayName: "Asker", Role: parley.RoleMember}
	record := func(id int64, title string) parley.ThreadRecord {
		return parley.ThreadRecord{
			Thread: parley.Thread{ID: id, Title: title, SubtopicID: 1, TopicID: 1, Author: author, CreatedAt: now, LastActivityAt: now},
			TagIDs: []int64{1},
			Posts: []parley.PostRecord{{Post: parley.Post{ID: id, ThreadID: id, Author: author, Original: true,
				Body: "Body", HTML: "<p>Body</p>", CreatedAt: now, Revision: 1}}},
		}
	}
	topics := []parley.Topic{{ID: 1, Slug: "app-services", Name: "App Services",
		Subtopics: []parley.Subtopic{{ID: 1, TopicID: 1, Slug: "networking", Name: "Networking", ThreadCount: 2}}}}
	tags := []parley.Tag{{ID: 1, Slug: "network", Name: "Network", ThreadCount: 2}}
	users := []parley.User{{ID: 1, Handle: "asker", DisplayName: "Asker", Role: parley.RoleMember, CreatedAt: now, ThreadCount: 2, PostCount: 2}}

	w, err := e.s.Bulk(e.ctx)
	must(t, err)
	must(t, w.Topics(e.ctx, topics))
	must(t, w.Tags(e.ctx, tags))
	must(t, w.Users(e.ctx, users))
	must(t, w.Threads(e.ctx, []parley.ThreadRecord{record(1, "TLS handshake fails with -9806"), record(2, "Bonjour browsing finds nothing")}))
	must(t, w.Close(e.ctx))

	equalIDs(t, "bulk-loaded thread", e.similar("handshake -9806", 10), []int64{1})
	later := e.titled(forum{topic: topics[0], sub: topics[0].Subtopics[0], tagA: tags[0], asker: users[0]}, "Bonjour TXT record is empty")
	equalIDs(t, "thread asked after a bulk load", e.similar("TXT record", 10), []int64{later.ID})
	if ids := e.similar("bonjour", 10); !sameSet(ids, []int64{2, later.ID}) {
		t.Errorf("bonjour found %v, want 2 and %d", ids, later.ID)
	}
}

func sameSet(a, b []int64) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(id int64) bool { return !slices.Contains(b, id) })
}
