package api

import (
	"context"
	"sync"

	"github.com/nexohq/nexo/graph/jobs"
	"github.com/nexohq/nexo/graph/live"
)

// liveJobs reports the analytics service's full loads as Store-backed jobs
// (graph/jobs), so a client can poll a refresh on any replica.
type liveJobs struct {
	t    *jobs.Tracker
	mu   sync.Mutex
	runs map[string]*jobs.Run
}

func newLiveJobs(t *jobs.Tracker) *liveJobs { return &liveJobs{t: t, runs: map[string]*jobs.Run{}} }

// Start records a job; a failure to record it costs the load nothing (the
// load goes on, without a job to poll).
func (l *liveJobs) Start(ws, kind string) string {
	run, err := l.t.Start(context.Background(), ws, kind)
	if err != nil {
		return ""
	}
	l.mu.Lock()
	l.runs[run.ID()] = run
	l.mu.Unlock()
	return run.ID()
}

func (l *liveJobs) run(id string) *jobs.Run {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.runs[id]
}

func (l *liveJobs) Progress(id, phase string, done, total int) {
	l.run(id).Progress(phase, done, total)
}

func (l *liveJobs) Finish(id string, result any, err error) {
	l.run(id).Finish(result, err)
	l.mu.Lock()
	delete(l.runs, id)
	l.mu.Unlock()
}

var _ live.Jobs = (*liveJobs)(nil)
