package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// analyzeFixtures are edge lists with reference values from NetworkX
// (scripts/analytics/fixtures.py).
var analyzeFixtures = []string{"florentine", "kite", "karate", "islands"}

func fixturePath(name string) string {
	return filepath.Join("..", "..", "analytics", "testdata", name)
}

// runCmd runs a nexo subcommand with args and returns its standard output.
func runCmd(tb testing.TB, args ...string) (string, error) {
	tb.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func TestAnalyzeJSONMatchesNetworkX(t *testing.T) {
	for _, name := range analyzeFixtures {
		t.Run(name, func(t *testing.T) {
			out, err := runCmd(t, "analyze", "--edges", fixturePath(name+".csv"), "--format", "json")
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Nodes        map[string]map[string]*float64 `json:"nodes"`
				LocalBridges []struct {
					Source, Target string
					Span           *int
				} `json:"local_bridges"`
				Bridges []struct{ Source, Target string } `json:"bridges"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			var want struct {
				Nodes        map[string]map[string]*float64 `json:"nodes"`
				LocalBridges [][3]any                       `json:"local_bridges"`
				Bridges      [][2]string                    `json:"bridges"`
			}
			b, err := os.ReadFile(fixturePath(name + ".json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			if len(got.Nodes) != len(want.Nodes) {
				t.Fatalf("got %d nodes, want %d", len(got.Nodes), len(want.Nodes))
			}
			for id, wn := range want.Nodes {
				for _, k := range []string{"degree", "constraint", "effective_size", "constraint_weighted",
					"effective_size_weighted", "betweenness", "betweenness_norm"} {
					g, w := got.Nodes[id][k], wn[k]
					switch {
					case w == nil && g != nil:
						t.Errorf("%s %s: got %v, want null", id, k, *g)
					case w != nil && g == nil:
						t.Errorf("%s %s: got null, want %v", id, k, *w)
					case w != nil && math.Abs(*g-*w) > 1e-9*math.Max(1, math.Abs(*w)):
						t.Errorf("%s %s: got %v, want %v", id, k, *g, *w)
					}
				}
			}
			if len(got.Bridges) != len(want.Bridges) {
				t.Errorf("got %d bridges, want %d", len(got.Bridges), len(want.Bridges))
			}
			spans := map[string]any{}
			for _, lb := range want.LocalBridges {
				spans[pairKey(lb[0].(string), lb[1].(string))] = lb[2]
			}
			if len(got.LocalBridges) != len(spans) {
				t.Errorf("got %d local bridges, want %d", len(got.LocalBridges), len(spans))
			}
			for _, lb := range got.LocalBridges {
				w, ok := spans[pairKey(lb.Source, lb.Target)]
				switch {
				case !ok:
					t.Errorf("local bridge %s-%s not in NetworkX's", lb.Source, lb.Target)
				case w == nil && lb.Span != nil:
					t.Errorf("local bridge %s-%s span: got %d, want null", lb.Source, lb.Target, *lb.Span)
				case w != nil && (lb.Span == nil || float64(*lb.Span) != w.(float64)):
					t.Errorf("local bridge %s-%s span: got %v, want %v", lb.Source, lb.Target, lb.Span, w)
				}
			}
		})
	}
}

func pairKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "\x00" + b
}

func TestPathsJSONMatchesNetworkX(t *testing.T) {
	b, err := os.ReadFile(fixturePath("karate.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Paths []struct {
			From, To string
			Paths    []struct{ Score float64 }
		}
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	for _, q := range ref.Paths {
		out, err := runCmd(t, "paths", "--edges", fixturePath("karate.csv"), "--from", q.From, "--to", q.To, "--k", "3", "--format", "json")
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Paths []struct {
				Nodes []string `json:"nodes"`
				Score float64  `json:"score"`
			} `json:"paths"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		want := q.Paths[:min(3, len(q.Paths))]
		if len(got.Paths) != len(want) {
			t.Fatalf("%s→%s: got %d paths, want %d", q.From, q.To, len(got.Paths), len(want))
		}
		for i, p := range got.Paths {
			if math.Abs(p.Score-want[i].Score) > 1e-9 {
				t.Errorf("%s→%s path %d: got score %v, want %v", q.From, q.To, i, p.Score, want[i].Score)
			}
			if p.Nodes[0] != q.From || p.Nodes[len(p.Nodes)-1] != q.To {
				t.Errorf("%s→%s path %d: got %v", q.From, q.To, i, p.Nodes)
			}
		}
	}
}

func writeCSV(tb testing.TB, body string) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "edges.csv")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestAnalyzeEdgeCases(t *testing.T) {
	t.Run("ErrSelfLoop", func(t *testing.T) {
		_, err := runCmd(t, "analyze", "--edges", writeCSV(t, "source,target,weight\na,a,1\n"))
		if err == nil || !strings.Contains(err.Error(), "self-loop") {
			t.Errorf("got %v, want a self-loop error", err)
		}
	})
	t.Run("ErrWeight", func(t *testing.T) {
		_, err := runCmd(t, "analyze", "--edges", writeCSV(t, "source,target,weight\na,b,1.5\n"))
		if err == nil || !strings.Contains(err.Error(), "outside (0, 1]") {
			t.Errorf("got %v, want a weight error", err)
		}
	})
	t.Run("ErrHeader", func(t *testing.T) {
		_, err := runCmd(t, "analyze", "--edges", writeCSV(t, "a,b\nc,d\n"))
		if err == nil || !strings.Contains(err.Error(), "header") {
			t.Errorf("got %v, want a header error", err)
		}
	})
	t.Run("DuplicatesMergedNoWeightColumn", func(t *testing.T) {
		out, err := runCmd(t, "analyze", "--format", "json", "--edges",
			writeCSV(t, "source,target\na,b\nb,a\nb,c\n"))
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Nodes map[string]struct {
				Degree      int     `json:"degree"`
				Betweenness float64 `json:"betweenness"`
				Constraint  float64 `json:"constraint_weighted"`
			} `json:"nodes"`
			Bridges []struct{ Source, Target string } `json:"bridges"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if b := got.Nodes["b"]; b.Degree != 2 || b.Betweenness != 1 || b.Constraint != 0.5 {
			t.Errorf("b: got %+v, want degree 2, betweenness 1, weighted constraint 0.5", b)
		}
		if len(got.Bridges) != 2 {
			t.Errorf("got %d bridges, want 2", len(got.Bridges))
		}
	})
	t.Run("Empty", func(t *testing.T) {
		out, err := runCmd(t, "analyze", "--format", "json", "--edges", writeCSV(t, "source,target,weight\n"))
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"nodes":{},"local_bridges":[],"bridges":[]}`; compactJSON(t, out) != want {
			t.Errorf("got %s, want %s", out, want)
		}
	})
}

func compactJSON(tb testing.TB, s string) string {
	tb.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

func TestPathsErrors(t *testing.T) {
	edges := fixturePath("islands.csv")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrUnknownFrom", []string{"--from", "nobody", "--to", "a"}, `--from "nobody"`},
		{"ErrUnknownTo", []string{"--from", "a", "--to", "nobody"}, `--to "nobody"`},
		{"ErrK", []string{"--from", "a", "--to", "b", "--k", "0"}, "--k"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := runCmd(t, append([]string{"paths", "--edges", edges}, c.args...)...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error mentioning %s", err, c.want)
			}
		})
	}
	t.Run("NoPath", func(t *testing.T) {
		out, err := runCmd(t, "paths", "--edges", edges, "--from", "a", "--to", "h", "--format", "json")
		if err != nil {
			t.Fatal(err)
		}
		if got := compactJSON(t, out); got != `{"paths":[]}` {
			t.Errorf("got %s, want no paths", got)
		}
	})
}
