package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nexohq/nexo/graph"
)

// Defaults of Options.
const (
	DefaultLease         = 15 * time.Second
	DefaultHeartbeat     = time.Second
	DefaultProgressEvery = 250 * time.Millisecond
	DefaultReapEvery     = 5 * time.Second
	DefaultKeep          = 7 * 24 * time.Hour
	// stopGrace is how long Drain waits, once its time is up, for canceled
	// work to record its own end before recording it for the work.
	stopGrace = 2 * time.Second
	// pruneEvery is how many reaps go by between two prunings of old jobs.
	pruneEvery = 12
)

// Options configure a Tracker.
type Options struct {
	Store  graph.JobStore
	Logger *slog.Logger
	// Replica names this process among the replicas sharing the store (host
	// and listen address, say). Jobs that an earlier run of the same replica
	// left running are ended at once when the Tracker starts; without a name
	// only their leases running out gives them away.
	Replica string
	// Limits caps how many jobs of a kind may run at once in one workspace,
	// across every replica (graph.JobImport: 2, say); kinds not listed have
	// no cap.
	Limits map[string]int
	// Lease is how long a job stays running without word from its process;
	// Heartbeat how often a process with nothing new to report renews it;
	// ProgressEvery the least time between two progress writes of one job.
	Lease, Heartbeat, ProgressEvery time.Duration
	// ReapEvery is how often lost jobs are looked for; Keep how long ended
	// jobs are kept, and KeepKind how long those of some kinds are (default:
	// analytics refreshes, which every burst of writes starts, an hour).
	ReapEvery, Keep time.Duration
	KeepKind        map[string]time.Duration
}

// Reporter is what long work needs of a Tracker: to start a job, then report
// through the Run. Packages that run work (imports, analytics refreshes)
// depend on it rather than on the Tracker.
type Reporter interface {
	Start(ctx context.Context, workspaceID, kind string) (*Run, error)
}

var _ Reporter = (*Tracker)(nil)

// Tracker starts jobs and keeps the ones this process runs.
type Tracker struct {
	opt    Options
	owner  string
	logger *slog.Logger

	mu       sync.Mutex
	runs     map[string]*Run
	changed  chan struct{} // closed and replaced whenever a run ends
	draining bool

	stop      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup // the reaper and the runs' progress writers
}

// Why a Run's context is canceled.
var (
	errCanceled = errors.New("job canceled")
	errStopping = errors.New("server stopping before the job finished")
	errLost     = errors.New("job ended by someone else")
)

// New returns a Tracker and starts looking for lost jobs: at once, then
// every Options.ReapEvery, until Close.
func New(opt Options) *Tracker {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opt.Lease, DefaultLease)
	def(&opt.Heartbeat, DefaultHeartbeat)
	def(&opt.ProgressEvery, DefaultProgressEvery)
	def(&opt.ReapEvery, DefaultReapEvery)
	def(&opt.Keep, DefaultKeep)
	if opt.KeepKind == nil {
		opt.KeepKind = map[string]time.Duration{graph.JobAnalyticsRefresh: time.Hour}
	}
	t := &Tracker{opt: opt, owner: opt.Replica + "/" + graph.NewID()[:12], logger: opt.Logger,
		runs: map[string]*Run{}, changed: make(chan struct{}), stop: make(chan struct{})}
	if opt.Store != nil { // a server made without a store (to serve its documents) has no jobs
		t.wg.Add(1)
		go t.reaper()
	}
	return t
}

// Start records a running job of the workspace and returns its Run. It is
// ERATELIMITED when the workspace already runs as many jobs of the kind as
// Options.Limits allows, and EUNAVAILABLE once the tracker is draining.
func (t *Tracker) Start(ctx context.Context, ws, kind string) (*Run, error) {
	t.mu.Lock()
	draining := t.draining
	t.mu.Unlock()
	if draining {
		return nil, graph.Errorf(graph.EUNAVAILABLE, "The server is shutting down; try again in a moment.")
	}
	j := &graph.Job{WorkspaceID: ws, Kind: kind, State: graph.JobRunning, Owner: t.owner}
	if err := t.opt.Store.CreateJob(ctx, j, t.opt.Lease, t.opt.Limits[kind]); err != nil {
		return nil, err
	}
	r := &Run{t: t, job: *j, stopWrites: make(chan struct{}), ended: make(chan struct{})}
	r.ctx, r.cancel = context.WithCancelCause(context.Background())
	t.mu.Lock()
	t.runs[j.ID] = r
	t.mu.Unlock()
	t.wg.Add(1)
	go r.writeProgress()
	return r, nil
}

// Get returns a job of the workspace, wherever it runs or ran.
func (t *Tracker) Get(ctx context.Context, ws, id string) (*graph.Job, error) {
	return t.opt.Store.FindJob(ctx, ws, id)
}

