// Package jobs runs long work — imports, analytics refreshes, syncs — as jobs
// kept in the store (graph.JobStore), so that a job outlives the process
// running it and any replica answers for it.
//
// A Tracker starts jobs and hands back a Run: the work reports its progress
// through the Run (written at most a few times a second, with a renewed
// lease) and ends it with Finish. The Run's context is canceled when a cancel
// reaches the job — through this process or any other replica, which the Run
// sees on its next progress write — and when the server stops before the work
// is done. A job whose process died keeps its lease no longer than
// Options.Lease; every Tracker ends such jobs as failed, on start and then
// periodically.
//
// Jobs are not analytics data and never enter the workspace's change feed.
package jobs
