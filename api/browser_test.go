package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/demo"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// chromium is Debian's chromium package, which scripts/test.sh installs.
const chromium = "/usr/bin/chromium"

// TestBrowser drives the web page in real headless Chromium against the
// server on the test Neo4j with a small demo workspace: it signs in with a
// token, reads the map, searches for an introduction, logs an interaction
// with a dormant tie, opens a person from the map, and looks at the page on
// a phone. Screenshots go to $NEXO_SCREENSHOTS when set (a temporary folder
// otherwise). With CI=true a missing Chromium fails the test.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser test: %s is missing (with CI=true scripts/test.sh must install Debian's chromium): %v", chromium, err)
		}
		t.Skipf("browser test skipped: %s is missing; scripts/test.sh installs Debian's chromium package (apt-get install chromium)", chromium)
	}
	c := newServer(t, quietLogs)
	store := neo4jtest.Open(t)
	meID, err := demo.Generate(demo.Options{People: 60, AsOf: time.Now().UTC().Truncate(24 * time.Hour)}, c.user.ID,
		func(b *graph.Batch) error { return store.Upsert(context.Background(), c.ws.ID, b, nil) })
	if err != nil {
		t.Fatal(err)
	}
	c.must(200, "PATCH", "/api/v1/members/"+c.user.ID, map[string]any{"person_id": meID}, nil)

	// What the page must show, as the API answers it.
	var search struct {
		Paths []struct {
			People, Names []string
		}
	}
	c.must(200, "GET", "/api/v1/intro-paths?k=5&q="+url.QueryEscape("Elena Torres"), nil, &search)
	if len(search.Paths) == 0 {
		t.Fatal("the demo has no path to Elena Torres")
	}
	best := search.Paths[0]
	elena := best.People[len(best.People)-1]
	var dormant struct {
		Dormant []struct {
			PersonID string `json:"person_id"`
			Name     string
		}
	}
	c.must(200, "GET", "/api/v1/dormant?limit=20", nil, &dormant)
	if len(dormant.Dormant) == 0 {
		t.Fatal("the demo has no dormant tie")
	}
	var people struct{ Items []graph.Person }
	c.must(200, "GET", "/api/v1/people?q="+url.QueryEscape("Ana García"), nil, &people)
	ana := ""
	for _, p := range people.Items {
		if p.Name == "Ana García" && p.Tags != nil && p.Tags[0] == "friend" {
			ana = p.ID
		}
	}
	if ana == "" {
		t.Fatalf("the demo has no Ana García, my close friend: %+v", people.Items)
	}

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
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		must(expr, err)
		return v
	}
	// waitFor polls a predicate, which must not throw (a throwing one never
	// times out in the page), and bounds the wait in Go as well.
	waitFor := func(what, expr string) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		_, err := chromedp.Run(wctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second)))
		must("wait for "+what, err)
	}
	screenshot := func(name string) {
		t.Helper()
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		must("screenshot", err)
		cfg, err := png.DecodeConfig(bytes.NewReader(shot))
		if err != nil || cfg.Width < 300 || cfg.Height < 300 {
			t.Fatalf("screenshot %s: %v, %dx%d", name, err, cfg.Width, cfg.Height)
		}
		path := filepath.Join(shots, name+".png")
		must("write screenshot", os.WriteFile(path, shot, 0o644))
		t.Logf("screenshot: %s (%dx%d)", path, cfg.Width, cfg.Height)
	}

	// Signing in: the page loads without a token and asks for one.
	must("open the page", chromedp.Do(ctx,
		chromedp.Navigate(c.url+"/"),
		chromedp.WaitVisible(chromedp.ID("token")),
	))
	if eval(`String(document.getElementById('nav').hidden)`) != "true" {
		t.Error("signed out: the navigation shows")
	}
	must("sign in", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("token"), "nexo_wrong"),
		chromedp.Click(chromedp.CSS(`#signin-form button[type=submit]`)),
	))
	waitFor("a refused token", `document.getElementById('signin-error').textContent.includes('unknown')`)
	b.forget() // the refused token's 401, which the browser reports
	must("sign in", chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.getElementById('token').value = ''`),
		chromedp.SendKeys(chromedp.ID("token"), c.token),
		chromedp.Click(chromedp.CSS(`#signin-form button[type=submit]`)),
	))

	// The map of my network: me, circles, a dormant tie.
	waitFor("the map", `!!document.querySelector('#map svg g.node.person')`)
	if got := eval(`location.pathname`); got != "/app/map" {
		t.Errorf("after signing in: at %s, want /app/map", got)
	}
	// Me left out (named in the legend), my contacts placed by their ties.
	if got := eval(`String(!!document.getElementById('p-` + meID + `')) + ' ' + JSON.parse(document.querySelector('#map svg #nexo-metadata').textContent).center`); got != "false "+meID {
		t.Errorf("map: me drawn and centre: %q, want me left out and the centre", got)
	}
	circles := eval(`String(new Set([...document.querySelectorAll('#map svg g.node.person')].map(g => [...g.classList].find(c => c.startsWith('community-')))).size)`)
	if circles == "0" || circles == "1" {
		t.Errorf("map: people in %s circles, want several", circles)
	}
	d0 := dormant.Dormant[0]
	if !strings.Contains(eval(`document.getElementById('p-`+d0.PersonID+`').getAttribute('class')`), "dormant") {
		t.Errorf("map: %s, my most valuable dormant tie, is not flagged", d0.Name)
	}
	if got := eval(`document.querySelector('#map svg').getAttribute('aria-label')`); got != "Network of "+demo.MeName {
		t.Errorf("map: aria-label %q", got)
	}
	// Zooming changes the view box, and from twice the size shows the names
	// of the next level; 0 fits the map again.
	before := eval(`document.querySelector('#map svg').getAttribute('viewBox')`)
	hiddenLevel2 := `[...document.querySelectorAll('#map svg .lz2')].every(g => getComputedStyle(g).display === 'none')`
	if eval(`String(`+hiddenLevel2+`)`) != "true" {
		t.Error("map: names of zoom level 2 show at the drawing's size")
	}
	for range 4 { // 1.25⁴ ≈ 2.4
		must("zoom in", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#view-map [data-zoom=in]`))))
	}
	if got := eval(`String(document.querySelector('#map svg').classList.contains('z2')) + ' ' + String(document.querySelectorAll('#map svg .lz2').length === 0 || !(` + hiddenLevel2 + `))`); got != "true true" {
		t.Errorf("map zoomed in 2.4 times: z2 class and level-2 names shown: %s, want true true", got)
	}
	zoomed := eval(`document.querySelector('#map svg').getAttribute('viewBox')`)
	must("fit", chromedp.Do(ctx, chromedp.Focus(chromedp.ID("map")), chromedp.KeyEvent("0")))
	if fitted := eval(`document.querySelector('#map svg').getAttribute('viewBox')`); zoomed == before || viewWidth(t, zoomed) >= viewWidth(t, before) || viewWidth(t, fitted) != viewWidth(t, before) {
		t.Errorf("zoom: view box %q, zoomed in %q, fitted %q", before, zoomed, fitted)
	}
	// Tab goes from the map into its people.
	must("tab into the map", chromedp.Do(ctx, chromedp.Focus(chromedp.ID("map")), chromedp.KeyEvent(kb.Tab)))
	if got := eval(`(document.activeElement.closest('#map svg g.node.person') || {}).id || document.activeElement.tagName`); !strings.HasPrefix(got, "p-") {
		t.Errorf("Tab from the map: focus on %q, want a person", got)
	}
	// The token is in this tab's session storage and nowhere else.
	if eval(`String(sessionStorage.getItem('nexo.token') === `+jsString(c.token)+` && localStorage.length === 0 && document.cookie === '' && !location.href.includes('nexo_'))`) != "true" {
		t.Error("the token is not (only) in sessionStorage")
	}
	screenshot("map")

	// Who can introduce me to Elena Torres?
	must("search", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#nav a[data-view=search]`)),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "Elena Torres"+kb.Enter),
	))
	waitFor("paths", `document.querySelectorAll('#paths li.path').length > 0`)
	names := eval(`[...document.querySelectorAll('#paths li.path')[0].querySelectorAll('.steps a')].map(a => a.textContent).join('|')`)
	if want := pathNames(best.Names); names != want {
		t.Errorf("first path: page shows %q, want %q", names, want)
	}
	waitFor("the path diagram", `!!document.querySelector('#diagram svg g.node.person.target')`)
	if got := eval(`document.querySelector('#diagram svg g.node.person.target').id`); got != "p-"+elena {
		t.Errorf("diagram: target %q, want p-%s", got, elena)
	}
	if eval(`String(!!document.querySelector('#diagram svg #p-`+meID+`.me') && !!document.querySelector('#diagram svg #p-`+ana+`'))`) != "true" {
		t.Error("diagram: want me and Ana García (me → Ana → Elena) on it")
	}
	if !strings.Contains(eval(`location.search`), "q=Elena") {
		t.Errorf("search: the address %q does not carry the query", eval(`location.href`))
	}
	screenshot("search")

	// Dormant ties, as the API ranks them; one click logs an interaction.
	must("dormant ties", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#nav a[data-view=dormant]`))))
	waitFor("dormant ties", `document.querySelectorAll('#dormant li.card').length > 0`)
	shown := eval(`[...document.querySelectorAll('#dormant li.card h2')].map(h => h.textContent).join('|')`)
	var want []string
	for _, d := range dormant.Dormant {
		want = append(want, d.Name)
	}
	if shown != strings.Join(want, "|") {
		t.Errorf("dormant ties: page shows %q, want %q", shown, strings.Join(want, "|"))
	}
	must("log interaction", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#dormant li.card[data-person="`+d0.PersonID+`"] button`))))
	waitFor("logged", `document.querySelector('#dormant li.card[data-person="`+d0.PersonID+`"] button').textContent === 'Logged ✓'`)
	var logged struct {
		Items []struct{ Kind, Notes string }
	}
	c.must(200, "GET", "/api/v1/interactions?kind=message&person_id="+d0.PersonID, nil, &logged)
	if !slices.ContainsFunc(logged.Items, func(i struct{ Kind, Notes string }) bool {
		return i.Notes == "Reached out from the dormant-ties list."
	}) {
		t.Errorf("no interaction logged with %s: %+v", d0.Name, logged.Items)
	}

	// Finding Ana on the map rings her and fades the others.
	must("back to the map", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#nav a[data-view=map]`))))
	waitFor("the map", `!!document.querySelector('#map svg #p-`+ana+` a')`)
	must("find Ana", chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("map-find"), "ana garcia")))
	waitFor("Ana found", `document.getElementById('p-`+ana+`').classList.contains('found')`)
	if got := eval(`document.querySelectorAll('#map svg g.node.person.found').length + ' ' + document.getElementById('map-found').textContent`); got != "1 1 person found." {
		t.Errorf("find ana garcia: %q, want Ana alone found", got)
	}
	must("clear the search", chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(i => { i.value = ''; i.dispatchEvent(new Event('input')); })(document.getElementById('map-find'))`)))

	// A click on a person in the map shows my best path to them, with a link
	// to their page.
	must("click Ana", chromedp.Do(ctx, chromedp.Focus(chromedp.ID("map")), chromedp.KeyEvent("0"),
		chromedp.ScrollIntoView(chromedp.CSS(`#map`)), chromedp.Click(chromedp.CSS(`#map svg #p-`+ana+` a`))))
	waitFor("the best path to Ana", `document.querySelectorAll('#best-path-steps li').length > 0 && !document.getElementById('best-path').hidden`)
	if got := eval(`location.pathname + ' ' + String(document.getElementById('p-` + ana + `').classList.contains('on-path'))`); got != "/app/map true" {
		t.Errorf("after clicking Ana: %q, want the map with her on the path", got)
	}
	if got := eval(`document.getElementById('best-path-steps').textContent`); !strings.Contains(got, "(you)") || !strings.Contains(got, "Ana García") {
		t.Errorf("best path to Ana: %q", got)
	}
	screenshot("best-path")
	must("open Ana's page", chromedp.Do(ctx, chromedp.Click(chromedp.ID("best-path-page"))))
	waitFor("Ana's page", `document.getElementById('person-name').textContent === 'Ana García' && document.querySelectorAll('#person-ties li.tie').length > 0`)
	if got := eval(`location.pathname`); got != "/app/people/"+ana {
		t.Errorf("after clicking Ana: at %s", got)
	}
	if !strings.Contains(eval(`document.getElementById('person-ties').textContent`), "interactions") {
		t.Error("Ana's ties come without the reasons for their strength")
	}
	waitFor("Ana's map", `(document.querySelector('#person-map svg #nexo-metadata') || {textContent: ''}).textContent.includes('"center":"`+ana+`"')`)

	// The whole network, then the drill-down into the largest circle.
	choose := func(id, value string) {
		t.Helper()
		must("choose "+value, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(s => { s.value = `+jsString(value)+
			`; s.dispatchEvent(new Event('change', {bubbles: true})); })(document.getElementById(`+jsString(id)+`))`)))
	}
	must("back to the map", chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#nav a[data-view=map]`))))
	waitFor("the map", `!!document.querySelector('#map svg g.node.person')`)
	choose("map-kind", "overview")
	waitFor("the whole network", `(document.querySelector('#map svg #nexo-metadata') || {textContent: ''}).textContent.includes('"kind":"overview"')`)
	if got := eval(`String(document.querySelectorAll('#map svg g.node.person').length)`); got != "62" {
		t.Errorf("whole network: %s people drawn, want all 62", got)
	}
	if eval(`String(document.querySelectorAll('#map-community option').length > 2)`) != "true" {
		t.Error("whole network: no circles to choose from")
	}
	choose("map-community", "0")
	waitFor("circle 0", `(document.querySelector('#map svg #nexo-metadata') || {textContent: ''}).textContent.includes('"kind":"community"')`)
	if got := eval(`location.pathname + location.search`); got != "/app/map?kind=overview&community=0" {
		t.Errorf("circle 0: at %s", got)
	}
	screenshot("circle")

	// On a phone: nothing wider than the screen.
	must("phone", chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Click(chromedp.CSS(`#nav a[data-view=dormant]`)),
	))
	waitFor("dormant ties on a phone", `document.querySelectorAll('#dormant li.card').length > 0`)
	if got := eval(`String(document.documentElement.scrollWidth)`); got != "390" {
		t.Errorf("phone: the page is %s px wide on a 390 px screen", got)
	}
	screenshot("phone")

	if p := b.problems(); len(p) > 0 {
		t.Errorf("the page reported problems (script errors, refused resources, CSP violations):\n%s", strings.Join(p, "\n"))
	}
}

