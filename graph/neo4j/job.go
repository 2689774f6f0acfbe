package neo4j

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

// Jobs are (:Job) nodes with their workspaceId, the result as a JSON string
// and the error as three plain properties. Leases (leaseUntil) are written
// and compared on the database's clock (datetime()), so replicas whose clocks
// differ agree on which jobs are lost.
//
// feed: none. Jobs are not analytics data: their writes change nothing the
// analytics read, so they never append to the workspace's change feed.

var _ graph.JobStore = (*Store)(nil)

func jobFrom(m map[string]any) *graph.Job {
	j := &graph.Job{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), Kind: str(m, "kind"),
		State: graph.JobState(str(m, "state")), Phase: str(m, "phase"), Done: integer(m, "done"),
		Total: integer(m, "total"), StartedAt: tm(m, "startedAt"), UpdatedAt: tm(m, "updatedAt"),
		FinishedAt: tm(m, "finishedAt"), Owner: str(m, "owner"), LeaseUntil: tm(m, "leaseUntil"),
	}
	j.CancelRequested, _ = m["cancelRequested"].(bool)
	if r := str(m, "result"); r != "" {
		j.Result = json.RawMessage(r)
	}
	if code := str(m, "errorCode"); code != "" {
		j.Error = &graph.JobError{Code: code, Message: str(m, "errorMessage"), Field: str(m, "errorField")}
	}
	return j
}

// jobEnd is the properties that end a job: its state, result or error, and
// when; the lease goes, as nobody runs the job any more.
const jobEnd = `j.state = $state, j.result = $result, j.errorCode = $errorCode, j.errorMessage = $errorMessage,
	j.errorField = $errorField, j.finishedAt = $now, j.updatedAt = $now, j.leaseUntil = null`

func jobEndParams(state graph.JobState, result json.RawMessage, e *graph.JobError, now time.Time) map[string]any {
	p := map[string]any{"state": string(state), "result": nil, "errorCode": nil, "errorMessage": nil,
		"errorField": nil, "now": now}
	if len(result) > 0 {
		p["result"] = string(result)
	}
	if e != nil {
		p["errorCode"], p["errorMessage"], p["errorField"] = e.Code, e.Message, e.Field
		if e.Field == "" {
			p["errorField"] = nil
		}
	}
	return p
}

// CreateJob stores a new running job, refusing it when the workspace already
// runs limit jobs of its kind.
func (s *Store) CreateJob(ctx context.Context, j *graph.Job, lease time.Duration, limit int) error {
	if err := j.Validate(); err != nil {
		return err
	}
	if j.ID == "" {
		j.ID = graph.NewID()
	}
	now := s.Now()
	j.StartedAt, j.UpdatedAt, j.Done, j.Total = now, now, 0, 0
	p := map[string]any{"ws": j.WorkspaceID, "kind": j.Kind, "now": now, "leaseMs": lease.Milliseconds(),
		"props": sparse(map[string]any{"id": j.ID, "workspaceId": j.WorkspaceID, "kind": j.Kind,
			"state": string(graph.JobRunning), "phase": j.Phase, "done": int64(0), "total": int64(0), "owner": j.Owner,
			"startedAt": now, "updatedAt": now})}
	until, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (time.Time, error) {
		// Writing the workspace node takes its lock until commit: replicas
		// starting jobs in one workspace at once take turns, and each counts
		// the jobs the others committed.
		n, err := count(ctx, tx, `MATCH (w:Workspace {id: $ws}) WHERE w.deleting IS NULL
			SET w.jobStartedAt = $now RETURN count(w)`, p)
		if err != nil {
			return time.Time{}, err
		} else if n == 0 {
			return time.Time{}, notFound("Workspace")
		}
		if limit > 0 {
			running, err := count(ctx, tx, `MATCH (j:Job {workspaceId: $ws, kind: $kind, state: 'running'})
				WHERE j.leaseUntil >= datetime() RETURN count(j)`, p)
			if err != nil {
				return time.Time{}, err
			}
			if running >= limit {
				return time.Time{}, graph.Errorf(graph.ERATELIMITED,
					"This workspace already has %d %s jobs running, as many as it may run at once; wait for one to end, or cancel one.",
					running, j.Kind)
			}
		}
		rec, err := single(ctx, tx, `CREATE (j:Job) SET j = $props,
			j.leaseUntil = datetime() + duration({milliseconds: $leaseMs}) RETURN j.leaseUntil`, p)
		if err != nil || rec == nil {
			return time.Time{}, err
		}
		t, _ := rec.Values[0].(time.Time)
		return t, nil
	})
	if err != nil {
		return err
	}
	j.State, j.LeaseUntil = graph.JobRunning, until.UTC()
	return nil
}

// FindJob returns a job of the workspace.
func (s *Store) FindJob(ctx context.Context, ws, id string) (*graph.Job, error) {
	if !graph.ValidID(id) {
		return nil, notFound("Job")
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Job, error) {
		return findJob(ctx, tx, ws, id)
	})
}

