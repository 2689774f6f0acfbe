package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/identity"
	"github.com/spf13/cobra"
)

func init() {
	register(newDuplicatesCmd)
	register(newMergeCmd)
	register(newUnmergeCmd)
}

func newDuplicatesCmd() *cobra.Command {
	var limit int
	var orgs bool
	var minScore float64
	return apiCommand("duplicates", "Possible duplicates: people (or --organizations) likely to be one, with why", cobra.NoArgs,
		func(cmd *cobra.Command) {
			cmd.Flags().IntVar(&limit, "limit", 20, "pairs to show")
			cmd.Flags().BoolVar(&orgs, "organizations", false, "organisations instead of people")
			cmd.Flags().Float64Var(&minScore, "min-score", 0, "only pairs scoring at least this (0 to 1)")
		},
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			q := url.Values{"limit": {strconv.Itoa(limit)}}
			if minScore != 0 {
				q.Set("min_score", strconv.FormatFloat(minScore, 'g', -1, 64))
			}
			if orgs {
				var res api.List[api.OrgPair]
				if err := c.do(ctx, "GET", "/api/v1/duplicates/organizations", q, nil, &res); err != nil {
					return nil, nil, err
				}
				return res, func(w io.Writer) {
					fmt.Fprintln(w, "SCORE\tA\tB\tWHY")
					for _, p := range res.Items {
						fmt.Fprintf(w, "%s\t%s (%s)\t%s (%s)\t%s\n", f2(p.Score), p.A.Name, p.A.ID, p.B.Name, p.B.ID, evidence(p.Evidence))
					}
					fmt.Fprintf(w, "(%s)\n", count(res.Total, "pair", "pairs"))
				}, nil
			}
			var res api.CandidateList
			if err := c.do(ctx, "GET", "/api/v1/duplicates/people", q, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "SCORE\tA\tB\tWHY")
				for _, p := range res.Items {
					fmt.Fprintf(w, "%s\t%s (%s)\t%s (%s)\t%s\n", f2(p.Score), p.A.Name, p.A.ID, p.B.Name, p.B.ID, evidence(p.Evidence))
				}
				fmt.Fprintf(w, "(%s; merge one with: nexo merge SURVIVOR ABSORBED)\n", count(res.Total, "pair", "pairs"))
				if res.Stale {
					fmt.Fprintln(w, "(The workspace changed since these were found; they are being found again: ask again in a few seconds.)")
				}
			}, nil
		})
}

// evidence joins the evidence of a candidate pair.
func evidence(l []identity.Evidence) string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Detail
	}
	return strings.Join(parts, "; ")
}

func newMergeCmd() *cobra.Command {
	var yes bool
	return apiCommand("merge SURVIVOR ABSORBED", "Merge ABSORBED into SURVIVOR (names or ids): a preview, then the merge with --yes",
		cobra.ExactArgs(2),
		func(cmd *cobra.Command) {
			cmd.Flags().BoolVar(&yes, "yes", false, "merge; without it, only show the preview")
		},
		func(ctx context.Context, c *apiClient, args []string) (any, func(io.Writer), error) {
			a, err := c.resolvePerson(ctx, args[0])
			if err != nil {
				return nil, nil, err
			}
			b, err := c.resolvePerson(ctx, args[1])
			if err != nil {
				return nil, nil, err
			}
			var preview api.MergePreview
			if err := c.do(ctx, "GET", "/api/v1/merges/preview", url.Values{"survivor_id": {a.ID},
				"absorbed_id": {b.ID}}, nil, &preview); err != nil {
				return nil, nil, err
			}
			if !yes {
				return preview, func(w io.Writer) { printPreview(w, &preview) }, nil
			}
			var m graph.Merge
			if err := c.do(ctx, "POST", "/api/v1/merges", nil, map[string]any{"survivor_id": a.ID, "absorbed_id": b.ID,
				"survivor_version": preview.Survivor.UpdatedAt, "absorbed_version": preview.Absorbed.UpdatedAt}, &m); err != nil {
				return nil, nil, err
			}
			return m, func(w io.Writer) {
				mv := m.Moved
				fmt.Fprintf(w, "Merged %s into %s (merge %s): %s moved, %d combined, %s, %s, %s, %s.\n",
					b.Name, a.Name, m.ID, count(mv.Ties, "tie", "ties"), mv.Combined, count(mv.Interactions, "interaction", "interactions"),
					count(mv.Introductions, "introduction", "introductions"), count(mv.Notes, "note", "notes"),
					count(mv.Positions, "position", "positions"))
				fmt.Fprintf(w, "Undo with: nexo unmerge %s\n", m.ID)
			}, nil
		})
}