// List returns a page of the workspace's jobs, newest first, and how many it has.
func (t *Tracker) List(ctx context.Context, ws string, f graph.JobFilter) ([]*graph.Job, int, error) {
	return t.opt.Store.FindJobs(ctx, ws, f)
}

// Cancel asks a running job to stop. A job this process runs stops at once;
// one another replica runs stops when that replica next writes its progress
// (within Options.Heartbeat); one nobody runs any more is canceled at once.
// It is ECONFLICT when the job has ended.
func (t *Tracker) Cancel(ctx context.Context, ws, id string) (*graph.Job, error) {
	j, err := t.opt.Store.CancelJob(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	r := t.runs[id]
	t.mu.Unlock()
	if r != nil && r.job.WorkspaceID == ws {
		r.cancel(errCanceled)
	}
	return j, nil
}

// Drain stops new jobs (Start is EUNAVAILABLE from now on) and waits for the
// running ones to end. When ctx ends first, it cancels them, and those that
// have not recorded their end shortly after are ended as failed with
// graph.ErrJobLost, so that no job accepted before a shutdown is left
// running. It returns an error naming how many jobs were stopped unfinished.
func (t *Tracker) Drain(ctx context.Context) error {
	t.mu.Lock()
	t.draining = true
	t.mu.Unlock()
	if t.wait(ctx) {
		return nil
	}
	stopped := t.running()
	for _, r := range stopped {
		r.cancel(errStopping)
	}
	grace, cancel := context.WithTimeout(context.Background(), stopGrace)
	defer cancel()
	if !t.wait(grace) {
		for _, r := range t.running() {
			r.abandon()
		}
	}
	return fmt.Errorf("%d jobs were stopped before they finished", len(stopped))
}

// Close stops the jobs still running, as Drain does when its time is up
// (so that each is recorded as ended before the store closes), and stops
// looking for lost jobs.
func (t *Tracker) Close() error {
	t.closeOnce.Do(func() {
		now, cancel := context.WithCancel(context.Background())
		cancel()
		_ = t.Drain(now)
		close(t.stop)
	})
	t.wg.Wait()
	return nil
}

// wait waits until no job runs here, or ctx ends (false).
func (t *Tracker) wait(ctx context.Context) bool {
	for {
		t.mu.Lock()
		n, changed := len(t.runs), t.changed
		t.mu.Unlock()
		if n == 0 {
			return true
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return false
		}
	}
}

func (t *Tracker) running() []*Run {
	t.mu.Lock()
	defer t.mu.Unlock()
	l := make([]*Run, 0, len(t.runs))
	for _, r := range t.runs {
		l = append(l, r)
	}
	return l
}

func (t *Tracker) remove(r *Run) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.runs[r.job.ID] == r {
		delete(t.runs, r.job.ID)
		close(t.changed)
		t.changed = make(chan struct{})
	}
}

// reaper ends lost jobs: at once (with this replica's earlier runs), then
// periodically (by their leases), and now and then prunes old jobs.
func (t *Tracker) reaper() {
	defer t.wg.Done()
	lost := graph.LostJobs{Replica: t.opt.Replica, Self: t.owner}
	for i := 0; ; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), t.opt.ReapEvery)
		if n, err := t.opt.Store.EndLostJobs(ctx, lost); err != nil {
			t.logger.Warn("looking for lost jobs failed", slog.String("error", err.Error()))
		} else if n > 0 {
			t.logger.Warn("jobs whose server stopped ended as failed", slog.Int("jobs", n))
		}
		if i%pruneEvery == 0 {
			t.prune(ctx)
		}
		cancel()
		lost.Replica = "" // only leases give away lost jobs from now on
		select {
		case <-t.stop:
			return
		case <-time.After(t.opt.ReapEvery):
		}
	}
}

// prune deletes the jobs that ended longer ago than they are kept.
func (t *Tracker) prune(ctx context.Context) {
	_, err := t.opt.Store.DeleteJobs(ctx, "", time.Now().Add(-t.opt.Keep))
	for kind, keep := range t.opt.KeepKind {
		if err == nil {
			_, err = t.opt.Store.DeleteJobs(ctx, kind, time.Now().Add(-keep))
		}
	}
	if err != nil {
		t.logger.Warn("pruning old jobs failed", slog.String("error", err.Error()))
	}
}

// Run is one job that this process runs. Its methods may be called on a nil
// Run, and then do nothing: work goes on when its job could not be recorded.
type Run struct {
	t      *Tracker
	job    graph.Job
	ctx    context.Context
	cancel context.CancelCauseFunc

	mu                sync.Mutex
	phase             string
	done, total       int
	dirty             bool // progress not yet written
	finished          bool // Finish or abandon has been called
	stopWrites, ended chan struct{}
	lastWrite         time.Time // used by writeProgress only
	lastWarn          time.Time
}

// ID returns the job's id.
func (r *Run) ID() string {
	if r == nil {
		return ""
	}
	return r.job.ID
}

// Job returns the job as it was started.
func (r *Run) Job() graph.Job {
	if r == nil {
		return graph.Job{}
	}
	return r.job
}

