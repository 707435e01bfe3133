package web

import parley "github.com/parley-forum/parley"

// action is something a signed-in user asks to do. Who may do what is decided here and
// nowhere else; handlers ask allowed before they change anything.
type action int

const (
	actAsk   action = iota // start a thread
	actReply               // reply in a thread that is not locked
)

// allowed reports whether user may take action on something owned by ownerID (0 when the
// action concerns nothing owned).
func allowed(user *parley.User, a action, ownerID int64) bool {
	if user == nil {
		return false
	}
	switch a {
	case actAsk, actReply:
		return true
	}
	return false
}

// forbid is the error for an action a user may not take.
func forbid(what string) error {
	return parley.Errorf(parley.EForbidden, "You cannot %s.", what)
}
