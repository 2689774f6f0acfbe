package neo4jtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph/neo4j"
)

// Own is a Neo4j of the test's own, started by scripts/neo4j/neo4j.sh in a
// throw-away folder, for tests that stop or kill Neo4j: never the shared
// one. It takes half a minute to start, so tests using it skip under
// -short; without Java they skip, unless CI=true.
type Own struct {
	tb     testing.TB
	script string
	dir    string
	port   string
	Config neo4j.Config
}

// StartOwn starts a Neo4j for tb and stops it when tb ends.
func StartOwn(tb testing.TB) *Own {
	tb.Helper()
	if testing.Short() {
		tb.Skip("starts a Neo4j of its own; skipped with -short")
	}
	if _, err := exec.LookPath("java"); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("java is needed to start a Neo4j and CI=true")
		}
		tb.Skip("no java to start a Neo4j of the test's own")
	}
	script, err := findScript()
	if err != nil {
		tb.Fatal(err)
	}
	o := &Own{tb: tb, script: script, dir: tb.TempDir()}
	o.run("start", "--port", "0")
	env := o.run("env")
	for _, line := range strings.Split(env, "\n") {
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "NEO4J_URI":
			o.Config.URI = v
			o.port = v[strings.LastIndexByte(v, ':')+1:]
		case "NEO4J_USER":
			o.Config.User = v
		case "NEO4J_PASSWORD":
			o.Config.Password = v
		}
	}
	if o.port == "" {
		tb.Fatalf("neo4j.sh env: no URI in %q", env)
	}
	tb.Cleanup(func() { o.run("stop") })
	return o
}

func (o *Own) pid() int {
	o.tb.Helper()
	b, err := os.ReadFile(filepath.Join(o.dir, "neo4j.pid"))
	if err != nil {
		o.tb.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		o.tb.Fatal(err)
	}
	return pid
}

// Pause stops Neo4j with SIGSTOP: it keeps its connections and accepts new
// ones (the kernel does), but answers nothing, as a hung server or a lost
// network would.
func (o *Own) Pause() {
	o.tb.Helper()
	pid := o.pid()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		o.tb.Fatal(err)
	}
	o.tb.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) }) // so that it can be stopped
	// The kernel stops each thread as it next leaves the kernel: one in a
	// disk write (state D) goes on until the write ends. A test asks only
	// once every thread is stopped.
	deadline := time.Now().Add(10 * time.Second)
	for !stopped(pid) {
		if time.Now().After(deadline) {
			o.tb.Fatalf("Neo4j (pid %d) not stopped 10 s after SIGSTOP", pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stopped reports whether every thread of process pid is stopped (state T
// in /proc/PID/task/TID/stat); true where /proc cannot say.
func stopped(pid int) bool {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return true
	}
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/stat", pid, t.Name()))
		if err != nil {
			continue // the thread ended
		}
		// pid (comm) state ...: comm may hold spaces and parentheses.
		rest := b[bytes.LastIndexByte(b, ')')+1:]
		if f := bytes.Fields(rest); len(f) == 0 || (f[0][0] != 'T' && f[0][0] != 't') {
			return false
		}
	}
	return true
}

// Resume lets a paused Neo4j go on.
func (o *Own) Resume() {
	o.tb.Helper()
	if err := syscall.Kill(o.pid(), syscall.SIGCONT); err != nil {
		o.tb.Fatal(err)
	}
}

// Kill kills Neo4j with SIGKILL, as a crash or an OOM killer would.
func (o *Own) Kill() {
	o.tb.Helper()
	pid := o.pid()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		o.tb.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); syscall.Kill(pid, 0) == nil; {
		if time.Now().After(deadline) {
			o.tb.Fatalf("neo4j (pid %d) still alive after SIGKILL", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Restart starts Neo4j again on the same folder and port.
func (o *Own) Restart() {
	o.tb.Helper()
	o.run("start", "--port", o.port)
}

// Open opens a store on it.
func (o *Own) Open() *neo4j.Store {
	o.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := neo4j.Open(ctx, o.Config)
	if err != nil {
		o.tb.Fatal(err)
	}
	o.tb.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func (o *Own) run(args ...string) string {
	o.tb.Helper()
	cmd := exec.Command("bash", append([]string{o.script}, append(args, "--mode", "test", "--dir", o.dir)...)...)
	cmd.Env = append(os.Environ(), "NEXO_NEO4J_HEAP=512m")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			o.tb.Fatalf("neo4j.sh %s: %v\n%s", args[0], err, ee.Stderr)
		}
		o.tb.Fatalf("neo4j.sh %s: %v", args[0], err)
	}
	return string(out)
}

// findScript finds scripts/neo4j/neo4j.sh above the working directory.
func findScript() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "scripts", "neo4j", "neo4j.sh")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("scripts/neo4j/neo4j.sh not found above the working directory")
		}
		dir = parent
	}
}
