package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/capture/capturetest"
	"github.com/nexohq/nexo/graph/importer/importertest"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// cluster is a running scripts/cluster/cluster.sh: HAProxy in front of
// replicas of nexo serve on the test Neo4j.
type cluster struct {
	tb       testing.TB
	dir      string
	lb       string   // HAProxy's URL
	stats    string   // HAProxy's stats page
	replicas []string // each replica's own URL, replica i+1 at i
	http     *http.Client
	run      func(args ...string) ([]byte, error) // cluster.sh with the cluster's folder
}

const clusterRate = 40 // requests per second per token, at HAProxy

// startCluster starts the cluster on the test Neo4j (reused: a Neo4j of its
// own would add half a minute), through a neo4j:// URI, with a nexo built
// for it.
func startCluster(tb testing.TB, replicas int) *cluster {
	tb.Helper()
	cfg := neo4jtest.Config(tb)
	script, err := filepath.Abs("../../scripts/cluster/cluster.sh")
	if err != nil {
		tb.Fatal(err)
	}
	if out, err := exec.Command("bash", script, "install").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("HAProxy is needed and could not be installed; with CI=true that fails the run:\n%s", out)
		}
		tb.Skipf("HAProxy could not be installed (Debian's haproxy package); skipping:\n%s", out)
	}
	tmp := tb.TempDir()
	bin := filepath.Join(tmp, "nexo")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		tb.Fatalf("build nexo: %v\n%s", err, out)
	}
	// The replicas reach Neo4j through a routing URI, as they would a cluster.
	uri := strings.Replace(cfg.URI, "bolt://", "neo4j://", 1)
	c := &cluster{tb: tb, dir: filepath.Join(tmp, "cluster"), http: &http.Client{Timeout: 20 * time.Second}}
	c.run = func(args ...string) ([]byte, error) {
		cmd := exec.Command("bash", append([]string{script}, append(args, "--dir", c.dir)...)...)
		// The test Neo4j is shared with the other packages' tests, run at
		// once: the replicas' schedulers would sync their accounts and send
		// their reports, so they are off (AccountAcrossReplicas syncs by hand).
		// The replicas reach the test Dovecot on 127.0.0.1 and trust its CA.
		cmd.Env = append(os.Environ(), "NEO4J_URI="+uri, "NEO4J_USER="+cfg.User, "NEO4J_PASSWORD="+cfg.Password,
			"NEXO_SYNC=off", "NEXO_REPORTS=off", "NEXO_SECRET_KEY=", "NEXO_OUTBOUND_ALLOW=127.0.0.1",
			"NEXO_CAPTURE_CA="+os.Getenv("NEXO_TEST_IMAP_CA"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return out, fmt.Errorf("cluster.sh %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return out, nil
	}
	out, err := c.run("start", "--replicas", fmt.Sprint(replicas), "--bin", bin, "--demo-people", "0",
		"--rate-limit", fmt.Sprint(clusterRate))
	tb.Cleanup(func() {
		if _, err := c.run("stop"); err != nil {
			tb.Errorf("stop the cluster: %v", err)
		}
	})
	if err != nil {
		tb.Fatal(err) // HAProxy installed, but it or a replica cannot start: a failure, in CI or not
	}
	env := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			env[k] = v
		}
	}
	c.lb, c.stats = env["NEXO_URL"], env["NEXO_STATS_URL"]
	for i := 1; env[fmt.Sprintf("NEXO_REPLICA_%d_URL", i)] != ""; i++ {
		c.replicas = append(c.replicas, env[fmt.Sprintf("NEXO_REPLICA_%d_URL", i)])
	}
	if c.lb == "" || len(c.replicas) != replicas {
		tb.Fatalf("cluster.sh env: got %q", out)
	}
	return c
}

// script runs cluster.sh on the cluster (kill I, term I, restart I).
func (c *cluster) script(args ...string) {
	c.tb.Helper()
	if _, err := c.run(args...); err != nil {
		c.tb.Fatal(err)
	}
}

