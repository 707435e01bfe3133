package search

import (
	"strconv"
	"strings"
	"time"
)

// Query is a parsed search: what the stores look for and the filters every result must pass.
// Its zero value is the empty query. Everything in it holds at once.
type Query struct {
	// Words are free words as typed, in the order typed: code terms keep their form
	// (URLSession, -1009, EXC_BAD_ACCESS, Info.plist). None holds a space or a quote.
	Words []string
	// Phrases are quoted phrases, with their spaces each made one space; none holds a quote.
	Phrases []string
	// NotWords and NotPhrases are excluded: no result contains any of them.
	NotWords, NotPhrases []string

	// Tags must all be on a result and NotTags none; both lower-case and sorted.
	Tags, NotTags []string
	// Topic and Subtopic are addresses (slugs), lower-case.
	Topic, Subtopic string
	// User posted in the thread, as asker or replier; Asker started it. Both are handles,
	// lower-case, without an @.
	User, Asker string

	// Flags must all hold and NotFlags none.
	Flags, NotFlags Flags

	// After is inclusive and Before exclusive: a result started at or after After and
	// before Before. Each is midnight UTC at the start of the day, month or year typed;
	// zero when not asked for.
	After, Before time.Time

	// MinBoosts and MinReplies are lower bounds; zero asks for nothing.
	MinBoosts, MinReplies int

	// TitleOnly looks for Words and Phrases (and their exclusions) in titles alone.
	TitleOnly bool
}

// Empty reports whether q asks for nothing: no words, phrases or filters. The page then
// shows how to search rather than every thread. in:title alone asks for nothing.
func (q Query) Empty() bool {
	return len(q.Words)+len(q.Phrases)+len(q.NotWords)+len(q.NotPhrases)+len(q.Tags)+len(q.NotTags) == 0 &&
		q.Topic == "" && q.Subtopic == "" && q.User == "" && q.Asker == "" &&
		q.Flags == 0 && q.NotFlags == 0 && q.After.IsZero() && q.Before.IsZero() &&
		q.MinBoosts == 0 && q.MinReplies == 0
}

const dateLayout = "2006-01-02"

// String returns q in its canonical form: Parse(q.String()) gives q again, and two queries
// that mean the same (dates written short or long, tags in another order, repeats, extra
// spaces) give the same String, so it serves as a cache key and in feed URLs. Free text
// comes first, in the order typed, then the operators in the order of Help.
func (q Query) String() string {
	var terms []string
	add := func(s ...string) { terms = append(terms, s...) }
	prefixed := func(prefix string, values []string) {
		for _, v := range values {
			add(prefix + v)
		}
	}
	quoted := func(prefix string, phrases []string) {
		for _, p := range phrases {
			add(prefix + `"` + p + `"`)
		}
	}
	set := func(name, value string) {
		if value != "" {
			add(name + ":" + value)
		}
	}
	add(q.Words...)
	quoted("", q.Phrases)
	prefixed("-", q.NotWords)
	quoted("-", q.NotPhrases)
	prefixed("tag:", q.Tags)
	prefixed("-tag:", q.NotTags)
	set("topic", q.Topic)
	set("subtopic", q.Subtopic)
	set("user", q.User)
	set("asker", q.Asker)
	for _, s := range flagSyntax {
		if q.Flags.Has(s.flag) {
			add(s.term())
		}
		if q.NotFlags.Has(s.flag) {
			add("-" + s.term())
		}
	}
	if !q.Before.IsZero() {
		add("before:" + q.Before.Format(dateLayout))
	}
	if !q.After.IsZero() {
		add("after:" + q.After.Format(dateLayout))
	}
	if q.MinBoosts > 0 {
		add("boosts:" + strconv.Itoa(q.MinBoosts))
	}
	if q.MinReplies > 0 {
		add("replies:" + strconv.Itoa(q.MinReplies))
	}
	if q.TitleOnly {
		add("in:title")
	}
	return strings.Join(terms, " ")
}
