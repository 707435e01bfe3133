package search

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parley-forum/parley/names"
)

const (
	// MaxBytes bounds a query's length, as typed and in its canonical form (Query.String).
	MaxBytes = 500
	// MaxTerms bounds the words, phrases and operators of a query, repeats not counted:
	// each one is a lookup in the index or a condition in the stores' SQL.
	MaxTerms = 32
	// MaxCount bounds boosts:N and replies:N; no thread comes near it.
	MaxCount = 1_000_000_000
)

var (
	datePattern   = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`)
	numberPattern = regexp.MustCompile(`^[0-9]+$`)
)

// Parse reads a query as typed into the search box. When some of it cannot be read, it
// returns the zero Query and Errors listing every problem, each in words for the page;
// it searches for nothing rather than for part of what was asked.
func Parse(text string) (Query, error) {
	if len(text) > MaxBytes {
		return Query{}, tooLong(len(text))
	}
	if !utf8.ValidString(text) {
		return Query{}, Errors{{Message: "The search holds bytes that are not text. Please type it again."}}
	}
	var p parser
	for _, t := range scan(text) {
		p.read(t)
	}
	p.check()
	if len(p.errs) > 0 {
		return Query{}, p.errs
	}
	slices.Sort(p.q.Tags)
	slices.Sort(p.q.NotTags)
	// Written out in full (dates, a closing quote) a query can outgrow the limit by a few
	// bytes; refusing it keeps every Query's String parseable.
	if n := len(p.q.String()); n > MaxBytes {
		return Query{}, tooLong(n)
	}
	return p.q, nil
}

func tooLong(n int) Errors {
	return Errors{{Message: fmt.Sprintf("A search may be up to %d bytes long, and this one has %d. Please shorten it.", MaxBytes, n)}}
}

// term is one part of a query: a word, a quoted phrase or an operator.
type term struct {
	text   string // as typed, for messages
	not    bool   // written with a leading '-' that excludes
	quoted bool
	body   string // without the '-' and the quotes
}

// separates reports whether r splits a query into terms. Control characters count as
// spaces, so that a tab or a pasted line break splits and never reaches a store.
func separates(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// scan splits text into terms. It cannot fail: an open quote runs to the end, and a quote
// inside a word ends the word and opens a phrase, so no word holds a quote.
func scan(text string) []term {
	var terms []term
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if separates(r) {
			i += size
			continue
		}
		start, not := i, false
		if strings.HasPrefix(text[i:], `-"`) {
			not, i = true, i+1
		}
		if text[i] == '"' {
			body, rest, _ := strings.Cut(text[i+1:], `"`) // an open quote runs to the end
			i = len(text) - len(rest)
			terms = append(terms, term{text: text[start:i], not: not, quoted: true, body: body})
			continue
		}
		end := strings.IndexFunc(text[i:], func(r rune) bool { return separates(r) || r == '"' })
		if end < 0 {
			end = len(text) - i
		}
		i += end
		word := text[start:i]
		t := term{text: word, body: word}
		if len(word) > 1 && word[0] == '-' && !isDigit(word[1]) && word[1] != '-' {
			t.not, t.body = true, word[1:]
		}
		terms = append(terms, t)
	}
	return terms
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

type parser struct {
	q     Query
	terms int // distinct terms read so far
	errs  Errors
}

func (p *parser) read(t term) {
	if t.quoted {
		p.phrase(t)
		return
	}
	if name, value, found := strings.Cut(t.body, ":"); found {
		if op, ok := lookup(name); ok {
			p.operator(t, op, value)
			return
		}
		if readsAsOperator(name, value) {
			p.unknown(t, name)
			return
		}
	}
	p.word(t)
}

