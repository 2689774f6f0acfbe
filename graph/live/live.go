package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
)

// Store is what the service reads: snapshots and the change feed
// (graph.Store has all of it).
type Store interface {
	LoadSnapshot(ctx context.Context, workspaceID string, opt graph.SnapshotOptions) (*graph.Snapshot, error)
	FeedVersion(ctx context.Context, workspaceID string) (uint64, error)
	ReadFeed(ctx context.Context, workspaceID string, after uint64, limit int) (*graph.FeedRead, error)
	FeedHeartbeat(ctx context.Context, workspaceID, replica string, version uint64) error
	CompactFeed(ctx context.Context, workspaceID string, keep time.Duration) (int, error)
	WriteCheckpoint(ctx context.Context, workspaceID string, snap *graph.Snapshot) (bool, error)
}

// Jobs tracks long work that clients can follow (the API's job tracker, in
// memory or in Neo4j): the service reports its full loads through it.
type Jobs interface {
	// Start registers a running job and returns its id.
	Start(workspaceID, kind string) string
	// Progress records how far a job is (total 0: unknown).
	Progress(id, phase string, done, total int)
	// Finish records a job's end, with its result or error.
	Finish(id string, result any, err error)
}

// Defaults of Config.
const (
	DefaultPoll       = 250 * time.Millisecond
	DefaultIdle       = 30 * time.Minute
	DefaultKeep       = 10 * time.Minute
	DefaultHeartbeat  = 15 * time.Second
	DefaultSettle     = 5 * time.Second
	DefaultRetime     = time.Hour
	DefaultCheckpoint = 5 * time.Minute
	DefaultLull       = 2 * time.Second
	DefaultSettleAge  = time.Minute
)

// JobKind is the kind of the jobs a full load reports as.
const JobKind = "analytics_refresh"

// feedReadLimit bounds the changes applied in one step, so that a long
// backlog is applied in pieces of bounded memory.
const feedReadLimit = 50_000

// Config configures a Service; zero fields take the defaults.
type Config struct {
	Store  Store
	Jobs   Jobs // nil: loads are not reported as jobs
	Logger *slog.Logger
	// Replica names this process in the feed's heartbeats; default a new id.
	Replica string
	// Poll is how often an active workspace's version is checked.
	Poll time.Duration
	// Idle is how long a workspace nobody asks about keeps its network;
	// then it is dropped and the next question loads it again.
	Idle time.Duration
	// Keep is how long feed entries are kept at least (graph.Store.CompactFeed).
	Keep time.Duration
	// Heartbeat is how often the replica records the version it reached.
	Heartbeat time.Duration
	// Settle is the least time between two recomputations of a workspace's
	// communities and betweenness; the service also waits four times as
	// long as the last one took, which bounds that work to a fifth of a
	// core. Within that budget, it recomputes them in a lull (no change
	// applied for Lull), or when they are SettleMaxAge old whatever the
	// writes: seconds of a core taken from answering, under a stream of
	// writes, only once in a while.
	Settle       time.Duration
	Lull         time.Duration
	SettleMaxAge time.Duration
	// Retime is how old a network's time (analytics.Network.Now) may get
	// before every strength is computed again for the present.
	Retime time.Duration
	// Checkpoint is how often the service writes a checkpoint of a
	// workspace that changed (graph.Store.WriteCheckpoint), which replicas
	// starting later load instead of the whole graph; it also writes one
	// after a load. Keep it under Keep, so that the feed after a
	// checkpoint is still there to replay. Negative: never.
	Checkpoint time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Options tune the networks (tie-strength model, seed).
	Options *analytics.Options
}