// printPreview shows the two people side by side and the result.
func printPreview(w io.Writer, p *api.MergePreview) {
	fmt.Fprintln(w, "FIELD\tSURVIVOR\tABSORBED\tRESULT\tFROM")
	row := func(name string, get func(*graph.Person) string) {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", name, dash(get(p.Survivor)), dash(get(p.Absorbed)), dash(get(p.Result)),
			p.Result.Provenance[name])
	}
	row("name", func(x *graph.Person) string { return x.Name })
	row("emails", func(x *graph.Person) string { return strings.Join(x.Emails, ", ") })
	row("phones", func(x *graph.Person) string { return strings.Join(x.Phones, ", ") })
	row("linkedin_url", func(x *graph.Person) string { return x.LinkedInURL })
	row("title", func(x *graph.Person) string { return x.Title })
	row("company", func(x *graph.Person) string { return x.Company })
	row("location", func(x *graph.Person) string { return x.Location })
	row("tags", func(x *graph.Person) string { return strings.Join(x.Tags, ", ") })
	mv := p.Moves
	fmt.Fprintf(w, "\nMoves to the survivor: %s (%d combined with the survivor's), %s, %s, %s, %s of your notes (teammates' notes move too, unseen).\n",
		count(mv.Ties, "tie", "ties"), mv.Combined, count(mv.Interactions, "interaction", "interactions"),
		count(mv.Introductions, "introduction", "introductions"), count(mv.Positions, "position", "positions"), count(mv.YourNotes, "", ""))
	if !p.Allowed {
		fmt.Fprintln(w, "You may not merge these two: only an owner can (they are not both your own contacts).")
		return
	}
	fmt.Fprintln(w, "Run again with --yes to merge.")
}

// dash is a value, or "–" for none.
func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func newUnmergeCmd() *cobra.Command {
	var newTo string
	return apiCommand("unmerge MERGE_ID|last", "Undo a merge (last: the newest not undone yet): both people come back with what each had", cobra.ExactArgs(1),
		func(cmd *cobra.Command) {
			cmd.Flags().StringVar(&newTo, "new-to", "survivor", "who keeps what the merged person got since the merge: survivor or absorbed")
		},
		func(ctx context.Context, c *apiClient, args []string) (any, func(io.Writer), error) {
			if newTo != "survivor" && newTo != "absorbed" {
				return nil, nil, errors.New("--new-to must be survivor or absorbed")
			}
			id := args[0]
			if id == "last" {
				var l api.List[graph.Merge]
				if err := c.do(ctx, "GET", "/api/v1/merges", url.Values{"limit": {"100"}}, nil, &l); err != nil {
					return nil, nil, err
				}
				i := slices.IndexFunc(l.Items, func(m graph.Merge) bool { return m.UndoneAt.IsZero() })
				if i < 0 {
					return nil, nil, errors.New("no merge to undo among the 100 newest")
				}
				id = l.Items[i].ID
			}
			var m graph.Merge
			if err := c.do(ctx, "POST", "/api/v1/merges/"+url.PathEscape(id)+"/undo", nil, map[string]any{"new_to": newTo}, &m); err != nil {
				return nil, nil, err
			}
			return m, func(w io.Writer) {
				fmt.Fprintf(w, "Undone: %s (%s) is back beside %s.\n", m.AbsorbedName, m.AbsorbedID, m.SurvivorID)
			}, nil
		})
}

// count says how many of a thing: "1 pair", "3 pairs".
func count(n int, one, many string) string {
	if n == 1 {
		return strings.TrimSpace("1 " + one)
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", n, many))
}
