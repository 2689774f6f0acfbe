package neo4j

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

// Connected accounts are (:Account) nodes of a member (userId); what they
// capture are ordinary interactions carrying a captureKey, merged on
// (workspaceId, captureKey), and (:Correspondent) nodes: the member's
// correspondents who are nobody in the workspace yet.

// accountSchema is added to the schema list (store.go) at start-up.
var accountSchema = []string{
	"CREATE CONSTRAINT account_id IF NOT EXISTS FOR (n:Account) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT account_endpoint IF NOT EXISTS FOR (n:Account) REQUIRE (n.workspaceId, n.userId, n.endpoint) IS UNIQUE",
	"CREATE CONSTRAINT interaction_capture IF NOT EXISTS FOR (n:Interaction) REQUIRE (n.workspaceId, n.captureKey) IS UNIQUE",
	"CREATE CONSTRAINT correspondent_key IF NOT EXISTS FOR (n:Correspondent) REQUIRE (n.workspaceId, n.userId, n.key) IS UNIQUE",
}

func init() { schema = append(schema, accountSchema...) }

// deleteUserAccounts removes a member's accounts and correspondents.
func deleteUserAccounts(ctx context.Context, tx neo4j.ManagedTransaction, ws, userID string) error {
	for _, q := range []string{
		"MATCH (a:Account {workspaceId: $ws, userId: $user}) DETACH DELETE a",
		"MATCH (c:Correspondent {workspaceId: $ws, userId: $user}) DETACH DELETE c",
	} {
		if _, err := tx.Run(ctx, q, map[string]any{"ws": ws, "user": userID}); err != nil {
			return err
		}
	}
	return nil
}

func accountParams(a *graph.Account) (map[string]any, error) {
	settings, err := json.Marshal(a.Settings)
	if err != nil {
		return nil, err
	}
	p := map[string]any{
		"id": a.ID, "workspaceId": a.WorkspaceID, "userId": a.UserID, "kind": string(a.Kind), "host": a.Host,
		"port": int64(a.Port), "tls": a.TLS, "url": a.URL, "username": a.Username, "endpoint": a.Endpoint(),
		"secret": base64.StdEncoding.EncodeToString(a.Secret), "settings": string(settings), "cursor": a.Cursor,
		"createdAt": tparam(a.CreatedAt), "updatedAt": tparam(a.UpdatedAt),
	}
	for k, v := range statusParams(a.Status) {
		p[k] = v
	}
	return sparse(p), nil
}

func statusParams(st graph.AccountStatus) map[string]any {
	return map[string]any{
		"state": st.State, "lastSyncAt": tparam(st.LastSyncAt), "lastSuccessAt": tparam(st.LastSuccessAt),
		"lastError": st.LastError, "errorCode": st.ErrorCode, "phase": st.Phase, "done": int64(st.Done),
		"total": int64(st.Total), "leaseUntil": tparam(st.LeaseUntil),
	}
}

func accountFrom(m map[string]any) *graph.Account {
	num := func(k string) int { n, _ := m[k].(int64); return int(n) }
	a := &graph.Account{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), UserID: str(m, "userId"),
		Kind: graph.AccountKind(str(m, "kind")), Host: str(m, "host"), Port: num("port"), TLS: str(m, "tls"),
		URL: str(m, "url"), Username: str(m, "username"), Cursor: str(m, "cursor"),
		CreatedAt: tm(m, "createdAt"), UpdatedAt: tm(m, "updatedAt"),
		Status: graph.AccountStatus{State: str(m, "state"), LastSyncAt: tm(m, "lastSyncAt"),
			LastSuccessAt: tm(m, "lastSuccessAt"), LastError: str(m, "lastError"), ErrorCode: str(m, "errorCode"),
			Messages: num("messages"), Captured: num("captured"), Skipped: num("skipped"), People: num("people"),
			Contacts: num("contacts"), Phase: str(m, "phase"), Done: num("done"), Total: num("total"),
			LeaseUntil: tm(m, "leaseUntil")},
	}
	a.Secret, _ = base64.StdEncoding.DecodeString(str(m, "secret"))
	_ = json.Unmarshal([]byte(str(m, "settings")), &a.Settings)
	return a
}

