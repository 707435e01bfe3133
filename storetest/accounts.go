package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
)

// account signs up a member with a password hash made from its handle.
func (e *env) account(handle string) parley.User {
	e.t.Helper()
	u, err := e.s.CreateAccount(e.ctx, parley.NewUser{Handle: handle, DisplayName: "User " + handle},
		handle+"@example.com", "hash-of-"+handle)
	must(e.t, err)
	return u
}

// session signs u in until d from now and returns the session's token hash.
func (e *env) session(u parley.User, d time.Duration) string {
	e.t.Helper()
	hash := e.name("token-hash-")
	now := e.clock.Now()
	must(e.t, e.s.CreateSession(e.ctx, parley.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(d)}))
	return hash
}

func testCreateAccount(t *testing.T, e *env) {
	u, err := e.s.CreateAccount(e.ctx, parley.NewUser{Handle: "Ana", DisplayName: "Ana Lima"}, "Ana.Lima@example.com", "hash-1")
	must(t, err)
	if u.ID == 0 || u.Handle != "Ana" || u.DisplayName != "Ana Lima" || u.Role != parley.RoleMember || !u.CreatedAt.Equal(e.clock.Now()) {
		t.Errorf("created account %+v", u)
	}
	got, err := e.s.UserByHandle(e.ctx, "ana")
	must(t, err)
	if got.ID != u.ID || got.Role != parley.RoleMember {
		t.Errorf("UserByHandle = %+v, want %+v", got, u)
	}

	admin, err := e.s.CreateAccount(e.ctx, parley.NewUser{Handle: "root", DisplayName: "Root", Role: parley.RoleAdmin, Badge: "Admin"},
		"root@example.com", "hash-2")
	must(t, err)
	if admin.Role != parley.RoleAdmin || admin.Badge != "Admin" {
		t.Errorf("account with a role: %+v", admin)
	}
}

func testCreateAccountInvalid(t *testing.T, e *env) {
	ana := e.account("ana")
	for _, tc := range []struct {
		name, handle, email, field string
	}{
		{"handle taken, other case", "ANA", "new@example.com", "handle"},
		{"email taken, other case", "newcomer", "ANA@Example.COM", "email"},
		{"bad handle", "bad handle!", "new@example.com", "handle"},
		{"bad email", "newcomer", "not an email", "email"},
		{"email with a name", "newcomer", "New <new@example.com>", "email"},
		{"email without a domain dot", "newcomer", "new@localhost", "email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.s.CreateAccount(e.ctx, parley.NewUser{Handle: tc.handle, DisplayName: "Newcomer"}, tc.email, "hash-new")
			wantField(t, err, parley.EInvalid, tc.field)
			if tc.handle != "ANA" {
				_, err := e.s.UserByHandle(e.ctx, tc.handle)
				isNotFound(t, err)
			}
			c, err := e.s.CredentialsByHandle(e.ctx, "ana")
			must(t, err)
			if c.UserID != ana.ID || c.PasswordHash != "hash-of-ana" {
				t.Errorf("the existing account changed: %+v", c)
			}
		})
	}
	// With both taken, the error names the handle: whose the address is stays private.
	_, err := e.s.CreateAccount(e.ctx, parley.NewUser{Handle: "Ana", DisplayName: "Ana"}, "ANA@example.com", "hash-new")
	wantField(t, err, parley.EInvalid, "handle")
	// No failure stored its handle or email, so both are still free.
	_, err = e.s.CreateAccount(e.ctx, parley.NewUser{Handle: "newcomer", DisplayName: "Newcomer"}, "new@example.com", "hash-new")
	must(t, err)
}

func testCredentials(t *testing.T, e *env) {
	ana := e.account("Ana")
	for _, handle := range []string{"Ana", "ana", "ANA"} {
		c, err := e.s.CredentialsByHandle(e.ctx, handle)
		must(t, err)
		if c != (parley.Credentials{UserID: ana.ID, PasswordHash: "hash-of-Ana"}) {
			t.Errorf("CredentialsByHandle(%q) = %+v", handle, c)
		}
	}
	_, err := e.s.CredentialsByHandle(e.ctx, "nobody")
	isNotFound(t, err)
	// A handle that is not text, as a form may send, names no one.
	for _, handle := range []string{"Ana\x00", "Ana\xff"} {
		_, err = e.s.CredentialsByHandle(e.ctx, handle)
		isNotFound(t, err)
		_, err = e.s.UserByHandle(e.ctx, handle)
		isNotFound(t, err)
	}
	demo := e.user(parley.RoleMember) // made without a password, as demo and imported users are
	_, err = e.s.CredentialsByHandle(e.ctx, demo.Handle)
	isNotFound(t, err)
}

