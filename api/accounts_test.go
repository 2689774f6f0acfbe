package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/capture"
	"github.com/nexohq/nexo/graph/capture/capturetest"
)

// waitJob polls a job until it ends.
func (c *client) waitJob(id string) api.Job {
	c.tb.Helper()
	var j api.Job
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		c.must(200, "GET", "/api/v1/jobs/"+id, nil, &j)
		if j.State != api.JobRunning {
			return j
		}
	}
	c.tb.Fatalf("job %s still running", id)
	return j
}

// withCapture gives the server a capture service that reaches only
// 127.0.0.1 and trusts the test Dovecot's CA.
func withCapture(tb testing.TB, im *capturetest.IMAP) func(*api.Options) {
	return func(o *api.Options) {
		sealer, err := capture.NewSealer([]byte("an api test key of at least thirty-two bytes"))
		if err != nil {
			panic(err)
		}
		cfg := capture.Config{Store: o.Store, Sealer: sealer, Network: capturetest.Network(tb), Timeout: 10 * time.Second}
		if im != nil {
			cfg.RootCAs = im.CA
		}
		o.Capture = capture.NewService(cfg)
	}
}

func TestE2EAccounts(t *testing.T) {
	im := capturetest.Dovecot(t)
	c := newServer(t, quietLogs, withCapture(t, im))
	mate := c.member("Teammate", graph.RoleMember)
	addr := capturetest.NewUser("api")
	at := time.Now().UTC().Add(-48 * time.Hour)
	im.Append(t, addr, "Sent", capturetest.Mail{From: addr, To: "Ana <ana@globex.example>", Date: at, Subject: "Private plans",
		MessageID: "a1@x"}.Bytes())
	im.Append(t, addr, "INBOX", capturetest.Mail{From: "Ana <ana@globex.example>", To: addr, Date: at.Add(time.Hour),
		Subject: "Re: Private plans", MessageID: "a2@x", InReplyTo: "a1@x"}.Bytes())
	in := map[string]any{"kind": "imap", "host": im.Host, "port": im.TLSPort, "username": addr, "password": im.Password,
		"settings": map[string]any{"subjects": true}}

	t.Run("WrongPassword", func(t *testing.T) {
		bad := map[string]any{"kind": "imap", "host": im.Host, "port": im.TLSPort, "username": addr, "password": "nope"}
		e := c.in(t).fails(422, "POST", "/api/v1/accounts", bad)
		if !strings.Contains(e.Error.Message, "refused the user name or password") {
			t.Errorf("message %q", e.Error.Message)
		}
	})

	var a graph.Account
	code, raw := c.call("POST", "/api/v1/accounts", in)
	if code != 201 {
		t.Fatalf("connect: %d %s", code, raw)
	}
	if bytes.Contains(raw, []byte(im.Password)) || bytes.Contains(raw, []byte("secret")) {
		t.Fatalf("the answer holds the password: %s", raw)
	}
	mustJSON(t, raw, &a)
	c.fails(409, "POST", "/api/v1/accounts", in)
	mate.fails(404, "GET", "/api/v1/accounts/"+a.ID, nil)
	var mine struct{ Items []graph.Account }
	mate.must(200, "GET", "/api/v1/accounts", nil, &mine)
	if len(mine.Items) != 0 {
		t.Errorf("a teammate lists %d accounts of someone else", len(mine.Items))
	}

	var job api.Job
	c.must(202, "POST", "/api/v1/accounts/"+a.ID+"/sync", nil, &job)
	if j := c.waitJob(job.ID); j.State != api.JobSucceeded || j.Kind != "sync" {
		t.Fatalf("sync job: %+v", j)
	}
	c.must(200, "GET", "/api/v1/accounts/"+a.ID, nil, &a)
	if a.Status.State != graph.SyncOK || a.Status.Captured != 2 || a.Status.People != 1 {
		t.Errorf("status after the sync: %+v", a.Status)
	}

	var own, theirs struct {
		Items []graph.Interaction
		Total int
	}
	c.must(200, "GET", "/api/v1/interactions", nil, &own)
	mate.must(200, "GET", "/api/v1/interactions", nil, &theirs)
	if own.Total != 2 || own.Items[0].Notes != "Re: Private plans" || theirs.Total != 0 {
		t.Fatalf("interactions: mine %d (%+v), a teammate's view %d: want 2 with subjects, and none", own.Total, own.Items, theirs.Total)
	}
	mate.fails(404, "GET", "/api/v1/interactions/"+own.Items[0].ID, nil)

	// The teammate sees the effect: the tie and how much of it is captured mail.
	var strengths struct {
		Ties []struct {
			PersonID      string  `json:"person_id"`
			Captured      int     `json:"captured_interactions"`
			CapturedShare float64 `json:"captured_share"`
		}
	}
	var refresh api.Job
	mate.must(202, "POST", "/api/v1/analytics/refresh", nil, &refresh)
	mate.waitJob(refresh.ID)
	mate.must(200, "GET", "/api/v1/people/"+c.user.PersonID+"/strengths", nil, &strengths)
	if len(strengths.Ties) != 1 || strengths.Ties[0].Captured != 2 || strengths.Ties[0].CapturedShare != 1 {
		t.Errorf("strengths seen by a teammate: %+v, want one tie whose 2 interactions are captured", strengths.Ties)
	}

	var upd graph.Account
	c.must(200, "PATCH", "/api/v1/accounts/"+a.ID, map[string]any{"password": im.Password,
		"settings": map[string]any{"exclude_domains": []string{"spam.example"}}}, &upd)
	if upd.Settings.Subjects || len(upd.Settings.ExcludeDomains) != 1 {
		t.Errorf("settings after the change: %+v", upd.Settings)
	}
	c.fails(422, "PATCH", "/api/v1/accounts/"+a.ID, map[string]any{"password": "nope"})
	c.fails(422, "PATCH", "/api/v1/accounts/"+a.ID, map[string]any{"settings": map[string]any{"create_people": "some"}})

	t.Run("MboxUpload", func(t *testing.T) {
		mbox := fmt.Sprintf("From x Mon Jan  5 10:00:00 2026\nFrom: %s\nTo: bo@initech.example\nMessage-ID: <m1@x>\n\nhi\n\n"+
			"From x Mon Jan  5 11:00:00 2026\nFrom: bo@initech.example\nTo: %s\nMessage-ID: <m2@x>\n\nhi\n", addr, addr)
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "mail.mbox")
		fw.Write([]byte(mbox))
		mw.Close()
		code, _, raw := c.raw("POST", "/api/v1/imports", &body, map[string]string{"Content-Type": mw.FormDataContentType()})
		if code != 202 {
			t.Fatalf("upload: %d %s", code, raw)
		}
		var j api.Job
		mustJSON(t, raw, &j)
		j = c.waitJob(j.ID)
		var res struct{ Captured int }
		json.Unmarshal(j.Result, &res)
		if j.State != api.JobSucceeded || res.Captured != 2 {
			t.Errorf("mbox import job: %+v", j)
		}
	})

	c.must(200, "GET", "/app/accounts", nil, nil)
	mate.fails(404, "DELETE", "/api/v1/accounts/"+a.ID, nil)
	c.must(204, "DELETE", "/api/v1/accounts/"+a.ID, nil, nil)
	c.fails(404, "POST", "/api/v1/accounts/"+a.ID+"/sync", nil)
}

