package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
)

func init() {
	register(newLogCmd)
	register(newIntroCmd)
	register(newTokenCmd)
}

func newLogCmd() *cobra.Command {
	var with []string
	var at, notes, initiated string
	cmd := apiCommand("log KIND --with PERSON [--with PERSON…]",
		"Log an interaction: nexo log coffee --with \"Ana García\" --notes \"talked about her move\"",
		cobra.ExactArgs(1),
		func(cmd *cobra.Command) {
			f := cmd.Flags()
			f.StringArrayVar(&with, "with", nil, "who else took part (name or id; repeat for several)")
			f.StringVar(&at, "at", "", "when (YYYY-MM-DD or RFC 3339; default now)")
			f.StringVar(&notes, "notes", "", "private notes")
			f.StringVar(&initiated, "initiated-by", "", "me, them, or a participant")
		},
		func(ctx context.Context, c *apiClient, args []string) (any, func(io.Writer), error) {
			if len(with) == 0 {
				return nil, nil, errors.New("--with is required")
			}
			body := map[string]any{"kind": args[0], "notes": notes}
			if at != "" {
				body["at"] = at
			}
			var ids, names []string
			for _, w := range with {
				p, err := c.resolvePerson(ctx, w)
				if err != nil {
					return nil, nil, err
				}
				ids, names = append(ids, p.ID), append(names, p.Name)
			}
			body["with"] = ids
			switch initiated {
			case "", "me", "them":
				if initiated != "" {
					body["initiated_by"] = initiated
				}
			default:
				p, err := c.resolvePerson(ctx, initiated)
				if err != nil {
					return nil, nil, err
				}
				body["initiated_by"] = p.ID
			}
			var res graph.Interaction
			if err := c.do(ctx, "POST", "/api/v1/interactions", nil, body, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintf(w, "Logged %s with %s on %s (%s).\n", args[0], strings.Join(names, ", "),
					res.At.Format(time.DateOnly), res.ID)
			}, nil
		})
	return cmd
}

func newIntroCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "intro request|list|mark", Short: "Request introductions and record how they went"}
	var via, to, reason string
	cmd.AddCommand(apiCommand("request --via PERSON --to PERSON", "Ask PERSON (--via) to introduce me to --to", cobra.NoArgs,
		func(cmd *cobra.Command) {
			cmd.Flags().StringVar(&via, "via", "", "the introducer (name or id)")
			cmd.Flags().StringVar(&to, "to", "", "whom to meet (name or id)")
			cmd.Flags().StringVar(&reason, "reason", "", "why")
		},
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			if via == "" || to == "" {
				return nil, nil, errors.New("--via and --to are required")
			}
			introducer, err := c.resolvePerson(ctx, via)
			if err != nil {
				return nil, nil, err
			}
			target, err := c.resolvePerson(ctx, to)
			if err != nil {
				return nil, nil, err
			}
			var res graph.Introduction
			if err := c.do(ctx, "POST", "/api/v1/introductions", nil, map[string]any{"introducer_id": introducer.ID,
				"target_id": target.ID, "reason": reason}, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintf(w, "Requested: %s to introduce you to %s (%s).\n", introducer.Name, target.Name, res.ID)
			}, nil
		}))
	var status string
	cmd.AddCommand(apiCommand("list", "List introductions, newest first", cobra.NoArgs,
		func(cmd *cobra.Command) {
			cmd.Flags().StringVar(&status, "status", "", "requested, made, accepted or declined")
		},
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			q := url.Values{}
			if status != "" {
				q.Set("status", status)
			}
			var res api.List[graph.Introduction]
			if err := c.do(ctx, "GET", "/api/v1/introductions", q, nil, &res); err != nil {
				return nil, nil, err
			}
			names := map[string]string{}
			for _, in := range res.Items {
				for _, id := range []string{in.IntroducerID, in.PersonID, in.TargetID} {
					if _, ok := names[id]; !ok {
						var p graph.Person
						if c.do(ctx, "GET", "/api/v1/people/"+id, nil, nil, &p) == nil {
							names[id] = p.Name
						}
					}
				}
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "ID\tSTATUS\tBY\tOF\tTO\tREQUESTED")
				for _, in := range res.Items {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", in.ID, in.Status, names[in.IntroducerID],
						names[in.PersonID], names[in.TargetID], in.RequestedAt.Format(time.DateOnly))
				}
			}, nil
		}))
	var outcome string
	cmd.AddCommand(apiCommand("mark ID made|accepted|declined", "Record that an introduction was made, accepted or declined",
		cobra.ExactArgs(2),
		func(cmd *cobra.Command) { cmd.Flags().StringVar(&outcome, "outcome", "", "what came of it") },
		func(ctx context.Context, c *apiClient, args []string) (any, func(io.Writer), error) {
			body := map[string]any{"status": args[1]}
			if outcome != "" {
				body["outcome"] = outcome
			}
			var res graph.Introduction
			if err := c.do(ctx, "PATCH", "/api/v1/introductions/"+args[0], nil, body, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintf(w, "Introduction %s is now %s.", res.ID, res.Status)
				if t := res.TieID; t != "" && args[1] == "made" {
					fmt.Fprintf(w, " It produced tie %s.", t)
				}
				fmt.Fprintln(w)
			}, nil
		}))
	return cmd
}