// Context is canceled when the job is canceled or the server stops before
// the work is done: the work should then stop and call Finish with the
// context's error.
func (r *Run) Context() context.Context {
	if r == nil {
		return context.Background()
	}
	return r.ctx
}

// Progress records how far the work is, in the phase's unit (total 0 when
// unknown). It never blocks: the latest values are written a few times a
// second at most.
func (r *Run) Progress(phase string, done, total int) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.phase, r.done, r.total, r.dirty = phase, done, total, true
}

// Finish records the job's end: succeeded with result (shown as JSON) when
// err is nil; otherwise canceled when a cancel stopped it, failed with
// graph.ErrJobLost when the server was stopping, and failed with err (as its
// code and user-facing message) else. Only the first call counts.
func (r *Run) Finish(result any, err error) {
	if r == nil {
		return
	}
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return
	}
	r.finished = true
	upd := graph.JobUpdate{Owner: r.t.owner, Phase: r.phase, Done: r.done, Total: r.total}
	r.mu.Unlock()
	close(r.stopWrites)
	cause := context.Cause(r.ctx)
	switch {
	case err == nil:
		upd.State = graph.JobSucceeded
		if result != nil {
			b, merr := json.Marshal(result)
			if merr != nil {
				upd.State, upd.Error = graph.JobFailed, graph.JobErrorOf(merr)
				break
			}
			upd.Result = b
		}
	case errors.Is(cause, errCanceled):
		upd.State = graph.JobCanceled
	case errors.Is(cause, errStopping):
		upd.State, upd.Error = graph.JobFailed, graph.JobErrorOf(graph.ErrJobLost)
	default:
		upd.State, upd.Error = graph.JobFailed, graph.JobErrorOf(err)
	}
	r.end(upd)
}

// abandon ends the job as lost on behalf of work that did not finish in time.
func (r *Run) abandon() {
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return
	}
	r.finished = true
	upd := graph.JobUpdate{Owner: r.t.owner, Phase: r.phase, Done: r.done, Total: r.total,
		State: graph.JobFailed, Error: graph.JobErrorOf(graph.ErrJobLost)}
	r.mu.Unlock()
	close(r.stopWrites)
	r.end(upd)
}

// end writes the job's end and forgets the run.
func (r *Run) end(upd graph.JobUpdate) {
	defer close(r.ended)
	defer r.t.remove(r)
	defer r.cancel(context.Canceled)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := r.t.opt.Store.UpdateJob(ctx, r.job.WorkspaceID, r.job.ID, upd)
	switch {
	case graph.ErrorCode(err) == graph.ECONFLICT || graph.ErrorCode(err) == graph.ENOTFOUND:
		// Ended elsewhere meanwhile (canceled after its lease ran out, or
		// found lost), or gone with its workspace: that stands.
	case err != nil:
		// Its lease runs out, and the job is then ended as lost.
		r.t.logger.Error("recording a job's end failed", slog.String("job", r.job.ID),
			slog.String("workspace", r.job.WorkspaceID), slog.String("error", err.Error()))
	}
}

// writeProgress writes the job's progress when it changed, at most every
// Options.ProgressEvery, and renews its lease every Options.Heartbeat; each
// write also tells whether a cancel arrived.
func (r *Run) writeProgress() {
	t := r.t
	defer t.wg.Done()
	tick := time.NewTicker(t.opt.ProgressEvery)
	defer tick.Stop()
	r.lastWrite = time.Now()
	for {
		select {
		case <-r.stopWrites:
			return
		case <-t.stop:
			return
		case <-tick.C:
		}
		r.mu.Lock()
		due := r.dirty || time.Since(r.lastWrite) >= t.opt.Heartbeat
		upd := graph.JobUpdate{Owner: t.owner, Lease: t.opt.Lease, Phase: r.phase, Done: r.done, Total: r.total,
			State: graph.JobRunning}
		r.dirty = false
		r.mu.Unlock()
		if !due {
			continue
		}
		r.lastWrite = time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), t.opt.Lease/2)
		j, err := t.opt.Store.UpdateJob(ctx, r.job.WorkspaceID, r.job.ID, upd)
		cancel()
		switch {
		case err == nil:
			if j.CancelRequested {
				r.cancel(errCanceled)
			}
		case graph.ErrorCode(err) == graph.ECONFLICT || graph.ErrorCode(err) == graph.ENOTFOUND:
			// The job ended without us (found lost while the store was
			// slow, or its workspace deleted): stop the work.
			r.cancel(errLost)
			return
		default:
			r.mu.Lock()
			r.dirty = true // try again on the next tick
			warn := time.Since(r.lastWarn) > time.Minute
			if warn {
				r.lastWarn = time.Now()
			}
			r.mu.Unlock()
			if warn {
				t.logger.Warn("writing a job's progress failed", slog.String("job", r.job.ID),
					slog.String("error", err.Error()))
			}
		}
	}
}