// Freshness tells how current an analytics answer is.
type Freshness struct {
	// BuiltAt is when the network's version was applied (or loaded).
	BuiltAt time.Time `json:"built_at"`
	// AgeSeconds is how long ago the workspace was last known to be at
	// the network's version: at most a poll while the network is current.
	AgeSeconds float64 `json:"age_seconds"`
	// Stale is set when the workspace has changed since: the change is
	// being applied, or a full reload is under way (RefreshJob).
	Stale bool `json:"stale"`
	// Version is the workspace's change-feed version the network holds.
	Version uint64 `json:"version"`
	People  int    `json:"people"`
	Ties    int    `json:"ties"`
	// RefreshJob is the job of a full load under way.
	RefreshJob string `json:"refresh_job,omitempty"`
	// CommunitiesVersion and BetweennessVersion are the versions the
	// communities and betweenness are of, with their ages: they are
	// recomputed in the background and may trail Version.
	CommunitiesVersion    uint64  `json:"communities_version"`
	CommunitiesAgeSeconds float64 `json:"communities_age_seconds"`
	BetweennessVersion    uint64  `json:"betweenness_version"`
	BetweennessAgeSeconds float64 `json:"betweenness_age_seconds"`
}

// Service keeps the analytics networks of the workspaces it is asked about.
// All methods are safe for concurrent use.
type Service struct {
	cfg    Config
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // followers and background work

	mu     sync.Mutex
	ws     map[string]*workspace
	closed bool
}

// workspace is the state of one workspace; fields after mu are guarded by
// Service.mu.
type workspace struct {
	id   string
	poke chan struct{} // wakes the follower early
	// ready is closed once the first load ends, well or not.
	ready chan struct{}

	net        *analytics.Network
	builtAt    time.Time
	checkedAt  time.Time
	latest     uint64 // the newest version a poll saw
	lastUsed   time.Time
	err        error  // the first load's error
	job        string // the load under way, or the last one
	loading    bool
	reload     bool      // a full reload was asked for
	applied    []applied // when recent versions were applied, oldest first
	settling   bool
	nextSettle time.Time
	settledAt  time.Time   // the last recomputation (or load)
	lastApply  time.Time   // when the last change was applied
	beating    atomic.Bool // a heartbeat (and compaction) is under way
	// When the last checkpoint was written, and whether one is being written.
	checkpointAt  time.Time
	checkpointing bool
}

// applied records when a version of the network was applied.
type applied struct {
	version uint64
	at      time.Time
}

// appliedKeep is how many applied versions a workspace remembers, to tell
// the age of carried communities and betweenness.
const appliedKeep = 1024

// New returns a service; Close stops it.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Replica == "" {
		cfg.Replica = graph.NewID()
	}
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&cfg.Poll, DefaultPoll}, {&cfg.Idle, DefaultIdle}, {&cfg.Keep, DefaultKeep},
		{&cfg.Heartbeat, DefaultHeartbeat}, {&cfg.Settle, DefaultSettle}, {&cfg.Retime, DefaultRetime},
		{&cfg.Checkpoint, DefaultCheckpoint}, {&cfg.Lull, DefaultLull}, {&cfg.SettleMaxAge, DefaultSettleAge}} {
		if d.v == &cfg.Checkpoint && *d.v < 0 {
			continue
		}
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	// Recomputing communities and betweenness leaves a core to applying
	// changes and answering questions.
	opt := analytics.Options{}
	if cfg.Options != nil {
		opt = *cfg.Options
	}
	if opt.Workers == 0 {
		opt.Workers = max(1, runtime.GOMAXPROCS(0)-1)
	}
	cfg.Options = &opt
	ctx, cancel := context.WithCancel(context.Background())
	return &Service{cfg: cfg, log: cfg.Logger, ctx: ctx, cancel: cancel, ws: map[string]*workspace{}}
}

// Replica returns the name the service records its heartbeats under.
func (s *Service) Replica() string { return s.cfg.Replica }

// Close stops following every workspace and waits for the background work
// (loads, recomputations) to end.
func (s *Service) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	return nil
}

// errClosed answers questions after Close.
var errClosed = graph.Errorf(graph.EUNAVAILABLE, "The server is shutting down.")

// follow returns the workspace's state, starting its follower when there is
// none. The caller holds s.mu.
func (s *Service) follow(ws string) *workspace {
	w, ok := s.ws[ws]
	if !ok {
		w = &workspace{id: ws, poke: make(chan struct{}, 1), ready: make(chan struct{}), lastUsed: s.cfg.Now()}
		s.ws[ws] = w
		s.wg.Add(1)
		go s.run(w)
	}
	return w
}

