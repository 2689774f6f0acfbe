// Command nexo is Nexo's single binary: the API server, the local Neo4j, the
// demo workspace, imports, reports and the analytics on the command line.
//
// Configuration is read here and nowhere else: flags, then the environment
// (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEXO_ADDR, ...).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/nexohq/nexo/graph"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// commands holds the constructors of the subcommands; each file adds its own
// in an init function so that commands live beside their code.
var commands []func() *cobra.Command

func register(c func() *cobra.Command) { commands = append(commands, c) }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "nexo",
		Short:         "Nexo: relationship-graph analytics for your professional network",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	for _, c := range commands {
		root.AddCommand(c())
	}
	return root
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal starts a graceful stop (serve drains); a second one
	// ends the process at once.
	go func() { <-ctx.Done(); stop() }()
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "nexo:", errorText(err))
		os.Exit(1)
	}
}

// errorText shows a Nexo error by its message (the field it names, if any),
// and any other error as it is.
func errorText(err error) string {
	var e *graph.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	if e.Field != "" {
		return e.Message + " (" + e.Field + ")"
	}
	return e.Message
}
