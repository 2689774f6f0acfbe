package api_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
	"github.com/nexohq/nexo/graph/outbound"
	"github.com/nexohq/nexo/graph/report"
)

// Rendered reports are text; the contract checks them as such.
func init() {
	openapi3filter.RegisterBodyDecoder("text/markdown", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
}

// get fetches a path and returns the status, content type and body.
func (c *client) get(path string) (int, string, string) {
	c.tb.Helper()
	req, _ := http.NewRequest("GET", c.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestReports(t *testing.T) {
	var mu sync.Mutex
	var hooks []*http.Request
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hooks = append(hooks, r)
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer recv.Close()
	c := newServer(t, func(o *api.Options) {
		local, _ := outbound.NewPolicy([]string{"127.0.0.1"}) // the receiver
		o.Reports = report.NewService(report.Config{Store: o.Store, Webhook: report.WebhookConfig{Secret: "whsec"}, Outbound: local})
		t.Cleanup(func() { o.Reports.Close() })
	})
	var ana graph.Person
	c.do("POST", "/api/v1/people", map[string]any{"name": "Ana García"}, &ana)
	if code := c.do("POST", "/api/v1/interactions", map[string]any{"kind": "coffee", "with": []string{ana.ID},
		"at": time.Now().AddDate(-1, 0, 0).Format("2006-01-02"), "initiated_by": "me"}, nil); code != 201 {
		t.Fatalf("log interaction: got %d", code)
	}

	settings := "/api/v1/members/" + c.user.ID + "/report-settings"
	var e apiError
	if code := c.do("PATCH", settings, map[string]any{"schedule": "every monday"}, &e); code != 422 || e.Error.Field != "schedule" {
		t.Fatalf("bad schedule: got %d %+v, want 422 on schedule", code, e)
	}
	if code := c.do("PATCH", settings, map[string]any{"webhook_url": "ftp://x"}, &e); code != 422 || e.Error.Field != "webhook_url" {
		t.Fatalf("bad webhook: got %d %+v", code, e)
	}
	// Internal targets are refused when set (issue 12 item 2); the
	// delivery's dial-time check stays the real guard.
	for _, u := range []string{"http://169.254.169.254/latest/meta-data/", "http://[::1]:7474/", "http://2130706433/",
		"http://0x7f.1/", "http://10.0.0.1:7474/", "https://[fd00::1]/", "gopher://example.com/"} {
		if code := c.do("PATCH", settings, map[string]any{"webhook_url": u}, &e); code != 422 || e.Error.Field != "webhook_url" {
			t.Fatalf("webhook %s: got %d %+v, want 422 on webhook_url", u, code, e)
		}
	}
	var view struct {
		Settings    graph.ReportSettings
		Schedule    string
		DormantDays int        `json:"dormant_days"`
		NextRun     *time.Time `json:"next_run"`
	}
	if code := c.do("PATCH", settings, map[string]any{"webhook_url": recv.URL, "schedule": "0 9 * * 5"}, &view); code != 200 ||
		view.Settings.WebhookURL != recv.URL || view.Schedule != "0 9 * * 5" || view.DormantDays != 180 ||
		view.NextRun == nil || view.NextRun.Weekday() != time.Friday {
		t.Fatalf("settings: got %d %+v", code, view)
	}
	// Settings stay out of member listings.
	if _, _, body := c.get("/api/v1/members/" + c.user.ID); strings.Contains(body, recv.URL) {
		t.Fatalf("member view shows the webhook: %s", body)
	}

	var rep graph.Report
	if code := c.do("POST", "/api/v1/reports", map[string]any{}, &rep); code != 201 || rep.Kind != graph.ReportOnDemand ||
		len(rep.Deliveries) != 1 || rep.Deliveries[0].Channel != graph.ChannelWebhook || len(rep.Body) == 0 {
		t.Fatalf("create: got %d %+v", code, rep)
	}
	// Delivered in the background; the state shows in the API.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got graph.Report
		c.do("GET", "/api/v1/reports/"+rep.ID, nil, &got)
		if got.Deliveries[0].State == graph.DeliverySent {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery: got %+v, want sent", got.Deliveries[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	if len(hooks) != 1 || hooks[0].Header.Get(report.HeaderDelivery) != rep.Deliveries[0].ID {
		t.Fatalf("webhook receiver got %d calls", len(hooks))
	}
	mu.Unlock()
	if code := c.do("POST", "/api/v1/reports/"+rep.ID+"/deliveries/"+rep.Deliveries[0].ID+"/retry", nil, &e); code != 409 {
		t.Fatalf("retry of a sent delivery: got %d, want 409", code)
	}
	if code := c.do("POST", "/api/v1/reports", map[string]any{"deliver": false}, &rep); code != 201 || len(rep.Deliveries) != 0 {
		t.Fatalf("create without delivery: got %d, %d deliveries", code, len(rep.Deliveries))
	}

	// An email with no SMTP configured fails, visibly; a retry makes it pending again.
	c.do("PATCH", settings, map[string]any{"webhook_url": "", "email": "owner@example.com"}, nil)
	var failed graph.Report
	c.do("POST", "/api/v1/reports", map[string]any{}, &failed)
	var sv struct {
		LastReport graph.Report `json:"last_report"`
	}
	deadline = time.Now().Add(10 * time.Second)
	for c.do("GET", settings, nil, &sv); sv.LastReport.Deliveries[0].State != graph.DeliveryFailed; c.do("GET", settings, nil, &sv) {
		if time.Now().After(deadline) {
			t.Fatalf("delivery: got %+v, want failed", sv.LastReport.Deliveries[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
	if d := sv.LastReport.Deliveries[0]; sv.LastReport.ID != failed.ID || !strings.Contains(d.LastError, "NEXO_SMTP_ADDR") {
		t.Fatalf("settings' last report: got %+v", sv.LastReport)
	}
	var retried graph.Delivery
	if code := c.do("POST", "/api/v1/reports/"+failed.ID+"/deliveries/"+failed.Deliveries[0].ID+"/retry", nil, &retried); code != 200 ||
		retried.State != graph.DeliveryPending {
		t.Fatalf("retry: got %d %+v", code, retried)
	}

	var list struct {
		Items []graph.Report
		Total int
	}
	if code := c.do("GET", "/api/v1/reports", nil, &list); code != 200 || list.Total != 3 || list.Items[0].Body != nil {
		t.Fatalf("list: got %d, %d reports", code, list.Total)
	}
	code, ctype, body := c.get("/api/v1/reports/" + rep.ID + "?format=md")
	if code != 200 || !strings.HasPrefix(ctype, "text/markdown") || !strings.HasPrefix(body, "# Your network this week — Owner") {
		t.Fatalf("markdown: got %d %s\n%s", code, ctype, body)
	}
	code, ctype, body = c.get("/api/v1/reports/" + rep.ID + "?format=html")
	if code != 200 || !strings.HasPrefix(ctype, "text/html") || !strings.Contains(body, `<img src="data:image/png;base64,`) {
		t.Fatalf("html: got %d %s\n%.500s", code, ctype, body)
	}
	if code, _, _ := c.get("/api/v1/reports/" + rep.ID + "?format=pdf"); code != 400 {
		t.Fatalf("unknown format: got %d, want 400", code)
	}
	code, _, body = c.get("/api/v1/reports/preview?format=md")
	if code != 200 || !strings.Contains(body, "## Network health") {
		t.Fatalf("preview: got %d\n%s", code, body)
	}
	if c.do("GET", "/api/v1/reports", nil, &list); list.Total != 3 {
		t.Fatalf("a preview was stored: %d reports", list.Total)
	}

	// Another member sees neither the owner's reports nor their settings.
	p := &graph.Person{WorkspaceID: c.ws.ID, Name: "Member"}
	store := neo4jtest.Open(t)
	if err := store.CreatePerson(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	m := &graph.User{WorkspaceID: c.ws.ID, Name: "Member", Role: graph.RoleMember, PersonID: p.ID}
	if err := store.CreateUser(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	mc := c.as(m)
	if code := mc.do("GET", "/api/v1/reports/"+rep.ID, nil, &e); code != 404 {
		t.Fatalf("member reads owner's report: got %d, want 404", code)
	}
	if code := mc.do("GET", "/api/v1/reports?member="+c.user.ID, nil, &e); code != 403 {
		t.Fatalf("member lists owner's reports: got %d, want 403", code)
	}
	if code := mc.do("PATCH", settings, map[string]any{"paused": true}, &e); code != 403 {
		t.Fatalf("member changes owner's settings: got %d, want 403", code)
	}
	if code := mc.do("GET", "/api/v1/reports", nil, &list); code != 200 || list.Total != 0 {
		t.Fatalf("member's own reports: got %d, %d", code, list.Total)
	}
	// Owners may run a member's report.
	if code := c.do("POST", "/api/v1/reports", map[string]any{"member_id": m.ID}, &rep); code != 201 || rep.UserID != m.ID {
		t.Fatalf("owner runs member's report: got %d %+v", code, rep)
	}
}
