package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
)

func init() { register(newPathsCmd) }

// pathsOptions holds the flags of `nexo paths`. --edges selects the file
// mode; store-backed targets (--to NAME, --org, --query) come in beside it.
type pathsOptions struct {
	edges   string
	from    string
	to      string
	k       int
	maxHops int
	format  string
}

func newPathsCmd() *cobra.Command {
	var o pathsOptions
	cmd := &cobra.Command{
		Use:   "paths --edges FILE.csv --from A --to B [--k 3] [--max-hops 4] [--format json]",
		Short: "The k best warm-introduction paths between two people",
		Long: `Paths prints the k best loopless paths from --from to --to with at most
--max-hops ties, best first. A path's score is the product of its tie
strengths (the weight column of the edge list, default 1).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPaths(cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.edges, "edges", "", "edge list `FILE.csv` (source,target,weight)")
	f.StringVar(&o.from, "from", "", "the person the paths start from")
	f.StringVar(&o.to, "to", "", "the person to reach")
	f.IntVar(&o.k, "k", 3, "number of paths")
	f.IntVar(&o.maxHops, "max-hops", analytics.DefaultMaxHops, "most ties per path")
	f.StringVar(&o.format, "format", "table", "output format: table or json")
	return cmd
}

// pathsOutput is the JSON of `nexo paths --format json`.
type pathsOutput struct {
	Paths []pathsPath `json:"paths"`
}

type pathsPath struct {
	Nodes []string `json:"nodes"`
	Score float64  `json:"score"`
}

func runPaths(w io.Writer, o pathsOptions) error {
	if o.format != "table" && o.format != "json" {
		return graph.FieldErrorf("format", "Format must be table or json.")
	}
	if o.k < 1 {
		return graph.FieldErrorf("k", "--k must be at least 1.")
	}
	if o.maxHops < 1 || o.maxHops > analytics.MaxPathHops {
		return graph.FieldErrorf("max-hops", "--max-hops must be between 1 and %d.", analytics.MaxPathHops)
	}
	if o.edges == "" {
		return graph.FieldErrorf("edges", "Pass --edges FILE.csv.")
	}
	paths, err := pathsFromEdgeList(o)
	if err != nil {
		return err
	}
	out := pathsOutput{Paths: []pathsPath{}}
	for _, p := range paths {
		out.Paths = append(out.Paths, pathsPath{Nodes: p.People, Score: p.Score})
	}
	if o.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(paths) == 0 {
		_, err := fmt.Fprintf(w, "No path from %s to %s within %d ties.\n", o.from, o.to, o.maxHops)
		return err
	}
	for i, p := range paths {
		fmt.Fprintf(w, "%d. score %.6f  %s\n", i+1, p.Score, strings.Join(p.Names, " → "))
	}
	return nil
}

func pathsFromEdgeList(o pathsOptions) ([]analytics.IntroPath, error) {
	net, err := loadEdgeList(o.edges)
	if err != nil {
		return nil, err
	}
	from, to := net.Index(o.from), net.Index(o.to)
	if from < 0 {
		return nil, fmt.Errorf("--from %q: no such node in %s", o.from, o.edges)
	}
	if to < 0 {
		return nil, fmt.Errorf("--to %q: no such node in %s", o.to, o.edges)
	}
	return net.IntroPaths([]int32{from}, to, analytics.PathOptions{K: o.k, MaxHops: o.maxHops}), nil
}
