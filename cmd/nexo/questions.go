package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/ask"
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

// f2 formats a number with two decimals.
func f2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// reasons joins the reasons the server worded.
func reasons(rs []analytics.Reason) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Text
	}
	return strings.Join(out, "; ")
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
			var res api.List[graph.Person]
			if err := c.do(ctx, "GET", "/api/v1/people", q, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "NAME\tTITLE\tCOMPANY\tLOCATION\tID")
				for _, p := range res.Items {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", p.Name, p.Title, p.Company, p.Location, p.ID)
				}
				fmt.Fprintf(w, "(%d of %d)\n", len(res.Items), res.Total)
			}, nil
		})
}

func newBrokersCmd() *cobra.Command {
	var limit int
	return apiCommand("brokers", "People who bridge the most (betweenness, constraint, effective size)", cobra.NoArgs,
		func(cmd *cobra.Command) { cmd.Flags().IntVar(&limit, "limit", 15, "how many") },
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			var res ask.BrokersAnswer
			if err := c.do(ctx, "GET", "/api/v1/brokers", url.Values{"limit": {strconv.Itoa(limit)}}, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "NAME\tBETWEENNESS\tCONSTRAINT\tEFF. SIZE\tDEGREE\tCIRCLES")
				for _, b := range res.Brokers {
					var circles []string
					for _, cr := range b.Circles {
						circles = append(circles, cr.Label)
					}
					fmt.Fprintf(w, "%s\t%.4f\t%s\t%s\t%d\t%s\n", b.Name, b.BetweennessNorm, number(float64(b.Constraint)),
						number(float64(b.EffectiveSize)), b.Degree, strings.Join(circles[:min(3, len(circles))], "; "))
				}
			}, nil
		})
}

// number formats a measure that may be undefined (NaN: a person without ties).
func number(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return f2(v)
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
				q.Set("person_id", p.ID)
			}
			var res ask.WeakTiesAnswer
			if err := c.do(ctx, "GET", "/api/v1/weak-ties", q, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "FROM\tTO\tSPAN\tSTRENGTH\tOVERLAP")
				for _, t := range res.WeakTies {
					span := "none"
					if t.Span != analytics.NoSpan {
						span = strconv.Itoa(int(t.Span))
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", t.SourceName, t.TargetName, span, f2(t.Strength), f2(t.Overlap))
				}
				fmt.Fprintf(w, "(%d local bridges in all)\n", res.Total)
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
			var res ask.DormantAnswer
			q := url.Values{"days": {strconv.Itoa(days)}, "limit": {strconv.Itoa(limit)}}
			if err := c.do(ctx, "GET", "/api/v1/dormant", q, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "NAME\tDAYS\tVALUE\tWHY")
				for _, d := range res.Dormant {
					fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", d.Name, d.DaysDormant, f2(d.Value), reasons(d.Reasons))
				}
			}, nil
		})
}

func newCommunitiesCmd() *cobra.Command {
	return apiCommand("communities", "The circles of the network (Louvain), largest first", cobra.NoArgs, nil,
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			var res ask.CommunitiesAnswer
			if err := c.do(ctx, "GET", "/api/v1/communities", nil, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "CIRCLE\tSIZE\tLABEL\tBEST CONNECTED")
				for _, cm := range res.Communities {
					var top []string
					for _, m := range cm.Top {
						top = append(top, m.Name)
					}
					fmt.Fprintf(w, "%d\t%d\t%s\t%s\n", cm.ID, cm.Size, cm.Label, strings.Join(top, ", "))
				}
				fmt.Fprintf(w, "(modularity %s)\n", f2(res.Modularity))
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
			var res ask.OpportunitiesAnswer
			if err := c.do(ctx, "GET", "/api/v1/broker-opportunities", q, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "INTRODUCE\tTO\tSCORE\tWHY")
				for _, o := range res.Opportunities {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", o.NameA, o.NameB, f2(o.Score), reasons(o.Reasons))
				}
			}, nil
		})
}

func newJobSearchCmd() *cobra.Command {
	var limit int
	return apiCommand("job-search ORG", "Whom to approach about openings at ORG (moderately weak ties first)", cobra.ExactArgs(1),
		func(cmd *cobra.Command) { cmd.Flags().IntVar(&limit, "limit", 10, "how many") },
		func(ctx context.Context, c *apiClient, args []string) (any, func(io.Writer), error) {
			var res ask.JobSearchAnswer
			if err := c.do(ctx, "GET", "/api/v1/job-search", url.Values{"org": {args[0]}, "limit": {strconv.Itoa(limit)}}, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintf(w, "Whom to ask about openings at %s\n", res.Organization.Name)
				fmt.Fprintln(w, "NAME\tSCORE\tMUTUAL\tSTRENGTH\tWHY")
				for _, l := range res.Leads {
					fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\n", l.Name, f2(l.Score), l.Mutual, f2(l.Strength), reasons(l.Reasons))
				}
				fmt.Fprintf(w, "(%s)\n", res.Method)
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
			var res ask.StrengthsAnswer
			if err := c.do(ctx, "GET", "/api/v1/people/"+p.ID+"/strengths", nil, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintf(w, "Ties of %s\n", res.Name)
				fmt.Fprintln(w, "WITH\tSTRENGTH\tINTERACTIONS\tWHY")
				for _, t := range res.Ties[:min(limit, len(res.Ties))] {
					fmt.Fprintf(w, "%s\t%s\t%d\t%s\n", t.Name, f2(t.Strength), t.Interactions, reasons(t.Reasons))
				}
			}, nil
		})
}

func newLedgerCmd() *cobra.Command {
	return apiCommand("ledger", "My give/get balance with each contact (those I owe first)", cobra.NoArgs, nil,
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			var res ask.LedgerAnswer
			if err := c.do(ctx, "GET", "/api/v1/ledger", nil, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "NAME\tGIVEN\tRECEIVED\tBALANCE")
				for _, r := range res.Ledger {
					fmt.Fprintf(w, "%s\t%d\t%d\t%d\n", r.Name, r.Given, r.Received, r.Balance)
				}
			}, nil
		})
}
