package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// The README's commands, run as written: every `$ command` of its text and
// console blocks and every line of its sh blocks, in order, in one shell, on
// a fresh demo workspace behind a real nexo server, with ./nexo built from
// this checkout. Each must succeed and give the kind of output the README
// shows under it (the same table header, the same first words, a JSON
// document with the same first key). A README that a newcomer cannot paste
// fails here.

// readmeCommand is one command of the README and what it documents.
type readmeCommand struct {
	line   int    // where it is in the README
	cmd    string // as written, continuation lines joined
	output string // the output shown under it, "" for none
}

// readmeSkips are the commands the test does not run, each with why. They
// need a server of their own (a mailbox, a cluster), a long time (benchmarks,
// the 100k demo) or they are the commands this test stands in for.
var readmeSkips = []struct{ prefix, why string }{
	{"go run ./cmd/nexo serve", "the test runs its own server"},
	{"go build -o nexo ./cmd/nexo", "the test builds ./nexo itself"},
	{"scripts/test.sh", "this is the test run"},
	{"scripts/", "scripts start servers, benchmarks and clusters of their own"},
	{"bash scripts/", "scripts start servers, benchmarks and clusters of their own"},
	{"go test", "benchmarks and tests run by scripts/test.sh"},
	{"go run ./scripts", "needs a running server of its own (the transcript's)"},
	{"./nexo serve", "the test runs its own server"},
	{"./nexo demo", "loads another demo workspace: minutes"},
	{"./nexo neo4j", "controls the local Neo4j the test does not use"},
	{"./nexo connect", "needs a mail or calendar server (scripts/mail, scripts/dav)"},
	{"./nexo sync", "needs a mail or calendar server (scripts/mail, scripts/dav)"},
	{"./nexo mcp", "speaks MCP on stdin: an assistant's job (api/mcp_test.go)"},
	{"./nexo import ~/", "a file of the reader's own"},
	{"sudo ", "installs system packages"},
	{"NEXO_SCREENSHOTS=", "the browser test"},
	{"open ", "opens a browser"},
	{"cd ", "the test stays in its folder"},
}

func skipReason(cmd string) string {
	for _, s := range readmeSkips {
		if strings.HasPrefix(cmd, s.prefix) {
			return s.why
		}
	}
	switch {
	case strings.Contains(cmd, "nexo serve"):
		return "starts a server: a configuration example"
	case strings.Contains(cmd, "scripts/"):
		return "scripts start servers, benchmarks and clusters of their own"
	case strings.Contains(cmd, "nexo connect"):
		return "needs a mail or calendar server (scripts/mail, scripts/dav)"
	case strings.Contains(cmd, "--people 100000"):
		return "the 100k demo takes minutes"
	}
	return ""
}

