package sedump_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parley-forum/parley/sedump"
)

// writeFile writes a dump file the way Stack Exchange does (byte order mark, CRLF, one row
// a line, rows on lines 3 onward) and returns its folder.
func writeFile(t *testing.T, name string, rows ...string) string {
	t.Helper()
	root := strings.ToLower(strings.TrimSuffix(name, ".xml"))
	text := "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<" + root + ">\r\n"
	for _, r := range rows {
		text += "  " + r + "\r\n"
	}
	text += "</" + root + ">"
	return writeRaw(t, name, text)
}

func writeRaw(t *testing.T, name, text string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestTagEncodings reads a post's tags in the encoding of older dumps and in that of
// dumps from late 2025 on.
func TestTagEncodings(t *testing.T) {
	dir := writeFile(t, "Posts.xml",
		`<row Id="1" PostTypeId="1" CreationDate="2021-04-27T15:06:44.553" Tags="&lt;swift&gt;&lt;url-session&gt;" />`,
		`<row Id="2" PostTypeId="1" CreationDate="2025-11-02T08:00:00" Tags="|swift|url-session|" />`,
		`<row Id="3" PostTypeId="1" CreationDate="2025-11-02T08:00:00" Tags="|c++|" />`,
		`<row Id="4" PostTypeId="2" ParentId="3" CreationDate="2025-11-02T09:00:00" />`,
	)
	want := map[int64][]string{1: {"swift", "url-session"}, 2: {"swift", "url-session"}, 3: {"c++"}, 4: nil}
	n := 0
	for p, err := range sedump.Posts(dir) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if !slices.Equal(p.Tags, want[p.ID]) {
			t.Errorf("post %d has tags %q, want %q", p.ID, p.Tags, want[p.ID])
		}
	}
	if n != len(want) {
		t.Errorf("read %d posts, want %d", n, len(want))
	}
}

func TestParseTags(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		bad  bool
	}{
		{in: "", want: nil},
		{in: "<a>", want: []string{"a"}},
		{in: "<ios><swift><swiftui>", want: []string{"ios", "swift", "swiftui"}},
		{in: "|ios|swift|swiftui|", want: []string{"ios", "swift", "swiftui"}},
		{in: "<c#><.net>", want: []string{"c#", ".net"}},
		{in: "ios", bad: true},
		{in: "<ios", bad: true},
		{in: "<ios><>", bad: true},
		{in: "|ios", bad: true},
		{in: "|", bad: true},
		{in: "||", bad: true},
		{in: "<a|b>", bad: true},
	} {
		got, err := sedump.ParseTags(c.in)
		if (err != nil) != c.bad || !slices.Equal(got, c.want) {
			t.Errorf("ParseTags(%q) = %q, %v", c.in, got, err)
		}
	}
}

// TestDates reads a dump's dates with and without their fraction of a second, as UTC.
func TestDates(t *testing.T) {
	dir := writeFile(t, "Votes.xml",
		`<row Id="1" PostId="1" VoteTypeId="2" CreationDate="2021-04-27T15:06:44.553" />`,
		`<row Id="2" PostId="1" VoteTypeId="2" CreationDate="2021-04-27T15:06:44" />`,
		`<row Id="3" PostId="1" VoteTypeId="2" />`,
	)
	var got []string
	for v, err := range sedump.Votes(dir) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v.CreationDate.Format("2006-01-02 15:04:05.000 MST"))
	}
	want := []string{"2021-04-27 15:06:44.553 UTC", "2021-04-27 15:06:44.000 UTC", "0001-01-01 00:00:00.000 UTC"}
	if !slices.Equal(got, want) {
		t.Errorf("dates %q, want %q", got, want)
	}
}

