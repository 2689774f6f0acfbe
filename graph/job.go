package graph

import (
	"context"
	"encoding/json"
	"time"
)

// JobState is where a job is in its life:
//
//	running → succeeded | failed | canceled
//
// A job ends once; the store refuses to change an ended job.
type JobState string

// Job states.
const (
	JobRunning   JobState = "running"
	JobSucceeded JobState = "succeeded"
	JobFailed    JobState = "failed"
	JobCanceled  JobState = "canceled"
)

// Job kinds: what long work a job is.
const (
	JobImport           = "import"
	JobAnalyticsRefresh = "analytics_refresh"
	JobSync             = "sync" // a connected account's sync (graph/capture)
)

// Job is long work (an import, an analytics refresh) that a client polls. It
// lives in the store, so that any replica answers for it and it outlives the
// process that ran it.
//
// Owner names the process running it and LeaseUntil is when its lease ends:
// the process renews the lease while it works, so a job still running past
// its lease lost its process (killed, crashed) and is ended as failed.
type Job struct {
	ID          string          `json:"id"`
	WorkspaceID string          `json:"workspace_id"`
	Kind        string          `json:"kind"`
	State       JobState        `json:"state"`
	Phase       string          `json:"phase,omitempty"`
	Done        int             `json:"done"`
	Total       int             `json:"total"` // 0 when unknown
	Result      json.RawMessage `json:"result,omitempty"`
	Error       *JobError       `json:"error,omitempty"`
	// CancelRequested is set by a cancel; the process running the job sees
	// it on its next progress write and stops.
	CancelRequested bool      `json:"cancel_requested,omitempty"`
	StartedAt       time.Time `json:"started_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	FinishedAt      time.Time `json:"finished_at,omitzero"`

	Owner      string    `json:"-"`
	LeaseUntil time.Time `json:"-"`
}

// JobError is why a job failed, as the API shows errors.
type JobError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// JobErrorOf describes err as a JobError, hiding internal details.
func JobErrorOf(err error) *JobError {
	return &JobError{Code: ErrorCode(err), Message: ErrorMessage(err), Field: ErrorField(err)}
}

// ErrJobLost is the reason given for a job whose process stopped before it
// ended: killed, crashed, or shut down before the work was done.
var ErrJobLost = &Error{Code: EUNAVAILABLE, Message: "The server stopped before the job finished; run it again."}

// Validate checks a new job: it starts running, with an owner and a lease.
func (j *Job) Validate() error {
	switch {
	case j.Kind == "" || len(j.Kind) > 40:
		return FieldErrorf("kind", "A job needs a kind.")
	case j.State != JobRunning:
		return FieldErrorf("state", "A new job is running.")
	case j.Owner == "":
		return FieldErrorf("owner", "A running job needs an owner.")
	}
	return nil
}

// JobFilter pages through a workspace's jobs, newest first.
type JobFilter struct {
	Offset, Limit int
}

// Validate checks the page and fills in the default limit.
func (f *JobFilter) Validate() error { return validatePage(&f.Offset, &f.Limit) }

// JobUpdate is what the process running a job writes: its progress with a
// renewed lease, or its end (State other than running, with Result or
// Error). The store applies it only while the job runs under Owner, and is
// ECONFLICT otherwise: the job was ended meanwhile (canceled after its lease
// ran out, or found lost).
type JobUpdate struct {
	Owner string
	Lease time.Duration // the lease from now; ignored when the job ends
	Phase string
	Done  int
	Total int

	State  JobState
	Result json.RawMessage
	Error  *JobError
}

// Validate checks the update.
func (u *JobUpdate) Validate() error {
	switch u.State {
	case JobRunning, JobSucceeded, JobFailed, JobCanceled:
	default:
		return FieldErrorf("state", "Unknown job state %q.", u.State)
	}
	if u.Owner == "" {
		return FieldErrorf("owner", "A job update needs the job's owner.")
	}
	return nil
}

// LostJobs selects the running jobs whose process is gone, for
// JobStore.EndLostJobs: every one whose lease has run out, and, when Replica
// is set, every one of that replica under another owner than Self (a previous
// run of the same replica, which cannot be alive when this one is).
type LostJobs struct {
	Replica string
	Self    string
}

// JobStore persists jobs. Jobs are not analytics data: their writes change
// nothing the analytics read, so they stay out of the workspace's change feed.
//
// Leases are measured on the database's clock, so that replicas whose clocks
// differ agree on which jobs are lost.
type JobStore interface {
	// CreateJob stores a new running job with a lease of the given length.
	// When limit > 0 it is ERATELIMITED if the workspace already has limit
	// jobs of the same kind running (checked and created atomically, so
	// replicas starting jobs at once cannot pass it together).
	CreateJob(ctx context.Context, j *Job, lease time.Duration, limit int) error
	FindJob(ctx context.Context, workspaceID, id string) (*Job, error)
	// FindJobs returns a workspace's jobs newest first, and how many it has.
	FindJobs(ctx context.Context, workspaceID string, f JobFilter) ([]*Job, int, error)
	// UpdateJob applies the owner's progress or end and returns the job, with
	// CancelRequested telling the owner to stop.
	UpdateJob(ctx context.Context, workspaceID, id string, upd JobUpdate) (*Job, error)
	// CancelJob asks a running job to stop; a job whose lease has run out
	// (nobody runs it) is canceled at once. It is ECONFLICT when the job has
	// ended.
	CancelJob(ctx context.Context, workspaceID, id string) (*Job, error)
	// EndLostJobs ends the selected running jobs, in every workspace, as
	// failed with ErrJobLost, and returns how many it ended.
	EndLostJobs(ctx context.Context, f LostJobs) (int, error)
	// DeleteJobs removes the jobs of the kind (every kind when empty), in
	// every workspace, that ended before the given time, and returns how many
	// it removed.
	DeleteJobs(ctx context.Context, kind string, endedBefore time.Time) (int, error)
}
