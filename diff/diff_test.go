package diff_test

import (
	"fmt"
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

// partSides rebuilds the old and the new text from a Markdown diff.
func partSides(parts []diff.Part) (from, to string) {
	for _, p := range parts {
		from += side(p.Changes, diff.Insert)
		to += side(p.Changes, diff.Delete)
	}
	return from, to
}

// checkParts checks what every Markdown diff promises: it rebuilds both versions, prose and
// code alternate, prose runs are joined, and code changes are whole lines.
func checkParts(t *testing.T, a, b string, parts []diff.Part) {
	t.Helper()
	if from, to := partSides(parts); from != a || to != b {
		t.Errorf("the parts rebuild\n%q\n%q\nwant\n%q\n%q", from, to, a, b)
	}
	for i, p := range parts {
		if i > 0 && parts[i-1].Code == p.Code {
			t.Errorf("parts %d and %d are both code=%v", i-1, i, p.Code)
		}
		if len(p.Changes) == 0 {
			t.Errorf("part %d is empty", i)
		}
		for k, c := range p.Changes {
			switch {
			case c.Text == "":
				t.Errorf("part %d change %d is empty", i, k)
			case p.Code && strings.Contains(strings.TrimSuffix(c.Text, "\n"), "\n"):
				t.Errorf("code change %q is more than one line", c.Text)
			case p.Code && !strings.HasSuffix(c.Text, "\n") && !strings.HasSuffix(a, c.Text) && !strings.HasSuffix(b, c.Text):
				t.Errorf("code change %q is not a whole line, nor the text's last", c.Text)
			case !p.Code && k > 0 && p.Changes[k-1].Op == c.Op:
				t.Errorf("prose changes %d and %d are both %s: runs not joined", k-1, k, c.Op)
			}
		}
	}
}

// show writes parts as code{equal "```\n" ...} prose{...}, quoting the texts.
func show(parts []diff.Part) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(map[bool]string{false: "prose{", true: "code{"}[p.Code])
		for i, c := range p.Changes {
			if i > 0 {
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "%s %q", c.Op, c.Text)
		}
		b.WriteString("} ")
	}
	return b.String()
}

func prose(cs ...diff.Change) diff.Part { return diff.Part{Changes: cs} }
func code(cs ...diff.Change) diff.Part  { return diff.Part{Code: true, Changes: cs} }
func eq(s string) diff.Change           { return diff.Change{Op: diff.Equal, Text: s} }
func del(s string) diff.Change          { return diff.Change{Op: diff.Delete, Text: s} }
func ins(s string) diff.Change          { return diff.Change{Op: diff.Insert, Text: s} }

