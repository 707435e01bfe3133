package search_test

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/parley-forum/parley/search"
)

func TestIndexCutsCodeAndWords(t *testing.T) {
	cases := []struct {
		text        string
		words, code []string
	}{
		{"URLSession fails", []string{"urlsession", "fails"}, nil},
		{"EXC_BAD_ACCESS in nw_connection_t", []string{"exc", "bad", "access", "nw", "connection"}, []string{"exc_bad_access", "nw_connection_t"}},
		{"error -1009 (Code=-1009).", []string{"error", "1009", "code", "1009"}, []string{"-1009", "-1009"}},
		{"Edit Info.plist.", []string{"edit", "info", "plist"}, []string{"info.plist"}},
		{"--verbose and __block", []string{"verbose", "block"}, nil},
		{"URLSession.shared.dataTask", []string{"urlsession", "shared", "datatask"},
			[]string{"urlsession.shared.datatask", "urlsession.shared", "shared.datatask"}},
		{"0x8badf00d FB12345678", []string{"0x8badf00d", "fb12345678"}, nil},
		{"It's the app's crash", []string{"app", "crash"}, nil},
		{"", nil, nil},
	}
	for _, c := range cases {
		got := search.Index(c.text)
		if !reflect.DeepEqual(got.Words, c.words) || !reflect.DeepEqual(got.Code, c.code) {
			t.Errorf("Index(%q) = %q %q, want %q %q", c.text, got.Words, got.Code, c.words, c.code)
		}
	}
}

func TestPostReadsRenderedHTML(t *testing.T) {
	got := search.Post(`<p>Call <code><span class="nx">URLSession</span><span class="p">.</span>shared</code> &amp; wait.</p>` +
		`<pre><code>let x = 1</code></pre><p>Done</p>`)
	if want := []string{"call", "urlsession", "shared", "wait", "let", "x", "1", "done"}; !reflect.DeepEqual(got.Words, want) {
		t.Errorf("words %q, want %q", got.Words, want)
	}
	if want := []string{"urlsession.shared"}; !reflect.DeepEqual(got.Code, want) {
		t.Errorf("code %q, want %q", got.Code, want)
	}
	if code := search.Post("<p>No code here.</p>").Code; len(code) != 0 {
		t.Errorf("a post without code holds %q", code)
	}
}

func TestMatchLooksUpWhatIndexHolds(t *testing.T) {
	cases := []struct {
		query string
		want  string
	}{
		{"URLSession", "[{ [urlsession]}]"},
		{"EXC_BAD_ACCESS crash", "[{exc_bad_access []} { [crash]}]"},
		{"NSURLErrorDomain:-1009", "[{ [nsurlerrordomain]} {-1009 []}]"},
		{"foo/bar", "[{ [foo bar]}]"},
		{`"fails with -1009"`, "[{ [fails 1009]} {-1009 []}]"},
		{"the", "[]"},
	}
	for _, c := range cases {
		q, errs := search.Parse(c.query)
		if errs != nil {
			t.Fatalf("Parse(%q): %v", c.query, errs)
		}
		if got := fmt.Sprint(q.Match().All); got != c.want {
			t.Errorf("%q looks up %s, want %s", c.query, got, c.want)
		}
	}
	q, _ := search.Parse(`crash -keychain -"share sheet" in:title`)
	m := q.Match()
	if fmt.Sprint(m.Not) != "[[{ [keychain]}] [{ [share sheet]}]]" || !m.Title {
		t.Errorf("exclusions %v, title %v", m.Not, m.Title)
	}
}

