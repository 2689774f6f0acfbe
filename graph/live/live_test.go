package live_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/analytics/analyticstest"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/live"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

var ctx = context.Background()

// jobs records the jobs the service reports.
type jobs struct {
	mu       sync.Mutex
	started  []string
	finished map[string]error
	phases   []string
}

func (j *jobs) Start(ws, kind string) string {
	j.mu.Lock()
	defer j.mu.Unlock()
	id := graph.NewID()
	j.started = append(j.started, kind)
	return id
}

func (j *jobs) Progress(id, phase string, done, total int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.phases = append(j.phases, phase)
}

func (j *jobs) Finish(id string, result any, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.finished == nil {
		j.finished = map[string]error{}
	}
	j.finished[id] = err
}

func (j *jobs) count() (started, finished int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.started), len(j.finished)
}

func person(tb testing.TB, s *neo4j.Store, ws, name string) *graph.Person {
	tb.Helper()
	p := &graph.Person{WorkspaceID: ws, Name: name}
	if err := s.CreatePerson(ctx, p); err != nil {
		tb.Fatal(err)
	}
	return p
}

// waitVersion waits until the service's network of ws holds version.
func waitVersion(tb testing.TB, svc *live.Service, ws string, version uint64) (*analytics.Network, live.Freshness) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		net, f, err := svc.Network(ctx, ws)
		if err != nil {
			tb.Fatal(err)
		}
		if f.Version >= version {
			return net, f
		}
		if time.Now().After(deadline) {
			tb.Fatalf("network at version %d after 10 s, want %d", f.Version, version)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func newService(tb testing.TB, s *neo4j.Store, cfg live.Config) *live.Service {
	cfg.Store = s
	if cfg.Poll == 0 {
		cfg.Poll = 20 * time.Millisecond
	}
	svc := live.New(cfg)
	tb.Cleanup(func() { svc.Close() })
	return svc
}

// TestFollow checks that writes made outside the service (as by another
// replica or a CLI import) reach its network through the feed, without a
// reload, and that the network then equals one loaded afresh.
func TestFollow(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	j := &jobs{}
	svc := newService(t, s, live.Config{Jobs: j})
	net, f, err := svc.Network(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if net.Len() != 1 || f.Stale || f.RefreshJob != "" {
		t.Fatalf("first network: got %d people, freshness %+v; want the owner's person only, fresh", net.Len(), f)
	}
	if started, finished := j.count(); started != 1 || finished != 1 {
		t.Errorf("first load: got %d jobs started, %d finished, want 1 and 1", started, finished)
	}

	a, b := person(t, s, w.ID, "Ana"), person(t, s, w.ID, "Bo")
	tie := &graph.Tie{WorkspaceID: w.ID, PersonA: owner.PersonID, PersonB: a.ID, Source: graph.TieManual}
	if err := s.CreateTie(ctx, tie); err != nil {
		t.Fatal(err)
	}
	in := &graph.Interaction{WorkspaceID: w.ID, Kind: graph.KindCoffee, At: time.Now().Add(-time.Hour),
		ParticipantIDs: []string{a.ID, b.ID}}
	if err := s.CreateInteraction(ctx, in); err != nil { // and the tie Ana–Bo it implies
		t.Fatal(err)
	}
	v, err := s.FeedVersion(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	net, f = waitVersion(t, svc, w.ID, v)
	if got := net.IntroPaths([]int32{net.Index(owner.PersonID)}, net.Index(b.ID), analytics.PathOptions{}); len(got) != 1 {
		t.Errorf("intro paths to Bo: got %+v, want me → Ana → Bo", got)
	}
	if f.Stale || f.Version != v || f.People != 3 || f.Ties != 2 {
		t.Errorf("freshness: got %+v, want version %d, 3 people, 2 ties, not stale", f, v)
	}
	if started, _ := j.count(); started != 1 {
		t.Errorf("got %d loads, want the first only: writes are applied, not reloaded", started)
	}
	fresh, err := s.LoadSnapshot(ctx, w.ID, graph.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := analytics.NewNetwork(fresh, net.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := analyticstest.Diff(net, want, 5); len(d) > 0 {
		t.Errorf("followed network differs from a fresh one: %v", d)
	}

	// The service wrote a checkpoint after its load; a replica starting
	// now reads it and replays the feed after it.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok, err := s.CheckpointVersion(ctx, w.ID); err != nil {
			t.Fatal(err)
		} else if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint after 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Its network is seen at the same time as want, or recency differs.
	other := newService(t, s, live.Config{Now: func() time.Time { return want.Now() }})
	started, _, err := other.Network(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := analyticstest.Diff(started, want, 5); len(d) > 0 {
		t.Errorf("a replica started from the checkpoint differs from a fresh network: %v", d)
	}
}

// TestGap checks that a replica whose feed entries were compacted away
// reloads in full, as a job, and then has every change.
func TestGap(t *testing.T) {
	s := neo4jtest.Open(t)
	w, _ := neo4jtest.Workspace(t, s)
	j := &jobs{}
	// No checkpoints: they would keep the feed after theirs. Polls only when poked.
	svc := newService(t, s, live.Config{Jobs: j, Poll: time.Hour, Checkpoint: -1})
	if _, _, err := svc.Network(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	person(t, s, w.ID, "Ana")
	person(t, s, w.ID, "Bo")
	// keep 0 forgets every replica and drops every entry.
	if n, err := s.CompactFeed(ctx, w.ID, 0); err != nil || n < 2 {
		t.Fatalf("compact: got %d entries dropped (%v), want 2 or more", n, err)
	}
	v, _ := s.FeedVersion(ctx, w.ID)
	svc.Poke(w.ID)
	net, _ := waitVersion(t, svc, w.ID, v)
	if net.Len() != 3 {
		t.Errorf("after the reload: got %d people, want 3", net.Len())
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if started, finished := j.count(); started == 2 && finished == 2 {
			break
		}
		if time.Now().After(deadline) {
			started, finished := j.count()
			t.Fatalf("got %d loads started and %d finished, want 2 (the first, the reload)", started, finished)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRefresh checks that a reload on demand runs as a job and that Close
// waits for the service's work.
func TestRefresh(t *testing.T) {
	s := neo4jtest.Open(t)
	w, _ := neo4jtest.Workspace(t, s)
	j := &jobs{}
	svc := live.New(live.Config{Store: s, Jobs: j, Poll: 20 * time.Millisecond})
	if _, _, err := svc.Network(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	id, err := svc.Refresh(ctx, w.ID)
	if err != nil || id == "" {
		t.Fatalf("refresh: got job %q, %v", id, err)
	}
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	if started, finished := j.count(); started != 2 || finished != 2 {
		t.Errorf("after Close: got %d loads started, %d finished, want 2 and 2", started, finished)
	}
	if _, _, err := svc.Network(ctx, w.ID); graph.ErrorCode(err) != graph.EUNAVAILABLE {
		t.Errorf("after Close: got %v, want EUNAVAILABLE", err)
	}
}

// TestIdle checks that a workspace nobody asks about is dropped, and that
// a workspace that does not exist is ENOTFOUND.
func TestIdle(t *testing.T) {
	s := neo4jtest.Open(t)
	w, _ := neo4jtest.Workspace(t, s)
	svc := newService(t, s, live.Config{Idle: 50 * time.Millisecond})
	if _, _, err := svc.Network(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := svc.Status(w.ID); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the idle workspace is still held after 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, _, err := svc.Network(ctx, graph.NewID()); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("unknown workspace: got %v, want ENOTFOUND", err)
	}
}

// TestSettle checks that communities are recomputed in the background and
// that, until then, answers say they are of an older version.
func TestSettle(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	svc := newService(t, s, live.Config{Settle: time.Millisecond})
	_, f, err := svc.Network(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for f.CommunitiesVersion != f.Version || f.BetweennessVersion != f.Version {
		if time.Now().After(deadline) {
			t.Fatalf("communities not recomputed: %+v", f)
		}
		time.Sleep(10 * time.Millisecond)
		_, f, _ = svc.Network(ctx, w.ID)
	}
	a := person(t, s, w.ID, "Ana")
	if err := s.CreateTie(ctx, &graph.Tie{WorkspaceID: w.ID, PersonA: owner.PersonID, PersonB: a.ID, Source: graph.TieManual}); err != nil {
		t.Fatal(err)
	}
	v, _ := s.FeedVersion(ctx, w.ID)
	net, _ := waitVersion(t, svc, w.ID, v)
	if c := net.Communities(); len(c.Of) != net.Len() {
		t.Errorf("communities cover %d people, want %d", len(c.Of), net.Len())
	}
	for {
		_, f, _ = svc.Network(ctx, w.ID)
		if f.CommunitiesVersion == v && f.BetweennessVersion == v {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("communities not recomputed for version %d: %+v", v, f)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