func mustJSON(tb testing.TB, raw []byte, v any) {
	tb.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		tb.Fatalf("decode %s: %v", raw, err)
	}
}

// TestBrowserAccounts opens the Connected accounts page: each account with
// its status and last error in plain words, and a sync-now button that
// runs a sync to its end.
func TestBrowserAccounts(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser test: %s is missing: %v", chromium, err)
		}
		t.Skipf("browser test skipped: %s is missing", chromium)
	}
	im := capturetest.Dovecot(t)
	c := newServer(t, quietLogs, withCapture(t, im))
	good := capturetest.NewUser("page")
	im.Append(t, good, "INBOX", capturetest.Mail{From: "Ana <ana@globex.example>", To: good, Date: time.Now().Add(-time.Hour),
		MessageID: "p1@x"}.Bytes())
	var ok, bad graph.Account
	c.must(201, "POST", "/api/v1/accounts", map[string]any{"kind": "imap", "host": im.Host, "port": im.TLSPort,
		"username": good, "password": im.Password}, &ok)
	c.must(201, "POST", "/api/v1/accounts", map[string]any{"kind": "imap", "host": im.Host, "port": im.TLSPort,
		"username": capturetest.NewUser("page"), "password": "revoked", "verify": false}, &bad)
	var job api.Job
	c.must(202, "POST", "/api/v1/accounts/"+bad.ID+"/sync", nil, &job)
	c.waitJob(job.ID)

	b := startBrowser(t)
	run := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v (page problems: %v)", what, err, b.problems())
		}
	}
	waitFor := func(what, expr string) {
		t.Helper()
		wctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
		defer cancel()
		if _, err := chromedp.Run(wctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			t.Fatalf("wait for %s: %v (page problems: %v)", what, err, b.problems())
		}
	}
	run("sign in", chromedp.Do(b.ctx, chromedp.Navigate(c.url+"/app/accounts"), chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), c.token), chromedp.Click(chromedp.CSS(`#signin-form button[type=submit]`))))
	waitFor("the accounts", `document.querySelectorAll('#accounts li[data-account]').length === 2`)
	text := func(id string) string {
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('[data-account="`+id+`"]').innerText`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := text(bad.ID); !strings.Contains(got, "last sync failed") || !strings.Contains(got, "refused the user name or password") {
		t.Errorf("the failed account shows %q", got)
	}
	if got := text(ok.ID); !strings.Contains(got, "not synced yet") {
		t.Errorf("the new account shows %q", got)
	}
	clickCtx, cancelClick := context.WithTimeout(b.ctx, 20*time.Second)
	run("sync now", chromedp.Do(clickCtx, chromedp.Click(chromedp.CSS(`[data-account="`+ok.ID+`"] button`))))
	cancelClick()
	waitFor("the sync", `(document.querySelector('[data-account="`+ok.ID+`"]') || {innerText: ''}).innerText.includes('up to date')`)
	if got := text(ok.ID); !strings.Contains(got, "1 read") {
		t.Errorf("after sync now: %q", got)
	}
	if p := b.problems(); len(p) > 0 {
		t.Errorf("page problems: %v", p)
	}
	if dir := os.Getenv("NEXO_SCREENSHOTS"); dir != "" {
		shot, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, "accounts.png"), shot, 0o644)
		}
		if err != nil {
			t.Error(err)
		}
	}
}
