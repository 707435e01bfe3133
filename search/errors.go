package search

import (
	"fmt"
	"strings"
)

// Error is one problem with a query, with a message written to be shown on the search page.
type Error struct {
	// Term is the part of the query the message is about, as typed (before:yesterday), or
	// empty when it is about the whole query (its length, or two terms that clash).
	Term    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errors is every problem Parse found in one query, in the order of the query, so that the
// page can list them all at once instead of one per attempt.
type Errors []*Error

// Error joins the messages into one paragraph.
func (es Errors) Error() string {
	messages := make([]string, len(es))
	for i, e := range es {
		messages[i] = e.Message
	}
	return strings.Join(messages, " ")
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func (p *parser) fail(term, format string, args ...any) {
	p.errs = append(p.errs, &Error{Term: term, Message: fmt.Sprintf(format, args...)})
}
