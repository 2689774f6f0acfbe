package api_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// Maps are images and the page's files text; the contract checks them as such.
func init() {
	openapi3filter.RegisterBodyDecoder("image/svg+xml", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("image/png", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/javascript", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/css", openapi3filter.PlainBodyDecoder)
}

// svgDoc is the structure of a map: every element with an id, its classes,
// and the JSON metadata.
type svgDoc struct {
	class map[string]string // id → class attribute
	meta  map[string]string
	title string
}

func parseSVG(tb testing.TB, b []byte) svgDoc {
	tb.Helper()
	d := svgDoc{class: map[string]string{}}
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = false
	var inMeta, inTitle bool
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("SVG does not parse: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			var id, class string
			for _, a := range el.Attr {
				switch a.Name.Local {
				case "id":
					id = a.Value
				case "class":
					class = a.Value
				}
			}
			if id != "" {
				d.class[id] = class
			}
			inMeta = el.Name.Local == "metadata"
			inTitle = el.Name.Local == "title" && depth == 2
		case xml.EndElement:
			depth--
			inMeta, inTitle = false, false
		case xml.CharData:
			switch {
			case inMeta:
				if err := json.Unmarshal(el, &d.meta); err != nil {
					tb.Fatalf("metadata: %v", err)
				}
			case inTitle:
				d.title = string(el)
			}
		}
	}
	return d
}

// ids returns the ids with the prefix, sorted.
func (d svgDoc) ids(prefix string) []string {
	var out []string
	for id := range d.class {
		if strings.HasPrefix(id, prefix) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// hasClass reports whether the element has every one of the classes.
func (d svgDoc) hasClass(id string, classes ...string) bool {
	have := strings.Fields(d.class[id])
	for _, c := range classes {
		if !slices.Contains(have, c) {
			return false
		}
	}
	return true
}

// mapNet is a small network: me with Ana, Bo and Eve (dormant, last seen
// over a year ago); Ana knows Bo and Cleo (CTO at Globex); Bo knows Dan.
type mapNet struct {
	me, ana, bo, cleo, dan, eve string
}

func seedMapNet(c *client) mapNet {
	c.tb.Helper()
	n := mapNet{me: c.user.PersonID}
	n.ana = c.person(map[string]any{"name": "Ana García", "title": "Data lead", "company": "Initech"}).ID
	n.bo = c.person(map[string]any{"name": "Bo Lind"}).ID
	n.cleo = c.person(map[string]any{"name": "Cleo Park", "title": "CTO", "company": "Globex"}).ID
	n.dan = c.person(map[string]any{"name": "Dan Okafor"}).ID
	n.eve = c.person(map[string]any{"name": "Eve Moreau", "title": "Partner", "company": "Fund"}).ID
	for _, p := range [][2]string{{n.me, n.ana}, {n.me, n.bo}, {n.me, n.eve}, {n.ana, n.bo}, {n.ana, n.cleo}, {n.bo, n.dan}} {
		c.tie(p[0], p[1])
	}
	recent := time.Now().UTC().AddDate(0, 0, -10).Format(time.DateOnly)
	old := time.Now().UTC().AddDate(-1, -2, 0).Format(time.DateOnly)
	for _, in := range []struct{ with, at string }{{n.ana, recent}, {n.ana, recent}, {n.bo, recent}, {n.eve, old}, {n.eve, old}} {
		c.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": "coffee", "with": []string{in.with},
			"at": in.at, "initiated_by": "me"}, nil)
	}
	return n
}

func tieID(a, b string) string { return "t-" + min(a, b) + "-" + max(a, b) }

