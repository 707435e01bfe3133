package parley

import "strings"

// Problems is every problem with an input at once, so that a form can show each beside its
// field. errors.As finds the first as an *Error, so a caller that shows one message, and
// the mapping of errors to statuses, need not know of Problems.
type Problems []*Error

func (p Problems) Error() string {
	msgs := make([]string, len(p))
	for i, e := range p {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// Unwrap returns the problems, for errors.As and errors.Is.
func (p Problems) Unwrap() []error {
	out := make([]error, len(p))
	for i, e := range p {
		out[i] = e
	}
	return out
}

// set replaces the problems with e's field by e: a more precise message than the rule's.
func (p Problems) set(e *Error) Problems {
	out := Problems{}
	for _, q := range p {
		if q.Field != e.Field {
			out = append(out, q)
		}
	}
	return append(out, e)
}

// err is nil when there is no problem: a nil Problems in an error would not be nil.
func (p Problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return p
}
