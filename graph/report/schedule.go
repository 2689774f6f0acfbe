package report

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/periodic"
)

// ParseSchedule parses a member's schedule: a five-field cron expression
// ("0 8 * * 1": Mondays at 08:00) or a descriptor such as @weekly. The time
// zone is the member's, so a TZ= prefix is refused.
func ParseSchedule(spec string) (cron.Schedule, error) {
	if spec == "" {
		spec = graph.DefaultReportSchedule
	}
	if strings.Contains(spec, "TZ=") {
		return nil, graph.FieldErrorf("schedule", "The schedule takes no time zone; set the member's time_zone instead.")
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, graph.FieldErrorf("schedule", "Invalid cron expression %q: %v.", spec, err)
	}
	return s, nil
}

// NextRun returns when the member's next report is due after t.
func NextRun(u *graph.User, t time.Time) (time.Time, error) {
	s, err := ParseSchedule(u.Report.Schedule)
	if err != nil {
		return time.Time{}, err
	}
	return s.Next(t.In(location(u.TimeZone))), nil
}

// lastSlot returns the member's latest schedule slot in (since, now], if any.
func lastSlot(s cron.Schedule, loc *time.Location, since, now time.Time) (time.Time, bool) {
	var last time.Time
	// A slot a minute: a week holds about 10,000 of them.
	for t, n := s.Next(since.In(loc)), 0; !t.IsZero() && !t.After(now) && n < 100_000; t, n = s.Next(t), n+1 {
		last = t
	}
	return last, !last.IsZero()
}

// Period is the period key of a schedule slot: its time in UTC, RFC 3339.
func Period(slot time.Time) string { return slot.UTC().Format(time.RFC3339) }

// SchedulerOptions tune a Scheduler.
type SchedulerOptions struct {
	// Poll is how often schedules are checked; default one minute (the
	// resolution of cron).
	Poll time.Duration
	// CatchUp is how far back a missed slot is still made up for after
	// downtime; default 7 days. Only the latest missed slot is: a member
	// back from a month away gets one report, not four.
	CatchUp time.Duration
}

// Scheduler runs every member's report on their schedule: at each poll it
// makes the report of every slot that is due and not yet stored, delivers
// it, and retries the deliveries that are due again. A scheduler that stops
// mid-run, or dies, resumes where it was: reports are unique per member and
// slot, deliveries are claimed before they are sent, and an interrupted send
// is failed, never repeated (see Service.Recover).
type Scheduler struct {
	svc *Service
	opt SchedulerOptions

	loop periodic.Loop
}

// NewScheduler returns a scheduler of the service's reports.
func NewScheduler(svc *Service, opt SchedulerOptions) *Scheduler {
	if opt.Poll <= 0 {
		opt.Poll = time.Minute
	}
	if opt.CatchUp <= 0 {
		opt.CatchUp = 7 * 24 * time.Hour
	}
	return &Scheduler{svc: svc, opt: opt}
}

// Start runs the scheduler in the background until Stop or ctx ends.
func (s *Scheduler) Start(ctx context.Context) {
	s.svc.log.Info("report scheduler started", slog.Duration("poll", s.opt.Poll))
	s.loop.Start(ctx, s.opt.Poll, func(ctx context.Context) {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.svc.log.Error("report scheduler", slog.String("error", err.Error()))
		}
	})
}

// Stop stops the scheduler and waits for it: a delivery being sent is
// finished and recorded first.
func (s *Scheduler) Stop() {
	s.loop.Stop()
	s.svc.log.Info("report scheduler stopped")
}

// Tick does one pass over every workspace at the service's current time.
func (s *Scheduler) Tick(ctx context.Context) error {
	wss, err := s.svc.cfg.Store.FindWorkspaces(ctx)
	if err != nil {
		return fmt.Errorf("list workspaces: %w", err)
	}
	var errs []error
	for _, w := range wss {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		err := s.workspace(ctx, w.ID)
		if graph.ErrorCode(err) == graph.ENOTFOUND {
			// Deleted since it was listed (its members, reports or the workspace
			// itself): nothing is due there any more.
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("workspace %s: %w", w.ID, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d workspaces failed, first: %w", len(errs), errs[0])
	}
	return nil
}

// workspace makes and delivers the due reports of one workspace's members,
// one member after the other, then retries the deliveries due again.
func (s *Scheduler) workspace(ctx context.Context, ws string) error {
	svc := s.svc
	if err := svc.Recover(ctx, ws); err != nil {
		return fmt.Errorf("recover deliveries: %w", err)
	}
	users, err := svc.cfg.Store.FindUsers(ctx, ws)
	if err != nil {
		return err
	}
	now := svc.Now()
	var net *analytics.Network
	var holes []analytics.Holes
	for _, u := range users {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if u.Report.Paused || u.PersonID == "" {
			continue
		}
		sched, err := ParseSchedule(u.Report.Schedule)
		if err != nil {
			svc.log.Warn("report schedule invalid", slog.String("workspace", ws), slog.String("member", u.ID),
				slog.String("error", err.Error()))
			continue
		}
		since := now.Add(-s.opt.CatchUp)
		if u.CreatedAt.After(since) {
			since = u.CreatedAt // no report for slots before the member joined
		}
		slot, ok := lastSlot(sched, location(u.TimeZone), since, now)
		if !ok {
			continue
		}
		period := Period(slot)
		if _, n, err := svc.cfg.Store.FindReports(ctx, ws, graph.ReportFilter{UserID: u.ID, Period: period, Limit: 1}); err != nil {
			return err
		} else if n > 0 {
			continue // done before, maybe before a restart
		}
		if net == nil {
			if net, err = svc.Network(ctx, ws, now); err != nil {
				return err
			}
			holes = net.StructuralHoles()
		}
		rep, err := svc.Generate(ctx, ws, u, net, period, graph.ReportScheduled, holes)
		switch {
		case graph.ErrorCode(err) == graph.ECONFLICT:
			continue // another scheduler made it meanwhile
		case graph.ErrorCode(err) == graph.EINVALID:
			svc.log.Warn("report not made", slog.String("workspace", ws), slog.String("member", u.ID),
				slog.String("error", err.Error()))
			continue
		case err != nil:
			return fmt.Errorf("report of member %s: %w", u.ID, err)
		}
		for _, d := range rep.Deliveries {
			if _, err := svc.Deliver(ctx, d); err != nil {
				return err
			}
		}
	}
	_, err = svc.DeliverDue(ctx, ws)
	return err
}
