package main

import (
	"testing"

	"github.com/spf13/cobra"
)

// TestCommandTree builds every command with its flags: a flag defined twice
// panics here rather than in a user's hands.
func TestCommandTree(t *testing.T) {
	var walk func(c *cobra.Command) int
	walk = func(c *cobra.Command) int {
		n := 1
		c.InitDefaultHelpFlag()
		_ = c.LocalFlags()
		for _, sub := range c.Commands() {
			n += walk(sub)
		}
		return n
	}
	root := newRootCmd()
	if n := walk(root); n < 20 {
		t.Fatalf("got %d commands, want the whole CLI", n)
	}
	for _, name := range []string{"serve", "demo", "import", "export", "paths", "analyze", "people", "log", "intro",
		"token", "brokers", "weak-ties", "dormant", "neo4j"} {
		if c, _, err := root.Find([]string{name}); err != nil || c == root {
			t.Errorf("no command %q", name)
		}
	}
}
