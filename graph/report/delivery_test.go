package report_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/outbound"
	"github.com/nexohq/nexo/graph/report"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newService(tb testing.TB, f *fixture, mb *mailbox, c *clock, mod ...func(*report.Config)) *report.Service {
	tb.Helper()
	local, err := outbound.NewPolicy([]string{"127.0.0.1"}) // the test receivers
	if err != nil {
		tb.Fatal(err)
	}
	cfg := report.Config{Store: onlyWorkspace{f.store, f.ws}, Now: c.Now, Webhook: report.WebhookConfig{Secret: "whsec"}, SendTimeout: 10 * time.Second,
		Outbound: local}
	if mb != nil {
		cfg.Mail = report.MailConfig{Addr: mb.Addr, Username: smtpUser, Password: smtpPassword,
			From: "Nexo <nexo@example.com>", TLS: report.TLSStartTLS, TLSConfig: &tls.Config{RootCAs: mb.Roots}}
	}
	for _, m := range mod {
		m(&cfg)
	}
	svc := report.NewService(cfg)
	tb.Cleanup(func() { svc.Close() })
	return svc
}

// onlyWorkspace is the store as the fixture's scheduler sees it: its own
// workspace alone. The test Neo4j is shared by every package's tests, run
// at once, and a scheduler on the fixture's clock (days ahead) would send
// their members' reports and end their deliveries as interrupted.
type onlyWorkspace struct {
	graph.Store
	ws *graph.Workspace
}

func (o onlyWorkspace) FindWorkspaces(context.Context) ([]*graph.Workspace, error) {
	return []*graph.Workspace{o.ws}, nil
}

// generate stores an on-demand report of u at the clock's time.
func generate(tb testing.TB, svc *report.Service, f *fixture, u *graph.User) *graph.Report {
	tb.Helper()
	net, err := svc.Network(ctx, f.ws.ID, svc.Now())
	if err != nil {
		tb.Fatal(err)
	}
	rep, err := svc.Generate(ctx, f.ws.ID, u, net, "", graph.ReportOnDemand, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return rep
}

func setReport(tb testing.TB, f *fixture, set graph.ReportSettings) *graph.User {
	tb.Helper()
	u, err := f.store.UpdateUser(ctx, f.ws.ID, f.owner.ID, graph.UserUpdate{Report: &graph.ReportSettingsUpdate{
		Email: &set.Email, WebhookURL: &set.WebhookURL}})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func delivery(tb testing.TB, f *fixture, id string) *graph.Delivery {
	tb.Helper()
	rep, err := f.store.FindReport(ctx, f.ws.ID, id)
	if err != nil || len(rep.Deliveries) != 1 {
		tb.Fatalf("report %s: %v, %d deliveries", id, err, len(rep.Deliveries))
	}
	return rep.Deliveries[0]
}

// mimePart is a leaf part of a received message, decoded.
type mimePart struct {
	header map[string][]string
	body   []byte
}

// parts walks a MIME message and returns its leaf parts by content type.
func parts(tb testing.TB, contentType string, body io.Reader) map[string]mimePart {
	tb.Helper()
	out := map[string]mimePart{}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		tb.Fatal(err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		b, _ := io.ReadAll(body)
		out[mt] = mimePart{body: b}
		return out
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		} else if err != nil {
			tb.Fatal(err)
		}
		var r io.Reader = p
		if p.Header.Get("Content-Transfer-Encoding") == "base64" {
			r = base64.NewDecoder(base64.StdEncoding, p)
		}
		ct := p.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "multipart/") {
			for k, v := range parts(tb, ct, r) {
				out[k] = v
			}
			continue
		}
		b, err := io.ReadAll(r)
		if err != nil {
			tb.Fatal(err)
		}
		mt, _, _ := mime.ParseMediaType(ct)
		out[mt] = mimePart{header: p.Header, body: b}
	}
}