func TestSnippetMarksMatches(t *testing.T) {
	q, _ := search.Parse("crashes EXC_BAD_ACCESS")
	text := "Long before anything happens the app starts. " +
		"Then it crashed with EXC_BAD_ACCESS, and it keeps crashing every time the view appears on screen; " +
		"nothing else in the log says more than that, which is why I ask here after a week of trying everything I could think of."
	spans := search.Snippet(text, q.Match())
	var marks []string
	length := 0
	for _, s := range spans {
		length += len(s.Text)
		if s.Match {
			marks = append(marks, s.Text)
		}
	}
	if fmt.Sprint(marks) != "[crashed EXC_BAD_ACCESS crashing]" {
		t.Errorf("marked %q in %+v", marks, spans)
	}
	if length > search.SnippetBytes+10 || spans[0].Text[:3] != "…" && spans[0].Text != text[:len(spans[0].Text)] {
		t.Errorf("snippet %+v is not a short passage of the text", spans)
	}
	if got := search.Snippet("Nothing to see", q.Match()); len(got) != 1 || got[0].Text != "Nothing to see" || got[0].Match {
		t.Errorf("a text without a match gives %+v", got)
	}
}

// FuzzIndex checks that no text breaks the cutting: words and code terms hold no space
// (each is one token to the databases), none is too long, and a snippet never panics.
func FuzzIndex(f *testing.F) {
	for _, s := range []string{"URLSession -1009", "a.b.c.d.e.f.g", "--", "-_-", "é\u0301 x", "<p>a</p>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		terms := search.Index(text)
		for _, w := range append(terms.Words, terms.Code...) {
			if w == "" || len(w) > search.MaxTermBytes || strings.ContainsAny(w, " \t\n") {
				t.Fatalf("Index(%q) holds the term %q", text, w)
			}
		}
		q, errs := search.Parse(text)
		if errs == nil {
			search.Snippet(text, q.Match())
		}
	})
}

func TestKeywordsAreLookedUpOneByOne(t *testing.T) {
	cases := []struct {
		text  string
		limit int
		want  string
	}{
		{"URLSession fails with -1009 when offline", 8, "[{ [urlsession]} { [fails]} {-1009 []} { [offline]}]"},
		{"EXC_BAD_ACCESS in CFNetwork callback", 8, "[{exc_bad_access []} { [cfnetwork]} { [callback]}]"},
		{"Why can't I read Info.plist?", 8, "[{ [read]} {info.plist []}]"},
		{"NSURLErrorDomain:-1009 and error -1009", 8, "[{ [nsurlerrordomain]} {-1009 []} { [error]}]"},
		{"Crash crash CRASH", 8, "[{ [crash]}]"},
		{`"URLSession" AND (offline OR NEAR) NOT *`, 8, "[{ [urlsession]} { [offline]} { [near]}]"},
		{"one two three four five six seven eight nine ten", 3, "[{ [one]} { [two]} { [three]}]"},
		{"one two", 0, "[]"},
		{"How do I do it with the", 8, "[]"},
		{"___ -- ... ()", 8, "[]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(search.Keywords(c.text, c.limit)); got != c.want {
			t.Errorf("Keywords(%q, %d) = %s, want %s", c.text, c.limit, got, c.want)
		}
	}
}

func TestHoldsFindsKeywordsInTitles(t *testing.T) {
	title := "URLSession background download never finishes with EXC_BAD_ACCESS in URLSession.shared.dataTask"
	for _, c := range []struct {
		keyword string
		want    bool
	}{
		{"finish", true}, {"URLSession", true}, {"exc_bad_access", true}, {"URLSession.shared", true},
		{"bad", true}, {"upload", false}, {"exc_bad", false}, {"-1009", false},
	} {
		k := search.Keywords(c.keyword, 1)
		if len(k) != 1 {
			t.Fatalf("Keywords(%q) = %v", c.keyword, k)
		}
		if got := search.Holds(title, k[0]); got != c.want {
			t.Errorf("Holds(title, %q) = %v, want %v", c.keyword, got, c.want)
		}
	}
}

// BenchmarkPost cuts forty posts of the demo forum, as rendered, into the terms the index
// stores: the work of indexing every post written or loaded.
func BenchmarkPost(b *testing.B) {
	posts := demoPosts(b)
	size := 0
	for _, p := range posts {
		size += len(p)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range posts {
			search.Post(p)
		}
	}
}

func demoPosts(tb testing.TB) []string {
	tb.Helper()
	data, err := os.ReadFile("testdata/posts.json")
	if err != nil {
		tb.Fatal(err)
	}
	var posts []string
	if err := json.Unmarshal(data, &posts); err != nil {
		tb.Fatal(err)
	}
	return posts
}
