package report

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/nexohq/nexo/graph"
)

// MailConfig says how to reach the SMTP server (NEXO_SMTP_* in cmd/nexo).
type MailConfig struct {
	Addr     string // host:port; empty: email is not configured
	Username string // with Password, AUTH PLAIN (only over TLS)
	Password string
	From     string // the From address, "Nexo <nexo@example.com>"
	// TLS is "starttls" (the default: upgrade a plain connection, refusing a
	// server that cannot), "tls" (implicit TLS, port 465) or "none".
	TLS string
	// TLSConfig, when set, replaces the default TLS settings (such as the
	// root CAs); its ServerName defaults to the host of Addr.
	TLSConfig *tls.Config
}

// TLS modes of MailConfig.
const (
	TLSStartTLS = "starttls"
	TLSImplicit = "tls"
	TLSNone     = "none"
)

// Check reports whether the configuration can be used.
func (c MailConfig) Check() error {
	if c.Addr == "" {
		return nil
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("NEXO_SMTP_ADDR %q: want host:port", c.Addr)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("NEXO_SMTP_FROM %q: %v", c.From, err)
	}
	switch c.TLS {
	case "", TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return fmt.Errorf("NEXO_SMTP_TLS %q: want starttls, tls or none", c.TLS)
	}
	return nil
}

// egoCID is the Content-ID of the ego map attached to the email.
const egoCID = "egomap@nexo"

// sendEmail sends the report to the delivery's address: a multipart
// message with the Markdown as text and the HTML with the ego map inline.
func (s *Service) sendEmail(ctx context.Context, d *graph.Delivery, rep *graph.Report, r *Report) error {
	cfg := s.cfg.Mail
	if cfg.Addr == "" {
		return permanent{errors.New("email is not configured (set NEXO_SMTP_ADDR and NEXO_SMTP_FROM)")}
	}
	if err := cfg.Check(); err != nil {
		return permanent{err}
	}
	png, err := s.EgoPNG(ctx, r)
	if err != nil {
		s.log.Warn("report ego map not drawn; sending without it", slog.String("report", rep.ID), slog.String("error", err.Error()))
		png = nil
	}
	msg, err := emailMessage(cfg.From, d, rep, r, png, s.Now())
	if err != nil {
		return permanent{err}
	}
	from, _ := mail.ParseAddress(cfg.From)
	return smtpSend(ctx, cfg, from.Address, d.Target, msg, s.cfg.SendTimeout)
}

// Subject is the email subject of a report.
func Subject(r *Report) string {
	t := textsFor(r.Member.Locale)
	if t.Locale() == "es" {
		return fmt.Sprintf("%s: %d vínculos que recuperar, %d seguimientos", t.title, len(r.Dormant), len(r.FollowUps))
	}
	return fmt.Sprintf("%s: %d ties to revive, %d follow-ups", t.title, len(r.Dormant), len(r.FollowUps))
}

