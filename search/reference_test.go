package search_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/parley-forum/parley/search"
)

// The tokenizer cuts text as the rune-by-rune definition below does, only faster: these
// tests hold it to that definition, which is what the indexes of existing forums were
// built with. (PostText, which takes the tags off a post first, is tested on its own.)

func TestPostCutsAsDefined(t *testing.T) {
	texts := append(demoPosts(t), "Ünïcödé naïve café — 東京 ①② x\u0301y \ue000z", "a\xffb\xc3", "--a_b-.c..-1009_", "_.-",
		"URLSession.shared.dataTask.resume.then.more.x", "MiXeD CaSe SHOULD WouldN'T", "<p>a&amp;b &lt;c&gt; &#x41;</p>")
	for _, text := range texts {
		checkCut(t, text)
	}
}

func FuzzPostCutsAsDefined(f *testing.F) {
	for _, p := range demoPosts(f)[:5] {
		f.Add(p)
	}
	f.Add("EXC_BAD_ACCESS in nw_connection_t -1009 Info.plist. Ünïcödé")
	f.Fuzz(checkCut)
}

func checkCut(t *testing.T, text string) {
	if got, want := search.Index(text), definedIndex(text); !reflect.DeepEqual(got, want) {
		t.Errorf("Index(%q) = %q, defined as %q", text, got, want)
	}
	if got, want := search.Post(text), definedIndex(search.PostText(text)); !reflect.DeepEqual(got, want) {
		t.Errorf("Post(%q) = %q, defined as %q", text, got, want)
	}
}

func definedIndex(text string) search.Terms {
	var t search.Terms
	for c := range definedChunks(text) {
		for w := range strings.FieldsFuncSeq(c, definedJoiner) {
			if w = strings.ToLower(w); !definedStop[w] && len(w) <= search.MaxTermBytes {
				t.Words = append(t.Words, w)
			}
		}
		if strings.ContainsFunc(c, definedJoiner) {
			c = strings.ToLower(c)
			parts := strings.Split(c, ".")
			if len(parts) < 3 || len(parts) > 6 {
				t.Code = definedTerm(t.Code, c)
				continue
			}
			for n := len(parts); n >= 2; n-- {
				for i := 0; i+n <= len(parts); i++ {
					t.Code = definedTerm(t.Code, strings.Join(parts[i:i+n], "."))
				}
			}
		}
	}
	return t
}

func definedTerm(code []string, c string) []string {
	if len(c) > search.MaxTermBytes || !strings.ContainsFunc(c, definedWord) {
		return code
	}
	return append(code, c)
}

func definedWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) || unicode.Is(unicode.Co, r)
}

func definedJoiner(r rune) bool { return r == '_' || r == '.' || r == '-' }

func definedChunks(text string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for c := range strings.FieldsFuncSeq(text, func(r rune) bool { return !definedWord(r) && !definedJoiner(r) }) {
			c = strings.TrimRightFunc(c, definedJoiner)
			trimmed := strings.TrimLeftFunc(c, definedJoiner)
			if len(trimmed) < len(c) && c[len(c)-len(trimmed)-1] == '-' && trimmed != "" && trimmed[0] >= '0' && trimmed[0] <= '9' {
				trimmed = "-" + trimmed
			}
			if trimmed != "" && !yield(trimmed) {
				return
			}
		}
	}
}

var definedStop = func() map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(`a about after am an and any are as at be been before but by can could
	d did do does doing don didn doesn for from get got had has have how i if in into is isn it
	its just ll m me my no not of on or our re s should so some t than that the their then there
	these this to too use using ve was wasn we were what when where which while who why will
	with won would wouldn you your`) {
		set[w] = true
	}
	return set
}()
