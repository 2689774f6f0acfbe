package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/demo"
)

func init() { register(newDemoCmd) }

type demoOptions struct {
	People int
	Seed   uint64
	AsOf   time.Time
	Name   string
}

type demoResult struct {
	Workspace *graph.Workspace
	Owner     *graph.User
	Token     string
	People    int
	Ties      int
	Events    int
}

// loadDemo creates a workspace with an owner, fills it with the generated
// demo network, and gives the owner a token. Progress goes to w.
func loadDemo(ctx context.Context, s graph.Store, opt demoOptions, w io.Writer) (*demoResult, error) {
	if opt.Name == "" {
		opt.Name = "Demo network"
	}
	ws := &graph.Workspace{Name: opt.Name}
	if err := s.CreateWorkspace(ctx, ws); err != nil {
		return nil, err
	}
	owner := &graph.User{WorkspaceID: ws.ID, Name: demo.MeName, Email: "alex.rivera@acme.example",
		Role: graph.RoleOwner, Locale: "en", TimeZone: "Europe/Madrid"}
	if err := s.CreateUser(ctx, owner); err != nil {
		return nil, err
	}
	res := &demoResult{Workspace: ws, Owner: owner}
	bar := &progressLine{w: w}
	meID, err := demo.Generate(demo.Options{People: opt.People, Seed: opt.Seed, AsOf: opt.AsOf}, owner.ID,
		func(b *graph.Batch) error {
			res.People += len(b.People)
			res.Ties += len(b.Ties)
			res.Events += len(b.Interactions)
			if err := s.Upsert(ctx, ws.ID, b, nil); err != nil {
				return err
			}
			switch {
			case res.Events > 0:
				bar.show("interactions", res.Events, 0, "written")
			case res.Ties > 0:
				bar.show("ties", res.Ties, 0, "written")
			case res.People > 0: // the first batches are organisations
				bar.show("people", res.People, 0, "written")
			}
			return nil
		})
	bar.done()
	if err != nil {
		return nil, err
	}
	if owner, err = s.UpdateUser(ctx, ws.ID, owner.ID, graph.UserUpdate{PersonID: &meID}); err != nil {
		return nil, err
	}
	res.Owner = owner
	secret, shown, hash := graph.NewTokenSecret()
	if err := s.CreateToken(ctx, &graph.Token{WorkspaceID: ws.ID, UserID: owner.ID, Name: "demo owner",
		Prefix: shown, Hash: hash}); err != nil {
		return nil, err
	}
	res.Token = secret
	return res, nil
}

func newDemoCmd() *cobra.Command {
	var opt demoOptions
	var asOf string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Load a new demo workspace (deterministic: same flags, same network)",
		Long: `Generate a realistic demo network and load it into Neo4j as a new workspace:
circles of colleagues, ex-colleagues, brokers, three years of interactions with some
ties gone dormant, introductions, and the four situations of the README walkthrough.
Prints the workspace id and an owner token.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if asOf != "" {
				t, err := time.Parse("2006-01-02", asOf)
				if err != nil {
					return fmt.Errorf("--as-of: want YYYY-MM-DD: %w", err)
				}
				opt.AsOf = t
			}
			m, err := storeCommand(cmd.Context())
			if err != nil {
				return err
			}
			defer m.Close()
			res, err := loadDemo(cmd.Context(), m.Store, opt, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "workspace %s (%s): %d people, %d ties, %d interactions\ntoken: %s\n",
				res.Workspace.ID, res.Workspace.Name, res.People, res.Ties, res.Events, res.Token)
			return nil
		},
	}
	cmd.Flags().IntVar(&opt.People, "people", 2000, "number of people")
	cmd.Flags().Uint64Var(&opt.Seed, "seed", 1, "random seed")
	cmd.Flags().StringVar(&asOf, "as-of", "", "the generated history ends on this day (YYYY-MM-DD; default today)")
	cmd.Flags().StringVar(&opt.Name, "name", "Demo network", "workspace name")
	return cmd
}
