package email

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/email/emailtest"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/sqlite"
	"github.com/parley-forum/parley/storetest"
)

// onBothStores runs a test on a fresh SQLite store and a fresh PostgreSQL one.
func onBothStores(t *testing.T, test func(t *testing.T, w *world)) {
	opens := map[string]func(t *testing.T, clock parley.Clock) parley.Store{
		"sqlite": func(t *testing.T, clock parley.Clock) parley.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parley.db"), sqlite.Options{Clock: clock})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": func(t *testing.T, clock parley.Clock) parley.Store { return pgtest.MustOpen(t, clock) },
	}
	for name, open := range opens {
		t.Run(name, func(t *testing.T) {
			clock := storetest.NewClock()
			test(t, newWorld(t, open(t, clock.Now), clock))
		})
	}
}

// world is a forum with a thread whose asker has an address, an SMTP server on loopback
// and a sender to it.
type world struct {
	t        testing.TB
	ctx      context.Context
	s        parley.Store
	clock    *storetest.Clock
	smtp     *emailtest.Server
	sender   *Sender
	site     Site
	asker    parley.User
	answerer parley.User
	thread   parley.Thread
}

var base, _ = url.Parse("https://forum.example")

func newWorld(t testing.TB, s parley.Store, clock *storetest.Clock) *world {
	ctx := context.Background()
	w := &world{t: t, ctx: ctx, s: s, clock: clock, smtp: emailtest.Start(t),
		site: Site{Name: "Parley", BaseURL: base, From: &mail.Address{Name: "Parley", Address: "forum@forum.example"}}}
	w.sender = w.senderTo(w.smtp.URL)
	top, err := s.CreateTopic(ctx, parley.NewTopic{Slug: "apps", Name: "Apps"})
	w.must(err)
	sub, err := s.CreateSubtopic(ctx, parley.NewSubtopic{TopicID: top.ID, Slug: "net", Name: "Networking"})
	w.must(err)
	tag, err := s.CreateTag(ctx, parley.NewTag{Slug: "network", Name: "Network"})
	w.must(err)
	w.asker, w.answerer = w.account("ana"), w.account("bo")
	w.thread, _, err = s.CreateThread(ctx, parley.NewThread{Title: "Why does my socket close after a minute?", SubtopicID: sub.ID,
		TagIDs: []int64{tag.ID}, AuthorID: w.asker.ID, Text: storetest.Text("It closes.")})
	w.must(err)
	return w
}