// lookup finds the operator named, in any case; names are ASCII.
func lookup(name string) (operator, bool) {
	for _, op := range operators {
		if len(name) == len(op.name) && strings.EqualFold(name, op.name) && isASCII(name) {
			return op, true
		}
	}
	return operator{}, false
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// readsAsOperator reports whether name:value, whose name is no operator, was meant as one
// (the rule is in the package doc): the name is ASCII letters in one case, the value starts
// with a lower-case letter and holds only lower-case letters, digits, '-', '_' and '.'.
func readsAsOperator(name, value string) bool {
	lower := strings.ToLower(name)
	if name == "" || !isASCII(name) || strings.Trim(lower, "abcdefghijklmnopqrstuvwxyz") != "" {
		return false
	}
	oneCase := name == lower || name == strings.ToUpper(name) || name == strings.ToUpper(name[:1])+lower[1:]
	if !oneCase || value == "" || value[0] < 'a' || value[0] > 'z' {
		return false
	}
	return strings.Trim(value, "abcdefghijklmnopqrstuvwxyz0123456789-_.") == ""
}

// familiar maps operator names of other sites to Parley's, for the unknown-operator message.
var familiar = map[string]string{
	"author": "asker:", "label": "tag:", "tags": "tag:", "users": "user:", "title": "in:title",
	"answers": "replies:", "score": "boosts:", "votes": "boosts:", "created": "after: or before:",
}

func (p *parser) unknown(t term, name string) {
	hint := ""
	if known, ok := familiar[strings.ToLower(name)]; ok {
		hint = fmt.Sprintf(" Did you mean %s?", known)
	}
	quoted := `"` + t.body + `"`
	if t.not {
		quoted = "-" + quoted
	}
	p.fail(t.text, "Unknown operator %q.%s Search understands %s. To search for the text itself, put it in quotes: %s.",
		name+":", hint, operatorList(), quoted)
}

// hasWordRune reports whether s holds a letter or a digit, that an index could hold.
func hasWordRune(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) })
}

func (p *parser) word(t term) {
	if !hasWordRune(t.body) {
		return
	}
	if t.not {
		p.addText(&p.q.NotWords, t.body)
	} else {
		p.addText(&p.q.Words, t.body)
	}
}

func (p *parser) phrase(t term) {
	phrase := strings.Join(strings.FieldsFunc(t.body, separates), " ")
	if !hasWordRune(phrase) {
		return
	}
	if t.not {
		p.addText(&p.q.NotPhrases, phrase)
	} else {
		p.addText(&p.q.Phrases, phrase)
	}
}

// addText adds s to list unless it holds s in another case already: the indexes ignore case.
func (p *parser) addText(list *[]string, s string) {
	if slices.ContainsFunc(*list, func(t string) bool { return strings.EqualFold(s, t) }) {
		return
	}
	*list = append(*list, s)
	p.terms++
}

func (p *parser) operator(t term, op operator, value string) {
	if t.not && op.name != "tag" && op.name != "is" && op.name != "has" {
		p.fail(t.text, "Search cannot negate %s as in %q: only tag:, is: and has: can be negated.%s", op.name+":", t.text, negationHint[op.name])
		return
	}
	if value == "" {
		p.fail(t.text, "%s needs %s right after the colon, as in %s.", op.name+":", op.value, strings.Fields(op.example)[0])
		return
	}
	switch op.name {
	case "tag":
		if tag, ok := p.slug(t, op, value); ok && t.not {
			p.addTag(&p.q.NotTags, tag)
		} else if ok {
			p.addTag(&p.q.Tags, tag)
		}
	case "topic":
		if slug, ok := p.slug(t, op, value); ok {
			p.setOnce(t, op, &p.q.Topic, slug)
		}
	case "subtopic":
		if slug, ok := p.slug(t, op, value); ok {
			p.setOnce(t, op, &p.q.Subtopic, slug)
		}
	case "user":
		if handle, ok := p.handle(t, op, value); ok {
			p.setOnce(t, op, &p.q.User, handle)
		}
	case "asker":
		if handle, ok := p.handle(t, op, value); ok {
			p.setOnce(t, op, &p.q.Asker, handle)
		}
	case "is", "has":
		p.flag(t, op, value)
	case "before", "after":
		p.date(t, op, value)
	case "boosts":
		p.atLeast(t, op, value, &p.q.MinBoosts)
	case "replies":
		p.atLeast(t, op, value, &p.q.MinReplies)
	case "in":
		if !strings.EqualFold(value, "title") {
			p.fail(t.text, "%q is not something search knows: in: takes only title, as in in:title.", t.text)
		} else if !p.q.TitleOnly {
			p.q.TitleOnly = true
			p.terms++
		}
	}
}

var negationHint = map[string]string{
	"before": " To find threads started on or after a date, write after:DATE.",
	"after":  " To find threads started before a date, write before:DATE.",
	"in":     " To leave out threads whose titles have a word, write -word with in:title.",
}

// slug reads the address of a tag, topic or subtopic, in any case.
func (p *parser) slug(t term, op operator, value string) (string, bool) {
	slug := strings.ToLower(value)
	if !names.IsSlug(slug) {
		p.fail(t.text, "%q is not %s: these have letters, digits and single hyphens, as in %s.", t.text, op.value, op.example)
		return "", false
	}
	return slug, true
}

