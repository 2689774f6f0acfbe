package api_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserDuplicates opens "Possible duplicates" in headless Chromium,
// compares a pair side by side, merges it and undoes the merge.
func TestBrowserDuplicates(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser test: %s is missing: %v", chromium, err)
		}
		t.Skipf("browser test skipped: %s is missing (apt-get install chromium)", chromium)
	}
	c := newServer(t, quietLogs)
	ana, ana2, _ := dupWorld(t, c)
	shots := os.Getenv("NEXO_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	b := startBrowser(t)
	ctx := b.ctx
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v (page problems so far: %v)", what, err, b.problems())
		}
	}
	waitFor := func(what, expr string) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		_, err := chromedp.Run(wctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second)))
		must("wait for "+what, err)
	}
	must("sign in", chromedp.Do(ctx,
		chromedp.Navigate(c.url+"/"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.Evaluate[chromedp.Void](`sessionStorage.setItem('nexo.token', `+jsString(c.token)+`)`),
		chromedp.Navigate(c.url+"/app/duplicates"),
	))
	waitFor("the candidates", `document.querySelectorAll('#duplicates li.duplicate').length === 1`)
	must("compare", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#duplicates li.duplicate button`))))
	waitFor("the preview", `!!document.querySelector('#duplicates .preview-table')`)
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#duplicates .preview').innerText`))
	must("read the preview", err)
	for _, want := range []string{"ana@umbrella.example", "https://www.linkedin.com/in/ana-garcia-1", "CTO"} {
		if !strings.Contains(text, want) {
			t.Errorf("the preview lacks %q:\n%s", want, text)
		}
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must("screenshot", err)
	if cfg, err := png.DecodeConfig(bytes.NewReader(shot)); err != nil || cfg.Width < 300 {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(shots, "duplicates.png")
	must("write screenshot", os.WriteFile(path, shot, 0o644))
	t.Logf("screenshot: %s", path)

	must("merge", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#duplicates .preview button:not(.secondary)`))))
	waitFor("the history", `document.querySelectorAll('#merges li.merge button').length === 1`)
	// The list comes back at once without the pair (stale, said so), and
	// updates by itself once the server has found it again.
	waitFor("the pair gone", `document.querySelectorAll('#duplicates li.duplicate').length === 0 && !!document.querySelector('#duplicates .stale')`)
	waitFor("the list found again", `!document.querySelector('#duplicates .stale') && !!document.querySelector('#duplicates li.card')`)
	absorbed := ana2["id"].(string)
	if ana["id"].(string) > absorbed {
		absorbed = ana["id"].(string) // the pair lists the smaller id first; the page keeps that one
	}
	if code := c.do("GET", "/api/v1/people/"+absorbed, nil, nil); code != 404 {
		t.Errorf("after merging in the page, the absorbed person answers %d", code)
	}
	must("undo", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#merges li.merge button`))))
	waitFor("the undo", `document.querySelectorAll('#merges li.merge button').length === 0`)
	if code := c.do("GET", "/api/v1/people/"+absorbed, nil, nil); code != 200 {
		t.Errorf("after the undo, the absorbed person answers %d", code)
	}
	if p := b.problems(); len(p) > 0 {
		t.Errorf("the page reported problems:\n%s", strings.Join(p, "\n"))
	}
}
