package neo4j

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

// Reports are (:Report) nodes with the member's id and period, the body as a
// JSON string and the health numbers as plain properties (so a Cypher user can
// chart them); each delivery is a (:Delivery)-[:OF]->(:Report).

// Report settings live on the (:User) node, prefixed "report".
func reportSettingsFrom(m map[string]any) graph.ReportSettings {
	s := graph.ReportSettings{Schedule: str(m, "reportSchedule"), Email: str(m, "reportEmail"),
		WebhookURL: str(m, "reportWebhookUrl"), DormantDays: integer(m, "reportDormantDays")}
	s.Paused, _ = m["reportPaused"].(bool)
	return s
}

func addReportSettings(p map[string]any, s graph.ReportSettings) {
	p["reportPaused"] = s.Paused
	p["reportSchedule"] = s.Schedule
	p["reportEmail"] = s.Email
	p["reportWebhookUrl"] = s.WebhookURL
	p["reportDormantDays"] = int64(s.DormantDays)
}

func integer(m map[string]any, k string) int {
	v, _ := m[k].(int64)
	return int(v)
}

func float(m map[string]any, k string) float64 {
	v, _ := m[k].(float64)
	return v
}

func reportParams(r *graph.Report) map[string]any {
	h := r.Health
	return map[string]any{
		"id": r.ID, "workspaceId": r.WorkspaceID, "userId": r.UserID, "period": r.Period, "kind": string(r.Kind),
		"locale": r.Locale, "generatedAt": tparam(r.GeneratedAt), "createdAt": tparam(r.CreatedAt),
		"body":     string(r.Body),
		"contacts": int64(h.Contacts), "strongTies": int64(h.StrongTies), "moderateTies": int64(h.ModerateTies),
		"weakTies": int64(h.WeakTies), "circles": int64(h.Circles), "constraint": h.Constraint,
		"effectiveSize": h.EffectiveSize, "dormantValuable": int64(h.DormantValuable),
		"dormantValuableShare": h.DormantValuableShare, "favoursGiven": int64(h.FavoursGiven),
		"favoursReceived": int64(h.FavoursReceived),
	}
}

func reportFrom(m map[string]any) *graph.Report {
	r := &graph.Report{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), UserID: str(m, "userId"), Period: str(m, "period"),
		Kind: graph.ReportKind(str(m, "kind")), Locale: str(m, "locale"), GeneratedAt: tm(m, "generatedAt"),
		CreatedAt: tm(m, "createdAt"),
		Health: graph.ReportHealth{Contacts: integer(m, "contacts"), StrongTies: integer(m, "strongTies"),
			ModerateTies: integer(m, "moderateTies"), WeakTies: integer(m, "weakTies"), Circles: integer(m, "circles"),
			Constraint: float(m, "constraint"), EffectiveSize: float(m, "effectiveSize"),
			DormantValuable: integer(m, "dormantValuable"), DormantValuableShare: float(m, "dormantValuableShare"),
			FavoursGiven: integer(m, "favoursGiven"), FavoursReceived: integer(m, "favoursReceived")},
		Deliveries: []*graph.Delivery{},
	}
	if b := str(m, "body"); b != "" {
		r.Body = []byte(b)
	}
	ds, _ := m["deliveries"].([]any)
	for _, d := range ds {
		if dm, ok := d.(map[string]any); ok {
			r.Deliveries = append(r.Deliveries, deliveryFrom(dm))
		}
	}
	return r
}

func deliveryParams(d *graph.Delivery) map[string]any {
	return map[string]any{
		"id": d.ID, "workspaceId": d.WorkspaceID, "reportId": d.ReportID, "userId": d.UserID,
		"channel": string(d.Channel), "target": d.Target, "state": string(d.State), "attempts": int64(d.Attempts),
		"nextAttemptAt": tparam(d.NextAttemptAt), "claimedUntil": tparam(d.ClaimedUntil), "lastError": d.LastError,
		"sentAt": tparam(d.SentAt), "createdAt": tparam(d.CreatedAt), "updatedAt": tparam(d.UpdatedAt),
	}
}

func deliveryFrom(m map[string]any) *graph.Delivery {
	return &graph.Delivery{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), ReportID: str(m, "reportId"), UserID: str(m, "userId"),
		Channel: graph.Channel(str(m, "channel")), Target: str(m, "target"), State: graph.DeliveryState(str(m, "state")),
		Attempts: integer(m, "attempts"), NextAttemptAt: tm(m, "nextAttemptAt"), ClaimedUntil: tm(m, "claimedUntil"),
		LastError: str(m, "lastError"), SentAt: tm(m, "sentAt"), CreatedAt: tm(m, "createdAt"), UpdatedAt: tm(m, "updatedAt"),
	}
}