// Network returns the workspace's network and how fresh it is, waiting for
// the first load (bounded by ctx: then EUNAVAILABLE).
func (s *Service) Network(ctx context.Context, ws string) (*analytics.Network, Freshness, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, Freshness{}, errClosed
	}
	w := s.follow(ws)
	w.lastUsed = s.cfg.Now()
	if w.net != nil {
		defer s.mu.Unlock()
		return w.net, s.freshness(w), nil
	}
	ready := w.ready
	s.mu.Unlock()
	select {
	case <-ready:
	case <-ctx.Done():
		return nil, Freshness{}, graph.Errorf(graph.EUNAVAILABLE,
			"The analytics of this workspace are still being built; see GET /api/v1/analytics.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.net == nil {
		if w.err != nil {
			return nil, Freshness{}, w.err
		}
		return nil, Freshness{}, errClosed
	}
	return w.net, s.freshness(w), nil
}

// Current returns the workspace's network, as Network does, without the
// freshness: the shape graph/report's Config.Networks takes.
func (s *Service) Current(ctx context.Context, ws string) (*analytics.Network, error) {
	net, _, err := s.Network(ctx, ws)
	return net, err
}

// Status says how fresh the workspace's network is, without loading it;
// false when there is none yet.
func (s *Service) Status(ws string) (Freshness, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.ws[ws]
	if !ok || w.net == nil {
		f := Freshness{}
		if ok && w.loading {
			f.RefreshJob, f.Stale = w.job, true
		}
		return f, false
	}
	return s.freshness(w), true
}

// Refresh asks for a full reload of the workspace (and starts following it)
// and returns the load's job id once the follower has started it ("" when
// jobs are not tracked).
func (s *Service) Refresh(ctx context.Context, ws string) (string, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return "", errClosed
	}
	w := s.follow(ws)
	w.lastUsed = s.cfg.Now()
	if !w.loading {
		w.reload = true
	}
	s.mu.Unlock()
	s.Poke(ws)
	// The follower starts the load at its next turn; wait for its job.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s.mu.Lock()
		loading, job, reload := w.loading, w.job, w.reload
		s.mu.Unlock()
		if loading || (!reload && job != "") || s.cfg.Jobs == nil {
			return job, nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return "", ctx.Err()
		case <-s.ctx.Done():
			return "", errClosed
		}
	}
}

// Poke makes the workspace's follower check for changes now rather than at
// its next poll: a write through this process is then answered sooner.
func (s *Service) Poke(ws string) {
	s.mu.Lock()
	w, ok := s.ws[ws]
	s.mu.Unlock()
	if ok {
		select {
		case w.poke <- struct{}{}:
		default:
		}
	}
}

// freshness describes w's network; the caller holds s.mu.
func (s *Service) freshness(w *workspace) Freshness {
	now := s.cfg.Now()
	st := w.net.Staleness()
	f := Freshness{BuiltAt: w.builtAt.UTC(), AgeSeconds: now.Sub(w.checkedAt).Seconds(),
		Stale: w.latest > st.Version || w.loading || w.reload, Version: st.Version,
		People: w.net.Len(), Ties: w.net.NumTies(),
		CommunitiesVersion: st.CommunitiesVersion, BetweennessVersion: st.BetweennessVersion}
	f.CommunitiesAgeSeconds = now.Sub(w.appliedAt(st.CommunitiesVersion)).Seconds()
	f.BetweennessAgeSeconds = now.Sub(w.appliedAt(st.BetweennessVersion)).Seconds()
	if w.loading {
		f.RefreshJob = w.job
	}
	return f
}

// appliedAt returns when version was applied, or the oldest time known.
func (w *workspace) appliedAt(version uint64) time.Time {
	for i := len(w.applied) - 1; i >= 0; i-- {
		if w.applied[i].version <= version {
			return w.applied[i].at
		}
	}
	if len(w.applied) > 0 {
		return w.applied[0].at
	}
	return w.builtAt
}

