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

	"github.com/spf13/cobra"
)

func init() {
	register(newPeopleCmd)
	register(newBrokersCmd)
	register(newWeakTiesCmd)
	register(newDormantCmd)
	register(newCommunitiesCmd)
	register(newOpportunitiesCmd)
	register(newJobSearchCmd)
	register(newStrengthsCmd)
	register(newLedgerCmd)
}

// apiCommand builds a command that connects to the API, asks, and prints:
// run returns the value to print as JSON and a table printer for it.
func apiCommand(use, short string, args cobra.PositionalArgs, setup func(*cobra.Command),
	run func(ctx context.Context, c *apiClient, args []string) (any, func(io.Writer), error)) *cobra.Command {
	var cf clientFlags
	cmd := &cobra.Command{Use: use, Short: short, Args: args}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := cf.connect(cmd.Context(), cmd.ErrOrStderr())
		if err != nil {
			return err
		}
		defer c.Close()
		v, table, err := run(cmd.Context(), c, args)
		if err != nil {
			return err
		}
		w := cmd.OutOrStdout()
		if cf.format == "json" {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(v)
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		table(tw)
		return tw.Flush()
	}
	cf.add(cmd)
	if setup != nil {
		setup(cmd)
	}
	return cmd
}

func f2(v any) string {
	if x, ok := v.(float64); ok {
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	if v == nil {
		return "–"
	}
	return fmt.Sprint(v)
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if l, ok := v.([]any); ok {
		parts := make([]string, len(l))
		for i, x := range l {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

type jsonMap = map[string]any

func items(v jsonMap, key string) []jsonMap {
	l, _ := v[key].([]any)
	out := make([]jsonMap, 0, len(l))
	for _, x := range l {
		if m, ok := x.(jsonMap); ok {
			out = append(out, m)
		}
	}
	return out
}

func newPeopleCmd() *cobra.Command {
	var f struct{ tag, skill, company, title, location string }
	var limit int
	return apiCommand("people [QUERY]", "Search people (name, email, company, title, tags, skills)", cobra.MaximumNArgs(1),
		func(cmd *cobra.Command) {
			fl := cmd.Flags()
			fl.StringVar(&f.tag, "tag", "", "with this tag")
			fl.StringVar(&f.skill, "skill", "", "with this skill")
			fl.StringVar(&f.company, "company", "", "at this organisation")
			fl.StringVar(&f.title, "title", "", "title contains")
			fl.StringVar(&f.location, "location", "", "location contains")
			fl.IntVar(&limit, "limit", 20, "how many")
		},
		func(ctx context.Context, c *apiClient, args []string) (any, func(io.Writer), error) {
			q := url.Values{"limit": {strconv.Itoa(limit)}}
			if len(args) > 0 {
				q.Set("q", args[0])
			}
			for k, v := range map[string]string{"tag": f.tag, "skill": f.skill, "company": f.company, "title": f.title, "location": f.location} {
				if v != "" {
					q.Set(k, v)
				}
			}
			var res jsonMap
			if err := c.do(ctx, "GET", "/api/v1/people", q, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "NAME\tTITLE\tCOMPANY\tLOCATION\tID")
				for _, p := range items(res, "items") {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", str(p["name"]), str(p["title"]), str(p["company"]), str(p["location"]), str(p["id"]))
				}
				fmt.Fprintf(w, "(%v of %v)\n", len(items(res, "items")), res["total"])
			}, nil
		})
}

func newBrokersCmd() *cobra.Command {
	var limit int
	return apiCommand("brokers", "People who bridge the most (betweenness, constraint, effective size)", cobra.NoArgs,
		func(cmd *cobra.Command) { cmd.Flags().IntVar(&limit, "limit", 15, "how many") },
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			var res jsonMap
			if err := c.do(ctx, "GET", "/api/v1/brokers", url.Values{"limit": {strconv.Itoa(limit)}}, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "NAME\tBETWEENNESS\tCONSTRAINT\tEFF. SIZE\tDEGREE\tCIRCLES")
				for _, b := range items(res, "brokers") {
					var circles []string
					for _, cr := range items(b, "circles") {
						circles = append(circles, str(cr["label"]))
					}
					fmt.Fprintf(w, "%s\t%.4f\t%s\t%s\t%v\t%s\n", str(b["name"]), b["betweenness_norm"], f2(b["constraint"]),
						f2(b["effective_size"]), b["degree"], strings.Join(circles[:min(3, len(circles))], "; "))
				}
			}, nil
		})
}

func newWeakTiesCmd() *cobra.Command {
	var limit int
	var person string
	return apiCommand("weak-ties", "Local bridges: ties whose ends share no contact, widest span first", cobra.NoArgs,
		func(cmd *cobra.Command) {
			cmd.Flags().IntVar(&limit, "limit", 20, "how many")
			cmd.Flags().StringVar(&person, "person", "", "only this person's (name or id)")
		},
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			q := url.Values{"limit": {strconv.Itoa(limit)}}
			if person != "" {
				p, err := c.resolvePerson(ctx, person)
				if err != nil {
					return nil, nil, err
				}
				q.Set("person_id", str(p["id"]))
			}
			var res jsonMap
			if err := c.do(ctx, "GET", "/api/v1/weak-ties", q, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "FROM\tTO\tSPAN\tSTRENGTH\tOVERLAP")
				for _, t := range items(res, "weak_ties") {
					span := "none"
					if t["span"] != nil {
						span = fmt.Sprint(t["span"])
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", str(t["source_name"]), str(t["target_name"]), span, f2(t["strength"]), f2(t["overlap"]))
				}
				fmt.Fprintf(w, "(%v local bridges in all)\n", res["total"])
			}, nil
		})
}

