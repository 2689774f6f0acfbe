package main

import (
	"github.com/spf13/cobra"
)

func init() { register(newServeCmd) }

func newServeCmd() *cobra.Command {
	var addr string
	var demoPeople int
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the API and web page (starts the local Neo4j when NEO4J_URI is not set)",
		Long: `Run Nexo's HTTP server.

When NEO4J_URI is not set, nexo starts the local Neo4j (scripts/neo4j/neo4j.sh, data in
.data/neo4j) and stops it again on exit; data persists across restarts. On the first run,
with an empty database, it loads the demo workspace and prints its owner token.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m := NewMain()
			if addr != "" {
				m.Config.Addr = addr
			}
			m.StopLocalNeo4j = true
			m.DemoPeople = demoPeople
			defer m.Close()
			return m.Run(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "listen address (default $NEXO_ADDR or 127.0.0.1:8080)")
	cmd.Flags().IntVar(&demoPeople, "demo-people", 2000, "size of the demo workspace loaded on the first run (0: none)")
	return cmd
}