func TestMaps(t *testing.T) {
	c := newServer(t, quietLogs)
	n := seedMapNet(c)

	image := func(t *testing.T, path, ctype string) []byte {
		t.Helper()
		code, h, b := c.in(t).raw("GET", path, nil, nil)
		if code != 200 {
			t.Fatalf("GET %s: got %d %s, want 200", path, code, b)
		}
		if got := h.Get("Content-Type"); got != ctype {
			t.Fatalf("GET %s: Content-Type %q, want %q", path, got, ctype)
		}
		return b
	}
	svg := func(t *testing.T, path string) svgDoc {
		t.Helper()
		return parseSVG(t, image(t, path, "image/svg+xml"))
	}
	people := func(ids ...string) []string {
		var out []string
		for _, id := range ids {
			out = append(out, "p-"+id)
		}
		slices.Sort(out)
		return out
	}

	t.Run("EgoOfMe", func(t *testing.T) {
		// Me left out, my contacts placed by their ties to each other.
		d := svg(t, "/api/v1/map.svg")
		if got, want := d.ids("p-"), people(n.ana, n.bo, n.eve); !slices.Equal(got, want) {
			t.Errorf("people: got %v, want %v", got, want)
		}
		if got, want := d.ids("t-"), []string{tieID(n.ana, n.bo)}; !slices.Equal(got, want) {
			t.Errorf("ties: got %v, want %v (none to me)", got, want)
		}
		if !d.hasClass("p-"+n.eve, "dormant") || d.hasClass("p-"+n.ana, "dormant") {
			t.Errorf("dormant: Eve %q, Ana %q; want Eve only", d.class["p-"+n.eve], d.class["p-"+n.ana])
		}
		for _, id := range d.ids("p-") {
			if !strings.Contains(d.class[id], "community-") {
				t.Errorf("%s: classes %q, want a community class", id, d.class[id])
			}
		}
		if !d.hasClass(tieID(n.ana, n.bo), "edge", "tie") || d.hasClass(tieID(n.ana, n.bo), "bridge") {
			t.Errorf("Ana–Bo: %q, want a tie that is no local bridge", d.class[tieID(n.ana, n.bo)])
		}
		if _, ok := d.class["a_legend"]; !ok {
			t.Error("no legend")
		}
		if d.meta["kind"] != "ego" || d.meta["radius"] != "1" || d.meta["workspace"] != c.ws.ID || d.meta["as_of"] == "" || d.meta["center"] != n.me {
			t.Errorf("metadata: got %v", d.meta)
		}
		if d.title != "Network of Me Myself" {
			t.Errorf("title: got %q", d.title)
		}
	})

	t.Run("EgoRadius2", func(t *testing.T) {
		d := svg(t, "/api/v1/map.svg?radius=2")
		if got, want := d.ids("p-"), people(n.ana, n.bo, n.cleo, n.dan, n.eve); !slices.Equal(got, want) {
			t.Errorf("people: got %v, want %v", got, want)
		}
		if !d.hasClass("p-"+n.dan, "ring-2") || !d.hasClass("p-"+n.bo, "ring-1") {
			t.Errorf("rings: Dan %q, Bo %q", d.class["p-"+n.dan], d.class["p-"+n.bo])
		}
	})

	t.Run("EgoOfPerson", func(t *testing.T) {
		d := svg(t, "/api/v1/map.svg?person="+n.ana)
		if got, want := d.ids("p-"), people(n.me, n.bo, n.cleo); !slices.Equal(got, want) {
			t.Errorf("people: got %v, want %v", got, want)
		}
		if d.meta["center"] != n.ana {
			t.Errorf("centre %q, want Ana", d.meta["center"])
		}
	})

	t.Run("Deterministic", func(t *testing.T) {
		a := image(t, "/api/v1/map.svg?radius=2", "image/svg+xml")
		b := image(t, "/api/v1/map.svg?radius=2", "image/svg+xml")
		if !bytes.Equal(a, b) {
			t.Error("the same map twice: bytes differ")
		}
	})

	t.Run("PNG", func(t *testing.T) {
		for _, path := range []string{"/api/v1/map.png", "/api/v1/map?format=png", "/api/v1/overview.png",
			"/api/v1/overview?format=png&community=0", "/api/v1/intro-paths.png?to=" + n.cleo} {
			if b := image(t, path, "image/png"); !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || !bytes.Contains(b, []byte("nexo:metadata")) {
				t.Errorf("GET %s: not a PNG with metadata: % x", path, b[:min(16, len(b))])
			}
		}
		svg(t, "/api/v1/map?format=svg")
		svg(t, "/api/v1/overview")
	})

	t.Run("Overview", func(t *testing.T) {
		d := svg(t, "/api/v1/overview.svg")
		if got, want := d.ids("p-"), people(n.me, n.ana, n.bo, n.cleo, n.dan, n.eve); !slices.Equal(got, want) {
			t.Errorf("people: got %v, want %v", got, want)
		}
		if len(d.ids("t-")) != 6 || !d.hasClass("p-"+n.me, "me") || d.meta["kind"] != "overview" {
			t.Errorf("ties %v, me %q, metadata %v", d.ids("t-"), d.class["p-"+n.me], d.meta)
		}
		var comm struct {
			Communities []struct {
				Size  int
				Label string
			}
		}
		c.in(t).must(200, "GET", "/api/v1/communities", nil, &comm)
		for i, circle := range comm.Communities {
			d := svg(t, "/api/v1/overview.svg?community="+strconv.Itoa(i))
			members := 0
			for _, id := range d.ids("p-") {
				if d.hasClass(id, "community-"+strconv.Itoa(i)) {
					members++
				}
			}
			if d.meta["kind"] != "community" || members != circle.Size {
				t.Errorf("community %d: kind %q, %d members drawn, want %d", i, d.meta["kind"], members, circle.Size)
			}
			// Titled with the circle's name, as /communities gives it (it was
			// "Circle 0: circle 1").
			if d.title != circle.Label || strings.HasPrefix(strings.ToLower(circle.Label), "circle ") {
				t.Errorf("community %d: title %q, label %q; want the circle's name", i, d.title, circle.Label)
			}
		}
	})

	t.Run("IntroPaths", func(t *testing.T) {
		titles := map[string]string{
			"to=" + n.cleo:                      "Who can introduce you to Cleo Park?",
			"org=globex":                        "Who can introduce you to someone at Globex?",
			"q=" + url.QueryEscape("Cleo Park"): "Who can introduce you to someone matching “Cleo Park”?",
		}
		for _, q := range []string{"to=" + n.cleo, "org=globex", "q=" + url.QueryEscape("Cleo Park")} {
			d := svg(t, "/api/v1/intro-paths.svg?"+q)
			// me → Ana → Cleo, and me → Bo → Ana → Cleo: for org and q too,
			// which find the best path to each match, the diagram shows
			// the best paths to the best match.
			if got, want := d.ids("p-"), people(n.me, n.ana, n.bo, n.cleo); !slices.Equal(got, want) {
				t.Errorf("%s: people: got %v, want %v", q, got, want)
			}
			hop := "h-" + min(n.ana, n.cleo) + "-" + max(n.ana, n.cleo)
			if !d.hasClass("p-"+n.cleo, "target") || !d.hasClass("p-"+n.me, "me") || !d.hasClass(hop, "path-1", "path-2") ||
				!d.hasClass("h-"+min(n.me, n.bo)+"-"+max(n.me, n.bo), "path-2") || d.hasClass("h-"+min(n.me, n.bo)+"-"+max(n.me, n.bo), "path-1") {
				t.Errorf("%s: Cleo %q, me %q, Ana–Cleo %q, classes %v", q, d.class["p-"+n.cleo], d.class["p-"+n.me], d.class[hop], d.class)
			}
			if d.meta["kind"] != "paths" || d.meta["paths_drawn"] != "2" || d.title != titles[q] {
				t.Errorf("%s: title %q, metadata %v", q, d.title, d.meta)
			}
		}
		if d := svg(t, "/api/v1/intro-paths.svg?k=1&to="+n.cleo); d.meta["paths_drawn"] != "1" {
			t.Errorf("k=1: metadata %v, want 1 path drawn", d.meta)
		}
	})

	t.Run("BadParameters", func(t *testing.T) {
		c := c.in(t)
		for _, tc := range []struct {
			path string
			want int
		}{
			{"/api/v1/map.svg?radius=3", 422},
			{"/api/v1/map.svg?radius=two", 400},
			{"/api/v1/map?format=gif", 400},
			{"/api/v1/map.svg?format=png", 400},
			{"/api/v1/map.svg?person=" + unknownID(), 404},
			{"/api/v1/map.svg?person=not-an-id", 404},
			{"/api/v1/overview.svg?community=-1", 422},
			{"/api/v1/overview.svg?community=x", 400},
			{"/api/v1/overview.svg?community=99", 404},
			{"/api/v1/intro-paths.svg", 400},
			{"/api/v1/intro-paths.svg?to=" + n.cleo + "&org=globex", 400},
			{"/api/v1/intro-paths.svg?to=" + unknownID(), 404},
			{"/api/v1/intro-paths.svg?to=" + n.cleo + "&max_hops=1", 404}, // no path that short
			{"/api/v1/intro-paths.png?to=" + n.cleo + "&k=0", 422},
		} {
			c.fails(tc.want, "GET", tc.path, nil)
		}
	})

	t.Run("NoOwnPerson", func(t *testing.T) {
		viewer := c.in(t).member("Vera Viewer", graph.RoleViewer)
		// A member gets an own person; this one gives it up.
		c.in(t).must(200, "PATCH", "/api/v1/members/"+viewer.user.ID, map[string]any{"person_id": ""}, nil)
		viewer.fails(422, "GET", "/api/v1/map.svg", nil)
		d := parseSVG(t, mustGet(t, viewer, "/api/v1/map.svg?person="+n.bo))
		if d.meta["center"] != n.bo {
			t.Errorf("viewer's map of Bo: centre %q", d.meta["center"])
		}
	})

	t.Run("OtherWorkspace", func(t *testing.T) {
		store := neo4jtest.Open(t)
		w2, owner2 := neo4jtest.Workspace(t, store)
		other := c.in(t).as(owner2)
		other.ws = w2
		secret := other.person(map[string]any{"name": "Secret Sam"})
		other.tie(owner2.PersonID, secret.ID)
		for _, path := range []string{"/api/v1/map.svg?person=" + secret.ID, "/api/v1/map.png?person=" + secret.ID,
			"/api/v1/intro-paths.svg?to=" + secret.ID} {
			c.in(t).fails(404, "GET", path, nil)
		}
		for _, path := range []string{"/api/v1/overview.svg", "/api/v1/map.svg?radius=2"} {
			if b := mustGet(t, c, path); bytes.Contains(b, []byte("Secret Sam")) || bytes.Contains(b, []byte(secret.ID)) {
				t.Errorf("GET %s shows the other workspace's person", path)
			}
		}
		// And the other side sees only its own.
		d := parseSVG(t, mustGet(t, other, "/api/v1/overview.svg"))
		if got, want := d.ids("p-"), people(owner2.PersonID, secret.ID); !slices.Equal(got, want) {
			t.Errorf("other workspace's overview: got %v, want %v", got, want)
		}
	})
}

