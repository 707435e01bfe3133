package seimport

import (
	"testing"
	"time"

	"github.com/parley-forum/parley/markdown"
)

// checkTail fails the test when a tail written in the sanitised style differs from the
// source style's, sanitised.
func checkTail(t *testing.T, md *markdown.Renderer, s site, cs []comment, question bool, author string, seUserID *int64, license string) {
	t.Helper()
	style, ok := s.sanitisedTail(md)
	if !ok {
		return
	}
	want := md.Sanitize(tail(s.sourceTail(), s.host, cs, question, 42, author, seUserID, license))
	if got := tail(style, s.host, cs, question, 42, author, seUserID, license); got != want {
		t.Errorf("the tail written sanitised is\n%q\nsanitising gives\n%q", got, want)
	}
}

var cardano = site{url: "https://cardano.stackexchange.com", host: "cardano.stackexchange.com"}

func FuzzSanitisedTail(f *testing.F) {
	f.Add("a <b>c</b> & 'd' \"e\"", "Ann", "Bob <Builder>", "CC BY-SA 4.0", true, true)
	f.Add("line\r\nbreaks\rand\ttabs\x00", "\xff\xfe", "Zoë", "", false, false)
	f.Add("&amp; &lt;p&gt; &#39; &#x41; ]]> <!-- x --> <script>", "<a href=\"x\">", "é\u2028", "CC BY-SA 3.0", true, false)
	md := markdown.New()
	f.Fuzz(func(t *testing.T, text, commenter, author, license string, question, user bool) {
		var seUserID *int64
		if user {
			id := int64(7)
			seUserID = &id
		}
		cs := []comment{{created: time.Date(2021, 4, 27, 15, 6, 44, 0, time.UTC), text: text, author: commenter}, {text: author}}
		checkTail(t, md, cardano, cs, question, author, seUserID, license)
		checkTail(t, md, cardano, nil, question, author, seUserID, license)
	})
}

// TestSanitisedTailSites checks sites whose links the sanitiser might change: either the
// tails are sanitised, or they are written as sanitising them would.
func TestSanitisedTailSites(t *testing.T) {
	md := markdown.New()
	if _, ok := cardano.sanitisedTail(md); !ok {
		t.Error("cardano's tails are sanitised, not written sanitised")
	}
	id := int64(7)
	for _, url := range []string{"http://a.example", "https://a\"b.example", "https://a&b.example", "https://é.example",
		"https://a b.example", "https://a<b>.example", "https://a.example:8080", "https://user@a.example", "https://a%41.example"} {
		s := site{url: url, host: url[len("https://"):]}
		checkTail(t, md, s, []comment{{text: "hi", author: "Ann"}}, true, "Bob", &id, "CC BY-SA 4.0")
		checkTail(t, md, s, nil, false, "Bob", nil, "")
	}
}
