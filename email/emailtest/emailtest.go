// Package emailtest runs a real SMTP server on loopback for tests, receiving what the
// forum sends and parsing it as a mail client would.
package emailtest

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"
)

// Server is an SMTP server on 127.0.0.1 that keeps every message it accepts.
type Server struct {
	// URL is the server's address as --smtp-url takes it.
	URL  string
	Addr string

	mu       sync.Mutex
	received []Message
	arrived  chan struct{} // a message came; buffered, never blocks the server
	refusing bool
	unknown  map[string]bool // recipients answered 550: no such mailbox
}

// Message is one email the server accepted.
type Message struct {
	From string
	To   []string
	Raw  []byte
}

// Start starts a server for the test; it stops when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), arrived: make(chan struct{}, 1)}
	s.URL = "smtp://" + s.Addr
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return s
}

// Refuse makes the server answer every message with a temporary failure (451), or stop.
func (s *Server) Refuse(on bool) {
	s.mu.Lock()
	s.refusing = on
	s.mu.Unlock()
}

// NoMailbox makes the server refuse mail to addr for good (550), as for an address that
// does not exist.
func (s *Server) NoMailbox(addr string) {
	s.mu.Lock()
	if s.unknown == nil {
		s.unknown = map[string]bool{}
	}
	s.unknown[addr] = true
	s.mu.Unlock()
}

// Received returns every message accepted so far.
func (s *Server) Received() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.received...)
}

// Wait returns once the server holds n messages, failing the test after timeout.
func (s *Server) Wait(tb testing.TB, n int, timeout time.Duration) []Message {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		if got := s.Received(); len(got) >= n {
			return got
		}
		select {
		case <-s.arrived:
		case <-deadline:
			tb.Fatalf("the SMTP server received %d messages within %s, want %d", len(s.Received()), timeout, n)
		}
	}
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	unknown := ss.s.unknown[to]
	ss.s.mu.Unlock()
	if unknown {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.refusing {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	ss.s.received = append(ss.s.received, Message{From: ss.from, To: ss.to, Raw: raw})
	select {
	case ss.s.arrived <- struct{}{}:
	default:
	}
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// Parsed is a message read as a mail client reads it.
type Parsed struct {
	Header mail.Header
	// Subject is the decoded subject; Text and HTML the decoded parts.
	Subject    string
	Text, HTML string
}

// Parse reads a message: its header, and the text and HTML parts of a
// multipart/alternative body, decoded.
func Parse(m Message) (*Parsed, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return nil, err
	}
	p := &Parsed{Header: msg.Header}
	if p.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return nil, err
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		return nil, errors.New("the message is not multipart/alternative: " + msg.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		var body io.Reader = part
		if strings.EqualFold(part.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(part)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			return nil, err
		}
		switch ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct {
		case "text/plain":
			p.Text = string(b)
		case "text/html":
			p.HTML = string(b)
		}
	}
	if p.Text == "" || p.HTML == "" {
		return nil, errors.New("the message lacks a text or an HTML part")
	}
	return p, nil
}

// MustParse is Parse for a test.
func MustParse(tb testing.TB, m Message) *Parsed {
	tb.Helper()
	p, err := Parse(m)
	if err != nil {
		tb.Fatalf("%v\n%s", err, m.Raw)
	}
	return p
}