// CreateAccount stores a connected account.
func (s *Store) CreateAccount(ctx context.Context, a *graph.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if a.ID == "" {
		a.ID = graph.NewID()
	}
	a.CreatedAt, a.UpdatedAt = s.Now(), s.Now()
	props, err := accountParams(a)
	if err != nil {
		return err
	}
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := findUser(ctx, tx, a.WorkspaceID, a.UserID); err != nil {
			return nil, err
		}
		if err := checkEndpointFree(ctx, tx, a); err != nil {
			return nil, err
		}
		// feed: an account is not part of the network; nothing to append.
		_, err = tx.Run(ctx, "CREATE (a:Account) SET a = $props, a.messages = 0, a.captured = 0, a.skipped = 0, a.people = 0, a.contacts = 0",
			map[string]any{"props": props})
		return nil, err
	})
	return err
}

// checkEndpointFree is ECONFLICT when the member has another account on
// the same endpoint (the constraint catches a race; this names it).
func checkEndpointFree(ctx context.Context, tx neo4j.ManagedTransaction, a *graph.Account) error {
	n, err := count(ctx, tx, `MATCH (a:Account {workspaceId: $ws, userId: $user, endpoint: $endpoint}) WHERE a.id <> $id RETURN count(a)`,
		map[string]any{"ws": a.WorkspaceID, "user": a.UserID, "endpoint": a.Endpoint(), "id": a.ID})
	if err != nil {
		return err
	} else if n > 0 {
		return &graph.Error{Code: graph.ECONFLICT, Message: "You have already connected this account."}
	}
	return nil
}

func findAccount(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (*graph.Account, error) {
	if !graph.ValidID(id) {
		return nil, notFound("Account")
	}
	l, err := collect(ctx, tx, "MATCH (a:Account {id: $id, workspaceId: $ws}) RETURN a {.*}",
		map[string]any{"id": id, "ws": ws}, accountFrom)
	if err != nil {
		return nil, err
	} else if len(l) == 0 {
		return nil, notFound("Account")
	}
	return l[0], nil
}

// FindAccount returns an account.
func (s *Store) FindAccount(ctx context.Context, ws, id string) (*graph.Account, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Account, error) {
		return findAccount(ctx, tx, ws, id)
	})
}

// FindAccounts lists a member's accounts (everyone's when userID is empty).
func (s *Store) FindAccounts(ctx context.Context, ws, userID string) ([]*graph.Account, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*graph.Account, error) {
		l, err := collect(ctx, tx, `MATCH (a:Account {workspaceId: $ws}) WHERE $user = '' OR a.userId = $user
			RETURN a {.*} ORDER BY a.createdAt, a.id`, map[string]any{"ws": ws, "user": userID}, accountFrom)
		if l == nil {
			l = []*graph.Account{}
		}
		return l, err
	})
}

// UpdateAccount changes an account's settings, user name or password.
func (s *Store) UpdateAccount(ctx context.Context, ws, id string, upd graph.AccountUpdate) (*graph.Account, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Account, error) {
		a, err := findAccount(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		if upd.Settings != nil {
			a.Settings = *upd.Settings
		}
		if len(upd.Secret) > 0 {
			a.Secret = upd.Secret
		}
		if upd.Username != nil {
			a.Username = *upd.Username
		}
		if err := a.Validate(); err != nil {
			return nil, err
		}
		a.UpdatedAt = s.Now()
		settings, err := json.Marshal(a.Settings)
		if err != nil {
			return nil, err
		}
		if err := checkEndpointFree(ctx, tx, a); err != nil {
			return nil, err
		}
		_, err = tx.Run(ctx, `MATCH (a:Account {id: $id, workspaceId: $ws})
			SET a.settings = $settings, a.secret = $secret, a.username = $username, a.endpoint = $endpoint, a.updatedAt = $now`,
			map[string]any{"id": id, "ws": ws, "settings": string(settings), "secret": base64.StdEncoding.EncodeToString(a.Secret),
				"username": a.Username, "endpoint": a.Endpoint(), "now": tparam(a.UpdatedAt)})
		return a, err
	})
}

// DeleteAccount removes an account; its captured interactions stay.
func (s *Store) DeleteAccount(ctx context.Context, ws, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		n, err := count(ctx, tx, "MATCH (a:Account {id: $id, workspaceId: $ws}) DETACH DELETE a RETURN count(*)",
			map[string]any{"id": id, "ws": ws})
		if err != nil {
			return nil, err
		} else if n == 0 {
			return nil, notFound("Account")
		}
		return nil, nil
	})
	return err
}

