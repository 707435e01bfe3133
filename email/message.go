package email

import (
	"bytes"
	"fmt"
	"html"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
)

// Site is what emails say of the forum and where their links lead.
type Site struct {
	Name    string
	BaseURL *url.URL // links are absolute on it
	From    *mail.Address
}

// UnsubscribeKey names the site key (parley.OutboxStore.SiteKey) that signs unsubscribe
// links, and the purpose they are signed for.
const UnsubscribeKey = "unsubscribe"

// UnsubscribePath is the path of a member's unsubscribe link: it needs no sign-in, since
// the token it carries says whom it is for.
func UnsubscribePath(key []byte, userID int64) string {
	return "/unsubscribe/" + auth.SignID(key, UnsubscribeKey, userID)
}

// link is a site path as an absolute URL.
func (s Site) link(path string) string {
	ref, err := url.Parse(path)
	if err != nil {
		return s.BaseURL.String()
	}
	return s.BaseURL.ResolveReference(ref).String()
}

// body is what an email says, before it is written as text and as HTML.
type body struct {
	intro   string
	items   []item
	more    string // how many a digest left out, in words; "" for none
	why     string
	unsub   string // the unsubscribe URL
	options string // the notification settings page
}

type item struct{ text, url string }

// Compose writes e as an RFC 5322 message: multipart/alternative with a text and an HTML
// part, both quoted-printable, its Message-ID the same on every attempt, and a one-click
// unsubscribe link (RFC 8058).
func Compose(site Site, key []byte, e parley.Email, now time.Time) ([]byte, error) {
	b := body{unsub: site.link(UnsubscribePath(key, e.Recipient.ID)), options: site.link("/account/notifications")}
	for _, n := range e.Notifications {
		b.items = append(b.items, item{n.Summary() + ".", site.link(n.Path())})
	}
	if e.Kind == parley.EmailVerify || e.Kind == parley.EmailReset {
		return composeLink(site, e, now)
	}
	var subject string
	if e.Kind == parley.EmailDigest {
		count := len(e.Notifications) + e.More
		subject = fmt.Sprintf("%s digest of %s: %s", site.Name, e.Day.Format("2 January 2006"), plural(count, "notification"))
		b.intro = fmt.Sprintf("What happened on %s on %s (UTC), in what you watch:", site.Name, e.Day.Format("Monday 2 January 2006"))
		if e.More > 0 {
			b.more = fmt.Sprintf("And %s more on your notifications page: %s", plural(e.More, "notification"), site.link("/notifications"))
		}
		b.why = "You get this digest once a day because you chose a daily email of your " + site.Name + " notifications."
	} else {
		subject = e.Notifications[0].Summary()
		b.why = "You get this email because you chose to hear of your " + site.Name + " notifications by email."
	}

	return write(site, e, now, subject, b, "List-Unsubscribe", "<"+b.unsub+">", "List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
}

// composeLink writes the email of a link that verifies an address or resets a password:
// no list email, so no unsubscribe link, whatever the member chose for notifications.
func composeLink(site Site, e parley.Email, now time.Time) ([]byte, error) {
	var subject string
	var b body
	if e.Kind == parley.EmailVerify {
		subject = "Confirm your email address for " + site.Name
		b.intro = "Hello " + e.Recipient.DisplayName + ", confirm that " + e.To + " is your address on " + site.Name + " (@" + e.Recipient.Handle + "):"
		b.items = []item{{"Confirm my address", site.link("/account/verify/" + e.Token)}}
		b.why = "The link works once, for " + parley.SpellDuration(parley.VerifyLinkLifetime) + ". If you did not sign up, ignore this email."
	} else {
		subject = "Reset your " + site.Name + " password"
		b.intro = "Someone, we hope you, asked to reset the password of @" + e.Recipient.Handle + " on " + site.Name + ". Choose a new one:"
		b.items = []item{{"Choose a new password", site.link("/password/reset/" + e.Token)}}
		b.why = "The link works once, for " + parley.SpellDuration(parley.ResetLinkLifetime) + ". If it was not you, ignore this email: your password stays as it is."
	}
	return write(site, e, now, subject, b)
}

// write writes the message: the header, with extra fields as name, value pairs, and b as
// text and as HTML.
func write(site Site, e parley.Email, now time.Time, subject string, b body, extra ...string) ([]byte, error) {
	var msg bytes.Buffer
	mw := multipart.NewWriter(&msg)
	h := []string{
		"From", site.From.String(),
		"To", (&mail.Address{Name: e.Recipient.DisplayName, Address: e.To}).String(),
		"Subject", mime.QEncoding.Encode("utf-8", subject),
		"Date", now.Format(time.RFC1123Z),
		"Message-ID", e.MessageID(site.BaseURL.Hostname()),
		"MIME-Version", "1.0",
		"Content-Type", "multipart/alternative; boundary=" + mw.Boundary(),
		// Auto-Submitted keeps vacation replies away (RFC 3834).
		"Auto-Submitted", "auto-generated",
	}
	h = append(h, extra...)
	for i := 0; i+1 < len(h); i += 2 {
		msg.WriteString(h[i] + ": " + h[i+1] + "\r\n")
	}
	msg.WriteString("\r\n")
	if err := writePart(mw, "text/plain; charset=utf-8", b.text()); err != nil {
		return nil, err
	}
	if err := writePart(mw, "text/html; charset=utf-8", b.html(subject)); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return msg.Bytes(), nil
}

// writePart writes one quoted-printable part.
func writePart(mw *multipart.Writer, contentType, content string) error {
	w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {contentType}, "Content-Transfer-Encoding": {"quoted-printable"}})
	if err != nil {
		return err
	}
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(strings.ReplaceAll(content, "\n", "\r\n"))); err != nil {
		return err
	}
	return qp.Close()
}

func (b body) text() string {
	var s strings.Builder
	if b.intro != "" {
		s.WriteString(b.intro + "\n\n")
	}
	for _, it := range b.items {
		s.WriteString(it.text + "\n" + it.url + "\n\n")
	}
	if b.more != "" {
		s.WriteString(b.more + "\n\n")
	}
	s.WriteString("-- \n" + b.why + "\n")
	if b.unsub != "" {
		s.WriteString("Choose how often: " + b.options + "\n")
		s.WriteString("Stop these emails: " + b.unsub + "\n")
	}
	return s.String()
}

func (b body) html(title string) string {
	var s strings.Builder
	s.WriteString("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + html.EscapeString(title) + "</title></head>\n<body>\n")
	if b.intro != "" {
		s.WriteString("<p>" + html.EscapeString(b.intro) + "</p>\n")
	}
	s.WriteString("<ul>\n")
	for _, it := range b.items {
		s.WriteString(`<li><a href="` + html.EscapeString(it.url) + `">` + html.EscapeString(it.text) + "</a></li>\n")
	}
	s.WriteString("</ul>\n")
	if b.more != "" {
		s.WriteString("<p>" + html.EscapeString(b.more) + "</p>\n")
	}
	s.WriteString(`<hr><p style="color:#555;font-size:small">` + html.EscapeString(b.why))
	if b.unsub != "" {
		s.WriteString(` <a href="` + html.EscapeString(b.options) + `">Choose how often</a> · <a href="` + html.EscapeString(b.unsub) + `">Stop these emails</a>`)
	}
	s.WriteString("</p>\n</body></html>\n")
	return s.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprint(n) + " " + word + "s"
}
