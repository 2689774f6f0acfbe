package neo4j_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

func newReport(u *graph.User, period string, at time.Time) *graph.Report {
	return &graph.Report{WorkspaceID: u.WorkspaceID, UserID: u.ID, Period: period, Kind: graph.ReportScheduled,
		Locale: "es", GeneratedAt: at, Body: json.RawMessage(`{"dormant":[{"name":"Ana"}]}`),
		Health: graph.ReportHealth{Contacts: 12, StrongTies: 3, WeakTies: 7, Constraint: 0.42, DormantValuableShare: 0.25},
		Deliveries: []*graph.Delivery{
			{Channel: graph.ChannelEmail, Target: "ana@example.com"},
			{Channel: graph.ChannelWebhook, Target: "https://hooks.example.com/nexo"},
		}}
}

func mustReport(tb testing.TB, s *neo4j.Store, r *graph.Report) *graph.Report {
	tb.Helper()
	if err := s.CreateReport(ctx, r); err != nil {
		tb.Fatalf("create report: %v", err)
	}
	return r
}

func TestReports(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	other, otherOwner := neo4jtest.Workspace(t, s)
	t0 := time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)

	t.Run("OK", func(t *testing.T) {
		r := mustReport(t, s, newReport(owner, "2026-03-02T07:00:00Z", t0))
		got, err := s.FindReport(ctx, w.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Period != r.Period || got.UserID != owner.ID || got.Kind != graph.ReportScheduled || got.Locale != "es" ||
			!got.GeneratedAt.Equal(t0) || string(got.Body) != string(r.Body) || got.Health != r.Health {
			t.Fatalf("got %+v, want %+v", got, r)
		}
		if len(got.Deliveries) != 2 || got.Deliveries[0].Channel != graph.ChannelEmail ||
			got.Deliveries[0].State != graph.DeliveryPending || got.Deliveries[0].ReportID != r.ID ||
			!got.Deliveries[0].NextAttemptAt.Equal(t0) || got.Deliveries[1].Target != "https://hooks.example.com/nexo" {
			t.Fatalf("deliveries: got %+v", got.Deliveries)
		}
		mustReport(t, s, newReport(owner, "2026-03-09T07:00:00Z", t0.AddDate(0, 0, 7)))
		l, total, err := s.FindReports(ctx, w.ID, graph.ReportFilter{UserID: owner.ID})
		if err != nil || total != 2 || len(l) != 2 {
			t.Fatalf("FindReports: got %d of %d, %v; want 2 of 2", len(l), total, err)
		}
		if l[0].Period != "2026-03-09T07:00:00Z" || l[0].Body != nil || len(l[0].Deliveries) != 2 {
			t.Fatalf("FindReports: got first %+v, want the newest, without body, with deliveries", l[0])
		}
		l, total, err = s.FindReports(ctx, w.ID, graph.ReportFilter{Period: r.Period})
		if err != nil || total != 1 || l[0].ID != r.ID {
			t.Fatalf("FindReports by period: got %v of %d, %v", l, total, err)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		mustReport(t, s, newReport(owner, "slot-a", t0))
		err := s.CreateReport(ctx, newReport(owner, "slot-a", t0))
		wantCode(t, err, graph.ECONFLICT)
		// The same period is free for another member and another workspace.
		mustReport(t, s, newReport(otherOwner, "slot-a", t0))
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for name, mod := range map[string]func(*graph.Report){
			"period":  func(r *graph.Report) { r.Period = " " },
			"kind":    func(r *graph.Report) { r.Kind = "weekly" },
			"body":    func(r *graph.Report) { r.Body = json.RawMessage(`{"x":`) },
			"channel": func(r *graph.Report) { r.Deliveries[0].Channel = "sms" },
			"email":   func(r *graph.Report) { r.Deliveries[0].Target = "not an address" },
			"webhook": func(r *graph.Report) { r.Deliveries[1].Target = "ftp://example.com" },
			"twice": func(r *graph.Report) {
				r.Deliveries[1] = &graph.Delivery{Channel: graph.ChannelEmail, Target: "b@example.com"}
			},
			"user":     func(r *graph.Report) { r.UserID = "" },
			"sentAlso": func(r *graph.Report) { r.Deliveries[0].State = graph.DeliverySent },
		} {
			r := newReport(owner, "invalid-"+name, t0)
			mod(r)
			if err := s.CreateReport(ctx, r); graph.ErrorCode(err) != graph.EINVALID {
				t.Errorf("%s: got %v, want EINVALID", name, err)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.FindReport(ctx, w.ID, graph.NewID())
		wantCode(t, err, graph.ENOTFOUND)
		r := newReport(owner, "nobody", t0)
		r.UserID = graph.NewID()
		wantCode(t, s.CreateReport(ctx, r), graph.ENOTFOUND)
		_, _, err = s.FindReports(ctx, graph.NewID(), graph.ReportFilter{})
		wantCode(t, err, graph.ENOTFOUND)
	})
	t.Run("ErrWrongWorkspace", func(t *testing.T) {
		r := mustReport(t, s, newReport(owner, "private", t0))
		_, err := s.FindReport(ctx, other.ID, r.ID)
		wantCode(t, err, graph.ENOTFOUND)
		// A member of another workspace cannot be given a report here.
		r2 := newReport(otherOwner, "cross", t0)
		r2.WorkspaceID = w.ID
		wantCode(t, s.CreateReport(ctx, r2), graph.ENOTFOUND)
		l, _, err := s.FindReports(ctx, other.ID, graph.ReportFilter{Period: "private"})
		if err != nil || len(l) != 0 {
			t.Fatalf("got %d reports of another workspace, %v", len(l), err)
		}
		_, err = s.ClaimDelivery(ctx, other.ID, r.Deliveries[0].ID, t0, t0.Add(time.Minute))
		wantCode(t, err, graph.ENOTFOUND)
		_, err = s.UpdateDelivery(ctx, other.ID, r.Deliveries[0].ID,
			graph.DeliveryUpdate{From: graph.DeliveryPending, State: graph.DeliveryFailed})
		wantCode(t, err, graph.ENOTFOUND)
	})
	t.Run("DeleteWorkspace", func(t *testing.T) {
		gone := &graph.Workspace{Name: "Gone"}
		if err := s.CreateWorkspace(ctx, gone); err != nil {
			t.Fatal(err)
		}
		u := &graph.User{WorkspaceID: gone.ID, Name: "Gone", Role: graph.RoleOwner}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		r := mustReport(t, s, newReport(u, "last", t0))
		if err := s.DeleteWorkspace(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		// FindReport matches the node itself, whether its workspace exists or not.
		_, err := s.FindReport(ctx, gone.ID, r.ID)
		wantCode(t, err, graph.ENOTFOUND)
	})
	t.Run("DeleteUser", func(t *testing.T) {
		me := &graph.Person{WorkspaceID: w.ID, Name: "Leaving"}
		if err := s.CreatePerson(ctx, me); err != nil {
			t.Fatal(err)
		}
		u := &graph.User{WorkspaceID: w.ID, Name: "Leaving", Role: graph.RoleMember, PersonID: me.ID}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		r := mustReport(t, s, newReport(u, "last", t0))
		if err := s.DeleteUser(ctx, w.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		_, err := s.FindReport(ctx, w.ID, r.ID)
		wantCode(t, err, graph.ENOTFOUND)
		ds, err := s.FindDeliveries(ctx, w.ID, graph.DeliveryFilter{ReportID: r.ID})
		if err != nil || len(ds) != 0 {
			t.Fatalf("deliveries of a deleted member: got %d, %v", len(ds), err)
		}
	})
}

func TestDeliveries(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	t0 := time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)
	lease := t0.Add(5 * time.Minute)

	t.Run("OK", func(t *testing.T) {
		r := mustReport(t, s, newReport(owner, "ok", t0))
		email := r.Deliveries[0]
		due, err := s.FindDeliveries(ctx, w.ID, graph.DeliveryFilter{ReportID: r.ID, DueBy: t0})
		if err != nil || len(due) != 2 {
			t.Fatalf("due: got %d, %v; want 2", len(due), err)
		}
		if l, _ := s.FindDeliveries(ctx, w.ID, graph.DeliveryFilter{ReportID: r.ID, DueBy: t0.Add(-time.Second)}); len(l) != 0 {
			t.Fatalf("due before they were made: got %d, want 0", len(l))
		}
		d, err := s.ClaimDelivery(ctx, w.ID, email.ID, t0, lease)
		if err != nil || d.State != graph.DeliverySending || d.Attempts != 1 || !d.ClaimedUntil.Equal(lease) {
			t.Fatalf("claim: got %+v, %v", d, err)
		}
		// A failed attempt goes back to pending for later, and is due then.
		retry := t0.Add(time.Minute)
		d, err = s.UpdateDelivery(ctx, w.ID, email.ID, graph.DeliveryUpdate{From: graph.DeliverySending,
			State: graph.DeliveryPending, LastError: "421 try later", NextAttemptAt: retry})
		if err != nil || d.State != graph.DeliveryPending || d.LastError != "421 try later" ||
			!d.NextAttemptAt.Equal(retry) || !d.ClaimedUntil.IsZero() {
			t.Fatalf("retry: got %+v, %v", d, err)
		}
		_, err = s.ClaimDelivery(ctx, w.ID, email.ID, t0, lease)
		wantCode(t, err, graph.ECONFLICT) // not due yet
		if d, err = s.ClaimDelivery(ctx, w.ID, email.ID, retry, lease); err != nil || d.Attempts != 2 {
			t.Fatalf("second claim: got %+v, %v", d, err)
		}
		sent := retry.Add(time.Second)
		d, err = s.UpdateDelivery(ctx, w.ID, email.ID, graph.DeliveryUpdate{From: graph.DeliverySending,
			State: graph.DeliverySent, SentAt: sent})
		if err != nil || d.State != graph.DeliverySent || !d.SentAt.Equal(sent) || d.LastError != "" {
			t.Fatalf("sent: got %+v, %v", d, err)
		}
		got, _ := s.FindReport(ctx, w.ID, r.ID)
		if got.Deliveries[0].State != graph.DeliverySent || got.Deliveries[0].Attempts != 2 {
			t.Fatalf("report's delivery: got %+v", got.Deliveries[0])
		}
		l, err := s.FindDeliveries(ctx, w.ID, graph.DeliveryFilter{ReportID: r.ID, States: []graph.DeliveryState{graph.DeliverySent}})
		if err != nil || len(l) != 1 || l[0].ID != email.ID {
			t.Fatalf("sent deliveries: got %v, %v", l, err)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		r := mustReport(t, s, newReport(owner, "conflict", t0))
		d := r.Deliveries[0]
		if _, err := s.ClaimDelivery(ctx, w.ID, d.ID, t0, lease); err != nil {
			t.Fatal(err)
		}
		_, err := s.ClaimDelivery(ctx, w.ID, d.ID, t0, lease)
		wantCode(t, err, graph.ECONFLICT) // already claimed
		_, err = s.UpdateDelivery(ctx, w.ID, d.ID, graph.DeliveryUpdate{From: graph.DeliveryPending, State: graph.DeliveryFailed})
		wantCode(t, err, graph.ECONFLICT) // not in From
		_, err = s.UpdateDelivery(ctx, w.ID, d.ID, graph.DeliveryUpdate{From: graph.DeliverySent, State: graph.DeliveryPending})
		wantCode(t, err, graph.ECONFLICT) // not a transition
	})
	t.Run("OneClaimWins", func(t *testing.T) {
		r := mustReport(t, s, newReport(owner, "race", t0))
		d := r.Deliveries[1]
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.ClaimDelivery(ctx, w.ID, d.ID, t0, lease)
				if err == nil {
					mu.Lock()
					won++
					mu.Unlock()
				} else if graph.ErrorCode(err) != graph.ECONFLICT {
					t.Errorf("claim: %v", err)
				}
			}()
		}
		wg.Wait()
		if won != 1 {
			t.Fatalf("got %d winning claims, want 1", won)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		r := mustReport(t, s, newReport(owner, "invalid", t0))
		_, err := s.ClaimDelivery(ctx, w.ID, r.Deliveries[0].ID, t0, t0)
		wantCode(t, err, graph.EINVALID)
		_, err = s.UpdateDelivery(ctx, w.ID, r.Deliveries[0].ID, graph.DeliveryUpdate{From: "lost", State: graph.DeliverySent})
		wantCode(t, err, graph.EINVALID)
		if _, err := s.ClaimDelivery(ctx, w.ID, r.Deliveries[0].ID, t0, lease); err != nil {
			t.Fatal(err)
		}
		_, err = s.UpdateDelivery(ctx, w.ID, r.Deliveries[0].ID, graph.DeliveryUpdate{From: graph.DeliverySending, State: graph.DeliverySent})
		wantCode(t, err, graph.EINVALID) // sent without a time
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.ClaimDelivery(ctx, w.ID, graph.NewID(), t0, lease)
		wantCode(t, err, graph.ENOTFOUND)
		_, err = s.UpdateDelivery(ctx, w.ID, graph.NewID(), graph.DeliveryUpdate{From: graph.DeliverySending, State: graph.DeliveryFailed})
		wantCode(t, err, graph.ENOTFOUND)
		_, err = s.FindDeliveries(ctx, graph.NewID(), graph.DeliveryFilter{})
		wantCode(t, err, graph.ENOTFOUND)
	})
}

func TestReportSettings(t *testing.T) {
	s := neo4jtest.Open(t)
	w, owner := neo4jtest.Workspace(t, s)
	got, err := s.FindUser(ctx, w.ID, owner.ID)
	if err != nil || got.Report != (graph.ReportSettings{}) {
		t.Fatalf("new member: got settings %+v, %v; want the zero value", got.Report, err)
	}
	paused, sched, email, days := true, "30 7 * * 5", "me@example.com", 90
	u, err := s.UpdateUser(ctx, w.ID, owner.ID, graph.UserUpdate{Report: &graph.ReportSettingsUpdate{
		Paused: &paused, Schedule: &sched, Email: &email, DormantDays: &days}})
	if err != nil {
		t.Fatal(err)
	}
	want := graph.ReportSettings{Paused: true, Schedule: sched, Email: email, DormantDays: 90}
	if got, _ := s.FindUser(ctx, w.ID, owner.ID); got.Report != want || u.Report != want {
		t.Fatalf("got %+v, want %+v", got.Report, want)
	}
	bad := "http//nope"
	_, err = s.UpdateUser(ctx, w.ID, owner.ID, graph.UserUpdate{Report: &graph.ReportSettingsUpdate{WebhookURL: &bad}})
	wantCode(t, err, graph.EINVALID)
}
