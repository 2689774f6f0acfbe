package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
)

func init() { register(newAnalyzeCmd) }

type analyzeOptions struct {
	edges   string
	format  string
	exact   bool
	epsilon float64
}

func newAnalyzeCmd() *cobra.Command {
	var o analyzeOptions
	cmd := &cobra.Command{
		Use:   "analyze --edges FILE.csv [--format json]",
		Short: "Brokerage, betweenness and weak ties of an edge list",
		Long: `Analyze reads an undirected edge list (header source,target[,weight]; weight is
the tie strength in (0,1], default 1; a row with an empty target declares an
isolated node) and prints, per node, degree, Burt's constraint, effective size,
efficiency and hierarchy (unweighted and strength-weighted) and betweenness,
then the bridges and local bridges with their span.

Betweenness counts each unordered pair once; betweenness_norm divides it by
(n-1)(n-2)/2. It is exact up to n·m = 2e9 and sampled beyond (Riondato &
Kornaropoulos 2016, error at most --epsilon with probability 0.9) unless
--exact. Self-loops are rejected; duplicate edges are merged, the largest
weight winning.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAnalyze(cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.edges, "edges", "", "edge list `FILE.csv` (source,target,weight)")
	f.StringVar(&o.format, "format", "table", "output format: table or json")
	f.BoolVar(&o.exact, "exact", false, "always compute betweenness exactly")
	f.Float64Var(&o.epsilon, "epsilon", analytics.DefaultEpsilon, "accuracy of sampled betweenness")
	_ = cmd.MarkFlagRequired("edges")
	return cmd
}

// analyzeNode is one node of `nexo analyze --format json`.
// Burt's measures are analytics.Holes as they are; betweenness is added.
type analyzeNode struct {
	analytics.Holes
	Betweenness     float64 `json:"betweenness"`
	BetweennessNorm float64 `json:"betweenness_norm"`
}

type analyzeEdge struct {
	Source string `json:"source"`
	Target string `json:"target"`
}

type analyzeLocalBridge struct {
	Source string         `json:"source"`
	Target string         `json:"target"`
	Span   analytics.Span `json:"span"`
}

type analyzeOutput struct {
	Nodes        map[string]analyzeNode `json:"nodes"`
	LocalBridges []analyzeLocalBridge   `json:"local_bridges"`
	Bridges      []analyzeEdge          `json:"bridges"`
}

func runAnalyze(stdout, stderr io.Writer, o analyzeOptions) error {
	if o.format != "table" && o.format != "json" {
		return graph.FieldErrorf("format", "Format must be table or json.")
	}
	net, err := loadEdgeList(o.edges)
	if err != nil {
		return err
	}
	holes := net.StructuralHoles()
	var btw *analytics.BetweennessResult
	if o.exact {
		btw = net.BetweennessExact()
	} else if float64(net.Len())*float64(net.NumTies()) > analytics.AutoExactWork {
		btw = net.BetweennessSampled(o.epsilon, analytics.DefaultDelta, analytics.DefaultSeed)
	} else {
		btw = net.BetweennessExact()
	}
	if !btw.Exact {
		fmt.Fprintf(stderr, "betweenness sampled: %d shortest paths, error ≤ %g (normalised) with probability %g\n",
			btw.Samples, btw.Epsilon, 1-btw.Delta)
	}
	out := analyzeOutput{Nodes: make(map[string]analyzeNode, net.Len()),
		LocalBridges: []analyzeLocalBridge{}, Bridges: []analyzeEdge{}}
	for i, h := range holes {
		out.Nodes[net.ID(int32(i))] = analyzeNode{Holes: h, Betweenness: btw.Values[i], BetweennessNorm: btw.Normalized[i]}
	}
	for _, b := range net.LocalBridges() {
		out.LocalBridges = append(out.LocalBridges, analyzeLocalBridge{b.Source, b.Target, b.Span})
	}
	for _, b := range net.Bridges() {
		out.Bridges = append(out.Bridges, analyzeEdge{b.Source, b.Target})
	}
	if o.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return printAnalyzeTable(stdout, out)
}

func printAnalyzeTable(w io.Writer, out analyzeOutput) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "node\tdegree\tconstraint\teff. size\tconstraint (w)\teff. size (w)\thierarchy\tbetweenness\tnormalised\t")
	ids := make([]string, 0, len(out.Nodes))
	for id := range out.Nodes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		n := out.Nodes[id]
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%.4f\t%.4f\t\n", id, n.Degree, fmtFloat(n.Constraint),
			fmtFloat(n.EffectiveSize), fmtFloat(n.ConstraintWeighted), fmtFloat(n.EffectiveSizeWeighted),
			fmtFloat(n.Hierarchy), n.Betweenness, n.BetweennessNorm)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d bridges\n", len(out.Bridges))
	for _, b := range out.Bridges {
		fmt.Fprintf(w, "  %s — %s\n", b.Source, b.Target)
	}
	fmt.Fprintf(w, "\n%d local bridges (span: shortest other path)\n", len(out.LocalBridges))
	for _, b := range out.LocalBridges {
		span := "none"
		if b.Span >= 0 {
			span = strconv.Itoa(int(b.Span))
		}
		fmt.Fprintf(w, "  %s — %s  span %s\n", b.Source, b.Target, span)
	}
	return nil
}

func fmtFloat(f analytics.Float) string {
	if !f.Valid() {
		return "-"
	}
	return strconv.FormatFloat(float64(f), 'f', 4, 64)
}

// loadEdgeList reads an edge-list CSV into a Network.
func loadEdgeList(path string) (*analytics.Network, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open edge list: %w", err)
	}
	defer f.Close()
	nodes, edges, err := readEdgeList(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	net, err := analytics.NetworkFromEdges(nodes, edges)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return net, nil
}

// readEdgeList parses CSV with a header naming the source and target
// columns and, optionally, weight (default 1). A row with an empty target
// declares an isolated node.
func readEdgeList(r io.Reader) (nodes []string, edges []analytics.Edge, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, graph.Errorf(graph.EINVALID, "Empty edge list: the header source,target,weight is missing.")
	} else if err != nil {
		return nil, nil, err
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	src, okS := col["source"]
	dst, okT := col["target"]
	wcol, okW := col["weight"]
	if !okS || !okT {
		return nil, nil, graph.Errorf(graph.EINVALID, "The header must name the columns source and target (and optionally weight).")
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, nil, err
		}
		field := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		s, t := field(src), field(dst)
		switch {
		case s == "" && t == "":
			continue
		case s == "" || t == "":
			nodes = append(nodes, s+t)
			continue
		}
		w := 1.0
		if okW && field(wcol) != "" {
			if w, err = strconv.ParseFloat(field(wcol), 64); err != nil {
				return nil, nil, graph.Errorf(graph.EINVALID, "Line %d: weight %q is not a number.", line, field(wcol))
			}
		}
		edges = append(edges, analytics.Edge{Source: s, Target: t, Weight: w})
	}
	return nodes, edges, nil
}
