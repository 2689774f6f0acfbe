package report_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// mailbox is a real SMTP server on 127.0.0.1, started by the test, that
// accepts mail after STARTTLS (or on implicit TLS) and AUTH PLAIN.
type mailbox struct {
	Addr  string
	Roots *x509.CertPool

	mu       sync.Mutex
	messages []received
	// reject, when set, answers DATA of the next message with this error.
	reject []error
	// hold, when set, makes DATA of message number holdAt (1-based) wait
	// until it is closed; arrived is closed when that message has arrived.
	holdAt  int
	hold    chan struct{}
	arrived chan struct{}
	datas   int
}

type received struct {
	From string
	To   []string
	Data []byte
	User string
	TLS  bool
}

const smtpUser, smtpPassword = "nexo", "s3cret"

// startMailbox starts the server; implicit selects TLS from the first byte
// (port 465 style) rather than STARTTLS.
func startMailbox(tb testing.TB, implicit bool) *mailbox {
	tb.Helper()
	cert, roots := selfSigned(tb)
	mb := &mailbox{Roots: roots}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{mb: mb, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	var ln net.Listener
	var err error
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		tb.Fatal(err)
	}
	mb.Addr = ln.Addr().String()
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return mb
}

func (mb *mailbox) received() []received {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]received(nil), mb.messages...)
}

type session struct {
	mb   *mailbox
	conn *smtp.Conn
	user string
	msg  received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != smtpUser || pass != smtpPassword {
			return errors.New("bad credentials")
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.user == "" {
		return smtp.ErrAuthRequired
	}
	_, tlsOn := s.conn.TLSConnectionState()
	s.msg = received{From: from, User: s.user, TLS: tlsOn}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	mb := s.mb
	mb.mu.Lock()
	mb.datas++
	n, hold := mb.datas, mb.hold
	var reject error
	if len(mb.reject) > 0 {
		reject, mb.reject = mb.reject[0], mb.reject[1:]
	}
	mb.mu.Unlock()
	if reject != nil {
		return reject
	}
	if hold != nil && n == mb.holdAt {
		close(mb.arrived)
		<-hold
	}
	s.msg.Data = data
	mb.mu.Lock()
	mb.messages = append(mb.messages, s.msg)
	mb.mu.Unlock()
	return nil
}

func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(tb testing.TB) (tls.Certificate, *x509.CertPool) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "nexo test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