// reportReturn projects a report with its deliveries, oldest delivery first;
// with body false the body is left out.
func reportReturn(body bool) string {
	drop := ""
	if !body {
		drop = ", body: null"
	}
	return `r {.*` + drop + `, deliveries: COLLECT { MATCH (d:Delivery)-[:OF]->(r)
		RETURN d {.*} ORDER BY d.createdAt, d.channel }}`
}

// CreateReport stores a report and its deliveries; ECONFLICT when the
// member already has a report for the period.
func (s *Store) CreateReport(ctx context.Context, r *graph.Report) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if r.ID == "" {
		r.ID = graph.NewID()
	}
	now := s.Now()
	r.CreatedAt = now
	for _, d := range r.Deliveries {
		if d.ID == "" {
			d.ID = graph.NewID()
		}
		d.WorkspaceID, d.ReportID, d.UserID = r.WorkspaceID, r.ID, r.UserID
		d.CreatedAt, d.UpdatedAt = now, now
		if d.NextAttemptAt.IsZero() {
			d.NextAttemptAt = r.GeneratedAt
		}
	}
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := findUser(ctx, tx, r.WorkspaceID, r.UserID); err != nil {
			return nil, err
		}
		n, err := count(ctx, tx, "MATCH (r:Report {workspaceId: $ws, userId: $user, period: $period}) RETURN count(r)",
			map[string]any{"ws": r.WorkspaceID, "user": r.UserID, "period": r.Period})
		if err != nil {
			return nil, err
		} else if n > 0 {
			return nil, &graph.Error{Code: graph.ECONFLICT, Field: "period",
				Message: "The member already has a report for period " + r.Period + "."}
		}
		if _, err := tx.Run(ctx, "CREATE (r:Report) SET r = $props", map[string]any{"props": reportParams(r)}); err != nil {
			return nil, err
		}
		rows := make([]map[string]any, len(r.Deliveries))
		for i, d := range r.Deliveries {
			rows[i] = deliveryParams(d)
		}
		_, err = tx.Run(ctx, `MATCH (r:Report {id: $id})
			UNWIND $rows AS row
			CREATE (d:Delivery)-[:OF]->(r) SET d = row`, map[string]any{"id": r.ID, "rows": rows})
		return nil, err
	})
	return err
}

// FindReport returns a report of the workspace with its body and deliveries.
func (s *Store) FindReport(ctx context.Context, ws, id string) (*graph.Report, error) {
	if !graph.ValidID(id) {
		return nil, notFound("Report")
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Report, error) {
		l, err := collect(ctx, tx, "MATCH (r:Report {id: $id, workspaceId: $ws}) RETURN "+reportReturn(true),
			map[string]any{"id": id, "ws": ws}, reportFrom)
		if err != nil {
			return nil, err
		} else if len(l) == 0 {
			return nil, notFound("Report")
		}
		return l[0], nil
	})
}

// FindReports returns the workspace's matching reports, newest first, without
// bodies, and how many match in all.
func (s *Store) FindReports(ctx context.Context, ws string, f graph.ReportFilter) ([]*graph.Report, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	type page struct {
		l     []*graph.Report
		total int
	}
	p, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (page, error) {
		if err := requireWorkspace(ctx, tx, ws); err != nil {
			return page{}, err
		}
		params := map[string]any{"ws": ws, "user": f.UserID, "period": f.Period, "offset": int64(f.Offset), "limit": int64(f.Limit)}
		const match = `MATCH (r:Report {workspaceId: $ws})
			WHERE ($user = '' OR r.userId = $user) AND ($period = '' OR r.period = $period)`
		total, err := count(ctx, tx, match+" RETURN count(r)", params)
		if err != nil {
			return page{}, err
		}
		l, err := collect(ctx, tx, match+" RETURN "+reportReturn(false)+
			" ORDER BY r.generatedAt DESC, r.id SKIP $offset LIMIT $limit", params, reportFrom)
		return page{l, total}, err
	})
	return p.l, p.total, err
}

