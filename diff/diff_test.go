package diff_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/parley-forum/parley/diff"
)

// side joins the runs one version is made of: the old text is every run but insertions,
// the new text every run but deletions.
func side(changes []diff.Change, skip diff.Op) string {
	var b strings.Builder
	for _, c := range changes {
		if c.Op != skip {
			b.WriteString(c.Text)
		}
	}
	return b.String()
}

func TestWordsRebuildsBothVersions(t *testing.T) {
	for _, c := range []struct{ name, a, b string }{
		{"empty to text", "", "A first version."},
		{"text to empty", "A last version.", ""},
		{"both empty", "", ""},
		{"whitespace only", "  \t\n", "\n\n  "},
		{"one word", "the quick brown fox", "the quick red fox"},
		{"appended paragraph", "Try this first.", "Try this first.\n\nUpdate: fixed in iOS 18.2."},
		{"reordered words", "alpha beta gamma delta", "delta gamma beta alpha"},
		{"accents", "le café est ouvert, naïve", "le thé est fermé, naive"},
		{"combining marks", "cafe\u0301 noir", "the\u0301 noir"},
		{"German", "Ich heiße Jürgen und wohne in der Straße", "Ich heiße Jörg und wohne in der Strasse"},
		{"Japanese", "日本語のテキストです。", "日本語の文章です。"},
		{"Arabic", "مرحبا بالعالم", "مرحبا بكم"},
		{"emoji", "ship it 🚀 today 👩‍💻", "ship it 🛳️ tomorrow 👩‍💻"},
		{"CRLF", "line one\r\nline two\r\n", "line one\r\nline 2\r\n"},
		{"code", "if (err != nil) { return err }", "if err != nil {\n\treturn fmt.Errorf(\"load: %w\", err)\n}"},
		{"markdown fence", "```swift\nlet s = URLSession.shared\n```", "```swift\nlet s = URLSession(configuration: .default)\n```"},
		{"error codes", "NSURLErrorDomain -1009 at 0x0000000187e75edd", "NSURLErrorDomain -1001 at 0x0000000187e75ede"},
		{"invalid UTF-8", "bad \xff\xfe bytes", "bad \xfe bytes here"},
		{"repetition", strings.Repeat("spam eggs ", 200), strings.Repeat("spam eggs ", 120) + "ham " + strings.Repeat("spam eggs ", 80)},
	} {
		t.Run(c.name, func(t *testing.T) {
			changes := diff.Words(c.a, c.b)
			if got := side(changes, diff.Insert); got != c.a {
				t.Errorf("equal+delete gives %q, want %q", got, c.a)
			}
			if got := side(changes, diff.Delete); got != c.b {
				t.Errorf("equal+insert gives %q, want %q", got, c.b)
			}
			for i, ch := range changes {
				if ch.Text == "" {
					t.Errorf("change %d is empty", i)
				}
				if !slices.Contains([]diff.Op{diff.Equal, diff.Delete, diff.Insert}, ch.Op) {
					t.Errorf("change %d has op %q", i, ch.Op)
				}
				if i > 0 && changes[i-1].Op == ch.Op {
					t.Errorf("changes %d and %d are both %s: runs not joined", i-1, i, ch.Op)
				}
			}
		})
	}
}

func TestWordsUnchangedTextIsOneRun(t *testing.T) {
	for _, s := range []string{"hello world", "Ünïcödé wörds", "日本語", "func main() {\n\tfmt.Println(\"hi\")\n}\n", "  "} {
		got := diff.Words(s, s)
		if want := []diff.Change{{Op: diff.Equal, Text: s}}; !slices.Equal(got, want) {
			t.Errorf("Words(%q, same) = %q, want one equal run", s, got)
		}
	}
	if got := diff.Words("", ""); len(got) != 0 {
		t.Errorf("Words of two empty texts = %q, want no changes", got)
	}
}

// TestWordsMarksWholeWords: a reader sees the word that changed, deleted and inserted
// whole, and nothing else marked.
func TestWordsMarksWholeWords(t *testing.T) {
	for _, c := range []struct {
		name, a, b string
		want       []diff.Change
	}{
		{"ASCII", "the quick brown fox", "the quick red fox", []diff.Change{
			{diff.Equal, "the quick "}, {diff.Delete, "brown"}, {diff.Insert, "red"}, {diff.Equal, " fox"}}},
		{"longer word", "call it once", "call it repeatedly", []diff.Change{
			{diff.Equal, "call it "}, {diff.Delete, "once"}, {diff.Insert, "repeatedly"}}},
		{"accented word", "le café est ouvert", "le thé est ouvert", []diff.Change{
			{diff.Equal, "le "}, {diff.Delete, "café"}, {diff.Insert, "thé"}, {diff.Equal, " est ouvert"}}},
		{"accent inside a word", "Ich heiße Jürgen", "Ich heiße Jörg", []diff.Change{
			{diff.Equal, "Ich heiße "}, {diff.Delete, "Jürgen"}, {diff.Insert, "Jörg"}}},
		{"Cyrillic", "привет мир", "привет друг", []diff.Change{
			{diff.Equal, "привет "}, {diff.Delete, "мир"}, {diff.Insert, "друг"}}},
		{"identifier", "let s = URLSession.shared", "let s = URLSession.default", []diff.Change{
			{diff.Equal, "let s = URLSession."}, {diff.Delete, "shared"}, {diff.Insert, "default"}}},
		{"error code", "fails with -1009 offline", "fails with -1001 offline", []diff.Change{
			{diff.Equal, "fails with -"}, {diff.Delete, "1009"}, {diff.Insert, "1001"}, {diff.Equal, " offline"}}},
		{"inserted word", "works on iOS", "works on iOS 18", []diff.Change{
			{diff.Equal, "works on iOS"}, {diff.Insert, " 18"}}},
		{"deleted word", "this is really broken", "this is broken", []diff.Change{
			{diff.Equal, "this is "}, {diff.Delete, "really "}, {diff.Equal, "broken"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := diff.Words(c.a, c.b); !slices.Equal(got, c.want) {
				t.Errorf("Words(%q, %q)\n got %q\nwant %q", c.a, c.b, got, c.want)
			}
		})
	}
}

// TestWordsKeepsSharedCharactersInScriptsWithoutSpaces: Japanese and Chinese put no spaces
// between words, so a changed phrase must not mark the whole sentence.
func TestWordsKeepsSharedCharactersInScriptsWithoutSpaces(t *testing.T) {
	got := diff.Words("日本語のテキストです。", "日本語の文章です。")
	if len(got) == 0 || got[0] != (diff.Change{Op: diff.Equal, Text: "日本語の"}) {
		t.Errorf("changes %q: the shared start is not kept", got)
	}
	if last := got[len(got)-1]; last != (diff.Change{Op: diff.Equal, Text: "です。"}) {
		t.Errorf("changes %q: the shared end is not kept", got)
	}
}
