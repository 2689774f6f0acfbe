package capture

import (
	"context"
	"log/slog"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/periodic"
)

// SchedulerOptions tune a Scheduler.
type SchedulerOptions struct {
	// Interval is how long after its last sync an account is synced again;
	// default 15 minutes.
	Interval time.Duration
	// Poll is how often accounts are checked; default one minute.
	Poll time.Duration
}

// Scheduler syncs every account that is due, one after the other, beside
// the server. A sync it starts is like "sync now": claimed, resumable, its
// outcome on the account's status. Paused accounts are left alone.
type Scheduler struct {
	svc *Service
	opt SchedulerOptions

	loop periodic.Loop
}

// NewScheduler returns a scheduler of the service's accounts.
func NewScheduler(svc *Service, opt SchedulerOptions) *Scheduler {
	if opt.Interval <= 0 {
		opt.Interval = 15 * time.Minute
	}
	if opt.Poll <= 0 {
		opt.Poll = time.Minute
	}
	return &Scheduler{svc: svc, opt: opt}
}

// Start runs the scheduler in the background until Stop or ctx ends.
func (s *Scheduler) Start(ctx context.Context) {
	s.loop.Start(ctx, s.opt.Poll, func(ctx context.Context) {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.svc.log.Error("sync scheduler", slog.String("error", err.Error()))
		}
	})
}

// Stop stops the scheduler and waits for it; a sync under way stops at
// once and resumes at the next start.
func (s *Scheduler) Stop() { s.loop.Stop() }

// Tick syncs the accounts of every workspace that are due now. A failed
// sync is recorded on its account and does not stop the others.
func (s *Scheduler) Tick(ctx context.Context) error {
	wss, err := s.svc.cfg.Store.FindWorkspaces(ctx)
	if err != nil {
		return err
	}
	for _, w := range wss {
		if err := s.TickWorkspace(ctx, w.ID); err != nil && graph.ErrorCode(err) != graph.ENOTFOUND {
			return err
		}
	}
	return nil
}

// TickWorkspace syncs one workspace's accounts that are due now.
func (s *Scheduler) TickWorkspace(ctx context.Context, ws string) error {
	accounts, err := s.svc.cfg.Store.FindAccounts(ctx, ws, "")
	if err != nil {
		return err
	}
	for _, a := range accounts {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !Due(a, s.svc.now(), s.opt.Interval) {
			continue
		}
		_, err := s.svc.Sync(ctx, ws, a.ID, nil)
		if _, failed := err.(*Failure); err != nil && !failed && graph.ErrorCode(err) != graph.ECONFLICT && ctx.Err() == nil {
			s.svc.log.Warn("scheduled sync", slog.String("workspace", ws), slog.String("account", a.ID),
				slog.String("error", err.Error()))
		}
	}
	return nil
}

// Due reports whether an account's scheduled sync is due at now.
func Due(a *graph.Account, now time.Time, interval time.Duration) bool {
	if a.Settings.Paused || (a.Status.State == graph.SyncRunning && a.Status.LeaseUntil.After(now)) {
		return false
	}
	return a.Status.LastSyncAt.IsZero() || now.Sub(a.Status.LastSyncAt) >= interval
}