// publish makes net the workspace's network; the caller holds s.mu.
func (s *Service) publish(w *workspace, net *analytics.Network, now time.Time) {
	if w.net == nil {
		w.settledAt = now // the first recomputation waits like the others
	}
	w.net, w.builtAt, w.lastApply = net, now, now
	v := net.Snapshot().Version
	if v >= w.latest {
		w.latest, w.checkedAt = v, now
	}
	if n := len(w.applied); n == 0 || w.applied[n-1].version != v {
		if n >= appliedKeep {
			w.applied = append(w.applied[:0], w.applied[n-appliedKeep/2:]...)
		}
		w.applied = append(w.applied, applied{v, now})
	}
}

// run follows one workspace until it goes idle or the service closes.
func (s *Service) run(w *workspace) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		if s.ws[w.id] == w {
			delete(s.ws, w.id)
		}
		select {
		case <-w.ready:
		default:
			close(w.ready)
		}
		s.mu.Unlock()
	}()
	var beat, compact time.Time
	failures := 0
	for {
		polled := time.Now()
		s.mu.Lock()
		net, reload, idle := w.net, w.reload, s.cfg.Now().Sub(w.lastUsed) > s.cfg.Idle
		s.mu.Unlock()
		if idle {
			s.log.Info("analytics: workspace idle, network dropped", slog.String("workspace", w.id))
			return
		}
		var err error
		if net == nil || reload {
			// A question's first load starts from the checkpoint; a
			// reload asked for reads the graph.
			err = s.load(w, net == nil)
			if net == nil && err != nil {
				return // the question that comes next tries again
			}
		} else {
			err = s.catchUp(w, net)
		}
		if errors.Is(err, context.Canceled) || s.ctx.Err() != nil {
			return
		}
		if graph.ErrorCode(err) == graph.ENOTFOUND {
			s.log.Info("analytics: workspace gone", slog.String("workspace", w.id))
			return
		}
		// Polls start every Poll, however long applying took: a write
		// waits for the next poll, not for a poll after the work.
		wait := max(0, s.cfg.Poll-time.Since(polled))
		if err != nil {
			// Neo4j down, say: try again, less and less often.
			failures++
			wait = min(30*time.Second, s.cfg.Poll<<min(failures, 10))
			s.log.Warn("analytics: following the feed failed", slog.String("workspace", w.id),
				slog.String("error", err.Error()), slog.Duration("retry_in", wait))
		} else {
			failures = 0
		}
		now := s.cfg.Now()
		s.maintain(w, now)
		// Writes of their own, off the follower's path: a compaction
		// deleting thousands of entries takes seconds.
		if now.Sub(beat) >= s.cfg.Heartbeat && !w.beating.Load() {
			beat = now
			w.beating.Store(true)
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer w.beating.Store(false)
				s.heartbeat(w)
				if time.Since(compact) >= time.Minute {
					compact = time.Now()
					if _, err := s.cfg.Store.CompactFeed(s.ctx, w.id, s.cfg.Keep); err != nil && s.ctx.Err() == nil {
						s.log.Warn("analytics: feed compaction failed", slog.String("workspace", w.id), slog.String("error", err.Error()))
					}
				}
			}()
		}
		timer := time.NewTimer(wait)
		select {
		case <-s.ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		case <-w.poke:
			timer.Stop()
		}
	}
}

func (s *Service) heartbeat(w *workspace) {
	s.mu.Lock()
	net := w.net
	s.mu.Unlock()
	if net == nil {
		return
	}
	if err := s.cfg.Store.FeedHeartbeat(s.ctx, w.id, s.cfg.Replica, net.Snapshot().Version); err != nil && s.ctx.Err() == nil {
		s.log.Warn("analytics: heartbeat failed", slog.String("workspace", w.id), slog.String("error", err.Error()))
	}
}

