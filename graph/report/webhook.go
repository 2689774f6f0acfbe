package report

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/outbound"
)

// WebhookConfig holds the secret that signs webhook deliveries
// (NEXO_WEBHOOK_SECRET in cmd/nexo).
type WebhookConfig struct {
	Secret string
}

// Webhook headers. The signature is
//
//	X-Nexo-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + "." + body))
//
// with the timestamp of X-Nexo-Timestamp (Unix seconds), so a receiver can
// refuse old or replayed deliveries; X-Nexo-Delivery identifies the delivery
// for dropping a repeat.
const (
	HeaderSignature = "X-Nexo-Signature"
	HeaderTimestamp = "X-Nexo-Timestamp"
	HeaderDelivery  = "X-Nexo-Delivery"
	HeaderEvent     = "X-Nexo-Event"
)

// EventReport is the event of a report delivery.
const EventReport = "report.created"

// WebhookPayload is the JSON body of a webhook delivery.
type WebhookPayload struct {
	Event      string    `json:"event"`
	DeliveryID string    `json:"delivery_id"`
	ReportID   string    `json:"report_id"`
	UserID     string    `json:"user_id"`
	Period     string    `json:"period"`
	Subject    string    `json:"subject"`
	Markdown   string    `json:"markdown"`
	Report     *Report   `json:"report"`
	SentAt     time.Time `json:"sent_at"`
}

// Sign returns the X-Nexo-Signature value of a body sent at timestamp.
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10) + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks a received delivery: the signature over the body
// and a timestamp within tolerance of now. Receivers written in Go can use it.
func VerifySignature(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(h.Get(HeaderTimestamp), 10, 64)
	if err != nil {
		return errors.New("webhook: missing or malformed " + HeaderTimestamp)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook: timestamp outside tolerance")
	}
	if !hmac.Equal([]byte(h.Get(HeaderSignature)), []byte(Sign(secret, ts, body))) {
		return errors.New("webhook: signature mismatch")
	}
	return nil
}

// sendWebhook posts the report, signed, to the delivery's URL through the
// outbound policy. Answers 2xx are success; 408, 429 and 5xx (and no answer)
// are retried; other answers, redirects (never followed) and a receiver the
// policy refuses are permanent failures. The error a member sees names the
// status code and a category, never what the receiver wrote back.
func (s *Service) sendWebhook(ctx context.Context, d *graph.Delivery, rep *graph.Report, r *Report) error {
	secret := s.cfg.Webhook.Secret
	if secret == "" {
		return permanent{errors.New("webhooks are not configured (set NEXO_WEBHOOK_SECRET)")}
	}
	now := s.Now()
	body, err := json.Marshal(WebhookPayload{Event: EventReport, DeliveryID: d.ID, ReportID: rep.ID, UserID: rep.UserID,
		Period: rep.Period, Subject: Subject(r), Markdown: string(Markdown(r)), Report: r, SentAt: now})
	if err != nil {
		return permanent{err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Target, bytes.NewReader(body))
	if err != nil {
		return permanent{&receiverError{"the webhook URL cannot be used", err}}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Nexo-Webhook/1")
	req.Header.Set(HeaderEvent, EventReport)
	req.Header.Set(HeaderDelivery, d.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(HeaderSignature, Sign(secret, now.Unix(), body))
	resp, err := s.webhooks.Do(req)
	if err != nil {
		return connectError(err)
	}
	defer resp.Body.Close()
	// Read a little so the connection can be reused; it is never shown.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return nil
	case code >= 300 && code < 400:
		return permanent{&receiverError{msg: fmt.Sprintf("the receiver answered %d, a redirect: redirects are not followed "+
			"(set the webhook to the URL it redirects to)", code)}}
	case code == http.StatusRequestTimeout:
		return &receiverError{msg: fmt.Sprintf("the receiver answered %d, a timeout; will retry", code)}
	case code == http.StatusTooManyRequests:
		return &receiverError{msg: fmt.Sprintf("the receiver answered %d, too many requests; will retry", code)}
	case code >= 500:
		return &receiverError{msg: fmt.Sprintf("the receiver answered %d, a server error; will retry", code)}
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return permanent{&receiverError{msg: fmt.Sprintf("the receiver answered %d, refusing the delivery "+
			"(does it check the signature with the right secret?)", code)}}
	case code == http.StatusNotFound || code == http.StatusGone:
		return permanent{&receiverError{msg: fmt.Sprintf("the receiver answered %d: no webhook at that URL", code)}}
	}
	return permanent{&receiverError{msg: fmt.Sprintf("the receiver answered %d, refusing the delivery", code)}}
}

// receiverError is a failed webhook attempt: msg is what the member sees in
// last_error, cause what the operator's log gets.
type receiverError struct {
	msg   string
	cause error
}

func (e *receiverError) Error() string { return e.msg }
func (e *receiverError) Unwrap() error { return e.cause }

// connectError says in a category why no answer came; a receiver the
// outbound policy refuses is a permanent failure.
func connectError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its text holds the URL, which may carry the receiver's secret
	}
	var refused *outbound.Error
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	switch {
	case errors.As(err, &refused):
		return permanent{&receiverError{"the webhook's address is not allowed (" + refused.Reason +
			"); an operator can allow it with NEXO_OUTBOUND_ALLOW", err}}
	case errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err):
		return &receiverError{"the receiver did not answer in time; will retry", err}
	case errors.As(err, &dns):
		return &receiverError{"the receiver's host name could not be resolved; will retry", err}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &receiverError{"the receiver refused the connection; will retry", err}
	case errors.As(err, &cert):
		return &receiverError{"the receiver's TLS certificate was not accepted; will retry", err}
	}
	return &receiverError{"the receiver could not be reached; will retry", err}
}

// errorCause is the operator's view of a delivery error: the cause behind
// what the member is shown, or "".
func errorCause(err error) string {
	var re *receiverError
	if errors.As(err, &re) && re.cause != nil {
		return re.cause.Error()
	}
	return ""
}

// CheckWebhookURL refuses, when it is set, a webhook URL that could never
// be delivered to: not http(s), or a host that is an address the outbound
// policy refuses, written in any form. A host name passes here; what it
// resolves to is checked at each delivery.
func (s *Service) CheckWebhookURL(u string) error {
	var e *outbound.Error
	err := s.cfg.Outbound.CheckURL(strings.TrimSpace(u))
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e) && e.Addr.IsValid() || e != nil && e.Reason == outbound.ReasonNumeric:
		return graph.FieldErrorf("webhook_url", "The webhook must go to a public address; %s is %s.", e.Host, e.Reason)
	}
	return graph.FieldErrorf("webhook_url", "The webhook must be an http(s) URL.")
}
