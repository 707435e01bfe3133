package parley

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Password limits. The minimum follows current guidance (length over composition rules);
// the maximum bounds the work one sign-in attempt can cost the server.
const (
	MinPassword = 10
	MaxPassword = 256
)

// NewAccount is what a person types to sign up.
type NewAccount struct {
	Handle      string
	DisplayName string
	Email       string
	Password    string
}

// Validate checks a sign-up form's fields, naming the field at fault.
func (a *NewAccount) Validate() error {
	u := NewUser{Handle: a.Handle, DisplayName: a.DisplayName}
	if err := u.Validate(); err != nil {
		return err
	}
	if err := ValidateEmail(a.Email); err != nil {
		return err
	}
	return ValidatePassword("password", a.Password)
}

// ValidateEmail checks that an address is one plain mailbox, such as "ana@example.com".
func ValidateEmail(email string) error {
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || !strings.Contains(email[strings.LastIndexByte(email, '@'):], ".") || len(email) > 254 {
		return Invalid("email", "Enter an email address such as ana@example.com.")
	}
	return nil
}

// ValidatePassword checks a new password's length; field names the form field.
func ValidatePassword(field, password string) error {
	if n := utf8.RuneCountInString(password); n < MinPassword || len(password) > MaxPassword {
		return Invalid(field, "A password needs %d to %d characters.", MinPassword, MaxPassword)
	}
	return nil
}

// Credentials are what signing in checks: a user's id and password hash.
type Credentials struct {
	UserID       int64
	PasswordHash string
}

// Session is a signed-in browser. The store keeps only a hash of the token the browser
// holds, so a copy of the database does not let anyone sign in.
type Session struct {
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// AccountStore is the part of the store that accounts and sessions need. Sessions live in
// the database so that any app node can serve any signed-in request.
type AccountStore interface {
	// CreateAccount adds a member with an email and password hash. A taken handle or email
	// is an EInvalid error naming the field.
	CreateAccount(ctx context.Context, u NewUser, email, passwordHash string) (User, error)
	// CredentialsByHandle returns the credentials for a handle (case-insensitive), or an
	// error matching ErrNotFound. Users without a password (demo, imported) are not found.
	CredentialsByHandle(ctx context.Context, handle string) (Credentials, error)
	// SetPasswordHash replaces a user's password hash and ends all their sessions but keep
	// (the session making the change; "" ends every one).
	SetPasswordHash(ctx context.Context, userID int64, hash, keep string) error
	// CreateSession stores a session.
	CreateSession(ctx context.Context, s Session) error
	// SessionUser returns the session with this token hash and its user; an unknown or
	// expired session is an error matching ErrNotFound.
	SessionUser(ctx context.Context, tokenHash string) (Session, User, error)
	// DeleteSession ends a session; ending one that does not exist is not an error.
	DeleteSession(ctx context.Context, tokenHash string) error
}