func mustGet(t *testing.T, c *client, path string) []byte {
	t.Helper()
	code, _, b := c.in(t).raw("GET", path, nil, nil)
	if code != 200 {
		t.Fatalf("GET %s: got %d %s, want 200", path, code, b)
	}
	return b
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestPage(t *testing.T) {
	c := newServer(t, quietLogs)
	anon := *c
	anon.token = "" // the page needs none
	page, err := os.ReadFile("web/page.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/app/map", "/app/search", "/app/dormant", "/app/people/" + c.user.PersonID} {
		code, h, b := anon.raw("GET", path, nil, nil)
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: got %d %s", path, code, h.Get("Content-Type"))
		}
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") {
			t.Errorf("GET %s: Content-Security-Policy %q, want only the page's own scripts", path, csp)
		}
		body := string(b)
		if !strings.Contains(body, `<script src="/assets/app.js" defer></script>`) || strings.Count(body, "<script") != 1 ||
			strings.Contains(body, " style=") || strings.Contains(body, "<style") {
			t.Errorf("GET %s: want one external script and no inline script or style", path)
		}
		if !strings.Contains(body, "¿Quién me puede presentar a…?</span> / Who can introduce me to…") || !strings.Contains(body, "Nexo test") {
			t.Errorf("GET %s: not the page", path)
		}
	}
	anon.fails(404, "GET", "/app/people/not-an-id", nil)

	for file, ctype := range map[string]string{"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8", "icon.svg": "image/svg+xml"} {
		code, h, b := anon.raw("GET", "/assets/"+file, nil, nil)
		want, _ := os.ReadFile("web/assets/" + file)
		if code != 200 || h.Get("Content-Type") != ctype || h.Get("ETag") == "" || !bytes.Equal(b, want) {
			t.Errorf("GET /assets/%s: got %d %q ETag %q, %d bytes; want 200 %q with an ETag and the file", file, code, h.Get("Content-Type"), h.Get("ETag"), len(b), ctype)
		}
	}
	anon.fails(404, "GET", "/assets/nope.js", nil)

	// Every element the script looks up is on the page.
	script, err := os.ReadFile("web/assets/app.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\$\('([a-z-]+)'\)`).FindAllStringSubmatch(string(script), -1) {
		if !bytes.Contains(page, []byte(`id="`+m[1]+`"`)) {
			t.Errorf("app.js looks up #%s, which page.html lacks", m[1])
		}
	}
}
