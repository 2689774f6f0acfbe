// Command nexobench is the Go side of scripts/bench/compare.py: it writes
// the synthetic graphs (gen) and times Nexo's analytics on an edge list
// (time), printing JSON for the comparison with NetworkX and igraph.
//
//	go run ./scripts/bench/nexobench gen -n 10000 -seed 1 -o g.csv
//	go run ./scripts/bench/nexobench time -edges g.csv -pairs pairs.csv
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/analytics/synth"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: nexobench gen|time [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "time":
		err = timeAll(os.Args[2:], os.Stdout)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "nexobench:", err)
		os.Exit(1)
	}
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	n := fs.Int("n", 1000, "people")
	seed := fs.Uint64("seed", 1, "seed")
	out := fs.String("o", "", "output CSV")
	_ = fs.Parse(args)
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "source,target,weight")
	edges, _ := synth.Graph(synth.Params{N: *n, Seed: *seed})
	for _, e := range edges {
		fmt.Fprintf(w, "p%d,p%d,%s\n", e.A, e.B, strconv.FormatFloat(e.W, 'f', -1, 64))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

type timing struct {
	N, M                 int
	Cores                int                `json:"cores"`
	Seconds              map[string]float64 `json:"seconds"`
	Sources              int                `json:"sources"`
	Samples              int                `json:"samples"`
	PathsFound           int                `json:"paths_found"`
	PathQueries          int                `json:"path_queries"`
	PathP50, PathP99     float64
	ConstraintWeighted   map[string]float64 `json:"constraint_weighted"`
	BetweennessFromSrc   map[string]float64 `json:"betweenness_from_sources"`
	PathScores           [][]float64        `json:"path_scores"`
	BetweennessExactSome map[string]float64 `json:"betweenness_exact"`
	// Louvain's partition (person id → circle) and modularity, for compare.py
	// to score with igraph beside igraph's and NetworkX's own.
	LouvainOf         map[string]int32 `json:"louvain_of,omitempty"`
	LouvainModularity float64          `json:"louvain_modularity"`
}

// lap records the seconds since start under name and prints them.
func (t *timing) lap(name string, start time.Time) {
	t.Seconds[name] = time.Since(start).Seconds()
	fmt.Fprintf(os.Stderr, "%s %.3fs\n", name, t.Seconds[name])
}

func timeAll(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("time", flag.ExitOnError)
	edgesPath := fs.String("edges", "", "edge list CSV")
	pairsPath := fs.String("pairs", "", "CSV of source,target pairs for paths")
	exactMax := fs.Int("exact-max", 10000, "largest n for exact betweenness")
	sources := fs.Int("sources", 200, "sources for per-source betweenness")
	seed := fs.Uint64("seed", 1, "seed of sampled betweenness")
	louvain := fs.Bool("louvain", true, "time Louvain")
	_ = fs.Parse(args)
	edges, err := readCSV(*edgesPath)
	if err != nil {
		return err
	}
	t := timing{Cores: runtime.GOMAXPROCS(0), Seconds: map[string]float64{}}
	start := time.Now()
	net, err := analytics.NetworkFromEdges(nil, edges)
	if err != nil {
		return err
	}
	t.lap("build", start)
	defer func() { fmt.Fprintln(os.Stderr, "nexobench:", t.Seconds) }()
	t.N, t.M = net.Len(), net.NumTies()

	start = time.Now()
	holes := net.StructuralHoles()
	t.lap("constraint", start)
	t.ConstraintWeighted = map[string]float64{}
	for i := 0; i < min(20, net.Len()); i++ {
		t.ConstraintWeighted[net.ID(int32(i))] = float64(holes[i].ConstraintWeighted)
	}

	if net.Len() <= *exactMax {
		start = time.Now()
		b := net.BetweennessExact()
		t.lap("betweenness_exact", start)
		t.BetweennessExactSome = map[string]float64{}
		for i := 0; i < min(20, net.Len()); i++ {
			t.BetweennessExactSome[net.ID(int32(i))] = b.Values[i]
		}
	}
	src := make([]int32, min(*sources, net.Len()))
	for i := range src {
		// The same sources as compare.py: people p0, p(n/S), p(2n/S), ...
		src[i] = net.Index("p" + strconv.Itoa(i*net.Len()/len(src)))
		if src[i] < 0 {
			return fmt.Errorf("source p%d not in the graph", i*net.Len()/len(src))
		}
	}
	t.Sources = len(src)
	start = time.Now()
	bs := net.BetweennessFromSources(src)
	t.lap("betweenness_sources", start)
	t.BetweennessFromSrc = map[string]float64{}
	for i := 0; i < min(20, net.Len()); i++ {
		t.BetweennessFromSrc[net.ID(int32(i))] = bs[i]
	}
	start = time.Now()
	rk := net.BetweennessSampled(analytics.DefaultEpsilon, analytics.DefaultDelta, *seed)
	t.lap("betweenness_sampled", start)
	t.Samples = rk.Samples

	start = time.Now()
	net.LocalBridges()
	t.lap("local_bridges", start)
	if *louvain {
		start = time.Now()
		c := net.Communities()
		t.lap("louvain", start)
		t.LouvainModularity = c.Modularity
		t.LouvainOf = make(map[string]int32, net.Len())
		for i, circle := range c.Of {
			t.LouvainOf[net.ID(int32(i))] = circle
		}
	}

	if *pairsPath != "" {
		pairs, err := readPairs(*pairsPath)
		if err != nil {
			return err
		}
		var lat []float64
		for _, p := range pairs {
			s, d := net.Index(p[0]), net.Index(p[1])
			start = time.Now()
			paths := net.IntroPaths([]int32{s}, d, analytics.PathOptions{K: 5, MaxHops: 4})
			lat = append(lat, time.Since(start).Seconds())
			var scores []float64
			for _, q := range paths {
				scores = append(scores, q.Score)
			}
			t.PathScores = append(t.PathScores, scores)
			if len(paths) > 0 {
				t.PathsFound++
			}
		}
		t.PathQueries = len(pairs)
		sort.Float64s(lat)
		if len(lat) > 0 {
			sum := 0.0
			for _, l := range lat {
				sum += l
			}
			t.Seconds["paths_mean"] = sum / float64(len(lat))
			t.PathP50 = lat[len(lat)/2]
			t.PathP99 = lat[min(len(lat)-1, len(lat)*99/100)]
		}
	}
	enc := json.NewEncoder(out)
	return enc.Encode(t)
}

func readCSV(path string) ([]analytics.Edge, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return nil, err
	}
	var edges []analytics.Edge
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return edges, nil
		} else if err != nil {
			return nil, err
		}
		w, err := strconv.ParseFloat(rec[2], 64)
		if err != nil {
			return nil, err
		}
		edges = append(edges, analytics.Edge{Source: rec[0], Target: rec[1], Weight: w})
	}
}

func readPairs(path string) ([][2]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	var out [][2]string
	for _, r := range recs {
		out = append(out, [2]string{r[0], r[1]})
	}
	return out, nil
}
