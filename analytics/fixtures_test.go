package analytics_test

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/nexohq/nexo/analytics"
)

// fixtures are the graphs whose reference values scripts/analytics/fixtures.py
// computed with NetworkX.
var fixtures = []string{"florentine", "kite", "karate", "islands"}

const tol = 1e-9

type refNode struct {
	Degree                int             `json:"degree"`
	Constraint            analytics.Float `json:"constraint"`
	EffectiveSize         analytics.Float `json:"effective_size"`
	ConstraintWeighted    analytics.Float `json:"constraint_weighted"`
	EffectiveSizeWeighted analytics.Float `json:"effective_size_weighted"`
	Efficiency            analytics.Float `json:"efficiency"`
	EfficiencyWeighted    analytics.Float `json:"efficiency_weighted"`
	Hierarchy             analytics.Float `json:"hierarchy"`
	HierarchyWeighted     analytics.Float `json:"hierarchy_weighted"`
	Betweenness           float64         `json:"betweenness"`
	BetweennessNorm       float64         `json:"betweenness_norm"`
}

type reference struct {
	Nodes   map[string]refNode `json:"nodes"`
	Overlap []struct {
		Source, Target string
		Overlap        float64
	} `json:"overlap"`
	Bridges      [][2]string `json:"bridges"`
	LocalBridges [][3]any    `json:"local_bridges"`
	Paths        []struct {
		From    string `json:"from"`
		To      string `json:"to"`
		K       int    `json:"k"`
		MaxHops int    `json:"max_hops"`
		Paths   []struct {
			Nodes []string `json:"nodes"`
			Score float64  `json:"score"`
		} `json:"paths"`
	} `json:"paths"`
}

// loadFixture reads testdata/name.csv into a Network and name.json into its
// reference values.
func loadFixture(tb testing.TB, name string) (*analytics.Network, reference) {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var nodes []string
	var edges []analytics.Edge
	for _, r := range rows[1:] {
		if r[1] == "" {
			nodes = append(nodes, r[0])
			continue
		}
		w, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			tb.Fatal(err)
		}
		edges = append(edges, analytics.Edge{Source: r[0], Target: r[1], Weight: w})
	}
	net, err := analytics.NewNetworkFromEdgesForTest(nodes, edges)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		tb.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		tb.Fatal(err)
	}
	return net, ref
}

func close(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func TestStructuralHolesMatchNetworkX(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			net, ref := loadFixture(t, name)
			holes := net.StructuralHoles()
			if len(holes) != len(ref.Nodes) {
				t.Fatalf("got %d nodes, want %d", len(holes), len(ref.Nodes))
			}
			for id, want := range ref.Nodes {
				i := net.Index(id)
				if i < 0 {
					t.Fatalf("node %s missing", id)
				}
				got := holes[i]
				if got.Degree != want.Degree {
					t.Errorf("%s degree: got %d, want %d", id, got.Degree, want.Degree)
				}
				for _, m := range []struct {
					name      string
					got, want analytics.Float
				}{
					{"constraint", got.Constraint, want.Constraint},
					{"effective_size", got.EffectiveSize, want.EffectiveSize},
					{"constraint_weighted", got.ConstraintWeighted, want.ConstraintWeighted},
					{"effective_size_weighted", got.EffectiveSizeWeighted, want.EffectiveSizeWeighted},
					{"efficiency", got.Efficiency, want.Efficiency},
					{"efficiency_weighted", got.EfficiencyWeighted, want.EfficiencyWeighted},
					{"hierarchy", got.Hierarchy, want.Hierarchy},
					{"hierarchy_weighted", got.HierarchyWeighted, want.HierarchyWeighted},
				} {
					if !close(float64(m.got), float64(m.want)) {
						t.Errorf("%s %s: got %v, want %v", id, m.name, m.got, m.want)
					}
				}
			}
		})
	}
}