// ClaimAccount takes the account for a sync until the given time.
func (s *Store) ClaimAccount(ctx context.Context, ws, id string, now, until time.Time) (*graph.Account, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Account, error) {
		a, err := findAccount(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		if !a.Status.LeaseUntil.IsZero() && a.Status.LeaseUntil.After(now) {
			return nil, graph.Errorf(graph.ECONFLICT, "A sync of this account is already running (or was cut off less than two minutes ago).")
		}
		a.Status.State, a.Status.LeaseUntil = graph.SyncRunning, until
		a.Status.Phase, a.Status.Done, a.Status.Total = "connecting", 0, 0
		_, err = tx.Run(ctx, `MATCH (a:Account {id: $id, workspaceId: $ws})
			SET a.state = $state, a.leaseUntil = $until, a.phase = $phase, a.done = 0, a.total = 0`,
			map[string]any{"id": id, "ws": ws, "state": a.Status.State, "until": tparam(until), "phase": a.Status.Phase})
		return a, err
	})
}

// SetAccountStatus records a sync's progress or end.
func (s *Store) SetAccountStatus(ctx context.Context, ws, id string, st graph.AccountStatus) error {
	if st.State != graph.SyncRunning {
		st.LeaseUntil, st.Phase, st.Done, st.Total = time.Time{}, "", 0, 0
	}
	p := statusParams(st)
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		n, err := count(ctx, tx, `MATCH (a:Account {id: $id, workspaceId: $ws})
			SET a.state = $p.state, a.phase = $p.phase, a.done = $p.done, a.total = $p.total,
				a.lastError = $p.lastError, a.errorCode = $p.errorCode,
				a.lastSyncAt = coalesce($p.lastSyncAt, a.lastSyncAt),
				a.lastSuccessAt = coalesce($p.lastSuccessAt, a.lastSuccessAt),
				a.leaseUntil = CASE WHEN $p.state = 'syncing' THEN coalesce($p.leaseUntil, a.leaseUntil) END
			RETURN count(a)`, map[string]any{"id": id, "ws": ws, "p": p})
		if err != nil {
			return nil, err
		} else if n == 0 {
			return nil, notFound("Account")
		}
		return nil, nil
	})
	return err
}

// FindCorrespondents returns a member's correspondents.
func (s *Store) FindCorrespondents(ctx context.Context, ws, userID string) ([]*graph.Correspondent, error) {
	var out []*graph.Correspondent
	err := s.stream(ctx, `MATCH (c:Correspondent {workspaceId: $ws, userId: $user})
		RETURN c.key, c.address, c.name, c.sent, c.received, c.held`, map[string]any{"ws": ws, "user": userID},
		func(v []any) error {
			sent, _ := v[3].(int64)
			recv, _ := v[4].(int64)
			c := &graph.Correspondent{Key: vstr(v[0]), Address: vstr(v[1]), Name: vstr(v[2]), Sent: int(sent), Received: int(recv)}
			if h := vstr(v[5]); h != "" {
				if err := json.Unmarshal([]byte(h), &c.Held); err != nil {
					return fmt.Errorf("correspondent held messages: %w", err)
				}
			}
			out = append(out, c)
			return nil
		})
	return out, err
}