// emailMessage builds the RFC 5322 message. The Message-ID is derived from
// the delivery, so a receiving system can drop a repeat.
func emailMessage(from string, d *graph.Delivery, rep *graph.Report, r *Report, png []byte, now time.Time) ([]byte, error) {
	domain := "nexo.invalid"
	if a, err := mail.ParseAddress(from); err == nil {
		if _, host, ok := strings.Cut(a.Address, "@"); ok {
			domain = host
		}
	}
	src := ""
	if png != nil {
		src = "cid:" + egoCID
	}
	html, err := HTML(r, src)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	alt := multipart.NewWriter(&b)
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", from)
	hdr("To", d.Target)
	hdr("Subject", mime.QEncoding.Encode("utf-8", Subject(r)))
	hdr("Date", now.Format(time.RFC1123Z))
	hdr("Message-ID", "<"+d.ID+"."+rep.ID+"@"+domain+">")
	hdr("MIME-Version", "1.0")
	hdr("X-Nexo-Report", rep.ID)
	hdr("Content-Language", r.Member.Locale)
	hdr("Content-Type", "multipart/alternative; boundary="+alt.Boundary())
	b.WriteString("\r\n")

	if err := qpPart(alt, "text/plain; charset=utf-8", Markdown(r)); err != nil {
		return nil, err
	}
	if png == nil {
		if err := qpPart(alt, "text/html; charset=utf-8", html); err != nil {
			return nil, err
		}
		err := alt.Close()
		return b.Bytes(), err
	}
	// multipart/related holds the HTML and the image it shows by Content-ID:
	// what mail clients display inline (many block data: URIs).
	var rel bytes.Buffer
	related := multipart.NewWriter(&rel)
	if err := qpPart(related, "text/html; charset=utf-8", html); err != nil {
		return nil, err
	}
	ph := textproto.MIMEHeader{}
	ph.Set("Content-Type", "image/png")
	ph.Set("Content-Transfer-Encoding", "base64")
	ph.Set("Content-ID", "<"+egoCID+">")
	ph.Set("Content-Disposition", `inline; filename="ego-map.png"`)
	pw, err := related.CreatePart(ph)
	if err != nil {
		return nil, err
	}
	if err := writeBase64Lines(pw, png); err != nil {
		return nil, err
	}
	if err := related.Close(); err != nil {
		return nil, err
	}
	rh := textproto.MIMEHeader{}
	rh.Set("Content-Type", `multipart/related; type="text/html"; boundary=`+related.Boundary())
	w, err := alt.CreatePart(rh)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(rel.Bytes()); err != nil {
		return nil, err
	}
	if err := alt.Close(); err != nil { // writes the closing boundary
		return nil, err
	}
	return b.Bytes(), nil
}

func qpPart(mw *multipart.Writer, contentType string, body []byte) error {
	h := textproto.MIMEHeader{}
	h.Set("Content-Type", contentType)
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	w, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write(body); err != nil {
		return err
	}
	return qp.Close()
}

// writeBase64Lines writes base64 in lines of 76 characters (RFC 2045).
func writeBase64Lines(w io.Writer, data []byte) error {
	enc := []byte(base64.StdEncoding.EncodeToString(data))
	for len(enc) > 0 {
		n := min(76, len(enc))
		if _, err := w.Write(append(enc[:n:n], '\r', '\n')); err != nil {
			return err
		}
		enc = enc[n:]
	}
	return nil
}

// smtpSend submits one message. A 5xx answer is permanent; anything else
// (connection, TLS, 4xx) may be retried.
func smtpSend(ctx context.Context, cfg MailConfig, from, to string, msg []byte, timeout time.Duration) error {
	host, _, _ := net.SplitHostPort(cfg.Addr)
	tc := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if cfg.TLSConfig != nil {
		tc = cfg.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = host
		}
	}
	dialer := &net.Dialer{Timeout: timeout}
	conn, err := dialer.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("connect to smtp %s: %w", cfg.Addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	var c *smtp.Client
	switch cfg.TLS {
	case TLSImplicit:
		c = smtp.NewClient(tls.Client(conn, tc))
	case TLSNone:
		c = smtp.NewClient(conn)
	default:
		if c, err = smtp.NewClientStartTLS(conn, tc); err != nil {
			conn.Close()
			return fmt.Errorf("smtp starttls with %s: %w", cfg.Addr, err)
		}
	}
	defer c.Close()
	c.CommandTimeout, c.SubmissionTimeout = timeout, timeout
	if cfg.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", cfg.Username, cfg.Password)); err != nil {
			return smtpError("smtp auth", err)
		}
	}
	if err := c.SendMail(from, []string{to}, bytes.NewReader(msg)); err != nil {
		return smtpError("smtp send", err)
	}
	_ = c.Quit()
	return nil
}

func smtpError(what string, err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 {
		return permanent{fmt.Errorf("%s: %w", what, err)}
	}
	return fmt.Errorf("%s: %w", what, err)
}