// FindDeliveries returns the workspace's matching deliveries, oldest first.
func (s *Store) FindDeliveries(ctx context.Context, ws string, f graph.DeliveryFilter) ([]*graph.Delivery, error) {
	if f.Limit <= 0 {
		f.Limit = graph.DefaultLimit
	}
	states := make([]string, len(f.States))
	for i, st := range f.States {
		states[i] = string(st)
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*graph.Delivery, error) {
		if err := requireWorkspace(ctx, tx, ws); err != nil {
			return nil, err
		}
		return collect(ctx, tx, `MATCH (d:Delivery {workspaceId: $ws})
			WHERE ($report = '' OR d.reportId = $report) AND (size($states) = 0 OR d.state IN $states)
				AND ($due IS NULL OR (d.state = 'pending' AND d.nextAttemptAt <= $due))
			RETURN d {.*} ORDER BY d.createdAt, d.id LIMIT $limit`,
			map[string]any{"ws": ws, "report": f.ReportID, "states": states, "due": tparam(f.DueBy),
				"limit": int64(f.Limit)}, deliveryFrom)
	})
}

func findDelivery(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (*graph.Delivery, error) {
	l, err := collect(ctx, tx, "MATCH (d:Delivery {id: $id, workspaceId: $ws}) RETURN d {.*}",
		map[string]any{"id": id, "ws": ws}, deliveryFrom)
	if err != nil {
		return nil, err
	} else if len(l) == 0 {
		return nil, notFound("Delivery")
	}
	return l[0], nil
}

// saveDelivery writes d back, but only if it is still in state from: the
// node is locked by the SET, so of two transactions racing from the same
// state the second sees the first's change and matches nothing.
func saveDelivery(ctx context.Context, tx neo4j.ManagedTransaction, d *graph.Delivery, from graph.DeliveryState) (bool, error) {
	n, err := count(ctx, tx, `MATCH (d:Delivery {id: $id, workspaceId: $ws})
		SET d._lock = true REMOVE d._lock
		WITH d WHERE d.state = $from
		SET d = $props RETURN count(d)`,
		map[string]any{"id": d.ID, "ws": d.WorkspaceID, "from": string(from), "props": deliveryParams(d)})
	return n == 1, err
}

// ClaimDelivery marks a pending, due delivery as sending and leases it to the
// caller until the given time.
func (s *Store) ClaimDelivery(ctx context.Context, ws, id string, now, until time.Time) (*graph.Delivery, error) {
	if !graph.ValidID(id) {
		return nil, notFound("Delivery")
	}
	if !until.After(now) {
		return nil, graph.FieldErrorf("claimed_until", "A claim must last beyond now.")
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Delivery, error) {
		d, err := findDelivery(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		if d.State != graph.DeliveryPending || d.NextAttemptAt.After(now) {
			return nil, graph.Errorf(graph.ECONFLICT, "The delivery is %s, not due.", d.State)
		}
		d.State, d.ClaimedUntil, d.NextAttemptAt = graph.DeliverySending, until, time.Time{}
		d.Attempts++
		d.UpdatedAt = s.Now()
		ok, err := saveDelivery(ctx, tx, d, graph.DeliveryPending)
		if err != nil {
			return nil, err
		} else if !ok {
			return nil, graph.Errorf(graph.ECONFLICT, "The delivery was claimed by someone else.")
		}
		return d, nil
	})
}

// UpdateDelivery moves a delivery from upd.From to upd.State.
func (s *Store) UpdateDelivery(ctx context.Context, ws, id string, upd graph.DeliveryUpdate) (*graph.Delivery, error) {
	if !graph.ValidID(id) {
		return nil, notFound("Delivery")
	}
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Delivery, error) {
		d, err := findDelivery(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		conflict := graph.Errorf(graph.ECONFLICT, "The delivery is %s, not %s.", d.State, upd.From)
		if d.State != upd.From {
			return nil, conflict
		}
		d.State, d.LastError, d.ClaimedUntil, d.NextAttemptAt = upd.State, upd.LastError, time.Time{}, time.Time{}
		switch upd.State {
		case graph.DeliveryPending:
			d.NextAttemptAt = upd.NextAttemptAt
			if d.NextAttemptAt.IsZero() {
				d.NextAttemptAt = s.Now()
			}
		case graph.DeliverySent:
			d.SentAt = upd.SentAt
		}
		d.UpdatedAt = s.Now()
		ok, err := saveDelivery(ctx, tx, d, upd.From)
		if err != nil {
			return nil, err
		} else if !ok {
			return nil, conflict
		}
		return d, nil
	})
}

// deleteUserReports removes a member's reports and deliveries.
func deleteUserReports(ctx context.Context, tx neo4j.ManagedTransaction, ws, userID string) error {
	for _, label := range []string{"Delivery", "Report"} { // fixed labels, never input
		if _, err := tx.Run(ctx, "MATCH (n:"+label+" {userId: $id, workspaceId: $ws}) DETACH DELETE n",
			map[string]any{"id": userID, "ws": ws}); err != nil {
			return err
		}
	}
	return nil
}