// call sends a request with a token (and body as JSON) and returns the status and answer.
func (c *cluster) call(method, url, token string, body any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return 0, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// must calls and fails unless the status is want; it decodes into out.
func (c *cluster) must(want int, method, url, token string, body, out any) {
	c.tb.Helper()
	code, raw, err := c.call(method, url, token, body)
	if err != nil || code != want {
		c.tb.Fatalf("%s %s: got %d %s (%v), want %d", method, url, code, raw, err, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.tb.Fatalf("%s %s: decode %s: %v", method, url, raw, err)
		}
	}
}

// serverStates returns what HAProxy thinks of each replica (UP, DOWN, ...).
func (c *cluster) serverStates() map[string]string {
	c.tb.Helper()
	code, raw, err := c.call("GET", c.stats+";csv", "", nil)
	if err != nil || code != 200 {
		c.tb.Fatalf("HAProxy stats: %d %v", code, err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("# ")))).ReadAll()
	if err != nil {
		c.tb.Fatalf("HAProxy stats: %v", err)
	}
	states := map[string]string{}
	for _, r := range rows[1:] {
		if len(r) > 17 && r[0] == "replicas" && r[1] != "BACKEND" {
			states[r[1]] = r[17]
		}
	}
	return states
}

// waitState waits until HAProxy sees the replica in the state.
func (c *cluster) waitState(server, want string) {
	c.tb.Helper()
	var got map[string]string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got = c.serverStates(); strings.HasPrefix(got[server], want) {
			return
		}
	}
	c.tb.Fatalf("HAProxy sees %s as %q, want %s", server, got[server], want)
}

// load writes people through HAProxy from several writers, each with its
// own token, until stop is closed. It returns the ids of every person whose
// write was acknowledged (2xx), and counts the answers by status.
type load struct {
	mu       sync.Mutex
	acked    []string
	statuses map[int]int
	errors   int
	lastOK   atomic.Int64 // unix nanoseconds of the latest acknowledged write
	wait     func()       // until every writer has stopped
}

// loadDuring runs the load for a second, then fn, then the load again for
// after, and returns it.
func (c *cluster) loadDuring(tokens []string, after time.Duration, fn func()) *load {
	stop := make(chan struct{})
	l := c.load(tokens, stop)
	time.Sleep(time.Second)
	fn()
	time.Sleep(after)
	close(stop)
	l.wait()
	return l
}

func (c *cluster) load(tokens []string, stop <-chan struct{}) *load {
	l := &load{statuses: map[int]int{}}
	var wg sync.WaitGroup
	for w, token := range tokens {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				code, raw, err := c.call("POST", c.lb+"/api/v1/people", token, map[string]any{"name": fmt.Sprintf("Load %d-%d", w, i)})
				var p graph.Person
				l.mu.Lock()
				switch {
				case err != nil:
					l.errors++
				case code/100 == 2 && json.Unmarshal(raw, &p) == nil && p.ID != "":
					l.acked = append(l.acked, p.ID)
					l.lastOK.Store(time.Now().UnixNano())
					fallthrough
				default:
					l.statuses[code]++
				}
				l.mu.Unlock()
				if code == 429 {
					time.Sleep(100 * time.Millisecond) // as a client told to slow down would
				}
			}
		})
	}
	l.wait = wg.Wait
	return l
}