// readmeCommands reads the commands of the README in order.
func readmeCommands(tb testing.TB, path string) []readmeCommand {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []readmeCommand
	var block string // the language of the fenced block we are in, "" outside
	var cur *readmeCommand
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```") && block == "":
			block = strings.TrimPrefix(line, "```")
			if block == "" {
				block = "plain"
			}
			cur = nil
			continue
		case strings.HasPrefix(line, "```"):
			block, cur = "", nil
			continue
		}
		switch block {
		case "sh", "bash":
			if cur != nil && strings.HasSuffix(cur.cmd, "\\") {
				cur.cmd = strings.TrimSuffix(cur.cmd, "\\") + " " + strings.TrimSpace(line)
				continue
			}
			if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "#") {
				out = append(out, readmeCommand{line: n, cmd: l})
				cur = &out[len(out)-1]
			}
		case "text", "console":
			switch {
			case strings.HasPrefix(line, "$ "):
				out = append(out, readmeCommand{line: n, cmd: strings.TrimPrefix(line, "$ ")})
				cur = &out[len(out)-1]
			case cur != nil && strings.HasSuffix(cur.cmd, "\\"):
				cur.cmd = strings.TrimSuffix(cur.cmd, "\\") + " " + strings.TrimSpace(line)
			case cur != nil:
				cur.output += line + "\n"
			}
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// outputKind checks that got is the kind of output want documents.
func outputKind(want, got string) error {
	want, got = strings.TrimSpace(want), strings.TrimSpace(got)
	if want == "" {
		return nil
	}
	if got == "" {
		return fmt.Errorf("no output; the README shows %.80q", want)
	}
	if strings.HasPrefix(want, "{") {
		var v map[string]any
		if err := json.Unmarshal([]byte(got), &v); err != nil {
			return fmt.Errorf("not a JSON object (%v): %.200q", err, got)
		}
		key := regexp.MustCompile(`^\{\s*"([^"]+)"`).FindStringSubmatch(want)
		if key != nil {
			if _, ok := v[key[1]]; !ok {
				return fmt.Errorf("no %q in the answer: %.200q", key[1], got)
			}
		}
		return nil
	}
	wantFirst, gotFirst := firstLine(want), firstLine(got)
	if isHeader(wantFirst) {
		if strings.Join(strings.Fields(wantFirst), " ") != strings.Join(strings.Fields(gotFirst), " ") {
			return fmt.Errorf("table header %q, the README shows %q", gotFirst, wantFirst)
		}
		return nil
	}
	// Counts and sizes differ with the demo's size: digits are not compared.
	digits := regexp.MustCompile(`[0-9]+`)
	w := strings.Fields(digits.ReplaceAllString(wantFirst, "0"))
	g := strings.Fields(digits.ReplaceAllString(gotFirst, "0"))
	n := min(2, len(w))
	if len(g) < n || strings.Join(g[:n], " ") != strings.Join(w[:n], " ") {
		return fmt.Errorf("output begins %q, the README shows %q", gotFirst, wantFirst)
	}
	return nil
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// isHeader reports whether a line is a table header: upper-case words.
func isHeader(l string) bool {
	return l != "" && strings.ToUpper(l) == l && strings.ContainsAny(l, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
}

func TestReadmeCommands(t *testing.T) {
	cfg := neo4jtest.Config(t)
	if testing.Short() {
		t.Skip("builds nexo and loads a demo workspace")
	}
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "nexo"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx := context.Background()
	store := neo4jtest.Open(t)
	res, err := loadDemo(ctx, store, demoOptions{People: 400, Name: "README walkthrough"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.DeleteWorkspace(context.Background(), res.Workspace.ID) })
	// The README's examples read sample files of the repository.
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "graph"), filepath.Join(dir, "graph")); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, ".data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "demo-token"), []byte(res.Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := NewMain()
	m.Config.Neo4j = neo4j.Config{URI: cfg.URI, User: cfg.User, Password: cfg.Password}
	m.Config.DataDir, m.Config.Addr, m.Config.Reports, m.Config.Sync = data, "127.0.0.1:0", false, false
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	stop := runMain(t, m)
	defer stop()
	addr := m.Addr()

	var script strings.Builder
	script.WriteString("set -u\n")
	var ran []readmeCommand
	for _, c := range readmeCommands(t, "../../README.md") {
		if why := skipReason(c.cmd); why != "" {
			t.Logf("README:%d skipped (%s): %s", c.line, why, c.cmd)
			continue
		}
		cmd := strings.NewReplacer("localhost:8080", addr, "127.0.0.1:8080", addr).Replace(c.cmd)
		// The end marker starts a line of its own whether or not the
		// command's output ended one.
		// Progress goes to stderr, kept apart and shown when a command fails.
		fmt.Fprintf(&script, "echo '@@begin %d'\n{ %s\n} 2>stderr.%d\nprintf '\\n@@end %d %%d\\n' $?\n",
			len(ran), cmd, len(ran), len(ran))
		ran = append(ran, c)
	}
	if len(ran) < 20 {
		t.Fatalf("ran %d README commands; the README has lost its walkthrough?", len(ran))
	}
	shCtx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	sh := exec.CommandContext(shCtx, "bash", "-c", script.String())
	sh.Dir = dir
	sh.Env = append(os.Environ(), "NEXO_DATA_DIR="+data, "NEO4J_URI="+cfg.URI, "NEO4J_USER="+cfg.User,
		"NEO4J_PASSWORD="+cfg.Password, "NEXO_URL=", "NEXO_TOKEN=", "NEXO_LANG=", "PATH="+dir+":"+os.Getenv("PATH"))
	out, _ := sh.CombinedOutput()

	outputs, statuses := splitOutputs(string(out), len(ran))
	for i, c := range ran {
		if statuses[i] != 0 {
			stderr, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("stderr.%d", i)))
			t.Errorf("README:%d `%s` exited %d:\n%s%s", c.line, c.cmd, statuses[i], outputs[i], stderr)
			continue
		}
		got := outputs[i]
		if strings.TrimSpace(got) == "" { // a message on stderr: "Wrote … bytes", "Token … created"
			b, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("stderr.%d", i)))
			got = string(b)
		}
		if err := outputKind(c.output, got); err != nil {
			t.Errorf("README:%d `%s`: %v", c.line, c.cmd, err)
		}
	}
}

// splitOutputs cuts the script's output into each command's, with its
// exit status (-1 when the command never finished).
func splitOutputs(out string, n int) ([]string, []int) {
	outputs, statuses := make([]string, n), make([]int, n)
	for i := range statuses {
		statuses[i] = -1
	}
	cur := -1
	var b strings.Builder
	for _, line := range strings.SplitAfter(out, "\n") {
		var i, st int
		switch {
		case strings.HasPrefix(line, "@@begin "):
			fmt.Sscanf(line, "@@begin %d", &cur)
			b.Reset()
		case strings.HasPrefix(line, "@@end "):
			fmt.Sscanf(line, "@@end %d %d", &i, &st)
			if i >= 0 && i < n {
				outputs[i], statuses[i] = b.String(), st
			}
			cur = -1
		case cur >= 0:
			b.WriteString(line)
		}
	}
	return outputs, statuses
}
