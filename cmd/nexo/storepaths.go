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
		q.Set("to", str(p["id"]))
	case o.org != "":
		q.Set("org", o.org)
	default:
		for k, v := range map[string]string{"q": o.query, "title": o.title, "tag": o.tag, "skill": o.skill, "location": o.location} {
			if v != "" {
				q.Set(k, v)
			}
		}
	}
	var res jsonMap
	if err := c.do(ctx, "GET", "/api/v1/intro-paths", q, nil, &res); err != nil {
		return err
	}
	if o.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	paths := items(res, "paths")
	target := res["target"].(map[string]any)
	if len(paths) == 0 {
		fmt.Fprintf(w, "No path to %s within %d ties.\n", targetText(target), o.maxHops)
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Paths to %s, best first (score = product of tie strengths):\n\n", targetText(target))
	for i, p := range paths {
		names, _ := p["names"].([]any)
		parts := make([]string, len(names))
		for j, n := range names {
			parts[j] = fmt.Sprint(n)
		}
		fmt.Fprintf(tw, "%d. %s   score %.3f\n", i+1, strings.Join(parts, " → "), p["score"])
		for _, s := range items(p, "steps") {
			fmt.Fprintf(tw, "   \t%s → %s\t%.2f\t%s\n", str(s["from_name"]), str(s["to_name"]), s["strength"], str(s["reasons"]))
		}
	}
	return tw.Flush()
}

func targetText(t map[string]any) string {
	if n, ok := t["name"]; ok {
		if _, org := t["organization_id"]; org {
			return "anyone at " + fmt.Sprint(n)
		}
		return fmt.Sprint(n)
	}
	b, _ := json.Marshal(t["query"])
	return "anyone matching " + string(b)
}
