package sqlite

import (
	"context"
	"database/sql"
	"errors"

	parley "github.com/parley-forum/parley"
)

// CreateAccount adds a user who can sign in: a member unless u.Role says otherwise.
func (s *Store) CreateAccount(ctx context.Context, in parley.NewUser, email, passwordHash string) (parley.User, error) {
	if err := in.Validate(); err != nil {
		return parley.User{}, err
	}
	if err := parley.ValidateEmail(email); err != nil {
		return parley.User{}, err
	}
	if passwordHash == "" {
		return parley.User{}, errors.New("create account: empty password hash")
	}
	var u parley.User
	err := s.inTx(ctx, func(tx *sql.Tx, now int64) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users (handle, display_name, email, password_hash, role, badge, signature, signature_html, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Handle, in.DisplayName, email, passwordHash, in.Role, in.Badge, in.Signature, in.SignatureHTML, now)
		if isUniqueViolation(err) {
			return takenField(ctx, tx, in.Handle, email)
		}
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
		return err
	})
	return u, err
}

// takenField names which of a new account's unique fields is already in use. The write
// transaction is still open, so what it reads is what the failed insert saw.
func takenField(ctx context.Context, tx *sql.Tx, handle, email string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE handle = ?`, handle).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return parley.Invalid("handle", "The handle %q is taken.", handle)
	}
	// The message does not echo the address: whose it is stays private.
	return parley.Invalid("email", "That email address belongs to another account.")
}

// CredentialsByHandle returns the id and password hash of the user with this handle, in
// any case. Users without a password are not found.
func (s *Store) CredentialsByHandle(ctx context.Context, handle string) (parley.Credentials, error) {
	var c parley.Credentials
	err := s.queryRow(ctx, `SELECT id, password_hash FROM users
		WHERE handle = ? AND password_hash IS NOT NULL AND password_hash <> ''`, handle).Scan(&c.UserID, &c.PasswordHash)
	return c, notFound(err, "There is no account %q.", handle)
}

// SetPasswordHash replaces a user's password hash and, in the same transaction, ends every
// session of theirs but keep, so a stolen session does not outlive a password change.
func (s *Store) SetPasswordHash(ctx context.Context, userID int64, hash, keep string) error {
	if hash == "" {
		return errors.New("set password hash: empty hash")
	}
	return s.inTx(ctx, func(tx *sql.Tx, now int64) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return parley.NotFound("There is no user %d.", userID)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, keep)
		return err
	})
}

// CreateSession stores a session. A zero CreatedAt is filled with the store's clock.
func (s *Store) CreateSession(ctx context.Context, in parley.Session) error {
	if in.TokenHash == "" {
		return errors.New("create session: empty token hash")
	}
	return s.inTx(ctx, func(tx *sql.Tx, now int64) error {
		if _, err := findAuthor(ctx, tx, in.UserID); err != nil {
			return err
		}
		created := now
		if !in.CreatedAt.IsZero() {
			created = parley.Millis(in.CreatedAt)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			in.TokenHash, in.UserID, created, parley.Millis(in.ExpiresAt))
		return err
	})
}

// SessionUser returns a live session and its user. A session is over from its ExpiresAt on.
func (s *Store) SessionUser(ctx context.Context, tokenHash string) (parley.Session, parley.User, error) {
	var sess parley.Session
	var u parley.User
	var created, expires, userCreated, suspended int64
	err := s.queryRow(ctx, `SELECT s.token_hash, s.created_at, s.expires_at,
			u.id, u.handle, u.display_name, u.role, u.badge, u.signature, u.signature_html, u.created_at, u.thread_count, u.post_count,
			coalesce(u.suspended_until, 0)
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ?`, tokenHash, parley.Millis(s.now())).
		Scan(&sess.TokenHash, &created, &expires,
			&u.ID, &u.Handle, &u.DisplayName, &u.Role, &u.Badge, &u.Signature, &u.SignatureHTML, &userCreated, &u.ThreadCount, &u.PostCount,
			&suspended)
	if err != nil {
		return parley.Session{}, parley.User{}, notFound(err, "There is no such session.")
	}
	sess.UserID = u.ID
	sess.CreatedAt, sess.ExpiresAt, u.CreatedAt = parley.FromMillis(created), parley.FromMillis(expires), parley.FromMillis(userCreated)
	if suspended != 0 {
		u.SuspendedUntil = parley.FromMillis(suspended)
	}
	return sess, u, nil
}

// DeleteSession ends a session; ending one that does not exist is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.inTx(ctx, func(tx *sql.Tx, now int64) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
}

// DeleteExpiredSessions removes sessions that have expired and returns how many; SessionUser
// already ignores them, so this only keeps the table small. Call it now and then.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx, now int64) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
