package report

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nexohq/nexo/graph"
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

// sendWebhook posts the report, signed, to the delivery's URL. Answers 2xx
// are success; 408, 429 and 5xx (and no answer) are retried; other answers
// are permanent failures.
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
		return permanent{fmt.Errorf("webhook request: %w", err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Nexo-Webhook/1")
	req.Header.Set(HeaderEvent, EventReport)
	req.Header.Set(HeaderDelivery, d.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(HeaderSignature, Sign(secret, now.Unix(), body))
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("post webhook: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("webhook answered %s: %s", resp.Status, strings.TrimSpace(string(snippet)))
	if resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return err
	}
	return permanent{err}
}
