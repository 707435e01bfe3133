package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"time"
)

// Server is an SMTP server to send through, as --smtp-url names it:
// smtp://user:pass@host:587 speaks STARTTLS when the server offers it, and requires it
// when credentials are given, unless the host is a loopback address; smtps://host:465
// speaks TLS from the start.
type Server struct {
	host, addr  string
	implicitTLS bool
	user, pass  string
	// TLS is the TLS configuration; nil verifies the server's certificate for its host.
	TLS *tls.Config
}

// ParseURL reads an SMTP server's URL.
func ParseURL(raw string) (*Server, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, errors.New("want smtp://[user:password@]host[:port] or smtps://[user:password@]host[:port]")
	}
	s := &Server{host: u.Hostname(), implicitTLS: u.Scheme == "smtps"}
	port := u.Port()
	if port == "" {
		port = map[bool]string{false: "587", true: "465"}[s.implicitTLS]
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	return s, nil
}

// String is the server's address, without its credentials.
func (s *Server) String() string {
	if s.implicitTLS {
		return "smtps://" + s.addr
	}
	return "smtp://" + s.addr
}

// loopback reports whether the server runs on this machine, where a connection in the
// clear crosses no network.
func (s *Server) loopback() bool {
	if s.host == "localhost" {
		return true
	}
	ip := net.ParseIP(s.host)
	return ip != nil && ip.IsLoopback()
}

// conn is one SMTP session, which sends several emails one after another.
type conn struct {
	raw net.Conn
	c   *smtp.Client
}

// messageTime bounds one email's exchange with the server, and the greeting.
const messageTime = time.Minute

// dial opens a session: connects, greets, secures it and signs in as the URL says.
func (s *Server) dial(ctx context.Context) (*conn, error) {
	d := &net.Dialer{Timeout: 30 * time.Second}
	tlsConfig := s.TLS
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: s.host}
	}
	var raw net.Conn
	var err error
	if s.implicitTLS {
		raw, err = (&tls.Dialer{NetDialer: d, Config: tlsConfig}).DialContext(ctx, "tcp", s.addr)
	} else {
		raw, err = d.DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return nil, err
	}
	raw.SetDeadline(time.Now().Add(messageTime))
	c, err := smtp.NewClient(raw, s.host)
	if err != nil {
		raw.Close()
		return nil, err
	}
	cn := &conn{raw: raw, c: c}
	if err := s.secure(cn, tlsConfig); err != nil {
		cn.close()
		return nil, err
	}
	return cn, nil
}

// secure starts TLS when the server offers it and signs in when the URL has credentials,
// refusing to send them in the clear beyond this machine.
func (s *Server) secure(cn *conn, tlsConfig *tls.Config) error {
	encrypted := s.implicitTLS
	if !encrypted {
		if ok, _ := cn.c.Extension("STARTTLS"); ok {
			if err := cn.c.StartTLS(tlsConfig); err != nil {
				return err
			}
			encrypted = true
		}
	}
	if s.user == "" {
		return nil
	}
	if !encrypted && !s.loopback() {
		return fmt.Errorf("%s does not offer STARTTLS: credentials are not sent in the clear", s)
	}
	// net/smtp's PLAIN refuses an unencrypted connection except to localhost; the check
	// above decided already, so it is told the connection is fine.
	return cn.c.Auth(plainAuth{user: s.user, pass: s.pass})
}

// send sends one email; a refusal by the server leaves the session ready for the next.
func (cn *conn) send(from, to string, msg []byte) error {
	cn.raw.SetDeadline(time.Now().Add(messageTime))
	err := cn.transmit(from, to, msg)
	var refused *textproto.Error
	if errors.As(err, &refused) {
		cn.c.Reset()
	}
	return err
}

func (cn *conn) transmit(from, to string, msg []byte) error {
	if err := cn.c.Mail(from); err != nil {
		return err
	}
	if err := cn.c.Rcpt(to); err != nil {
		return recipientError{err}
	}
	w, err := cn.c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	return w.Close()
}

// recipientError is the server's refusal of the recipient, as opposed to the sender's
// address or the message: only such a refusal, when permanent, is the recipient's for good.
type recipientError struct{ error }

func (e recipientError) Unwrap() error { return e.error }

// refusedForGood reports whether the server refused the recipient permanently (5xx: no
// such mailbox, a policy), so that trying again would only be refused again. A permanent
// refusal of the sender or the message may be the forum's configuration, which an operator
// can mend, so those emails wait and are tried again.
func refusedForGood(err error) bool {
	var rcpt recipientError
	var reply *textproto.Error
	return errors.As(err, &rcpt) && errors.As(rcpt.error, &reply) && reply.Code >= 500
}

// close ends the session politely, or at least closes the connection.
func (cn *conn) close() {
	cn.raw.SetDeadline(time.Now().Add(5 * time.Second))
	if err := cn.c.Quit(); err != nil {
		cn.c.Close()
	}
}

// plainAuth is SASL PLAIN (RFC 4616), on a connection secure already (Server.secure).
type plainAuth struct{ user, pass string }

func (a plainAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.pass), nil
}

func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected server challenge")
	}
	return nil, nil
}
