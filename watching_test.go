package parley_test

import (
	"slices"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/markdown"
)

func TestMentions(t *testing.T) {
	for _, c := range []struct {
		body string
		want []string
	}{
		{"Ask @Amy and @bob_2, then @amy again.", []string{"amy", "bob_2"}},
		{"Not in code: `@amy`, nor in a mail address like me@example.com.", nil},
		{`Typed <a href="/users/eve" class="mention">@eve</a> is text.`, nil},
		{"[a link to @amy](https://example.com) is a link.", nil},
	} {
		text, err := parley.Draft(c.body).Render(markdown.New())
		if err != nil {
			t.Fatal(err)
		}
		if got := text.Mentions(); !slices.Equal(got, c.want) {
			t.Errorf("%q mentions %q, want %q", c.body, got, c.want)
		}
	}
}