// TestMarkdown: prose changes word by word, code changes line by line, removed and added whole.
func TestMarkdown(t *testing.T) {
	for _, c := range []struct {
		name, a, b string
		want       []diff.Part
	}{
		{"code line changed",
			"Try:\n\n```go\nif err != nil {\n\treturn err\n}\n```\n",
			"Try:\n\n```go\nif err != nil {\n\treturn fmt.Errorf(\"load: %w\", err)\n}\n```\n",
			[]diff.Part{prose(eq("Try:\n\n")), code(eq("```go\n"), eq("if err != nil {\n"),
				del("\treturn err\n"), ins("\treturn fmt.Errorf(\"load: %w\", err)\n"), eq("}\n"), eq("```\n"))}},
		{"line inserted in code",
			"```\na\nc\n```\n", "```\na\nb\nc\n```\n",
			[]diff.Part{code(eq("```\n"), eq("a\n"), ins("b\n"), eq("c\n"), eq("```\n"))}},
		{"line removed from code",
			"```\na\nb\nc\n```\n", "```\na\nc\n```\n",
			[]diff.Part{code(eq("```\n"), eq("a\n"), del("b\n"), eq("c\n"), eq("```\n"))}},
		{"indentation changed",
			"```py\nif x:\n    pass\n```", "```py\nif x:\n  pass\n```",
			[]diff.Part{code(eq("```py\n"), eq("if x:\n"), del("    pass\n"), ins("  pass\n"), eq("```"))}},
		{"prose word changed next to a code block",
			"Run this in the shell:\n```sh\nmake test\n```\nIt should pass.\n",
			"Run this in the terminal:\n```sh\nmake test\n```\nIt should pass.\n",
			[]diff.Part{prose(eq("Run this in the "), del("shell"), ins("terminal"), eq(":\n")),
				code(eq("```sh\n"), eq("make test\n"), eq("```\n")), prose(eq("It should pass.\n"))}},
		{"prose and code changed together",
			"Use the quick fix:\n```\nold()\n```\n", "Use the proper fix:\n```\nnew()\n```\n",
			[]diff.Part{prose(eq("Use the "), del("quick"), ins("proper"), eq(" fix:\n")),
				code(eq("```\n"), del("old()\n"), ins("new()\n"), eq("```\n"))}},
		{"code block added",
			"It crashes.\n", "It crashes.\n\n~~~\npanic: nil map\n~~~\n",
			[]diff.Part{prose(eq("It crashes.\n"), ins("\n")), code(ins("~~~\n"), ins("panic: nil map\n"), ins("~~~\n"))}},
		{"code block removed",
			"It crashes:\n\n```\npanic: nil map\n```\n\nAny idea?\n", "It crashes:\n\nAny idea?\n",
			[]diff.Part{prose(eq("It crashes:\n\n")), code(del("```\n"), del("panic: nil map\n"), del("```\n")),
				prose(del("\n"), eq("Any idea?\n"))}},
		{"code block added between paragraphs",
			"One.\n\nTwo.\n", "One.\n\n```\nx\n```\n\nTwo.\n",
			[]diff.Part{prose(eq("One.\n\n")), code(ins("```\n"), ins("x\n"), ins("```\n")), prose(ins("\n"), eq("Two.\n"))}},
		{"unclosed fence runs to the end",
			"```\nline 1\nline 2", "```\nline 1\nline two",
			[]diff.Part{code(eq("```\n"), eq("line 1\n"), del("line 2"), ins("line two"))}},
		{"fence left open by the edit",
			"```\nx\n```\nafter words\n", "```\nx\nafter words\n",
			[]diff.Part{code(eq("```\n"), eq("x\n"), del("```\n"), ins("after words\n")), prose(del("after words\n"))}},
		{"identical texts",
			"Para one.\n\n```\ncode\n```\n", "Para one.\n\n```\ncode\n```\n",
			[]diff.Part{prose(eq("Para one.\n\n")), code(eq("```\n"), eq("code\n"), eq("```\n"))}},
		{"both empty", "", "", nil},
		{"CRLF",
			"Fix:\r\n```\r\na = 1\r\nb = 2\r\n```\r\nThe end\r\n",
			"Fix:\r\n```\r\na = 1\r\nb = 3\r\n```\r\nThe very end\r\n",
			[]diff.Part{prose(eq("Fix:\r\n")), code(eq("```\r\n"), eq("a = 1\r\n"), del("b = 2\r\n"), ins("b = 3\r\n"), eq("```\r\n")),
				prose(eq("The "), ins("very "), eq("end\r\n"))}},
		{"indented code",
			"Output:\n\n    line one\n    line two\n\nDone.\n", "Output:\n\n    line one\n    line 2\n\nDone.\n",
			[]diff.Part{prose(eq("Output:\n\n")), code(eq("    line one\n"), del("    line two\n"), ins("    line 2\n")), prose(eq("\nDone.\n"))}},
		{"prose only is Words",
			"the quick brown fox", "the quick red fox",
			[]diff.Part{prose(eq("the quick "), del("brown"), ins("red"), eq(" fox"))}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := diff.Markdown(c.a, c.b).Parts
			checkParts(t, c.a, c.b, got)
			if !slices.EqualFunc(got, c.want, func(x, y diff.Part) bool { return x.Code == y.Code && slices.Equal(x.Changes, y.Changes) }) {
				t.Errorf("Markdown(%q, %q)\n got %s\nwant %s", c.a, c.b, show(got), show(c.want))
			}
		})
	}
}

// TestMarkdownFindsCodeBlocks compares texts with themselves and reads which lines are code.
func TestMarkdownFindsCodeBlocks(t *testing.T) {
	for _, c := range []struct {
		name, text string
		code       []string // the code parts' texts
	}{
		{"backticks", "a\n```go\nx\n```\nb\n", []string{"```go\nx\n```\n"}},
		{"tildes", "~~~~\nx\n~~~\n~~~~\nb\n", []string{"~~~~\nx\n~~~\n~~~~\n"}},
		{"closing fence must match", "```\nx\n~~~\n```\n", []string{"```\nx\n~~~\n```\n"}},
		{"longer closing fence", "```\nx\n`````\ny\n", []string{"```\nx\n`````\n"}},
		{"inline code is not a fence", "run ```x``` now\n", nil},
		{"backtick in the info string", "``` a`b\nx\n", nil},
		{"tilde info may hold backticks", "~~~ a`b\nx\n~~~\n", []string{"~~~ a`b\nx\n~~~\n"}},
		{"fence indented three spaces", "   ```\n   x\n   ```\n", []string{"   ```\n   x\n   ```\n"}},
		{"fence interrupts a paragraph", "see:\n```\nx\n```\n", []string{"```\nx\n```\n"}},
		{"indented block", "\n    x\n\n    y\n\nz\n", []string{"    x\n\n    y\n"}},
		{"tab-indented block", "\tx\n\ty\n", []string{"\tx\n\ty\n"}},
		{"indented block at the end keeps no blank lines", "    x\n\n\n", []string{"    x\n"}},
		{"indented line continues a paragraph", "para\n    more\n", nil},
		{"indented line continues a list item", "- item\n\n    more about the item\n", nil},
		{"fence in a list item", "1. Build:\n\n    ```sh\n    make\n    ```\n2. Run.\n", []string{"    ```sh\n    make\n    ```\n"}},
		{"indented code after a list ends", "- item\n\nText.\n\n    code\n", []string{"    code\n"}},
		{"CRLF", "a\r\n```\r\nx\r\n```\r\nb\r\n", []string{"```\r\nx\r\n```\r\n"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			parts := diff.Markdown(c.text, c.text).Parts
			checkParts(t, c.text, c.text, parts)
			var code []string
			for _, p := range parts {
				for _, ch := range p.Changes {
					if ch.Op != diff.Equal {
						t.Errorf("text compared with itself shows %s %q", ch.Op, ch.Text)
					}
				}
				if p.Code {
					code = append(code, side(p.Changes, diff.Insert))
				}
			}
			if !slices.Equal(code, c.code) {
				t.Errorf("code blocks %q, want %q", code, c.code)
			}
		})
	}
}

