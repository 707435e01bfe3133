// Package parley holds the forum's domain: its types, the rules they keep, and the
// storage interface that every database implementation satisfies.
package parley

import (
	"errors"
	"fmt"
)

// Error codes name what went wrong in terms a caller can act on. The web layer maps each
// code to one HTTP status in one place.
const (
	ENotFound     = "not_found"    // the thing asked for does not exist (404)
	EInvalid      = "invalid"      // the input is malformed or breaks a rule (400/422)
	EConflict     = "conflict"     // the input clashes with what is stored, e.g. a taken handle (409)
	EUnauthorized = "unauthorized" // the request needs a signed-in user, or sign-in failed (401)
	EForbidden    = "forbidden"    // the signed-in user may not do this (403)
	ETooMany      = "too_many"     // too many attempts; try again later (429)
	EUnsupported  = "unsupported"  // the request body is of a type this address does not take (415)
	EInternal     = "internal"     // anything else; its detail is logged, never shown
)

// ErrNotFound is returned, wrapped, whenever a requested record does not exist.
// Check it with errors.Is.
var ErrNotFound = &Error{Code: ENotFound, Message: "Not found."}

// Error is a domain error: a code plus a message that is safe to show to a user.
// Internal detail travels in wrapped errors, which are logged but never rendered.
type Error struct {
	Code    string
	Message string
	// Field names the input the message is about, when there is one (a form field or
	// query parameter), so a form can show the message beside it.
	Field string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is makes errors.Is(err, ErrNotFound) match every not-found error, whatever its message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == e.Message || t == ErrNotFound)
}

// Errorf returns an Error with a formatted, user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EInvalid error about one input field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns a not-found error naming what was missing; errors.Is(err, ErrNotFound) holds.
func NotFound(format string, args ...any) *Error {
	return &Error{Code: ENotFound, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or EInternal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-safe message of err, or a generic one for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again."
}
