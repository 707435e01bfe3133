package search_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/parley-forum/parley/search"
)

func TestString(t *testing.T) {
	cases := []struct{ text, want string }{
		{"", ""},
		{"URLSession -1009 tag:network is:answered", "URLSession -1009 tag:network is:answered"},
		{`"certificate pinning" -alamofire after:2024`, `"certificate pinning" -alamofire after:2024-01-01`},
		{"EXC_BAD_ACCESS has:attachment", "EXC_BAD_ACCESS has:attachment"},
		{`in:title  -has:code -"App Store"   "open quote`, `"open quote" -"App Store" -has:code in:title`},
		{"replies:2 boosts:5 before:2024-06 after:2023 -is:locked is:staff asker:@Quinn user:Eskimo subtopic:Networking topic:App-Services -tag:macos tag:swift tag:ios -x y",
			`y -x tag:ios tag:swift -tag:macos topic:app-services subtopic:networking user:eskimo asker:quinn is:staff -is:locked before:2024-06-01 after:2023-01-01 boosts:5 replies:2`},
		{"https://x NSURLErrorDomain:-1009 -localhost:8080", "https://x NSURLErrorDomain:-1009 -localhost:8080"},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			q := mustParse(t, c.text)
			got := q.String()
			if got != c.want {
				t.Errorf("Parse(%q).String() = %q, want %q", c.text, got, c.want)
			}
			if again := mustParse(t, got); !reflect.DeepEqual(again, q) {
				t.Errorf("Parse(%q) = %#v, want %#v", got, again, q)
			}
		})
	}
}

// Queries that mean the same have one String, which feed URLs and caches rely on.
func TestStringIsCanonical(t *testing.T) {
	same := [][]string{
		{"tag:ios tag:swift", "tag:swift tag:ios", "TAG:Swift  tag:ios tag:swift"},
		{"after:2024", "after:2024-01", "after:2024-01-01", "after:2023 after:2024"},
		{"crash is:answered", "crash  is:answered is:answered  Crash", "crash IS:ANSWERED"},
		{"boosts:5", "boosts:2 boosts:5", "boosts:5 boosts:0"},
	}
	for _, texts := range same {
		want := mustParse(t, texts[0]).String()
		for _, text := range texts[1:] {
			if got := mustParse(t, text).String(); got != want {
				t.Errorf("Parse(%q).String() = %q, want %q as for %q", text, got, want, texts[0])
			}
		}
	}
}

func TestEmpty(t *testing.T) {
	for text, want := range map[string]bool{
		"":              true,
		`   "" - ?? `:   true,
		"in:title":      true,
		"boosts:0":      true,
		"crash":         false,
		"-crash":        false,
		`"a phrase"`:    false,
		"tag:ios":       false,
		"-has:code":     false,
		"before:2024":   false,
		"replies:1":     false,
		"asker:quinn":   false,
		"topic:widgets": false,
	} {
		if got := mustParse(t, text).Empty(); got != want {
			t.Errorf("Parse(%q).Empty() = %v, want %v", text, got, want)
		}
	}
}

func TestFlagsString(t *testing.T) {
	if got := (search.Answered | search.Code | search.Locked).String(); got != "is:answered is:locked has:code" {
		t.Errorf("String() = %q", got)
	}
	if got := search.Flags(0).String(); got != "" {
		t.Errorf("no flags spell %q", got)
	}
}

// Every example on the "how to search" page works as written, and every operator in the
// unknown-operator message is one the parser reads.
func TestHelp(t *testing.T) {
	help := search.Help()
	if len(help) < 20 {
		t.Fatalf("Help has %d lines", len(help))
	}
	seen := map[string]bool{}
	for _, s := range help {
		if s.Form == "" || s.Meaning == "" || s.Example == "" {
			t.Errorf("Help line %+v is incomplete", s)
		}
		q := mustParse(t, s.Example)
		if q.Empty() {
			t.Errorf("Help example %q asks for nothing", s.Example)
		}
		if name, _, ok := strings.Cut(s.Form, ":"); ok {
			seen[name+":"] = true
			if !strings.Contains(q.String(), name+":") {
				t.Errorf("Help example %q parses to %q, without %s:", s.Example, q, name)
			}
		}
	}
	_, err := search.Parse("foo:bar")
	for name := range seen {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the unknown-operator message does not list %s: %q", name, err)
		}
	}
	if len(seen) != 12 {
		t.Errorf("Help shows %d operators, want 12: %v", len(seen), seen)
	}
}
