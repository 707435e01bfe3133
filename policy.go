package parley

import "time"

// Action is something a signed-in user asks to do. Who may do what is decided here and
// nowhere else: every use case, and every page that decides which buttons to show, asks
// Allowed or Permit.
type Action int

const (
	ActAsk        Action = iota // start a thread
	ActReply                    // reply in a thread that is not locked
	ActEdit                     // edit a post: its author, or a moderator or staff
	ActAccept                   // accept an answer: the thread's author, or staff
	ActRecommend                // recommend a reply: staff
	ActBoost                    // boost a post: anyone but its author
	ActFlag                     // flag a post for moderators: anyone but its author
	ActModerate                 // hide, lock, pin, move, retag, delete, suspend, handle flags: moderators and staff
	ActManageTags               // create and edit tags: staff
	ActAdminister               // manage topics, subtopics and users' roles: admins
)

// Allowed reports whether user may take action a at time now on something owned by
// ownerID (0 when the action concerns nothing owned). A suspended user may take none. now
// is the server's clock, read once for the request or use case, never time.Now here:
// whether a suspension has ended is the clock's to say, and tests fix it.
func Allowed(user *User, a Action, ownerID int64, now time.Time) bool {
	if user == nil || user.Suspended(now) {
		return false
	}
	switch a {
	case ActAsk, ActReply:
		return true
	case ActEdit:
		return user.ID == ownerID || user.Moderates()
	case ActAccept:
		return user.ID == ownerID || user.Role.IsStaff()
	case ActRecommend, ActManageTags:
		return user.Role.IsStaff()
	case ActBoost, ActFlag:
		return user.ID != ownerID
	case ActModerate:
		return user.Moderates()
	case ActAdminister:
		return user.Role == RoleAdmin
	}
	return false
}

// Permit returns nil when user may take action a at time now, or the refusal to show: the
// suspension, with when it ends, or "You cannot " + refusal.
func Permit(user *User, a Action, ownerID int64, now time.Time, refusal string) error {
	if Allowed(user, a, ownerID, now) {
		return nil
	}
	if user != nil && user.Suspended(now) {
		return Errorf(EForbidden, "Your account is suspended until %s; until then you can read but not post or change anything.",
			user.SuspendedUntil.Format("2 January 2006 15:04 MST"))
	}
	return Forbid(refusal)
}

// Forbid is the error for an action a user may not take; what completes "You cannot …".
func Forbid(what string) error {
	return Errorf(EForbidden, "You cannot %s.", what)
}

// Moderates reports whether the user's role moderates: moderators and staff, who still
// read and mend what is out of view for everyone else. It says nothing of a suspension;
// Allowed does.
func (u *User) Moderates() bool { return u.Role == RoleModerator || u.Role.IsStaff() }