// load reads the workspace in full (from its checkpoint when fromCheckpoint
// and there is one), catches up with the feed and publishes the network,
// reporting through a job.
func (s *Service) load(w *workspace, fromCheckpoint bool) (err error) {
	start := time.Now()
	var job string
	if s.cfg.Jobs != nil {
		job = s.cfg.Jobs.Start(w.id, JobKind)
	}
	s.mu.Lock()
	w.loading, w.reload, w.job = true, false, job
	s.mu.Unlock()
	progress := func(phase string, done, total int) {
		if s.cfg.Jobs != nil {
			s.cfg.Jobs.Progress(job, phase, done, total)
		}
	}
	defer func() {
		s.mu.Lock()
		w.loading = false
		if w.net == nil && err != nil {
			w.err = err
		}
		select {
		case <-w.ready:
		default:
			close(w.ready)
		}
		s.mu.Unlock()
		if s.cfg.Jobs != nil {
			var res any
			if err == nil {
				s.mu.Lock()
				res = map[string]any{"people": w.net.Len(), "ties": w.net.NumTies(), "version": w.net.Snapshot().Version,
					"seconds": time.Since(start).Seconds()}
				s.mu.Unlock()
			}
			s.cfg.Jobs.Finish(job, res, err)
		}
	}()
	var net *analytics.Network
	var snap *graph.Snapshot
	// A load outlived by the feed entries after its version (compacted
	// meanwhile) starts again, from the graph.
	for attempt := 0; ; attempt++ {
		progress("loading snapshot", 0, 0)
		snap, err = s.cfg.Store.LoadSnapshot(s.ctx, w.id, graph.SnapshotOptions{Progress: func(read int) {
			progress("loading snapshot", read, 0)
		}, Checkpoint: fromCheckpoint && attempt == 0 && s.cfg.Checkpoint > 0})
		if err != nil && fromCheckpoint && attempt == 0 && s.ctx.Err() == nil {
			s.log.Warn("analytics: the checkpoint cannot be read, loading the graph", slog.String("workspace", w.id),
				slog.String("error", err.Error()))
			continue
		}
		if err != nil {
			return fmt.Errorf("load snapshot: %w", err)
		}
		// Compaction keeps what the replica needs from now on.
		if err := s.cfg.Store.FeedHeartbeat(s.ctx, w.id, s.cfg.Replica, snap.Version); err != nil {
			return err
		}
		progress("computing tie strengths", 0, len(snap.Ties))
		if net, err = analytics.NewNetwork(snap, s.cfg.Now().UTC(), s.cfg.Options); err != nil {
			return err
		}
		progress("catching up", 0, 0)
		net, err = s.applyFeed(w, net, false)
		if errors.Is(err, errReload) && attempt < 2 {
			continue
		} else if err != nil {
			return err
		}
		break
	}
	loaded := time.Since(start)
	s.mu.Lock()
	s.publish(w, net, s.cfg.Now())
	if snap.Checkpoint {
		w.checkpointAt = s.cfg.Now() // one is there, a replay behind at most
	} else {
		w.checkpointAt = time.Time{} // write one soon, for the replicas starting later
	}
	s.mu.Unlock()
	s.log.Info("analytics loaded", slog.String("workspace", w.id), slog.Int("people", net.Len()),
		slog.Int("ties", net.NumTies()), slog.Uint64("version", net.Snapshot().Version),
		slog.Duration("took", loaded))
	return nil
}

// errReload says the feed cannot bring the network up to date.
var errReload = errors.New("the feed cannot be applied: reload")

// applyFeed applies the feed after net's version to net, in pieces, up to
// the version the workspace had when it started (writes keep coming: the
// next poll takes them), and returns the network it reached. With publish,
// each piece is published as soon as it is applied, unless w's network is
// no longer the one it started from (a reload replaced it).
func (s *Service) applyFeed(w *workspace, net *analytics.Network, publish bool) (*analytics.Network, error) {
	var target uint64
	for {
		from := net.Snapshot().Version
		readAt := time.Now()
		r, err := s.cfg.Store.ReadFeed(s.ctx, w.id, from, feedReadLimit)
		if err != nil {
			return nil, err
		}
		read := time.Since(readAt)
		s.mu.Lock()
		w.latest = max(w.latest, r.Version)
		s.mu.Unlock()
		if r.Gap {
			return nil, errReload
		}
		if target == 0 {
			target = r.Version
		}
		if r.Through == from {
			return net, nil
		}
		for _, c := range r.Changes {
			if c.Kind == graph.ChangeReload {
				return nil, errReload
			}
		}
		start := time.Now()
		next, err := net.Apply(r.Through, r.Changes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errReload, err)
		}
		s.log.Debug("analytics: changes applied", slog.String("workspace", w.id), slog.Uint64("from", from),
			slog.Uint64("to", r.Through), slog.Int("changes", len(r.Changes)), slog.Duration("read", read),
			slog.Duration("took", time.Since(start)))
		if publish {
			s.mu.Lock()
			if w.net != net {
				s.mu.Unlock()
				return next, nil
			}
			s.publish(w, next, s.cfg.Now())
			s.mu.Unlock()
		}
		net = next
		if r.Through >= target {
			return net, nil
		}
	}
}

