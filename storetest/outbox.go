package storetest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
)

// lease is how long the suite's claims hold an email.
const lease = 5 * time.Minute

// claim claims every email due now.
func (e *env) claim() []parley.Email {
	e.t.Helper()
	es, err := e.s.ClaimEmails(e.ctx, 100, lease)
	must(e.t, err)
	return es
}

// sent marks an email sent, with every notification it told.
func (e *env) sent(m parley.Email) {
	e.t.Helper()
	var told []int64
	for _, n := range m.Notifications {
		told = append(told, n.ID)
	}
	must(e.t, e.s.EmailSent(e.ctx, m.ID, told))
}

// emailForum is a forum whose asker and answerer have addresses, with a thread by the
// asker.
func (e *env) emailForum() (forum, parley.Thread) {
	f := e.forum()
	f.asker, f.answerer = e.account(e.name("asker")), e.account(e.name("answerer"))
	return f, e.thread(f, f.asker, f.tagA)
}

func testEmailImmediate(t *testing.T, e *env) {
	f, th := e.emailForum()
	noAddress, never := e.user(parley.RoleMember), e.account("never")
	must(t, e.s.SetEmailChoice(e.ctx, never.ID, parley.EmailNever))
	e.watch(noAddress, parley.WatchThread, th.ID, parley.WatchOn)
	e.watch(never, parley.WatchThread, th.ID, parley.WatchOn)
	e.fanOut()
	if got := e.claim(); len(got) != 0 {
		t.Fatalf("a question nobody watches yet makes %d emails", len(got))
	}
	p := e.reply(th.ID, f.answerer)
	if got := e.claim(); len(got) != 0 {
		t.Fatalf("%d emails before the fan-out: they come with the notifications", len(got))
	}
	e.fanOut()
	got := e.claim()
	if len(got) != 1 {
		t.Fatalf("a reply makes %d emails, want 1: to the asker (the watcher without an address and the one who chose never get none)", len(got))
	}
	m := got[0]
	if m.To != f.asker.Handle+"@example.com" || m.Kind != parley.EmailNotification || m.Recipient.ID != f.asker.ID || m.Attempts != 1 {
		t.Errorf("the email is %+v, want the asker's notification, first attempt", m)
	}
	if len(m.Notifications) != 1 || m.Notifications[0].PostID != p.ID || m.Notifications[0].ThreadTitle != th.Title ||
		m.Notifications[0].Actor.ID != f.answerer.ID {
		t.Errorf("the email tells %+v, want the answerer's reply in %q", m.Notifications, th.Title)
	}
	if again := e.claim(); len(again) != 0 {
		t.Errorf("a claimed email is claimed again within its lease")
	}
	e.sent(m)
	if n := e.notes(f.asker)[0]; n.EmailedAt.IsZero() {
		t.Errorf("the notification is not marked emailed")
	}
	e.clock.Advance(2 * lease)
	if again := e.claim(); len(again) != 0 {
		t.Errorf("a sent email is claimed again")
	}
	out, err := e.s.Outbox(e.ctx, 10)
	must(t, err)
	if len(out) != 1 || out[0].SentAt.IsZero() || out[0].Attempts != 1 || out[0].UserID != f.asker.ID {
		t.Errorf("the outbox holds %+v, want one email sent on the first attempt", out)
	}
}

// testEmailLeaseEnds: a sender that claimed an email and stopped before marking it sent
// leaves it to be sent again once the lease ends, as the same message.
func testEmailLeaseEnds(t *testing.T, e *env) {
	f, th := e.emailForum()
	e.reply(th.ID, f.answerer)
	e.fanOut()
	first := e.claim()
	if len(first) != 1 {
		t.Fatalf("%d emails, want 1", len(first))
	}
	e.clock.Advance(lease - time.Second)
	if got := e.claim(); len(got) != 0 {
		t.Fatalf("claimed again within the lease")
	}
	e.clock.Advance(time.Second)
	again := e.claim()
	if len(again) != 1 || again[0].ID != first[0].ID || again[0].Attempts != 2 ||
		again[0].MessageID("forum.example") != first[0].MessageID("forum.example") {
		t.Fatalf("after the lease the claim is %+v, want the same email, second attempt, same Message-ID", again)
	}
}

