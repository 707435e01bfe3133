package sqlstore

import (
	"context"
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
	err := s.inTx(ctx, func(tx *Tx) error {
		var taken bool
		var err error
		if u, taken, err = insertUser(ctx, tx, in, &email, &passwordHash); taken {
			return takenField(ctx, tx, in.Handle)
		}
		return err
	})
	return u, err
}

// takenField names which of a new account's unique fields is already in use. The write
// transaction is still open, so what it reads is what the skipped insert saw.
func takenField(ctx context.Context, tx *Tx, handle string) error {
	found, err := exists(ctx, tx, `SELECT 1 FROM users WHERE lower(handle) = lower($1)`, handle)
	switch {
	case err != nil:
		return err
	case found:
		return handleTaken(handle)
	}
	// The message does not echo the address: whose it is stays private.
	return parley.Invalid("email", "That email address belongs to another account.")
}

// CredentialsByHandle returns the id and password hash of the user with this handle, in
// any case. Users without a password are not found. It reads the primary, so that an
// account signs in as soon as it exists or its password changed.
func (s *Store) CredentialsByHandle(ctx context.Context, handle string) (parley.Credentials, error) {
	ctx = parley.ReadPrimary(ctx)
	var c parley.Credentials
	err := s.read(ctx).QueryRow(ctx, `SELECT id, password_hash FROM users
		WHERE lower(handle) = lower($1) AND password_hash IS NOT NULL AND password_hash <> ''`, handle).Scan(&c.UserID, &c.PasswordHash)
	return c, notFound(err, "There is no account %q.", handle)
}

// SetPasswordHash replaces a user's password hash and, in the same transaction, ends every
// session of theirs but keep, so a stolen session does not outlive a password change.
func (s *Store) SetPasswordHash(ctx context.Context, userID int64, hash, keep string) error {
	if hash == "" {
		return errors.New("set password hash: empty hash")
	}
	return s.inTx(ctx, func(tx *Tx) error {
		err := execOne(ctx, tx, parley.NotFound("There is no user %d.", userID),
			`UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep)
		return err
	})
}

// CreateSession stores a session. A zero CreatedAt is filled with the store's clock.
func (s *Store) CreateSession(ctx context.Context, in parley.Session) error {
	if in.TokenHash == "" {
		return errors.New("create session: empty token hash")
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := findAuthor(ctx, tx, in.UserID); err != nil {
			return err
		}
		created := tx.Now
		if !in.CreatedAt.IsZero() {
			created = parley.Millis(in.CreatedAt)
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			in.TokenHash, in.UserID, created, parley.Millis(in.ExpiresAt))
		return err
	})
}

// SessionUser returns a live session and its user. A session is over from its ExpiresAt on.
// It reads the primary: the request after a sign-in must find the session it created.
func (s *Store) SessionUser(ctx context.Context, tokenHash string) (parley.Session, parley.User, error) {
	ctx = parley.ReadPrimary(ctx)
	var sess parley.Session
	var u parley.User
	var created, expires, userCreated, suspended int64
	err := s.read(ctx).QueryRow(ctx, `SELECT s.token_hash, s.created_at, s.expires_at,
			u.id, u.handle, u.display_name, u.role, u.badge, u.signature, u.signature_html, u.created_at, u.thread_count, u.post_count,
			coalesce(u.suspended_until, 0)
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2`, tokenHash, parley.Millis(s.now())).
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
	return s.inTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
		return err
	})
}

// DeleteExpiredSessions removes sessions that have expired and returns how many; SessionUser
// already ignores them, so this only keeps the table small. Any node may run it, at any
// time: deleting what is expired is the same whoever does it.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, tx.Now)
		return err
	})
	return n, err
}
