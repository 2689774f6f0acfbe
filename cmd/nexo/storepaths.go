package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/nexohq/nexo/graph/ask"
)

// runStorePaths asks the API for intro paths in the caller's workspace.
func runStorePaths(ctx context.Context, w, stderr io.Writer, o pathsOptions) error {
	cf := clientFlags{server: o.server, token: o.token, format: o.format}
	q := url.Values{"k": {strconv.Itoa(o.k)}, "max_hops": {strconv.Itoa(o.maxHops)}}
	targets := 0
	for _, set := range []bool{o.to != "", o.org != "", o.query != "" || o.title != "" || o.tag != "" || o.skill != "" || o.location != ""} {
		if set {
			targets++
		}
	}
	if targets != 1 {
		return fmt.Errorf("give one target: --to PERSON, --org ORG or --query TEXT (or --edges FILE.csv for an edge list)")
	}
	c, err := cf.connect(ctx, stderr)
	if err != nil {
		return err
	}
	defer c.Close()
	if o.from != "" {
		q.Set("from", o.from)
	}
	switch {
	case o.to != "":
		p, err := c.resolvePerson(ctx, o.to)
		if err != nil {
			return err
		}
		q.Set("to", p.ID)
	case o.org != "":
		q.Set("org", o.org)
	default:
		for k, v := range map[string]string{"q": o.query, "title": o.title, "tag": o.tag, "skill": o.skill, "location": o.location} {
			if v != "" {
				q.Set(k, v)
			}
		}
	}
	var res ask.IntroPathsAnswer
	if err := c.do(ctx, "GET", "/api/v1/intro-paths", q, nil, &res); err != nil {
		return err
	}
	if o.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	if len(res.Paths) == 0 {
		fmt.Fprintf(w, "No path to %s within %d ties.\n", targetText(res.Target), o.maxHops)
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Paths to %s, best first (score = product of tie strengths):\n\n", targetText(res.Target))
	for i, p := range res.Paths {
		fmt.Fprintf(tw, "%d. %s   score %.3f\n", i+1, strings.Join(p.Names, " → "), p.Score)
		for _, s := range p.Steps {
			fmt.Fprintf(tw, "   \t%s → %s\t%.2f\t%s\n", s.FromName, s.ToName, s.Strength, reasons(s.Reasons))
		}
	}
	return tw.Flush()
}

// targetText says what a question asked for: a person, anyone at an
// organisation, or anyone matching a query ("investor"; title "CTO").
func targetText(t ask.Target) string {
	switch {
	case t.OrganizationID != "":
		return "anyone at " + t.Name
	case t.Query != nil:
		var parts []string
		if t.Query.Text != "" {
			parts = append(parts, strconv.Quote(t.Query.Text))
		}
		for _, f := range []struct{ name, v string }{{"title", t.Query.Title}, {"tag", t.Query.Tag},
			{"skill", t.Query.Skill}, {"location", t.Query.Location}} {
			if f.v != "" {
				parts = append(parts, f.name+" "+strconv.Quote(f.v))
			}
		}
		return "anyone matching " + strings.Join(parts, ", ")
	}
	return t.Name
}