func newDormantCmd() *cobra.Command {
	var days, limit int
	return apiCommand("dormant", "My dormant high-value ties: not contacted for --days, ranked by value", cobra.NoArgs,
		func(cmd *cobra.Command) {
			cmd.Flags().IntVar(&days, "days", 180, "dormant after this many days without interaction")
			cmd.Flags().IntVar(&limit, "limit", 15, "how many")
		},
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			var res jsonMap
			q := url.Values{"days": {strconv.Itoa(days)}, "limit": {strconv.Itoa(limit)}}
			if err := c.do(ctx, "GET", "/api/v1/dormant", q, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "NAME\tDAYS\tVALUE\tWHY")
				for _, d := range items(res, "dormant") {
					fmt.Fprintf(w, "%s\t%v\t%s\t%s\n", str(d["name"]), d["days_dormant"], f2(d["value"]), str(d["reasons"]))
				}
			}, nil
		})
}

func newCommunitiesCmd() *cobra.Command {
	return apiCommand("communities", "The circles of the network (Louvain), largest first", cobra.NoArgs, nil,
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			var res jsonMap
			if err := c.do(ctx, "GET", "/api/v1/communities", nil, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "CIRCLE\tSIZE\tLABEL\tBEST CONNECTED")
				for _, cm := range items(res, "communities") {
					var top []string
					for _, m := range items(cm, "top_members") {
						top = append(top, str(m["name"]))
					}
					fmt.Fprintf(w, "%v\t%v\t%s\t%s\n", cm["id"], cm["size"], str(cm["label"]), strings.Join(top, ", "))
				}
				fmt.Fprintf(w, "(modularity %s)\n", f2(res["modularity"]))
			}, nil
		})
}

func newOpportunitiesCmd() *cobra.Command {
	var limit int
	var team bool
	return apiCommand("opportunities", "Introductions I could make: contacts who would benefit from knowing each other", cobra.NoArgs,
		func(cmd *cobra.Command) {
			cmd.Flags().IntVar(&limit, "limit", 10, "how many")
			cmd.Flags().BoolVar(&team, "team", false, "holes the whole team could bridge")
		},
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			q := url.Values{"limit": {strconv.Itoa(limit)}}
			if team {
				q.Set("from", "team")
			}
			var res jsonMap
			if err := c.do(ctx, "GET", "/api/v1/broker-opportunities", q, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "INTRODUCE\tTO\tSCORE\tWHY")
				for _, o := range items(res, "opportunities") {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", str(o["name_a"]), str(o["name_b"]), f2(o["score"]), str(o["reasons"]))
				}
			}, nil
		})
}

func newJobSearchCmd() *cobra.Command {
	var limit int
	return apiCommand("job-search ORG", "Whom to approach about openings at ORG (moderately weak ties first)", cobra.ExactArgs(1),
		func(cmd *cobra.Command) { cmd.Flags().IntVar(&limit, "limit", 10, "how many") },
		func(ctx context.Context, c *apiClient, args []string) (any, func(io.Writer), error) {
			var res jsonMap
			if err := c.do(ctx, "GET", "/api/v1/job-search", url.Values{"org": {args[0]}, "limit": {strconv.Itoa(limit)}}, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "NAME\tSCORE\tMUTUAL\tSTRENGTH\tWHY")
				for _, l := range items(res, "leads") {
					fmt.Fprintf(w, "%s\t%s\t%v\t%s\t%s\n", str(l["name"]), f2(l["score"]), l["mutual"], f2(l["strength"]), str(l["reasons"]))
				}
				fmt.Fprintf(w, "(%s)\n", str(res["method"]))
			}, nil
		})
}

func newStrengthsCmd() *cobra.Command {
	var limit int
	return apiCommand("strengths PERSON", "A person's ties, strongest first, with why", cobra.ExactArgs(1),
		func(cmd *cobra.Command) { cmd.Flags().IntVar(&limit, "limit", 15, "how many") },
		func(ctx context.Context, c *apiClient, args []string) (any, func(io.Writer), error) {
			p, err := c.resolvePerson(ctx, args[0])
			if err != nil {
				return nil, nil, err
			}
			var res jsonMap
			if err := c.do(ctx, "GET", "/api/v1/people/"+str(p["id"])+"/strengths", nil, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintf(w, "Ties of %s\n", str(res["name"]))
				fmt.Fprintln(w, "WITH\tSCORE\tINTERACTIONS\tWHY")
				ties := items(res, "ties")
				for _, t := range ties[:min(limit, len(ties))] {
					fmt.Fprintf(w, "%s\t%v\t%v\t%s\n", str(t["name"]), t["score"], t["interactions"], str(t["reasons"]))
				}
			}, nil
		})
}

func newLedgerCmd() *cobra.Command {
	return apiCommand("ledger", "My give/get balance with each contact (those I owe first)", cobra.NoArgs, nil,
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			var res jsonMap
			if err := c.do(ctx, "GET", "/api/v1/ledger", nil, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "NAME\tGIVEN\tRECEIVED\tBALANCE")
				for _, r := range items(res, "ledger") {
					fmt.Fprintf(w, "%s\t%v\t%v\t%v\n", str(r["name"]), r["given"], r["received"], r["balance"])
				}
			}, nil
		})
}
