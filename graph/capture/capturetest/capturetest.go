// Package capturetest connects tests to the real Dovecot and Radicale that
// scripts/test.sh starts (scripts/mail/dovecot.sh, scripts/dav/radicale.sh)
// and fills them through their own protocols: IMAP APPEND, CalDAV and
// CardDAV PUT. Without them a test skips, unless CI=true: there a missing
// server fails the run.
package capturetest

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/nexohq/nexo/graph/outbound"
)

func need(tb testing.TB, keys ...string) {
	tb.Helper()
	for _, k := range keys {
		if os.Getenv(k) == "" {
			if os.Getenv("CI") == "true" {
				tb.Fatalf("%s is not set and CI=true: run the tests with scripts/test.sh, which starts the server", k)
			}
			tb.Skipf("no test server (%s unset); run scripts/test.sh", k)
		}
	}
}

// IMAP is the test Dovecot: any user name logs in with Password.
type IMAP struct {
	Host        string
	Port        int // STARTTLS
	TLSPort     int // TLS
	ExpiredPort int // TLS with an expired certificate
	Password    string
	CA          *x509.CertPool
}

// Dovecot returns the test Dovecot, skipping or failing tb without one.
func Dovecot(tb testing.TB) *IMAP {
	tb.Helper()
	need(tb, "NEXO_TEST_IMAP_HOST", "NEXO_TEST_IMAP_PORT", "NEXO_TEST_IMAPS_PORT", "NEXO_TEST_IMAP_PASSWORD", "NEXO_TEST_IMAP_CA")
	port := func(k string) int {
		n, err := strconv.Atoi(os.Getenv(k))
		if err != nil {
			tb.Fatalf("%s: %v", k, err)
		}
		return n
	}
	pem, err := os.ReadFile(os.Getenv("NEXO_TEST_IMAP_CA"))
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return &IMAP{Host: os.Getenv("NEXO_TEST_IMAP_HOST"), Port: port("NEXO_TEST_IMAP_PORT"),
		TLSPort: port("NEXO_TEST_IMAPS_PORT"), ExpiredPort: port("NEXO_TEST_IMAP_EXPIRED_PORT"),
		Password: os.Getenv("NEXO_TEST_IMAP_PASSWORD"), CA: pool}
}

// NewUser returns a user name no test used: a fresh, empty mailbox.
func NewUser(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:]) + "@example.org"
}