func testSessions(t *testing.T, e *env) {
	ana := e.account("ana")
	now := e.clock.Now()
	must(t, e.s.CreateSession(e.ctx, parley.Session{TokenHash: "h1", UserID: ana.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))

	sess, u, err := e.s.SessionUser(e.ctx, "h1")
	must(t, err)
	if sess.TokenHash != "h1" || sess.UserID != ana.ID || !sess.CreatedAt.Equal(now) || !sess.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Errorf("session %+v", sess)
	}
	if u.ID != ana.ID || u.Handle != "ana" || u.Role != parley.RoleMember || !u.CreatedAt.Equal(ana.CreatedAt) {
		t.Errorf("session user %+v, want %+v", u, ana)
	}
	_, _, err = e.s.SessionUser(e.ctx, "unknown")
	isNotFound(t, err)
	err = e.s.CreateSession(e.ctx, parley.Session{TokenHash: "h2", UserID: 424242, CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
	isNotFound(t, err)

	e.clock.Advance(time.Hour - time.Second)
	_, _, err = e.s.SessionUser(e.ctx, "h1")
	must(t, err)
	e.clock.Advance(time.Minute)
	_, _, err = e.s.SessionUser(e.ctx, "h1")
	isNotFound(t, err)

	live := e.session(ana, time.Hour)
	_, _, err = e.s.SessionUser(e.ctx, live)
	must(t, err)
	must(t, e.s.DeleteSession(e.ctx, live))
	_, _, err = e.s.SessionUser(e.ctx, live)
	isNotFound(t, err)
	must(t, e.s.DeleteSession(e.ctx, live))
	must(t, e.s.DeleteSession(e.ctx, "never existed"))

	// Stores that sweep expired sessions remove h1, which expired, and keep the rest.
	sweeper, ok := e.s.(interface {
		DeleteExpiredSessions(context.Context) (int64, error)
	})
	if !ok {
		return
	}
	kept := e.session(ana, time.Hour)
	n, err := sweeper.DeleteExpiredSessions(e.ctx)
	must(t, err)
	if n != 1 {
		t.Errorf("swept %d sessions, want 1", n)
	}
	_, _, err = e.s.SessionUser(e.ctx, kept)
	must(t, err)
}

func testSetPassword(t *testing.T, e *env) {
	ana, bob := e.account("ana"), e.account("bob")
	keep, other1, other2 := e.session(ana, time.Hour), e.session(ana, time.Hour), e.session(ana, time.Hour)
	bobs := e.session(bob, time.Hour)

	must(t, e.s.SetPasswordHash(e.ctx, ana.ID, "new-hash", keep))
	c, err := e.s.CredentialsByHandle(e.ctx, "ana")
	must(t, err)
	if c.PasswordHash != "new-hash" {
		t.Errorf("password hash %q, want new-hash", c.PasswordHash)
	}
	for _, h := range []string{keep, bobs} {
		if _, _, err := e.s.SessionUser(e.ctx, h); err != nil {
			t.Errorf("session %s ended by the password change: %v", h, err)
		}
	}
	for _, h := range []string{other1, other2} {
		_, _, err := e.s.SessionUser(e.ctx, h)
		isNotFound(t, err)
	}

	must(t, e.s.SetPasswordHash(e.ctx, ana.ID, "newer-hash", ""))
	_, _, err = e.s.SessionUser(e.ctx, keep)
	isNotFound(t, err)
	_, _, err = e.s.SessionUser(e.ctx, bobs)
	must(t, err)

	err = e.s.SetPasswordHash(e.ctx, 424242, "hash", "")
	isNotFound(t, err)
}

// wantField checks that err is a domain error with the given code, about the given field.
func wantField(t *testing.T, err error, code, field string) {
	t.Helper()
	wantCode(t, err, code)
	var pe *parley.Error
	if errors.As(err, &pe); pe.Field != field {
		t.Fatalf("error %v is about field %q, want %q", err, pe.Field, field)
	}
}