func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) senderTo(rawURL string) *Sender {
	srv, err := ParseURL(rawURL)
	w.must(err)
	return New(w.s, srv, w.site, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func (w *world) account(handle string) parley.User {
	u, err := w.s.CreateAccount(w.ctx, parley.NewUser{Handle: handle, DisplayName: strings.ToUpper(handle[:1]) + handle[1:]}, handle+"@example.com", "hash")
	w.must(err)
	return u
}

// reply posts a reply by the answerer a minute on, and fans it out as serve's worker does.
func (w *world) reply(body string) parley.Post {
	w.t.Helper()
	w.clock.Advance(time.Minute)
	p, err := w.s.CreateReply(w.ctx, parley.NewReply{ThreadID: w.thread.ID, AuthorID: w.answerer.ID, Text: storetest.Text(body)})
	w.must(err)
	for {
		n, err := w.s.FanOut(w.ctx, 50)
		w.must(err)
		if n == 0 {
			return p
		}
	}
}

// sendDue runs one sender's round and returns how many it sent.
func (w *world) sendDue(s *Sender) (int, error) {
	w.t.Helper()
	return s.SendDue(w.ctx)
}

func TestReplyEmailed(t *testing.T) {
	onBothStores(t, func(t *testing.T, w *world) {
		p := w.reply("Set a keep-alive.")
		n, err := w.sendDue(w.sender)
		if err != nil || n != 1 {
			t.Fatalf("sent %d, %v; want 1 email", n, err)
		}
		got := w.smtp.Received()
		if len(got) != 1 || got[0].From != "forum@forum.example" || len(got[0].To) != 1 || got[0].To[0] != "ana@example.com" {
			t.Fatalf("the server received %+v, want one email from the forum to ana", got)
		}
		m := emailtest.MustParse(t, got[0])
		if want := "Bo replied in “Why does my socket close after a minute?”"; m.Subject != want {
			t.Errorf("subject %q, want %q", m.Subject, want)
		}
		if to, err := m.Header.AddressList("To"); err != nil || to[0].Name != "Ana" || to[0].Address != "ana@example.com" {
			t.Errorf("To: %v, %v", to, err)
		}
		link := "https://forum.example/threads/" + itoa(w.thread.ID) + "#post-" + itoa(p.ID)
		if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link+`"`) {
			t.Errorf("the parts do not link to the reply %s:\n%s\n%s", link, m.Text, m.HTML)
		}
		unsub := strings.Trim(m.Header.Get("List-Unsubscribe"), "<>")
		key, err := w.s.SiteKey(w.ctx, UnsubscribeKey)
		w.must(err)
		token, ok := strings.CutPrefix(unsub, "https://forum.example/unsubscribe/")
		if id, valid := auth.VerifyID(key, UnsubscribeKey, token); !ok || !valid || id != w.asker.ID {
			t.Errorf("List-Unsubscribe %q does not name the asker with a valid token", unsub)
		}
		if m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(m.Text, unsub) {
			t.Errorf("no one-click unsubscribe, or the text lacks the link: %q", m.Header.Get("List-Unsubscribe-Post"))
		}
		if id := m.Header.Get("Message-ID"); !strings.HasPrefix(id, "<parley.") || !strings.HasSuffix(id, "@forum.example>") {
			t.Errorf("Message-ID %q", id)
		}
		ns, err := w.s.Notifications(w.ctx, w.asker.ID, 0, 10)
		w.must(err)
		if len(ns) != 1 || ns[0].EmailedAt.IsZero() {
			t.Errorf("the asker holds %+v, want one notification, emailed", ns)
		}
		if n, err := w.sendDue(w.sender); n != 0 || err != nil || len(w.smtp.Received()) != 1 {
			t.Errorf("a second round sent %d (%v); the server holds %d", n, err, len(w.smtp.Received()))
		}
	})
}

// TestCrashAfterAccept: a sender that stops after the server accepted an email, before
// marking it sent, leaves it to be sent again once its lease ends, with the same
// Message-ID; it is not sent a third time.
func TestCrashAfterAccept(t *testing.T) {
	onBothStores(t, func(t *testing.T, w *world) {
		w.reply("Set a keep-alive.")
		crashing := w.senderTo(w.smtp.URL)
		crash := errors.New("power cut")
		crashing.afterAccept = func(parley.Email) error { return crash }
		if _, err := w.sendDue(crashing); !errors.Is(err, crash) {
			t.Fatalf("the round ended with %v, want the crash", err)
		}
		if n, err := w.sendDue(w.sender); n != 0 || err != nil {
			t.Fatalf("within the lease another sender sent %d (%v), want none", n, err)
		}
		w.clock.Advance(lease)
		if n, err := w.sendDue(w.sender); n != 1 || err != nil {
			t.Fatalf("after the lease a sender sent %d (%v), want the email again", n, err)
		}
		got := w.smtp.Received()
		if len(got) != 2 {
			t.Fatalf("the server holds %d messages, want the email twice", len(got))
		}
		first, again := emailtest.MustParse(t, got[0]), emailtest.MustParse(t, got[1])
		if first.Header.Get("Message-ID") != again.Header.Get("Message-ID") || first.Subject != again.Subject {
			t.Errorf("the repeat has Message-ID %q, the first %q: a receiver cannot tell them the same", again.Header.Get("Message-ID"), first.Header.Get("Message-ID"))
		}
		w.clock.Advance(lease)
		if n, _ := w.sendDue(w.sender); n != 0 {
			t.Errorf("sent a third time")
		}
	})
}

// TestServerDown: with the SMTP server unreachable, or answering "try later", the
// email waits with the error recorded, and goes once the server is back and it is due.
func TestServerDown(t *testing.T) {
	onBothStores(t, func(t *testing.T, w *world) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		w.must(err)
		dead := "smtp://" + ln.Addr().String()
		ln.Close()
		w.reply("Set a keep-alive.")
		if n, err := w.sendDue(w.senderTo(dead)); n != 0 || err == nil {
			t.Fatalf("to a closed port: sent %d, err %v", n, err)
		}
		out, err := w.s.Outbox(w.ctx, 1)
		w.must(err)
		if !out[0].SentAt.IsZero() || !strings.Contains(out[0].LastError, "refused") || !out[0].DueAt.Equal(w.clock.Now().Add(firstRetry)) {
			t.Errorf("after a refused connection the outbox holds %+v, want the error, due in %s", out[0], firstRetry)
		}
		if n, _ := w.sendDue(w.sender); n != 0 {
			t.Errorf("sent before the retry was due")
		}
		w.clock.Advance(firstRetry)
		w.smtp.Refuse(true)
		if n, err := w.sendDue(w.sender); n != 0 || err != nil {
			t.Errorf("to a server answering 451: sent %d, %v", n, err)
		}
		out, _ = w.s.Outbox(w.ctx, 1)
		if !strings.Contains(out[0].LastError, "451") || out[0].Attempts != 2 || !out[0].DueAt.Equal(w.clock.Now().Add(2*firstRetry)) {
			t.Errorf("after a 451 the outbox holds %+v, want it, due in %s", out[0], 2*firstRetry)
		}
		w.smtp.Refuse(false)
		w.clock.Advance(2 * firstRetry)
		if n, err := w.sendDue(w.sender); n != 1 || err != nil {
			t.Errorf("once the server is back: sent %d, %v", n, err)
		}
		if len(w.smtp.Received()) != 1 {
			t.Errorf("the server holds %d messages, want 1", len(w.smtp.Received()))
		}
	})
}