// TestCluster drives HAProxy and three replicas of nexo serve on one Neo4j
// (issue 15): a per-token rate limit shared by the replicas; a job started on
// one replica answered for and canceled through another; a write through one
// replica seen in /intro-paths through another within 2 s (this needs the
// change feed); a replica stopped with SIGTERM under load drained without
// failing a request; a replica killed with -9 under load costs no
// acknowledged write, HAProxy routes around it, and restarted it answers with
// the writes it missed.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts HAProxy and three servers")
	}
	store := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, store)
	token := func() string {
		t.Helper()
		secret, shown, hash := graph.NewTokenSecret()
		if err := store.CreateToken(context.Background(), &graph.Token{WorkspaceID: w.ID, UserID: owner.ID,
			Name: "cluster", Prefix: shown, Hash: hash}); err != nil {
			t.Fatal(err)
		}
		return secret
	}
	c := startCluster(t, 3)
	tok := token()
	a, b := c.replicas[0], c.replicas[1]

	t.Run("RateLimitShared", func(t *testing.T) {
		// One token, requests as fast as six clients send them, through
		// HAProxy to three replicas: the limit holds for the sum.
		c := *c
		c.tb = t
		tok := token()
		var ok, limited, other atomic.Int64
		start := time.Now()
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				for time.Since(start) < 2*time.Second {
					code, raw, err := c.call("GET", c.lb+"/assets/icon.svg", tok, nil)
					switch {
					case err == nil && code == 200:
						ok.Add(1)
					case err == nil && code == 429 && strings.Contains(string(raw), `"code":"rate_limited"`):
						limited.Add(1)
					default:
						other.Add(1)
					}
				}
			})
		}
		wg.Wait()
		secs := time.Since(start).Seconds()
		// HAProxy counts a sliding second: at most the rate in any second,
		// give or take the edges of the window.
		if max := int64(float64(clusterRate) * (secs + 1) * 1.25); ok.Load() > max || limited.Load() == 0 || other.Load() > 0 {
			t.Fatalf("in %.1fs: %d passed (want at most %d), %d refused with 429 (want some), %d other answers",
				secs, ok.Load(), max, limited.Load(), other.Load())
		}
	})

	t.Run("JobAcrossReplicas", func(t *testing.T) {
		c := *c
		c.tb = t
		code, id := uploadImport(t, a, tok, importertest.ConnectionsCSV(20000))
		if code != 202 {
			t.Fatalf("upload to replica 1: got %d", code)
		}
		var j jobView
		c.must(200, "GET", b+"/api/v1/jobs/"+id, tok, nil, &j)
		code, raw, err := c.call("DELETE", b+"/api/v1/jobs/"+id, tok, nil)
		if err != nil || (code != 202 && code != 200) {
			t.Fatalf("cancel through replica 2: got %d %s %v (did the import end first?)", code, raw, err)
		}
		for deadline := time.Now().Add(10 * time.Second); j.State == "running" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			c.must(200, "GET", c.lb+"/api/v1/jobs/"+id, tok, nil, &j)
		}
		if j.State != "canceled" {
			t.Fatalf("job after a cancel through another replica: got %+v", j)
		}
	})

	t.Run("AccountAcrossReplicas", func(t *testing.T) {
		// A mailbox connected through replica 1 (which seals its password)
		// syncs through replica 2 (which must unseal it): the replicas share
		// one secret key, though each has a data folder of its own.
		c := *c
		c.tb = t
		im := capturetest.Dovecot(t)
		addr := capturetest.NewUser("cluster")
		at := time.Now().UTC().Add(-48 * time.Hour)
		im.Append(t, addr, "Sent", capturetest.Mail{From: addr, To: "Ana <ana@globex.example>", Date: at, Subject: "hello",
			MessageID: "cl1@x"}.Bytes())
		im.Append(t, addr, "INBOX", capturetest.Mail{From: "Ana <ana@globex.example>", To: addr, Date: at.Add(time.Hour),
			Subject: "Re: hello", MessageID: "cl2@x", InReplyTo: "cl1@x"}.Bytes())
		var acc graph.Account
		c.must(201, "POST", a+"/api/v1/accounts", tok, map[string]any{"kind": "imap", "host": im.Host, "port": im.TLSPort,
			"username": addr, "password": im.Password}, &acc)
		var j jobView
		c.must(202, "POST", b+"/api/v1/accounts/"+acc.ID+"/sync", tok, nil, &j)
		for deadline := time.Now().Add(30 * time.Second); j.State == "running" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			c.must(200, "GET", b+"/api/v1/jobs/"+j.ID, tok, nil, &j)
		}
		c.must(200, "GET", c.lb+"/api/v1/accounts/"+acc.ID, tok, nil, &acc)
		if j.State != "succeeded" || acc.Status.State != graph.SyncOK || acc.Status.Captured != 2 {
			t.Fatalf("a sync through replica 2 of an account connected through replica 1: job %+v, status %+v", j, acc.Status)
		}
	})

	me := owner.PersonID
	newContact := func(base, name string) string {
		var p graph.Person
		c.must(201, "POST", base+"/api/v1/people", tok, map[string]any{"name": name}, &p)
		c.must(201, "POST", base+"/api/v1/ties", tok, map[string]any{"person_a": me, "person_b": p.ID}, nil)
		return p.ID
	}
	pathTo := func(base, id string) bool {
		code, raw, err := c.call("GET", base+"/api/v1/intro-paths?to="+id, tok, nil)
		var res struct{ Paths []struct{ People []string } }
		return err == nil && code == 200 && json.Unmarshal(raw, &res) == nil && len(res.Paths) > 0 &&
			res.Paths[0].People[len(res.Paths[0].People)-1] == id
	}

	t.Run("WriteSeenByOtherReplica", func(t *testing.T) {
		// Replica 2 has its network built before the write; it must learn of
		// the write through Neo4j (the change feed), as nothing reaches it
		// through its own API.
		warm := newContact(a, "Warm Up")
		for deadline := time.Now().Add(30 * time.Second); !pathTo(b, warm); time.Sleep(200 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("replica 2 never answered with a path to a contact written before its network was built")
			}
		}
		x := newContact(a, "Xavier Written On A")
		start := time.Now()
		for !pathTo(b, x) {
			if time.Since(start) > 2*time.Second {
				t.Fatal("a write through replica 1 was not in /intro-paths through replica 2 within 2 s (needs the change feed)")
			}
			time.Sleep(50 * time.Millisecond)
		}
	})

	var writers []string
	for range 4 {
		writers = append(writers, token())
	}

	t.Run("DrainUnderLoad", func(t *testing.T) {
		c := *c
		c.tb = t
		l := c.loadDuring(writers, 500*time.Millisecond, func() {
			c.script("term", "2") // returns once replica 2 has drained and exited
		})
		for code, n := range l.statuses {
			if code/100 != 2 && code != 429 {
				t.Errorf("%d writes answered %d while a replica drained, want none", n, code)
			}
		}
		if l.errors > 0 || len(l.acked) == 0 {
			t.Errorf("%d writes failed to connect, %d acknowledged; want 0 and some", l.errors, len(l.acked))
		}
		t.Logf("%d writes acknowledged, answers by status %v", len(l.acked), l.statuses)
		c.waitState("replica-2", "DOWN")
		c.script("restart", "2")
		c.waitState("replica-2", "UP")
	})

	t.Run("KillUnderLoad", func(t *testing.T) {
		c := *c
		c.tb = t
		var killed time.Time
		l := c.loadDuring(writers, 2*time.Second, func() {
			c.script("kill", "1")
			killed = time.Now()
		})
		if time.Unix(0, l.lastOK.Load()).Before(killed.Add(time.Second)) {
			t.Errorf("no write acknowledged from 1 s after the kill on: HAProxy did not route around the killed replica")
		}
		c.waitState("replica-1", "DOWN")
		// Every acknowledged write is in Neo4j.
		for _, id := range l.acked {
			if _, err := store.FindPerson(context.Background(), w.ID, id); err != nil {
				t.Fatalf("acknowledged write %s is not in Neo4j: %v", id, err)
			}
		}
		t.Logf("%d writes acknowledged, answers by status %v, %d connection errors", len(l.acked), l.statuses, l.errors)

		// Restarted, replica 1 answers with what was written while it was down.
		missed := newContact(c.lb, "Written While Replica 1 Was Down")
		c.script("restart", "1")
		c.waitState("replica-1", "UP")
		if len(l.acked) > 0 {
			c.must(200, "GET", a+"/api/v1/people/"+l.acked[len(l.acked)-1], tok, nil, nil)
		}
		for deadline := time.Now().Add(30 * time.Second); !pathTo(a, missed); time.Sleep(200 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the restarted replica never answered with a path to a contact written while it was down")
			}
		}
	})
}
