package seimport

import (
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/parley-forum/parley/markdown"
)

func TestAdapt(t *testing.T) {
	s := site{url: "https://bicycles.meta.stackexchange.com", host: "bicycles.meta.stackexchange.com"}
	for _, c := range []struct{ in, want string }{
		{`<p>See <a href="/questions/tagged/election">election</a>.</p>`,
			`<p>See <a href="https://bicycles.meta.stackexchange.com/questions/tagged/election">election</a>.</p>`},
		{`<img src="/img/logo.png" alt="logo">`, `<img src="https://bicycles.meta.stackexchange.com/img/logo.png" alt="logo">`},
		{`<a href="//cdn.example.com/x">x</a> <a href="https://example.com/">y</a>`,
			`<a href="//cdn.example.com/x">x</a> <a href="https://example.com/">y</a>`},
		{`<h1>Title</h1><h2>Part</h2><h6>Small</h6>`, `<h2>Title</h2><h3>Part</h3><h6>Small</h6>`},
		{`<p>a &lt; b &amp; c</p>`, `<p>a &lt; b &amp; c</p>`},
	} {
		if got := s.adapt(c.in); got != c.want {
			t.Errorf("adapt(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestBaseHandle(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"Adam Lear", "Adam_Lear"},
		{"  Jean-Luc  Picard! ", "Jean_Luc_Picard"},
		{"Zoë", "Zo"},
		{"李", "user7"},
		{"x", "user7"},
		{"a_very_long_display_name_that_goes_on_and_on", "a_very_long_display_name_that"},
	} {
		if got := baseHandle(c.name, "user7"); got != c.want {
			t.Errorf("baseHandle(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestClaimHandle checks that handles are unique whatever their case, with the first free
// suffix, cut to the forum's length.
func TestClaimHandle(t *testing.T) {
	sc, err := openScratch(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sc.remove()
	long := "abcdefghijklmnopqrstuvwxyz_abc" // 30 characters
	var got []string
	err = sc.inTx(t.Context(), func(tx *sql.Tx) error {
		hs, err := newHandles(t.Context(), tx)
		if err != nil {
			return err
		}
		defer hs.close()
		for _, base := range []string{"John", "john", "John_2", "JOHN", long, long} {
			h, err := hs.claim(t.Context(), base)
			if err != nil {
				return err
			}
			got = append(got, h)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"John", "john_2", "John_2_2", "JOHN_3", long, "abcdefghijklmnopqrstuvwxyz_a_2"}
	if !slices.Equal(got, want) {
		t.Errorf("claimed %q, want %q", got, want)
	}
}

// TestPostHTMLSanitised checks that an imported body passes the forum's allow-list, with
// its comments and credit, and that nothing of a script survives.
func TestPostHTMLSanitised(t *testing.T) {
	ld := &loader{site: site{url: "https://cardano.stackexchange.com", host: "cardano.stackexchange.com"}, md: markdown.New(), sum: &Summary{}}
	x := &extras{comments: map[int64][]comment{7: {{text: "<b>bold</b> claim", author: "Ann"}}}}
	r := postRow{id: 7, body: `<p onclick="steal()">Hi<script>alert(1)</script></p><iframe src="https://evil.example"></iframe>`,
		authorName: "Bob <Builder>"}
	p := ld.post(3, r, x)
	for _, bad := range []string{"<script", "alert(1)", "onclick", "<iframe", "<b>", "<Builder>"} {
		if strings.Contains(p.Post.HTML, bad) || strings.Contains(p.Post.Body, bad) {
			t.Errorf("imported post keeps %q:\nHTML %s\nBody %s", bad, p.Post.HTML, p.Post.Body)
		}
	}
	for _, good := range []string{"<p>Hi</p>", "&lt;b&gt;bold&lt;/b&gt; claim", `href="https://cardano.stackexchange.com/a/7"`, "CC BY-SA"} {
		if !strings.Contains(p.Post.HTML, good) {
			t.Errorf("imported post lacks %q:\n%s", good, p.Post.HTML)
		}
	}
}
