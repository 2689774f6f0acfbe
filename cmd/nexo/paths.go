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

	// Store mode (no --edges): targets and connection.
	org, query                  string
	title, tag, skill, location string
	server, token               string
}

func newPathsCmd() *cobra.Command {
	var o pathsOptions
	cmd := &cobra.Command{
		Use:   "paths --to PERSON | --org ORG | --query TEXT  (or --edges FILE.csv --from A --to B)",
		Short: "Who can introduce me to …: the k best warm-introduction paths",
		Long: `Paths prints the k best loopless paths with at most --max-hops ties, best
first. A path's score is the product of its tie strengths.

In your workspace (the default): from you (or --from team: from every member) to
--to PERSON (a name or id), to anyone at --org ORG, or to anyone matching --query
TEXT ("¿conoces a alguien que…?"), narrowed by --title, --tag, --skill, --location.
Each step says why the tie is strong.

Over an edge list (--edges FILE.csv with source,target[,weight]): from --from to --to.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.edges == "" {
				return runStorePaths(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
			}
			return runPaths(cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.edges, "edges", "", "edge list `FILE.csv` (source,target,weight)")
	f.StringVar(&o.from, "from", "", "with --edges: the node the paths start from; else me (default) or team")
	f.StringVar(&o.to, "to", "", "the person to reach (name or id)")
	f.StringVar(&o.org, "org", "", "reach anyone at this organisation (name or id)")
	f.StringVar(&o.query, "query", "", "reach anyone matching this text (title, tags, skills, needs, location…)")
	f.StringVar(&o.title, "title", "", "with --query: title contains")
	f.StringVar(&o.tag, "tag", "", "with --query: has this tag")
	f.StringVar(&o.skill, "skill", "", "with --query: has this skill")
	f.StringVar(&o.location, "location", "", "with --query: location contains")
	f.StringVar(&o.server, "server", "", "URL of a running nexo server (default $NEXO_URL; none: the store directly)")
	f.StringVar(&o.token, "token", "", "API token (default $NEXO_TOKEN, then .data/demo-token)")
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