// TestMailboxRefusedForGood: a server that refuses the recipient for good (550) is not
// asked again: the email is given up at once, with the refusal recorded.
func TestMailboxRefusedForGood(t *testing.T) {
	onBothStores(t, func(t *testing.T, w *world) {
		w.smtp.NoMailbox(w.asker.Handle + "@example.com")
		w.reply("Set a keep-alive.")
		if n, err := w.sendDue(w.sender); n != 0 || err != nil {
			t.Fatalf("to a mailbox that does not exist: sent %d, %v", n, err)
		}
		out, err := w.s.Outbox(w.ctx, 1)
		w.must(err)
		if !strings.Contains(out[0].LastError, "550") || out[0].DueAt.Before(w.clock.Now().Add(parley.EmailMaxAge)) {
			t.Errorf("after a 550 the outbox holds %+v, want it given up", out[0])
		}
		w.clock.Advance(lastRetry)
		if n, _ := w.sendDue(w.sender); n != 0 {
			t.Errorf("a refused email was tried again")
		}
		if out, _ := w.s.Outbox(w.ctx, 1); out[0].Attempts != 1 {
			t.Errorf("a refused email was claimed %d times, want 1", out[0].Attempts)
		}
	})
}

// TestDigest: a member who chose a daily digest gets one email after the day ends, with
// every notification of the day.
func TestDigest(t *testing.T) {
	onBothStores(t, func(t *testing.T, w *world) {
		w.must(w.s.SetEmailChoice(w.ctx, w.asker.ID, parley.EmailDaily))
		first, second := w.reply("Set a keep-alive."), w.reply("Or check the proxy.")
		if n, _ := w.sendDue(w.sender); n != 0 {
			t.Fatalf("sent %d during the day", n)
		}
		day := w.clock.Now().Truncate(24 * time.Hour)
		w.clock.Advance(day.Add(24 * time.Hour).Sub(w.clock.Now()))
		if n, err := w.sendDue(w.sender); n != 1 || err != nil {
			t.Fatalf("after midnight sent %d (%v), want the digest", n, err)
		}
		m := emailtest.MustParse(t, w.smtp.Received()[0])
		if want := "Parley digest of " + day.Format("2 January 2006") + ": 2 notifications"; m.Subject != want {
			t.Errorf("subject %q, want %q", m.Subject, want)
		}
		for _, p := range []parley.Post{first, second} {
			if link := "https://forum.example/threads/" + itoa(w.thread.ID) + "#post-" + itoa(p.ID); !strings.Contains(m.HTML, link) {
				t.Errorf("the digest does not link to %s:\n%s", link, m.HTML)
			}
		}
		w.clock.Advance(48 * time.Hour)
		if n, _ := w.sendDue(w.sender); n != 0 {
			t.Errorf("the digest went again")
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