// TestMarkdownRebuildsBothVersions runs Markdown over the word tests' texts and a few
// documents edited across prose and code.
func TestMarkdownRebuildsBothVersions(t *testing.T) {
	texts := []string{"", "plain words", "```\na\n```\n", "  \t\n", "```\nunclosed", "    indented\n",
		"Intro\n\n```go\nfunc f() {}\n```\n\nOutro\n", "Intro\r\n\r\n~~~\r\nx\r\n~~~\r\n", "- a\n\n    b\n\n```\nc\n```\n"}
	for _, a := range texts {
		for _, b := range texts {
			checkParts(t, a, b, diff.Markdown(a, b).Parts)
		}
	}
}

// BenchmarkMarkdownLongLog: a question quoting a 2,000-line log, edited in a few lines and a
// few words. It costs a few linear passes, not the square of the log's length.
func BenchmarkMarkdownLongLog(b *testing.B) {
	var old, cur strings.Builder
	old.WriteString("The service dies after a while. Here is the log from the last run:\n\n```text\n")
	cur.WriteString("The service dies after an hour. Here is the full log from the last run:\n\n```text\n")
	for i := range 2000 {
		l := fmt.Sprintf("2025-03-01T12:%02d:%02d.%03dZ INFO worker %d: processed batch %d in %dms\n", i/60%60, i%60, i, i%8, i, i*7%1000)
		old.WriteString(l)
		if i%500 == 250 {
			l = strings.Replace(l, "INFO", "WARN", 1)
		}
		if i == 1999 {
			cur.WriteString("2025-03-01T13:00:00.000Z FATAL worker 3: out of memory\n")
		}
		cur.WriteString(l)
	}
	old.WriteString("```\n\nAny idea what to look at?\n")
	cur.WriteString("```\n\nAny idea what to look at first?\n")
	a, c := old.String(), cur.String()
	b.SetBytes(int64(len(a) + len(c)))
	for b.Loop() {
		diff.Markdown(a, c)
	}
}

// worstBodies are two posts of 8,000 short lines each, each within the post size limit,
// written apart from each other from a small vocabulary: almost every line differs, yet
// words keep matching, so the line diff and the word diff of the long changed stretches
// both meet their worst case.
func worstBodies() (a, b string) {
	words := strings.Fields("go if or do a b c x y n")
	write := func(seed uint32) string {
		var s strings.Builder
		for range 8000 {
			for k := range 2 {
				seed = seed*1664525 + 1013904223
				if k > 0 {
					s.WriteString(" ")
				}
				s.WriteString(words[seed>>16%10])
			}
			s.WriteString("\n")
		}
		return s.String()
	}
	return write(1), write(2)
}

// BenchmarkMarkdownWorstCase: two 8,000-line bodies with nearly every line changed.
func BenchmarkMarkdownWorstCase(b *testing.B) {
	x, y := worstBodies()
	b.SetBytes(int64(len(x) + len(y)))
	for b.Loop() {
		diff.Markdown(x, y)
	}
}

// TestMarkdownBoundsItsWork: versions too different to compare word by word within the
// bounds come out line by line, say so, and still rebuild both versions; an ordinary edit
// is still compared word by word.
func TestMarkdownBoundsItsWork(t *testing.T) {
	long := func(word string) string { return strings.Repeat(word+" ", diff.MaxWordUnits) + "\n" }
	huge1, huge2 := worstBodies()
	for _, c := range []struct {
		name    string
		a, b    string
		byLines bool
	}{
		{"a one-word fix", "The quick fox\n\njumps.\n", "The quick brown fox\n\njumps.\n", false},
		{"a long paragraph rewritten", "Intro\n\n" + long("alpha"), "Intro\n\n" + long("beta"), true},
		{"8,000 lines rewritten", huge1, huge2, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := diff.Markdown(c.a, c.b)
			if d.ByLines != c.byLines {
				t.Errorf("ByLines = %v, want %v", d.ByLines, c.byLines)
			}
			checkParts(t, c.a, c.b, d.Parts)
		})
	}
}
