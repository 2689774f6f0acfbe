package netmap_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph/netmap"
	"github.com/nexohq/nexo/graph/render"
)

// The golden pictures are the maps a person looks at: the ego map at radius
// 1 and 2 and the overview of the 2,000- and 100,000-person demo. They are
// committed in testdata/golden for review and rewritten by
//
//	go test ./graph/netmap -run TestGoldenPictures -golden
//
// (about a minute: the 100k demo is built in memory). The test itself checks
// the structure of the 2k maps, not their pixels.
var golden = flag.Bool("golden", false, "rewrite the golden pictures in testdata/golden (2k and 100k demo)")

var demo2k = sync.OnceValues(func() (*analytics.Network, error) { return demoNetwork(2000) })

// demoMaps are the golden maps of a demo network.
func demoMaps(tb testing.TB, r *render.Renderer, net *analytics.Network) map[string]func(render.Format) ([]byte, error) {
	tb.Helper()
	me := net.Snapshot().Members[0].Person
	var dormant []int32
	for _, d := range net.DormantTies(me, analytics.DormantOptions{}) {
		dormant = append(dormant, d.Person)
	}
	v := netmap.NewView(net, netmap.Options{Me: me, Dormant: dormant, PersonURL: func(id string) string { return "/app/people/" + id }})
	ctx := context.Background()
	name := net.Name(me)
	meta := func(title, desc string) render.Meta { return render.Meta{Title: title, Description: desc} }
	return map[string]func(render.Format) ([]byte, error){
		"ego1": func(f render.Format) ([]byte, error) {
			return r.EgoMap(ctx, v.Ego(me, 1, meta("Network of "+name, "The people within 1 tie of "+name+".")), f)
		},
		"ego2": func(f render.Format) ([]byte, error) {
			return r.EgoMap(ctx, v.Ego(me, 2, meta("Network of "+name, "The people within 2 ties of "+name+".")), f)
		},
		"overview": func(f render.Format) ([]byte, error) {
			return r.Overview(ctx, v.Overview(meta("The whole network", strconv.Itoa(net.Len())+" people.")), f)
		},
	}
}

// mapFacts reads an SVG map's metadata and the ids and classes of its
// elements.
func mapFacts(tb testing.TB, svg []byte) (meta map[string]string, class map[string]string) {
	tb.Helper()
	class = map[string]string{}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = false
	inMeta := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			var id, cls string
			for _, a := range el.Attr {
				switch a.Name.Local {
				case "id":
					id = a.Value
				case "class":
					cls = a.Value
				}
			}
			if id != "" {
				class[id] = cls
			}
			inMeta = el.Name.Local == "metadata"
		case xml.EndElement:
			inMeta = false
		case xml.CharData:
			if inMeta {
				if err := json.Unmarshal(el, &meta); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	return meta, class
}

func countPrefix(class map[string]string, prefix, withClass string) int {
	n := 0
	for id, c := range class {
		if strings.HasPrefix(id, prefix) && strings.Contains(" "+c+" ", " "+withClass+" ") {
			n++
		}
	}
	return n
}

func TestGoldenPictures(t *testing.T) {
	net, err := demo2k()
	if err != nil {
		t.Fatal(err)
	}
	r := newRenderer(t)
	me := net.Snapshot().Members[0].Person
	maps := demoMaps(t, r, net)
	for _, name := range []string{"ego1", "ego2", "overview"} {
		t.Run(name, func(t *testing.T) {
			svg, err := maps[name](render.SVG)
			if err != nil {
				t.Fatal(err)
			}
			meta, class := mapFacts(t, svg)
			names := countPrefix(class, "n-", "circle-name") + countPrefix(class, "l-c-", "circle-label")
			people := countPrefix(class, "p-", "person")
			labels, _ := strconv.Atoi(meta["labels_drawn"])
			switch name {
			case "ego1", "ego2":
				if _, drawn := class["p-"+net.ID(me)]; drawn || meta["center"] != net.ID(me) {
					t.Errorf("me drawn %v, centre %q: want me left out and named the centre", drawn, meta["center"])
				}
				if name == "ego1" && people != net.Degree(me) {
					t.Errorf("got %d people, want my %d contacts", people, net.Degree(me))
				}
				if ring2 := countPrefix(class, "p-", "ring-2"); name == "ego2" && ring2 < 100 {
					t.Errorf("got %d second-degree people, want the hundreds my contacts know", ring2)
				}
				if names < 3 || labels < 30 {
					t.Errorf("got %d circles and %d people named, want my circles named and at least 30 names", names, labels)
				}
			case "overview":
				if meta["groups_drawn"] != strconv.Itoa(render.MaxOverviewCommunities+1) || names < 20 || people < 20 {
					t.Errorf("got %s groups, %d named, %d brokers drawn; want the largest circles named and the brokers between them",
						meta["groups_drawn"], names, people)
				}
			}
			if *golden {
				writeGolden(t, "2k-"+name, maps[name])
			}
		})
	}
	if *golden {
		big, err := demo100k()
		if err != nil {
			t.Fatal(err)
		}
		for name, draw := range demoMaps(t, r, big) {
			writeGolden(t, "100k-"+name, draw)
		}
	}
}

func writeGolden(tb testing.TB, name string, draw func(render.Format) ([]byte, error)) {
	tb.Helper()
	p, err := draw(render.PNG)
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join("testdata", "golden", name+".png")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, p, 0o644); err != nil {
		tb.Fatal(err)
	}
}
