package search_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/parley-forum/parley/search"
)

// FuzzParse checks what every caller relies on: Parse never panics, refuses only with
// Errors, and a Query it returns comes back unchanged from its String.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"URLSession -1009 tag:network is:answered",
		`"certificate pinning" -alamofire after:2024`,
		"EXC_BAD_ACCESS has:attachment",
		`in:title keychain -"App Store" -has:code before:2024-06 replies:3`,
		"application:didFinishLaunchingWithOptions: NSURLErrorDomain:-1009 https://x 10:30",
		`foo"bar baz" "open quote`,
		"TAG:Swift -tag:macos user:@Quinn asker:eskimo topic:app-services subtopic:networking",
		"is:unanswered is:staff -is:locked boosts:5 boosts:2 after:2023 after:2024-02",
		"before:yesterday boosts:-3 is:maybe has:cats tag: foo:bar -topic:x",
		"--verbose -- - ?? 0x8badf00d Info.plist café 東京",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		q, err := search.Parse(text)
		if err != nil {
			var errs search.Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("Parse(%q) refused with %#v, want Errors", text, err)
			}
			for _, e := range errs {
				if e.Message == "" {
					t.Fatalf("Parse(%q) refused without a message", text)
				}
			}
			if !reflect.DeepEqual(q, search.Query{}) {
				t.Fatalf("Parse(%q) refused but returned %#v", text, q)
			}
			return
		}
		canonical := q.String()
		again, err := search.Parse(canonical)
		if err != nil {
			t.Fatalf("Parse(%q) gave %q, which does not parse: %v", text, canonical, err)
		}
		if !reflect.DeepEqual(again, q) {
			t.Fatalf("Parse(%q) = %#v\nbut its String %q parses to %#v", text, q, canonical, again)
		}
		if again.String() != canonical {
			t.Fatalf("String of %q is %q, then %q", text, canonical, again.String())
		}
	})
}