func TestBetweennessExactMatchesNetworkX(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			net, ref := loadFixture(t, name)
			b := net.BetweennessExact()
			for id, want := range ref.Nodes {
				i := net.Index(id)
				if !close(b.Values[i], want.Betweenness) {
					t.Errorf("%s: got %v, want %v", id, b.Values[i], want.Betweenness)
				}
				if !close(b.Normalized[i], want.BetweennessNorm) {
					t.Errorf("%s normalised: got %v, want %v", id, b.Normalized[i], want.BetweennessNorm)
				}
			}
		})
	}
}

func TestWeakTiesMatchNetworkX(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			net, ref := loadFixture(t, name)
			var bridges [][2]string
			for _, b := range net.Bridges() {
				p := [2]string{b.Source, b.Target}
				slices.Sort(p[:])
				bridges = append(bridges, p)
			}
			slices.SortFunc(bridges, func(a, b [2]string) int { return cmpPair(a, b) })
			if !slices.Equal(bridges, ref.Bridges) && len(bridges)+len(ref.Bridges) > 0 {
				t.Errorf("bridges: got %v, want %v", bridges, ref.Bridges)
			}
			want := map[[2]string]any{}
			for _, lb := range ref.LocalBridges {
				want[[2]string{lb[0].(string), lb[1].(string)}] = lb[2]
			}
			got := net.LocalBridges()
			if len(got) != len(want) {
				t.Errorf("local bridges: got %d, want %d", len(got), len(want))
			}
			for _, lb := range got {
				p := [2]string{lb.Source, lb.Target}
				slices.Sort(p[:])
				span, ok := want[p]
				switch {
				case !ok:
					t.Errorf("local bridge %v: not in NetworkX's", p)
				case span == nil && lb.Span != analytics.NoSpan:
					t.Errorf("local bridge %v span: got %d, want none", p, lb.Span)
				case span != nil && float64(lb.Span) != span.(float64):
					t.Errorf("local bridge %v span: got %d, want %v", p, lb.Span, span)
				}
			}
			for _, o := range ref.Overlap {
				e := net.TieBetween(net.Index(o.Source), net.Index(o.Target))
				if got := net.Overlap(e); !close(got, o.Overlap) {
					t.Errorf("overlap %s-%s: got %v, want %v", o.Source, o.Target, got, o.Overlap)
				}
			}
		})
	}
}

func cmpPair(a, b [2]string) int {
	if a[0] != b[0] {
		if a[0] < b[0] {
			return -1
		}
		return 1
	}
	switch {
	case a[1] < b[1]:
		return -1
	case a[1] > b[1]:
		return 1
	}
	return 0
}

func TestIntroPathsMatchNetworkX(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			net, ref := loadFixture(t, name)
			for _, q := range ref.Paths {
				got := net.IntroPaths([]int32{net.Index(q.From)}, net.Index(q.To),
					analytics.PathOptions{K: q.K, MaxHops: q.MaxHops})
				if len(got) != len(q.Paths) {
					t.Errorf("%s→%s: got %d paths, want %d", q.From, q.To, len(got), len(q.Paths))
					continue
				}
				for i, p := range got {
					// Equal scores may come in another order; compare scores
					// by rank and check each path's own score.
					if !close(p.Score, q.Paths[i].Score) {
						t.Errorf("%s→%s path %d: got score %v (%v), want %v (%v)", q.From, q.To, i,
							p.Score, p.People, q.Paths[i].Score, q.Paths[i].Nodes)
					}
					if p.People[0] != q.From || p.People[len(p.People)-1] != q.To || p.Hops > q.MaxHops {
						t.Errorf("%s→%s path %d: got %v", q.From, q.To, i, p.People)
					}
					score := 1.0
					for _, s := range p.Steps {
						score *= s.Strength
					}
					if !close(score, p.Score) {
						t.Errorf("%s→%s path %d: steps multiply to %v, score %v", q.From, q.To, i, score, p.Score)
					}
				}
			}
		})
	}
}