// newTokenCmd manages API tokens. `token create` works on the store directly,
// so it can bootstrap the first owner of a new installation; list and revoke
// go through the API.
func newTokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token create|list|revoke", Short: "Create, list and revoke API tokens"}
	var wsKey, userKey, name, meName string
	create := &cobra.Command{
		Use:   "create [--workspace NAME|ID] [--user NAME|ID] [--name LABEL]",
		Short: "Create a token (bootstraps a workspace and its owner when there is none)",
		Long: `Create an API token for a member and print its secret (shown once; only its hash is stored).

With no workspace in the database, it creates one (--workspace names it, default "My network"),
an owner (--me names your own person, default "Me") and the owner's token. With one workspace, the
token is for its first owner unless --user says otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := storeCommand(cmd.Context())
			if err != nil {
				return err
			}
			defer m.Close()
			secret, u, w, err := createToken(cmd.Context(), m.Store, wsKey, userKey, name, meName)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Token %q for %s (%s) in workspace %q. Keep it: it is shown once.\n", name, u.Name, u.Role, w.Name)
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			return nil
		},
	}
	create.Flags().StringVar(&wsKey, "workspace", "", "workspace name or id")
	create.Flags().StringVar(&userKey, "user", "", "member name or id (default: the first owner)")
	create.Flags().StringVar(&name, "name", "cli", "a label for the token")
	create.Flags().StringVar(&meName, "me", "Me", "your own person's name, when a new workspace is created")
	cmd.AddCommand(create)

	cmd.AddCommand(apiCommand("list", "List tokens (owners see everyone's)", cobra.NoArgs, nil,
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			var res api.List[graph.Token]
			if err := c.do(ctx, "GET", "/api/v1/tokens", nil, nil, &res); err != nil {
				return nil, nil, err
			}
			return res, func(w io.Writer) {
				fmt.Fprintln(w, "ID\tNAME\tPREFIX\tUSER\tCREATED\tLAST USED\tREVOKED")
				for _, t := range res.Items {
					fmt.Fprintf(w, "%s\t%s\t%s…\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Prefix, t.UserID,
						day(t.CreatedAt), day(t.LastUsedAt), day(t.RevokedAt))
				}
			}, nil
		}))
	cmd.AddCommand(apiCommand("revoke ID", "Revoke a token; it stops working at once", cobra.ExactArgs(1), nil,
		func(ctx context.Context, c *apiClient, args []string) (any, func(io.Writer), error) {
			if err := c.do(ctx, "DELETE", "/api/v1/tokens/"+args[0], nil, nil, nil); err != nil {
				return nil, nil, err
			}
			res := map[string]string{"revoked": args[0]}
			return res, func(w io.Writer) { fmt.Fprintf(w, "Revoked %s.\n", args[0]) }, nil
		}))
	return cmd
}

// createToken finds (or, on an empty database, creates) the workspace and
// member and gives the member a new token.
func createToken(ctx context.Context, s graph.Store, wsKey, userKey, name, meName string) (string, *graph.User, *graph.Workspace, error) {
	all, err := s.FindWorkspaces(ctx)
	if err != nil {
		return "", nil, nil, err
	}
	var w *graph.Workspace
	for _, x := range all {
		if wsKey == "" && len(all) == 1 || x.ID == wsKey || strings.EqualFold(x.Name, wsKey) {
			w = x
		}
	}
	var u *graph.User
	switch {
	case w == nil && len(all) > 0 && wsKey == "":
		var b strings.Builder
		for _, x := range all {
			fmt.Fprintf(&b, "\n  %s  %s", x.ID, x.Name)
		}
		return "", nil, nil, fmt.Errorf("there are %d workspaces; choose one with --workspace:%s", len(all), b.String())
	case w == nil:
		if wsKey == "" {
			wsKey = "My network"
		}
		w = &graph.Workspace{Name: wsKey}
		if err := s.CreateWorkspace(ctx, w); err != nil {
			return "", nil, nil, err
		}
		me := &graph.Person{WorkspaceID: w.ID, Name: meName}
		if err := s.CreatePerson(ctx, me); err != nil {
			return "", nil, nil, err
		}
		u = &graph.User{WorkspaceID: w.ID, Name: meName, Role: graph.RoleOwner, PersonID: me.ID}
		if err := s.CreateUser(ctx, u); err != nil {
			return "", nil, nil, err
		}
	default:
		users, err := s.FindUsers(ctx, w.ID)
		if err != nil {
			return "", nil, nil, err
		}
		for _, x := range users {
			if userKey == "" && u == nil && x.Role == graph.RoleOwner || x.ID == userKey || strings.EqualFold(x.Name, userKey) {
				u = x
			}
		}
		if u == nil {
			return "", nil, nil, fmt.Errorf("no member %q in workspace %q", userKey, w.Name)
		}
	}
	secret, shown, hash := graph.NewTokenSecret()
	if err := s.CreateToken(ctx, &graph.Token{WorkspaceID: w.ID, UserID: u.ID, Name: name, Prefix: shown, Hash: hash}); err != nil {
		return "", nil, nil, err
	}
	return secret, u, w, nil
}

// day is a time's date, or "–" when it is unset.
func day(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.Format(time.DateOnly)
}