// TestMalformed reads broken files: each error names the file, the line a person would
// look at, and what is wrong, and no record follows it.
func TestMalformed(t *testing.T) {
	good := `<row Id="1" PostTypeId="1" CreationDate="2021-04-27T15:06:44.553" />`
	for _, c := range []struct {
		name string
		file string // Posts.xml unless set
		rows []string
		raw  string // the whole file, instead of rows
		want string // the error after the file's path
		read int    // records read before the error
	}{
		{name: "a date", rows: []string{good, `<row Id="2" PostTypeId="1" CreationDate="yesterday" />`},
			want: `:4: CreationDate "yesterday" is not a date`, read: 1},
		{name: "a date with a zone", rows: []string{`<row Id="2" PostTypeId="1" CreationDate="2021-04-27T15:06:44Z" />`},
			want: `:3: CreationDate "2021-04-27T15:06:44Z" is not a date`},
		{name: "a number", rows: []string{good, good, `<row Id="3" PostTypeId="1" Score="many" />`},
			want: `:5: Score "many" is not a whole number`, read: 2},
		{name: "an id", rows: []string{`<row Id="" PostTypeId="1" />`},
			want: `:3: Id "" is not a whole number`},
		{name: "a missing id", rows: []string{`<row PostTypeId="1" />`},
			want: `:3: the row has no Id`},
		{name: "a missing type", rows: []string{`<row Id="7" />`},
			want: `:3: the row has no PostTypeId`},
		{name: "tags", rows: []string{`<row Id="7" PostTypeId="1" Tags="swift" />`},
			want: `:3: Tags "swift" is not a list of tags: a list starts with < or |`},
		{name: "a flag", file: "Tags.xml", rows: []string{`<row Id="1" TagName="bug" IsRequired="Yes" />`},
			want: `:3: IsRequired "Yes" is not True or False`},
		{name: "a tag without a name", file: "Tags.xml", rows: []string{`<row Id="1" Count="3" />`},
			want: `:3: the row has no TagName`},
		{name: "the wrong file", file: "Votes.xml", raw: "<?xml version=\"1.0\"?>\r\n<posts>\r\n  " + good + "\r\n</posts>",
			want: `:2: the root element is <posts>, not <votes>`},
		{name: "another element", rows: []string{good, `<post Id="2" />`},
			want: `:4: <post> where a <row> belongs`, read: 1},
		{name: "broken XML", rows: []string{good, `<row Id="2" PostTypeId="1" Title="a < b" />`},
			want: `:4: XML syntax error: unescaped < inside quoted string`, read: 1},
		{name: "a cut file", raw: "<?xml version=\"1.0\"?>\r\n<posts>\r\n  " + good + "\r\n  <row Id=\"2\" Po",
			want: `:4: the file ends in the middle (was it cut short?)`, read: 1},
		{name: "an empty file", raw: "",
			want: `:1: the file ends before its <posts> element`},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := c.file
			if file == "" {
				file = "Posts.xml"
			}
			var dir string
			if c.raw != "" || c.rows == nil {
				dir = writeRaw(t, file, c.raw)
			} else {
				dir = writeFile(t, file, c.rows...)
			}
			read, errs := 0, 0
			var last error
			for _, err := range readAny(file, dir) {
				if err != nil {
					errs++
					last = err
				} else if errs == 0 {
					read++
				} else {
					t.Error("a record came after the error")
				}
			}
			var dumpErr *sedump.Error
			if errs != 1 || !errors.As(last, &dumpErr) {
				t.Fatalf("got %d errors, the last %v; want one *sedump.Error", errs, last)
			}
			if want := filepath.Join(dir, file) + c.want; last.Error() != want {
				t.Errorf("error %q, want %q", last, want)
			}
			if read != c.read {
				t.Errorf("read %d records before the error, want %d", read, c.read)
			}
		})
	}
}

// readAny reads the named file of dir, whichever it is, keeping only the errors.
func readAny(file, dir string) []error {
	var errs []error
	collect := func(err error) { errs = append(errs, err) }
	switch file {
	case "Posts.xml":
		for _, err := range sedump.Posts(dir) {
			collect(err)
		}
	case "Tags.xml":
		for _, err := range sedump.Tags(dir) {
			collect(err)
		}
	case "Votes.xml":
		for _, err := range sedump.Votes(dir) {
			collect(err)
		}
	default:
		panic("no reader for " + file)
	}
	return errs
}
