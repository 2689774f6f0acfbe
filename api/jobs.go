package api

import (
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
)

// Job is long work (an import, an analytics refresh) that a client polls.
type Job struct {
	ID          string       `json:"id"`
	WorkspaceID string       `json:"workspace_id"`
	Kind        string       `json:"kind"`  // import, analytics_refresh
	State       string       `json:"state"` // running, succeeded, failed
	Phase       string       `json:"phase,omitempty"`
	Done        int          `json:"done"`
	Total       int          `json:"total"` // 0 when unknown
	Result      any          `json:"result,omitempty"`
	Error       *errorDetail `json:"error,omitempty"`
	StartedAt   time.Time    `json:"started_at"`
	FinishedAt  time.Time    `json:"finished_at,omitzero"`
}

// Job states.
const (
	JobRunning   = "running"
	JobSucceeded = "succeeded"
	JobFailed    = "failed"
)

// jobs keeps recent jobs in memory; they do not survive a restart.
type jobs struct {
	mu   sync.Mutex
	byID map[string]*Job
	ids  []string // oldest first, to forget the oldest
}

const maxJobs = 1000

func newJobs() *jobs { return &jobs{byID: map[string]*Job{}} }

// start registers a running job.
func (j *jobs) start(ws, kind string) *Job {
	j.mu.Lock()
	defer j.mu.Unlock()
	job := &Job{ID: graph.NewID(), WorkspaceID: ws, Kind: kind, State: JobRunning, StartedAt: time.Now().UTC()}
	j.byID[job.ID] = job
	j.ids = append(j.ids, job.ID)
	if len(j.ids) > maxJobs {
		delete(j.byID, j.ids[0])
		j.ids = j.ids[1:]
	}
	return job
}

// progress records how far a job is.
func (j *jobs) progress(job *Job, phase string, done, total int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job.Phase, job.Done, job.Total = phase, done, total
}

// finish records a job's end.
func (j *jobs) finish(job *Job, result any, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job.FinishedAt = time.Now().UTC()
	if err != nil {
		job.State = JobFailed
		job.Error = &errorDetail{Code: graph.ErrorCode(err), Message: graph.ErrorMessage(err), Field: graph.ErrorField(err)}
		return
	}
	job.State, job.Result = JobSucceeded, result
}

// byIDLocked returns the job with the given id, or nil when forgotten.
func (j *jobs) byIDLocked(id string) *Job {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.byID[id]
}

// get returns a copy of a job of the workspace.
func (j *jobs) get(ws, id string) (Job, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job, ok := j.byID[id]
	if !ok || job.WorkspaceID != ws {
		return Job{}, false
	}
	return *job, true
}

// list returns copies of the workspace's jobs, newest first.
func (j *jobs) list(ws string) []Job {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []Job{}
	for i := len(j.ids) - 1; i >= 0; i-- {
		if job := j.byID[j.ids[i]]; job.WorkspaceID == ws {
			out = append(out, *job)
		}
	}
	return out
}

func (s *Server) getJob(c *gin.Context) {
	id, err := idParam(c, "job_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	job, ok := s.jobs.get(ws(c), id)
	if !ok {
		s.Error(c, graph.Errorf(graph.ENOTFOUND, "Job not found."))
		return
	}
	c.JSON(http.StatusOK, job)
}

func (s *Server) listJobs(c *gin.Context) {
	l := s.jobs.list(ws(c))
	c.JSON(http.StatusOK, newList(l, len(l), 0, len(l)))
}