// catchUp brings the published network up to the workspace's version; a
// feed that cannot be applied makes it reload in full.
func (s *Service) catchUp(w *workspace, net *analytics.Network) error {
	polled := time.Now()
	v, err := s.cfg.Store.FeedVersion(s.ctx, w.id)
	if err != nil {
		return err
	}
	if d := time.Since(polled); d > 100*time.Millisecond {
		s.log.Debug("analytics: slow poll", slog.String("workspace", w.id), slog.Duration("took", d))
	}
	now := s.cfg.Now()
	s.mu.Lock()
	w.latest = max(w.latest, v)
	if v == net.Snapshot().Version {
		w.checkedAt = now
	}
	s.mu.Unlock()
	if v <= net.Snapshot().Version {
		return nil
	}
	_, err = s.applyFeed(w, net, true)
	if errors.Is(err, errReload) {
		s.log.Info("analytics: the feed cannot be applied, reloading", slog.String("workspace", w.id),
			slog.String("reason", err.Error()))
		return s.load(w, true)
	}
	return err
}

// maintain starts the background work the network is due: communities and
// betweenness recomputed (within the budget), strengths moved to the
// present when its time is old.
func (s *Service) maintain(w *workspace, now time.Time) {
	s.mu.Lock()
	net := w.net
	due := net != nil && !w.settling && !net.Settled() && !now.Before(w.nextSettle) &&
		(now.Sub(w.lastApply) >= s.cfg.Lull || now.Sub(w.settledAt) >= s.cfg.SettleMaxAge)
	if due {
		w.settling = true
	}
	s.mu.Unlock()
	if net == nil {
		return
	}
	if due {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			start := time.Now()
			net.Settle()
			took := time.Since(start)
			s.mu.Lock()
			w.settling = false
			w.settledAt = s.cfg.Now()
			w.nextSettle = w.settledAt.Add(max(s.cfg.Settle, 4*took))
			s.mu.Unlock()
			s.log.Debug("analytics: communities and betweenness recomputed", slog.String("workspace", w.id),
				slog.Uint64("version", net.Snapshot().Version), slog.Duration("took", took))
		}()
	}
	s.checkpoint(w, net, now)
	if now.Sub(net.Now()) > s.cfg.Retime {
		at := net.At(now.UTC())
		s.mu.Lock()
		if w.net == net {
			w.net = at
		}
		s.mu.Unlock()
	}
}

// checkpoint writes a checkpoint of net in the background when one is due.
func (s *Service) checkpoint(w *workspace, net *analytics.Network, now time.Time) {
	if s.cfg.Checkpoint < 0 {
		return
	}
	s.mu.Lock()
	due := !w.checkpointing && now.Sub(w.checkpointAt) >= s.cfg.Checkpoint
	if due {
		w.checkpointing = true
	}
	s.mu.Unlock()
	if !due {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		start := time.Now()
		wrote, err := s.cfg.Store.WriteCheckpoint(s.ctx, w.id, net.Snapshot())
		s.mu.Lock()
		w.checkpointing = false
		if err == nil {
			w.checkpointAt = s.cfg.Now()
		}
		s.mu.Unlock()
		switch {
		case err != nil && s.ctx.Err() == nil:
			s.log.Warn("analytics: writing a checkpoint failed", slog.String("workspace", w.id), slog.String("error", err.Error()))
		case wrote:
			s.log.Info("analytics: checkpoint written", slog.String("workspace", w.id),
				slog.Uint64("version", net.Snapshot().Version), slog.Duration("took", time.Since(start)))
		}
	}()
}