func findJob(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (*graph.Job, error) {
	l, err := collect(ctx, tx, "MATCH (j:Job {workspaceId: $ws, id: $id}) RETURN j {.*}",
		map[string]any{"ws": ws, "id": id}, jobFrom)
	if err != nil {
		return nil, err
	} else if len(l) == 0 {
		return nil, notFound("Job")
	}
	return l[0], nil
}

// FindJobs returns a page of the workspace's jobs, newest first.
func (s *Store) FindJobs(ctx context.Context, ws string, f graph.JobFilter) ([]*graph.Job, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	type page struct {
		jobs  []*graph.Job
		total int
	}
	p, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (page, error) {
		params := map[string]any{"ws": ws, "offset": int64(f.Offset), "limit": int64(f.Limit)}
		total, err := count(ctx, tx, "MATCH (j:Job {workspaceId: $ws}) RETURN count(j)", params)
		if err != nil {
			return page{}, err
		}
		l, err := collect(ctx, tx, `MATCH (j:Job {workspaceId: $ws}) RETURN j {.*}
			ORDER BY j.startedAt DESC, j.id DESC SKIP $offset LIMIT $limit`, params, jobFrom)
		return page{l, total}, err
	})
	if err != nil {
		return nil, 0, err
	}
	if p.jobs == nil {
		p.jobs = []*graph.Job{}
	}
	return p.jobs, p.total, nil
}

// UpdateJob applies the owner's progress, renewing its lease, or its end.
func (s *Store) UpdateJob(ctx context.Context, ws, id string, upd graph.JobUpdate) (*graph.Job, error) {
	if !graph.ValidID(id) {
		return nil, notFound("Job")
	}
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	p := jobEndParams(upd.State, upd.Result, upd.Error, s.Now())
	p["ws"], p["id"], p["owner"], p["leaseMs"] = ws, id, upd.Owner, upd.Lease.Milliseconds()
	p["phase"], p["done"], p["total"] = upd.Phase, int64(upd.Done), int64(upd.Total)
	set := `j.phase = $phase, j.done = $done, j.total = $total, j.updatedAt = $now,
		j.leaseUntil = datetime() + duration({milliseconds: $leaseMs})`
	if upd.State != graph.JobRunning {
		set = `j.phase = $phase, j.done = $done, j.total = $total, ` + jobEnd
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Job, error) {
		// The lock first, then the check: a job ended meanwhile by a cancel
		// or by EndLostJobs is never brought back to running.
		return runningJob(ctx, tx, ws, id, `MATCH (j:Job {workspaceId: $ws, id: $id})
			SET j._lock = true REMOVE j._lock
			WITH j WHERE j.state = 'running' AND j.owner = $owner
			SET `+set+` RETURN j {.*}`, p)
	})
}

// CancelJob asks a running job to stop, or cancels it at once when nobody
// runs it any more (its lease has run out).
func (s *Store) CancelJob(ctx context.Context, ws, id string) (*graph.Job, error) {
	if !graph.ValidID(id) {
		return nil, notFound("Job")
	}
	p := jobEndParams(graph.JobCanceled, nil, nil, s.Now())
	p["ws"], p["id"] = ws, id
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Job, error) {
		return runningJob(ctx, tx, ws, id, `MATCH (j:Job {workspaceId: $ws, id: $id})
			SET j._lock = true REMOVE j._lock
			WITH j WHERE j.state = 'running'
			SET j.cancelRequested = true, j.updatedAt = $now
			WITH j, j.leaseUntil < datetime() AS lost
			FOREACH (_ IN CASE WHEN lost THEN [1] ELSE [] END | SET `+jobEnd+`)
			RETURN j {.*}`, p)
	})
}

// runningJob runs q, a change of a running job that returns it; no row means
// the job is not running (ECONFLICT) or not there (ENOTFOUND).
func runningJob(ctx context.Context, tx neo4j.ManagedTransaction, ws, id, q string, p map[string]any) (*graph.Job, error) {
	l, err := collect(ctx, tx, q, p, jobFrom)
	if err != nil {
		return nil, err
	}
	if len(l) == 1 {
		return l[0], nil
	}
	j, err := findJob(ctx, tx, ws, id)
	if err != nil {
		return nil, err
	}
	return nil, graph.Errorf(graph.ECONFLICT, "The job has already ended (%s).", j.State)
}

// EndLostJobs ends the running jobs whose process is gone as failed.
func (s *Store) EndLostJobs(ctx context.Context, f graph.LostJobs) (int, error) {
	p := jobEndParams(graph.JobFailed, nil, graph.JobErrorOf(graph.ErrJobLost), s.Now())
	p["replica"], p["self"] = f.Replica+"/", f.Self
	if f.Replica == "" {
		p["replica"] = nil // STARTS WITH null is null: only the leases count
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		return count(ctx, tx, `MATCH (j:Job {state: 'running'})
			WHERE j.leaseUntil < datetime() OR (j.owner STARTS WITH $replica AND j.owner <> $self)
			SET j._lock = true REMOVE j._lock
			WITH j WHERE j.state = 'running'
			SET `+jobEnd+` RETURN count(j)`, p)
	})
}

// DeleteJobs removes the jobs of a kind (or all) that ended before the given time.
func (s *Store) DeleteJobs(ctx context.Context, kind string, endedBefore time.Time) (int, error) {
	if endedBefore.IsZero() {
		return 0, fmt.Errorf("delete jobs: no time given")
	}
	p := map[string]any{"before": endedBefore.UTC(), "kind": kind}
	if kind == "" {
		p["kind"] = nil
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		return count(ctx, tx, `MATCH (j:Job) WHERE j.finishedAt < $before AND ($kind IS NULL OR j.kind = $kind)
			WITH j LIMIT 10000 DELETE j RETURN count(*)`, p)
	})
}
