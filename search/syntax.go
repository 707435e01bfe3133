package search

import "strings"

// Flags is a set of thread properties asked for with is: and has:.
type Flags uint16

const (
	Answered   Flags = 1 << iota // an accepted or a staff-recommended answer
	Unanswered                   // no replies
	Accepted                     // an answer the asker accepted
	Staff                        // a staff member replied
	Pinned
	Locked
	Attachment // a post has an attached file
	Code       // a post has a code block
)

// Has reports whether f holds every flag of g.
func (f Flags) Has(g Flags) bool { return f&g == g }

// String spells f as the operators that ask for it: "is:answered has:code".
func (f Flags) String() string {
	var terms []string
	for _, s := range flagSyntax {
		if f.Has(s.flag) {
			terms = append(terms, s.term())
		}
	}
	return strings.Join(terms, " ")
}

type flagTerm struct {
	flag            Flags
	operator, value string
	meaning         string
}

func (s flagTerm) term() string { return s.operator + ":" + s.value }

// flagSyntax is every value of is: and has:, in the order String writes them.
var flagSyntax = []flagTerm{
	{Answered, "is", "answered", "Threads with an accepted or a staff-recommended answer."},
	{Unanswered, "is", "unanswered", "Threads nobody has replied to yet."},
	{Accepted, "is", "accepted", "Threads whose asker accepted an answer."},
	{Staff, "is", "staff", "Threads a staff member replied to."},
	{Pinned, "is", "pinned", "Threads pinned by moderators."},
	{Locked, "is", "locked", "Threads locked against new replies."},
	{Attachment, "has", "attachment", "Threads with an attached file, such as a log or a crash report."},
	{Code, "has", "code", "Threads with a block of code."},
}

// operator is one NAME: that Parse understands, described for the page that shows how to
// search. The parser's switch handles each name; a test checks that every example parses.
type operator struct {
	name    string
	form    string
	value   string // what follows the colon, for "tag: needs a tag name"
	meaning string
	example string
}

var operators = []operator{
	{"tag", "tag:NAME", "a tag name", "Threads with the tag. Repeat it for several tags: a thread must have them all. -tag:NAME leaves the tag out.", "tag:networking"},
	{"topic", "topic:ADDRESS", "a topic's address", "Threads in the topic, named as in its address.", "topic:app-services"},
	{"subtopic", "subtopic:ADDRESS", "a subtopic's address", "Threads in the subtopic, named as in its address.", "subtopic:networking"},
	{"user", "user:HANDLE", "a handle", "Threads the user posted in, by asking or by replying.", "user:quinn"},
	{"asker", "asker:HANDLE", "a handle", "Threads the user started.", "asker:quinn"},
	{"is", "is:FLAG", "a property", "", "is:answered"}, // Help lists each flag on its own line
	{"has", "has:FLAG", "a property", "", "has:code"},
	{"before", "before:DATE", "a date", "Threads started before the date, not on it. A date is YYYY-MM-DD, YYYY-MM or YYYY.", "before:2024-06-01"},
	{"after", "after:DATE", "a date", "Threads started on the date or later: after:2024 includes the whole of 2024.", "after:2024"},
	{"boosts", "boosts:N", "a number", "Threads with at least N boosts.", "boosts:10"},
	{"replies", "replies:N", "a number", "Threads with at least N replies.", "replies:3"},
	{"in", "in:title", "title", "Look for the words and phrases in titles only.", "in:title keychain"},
}

// operatorList names every operator for messages: "tag:, topic:, … and in:".
func operatorList() string {
	names := make([]string, len(operators))
	for i, op := range operators {
		names[i] = op.name + ":"
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// Syntax is one line of the "how to search" help: what to type, what it finds, an example.
type Syntax struct {
	Form    string
	Meaning string
	Example string
}

// Help returns the whole search syntax, words and phrases first, then every operator with
// each value of is: and has: on its own line. It is built from the tables Parse reads, so
// the page and the parser cannot disagree.
func Help() []Syntax {
	help := []Syntax{
		{"word", "Threads with the word, as written: identifiers, error codes and file names are found whole.", "URLSession -1009"},
		{`"a phrase"`, "Threads with the words next to each other, in this order.", `"certificate pinning"`},
		{`-word, -"a phrase"`, "Leaves out threads with the word or phrase.", "keychain -macos"},
	}
	for _, op := range operators {
		if op.name != "is" && op.name != "has" {
			help = append(help, Syntax{op.form, op.meaning, op.example})
			continue
		}
		for _, s := range flagSyntax {
			if s.operator == op.name {
				help = append(help, Syntax{s.term(), s.meaning + " -" + s.term() + " leaves them out.", s.term()})
			}
		}
	}
	return help
}