// CommitCapture writes one step of a sync in one transaction.
func (s *Store) CommitCapture(ctx context.Context, ws string, c *graph.Capture) (*graph.CaptureResult, error) {
	now := s.Now()
	b := &graph.Batch{People: c.People, Organizations: c.Organizations, Employments: c.Employments}
	if err := prepareBatch(ws, b, now); err != nil {
		return nil, err
	}
	rows := make([]map[string]any, 0, len(c.Interactions))
	keys := make([]string, 0, len(c.Interactions))
	var ties []map[string]any
	since := map[[2]string]time.Time{}
	for i, in := range c.Interactions {
		in.WorkspaceID = ws
		if in.CreatedAt.IsZero() {
			in.CreatedAt, in.UpdatedAt = now, now
		}
		if err := in.Validate(); err != nil {
			return nil, fmt.Errorf("captured interaction %d: %w", i+1, err)
		}
		if in.CaptureKey == "" || !graph.ValidID(in.ID) {
			return nil, graph.Errorf(graph.EINVALID, "Captured interaction %d has no capture key or id.", i+1)
		}
		rows = append(rows, map[string]any{"key": in.CaptureKey, "participants": in.ParticipantIDs,
			"props": interactionParams(in)})
		keys = append(keys, in.CaptureKey)
		for _, p := range in.ParticipantIDs {
			if p == c.PersonID || c.PersonID == "" {
				continue
			}
			// One row per pair, since its earliest message of the step: a
			// step of a thousand messages ties the member to a few hundred people.
			k := [2]string{min(p, c.PersonID), max(p, c.PersonID)}
			if at, ok := since[k]; !ok || in.At.Before(at) {
				since[k] = in.At
			}
		}
	}
	for k, at := range since {
		ties = append(ties, map[string]any{"a": k[0], "b": k[1], "id": graph.NewID(), "since": tparam(at)})
	}
	corr := make([]map[string]any, 0, len(c.Correspondents))
	for _, x := range c.Correspondents {
		held, err := json.Marshal(x.Held)
		if err != nil {
			return nil, err
		}
		corr = append(corr, map[string]any{"key": x.Key, "props": sparse(map[string]any{"address": x.Address, "name": x.Name,
			"sent": int64(x.Sent), "received": int64(x.Received), "held": string(held)})})
	}
	params := map[string]any{"ws": ws, "user": c.UserID, "now": tparam(now)}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range params {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.CaptureResult, error) {
		// The change feed gets what the step wrote, read back as stored (a
		// message captured before keeps what it had), and what it deleted.
		changes := batchChanges(b, nil)
		if err := requireWorkspace(ctx, tx, ws); err != nil {
			return nil, err
		}
		for _, st := range upsertSteps(b) {
			for start := 0; start < len(st.rows); start += upsertBatchSize {
				if err := upsertRows(ctx, tx, ws, st.kind, st.rows[start:min(start+upsertBatchSize, len(st.rows))], st.query, nil); err != nil {
					return nil, err
				}
			}
		}
		resets := make([]map[string]any, 0, len(c.Resets))
		for _, r := range c.Resets {
			if r.Prefix != "" {
				resets = append(resets, map[string]any{"prefix": r.Prefix, "keep": list(r.Keep)})
			}
		}
		if len(resets) > 0 {
			gone, err := deletedIDs(ctx, tx, `UNWIND $resets AS r
				MATCH (i:Interaction {workspaceId: $ws})
				WHERE i.captureKey STARTS WITH r.prefix AND i.loggedBy = $user AND NOT i.captureKey IN coalesce(r.keep, [])
				WITH i, i.id AS id DETACH DELETE i RETURN id`, with(map[string]any{"resets": resets}))
			if err != nil {
				return nil, fmt.Errorf("capture resets: %w", err)
			}
			changes = append(changes, gone...)
		}
		res := &graph.CaptureResult{}
		if len(keys) > 0 {
			known, err := count(ctx, tx, `MATCH (i:Interaction {workspaceId: $ws}) WHERE i.captureKey IN $keys RETURN count(i)`,
				with(map[string]any{"keys": keys}))
			if err != nil {
				return nil, err
			}
			res.Interactions = len(distinct(keys)) - known
		}
		for start := 0; start < len(rows); start += upsertBatchSize {
			part := rows[start:min(start+upsertBatchSize, len(rows))]
			// A message already captured (by this sync before a restart, or by
			// another member who got it too) keeps what it has; it only gains
			// participants that became people since, and an initiator it
			// lacked. A calendar event takes its latest time and attendees.
			_, err := tx.Run(ctx, `
				UNWIND $rows AS row
				MERGE (i:Interaction {workspaceId: $ws, captureKey: row.key})
				ON CREATE SET i += row.props
				ON MATCH SET i.initiatorId = coalesce(i.initiatorId, row.props.initiatorId),
					i.at = CASE WHEN i.source = 'calendar' THEN row.props.at ELSE i.at END,
					i.kind = CASE WHEN i.source = 'calendar' THEN row.props.kind ELSE i.kind END
				WITH i, row
				CALL (i, row) {
					OPTIONAL MATCH (i)-[old:WITH]->(q:Person)
					WHERE i.source = 'calendar' AND NOT q.id IN row.participants
					DELETE old
				}
				WITH i, row
				CALL (i, row) {
					MATCH (p:Person) USING INDEX p:Person(id) WHERE p.id IN row.participants AND p.workspaceId = $ws
					MERGE (i)-[:WITH]->(p)
				}`, with(map[string]any{"rows": part}))
			if err != nil {
				return nil, fmt.Errorf("capture interactions: %w", err)
			}
		}
		if len(ties) > 0 {
			// Captured mail ties the member to each correspondent, never two
			// correspondents to each other: a shared message is not a tie.
			if _, err := tx.Run(ctx, `
				UNWIND $pairs AS pair
				MATCH (a:Person {id: pair.a}) USING INDEX a:Person(id) WHERE a.workspaceId = $ws
				MATCH (b:Person {id: pair.b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws
				MERGE (a)-[t:KNOWS]-(b)
				ON CREATE SET t.id = pair.id, t.source = 'imported', t.since = pair.since, t.createdAt = $now, t.updatedAt = $now`,
				with(map[string]any{"pairs": ties})); err != nil {
				return nil, fmt.Errorf("capture ties: %w", err)
			}
		}
		if len(keys) > 0 {
			written, err := collect(ctx, tx, `MATCH (i:Interaction {workspaceId: $ws}) WHERE i.captureKey IN $keys RETURN `+interactionReturn,
				with(map[string]any{"keys": keys}), func(m map[string]any) graph.Change {
					return graph.InteractionSet(interactionFrom(m))
				})
			if err != nil {
				return nil, err
			}
			changes = append(changes, written...)
		}
		if len(ties) > 0 {
			// Stored with PersonA < PersonB, as the pairs are.
			written, err := collect(ctx, tx, `UNWIND $pairs AS pair
				MATCH (x:Person {id: pair.a, workspaceId: $ws})-[t:KNOWS]-(y:Person {id: pair.b, workspaceId: $ws})
				WITH t, x AS a, y AS b
				RETURN `+tieReturn, with(map[string]any{"pairs": ties}), func(m map[string]any) graph.Change {
				return graph.TieSet(tieFrom(m))
			})
			if err != nil {
				return nil, err
			}
			changes = append(changes, written...)
		}
		if len(c.Deleted) > 0 {
			gone, err := deletedIDs(ctx, tx, `MATCH (i:Interaction {workspaceId: $ws}) WHERE i.captureKey IN $keys AND i.loggedBy = $user
				WITH i, i.id AS id DETACH DELETE i RETURN id`, with(map[string]any{"keys": c.Deleted}))
			if err != nil {
				return nil, err
			}
			changes = append(changes, gone...)
		}
		if len(corr) > 0 {
			if _, err := tx.Run(ctx, `UNWIND $rows AS row
				MERGE (c:Correspondent {workspaceId: $ws, userId: $user, key: row.key})
				SET c += row.props`, with(map[string]any{"rows": corr})); err != nil {
				return nil, err
			}
		}
		if len(c.Resolved) > 0 {
			if _, err := tx.Run(ctx, `MATCH (c:Correspondent {workspaceId: $ws, userId: $user}) WHERE c.key IN $keys DELETE c`,
				with(map[string]any{"keys": c.Resolved})); err != nil {
				return nil, err
			}
		}
		if c.AccountID != "" {
			var cursor any
			if c.Cursor != nil {
				cursor = *c.Cursor
			}
			n, err := count(ctx, tx, `MATCH (a:Account {id: $id, workspaceId: $ws})
				SET a.cursor = coalesce($cursor, a.cursor), a.messages = a.messages + $messages,
					a.captured = a.captured + $captured, a.skipped = a.skipped + $skipped,
					a.people = a.people + $people, a.contacts = a.contacts + $contacts
				RETURN count(a)`, with(map[string]any{"id": c.AccountID, "cursor": cursor,
				"messages": c.Counts.Messages, "captured": res.Interactions, "skipped": c.Counts.Skipped,
				"people": c.Counts.People, "contacts": c.Counts.Contacts}))
			if err != nil {
				return nil, err
			} else if n == 0 {
				return nil, notFound("Account")
			}
		}
		return res, recordChanges(ctx, tx, ws, changes...)
	})
}

// deletedIDs runs a query that deletes interactions and returns their ids,
// as the change feed's deletions.
func deletedIDs(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any) ([]graph.Change, error) {
	var out []graph.Change
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return nil, err
	}
	for res.Next(ctx) {
		id, _ := res.Record().Values[0].(string)
		out = append(out, graph.InteractionDeleted(id))
	}
	return out, res.Err()
}

func distinct(l []string) []string {
	seen := make(map[string]bool, len(l))
	out := l[:0:0]
	for _, v := range l {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