// browser is a headless Chromium with one tab, and what its page reports.
type browser struct {
	ctx context.Context

	mu     sync.Mutex
	report []string
}

func (b *browser) problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.report...)
}

func (b *browser) forget() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.report = nil
}

func (b *browser) note(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.report = append(b.report, fmt.Sprintf(format, args...))
}

// startBrowser starts Chromium with flags for a machine without internet:
// no background requests, updates, sync or QUIC, and a fresh profile.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	b := &browser{ctx: ctx}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	console := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	logs := chromedp.Events(ctx, cdplog.EntryAdded)
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			d := ev.ExceptionDetails
			desc := ""
			if d.Exception != nil {
				desc = d.Exception.Description
			}
			b.note("exception: %s %s (%s:%d)", d.Text, desc, d.URL, d.LineNumber)
		}
	}()
	go func() {
		for ev, err := range console {
			if err != nil {
				return
			}
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				b.note("console.error: %v", ev.Args)
			}
		}
	}()
	go func() {
		for ev, err := range logs {
			if err != nil {
				return
			}
			if ev.Entry.Level == cdplog.EntryLevelError {
				b.note("%s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		}
	}()
	return b
}

// pathNames is how the page lists a path's people: me marked "(you)".
func pathNames(names []string) string {
	var out []string
	for i, n := range names {
		if i == 0 {
			n += " (you)"
		}
		out = append(out, n)
		if i > 0 && i < len(names)-1 {
			out = append(out, n) // the end of one step and the start of the next
		}
	}
	return strings.Join(out, "|")
}

func viewWidth(t *testing.T, viewBox string) float64 {
	t.Helper()
	var x, y, w, h float64
	if _, err := fmt.Sscan(viewBox, &x, &y, &w, &h); err != nil {
		t.Fatalf("view box %q: %v", viewBox, err)
	}
	return w
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
