package search_test

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-forum/parley/search"
)

func mustParse(tb testing.TB, text string) search.Query {
	tb.Helper()
	q, err := search.Parse(text)
	if err != nil {
		tb.Fatalf("Parse(%q): %v", text, err)
	}
	return q
}

func day(year int, month time.Month, d int) time.Time {
	return time.Date(year, month, d, 0, 0, 0, 0, time.UTC)
}

func TestParseText(t *testing.T) {
	cases := []struct {
		text string
		want search.Query
	}{
		{"", search.Query{}},
		{"  \t\n ", search.Query{}},
		{"URLSession timeout", search.Query{Words: []string{"URLSession", "timeout"}}},
		{"EXC_BAD_ACCESS Info.plist 0x8badf00d", search.Query{Words: []string{"EXC_BAD_ACCESS", "Info.plist", "0x8badf00d"}}},
		{"-1009 -0x8badf00d", search.Query{Words: []string{"-1009", "-0x8badf00d"}}},
		{"xcodebuild --verbose", search.Query{Words: []string{"xcodebuild", "--verbose"}}},
		{"keychain -macos", search.Query{Words: []string{"keychain"}, NotWords: []string{"macos"}}},
		{`"certificate pinning"`, search.Query{Phrases: []string{"certificate pinning"}}},
		{`"  certificate	 pinning  "`, search.Query{Phrases: []string{"certificate pinning"}}},
		{`-"App Store" review`, search.Query{Words: []string{"review"}, NotPhrases: []string{"App Store"}}},
		{`crash "open quote runs  to the end`, search.Query{Words: []string{"crash"}, Phrases: []string{"open quote runs to the end"}}},
		{`-"left open`, search.Query{NotPhrases: []string{"left open"}}},
		{`foo"bar baz" qux`, search.Query{Words: []string{"foo", "qux"}, Phrases: []string{"bar baz"}}},
		{"crash Crash CRASH", search.Query{Words: []string{"crash"}}},
		{`"a b" "A  B" -x -X`, search.Query{Phrases: []string{"a b"}, NotWords: []string{"x"}}},
		{`- -- ?? "" -"" "!!" café`, search.Query{Words: []string{"café"}}},
		{"line\x00break\u00a0here", search.Query{Words: []string{"line", "break", "here"}}},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			if got := mustParse(t, c.text); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Parse(%q) =\n%#v, want\n%#v", c.text, got, c.want)
			}
		})
	}
}

func TestParseOperators(t *testing.T) {
	cases := []struct {
		text string
		want search.Query
	}{
		{"tag:network", search.Query{Tags: []string{"network"}}},
		{"TAG:Network Tag:swift-ui tag:network", search.Query{Tags: []string{"network", "swift-ui"}}},
		{"-tag:macos tag:ios", search.Query{Tags: []string{"ios"}, NotTags: []string{"macos"}}},
		{"topic:App-Services", search.Query{Topic: "app-services"}},
		{"subtopic:networking subtopic:networking", search.Query{Subtopic: "networking"}},
		{"user:Quinn", search.Query{User: "quinn"}},
		{"asker:@eskimo_1", search.Query{Asker: "eskimo_1"}},
		{"is:answered", search.Query{Flags: search.Answered}},
		{"is:unanswered -is:locked", search.Query{Flags: search.Unanswered, NotFlags: search.Locked}},
		{"IS:Accepted is:staff is:pinned", search.Query{Flags: search.Accepted | search.Staff | search.Pinned}},
		{"has:attachment -has:code", search.Query{Flags: search.Attachment, NotFlags: search.Code}},
		{"before:2024-03-10", search.Query{Before: day(2024, 3, 10)}},
		{"before:2024-03", search.Query{Before: day(2024, 3, 1)}},
		{"before:2024", search.Query{Before: day(2024, 1, 1)}},
		{"after:2023-12-31", search.Query{After: day(2023, 12, 31)}},
		{"after:2024", search.Query{After: day(2024, 1, 1)}},
		{"after:2023 after:2024-02 before:2025 before:2024-06-30", search.Query{After: day(2024, 2, 1), Before: day(2024, 6, 30)}},
		{"boosts:10", search.Query{MinBoosts: 10}},
		{"boosts:3 boosts:7 boosts:5", search.Query{MinBoosts: 7}},
		{"replies:0", search.Query{}},
		{"replies:3", search.Query{MinReplies: 3}},
		{"in:title keychain", search.Query{Words: []string{"keychain"}, TitleOnly: true}},
		{"IN:Title", search.Query{TitleOnly: true}},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			if got := mustParse(t, c.text); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Parse(%q) =\n%#v, want\n%#v", c.text, got, c.want)
			}
		})
	}
}

