package report

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/i18n"
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
	return fmt.Sprintf(t.subject, t.title, t.Count(len(r.Dormant), i18n.Ties), t.Count(len(r.FollowUps), i18n.FollowUps))
}

// emailMessage builds the RFC 5322 message (emersion/go-message encodes the
// headers and parts). The Message-ID is derived from the delivery, so a
// receiving system can drop a repeat.
func emailMessage(from string, d *graph.Delivery, rep *graph.Report, r *Report, png []byte, now time.Time) ([]byte, error) {
	fromAddr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("from address %q: %w", from, err)
	}
	domain := "nexo.invalid"
	if _, host, ok := strings.Cut(fromAddr.Address, "@"); ok {
		domain = host
	}
	src := ""
	if png != nil {
		src = "cid:" + egoCID
	}
	html, err := HTML(r, src)
	if err != nil {
		return nil, err
	}
	var h gomail.Header
	h.SetAddressList("From", []*gomail.Address{{Name: fromAddr.Name, Address: fromAddr.Address}})
	h.SetAddressList("To", []*gomail.Address{{Address: d.Target}})
	h.SetSubject(Subject(r))
	h.SetDate(now)
	h.SetMessageID(d.ID + "." + rep.ID + "@" + domain)
	h.Set("MIME-Version", "1.0")
	h.Set("X-Nexo-Report", rep.ID)
	h.Set("Content-Language", r.Member.Locale)
	h.SetContentType("multipart/alternative", nil)
	var b bytes.Buffer
	alt, err := message.CreateWriter(&b, h.Header)
	if err != nil {
		return nil, err
	}
	if err := part(alt, "text/plain", Markdown(r)); err != nil {
		return nil, err
	}
	body := alt
	if png != nil {
		// multipart/related holds the HTML and the image it shows by
		// Content-ID: what mail clients display inline (many block data: URIs).
		var rh message.Header
		rh.SetContentType("multipart/related", map[string]string{"type": "text/html"})
		if body, err = alt.CreatePart(rh); err != nil {
			return nil, err
		}
	}
	if err := part(body, "text/html", html); err != nil {
		return nil, err
	}
	if png != nil {
		var ih message.Header
		ih.SetContentType("image/png", nil)
		ih.Set("Content-Transfer-Encoding", "base64")
		ih.Set("Content-ID", "<"+egoCID+">")
		ih.SetContentDisposition("inline", map[string]string{"filename": "ego-map.png"})
		if err := writePart(body, ih, png); err != nil {
			return nil, err
		}
		if err := body.Close(); err != nil {
			return nil, err
		}
	}
	if err := alt.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// part writes a UTF-8 text part, quoted-printable.
func part(w *message.Writer, contentType string, text []byte) error {
	var h message.Header
	h.SetContentType(contentType, map[string]string{"charset": "utf-8"})
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	return writePart(w, h, text)
}

// writePart writes a part whose header says how to encode it.
func writePart(w *message.Writer, h message.Header, body []byte) error {
	pw, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := pw.Write(body); err != nil {
		return err
	}
	return pw.Close()
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
