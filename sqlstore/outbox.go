package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
)

// The outbox is filled by FanOut (queueEmails), in the transaction that makes the
// notifications, and emptied by senders through ClaimEmails, EmailSent and EmailFailed.

// gaveUp is the due time of an email too old to send: past any clock, so that claims
// never read it again; the sweep deletes it.
const gaveUp = int64(1) << 62

// queueEmails writes the email each new notification in ids calls for: one of its own for
// a member who wants them immediately, or their digest of the day for one who wants a
// daily digest, due when the day ends (UTC). A notification already emailed, or already
// waiting (a grouped boost boosted again), gets no second one.
func (s *Store) queueEmails(ctx context.Context, tx *Tx, ids []int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO email_outbox (user_id, kind, notification_id, created_at, due_at)
		SELECT n.user_id, 'notification', n.id, CAST($1 AS BIGINT), CAST($1 AS BIGINT)
		FROM notifications n JOIN users u ON u.id = n.user_id LEFT JOIN notification_settings st ON st.user_id = n.user_id
		WHERE `+s.d.AnyID("n.id", "$2")+` AND n.emailed_at IS NULL AND u.email IS NOT NULL
		  AND coalesce(st.email, 'immediately') = 'immediately'
		ON CONFLICT DO NOTHING`, tx.Now, s.d.IDs(ids))
	if err != nil {
		return err
	}
	day := parley.FromMillis(tx.Now).Truncate(24 * time.Hour)
	_, err = tx.Exec(ctx, `INSERT INTO email_outbox (user_id, kind, ref, created_at, due_at)
		SELECT DISTINCT n.user_id, 'digest', CAST($3 AS TEXT), CAST($1 AS BIGINT), CAST($4 AS BIGINT)
		FROM notifications n JOIN users u ON u.id = n.user_id JOIN notification_settings st ON st.user_id = n.user_id
		WHERE `+s.d.AnyID("n.id", "$2")+` AND u.email IS NOT NULL AND st.email = 'daily'
		ON CONFLICT DO NOTHING`, tx.Now, s.d.IDs(ids), day.Format(time.DateOnly), parley.Millis(day.Add(24*time.Hour)))
	return err
}

// outboxRow is one claimed row of email_outbox.
type outboxRow struct {
	id, userID, notificationID int64
	kind                       parley.EmailKind
	day                        string
	created                    int64
	attempts                   int
}

// ClaimEmails claims the due emails, oldest due first, and reads what each tells. Emails
// too old to send are set aside first, so that they never fill a claim.
func (s *Store) ClaimEmails(ctx context.Context, limit int, lease time.Duration) ([]parley.Email, error) {
	var out []parley.Email
	err := s.inTx(ctx, func(tx *Tx) error {
		out = nil
		if _, err := tx.Exec(ctx, `UPDATE email_outbox SET due_at = $1, last_error = 'not sent within two days: given up'
			WHERE sent_at IS NULL AND due_at <= $2 AND created_at <= $3`,
			gaveUp, tx.Now, tx.Now-parley.EmailMaxAge.Milliseconds()); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, user_id, kind, notification_id, ref, created_at, attempts
			FROM email_outbox WHERE sent_at IS NULL AND due_at <= $1 ORDER BY due_at, id`+rowLimit(limit)+s.d.SkipLocked, tx.Now)
		claimed, err := collect(rows, err, func(r Row) (o outboxRow, err error) {
			return o, r.Scan(&o.id, &o.userID, &o.kind, &o.notificationID, &o.day, &o.created, &o.attempts)
		})
		if err != nil || len(claimed) == 0 {
			return err
		}
		ids := make([]int64, len(claimed))
		for i, o := range claimed {
			ids[i] = o.id
		}
		if _, err := tx.Exec(ctx, `UPDATE email_outbox SET due_at = $1, attempts = attempts + 1 WHERE `+s.d.AnyID("id", "$2"),
			tx.Now+lease.Milliseconds(), s.d.IDs(ids)); err != nil {
			return err
		}
		for _, o := range claimed {
			e, err := s.readEmail(ctx, tx, o)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// readEmail reads whom a claimed email is for and what it tells: nothing when the member
// has no address or wants no email any more, or what it was about is out of view. A
// verification or reset email gets its link's token, unless it is no longer wanted.
func (s *Store) readEmail(ctx context.Context, tx *Tx, o outboxRow) (parley.Email, error) {
	e := parley.Email{ID: o.id, Kind: o.kind, CreatedAt: parley.FromMillis(o.created), Attempts: o.attempts + 1}
	e.Recipient.ID = o.userID
	var to sql.NullString
	var choice string
	var verified, password bool
	err := tx.QueryRow(ctx, `SELECT u.email, u.handle, u.display_name, coalesce(st.email, 'immediately'),
		u.email_verified_at IS NOT NULL, coalesce(u.password_hash, '') <> ''
		FROM users u LEFT JOIN notification_settings st ON st.user_id = u.id WHERE u.id = $1`, o.userID).
		Scan(&to, &e.Recipient.Handle, &e.Recipient.DisplayName, &choice, &verified, &password)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !to.Valid) {
		return e, nil
	}
	if err != nil {
		return e, err
	}
	e.To = to.String
	switch {
	case o.kind == parley.EmailVerify && !verified, o.kind == parley.EmailReset && password:
		e.Token, err = makeLink(ctx, tx, o.kind, o.userID, e.To)
		return e, err
	case o.kind == parley.EmailVerify, o.kind == parley.EmailReset, parley.EmailChoice(choice) == parley.EmailNever:
		return e, nil
	case o.kind == parley.EmailNotification:
		e.Notifications, err = s.notificationsWhere(ctx, tx, `n.id = $1 AND n.emailed_at IS NULL`, 1, o.notificationID)
		return e, err
	}
	day, err := time.Parse(time.DateOnly, o.day)
	if err != nil {
		return e, err
	}
	e.Day = day
	from, to2 := parley.Millis(day), parley.Millis(day.Add(24*time.Hour))
	e.Notifications, err = s.notificationsWhere(ctx, tx, `n.user_id = $1 AND n.emailed_at IS NULL AND n.created_at >= $2 AND n.created_at < $3`,
		parley.DigestMax+1, o.userID, from, to2)
	if err != nil || len(e.Notifications) <= parley.DigestMax {
		return e, err
	}
	e.Notifications = e.Notifications[:parley.DigestMax]
	err = tx.QueryRow(ctx, `SELECT count(*) FROM notifications n JOIN threads t ON t.id = n.thread_id JOIN posts p ON p.id = n.post_id
		WHERE n.user_id = $1 AND n.emailed_at IS NULL AND n.created_at >= $2 AND n.created_at < $3 AND `+shownNotifications,
		o.userID, from, to2).Scan(&e.More)
	e.More -= parley.DigestMax
	return e, err
}