// TestEmail sends a report to a real SMTP server started here, over STARTTLS
// and over implicit TLS, and reads what arrived.
func TestEmail(t *testing.T) {
	f := newFixture(t)
	u := setReport(t, f, graph.ReportSettings{Email: "owner@example.com"})
	for _, mode := range []string{report.TLSStartTLS, report.TLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			mb := startMailbox(t, mode == report.TLSImplicit)
			c := &clock{t: now}
			svc := newService(t, f, mb, c, func(cfg *report.Config) { cfg.Mail.TLS = mode })
			rep := generate(t, svc, f, u)
			d := rep.Deliveries[0]
			if ok, err := svc.Deliver(ctx, d); err != nil || !ok {
				t.Fatalf("deliver: got %v, %v", ok, err)
			}
			got := mb.received()
			if len(got) != 1 {
				t.Fatalf("got %d messages, want 1", len(got))
			}
			m := got[0]
			if m.From != "nexo@example.com" || len(m.To) != 1 || m.To[0] != "owner@example.com" || !m.TLS || m.User != smtpUser {
				t.Fatalf("envelope: got from %q to %v, TLS %v, user %q", m.From, m.To, m.TLS, m.User)
			}
			msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
			if err != nil {
				t.Fatal(err)
			}
			subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if subject != "Your network this week: 2 ties to revive, 2 follow-ups" {
				t.Errorf("subject: got %q", subject)
			}
			if id := msg.Header.Get("Message-ID"); !strings.Contains(id, d.ID) || msg.Header.Get("X-Nexo-Report") != rep.ID {
				t.Errorf("Message-ID %q, X-Nexo-Report %q: want the delivery and report ids", id, msg.Header.Get("X-Nexo-Report"))
			}
			ps := parts(t, msg.Header.Get("Content-Type"), msg.Body)
			if text := string(ps["text/plain"].body); !strings.Contains(text, "1. **Marta López**") ||
				!strings.Contains(text, "> Hi Marta, I just saw you're now at Globex") {
				t.Errorf("text part:\n%s", text)
			}
			html := string(ps["text/html"].body)
			if !strings.Contains(html, `<img src="cid:egomap@nexo"`) || !strings.Contains(html, "<strong>Marta López</strong>") {
				t.Errorf("html part lacks the inline map or Marta:\n%.2000s", html)
			}
			img := ps["image/png"]
			if cid := strings.Join(img.header["Content-Id"], ""); cid != "<egomap@nexo>" {
				t.Errorf("image Content-ID: got %q", cid)
			}
			cfg, err := png.DecodeConfig(bytes.NewReader(img.body))
			if err != nil || cfg.Width < 100 || cfg.Height < 100 {
				t.Errorf("ego map: got %dx%d, %v; want a PNG", cfg.Width, cfg.Height, err)
			}
			if d := delivery(t, f, rep.ID); d.State != graph.DeliverySent || d.Attempts != 1 || !d.SentAt.Equal(now) {
				t.Errorf("delivery: got %+v, want sent once", d)
			}
		})
	}
}

