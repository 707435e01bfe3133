// Package email sends the forum's email: a Sender on every serving node empties the
// outbox (parley.OutboxStore) through an SMTP server, one connection per batch.
//
// Delivery is at least once. The outbox gives each claimed email to one sender for a
// lease; the sender marks it sent once the server has accepted it. A node that stops in
// between leaves the email claimed, and when the lease ends a sender sends it again with
// the same Message-ID, by which a receiver can tell the repeat. An email is never lost to
// a crash, a refused connection or a server that answers "try later": it is tried again
// with a growing pause until parley.EmailMaxAge.
package email

import (
	"context"
	"errors"
	"log/slog"
	"net/textproto"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/events"
)

// Outbox is the part of the store a Sender uses.
type Outbox interface {
	ClaimEmails(ctx context.Context, limit int, lease time.Duration) ([]parley.Email, error)
	EmailSent(ctx context.Context, id int64, told []int64) error
	EmailFailed(ctx context.Context, id int64, reason string, retry time.Duration) error
	SiteKey(ctx context.Context, name string) ([]byte, error)
}

const (
	// batch is how many emails one claim takes, sent over one connection.
	batch = 50
	// lease is how long a claim holds its emails: far longer than a batch takes, since an
	// email whose lease ends before it is marked sent may be sent twice.
	lease = 10 * time.Minute
	// firstRetry and lastRetry bound the pause before trying a failed email again; it
	// doubles with each attempt.
	firstRetry = time.Minute
	lastRetry  = time.Hour
)

// retryAfter is the pause after a failed attempt, the attempts'th.
func retryAfter(attempts int) time.Duration {
	if attempts > 7 {
		return lastRetry
	}
	return min(firstRetry<<max(attempts-1, 0), lastRetry)
}

// Sender sends what the outbox holds, when woken and at least every interval given to Run.
type Sender struct {
	outbox Outbox
	server *Server
	site   Site
	log    *slog.Logger
	wake   chan struct{}
	key    []byte
	// afterAccept, when set, runs once the server has accepted an email, before it is
	// marked sent; an error ends the round there, as a crash would (tests).
	afterAccept func(parley.Email) error
}

// New returns a sender through server; start it with Run.
func New(outbox Outbox, server *Server, site Site, log *slog.Logger) *Sender {
	return &Sender{outbox: outbox, server: server, site: site, log: log, wake: make(chan struct{}, 1)}
}

// Changed is a store listener (OnChange) that wakes the sender when notifications were
// made, which may have written email.
func (s *Sender) Changed(_ context.Context, e events.Event) {
	if e.Kind == events.Notified {
		s.Wake()
	}
}

// Wake makes the sender look for email now; it never waits.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends until ctx ends.
func (s *Sender) Run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		n, err := s.SendDue(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("send email", "server", s.server.String(), "err", err)
		}
		if n > 0 {
			s.log.Info("sent email", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-tick.C:
		}
	}
}

// SendDue sends batches of due email until none is left or one fails to connect, and
// returns how many emails the server accepted. What fails stays in the outbox for later.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	total := 0
	for ctx.Err() == nil {
		n, claimed, err := s.round(ctx)
		total += n
		if err != nil || claimed == 0 {
			return total, err
		}
	}
	return total, ctx.Err()
}

// round claims one batch and sends it over one connection, opened when the first email
// with something to say comes up. It returns how many were accepted and claimed.
func (s *Sender) round(ctx context.Context) (sent, claimed int, err error) {
	if s.key == nil {
		if s.key, err = s.outbox.SiteKey(ctx, UnsubscribeKey); err != nil {
			return 0, 0, err
		}
	}
	emails, err := s.outbox.ClaimEmails(ctx, batch, lease)
	if err != nil {
		return 0, 0, err
	}
	var cn *conn
	defer func() {
		if cn != nil {
			cn.close()
		}
	}()
	for i, e := range emails {
		if e.Empty() { // nothing left to tell
			if err := s.outbox.EmailSent(ctx, e.ID, nil); err != nil {
				return sent, len(emails), err
			}
			continue
		}
		if cn == nil {
			if cn, err = s.server.dial(ctx); err != nil {
				return sent, len(emails), s.failAll(ctx, emails[i:], err)
			}
		}
		err := s.send(ctx, cn, e)
		var refused *textproto.Error
		switch {
		case errors.Is(err, errCrash):
			return sent, len(emails), err
		case errors.As(err, &refused): // this email's fault; the connection goes on
		case err != nil: // the connection's: the next email opens another
			cn.c.Close()
			cn = nil
		default:
			sent++
		}
	}
	return sent, len(emails), nil
}

// errCrash is afterAccept's error, passed on unmarked.
var errCrash = errors.New("stopped after the server accepted an email")

// send composes and sends one email and records the outcome.
func (s *Sender) send(ctx context.Context, cn *conn, e parley.Email) error {
	msg, err := Compose(s.site, s.key, e, time.Now())
	if err == nil {
		err = cn.send(s.site.From.Address, e.To, msg)
	}
	if err != nil {
		retry := retryAfter(e.Attempts)
		if refusedForGood(err) {
			retry = -1
		}
		if ferr := s.outbox.EmailFailed(ctx, e.ID, err.Error(), retry); ferr != nil {
			return errors.Join(err, ferr)
		}
		return err
	}
	if s.afterAccept != nil {
		if err := s.afterAccept(e); err != nil {
			return errors.Join(errCrash, err)
		}
	}
	told := make([]int64, len(e.Notifications))
	for i, n := range e.Notifications {
		told[i] = n.ID
	}
	return s.outbox.EmailSent(ctx, e.ID, told)
}

// failAll records a failure to connect on every email of a batch left to send.
func (s *Sender) failAll(ctx context.Context, emails []parley.Email, cause error) error {
	for _, e := range emails {
		if err := s.outbox.EmailFailed(ctx, e.ID, cause.Error(), retryAfter(e.Attempts)); err != nil {
			return errors.Join(cause, err)
		}
	}
	return cause
}