// The rule for words with a colon is in the package doc.
func TestParseColons(t *testing.T) {
	words := []string{
		"https://developer.apple.com/forums",
		"http://localhost:8080/path",
		"10:30",
		"localhost:8080",
		"application:didFinishLaunchingWithOptions:",
		"tableView:cellForRowAtIndexPath:",
		"NSURLErrorDomain:-1009",
		"NSError:code",
		"foo:Bar",
		"std::vector",
		"error:",
		"C:\\Users",
		"mailto:someone@example.com",
		"x86_64:arm64",
		"a:b:c",
		"as\u212Aer:quinn", // a Kelvin sign, not a K: operator names are ASCII
	}
	for _, w := range words {
		t.Run(w, func(t *testing.T) {
			q := mustParse(t, w)
			if want := (search.Query{Words: []string{w}}); !reflect.DeepEqual(q, want) {
				t.Errorf("Parse(%q) = %#v, want the word alone", w, q)
			}
			if '0' <= w[0] && w[0] <= '9' {
				return // -10:30 is a word too, as -1009 is
			}
			q = mustParse(t, "-"+w)
			if want := (search.Query{NotWords: []string{w}}); !reflect.DeepEqual(q, want) {
				t.Errorf("Parse(%q) = %#v, want the word left out", "-"+w, q)
			}
		})
	}
	for _, op := range []string{"foo:bar", "Foo:bar", "FOO:bar", "lang:swift", "file:info.plist", "x:y-2", "-foo:bar"} {
		t.Run(op, func(t *testing.T) {
			_, err := search.Parse(op)
			if err == nil || !strings.Contains(err.Error(), "Unknown operator") {
				t.Errorf("Parse(%q) = %v, want an unknown operator", op, err)
			}
		})
	}
}

func TestParseRefusals(t *testing.T) {
	cases := []struct {
		text string
		term string   // the Error's Term
		says []string // what its message must name
	}{
		{"foo:bar", "foo:bar", []string{`Unknown operator "foo:"`, "tag:, topic:, subtopic:", "replies: and in:", `"foo:bar"`}},
		{"-foo:bar", "-foo:bar", []string{`Unknown operator "foo:"`, `-"foo:bar"`}},
		{"tags:network", "tags:network", []string{`"tags:"`, "Did you mean tag:?"}},
		{"author:quinn", "author:quinn", []string{"Did you mean asker:?"}},
		{"before:yesterday", "before:yesterday", []string{`"before:yesterday"`, "YYYY-MM-DD"}},
		{"after:2024-13", "after:2024-13", []string{`"after:2024-13"`, "not a date"}},
		{"after:2023-02-29", "after:2023-02-29", []string{`"after:2023-02-29"`, "not a date"}},
		{"before:24", "before:24", []string{`"before:24"`}},
		{"boosts:-3", "boosts:-3", []string{`"boosts:-3"`, "whole number"}},
		{"replies:1.5", "replies:1.5", []string{`"replies:1.5"`}},
		{"replies:99999999999999999999", "replies:99999999999999999999", []string{"whole number from 0 to 1000000000"}},
		{"is:maybe", "is:maybe", []string{`"is:maybe"`, "answered, unanswered, accepted, staff, pinned or locked"}},
		{"has:cats", "has:cats", []string{`"has:cats"`, "attachment or code"}},
		{"in:body", "in:body", []string{`"in:body"`, "in:title"}},
		{"tag:", "tag:", []string{"tag: needs a tag name", "tag:networking"}},
		{"is:", "is:", []string{"is: needs a property"}},
		{"TAG:", "TAG:", []string{"tag: needs a tag name"}},
		{"tag:swift_ui", "tag:swift_ui", []string{`"tag:swift_ui" is not a tag name`}},
		{"topic:app--services", "topic:app--services", []string{`"topic:app--services" is not a topic's address`}},
		{"user:x", "user:x", []string{`"user:x" is not a handle`}},
		{"asker:quinn!", "asker:quinn!", []string{`"asker:quinn!" is not a handle`}},
		{"-topic:networking", "-topic:networking", []string{"cannot negate topic:", "tag:, is: and has:"}},
		{"-before:2024", "-before:2024", []string{"cannot negate before:", "after:DATE"}},
		{"-after:2024", "-after:2024", []string{"before:DATE"}},
		{"-boosts:5", "-boosts:5", []string{"cannot negate boosts:"}},
		{"-in:title", "-in:title", []string{"cannot negate in:"}},
		{"topic:a topic:b", "topic:b", []string{"one topic:", "topic:a and topic:b"}},
		{"user:quinn user:eskimo", "user:eskimo", []string{"one user:"}},
		{"is:answered -is:answered", "", []string{"is:answered and -is:answered cannot both hold"}},
		{"is:unanswered is:accepted", "", []string{"is:unanswered and is:accepted cannot both hold"}},
		{"tag:ios -tag:IOS", "", []string{"tag:ios and -tag:ios"}},
		{"URLSession -urlsession", "", []string{"URLSession and -urlsession"}},
		{`"a b" -"A B"`, "", []string{`"a b" and -"A B"`}},
		{"after:2024-05 before:2024-05", "", []string{"after:2024-05-01 and before:2024-05-01 leave no days"}},
		{strings.Repeat("a", 501), "", []string{"up to 500 bytes", "has 501"}},
		{manyWords(33), "", []string{"up to 32 words", "has 33"}},
		{"caf\xe9", "", []string{"not text"}},
	}
	for _, c := range cases {
		name := c.text
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			q, err := search.Parse(c.text)
			var errs search.Errors
			if !errors.As(err, &errs) || len(errs) != 1 {
				t.Fatalf("Parse(%q) = %v, want one problem", c.text, err)
			}
			if !q.Empty() {
				t.Errorf("Parse(%q) refused but returned %q", c.text, q)
			}
			e := errs[0]
			if e.Term != c.term {
				t.Errorf("Parse(%q): the problem is about %q, want %q", c.text, e.Term, c.term)
			}
			for _, s := range c.says {
				if !strings.Contains(e.Message, s) {
					t.Errorf("Parse(%q) says %q, which does not say %q", c.text, e.Message, s)
				}
			}
		})
	}
}