// Client logs in as user over TLS.
func (s *IMAP) Client(tb testing.TB, user string) *imapclient.Client {
	tb.Helper()
	c, err := imapclient.DialTLS(net.JoinHostPort(s.Host, strconv.Itoa(s.TLSPort)),
		&imapclient.Options{TLSConfig: &tls.Config{RootCAs: s.CA, ServerName: s.Host}})
	if err != nil {
		tb.Fatalf("dial dovecot: %v", err)
	}
	if err := c.Login(user, s.Password).Wait(); err != nil {
		tb.Fatalf("login %s: %v", user, err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// Append stores messages in a folder of user's mailbox with IMAP APPEND,
// creating the folder when it is missing.
func (s *IMAP) Append(tb testing.TB, user, folder string, msgs ...[]byte) {
	tb.Helper()
	c := s.Client(tb, user)
	defer func() { _ = c.Logout().Wait() }()
	AppendWith(tb, c, folder, msgs...)
}

// AppendWith appends with an open client.
func AppendWith(tb testing.TB, c *imapclient.Client, folder string, msgs ...[]byte) {
	tb.Helper()
	if !strings.EqualFold(folder, "INBOX") {
		if err := c.Create(folder, nil).Wait(); err != nil && !strings.Contains(err.Error(), "ALREADYEXISTS") &&
			!strings.Contains(err.Error(), "already exists") {
			tb.Fatalf("create %s: %v", folder, err)
		}
	}
	for _, m := range msgs {
		cmd := c.Append(folder, int64(len(m)), nil)
		if _, err := cmd.Write(m); err != nil {
			tb.Fatalf("append: %v", err)
		}
		if err := cmd.Close(); err != nil {
			tb.Fatalf("append: %v", err)
		}
		if _, err := cmd.Wait(); err != nil {
			tb.Fatalf("append to %s: %v", folder, err)
		}
	}
}

// Renumber deletes a folder and creates it again with the same messages:
// the server gives it a new UIDVALIDITY.
func (s *IMAP) Renumber(tb testing.TB, user, folder string, msgs ...[]byte) {
	tb.Helper()
	c := s.Client(tb, user)
	defer func() { _ = c.Logout().Wait() }()
	if err := c.Delete(folder).Wait(); err != nil {
		tb.Fatalf("delete %s: %v", folder, err)
	}
	AppendWith(tb, c, folder, msgs...)
}

// Mail is a message to generate.
type Mail struct {
	From, To, Cc string
	Date         time.Time
	Subject      string
	MessageID    string // "" for none
	InReplyTo    string
	Extra        string // more header lines, each ending in \r\n
}

// Bytes renders the message with a short body.
func (m Mail) Bytes() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", m.From)
	if m.To != "" {
		fmt.Fprintf(&b, "To: %s\r\n", m.To)
	}
	if m.Cc != "" {
		fmt.Fprintf(&b, "Cc: %s\r\n", m.Cc)
	}
	fmt.Fprintf(&b, "Date: %s\r\n", m.Date.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Subject: %s\r\n", m.Subject)
	if m.MessageID != "" {
		fmt.Fprintf(&b, "Message-ID: <%s>\r\n", m.MessageID)
	}
	if m.InReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", m.InReplyTo, m.InReplyTo)
	}
	b.WriteString(m.Extra)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nA private body Nexo never reads.\r\n")
	return b.Bytes()
}

// Network is the outbound policy of capture tests: the real one
// (graph/outbound), allowing only 127.0.0.1, where the test servers are.
func Network(tb testing.TB) *outbound.Policy {
	tb.Helper()
	p, err := outbound.NewPolicy([]string{"127.0.0.1"})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// DAV is the test Radicale: any user name logs in with Password.
type DAV struct {
	URL      string // ends in /
	Password string
}

// Radicale returns the test Radicale, skipping or failing tb without one.
func Radicale(tb testing.TB) *DAV {
	tb.Helper()
	need(tb, "NEXO_TEST_DAV_URL", "NEXO_TEST_DAV_PASSWORD")
	return &DAV{URL: os.Getenv("NEXO_TEST_DAV_URL"), Password: os.Getenv("NEXO_TEST_DAV_PASSWORD")}
}

// Do sends a DAV request as user and fails tb on anything but a 2xx answer.
func (d *DAV) Do(tb testing.TB, user, method, path, contentType, body string) {
	tb.Helper()
	req, err := http.NewRequest(method, strings.TrimSuffix(d.URL, "/")+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.SetBasicAuth(user, d.Password)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		tb.Fatalf("%s %s: %s", method, path, resp.Status)
	}
}

// Calendar creates a calendar of user (MKCALENDAR) and returns its path.
func (d *DAV) Calendar(tb testing.TB, user, name string) string {
	tb.Helper()
	p := "/" + user + "/" + name + "/"
	d.Do(tb, user, "MKCALENDAR", p, "", "")
	return p
}

// AddressBook creates an address book of user (extended MKCOL) and returns its path.
func (d *DAV) AddressBook(tb testing.TB, user, name string) string {
	tb.Helper()
	p := "/" + user + "/" + name + "/"
	d.Do(tb, user, "MKCOL", p, "application/xml", `<?xml version="1.0" encoding="utf-8"?>
<mkcol xmlns="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><set><prop>
<resourcetype><collection/><CR:addressbook/></resourcetype></prop></set></mkcol>`)
	return p
}

// PutEvent stores an iCalendar object (CalDAV PUT).
func (d *DAV) PutEvent(tb testing.TB, user, calendar, name, ics string) {
	tb.Helper()
	d.Do(tb, user, "PUT", calendar+name+".ics", "text/calendar; charset=utf-8", strings.ReplaceAll(ics, "\n", "\r\n"))
}

// Delete removes an object.
func (d *DAV) Delete(tb testing.TB, user, path string) {
	tb.Helper()
	d.Do(tb, user, "DELETE", path, "", "")
}

// PutCard stores a vCard (CardDAV PUT).
func (d *DAV) PutCard(tb testing.TB, user, book, name, vcf string) {
	tb.Helper()
	d.Do(tb, user, "PUT", book+name+".vcf", "text/vcard; charset=utf-8", strings.ReplaceAll(vcf, "\n", "\r\n"))
}

// AppendMany stores n generated messages in a folder with IMAP APPEND,
// pipelined: go-imap waits for a continuation per literal unless the server
// says LITERAL-, so this speaks the protocol itself with LITERAL+ literals
// (which Dovecot takes), and fills tens of thousands in seconds.
func (s *IMAP) AppendMany(tb testing.TB, user, folder string, n int, gen func(i int) []byte) {
	tb.Helper()
	c := s.Client(tb, user)
	AppendWith(tb, c, folder) // creates the folder
	_ = c.Logout().Wait()
	conn, err := tls.Dial("tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.TLSPort)), &tls.Config{RootCAs: s.CA, ServerName: s.Host})
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	w := bufio.NewWriterSize(conn, 1<<20)
	quote := func(v string) string {
		return `"` + strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), `"`, `\"`) + `"`
	}
	fmt.Fprintf(w, "L LOGIN %s %s\r\n", quote(user), quote(s.Password))
	const batch = 1000
	read := func(tag string) {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				tb.Fatalf("append: %v", err)
			}
			if strings.HasPrefix(line, tag+" ") {
				if !strings.HasPrefix(line, tag+" OK") {
					tb.Fatalf("append: %s", line)
				}
				return
			}
		}
	}
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		for i := start; i < end; i++ {
			m := gen(i)
			fmt.Fprintf(w, "A%d APPEND %s {%d+}\r\n", i, quote(folder), len(m))
			w.Write(m)
			w.WriteString("\r\n")
		}
		if err := w.Flush(); err != nil {
			tb.Fatalf("append: %v", err)
		}
		if start == 0 {
			read("L")
		}
		for i := start; i < end; i++ {
			read(fmt.Sprintf("A%d", i))
		}
	}
	fmt.Fprintf(w, "Z LOGOUT\r\n")
	w.Flush()
}
