package web

import (
	"errors"
	"net/http"

	parley "github.com/parley-forum/parley"
)

// form is what every form page shares: what is wrong with what was sent. View models embed
// it beside page (whose CSRF field carries the form token), so templates read .Problem and
// .Errors alike everywhere.
type form struct {
	Problem string            // a message about the whole form
	Errors  map[string]string // field name → what is wrong with it
}

func newFormState() form { return form{Errors: map[string]string{}} }

// note places a domain error beside its field, or above the form when it names none, and
// each of parley.Problems so, the first about a field beside it. It reports false for an
// internal error, which belongs on an error page instead.
func (f *form) note(err error) bool {
	var problems parley.Problems
	if errors.As(err, &problems) {
		for _, pe := range problems {
			if pe.Field == "" || f.Errors[pe.Field] == "" {
				f.place(pe)
			}
		}
		return true
	}
	var pe *parley.Error
	if !errors.As(err, &pe) || pe.Code == parley.EInternal {
		return false
	}
	f.place(pe)
	return true
}

func (f *form) place(pe *parley.Error) {
	if pe.Field != "" {
		f.Errors[pe.Field] = pe.Message
	} else {
		f.Problem = pe.Message
	}
}

// refuse shows a form page again with what is wrong, keeping what was typed, with the
// status the error calls for.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, name string, view any, f *form, err error) {
	if !f.note(err) {
		s.renderError(w, r, err)
		return
	}
	s.showPage(w, r, name, view, statusFor(err))
}
