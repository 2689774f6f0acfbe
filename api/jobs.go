package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
)

// Job is long work (an import, an analytics refresh) that a client polls. It
// lives in Neo4j (graph/jobs), so any replica answers for it.
type Job = graph.Job

// Job states: graph.JobState's values, untyped so that they compare with a
// Job's state and with a plain string alike.
const (
	JobRunning   = "running"
	JobSucceeded = "succeeded"
	JobFailed    = "failed"
	JobCanceled  = "canceled"
)

func (s *Server) getJob(c *gin.Context) {
	id, err := idParam(c, "job_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	job, err := s.jobs.Get(c, ws(c), id)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, job)
}

func (s *Server) listJobs(c *gin.Context) {
	offset, limit, err := page(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	l, total, err := s.jobs.List(c, ws(c), graph.JobFilter{Offset: offset, Limit: limit})
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(l, total, offset, limit))
}

// cancelJob asks a running job to stop, on whichever replica runs it. It
// answers 202 while the job is still stopping (poll it until it is
// canceled), 200 when it is canceled already, 409 when it has ended.
func (s *Server) cancelJob(c *gin.Context) {
	id, err := idParam(c, "job_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	job, err := s.jobs.Cancel(c, ws(c), id)
	if err != nil {
		s.Error(c, err)
		return
	}
	status := http.StatusOK
	if job.State == graph.JobRunning {
		status = http.StatusAccepted
		c.Header("Location", "/api/v1/jobs/"+job.ID)
	}
	c.JSON(status, job)
}