func testEmailRetry(t *testing.T, e *env) {
	f, th := e.emailForum()
	e.reply(th.ID, f.answerer)
	e.fanOut()
	m := e.claim()[0]
	must(t, e.s.EmailFailed(e.ctx, m.ID, "dial tcp 127.0.0.1:25: connection refused", time.Minute))
	out, err := e.s.Outbox(e.ctx, 1)
	must(t, err)
	if out[0].LastError != "dial tcp 127.0.0.1:25: connection refused" || !out[0].SentAt.IsZero() || !out[0].DueAt.Equal(e.clock.Now().Add(time.Minute)) {
		t.Errorf("after a failure the outbox holds %+v, want the error, due in a minute", out[0])
	}
	if got := e.claim(); len(got) != 0 {
		t.Errorf("a failed email is claimed before its retry is due")
	}
	e.clock.Advance(time.Minute)
	got := e.claim()
	if len(got) != 1 || got[0].Attempts != 2 {
		t.Fatalf("at the retry the claim is %+v, want the email, second attempt", got)
	}
	e.sent(got[0])
	if out, _ := e.s.Outbox(e.ctx, 1); out[0].LastError != "" || out[0].SentAt.IsZero() {
		t.Errorf("once sent the outbox holds %+v", out[0])
	}

	// An email its server refuses for longer than EmailMaxAge is given up.
	e.reply(th.ID, f.answerer)
	e.fanOut()
	m = e.claim()[0]
	must(t, e.s.EmailFailed(e.ctx, m.ID, "550 mailbox unavailable", time.Hour))
	e.clock.Advance(parley.EmailMaxAge)
	if got := e.claim(); len(got) != 0 {
		t.Errorf("an email %s old is claimed", parley.EmailMaxAge)
	}
	out, _ = e.s.Outbox(e.ctx, 1)
	if !out[0].SentAt.IsZero() || out[0].LastError == "550 mailbox unavailable" {
		t.Errorf("an email given up reads %+v, want unsent, saying it was given up", out[0])
	}
	e.clock.Advance(parley.EmailMaxAge + time.Minute)
	n, err := e.s.SweepOutbox(e.ctx)
	must(t, err)
	if n != 2 {
		t.Errorf("the sweep deleted %d emails, want both, made more than %s ago", n, 2*parley.EmailMaxAge)
	}
}

// testEmailBoostGrouped: boosts of one post before its email goes are one email naming
// them all, as the notifications page groups them.
func testEmailBoostGrouped(t *testing.T, e *env) {
	f, th := e.emailForum()
	p := e.reply(th.ID, f.answerer)
	e.fanOut()
	e.sent(e.claim()[0]) // the asker's email of the reply
	for _, u := range []parley.User{f.asker, e.user(parley.RoleMember)} {
		_, err := e.s.SetBoost(e.ctx, u.ID, p.ID, true)
		must(t, err)
		e.fanOut()
	}
	got := e.claim()
	if len(got) != 1 || got[0].To != f.answerer.Handle+"@example.com" {
		t.Fatalf("two boosts make %d emails, want 1 to the answerer", len(got))
	}
	if ns := got[0].Notifications; len(ns) != 1 || ns[0].Kind != parley.NotifyBoost || ns[0].Actors != 2 {
		t.Errorf("the email tells %+v, want one boost by two members", ns)
	}
	e.sent(got[0])
	_, err := e.s.SetBoost(e.ctx, e.user(parley.RoleMember).ID, p.ID, true)
	must(t, err)
	e.fanOut()
	if got := e.claim(); len(got) != 0 {
		t.Errorf("a boost of a post whose boosts were emailed, still unread, makes %d more emails", len(got))
	}
}

