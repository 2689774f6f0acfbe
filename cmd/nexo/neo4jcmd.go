package main

import (
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spf13/cobra"
)

func init() { register(newNeo4jCmd) }

// newNeo4jCmd runs scripts/neo4j/neo4j.sh on the dev data folder.
func newNeo4jCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "neo4j start|stop|status",
		Short: "Start, stop or inspect the local Neo4j (data in .data/neo4j)",
	}
	for _, verb := range []string{"start", "stop", "status"} {
		cmd.AddCommand(&cobra.Command{
			Use:   verb,
			Short: verb + " the local Neo4j",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				cfg := configFromEnv()
				root, err := repoRoot()
				if err != nil {
					return err
				}
				if verb != "status" {
					// Not under a running serve: it owns the folder's Neo4j.
					lock, err := lockDataDir(cfg.DataDir)
					if err != nil {
						return err
					}
					defer lock.release()
				}
				c := exec.CommandContext(cmd.Context(), "bash", filepath.Join(root, "scripts", "neo4j", "neo4j.sh"),
					verb, "--mode", "dev", "--dir", filepath.Join(cfg.DataDir, "neo4j"))
				c.Stdout, c.Stderr = os.Stdout, os.Stderr
				return c.Run()
			},
		})
	}
	return cmd
}