// TestEmailRetry shows the backoff after a temporary refusal, and that a
// permanent refusal fails the delivery at once.
func TestEmailRetry(t *testing.T) {
	f := newFixture(t)
	u := setReport(t, f, graph.ReportSettings{Email: "owner@example.com"})
	mb := startMailbox(t, false)
	c := &clock{t: now}
	svc := newService(t, f, mb, c, func(cfg *report.Config) { cfg.Backoff = time.Minute })
	mb.reject = []error{&smtp.SMTPError{Code: 451, Message: "try again later"}}
	rep := generate(t, svc, f, u)
	if n, err := svc.DeliverDue(ctx, f.ws.ID); err != nil || n != 0 {
		t.Fatalf("first attempt: sent %d, %v; want 0", n, err)
	}
	d := delivery(t, f, rep.ID)
	if d.State != graph.DeliveryPending || d.Attempts != 1 || !strings.Contains(d.LastError, "try again later") ||
		!d.NextAttemptAt.Equal(now.Add(time.Minute)) {
		t.Fatalf("after 451: got %+v, want pending, retry in a minute", d)
	}
	if n, _ := svc.DeliverDue(ctx, f.ws.ID); n != 0 || len(mb.received()) != 0 {
		t.Fatalf("not due yet: sent %d", n)
	}
	c.Add(time.Minute)
	if n, err := svc.DeliverDue(ctx, f.ws.ID); err != nil || n != 1 {
		t.Fatalf("second attempt: sent %d, %v; want 1", n, err)
	}
	if d := delivery(t, f, rep.ID); d.State != graph.DeliverySent || d.Attempts != 2 || len(mb.received()) != 1 {
		t.Fatalf("after retry: got %+v and %d messages", d, len(mb.received()))
	}

	mb.reject = []error{&smtp.SMTPError{Code: 550, Message: "no such mailbox"}}
	rep = generate(t, svc, f, u)
	svc.DeliverDue(ctx, f.ws.ID)
	if d := delivery(t, f, rep.ID); d.State != graph.DeliveryFailed || d.Attempts != 1 || !strings.Contains(d.LastError, "no such mailbox") {
		t.Fatalf("after 550: got %+v, want failed", d)
	}

	// Without SMTP settings the delivery fails, saying why.
	bare := newService(t, f, nil, c)
	rep = generate(t, bare, f, u)
	bare.DeliverDue(ctx, f.ws.ID)
	if d := delivery(t, f, rep.ID); d.State != graph.DeliveryFailed || !strings.Contains(d.LastError, "NEXO_SMTP_ADDR") {
		t.Fatalf("unconfigured: got %+v", d)
	}
}

// TestWebhook posts a report to a real HTTP receiver that checks the HMAC
// signature itself, refuses the first attempt, and accepts the retry.
func TestWebhook(t *testing.T) {
	f := newFixture(t)
	var mu sync.Mutex
	var bodies [][]byte
	var headers []http.Header
	calls := 0
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte("whsec"))
		mac.Write([]byte(r.Header.Get("X-Nexo-Timestamp") + "."))
		mac.Write(body)
		if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); r.Header.Get("X-Nexo-Signature") != want {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		bodies, headers = append(bodies, body), append(headers, r.Header.Clone())
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	u := setReport(t, f, graph.ReportSettings{WebhookURL: recv.URL + "/hooks/nexo"})
	c := &clock{t: now}
	svc := newService(t, f, nil, c)
	rep := generate(t, svc, f, u)
	svc.DeliverDue(ctx, f.ws.ID)
	d := delivery(t, f, rep.ID)
	if d.State != graph.DeliveryPending || !strings.Contains(d.LastError, "503") {
		t.Fatalf("after 503: got %+v, want pending with the error", d)
	}
	c.Add(time.Minute)
	if n, err := svc.DeliverDue(ctx, f.ws.ID); err != nil || n != 1 {
		t.Fatalf("retry: sent %d, %v", n, err)
	}
	if len(bodies) != 1 {
		t.Fatalf("receiver accepted %d deliveries, want 1", len(bodies))
	}
	var p report.WebhookPayload
	if err := json.Unmarshal(bodies[0], &p); err != nil {
		t.Fatal(err)
	}
	if p.Event != report.EventReport || p.ReportID != rep.ID || p.DeliveryID != d.ID || p.UserID != f.owner.ID ||
		p.Report == nil || p.Report.Dormant[0].PersonID != f.marta || !strings.Contains(p.Markdown, "Marta López") {
		t.Fatalf("payload: got %+v", p)
	}
	h := headers[0]
	if h.Get("X-Nexo-Delivery") != d.ID || h.Get("X-Nexo-Timestamp") != strconv.FormatInt(now.Add(time.Minute).Unix(), 10) {
		t.Errorf("headers: got %v", h)
	}
	if err := report.VerifySignature("whsec", h, bodies[0], now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("VerifySignature: %v", err)
	}
	if err := report.VerifySignature("other", h, bodies[0], now.Add(time.Minute), 5*time.Minute); err == nil {
		t.Error("VerifySignature accepted the wrong secret")
	}
	if err := report.VerifySignature("whsec", h, append(bodies[0], ' '), now.Add(time.Minute), 5*time.Minute); err == nil {
		t.Error("VerifySignature accepted a changed body")
	}
	if err := report.VerifySignature("whsec", h, bodies[0], now.Add(time.Hour), 5*time.Minute); err == nil {
		t.Error("VerifySignature accepted an old delivery")
	}
	if d := delivery(t, f, rep.ID); d.State != graph.DeliverySent || d.Attempts != 2 {
		t.Errorf("delivery: got %+v", d)
	}

	// A receiver that refuses for good (404) fails the delivery at once.
	recvGone := httptest.NewServer(http.NotFoundHandler())
	defer recvGone.Close()
	u = setReport(t, f, graph.ReportSettings{WebhookURL: recvGone.URL})
	rep = generate(t, svc, f, u)
	svc.DeliverDue(ctx, f.ws.ID)
	if d := delivery(t, f, rep.ID); d.State != graph.DeliveryFailed || !strings.Contains(d.LastError, "404") {
		t.Errorf("after 404: got %+v, want failed", d)
	}
}

