package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

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
	return apiCommand("duplicates", "Possible duplicates: people (or --organizations) likely to be one, with why", cobra.NoArgs,
		func(cmd *cobra.Command) {
			cmd.Flags().IntVar(&limit, "limit", 20, "pairs to show")
			cmd.Flags().BoolVar(&orgs, "organizations", false, "organisations instead of people")
		},
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			path := "/api/v1/duplicates/people"
			if orgs {
				path = "/api/v1/duplicates/organizations"
			}
			var res jsonMap
			if err := c.do(ctx, "GET", path, url.Values{"limit": {strconv.Itoa(limit)}}, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "SCORE\tA\tB\tWHY")
				for _, p := range items(res, "items") {
					a, _ := p["a"].(map[string]any)
					b, _ := p["b"].(map[string]any)
					var why []string
					for _, e := range items(p, "evidence") {
						why = append(why, str(e["detail"]))
					}
					fmt.Fprintf(w, "%s\t%s (%s)\t%s (%s)\t%s\n", f2(p["score"]), str(a["name"]), str(a["id"]),
						str(b["name"]), str(b["id"]), strings.Join(why, "; "))
				}
				fmt.Fprintf(w, "(%s pairs; merge one with: nexo merge SURVIVOR ABSORBED)\n", f2(res["total"]))
			}, nil
		})
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
			var preview jsonMap
			if err := c.do(ctx, "GET", "/api/v1/merges/preview", url.Values{"survivor_id": {str(a["id"])},
				"absorbed_id": {str(b["id"])}}, nil, &preview); err != nil {
				return nil, nil, err
			}
			if !yes {
				return preview, func(w io.Writer) { printPreview(w, preview) }, nil
			}
			sv, _ := preview["survivor"].(map[string]any)
			ab, _ := preview["absorbed"].(map[string]any)
			var m jsonMap
			if err := c.do(ctx, "POST", "/api/v1/merges", nil, map[string]any{"survivor_id": a["id"], "absorbed_id": b["id"],
				"survivor_version": sv["updated_at"], "absorbed_version": ab["updated_at"]}, &m); err != nil {
				return nil, nil, err
			}
			return m, func(w io.Writer) {
				moved, _ := m["moved"].(map[string]any)
				fmt.Fprintf(w, "Merged %s into %s (merge %s): %s ties moved, %s combined, %s interactions, %s introductions, %s notes, %s positions.\n",
					str(b["name"]), str(a["name"]), str(m["id"]), f0(moved["ties"]), f0(moved["combined"]), f0(moved["interactions"]),
					f0(moved["introductions"]), f0(moved["notes"]), f0(moved["positions"]))
				fmt.Fprintf(w, "Undo with: nexo unmerge %s\n", str(m["id"]))
			}, nil
		})
}

// printPreview shows the two people side by side and the result.
func printPreview(w io.Writer, p jsonMap) {
	sv, _ := p["survivor"].(map[string]any)
	ab, _ := p["absorbed"].(map[string]any)
	res, _ := p["result"].(map[string]any)
	prov, _ := res["provenance"].(map[string]any)
	fmt.Fprintln(w, "FIELD\tSURVIVOR\tABSORBED\tRESULT\tFROM")
	for _, f := range []string{"name", "emails", "phones", "linkedin_url", "title", "company", "location", "tags"} {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", f, field(sv[f]), field(ab[f]), field(res[f]), str(prov[f]))
	}
	moves, _ := p["moves"].(map[string]any)
	fmt.Fprintf(w, "\nMoves to the survivor: %s ties (%s combined with the survivor's), %s interactions, %s introductions, %s positions, %s of your notes (teammates' notes move too, unseen).\n",
		f0(moves["ties"]), f0(moves["combined"]), f0(moves["interactions"]), f0(moves["introductions"]), f0(moves["positions"]), f0(moves["your_notes"]))
	if allowed, _ := p["allowed"].(bool); !allowed {
		fmt.Fprintln(w, "You may not merge these two: only an owner can (they are not both your own contacts).")
		return
	}
	fmt.Fprintln(w, "Run again with --yes to merge.")
}

func field(v any) string {
	switch x := v.(type) {
	case nil:
		return "–"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

func f0(v any) string {
	if x, ok := v.(float64); ok {
		return strconv.Itoa(int(x))
	}
	return "0"
}

func newUnmergeCmd() *cobra.Command {
	var newTo string
	return apiCommand("unmerge MERGE_ID", "Undo a merge: both people come back with what each had", cobra.ExactArgs(1),
		func(cmd *cobra.Command) {
			cmd.Flags().StringVar(&newTo, "new-to", "survivor", "who keeps what the merged person got since the merge: survivor or absorbed")
		},
		func(ctx context.Context, c *apiClient, args []string) (any, func(io.Writer), error) {
			if newTo != "survivor" && newTo != "absorbed" {
				return nil, nil, errors.New("--new-to must be survivor or absorbed")
			}
			var m jsonMap
			if err := c.do(ctx, "POST", "/api/v1/merges/"+url.PathEscape(args[0])+"/undo", nil, map[string]any{"new_to": newTo}, &m); err != nil {
				return nil, nil, err
			}
			return m, func(w io.Writer) {
				fmt.Fprintf(w, "Undone: %s (%s) is back beside %s.\n", str(m["absorbed_name"]), str(m["absorbed_id"]), str(m["survivor_id"]))
			}, nil
		})
}
