package main

import (
	gomcp "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/nexohq/nexo/api"
)

func init() { register(newMCPCmd) }

func newMCPCmd() *cobra.Command {
	var token string
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve Nexo to an AI assistant over MCP on stdin/stdout (the token's member, one workspace)",
		Long: `Run Nexo's Model Context Protocol server on standard input and output, for a desktop
assistant that starts it as a subprocess. It answers as the member of the token (--token,
else $NEXO_TOKEN, else the demo owner's) and sees that member's workspace only.

Standard output carries the protocol; messages for people go to standard error. A running
nexo serve also offers the same tools over streamable HTTP at /mcp.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			secret, err := findToken(token, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			m, err := storeCommand(cmd.Context())
			if err != nil {
				return err
			}
			defer m.Close()
			srv := api.New(api.Options{Store: m.Store, Logger: m.Logger, Version: version, RateLimit: -1})
			defer srv.Close()
			return srv.ServeMCP(cmd.Context(), &gomcp.StdioTransport{}, secret)
		},
	}
	cmd.Flags().StringVar(&token, "token", "", "API token (default $NEXO_TOKEN, then .data/demo-token)")
	return cmd
}