func (p *parser) handle(t term, op operator, value string) (string, bool) {
	handle := strings.ToLower(strings.TrimPrefix(value, "@"))
	if !names.IsHandle(handle) {
		p.fail(t.text, "%q is not a handle: handles have 2 to 30 letters, digits or underscores, as in %s.", t.text, op.example)
		return "", false
	}
	return handle, true
}

func (p *parser) addTag(list *[]string, tag string) {
	if !slices.Contains(*list, tag) {
		*list = append(*list, tag)
		p.terms++
	}
}

// setOnce sets a filter that takes one value; the same value again is a repeat.
func (p *parser) setOnce(t term, op operator, field *string, value string) {
	switch *field {
	case "":
		*field = value
		p.terms++
	case value:
	default:
		p.fail(t.text, "Search takes one %s at a time, and this search has %s:%s and %s:%s.", op.name+":", op.name, *field, op.name, value)
	}
}

func (p *parser) flag(t term, op operator, value string) {
	value = strings.ToLower(value)
	var known []string
	for _, s := range flagSyntax {
		if s.operator != op.name {
			continue
		}
		if s.value != value {
			known = append(known, s.value)
			continue
		}
		flags := &p.q.Flags
		if t.not {
			flags = &p.q.NotFlags
		}
		if !flags.Has(s.flag) {
			*flags |= s.flag
			p.terms++
		}
		return
	}
	p.fail(t.text, "%q is not something search knows: %s takes %s or %s.", t.text, op.name+":",
		strings.Join(known[:len(known)-1], ", "), known[len(known)-1])
}

// date reads before: or after:. Both mean the start of the period typed, and both narrow
// what an earlier one of them asked for, since every filter must hold.
func (p *parser) date(t term, op operator, value string) {
	date, err := parseDate(value)
	if err != nil {
		p.fail(t.text, "%q is not a date: write YYYY-MM-DD, YYYY-MM or YYYY, as in %s.", t.text, op.example)
		return
	}
	field, narrower := &p.q.After, date.After
	if op.name == "before" {
		field, narrower = &p.q.Before, date.Before
	}
	if field.IsZero() {
		p.terms++
	}
	if field.IsZero() || narrower(*field) {
		*field = date
	}
}

func parseDate(s string) (time.Time, error) {
	if !datePattern.MatchString(s) {
		return time.Time{}, fmt.Errorf("not a date")
	}
	layout := dateLayout[:len(s)] // "2006", "2006-01" or "2006-01-02"
	return time.Parse(layout, s)
}

func (p *parser) atLeast(t term, op operator, value string, field *int) {
	n, err := strconv.Atoi(value)
	if !numberPattern.MatchString(value) || err != nil || n > MaxCount {
		p.fail(t.text, "%q needs a whole number from 0 to %d, as in %s.", t.text, MaxCount, op.example)
		return
	}
	if *field == 0 && n > 0 {
		p.terms++
	}
	*field = max(*field, n)
}

// check finds what no thread can match, and a query with too many terms.
func (p *parser) check() {
	q := &p.q
	for _, s := range flagSyntax {
		if q.Flags.Has(s.flag) && q.NotFlags.Has(s.flag) {
			p.fail("", "%s and -%s cannot both hold.", s.term(), s.term())
		}
	}
	if q.Flags.Has(Unanswered) {
		for _, s := range flagSyntax {
			if s.flag&(Answered|Accepted|Staff) != 0 && q.Flags.Has(s.flag) {
				p.fail("", "is:unanswered and %s cannot both hold: a thread with no replies has no answer.", s.term())
			}
		}
	}
	for _, tag := range q.Tags {
		if slices.Contains(q.NotTags, tag) {
			p.fail("", "tag:%s and -tag:%s cannot both hold.", tag, tag)
		}
	}
	p.clash(q.Words, q.NotWords, "%s and -%s cannot both hold.")
	p.clash(q.Phrases, q.NotPhrases, `"%s" and -"%s" cannot both hold.`)
	if !q.After.IsZero() && !q.Before.IsZero() && !q.After.Before(q.Before) {
		p.fail("", "after:%s and before:%s leave no days between them.", q.After.Format(dateLayout), q.Before.Format(dateLayout))
	}
	if p.terms > MaxTerms {
		p.fail("", "A search may hold up to %d words, phrases and operators, and this one has %d. Please leave some out.", MaxTerms, p.terms)
	}
}

func (p *parser) clash(with, without []string, format string) {
	for _, s := range with {
		if i := slices.IndexFunc(without, func(t string) bool { return strings.EqualFold(s, t) }); i >= 0 {
			p.fail("", format, s, without[i])
		}
	}
}
