package sedump

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parley-forum/parley/sedump/sedumptest"
)

// rowsOf reads a Posts.xml of the given text with the source open makes, and returns each
// row, then the error that ended the file, as text.
func rowsOf(t *testing.T, text string, open func(path, root string, r *bufio.Reader) rowSource) []string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Posts.xml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	for r, err := range readWith(dir, "Posts.xml", open, func(r *row) string { return fmt.Sprintf("%d: %q", r.line, r.attrs) }) {
		if err != nil {
			got = append(got, strings.TrimPrefix(err.Error(), dir))
			break
		}
		got = append(got, r)
	}
	return got
}

// checkSame fails the test when the scanner reads text otherwise than encoding/xml.
func checkSame(t *testing.T, text string) {
	t.Helper()
	want := rowsOf(t, text, xmlRows)
	if got := rowsOf(t, text, newScanner); !slices.Equal(got, want) {
		t.Errorf("the file %q reads as\n%q\nwith the scanner; encoding/xml reads\n%q", text, got, want)
	}
}

// posts is a Posts.xml as dumps write it, with rows between two ordinary ones.
func posts(rows ...string) string {
	text := "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<posts>\r\n  <row Id=\"1\" PostTypeId=\"1\" />\r\n"
	for _, r := range rows {
		text += "  " + r + "\r\n"
	}
	return text + "  <row Id=\"9\" PostTypeId=\"2\" />\r\n</posts>"
}

// scanCases are files the scanner reads itself and files it leaves to encoding/xml from
// some line on; either way they must read as encoding/xml reads them.
var scanCases = []string{
	posts(`<row Id="2" Body="&lt;p&gt;a &amp;amp; b&lt;/p&gt;&#xA;&#xa;&#10;&quot;&apos;" Title='it&apos;s "quoted"' />`),
	posts(`<row Id="2" Body="tab	inside, é, 日本, 🚲, &#x1F6B2;, &#233;, &#0233;"/>`),
	posts(`<row Id="2"Title="no space" Id="3" />`, `<row/>`, `<row Id = "4" />`),
	posts(`<row Id="2" Body="first line`, `second line" />`, `<row Id="3" />`),
	posts(`<row Id="2" />`, `<!-- a comment -->`, `<row Id="3" />`),
	posts(`<row Id="2"></row>`, `<row Id="3" />`),
	posts(`<row Id="2" /><row Id="3" />`),
	posts(`text between rows`, `<row Id="3" />`),
	posts(`<row x:Id="2" xmlns:x="urn:x" />`),
	posts(`<row Id="2" Body="&nbsp;" />`),
	posts(`<row Id="2" Body="&#0;" />`),
	posts(`<row Id="2" Body="&#xD800;" />`),
	posts(`<row Id="2" Body="&#x110000;" />`),
	posts(`<row Id="2" Body="&#X41;" />`),
	posts(`<row Id="2" Body="&#;" />`),
	posts(`<row Id="2" Body="&amp" />`),
	posts(`<row Id="2" Body="a < b" />`),
	posts("<row Id=\"2\" Body=\"\x01\" />"),
	posts("<row Id=\"2\" Body=\"\xff\" />"),
	posts("<row Id=\"2\" Body=\"\uFFFE\" />"),
	posts("<row Id=\"2\" Body=\"a\rb\" />"),
	posts(`<row Id="2" Body=unquoted />`),
	posts(`<row Id="2" / >`),
	posts(`<row Id="2" Id />`),
	posts(`<rows Id="2" />`),
	posts(`</post>`),
	posts(`</posts>`, `garbage after the end`),
	"<posts>\n<row Id=\"1\" />\n</posts >",
	"<posts><row Id=\"1\" /></posts>",
	"<posts xmlns=\"urn:x\">\n<row Id=\"1\" />\n</posts>",
	"<?xml version=\"1.0\"?>\r\n<posts>\r\n  <row Id=\"1\" />\r\n  <row Id=\"2\" Po",
	"<?xml version=\"1.0\"?>\r\n<posts>\r\n  <row Id=\"1\" />\r\n",
	"<?xml version=\"1.0\"?>\r\n<posts>\r\n  <row Id=\"1\" />",
	"<posts>\n<row Id=\"1\" Body=\"" + strings.Repeat("long ", bufferSize/4) + "\" />\n<row Id=\"2\" />\n</posts>",
	"",
	"<votes>\n</votes>",
}

func TestScannerMatchesXML(t *testing.T) {
	for i, text := range scanCases {
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkSame(t, text) })
	}
}

// FuzzScanner reads a Posts.xml with an arbitrary line among ordinary rows: the scanner
// must read it as encoding/xml does, rows and errors alike.
func FuzzScanner(f *testing.F) {
	for _, text := range scanCases {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, line string) {
		checkSame(t, posts(line))
	})
}

// TestScannerReadsDumps reads every file of the extracts, which are real dumps, without
// leaving any line to encoding/xml, and as encoding/xml reads them.
func TestScannerReadsDumps(t *testing.T) {
	for _, site := range sedumptest.Sites {
		dir := sedumptest.Dump(t, site)
		files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s has no files (%v)", dir, err)
		}
		for _, path := range files {
			name := filepath.Base(path)
			var gaveWay bool
			open := func(path, root string, r *bufio.Reader) rowSource {
				s := newScanner(path, root, r).(*scanner)
				return sourceFunc(func() (*row, error) {
					r, err := s.next()
					gaveWay = gaveWay || s.xml != nil
					return r, err
				})
			}
			text := func(r *row) string { return fmt.Sprintf("%d: %q", r.line, r.attrs) }
			want, err := collect(readWith(dir, name, xmlRows, text))
			if err != nil {
				t.Fatal(err)
			}
			got, err := collect(readWith(dir, name, open, text))
			if err != nil {
				t.Fatal(err)
			}
			if gaveWay {
				t.Errorf("%s: the scanner left part of the file to encoding/xml", path)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: the scanner reads %d rows otherwise than encoding/xml", path, len(want))
			}
		}
	}
}

type sourceFunc func() (*row, error)

func (f sourceFunc) next() (*row, error) { return f() }

func collect(rows func(func(string, error) bool)) ([]string, error) {
	var all []string
	for r, err := range rows {
		if err != nil {
			return all, err
		}
		all = append(all, r)
	}
	return all, nil
}
