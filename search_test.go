package parley_test

import (
	"slices"
	"testing"

	parley "github.com/parley-forum/parley"
)

func TestSearchWords(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"URLSession fails with -1009 when offline", []string{"urlsession", "fails", "1009", "offline"}},
		{"EXC_BAD_ACCESS in CFNetwork callback", []string{"exc_bad_access", "cfnetwork", "callback"}},
		{"Why can't I read Info.plist?", []string{"read", "info", "plist"}},
		{"View.task(priority:_:) blocks", []string{"view", "task", "priority", "blocks"}},
		{"Crash crash CRASH", []string{"crash"}},
		{`AND OR NOT * " ( ) : ^ NEAR`, []string{"near"}},
		{"Café naïve 東京", []string{"café", "naïve", "東京"}},
		{"How do I do it with the", nil},
		{"one two three four five six seven eight nine ten", []string{"one", "two", "three", "four", "five", "six", "seven", "eight"}},
		{"", nil},
	}
	for _, c := range cases {
		if got := parley.SearchWords(c.text); !slices.Equal(got, c.want) {
			t.Errorf("SearchWords(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
