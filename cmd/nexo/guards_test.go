package main

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestParsePrefixes(t *testing.T) {
	got, err := parsePrefixes(" 10.0.0.5, 10.0.1.7/24,,::ffff:192.0.2.1 , 2001:db8::/32")
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.5/32"), netip.MustParsePrefix("10.0.1.0/24"),
		netip.MustParsePrefix("192.0.2.1/32"), netip.MustParsePrefix("2001:db8::/32")}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("got %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"haproxy.internal", "10.0.0.0/33", "10.0.0.1,x"} {
		if _, err := parsePrefixes(bad); err == nil {
			t.Errorf("parsePrefixes(%q): no error", bad)
		}
	}
}

// TestMain lets the test binary play a second nexo process that holds a
// data folder's lock (NEXO_TEST_HOLD_LOCK=dir) until killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv("NEXO_TEST_HOLD_LOCK"); dir != "" {
		if _, err := lockDataDir(dir); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		select {}
	}
	os.Exit(m.Run())
}

// holdLock starts another process holding dir's lock and returns it.
func holdLock(tb testing.TB, dir string) *exec.Cmd {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "NEXO_TEST_HOLD_LOCK="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		tb.Fatalf("lock holder: %q", line)
	}
	return cmd
}

// TestDataDirLock: while another process holds a data folder, serve and
// nexo neo4j start/stop on it fail at once, naming the holder, and touch
// nothing (issue 12 item 7); once the holder dies, however, the folder is
// free again.
func TestDataDirLock(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("NEO4J_URI", "")
	t.Setenv("NEXO_DATA_DIR", dir)
	holder := holdLock(t, dir)
	want := fmt.Sprintf("already running (pid %d)", holder.Process.Pid)

	m := NewMain()
	m.StopLocalNeo4j = true
	if err := m.Run(context.Background()); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("serve: %v, want %q", err, want)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"start", "stop"} {
		cmd := newNeo4jCmd()
		cmd.SetArgs([]string{verb})
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("nexo neo4j %s: %v, want %q", verb, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "neo4j")); !os.IsNotExist(err) {
		t.Fatalf("the local Neo4j's folder was touched: %v", err)
	}

	holder.Process.Signal(syscall.SIGKILL)
	holder.Wait()
	lock, err := lockDataDir(dir)
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, lockFile)); strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q, want our pid", b)
	}
	lock.release()
}