// EmailSent marks an email sent and what it told emailed.
func (s *Store) EmailSent(ctx context.Context, id int64, told []int64) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE email_outbox SET sent_at = $1, last_error = '' WHERE id = $2`, tx.Now, id); err != nil {
			return err
		}
		if len(told) == 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `UPDATE notifications SET emailed_at = $1 WHERE `+s.d.AnyID("id", "$2")+` AND emailed_at IS NULL`,
			tx.Now, s.d.IDs(told))
		return err
	})
}

// maxErrorText bounds the error an outbox row keeps: a server's reply may be long.
const maxErrorText = 500

// EmailFailed records a failure and when to try again, or never for a negative retry,
// unless the email was sent since.
func (s *Store) EmailFailed(ctx context.Context, id int64, reason string, retry time.Duration) error {
	if len(reason) > maxErrorText {
		reason = strings.ToValidUTF8(reason[:maxErrorText], "")
	}
	return s.inTx(ctx, func(tx *Tx) error {
		due := pick(retry < 0, gaveUp, tx.Now+retry.Milliseconds())
		_, err := tx.Exec(ctx, `UPDATE email_outbox SET due_at = $1, last_error = $2 WHERE id = $3 AND sent_at IS NULL`, due, reason, id)
		return err
	})
}

// Outbox returns the newest emails of the outbox.
func (s *Store) Outbox(ctx context.Context, limit int) ([]parley.OutboxEntry, error) {
	rows, err := s.read(ctx).Query(ctx, `SELECT id, kind, user_id, attempts, last_error, due_at, coalesce(sent_at, 0)
		FROM email_outbox ORDER BY id DESC`+rowLimit(limit))
	return collect(rows, err, func(r Row) (e parley.OutboxEntry, err error) {
		var due, sent int64
		err = r.Scan(&e.ID, &e.Kind, &e.UserID, &e.Attempts, &e.LastError, &due, &sent)
		e.DueAt = parley.FromMillis(due)
		if sent != 0 {
			e.SentAt = parley.FromMillis(sent)
		}
		return e, err
	})
}

// SweepOutbox deletes the emails made more than twice EmailMaxAge ago, and the links
// expired as long ago.
func (s *Store) SweepOutbox(ctx context.Context) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *Tx) (err error) {
		before := tx.Now - 2*parley.EmailMaxAge.Milliseconds()
		if n, err = tx.Exec(ctx, `DELETE FROM email_outbox WHERE created_at < $1`, before); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM account_tokens WHERE expires_at < $1`, before)
		return err
	})
	return n, err
}

// SetEmailChoice sets how a member hears of notifications by email.
func (s *Store) SetEmailChoice(ctx context.Context, userID int64, c parley.EmailChoice) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := findAuthor(ctx, tx, userID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO notification_settings (user_id, email) VALUES ($1, $2)
			ON CONFLICT (user_id) DO UPDATE SET email = excluded.email`, userID, string(c))
		return err
	})
}

// siteKeyBytes is the size of a site key: 256 bits.
const siteKeyBytes = 32

// SiteKey returns the key named name, making it the first time. Two nodes making it at
// once both read back the one that was written first.
func (s *Store) SiteKey(ctx context.Context, name string) ([]byte, error) {
	if k, ok := s.keys.Load(name); ok {
		return k.([]byte), nil
	}
	fresh := make([]byte, siteKeyBytes)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	var secret string
	err := s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO site_keys (name, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			name, hex.EncodeToString(fresh)); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT secret FROM site_keys WHERE name = $1`, name).Scan(&secret)
	})
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(secret)
	if err != nil {
		return nil, err
	}
	s.keys.Store(name, key)
	return key, nil
}
