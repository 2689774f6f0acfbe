package api

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/ask"
)

// Analytics answer from an in-memory analytics.Network of each workspace,
// built from a snapshot of Neo4j. Writes through the API mark it stale and
// schedule a rebuild in the background (debounced); until the rebuild lands,
// answers come from the previous network and say so (Freshness.Stale). The
// first question of a workspace waits for its first build.

// refreshDelay gathers a burst of writes into one rebuild.
const refreshDelay = 750 * time.Millisecond

// Freshness tells how current an analytics answer is.
type Freshness = ask.Freshness

type cacheEntry struct {
	net      *analytics.Network
	builtAt  time.Time
	version  uint64 // writes seen when the build started
	writes   uint64 // writes so far
	building chan struct{}
	job      *Job
	err      error
	timer    *time.Timer
}

type analyticsCache struct {
	s       *Server
	mu      sync.Mutex
	entries map[string]*cacheEntry
	now     func() time.Time
	closed  bool
}

func newAnalyticsCache(s *Server) *analyticsCache {
	return &analyticsCache{s: s, entries: map[string]*cacheEntry{}, now: time.Now}
}

// changed records a write to the workspace and schedules a rebuild.
func (s *Server) changed(ws string) {
	ac := s.cache
	ac.mu.Lock()
	defer ac.mu.Unlock()
	e := ac.entry(ws)
	e.writes++
	if e.net == nil || ac.closed {
		return // nothing built yet: the first question builds it
	}
	if e.timer != nil {
		e.timer.Stop()
	}
	e.timer = time.AfterFunc(refreshDelay, func() { ac.refresh(ws) })
}

func (ac *analyticsCache) entry(ws string) *cacheEntry {
	e, ok := ac.entries[ws]
	if !ok {
		e = &cacheEntry{}
		ac.entries[ws] = e
	}
	return e
}

// refresh starts a build unless one is running, and returns its job.
func (ac *analyticsCache) refresh(ws string) *Job {
	ac.mu.Lock()
	defer ac.mu.Unlock()
	return ac.startLocked(ws)
}

func (ac *analyticsCache) startLocked(ws string) *Job {
	e := ac.entry(ws)
	if e.building != nil || ac.closed {
		return e.job
	}
	e.building = make(chan struct{})
	e.version = e.writes
	e.job = ac.s.jobs.start(ws, "analytics_refresh")
	go ac.build(ws, e, e.job, e.building)
	return e.job
}

// build loads the snapshot and builds the network, then warms the slower
// results (communities, betweenness) so later questions do not wait.
func (ac *analyticsCache) build(ws string, e *cacheEntry, job *Job, done chan struct{}) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	jobs := ac.s.jobs
	jobs.progress(job, "loading snapshot", 0, 0)
	snap, err := ac.s.store.LoadSnapshot(ctx, ws, graph.SnapshotOptions{Progress: func(read int) {
		jobs.progress(job, "loading snapshot", read, 0)
	}})
	var net *analytics.Network
	if err == nil {
		jobs.progress(job, "computing tie strengths", 0, len(snap.Ties))
		net, err = analytics.NewNetwork(snap, ac.now().UTC(), nil)
	}
	ac.mu.Lock()
	if err == nil {
		e.net, e.builtAt, e.err = net, ac.now().UTC(), nil
	} else if e.net == nil {
		e.err = err
	}
	e.building = nil
	close(done)
	stale := e.writes != e.version
	ac.mu.Unlock()
	if err != nil {
		ac.s.logger.Error("analytics refresh failed", slog.String("workspace", ws), slog.String("error", err.Error()))
		jobs.finish(job, nil, err)
		return
	}
	ac.s.logger.Info("analytics refreshed", slog.String("workspace", ws), slog.Int("people", net.Len()),
		slog.Int("ties", net.NumTies()), slog.Duration("took", time.Since(start)))
	jobs.progress(job, "communities", 0, 0)
	net.Communities()
	jobs.progress(job, "betweenness", 0, 0)
	net.Betweenness()
	jobs.finish(job, map[string]any{"people": net.Len(), "ties": net.NumTies(),
		"seconds": time.Since(start).Seconds()}, nil)
	if stale {
		ac.refresh(ws) // writes landed during the build
	}
}

// get returns the workspace's network, building it first if there is none.
func (ac *analyticsCache) get(ctx context.Context, ws string) (*analytics.Network, Freshness, error) {
	for {
		ac.mu.Lock()
		e := ac.entry(ws)
		if e.net != nil {
			f := Freshness{BuiltAt: e.builtAt, AgeSeconds: ac.now().Sub(e.builtAt).Seconds(),
				Stale: e.writes != e.version || e.building != nil, People: e.net.Len(), Ties: e.net.NumTies()}
			if f.Stale && e.job != nil {
				f.RefreshJob = e.job.ID
			}
			net := e.net
			ac.mu.Unlock()
			return net, f, nil
		}
		if e.err != nil && e.building == nil {
			err := e.err
			e.err = nil // the next question tries again
			ac.mu.Unlock()
			return nil, Freshness{}, err
		}
		ac.startLocked(ws)
		done := e.building
		ac.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return nil, Freshness{}, graph.Errorf(graph.EUNAVAILABLE,
				"The analytics of this workspace are still being built; see GET /api/v1/analytics.")
		}
	}
}

// Network implements ask.Networks.
func (ac *analyticsCache) Network(ctx context.Context, ws string) (*analytics.Network, Freshness, error) {
	return ac.get(ctx, ws)
}

// status describes the cache entry of a workspace without building it.
func (ac *analyticsCache) status(ws string) (Freshness, bool) {
	ac.mu.Lock()
	defer ac.mu.Unlock()
	e, ok := ac.entries[ws]
	if !ok || e.net == nil {
		f := Freshness{}
		if ok && e.job != nil {
			f.RefreshJob = e.job.ID
		}
		return f, false
	}
	f := Freshness{BuiltAt: e.builtAt, AgeSeconds: ac.now().Sub(e.builtAt).Seconds(),
		Stale: e.writes != e.version || e.building != nil, People: e.net.Len(), Ties: e.net.NumTies()}
	if e.job != nil {
		f.RefreshJob = e.job.ID
	}
	return f, true
}

// close stops scheduled rebuilds.
func (ac *analyticsCache) close() {
	ac.mu.Lock()
	defer ac.mu.Unlock()
	ac.closed = true
	for _, e := range ac.entries {
		if e.timer != nil {
			e.timer.Stop()
		}
	}
}