// manyWords returns n distinct words: w0 w1 w2 …
func manyWords(n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = "w" + strconv.Itoa(i)
	}
	return strings.Join(words, " ")
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := search.Parse("before:yesterday crash boosts:-3 is:maybe has:cats tag: foo:bar")
	var errs search.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse returned %v, want Errors", err)
	}
	var terms []string
	for _, e := range errs {
		terms = append(terms, e.Term)
	}
	want := []string{"before:yesterday", "boosts:-3", "is:maybe", "has:cats", "tag:", "foo:bar"}
	if !reflect.DeepEqual(terms, want) {
		t.Errorf("problems are about %q, want %q", terms, want)
	}
	var first *search.Error
	if !errors.As(err, &first) || first.Term != "before:yesterday" {
		t.Errorf("errors.As found %v, want the first problem", first)
	}
	if msg := err.Error(); !strings.Contains(msg, errs[0].Message+" "+errs[1].Message) {
		t.Errorf("Error() = %q, want the messages in one paragraph", msg)
	}
}

// Repeats do not count against MaxTerms, so a query that says one thing many times is not
// refused for its length.
func TestParseLimitCountsDistinctTerms(t *testing.T) {
	text := manyWords(search.MaxTerms) + " " + manyWords(10)
	if q := mustParse(t, text); len(q.Words) != search.MaxTerms {
		t.Errorf("Parse kept %d words, want %d", len(q.Words), search.MaxTerms)
	}
	if _, err := search.Parse(text + " tag:one"); err == nil {
		t.Errorf("Parse accepted %d terms", search.MaxTerms+1)
	}
}

// An open quote and a short date are written out in full by String, a little longer than
// typed; a query near the limit is refused then, so that every String parses again.
func TestParseLimitHoldsForString(t *testing.T) {
	text := `after:2024 "` + strings.Repeat("x", search.MaxBytes-len(`after:2024 "`))
	if len(text) != search.MaxBytes {
		t.Fatalf("test text has %d bytes", len(text))
	}
	_, err := search.Parse(text)
	if err == nil || !strings.Contains(err.Error(), "has 507") {
		t.Errorf("Parse = %v, want a refusal counting the canonical 507 bytes", err)
	}
}