// webhookGuards are receivers a member must not be able to use to reach or
// read internal services (issue 12 item 2), each with what the delivery's
// last_error must say.
var webhookGuards = []struct {
	name    string
	allowed bool // the policy allows 127.0.0.1
	handler http.HandlerFunc
	state   graph.DeliveryState
	want    string
}{
	{"BodyNotEchoed", true, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "internal-secret-7f3a: root password is hunter2", http.StatusInternalServerError)
	}, graph.DeliveryPending, "the receiver answered 500, a server error"},
	{"ClientErrorNotEchoed", true, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "internal-secret-7f3a", http.StatusBadRequest)
	}, graph.DeliveryFailed, "the receiver answered 400"},
	{"RedirectNotFollowed", true, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/internal-secret-7f3a", http.StatusFound)
	}, graph.DeliveryFailed, "redirects are not followed"},
	{"LoopbackRefused", false, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "internal-secret-7f3a")
	}, graph.DeliveryFailed, "not allowed (a loopback address)"},
}

// TestWebhookGuard delivers to real receivers on 127.0.0.1 that try to
// leak their answer, redirect, or are internal, and checks that nothing
// they say reaches last_error and no redirect is followed.
func TestWebhookGuard(t *testing.T) {
	f := newFixture(t)
	for _, tt := range webhookGuards {
		t.Run(tt.name, func(t *testing.T) {
			var hits []string
			var mu sync.Mutex
			recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				hits = append(hits, r.Method+" "+r.URL.Path)
				mu.Unlock()
				tt.handler(w, r)
			}))
			defer recv.Close()
			u := setReport(t, f, graph.ReportSettings{WebhookURL: recv.URL + "/hook"})
			svc := newService(t, f, nil, &clock{t: now}, func(cfg *report.Config) {
				if !tt.allowed {
					cfg.Outbound = nil
				}
			})
			rep := generate(t, svc, f, u)
			svc.DeliverDue(ctx, f.ws.ID)
			d := delivery(t, f, rep.ID)
			if d.State != tt.state || !strings.Contains(d.LastError, tt.want) || strings.Contains(d.LastError, "secret-7f3a") ||
				strings.Contains(d.LastError, recv.URL) {
				t.Fatalf("delivery: state %s, last_error %q; want %s with %q and nothing of the receiver's", d.State, d.LastError, tt.state, tt.want)
			}
			mu.Lock()
			defer mu.Unlock()
			wantHits := 1
			if !tt.allowed {
				wantHits = 0
			}
			if len(hits) != wantHits {
				t.Fatalf("receiver hits %v, want %d", hits, wantHits)
			}
		})
	}
}
