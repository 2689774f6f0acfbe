// Command session is a real MCP session against Nexo with the official Go
// SDK's client, printed as a transcript: what an AI assistant sends and what
// Nexo answers. The README's transcript is its output against the demo.
//
//	go run ./scripts/mcp/session -url http://127.0.0.1:8080/mcp -token "$(cat .data/demo-token)"
//	go run ./scripts/mcp/session -stdio -token "$(cat .data/demo-token)"   # through `nexo mcp`
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

func main() {
	url := flag.String("url", "http://127.0.0.1:8080/mcp", "Nexo's /mcp endpoint")
	token := flag.String("token", os.Getenv("NEXO_TOKEN"), "API token (default $NEXO_TOKEN)")
	stdio := flag.Bool("stdio", false, "run `go run ./cmd/nexo mcp` and talk to it on stdin/stdout instead")
	org := flag.String("org", "Globex", "the organisation to ask about")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var t mcp.Transport = &mcp.StreamableClientTransport{Endpoint: *url,
		HTTPClient: &http.Client{Transport: bearer{*token}, Timeout: time.Minute}}
	if *stdio {
		cmd := exec.Command("go", "run", "./cmd/nexo", "mcp")
		cmd.Env = append(os.Environ(), "NEXO_TOKEN="+*token)
		cmd.Stderr = os.Stderr
		t = &mcp.CommandTransport{Command: cmd}
	}
	if err := run(ctx, t, *org); err != nil {
		fmt.Fprintln(os.Stderr, "session:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, t mcp.Transport, org string) error {
	s, err := mcp.NewClient(&mcp.Implementation{Name: "transcript", Version: "1"}, nil).Connect(ctx, t, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	init := s.InitializeResult()
	fmt.Printf("→ initialize\n← %s %s (protocol %s)\n\n", init.ServerInfo.Name, init.ServerInfo.Version, init.ProtocolVersion)
	tools, err := s.ListTools(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Println("→ tools/list")
	for _, tool := range tools.Tools {
		mode := "reads"
		if !tool.Annotations.ReadOnlyHint {
			mode = "writes"
		}
		fmt.Printf("← %-21s %-6s %s\n", tool.Name, mode, tool.Description)
	}
	args := map[string]any{"organization": org, "k": 3}
	b, _ := json.Marshal(args)
	fmt.Printf("\n→ tools/call who_can_introduce %s\n", b)
	res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: "who_can_introduce", Arguments: args})
	if err != nil {
		return err
	}
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			fmt.Println("← " + strings.ReplaceAll(strings.TrimSpace(tc.Text), "\n", "\n  "))
		}
	}
	sc, _ := json.Marshal(res.StructuredContent)
	fmt.Printf("  (structured content: %d bytes of JSON, the same as GET /api/v1/intro-paths?org=%s&k=3)\n", len(sc), org)
	return nil
}
