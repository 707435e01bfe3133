package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
)

// linkEmail claims the one email due and returns it, failing unless it is of kind.
func (e *env) linkEmail(kind parley.EmailKind) parley.Email {
	e.t.Helper()
	got := e.claim()
	if len(got) != 1 || got[0].Kind != kind {
		e.t.Fatalf("claimed %+v, want one %s email", got, kind)
	}
	return got[0]
}

func testVerifyEmail(t *testing.T, e *env) {
	u := e.account("ana")
	if st, err := e.s.EmailStatus(e.ctx, u.ID); err != nil || st.Address != "ana@example.com" || st.Verified() {
		t.Fatalf("status %+v, %v; want ana@example.com, not verified", st, err)
	}
	if got := e.claim(); len(got) != 0 {
		t.Fatalf("an account makes %d emails by itself; sign-up asks for the verification", len(got))
	}
	must(t, e.s.RequestEmailVerification(e.ctx, u.ID))
	m := e.linkEmail(parley.EmailVerify)
	if m.To != "ana@example.com" || len(m.Token) < 40 || m.Empty() {
		t.Fatalf("the email is %+v, want a link's token for ana@example.com", m)
	}
	e.sent(m)
	// A second request makes a second link; both work until one is used.
	e.clock.Advance(time.Minute)
	must(t, e.s.RequestEmailVerification(e.ctx, u.ID))
	second := e.linkEmail(parley.EmailVerify)
	e.sent(second)
	_, err := e.s.VerifyEmail(e.ctx, "not-a-token")
	wantCode(t, err, parley.EInvalid)

	got, err := e.s.VerifyEmail(e.ctx, m.Token)
	must(t, err)
	if got.ID != u.ID {
		t.Errorf("verified %+v, want ana", got)
	}
	if st, _ := e.s.EmailStatus(e.ctx, u.ID); !st.Verified() || !st.VerifiedAt.Equal(e.clock.Now()) {
		t.Errorf("after the link the status is %+v, want verified now", st)
	}
	_, err = e.s.VerifyEmail(e.ctx, m.Token)
	wantCode(t, err, parley.EInvalid) // used
	must(t, e.s.RequestEmailVerification(e.ctx, u.ID))
	if got := e.claim(); len(got) != 0 {
		t.Errorf("a verified address gets %d more verification emails", len(got))
	}

	// A link expires.
	v := e.account("bo")
	must(t, e.s.RequestEmailVerification(e.ctx, v.ID))
	old := e.linkEmail(parley.EmailVerify)
	e.clock.Advance(parley.VerifyLinkLifetime)
	_, err = e.s.VerifyEmail(e.ctx, old.Token)
	wantCode(t, err, parley.EInvalid)
	if st, _ := e.s.EmailStatus(e.ctx, v.ID); st.Verified() {
		t.Errorf("an expired link verified the address")
	}
	if err := e.s.RequestEmailVerification(e.ctx, 1<<40); !errors.Is(err, parley.ErrNotFound) {
		t.Errorf("verifying nobody: %v, want not found", err)
	}
}

func testResetPassword(t *testing.T, e *env) {
	u := e.account("ana")
	kept, ended := e.session(u, time.Hour), e.session(u, time.Hour)
	must(t, e.s.RequestPasswordReset(e.ctx, "nobody@example.com"))
	must(t, e.s.RequestPasswordReset(e.ctx, "  ANA@example.com "))
	m := e.linkEmail(parley.EmailReset) // none for the address of nobody
	if m.To != "ana@example.com" || m.Recipient.Handle != "ana" {
		t.Fatalf("the reset email is %+v, want one to ana", m)
	}
	_, err := e.s.ResetPassword(e.ctx, m.Token+"x", "new-hash", "")
	wantCode(t, err, parley.EInvalid)
	if who, err := e.s.CheckResetToken(e.ctx, m.Token); err != nil || who.ID != u.ID {
		t.Fatalf("checking the link: %+v, %v", who, err)
	}
	got, err := e.s.ResetPassword(e.ctx, m.Token, "new-hash", kept)
	must(t, err)
	if got.ID != u.ID {
		t.Errorf("reset %+v, want ana", got)
	}
	if c, err := e.s.CredentialsByHandle(e.ctx, "ana"); err != nil || c.PasswordHash != "new-hash" {
		t.Errorf("credentials %+v, %v; want the new hash", c, err)
	}
	if _, _, err := e.s.SessionUser(e.ctx, ended); !errors.Is(err, parley.ErrNotFound) {
		t.Errorf("another session survived the reset: %v", err)
	}
	if _, _, err := e.s.SessionUser(e.ctx, kept); err != nil {
		t.Errorf("the resetting browser's session ended: %v", err)
	}
	if st, _ := e.s.EmailStatus(e.ctx, u.ID); !st.Verified() {
		t.Errorf("a reset through the address does not count as verifying it")
	}
	for _, check := range []error{
		func() error { _, err := e.s.CheckResetToken(e.ctx, m.Token); return err }(),
		func() error { _, err := e.s.ResetPassword(e.ctx, m.Token, "other-hash", ""); return err }(),
	} {
		wantCode(t, check, parley.EInvalid)
	}

	// Two links asked for: using one uses up the other; a link expires after an hour.
	must(t, e.s.RequestPasswordReset(e.ctx, "ana@example.com"))
	first := e.linkEmail(parley.EmailReset)
	e.clock.Advance(time.Second)
	must(t, e.s.RequestPasswordReset(e.ctx, "ana@example.com"))
	second := e.linkEmail(parley.EmailReset)
	_, err = e.s.ResetPassword(e.ctx, second.Token, "third-hash", "")
	must(t, err)
	_, err = e.s.ResetPassword(e.ctx, first.Token, "fourth-hash", "")
	wantCode(t, err, parley.EInvalid)
	must(t, e.s.RequestPasswordReset(e.ctx, "ana@example.com"))
	late := e.linkEmail(parley.EmailReset)
	e.clock.Advance(parley.ResetLinkLifetime)
	_, err = e.s.ResetPassword(e.ctx, late.Token, "fifth-hash", "")
	wantCode(t, err, parley.EInvalid)

	// Used twice at once, a link works once.
	e.clock.Advance(time.Second)
	must(t, e.s.RequestPasswordReset(e.ctx, "ana@example.com"))
	race := e.linkEmail(parley.EmailReset)
	var wg sync.WaitGroup
	results := make(chan error, 2)
	for range 2 {
		wg.Go(func() {
			_, err := e.s.ResetPassword(e.ctx, race.Token, "raced-hash", "")
			results <- err
		})
	}
	wg.Wait()
	close(results)
	var worked int
	for err := range results {
		if err == nil {
			worked++
		} else if parley.ErrorCode(err) != parley.EInvalid {
			t.Errorf("a use of the link: %v", err)
		}
	}
	if worked != 1 {
		t.Errorf("the link worked %d times at once, want 1", worked)
	}
}
