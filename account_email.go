package parley

import (
	"context"
	"time"
)

// Links that prove an address or reset a password carry a random token, made when the email
// is sent; the store keeps only its hash, and each works once, until it expires.
const (
	VerifyLinkLifetime = 48 * time.Hour
	ResetLinkLifetime  = time.Hour
)

// EmailStatus is a member's address and whether they proved it is theirs.
type EmailStatus struct {
	Address    string
	VerifiedAt time.Time // zero until verified
}

// Verified reports whether the member proved the address is theirs.
func (e EmailStatus) Verified() bool { return !e.VerifiedAt.IsZero() }

// AccountEmailStore verifies members' addresses and resets forgotten passwords by email.
type AccountEmailStore interface {
	// EmailStatus returns a member's address and whether it is verified.
	EmailStatus(ctx context.Context, userID int64) (EmailStatus, error)
	// RequestEmailVerification writes an email whose link verifies the member's address;
	// nothing for an address verified already, or a member without one.
	RequestEmailVerification(ctx context.Context, userID int64) error
	// RequestPasswordReset writes an email whose link resets the password of the account
	// with this address (case-insensitive). An address of no account with a password
	// writes nothing and is no error either, so that nobody learns which addresses have
	// accounts.
	RequestPasswordReset(ctx context.Context, address string) error
	// VerifyEmail marks verified the address a verification link was sent to, and uses the
	// link up. A token unknown, used, expired, or sent to an address the member has since
	// changed is EInvalid.
	VerifyEmail(ctx context.Context, token string) (User, error)
	// CheckResetToken returns the member a reset link is for, without using it; EInvalid
	// as for VerifyEmail.
	CheckResetToken(ctx context.Context, token string) (User, error)
	// ResetPassword sets the password hash of the account a reset link is for, uses the
	// link up, marks the address verified (the link proved it), and ends every session of
	// the account but keep (the browser resetting it, when signed in as that member; ""
	// for none). EInvalid as for VerifyEmail.
	ResetPassword(ctx context.Context, token, passwordHash, keep string) (User, error)
}
