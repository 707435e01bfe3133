package parley

import (
	"context"
	"slices"
	"strconv"
	"time"
)

// EmailChoice is how a member hears of their notifications by email.
type EmailChoice string

const (
	// EmailImmediately sends one email per notification, soon after it is made; a grouped
	// boost is one email however many boost the post before it goes.
	EmailImmediately EmailChoice = "immediately"
	// EmailDaily gathers a day's notifications (days in UTC) into one email, sent once the
	// day has ended.
	EmailDaily EmailChoice = "daily"
	EmailNever EmailChoice = "never"
)

// Validate refuses a choice the forum does not know.
func (c EmailChoice) Validate() error {
	if !slices.Contains([]EmailChoice{EmailImmediately, EmailDaily, EmailNever}, c) {
		return Invalid("email", "Email comes immediately, daily or never, not %q.", c)
	}
	return nil
}

// EmailKind is what an email of the outbox is.
type EmailKind string

const (
	EmailNotification EmailKind = "notification" // one notification
	EmailDigest       EmailKind = "digest"       // a member's notifications of one day
	EmailVerify       EmailKind = "verify"       // a link that verifies the member's address
	EmailReset        EmailKind = "reset"        // a link that resets the member's password
)

// EmailMaxAge is how long an email may wait in the outbox: one still unsent after it, its
// server having refused it all along or email being off, is news no more and is not sent.
const EmailMaxAge = 48 * time.Hour

// DigestMax is how many notifications a digest lists; it says how many more there were.
const DigestMax = 50

// Email is one message of the outbox as a sender claims it: whom it is for and what it
// tells, read when it is claimed, so that it says what is true when it goes.
type Email struct {
	ID   int64
	Kind EmailKind
	// To is the member's address; Recipient names them.
	To        string
	Recipient Author
	// Day is the UTC day a digest gathers.
	Day       time.Time
	CreatedAt time.Time
	Attempts  int // this claim included
	// Notifications are what it tells, newest first; none when nothing is left to tell (read
	// in-app by then is still told; hidden since, or the member chose no email, is not):
	// the sender then marks it done without sending anything. More counts those a digest
	// gathered past DigestMax.
	Notifications []Notification
	More          int
	// Token is the secret of a verification or reset link, made when the email is
	// claimed: the store keeps only its hash. "" when the link is no longer wanted (the
	// address was verified since), and for notifications.
	Token string
}

// Empty reports whether the email has nothing left to say, so that it is marked done
// without being sent.
func (e Email) Empty() bool {
	if e.Kind == EmailVerify || e.Kind == EmailReset {
		return e.Token == "" || e.To == ""
	}
	return len(e.Notifications) == 0 || e.To == ""
}

// MessageID is the email's Message-ID, the same on every attempt, so that a receiver can
// recognise a repeat: sending is at least once (OutboxStore).
func (e Email) MessageID(host string) string {
	return "<parley." + strconv.FormatInt(e.ID, 10) + "." + strconv.FormatInt(Millis(e.CreatedAt), 10) + "@" + host + ">"
}

// OutboxEntry is the state of one email of the outbox, for operators and tests.
type OutboxEntry struct {
	ID        int64
	Kind      EmailKind
	UserID    int64
	Attempts  int
	LastError string
	DueAt     time.Time
	SentAt    time.Time // zero until sent
}

// OutboxStore is the durable outbox of email. FanOut fills it in the transaction that
// makes the notifications it is about, so that a notification and its email exist
// together or not at all; a sender on each node empties it.
//
// Sending is at least once: a sender claims an email for a lease, sends it, then marks it
// sent. A sender that stops between its server accepting the email and marking it sent
// leaves it claimed; once the lease ends, a sender sends it again, with the same
// Message-ID (Email.MessageID). Nothing is lost, and a repeat is recognisable.
type OutboxStore interface {
	// ClaimEmails claims up to limit emails that are due, for lease: until it ends no
	// other caller, on this node or another, claims them. Emails older than EmailMaxAge
	// are not claimed.
	ClaimEmails(ctx context.Context, limit int, lease time.Duration) ([]Email, error)
	// EmailSent marks a claimed email sent and the notifications it told emailed.
	EmailSent(ctx context.Context, id int64, told []int64) error
	// EmailFailed records why an email could not be sent and makes it due again after
	// retry; a negative retry gives it up, for a server that refused it for good.
	EmailFailed(ctx context.Context, id int64, reason string, retry time.Duration) error
	// Outbox returns the newest limit emails, for operators and tests.
	Outbox(ctx context.Context, limit int) ([]OutboxEntry, error)
	// SweepOutbox deletes the emails made more than twice EmailMaxAge ago, sent or not,
	// and returns how many.
	SweepOutbox(ctx context.Context) (int64, error)
	// SetEmailChoice sets how a member hears of notifications by email; EInvalid for an
	// unknown choice, ErrNotFound for no such member.
	SetEmailChoice(ctx context.Context, userID int64, c EmailChoice) error
	// SiteKey returns the forum's secret key named name, made at random the first time it
	// is asked for: every node signs and checks with the same key.
	SiteKey(ctx context.Context, name string) ([]byte, error)
}
