package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/events"
)

// EmailStatus returns a member's address and when it was verified.
func (s *Store) EmailStatus(ctx context.Context, userID int64) (parley.EmailStatus, error) {
	var st parley.EmailStatus
	var verified int64
	err := s.read(parley.ReadPrimary(ctx)).QueryRow(ctx, `SELECT coalesce(email, ''), coalesce(email_verified_at, 0) FROM users WHERE id = $1`, userID).
		Scan(&st.Address, &verified)
	if verified != 0 {
		st.VerifiedAt = parley.FromMillis(verified)
	}
	return st, notFound(err, "There is no user %d.", userID)
}

// RequestEmailVerification writes a verification email for a member whose address is not
// verified yet.
func (s *Store) RequestEmailVerification(ctx context.Context, userID int64) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := findAuthor(ctx, tx, userID); err != nil {
			return err
		}
		return s.queueLink(ctx, tx, parley.EmailVerify, `id = $1 AND email IS NOT NULL AND email_verified_at IS NULL`, userID)
	})
}

// RequestPasswordReset writes a reset email for the account with the address, if any.
func (s *Store) RequestPasswordReset(ctx context.Context, address string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		return s.queueLink(ctx, tx, parley.EmailReset,
			`lower(email) = lower($1) AND password_hash IS NOT NULL AND password_hash <> ''`, strings.TrimSpace(address))
	})
}

// queueLink writes a verification or reset email for the users who meet cond (whose one
// parameter is arg), due now, and wakes the senders.
func (s *Store) queueLink(ctx context.Context, tx *Tx, kind parley.EmailKind, cond string, arg any) error {
	n, err := tx.Exec(ctx, `INSERT INTO email_outbox (user_id, kind, ref, created_at, due_at)
		SELECT id, CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS BIGINT), CAST($4 AS BIGINT) FROM users WHERE `+cond+`
		ON CONFLICT DO NOTHING`, arg, string(kind), strconv.FormatInt(tx.Now, 10), tx.Now)
	if n > 0 {
		tx.Changed(events.Event{Kind: events.Notified})
	}
	return err
}

// linkLifetimes is how long each kind of link works.
var linkLifetimes = map[parley.EmailKind]int64{
	parley.EmailVerify: parley.VerifyLinkLifetime.Milliseconds(),
	parley.EmailReset:  parley.ResetLinkLifetime.Milliseconds(),
}

// makeLink makes the token of a verification or reset link to address, keeping its hash.
func makeLink(ctx context.Context, tx *Tx, kind parley.EmailKind, userID int64, address string) (string, error) {
	token, hash, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	_, err = tx.Exec(ctx, `INSERT INTO account_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, hash, userID, string(kind), address, tx.Now, tx.Now+linkLifetimes[kind])
	return token, err
}

// errBadLink is the answer to a link that does not work (any more).
func errBadLink() error {
	return parley.Invalid("token", "This link does not work: it was used already, has expired, or was copied wrong. Ask for a new one.")
}

// useLink checks a token of kind and, unless peek, uses it up. It returns the member it is
// for.
func (s *Store) useLink(ctx context.Context, tx *Tx, kind parley.EmailKind, token string, peek bool) (int64, error) {
	hash := auth.HashToken(token)
	var userID, expires int64
	var used bool
	var sentTo, address string
	err := tx.QueryRow(ctx, `SELECT t.user_id, t.expires_at, t.used_at IS NOT NULL, t.email, coalesce(u.email, '')
		FROM account_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.purpose = $2`, hash, string(kind)).
		Scan(&userID, &expires, &used, &sentTo, &address)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if err != nil || used || expires <= tx.Now || !strings.EqualFold(sentTo, address) {
		return 0, errBadLink()
	}
	if peek {
		return userID, nil
	}
	// Used up by the statement that checks it is unused, so that of two uses at once one
	// finds it used.
	return userID, execOne(ctx, tx, errBadLink(), `UPDATE account_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL`, tx.Now, hash)
}

// VerifyEmail marks an address verified and uses its link up.
func (s *Store) VerifyEmail(ctx context.Context, token string) (parley.User, error) {
	var userID int64
	err := s.inTx(ctx, func(tx *Tx) (err error) {
		if userID, err = s.useLink(ctx, tx, parley.EmailVerify, token, false); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE users SET email_verified_at = coalesce(email_verified_at, $1) WHERE id = $2`, tx.Now, userID)
		return err
	})
	if err != nil {
		return parley.User{}, err
	}
	return s.UserByID(parley.ReadPrimary(ctx), userID)
}

// CheckResetToken returns the member a reset link is for.
func (s *Store) CheckResetToken(ctx context.Context, token string) (parley.User, error) {
	var userID int64
	err := s.inTx(ctx, func(tx *Tx) (err error) {
		userID, err = s.useLink(ctx, tx, parley.EmailReset, token, true)
		return err
	})
	if err != nil {
		return parley.User{}, err
	}
	return s.UserByID(parley.ReadPrimary(ctx), userID)
}

// ResetPassword sets a new password hash through a reset link, in one transaction with
// using the link up, every other reset link of the member too, and ending their sessions
// but keep.
func (s *Store) ResetPassword(ctx context.Context, token, passwordHash, keep string) (parley.User, error) {
	if passwordHash == "" {
		return parley.User{}, errors.New("reset password: empty hash")
	}
	var userID int64
	err := s.inTx(ctx, func(tx *Tx) (err error) {
		if userID, err = s.useLink(ctx, tx, parley.EmailReset, token, false); err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, `UPDATE users SET password_hash = $1, email_verified_at = coalesce(email_verified_at, $2) WHERE id = $3`,
			passwordHash, tx.Now, userID); err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, `UPDATE account_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = 'reset' AND used_at IS NULL`,
			tx.Now, userID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep)
		return err
	})
	if err != nil {
		return parley.User{}, err
	}
	return s.UserByID(parley.ReadPrimary(ctx), userID)
}