// testEmailDigest: a member who chose a daily digest gets one email per day, once the day
// has ended, gathering that day's notifications.
func testEmailDigest(t *testing.T, e *env) {
	f, th := e.emailForum()
	must(t, e.s.SetNotificationSettings(e.ctx, f.asker.ID, parley.NotificationSettings{WatchOwn: true, Email: parley.EmailDaily}))
	if st, err := e.s.NotificationSettings(e.ctx, f.asker.ID); err != nil || st.Email != parley.EmailDaily {
		t.Fatalf("settings %+v, %v; want daily", st, err)
	}
	first, second := e.reply(th.ID, f.answerer), e.reply(th.ID, f.answerer)
	e.fanOut()
	if got := e.claim(); len(got) != 0 {
		t.Fatalf("%d emails during the day, want none before it ends", len(got))
	}
	now := e.clock.Now()
	e.clock.Advance(now.Truncate(24*time.Hour).Add(24*time.Hour).Sub(now) - 90*time.Second)
	third := e.reply(th.ID, f.answerer) // in the day's last minute
	e.fanOut()
	if got := e.claim(); len(got) != 0 {
		t.Fatalf("%d emails before midnight", len(got))
	}
	e.clock.Advance(time.Minute)
	next := e.reply(th.ID, f.answerer) // the next day's
	e.fanOut()
	got := e.claim()
	if len(got) != 1 || got[0].Kind != parley.EmailDigest || !got[0].Day.Equal(now.Truncate(24*time.Hour)) {
		t.Fatalf("after midnight the claim is %+v, want one digest of the day", got)
	}
	var posts []int64
	for _, n := range got[0].Notifications {
		posts = append(posts, n.PostID)
	}
	if !slices.Equal(posts, []int64{third.ID, second.ID, first.ID}) {
		t.Errorf("the digest tells of posts %v, want the day's three replies %v newest first", posts, []int64{third.ID, second.ID, first.ID})
	}
	e.sent(got[0])
	e.clock.Advance(24 * time.Hour)
	got = e.claim()
	if len(got) != 1 || len(got[0].Notifications) != 1 || got[0].Notifications[0].PostID != next.ID {
		t.Errorf("the next day's digest is %+v, want the one reply of that day", got)
	}
}

// testEmailChoiceChanged: an email waiting for a member who has since chosen never tells
// nothing, so that the sender sends nothing.
func testEmailChoiceChanged(t *testing.T, e *env) {
	f, th := e.emailForum()
	e.reply(th.ID, f.answerer)
	e.fanOut()
	must(t, e.s.SetEmailChoice(e.ctx, f.asker.ID, parley.EmailNever))
	got := e.claim()
	if len(got) != 1 || len(got[0].Notifications) != 0 {
		t.Errorf("the waiting email is %+v, want one that tells nothing", got)
	}
	err := e.s.SetEmailChoice(e.ctx, f.asker.ID, "weekly")
	wantCode(t, err, parley.EInvalid)
	if err := e.s.SetEmailChoice(e.ctx, 1<<40, parley.EmailNever); !errors.Is(err, parley.ErrNotFound) {
		t.Errorf("setting the choice of nobody: %v, want not found", err)
	}
}

// testEmailClaimConcurrent: senders claiming at once each take different emails, and
// every email is taken.
func testEmailClaimConcurrent(t *testing.T, e *env) {
	f, th := e.emailForum()
	const watchers = 30
	for range watchers {
		e.watch(e.account(e.name("watcher")), parley.WatchThread, th.ID, parley.WatchOn)
	}
	e.reply(th.ID, f.answerer)
	e.fanOut()
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				es, err := e.s.ClaimEmails(e.ctx, 4, lease)
				if err != nil {
					t.Error(err)
					return
				}
				if len(es) == 0 {
					return
				}
				mu.Lock()
				for _, m := range es {
					seen[m.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != watchers+1 {
		t.Errorf("%d emails claimed, want %d: the watchers' and the asker's", len(seen), watchers+1)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("email %d claimed %d times", id, n)
		}
	}
}

func testSiteKey(t *testing.T, e *env) {
	a, err := e.s.SiteKey(e.ctx, "unsubscribe")
	must(t, err)
	b, err := e.s.SiteKey(e.ctx, "unsubscribe")
	must(t, err)
	c, err := e.s.SiteKey(e.ctx, "other")
	must(t, err)
	if len(a) != 32 || !slices.Equal(a, b) || slices.Equal(a, c) {
		t.Errorf("keys %x, %x, %x: want 32 bytes, the same for a name, another for another name", a, b, c)
	}
}
