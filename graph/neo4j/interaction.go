package neo4j

import (
	"context"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

const interactionReturn = `i {.*, participantIds: [(i)-[:WITH]->(p:Person) | p.id]}`

func interactionFrom(m map[string]any) *graph.Interaction {
	i := &graph.Interaction{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), Kind: graph.InteractionKind(str(m, "kind")),
		At: tm(m, "at"), ParticipantIDs: strs(m, "participantIds"), InitiatorID: str(m, "initiatorId"),
		Notes: str(m, "notes"), LoggedBy: str(m, "loggedBy"), Source: str(m, "source"), ThreadID: str(m, "threadId"),
		CaptureKey: str(m, "captureKey"), CreatedAt: tm(m, "createdAt"), UpdatedAt: tm(m, "updatedAt"),
	}
	sort.Strings(i.ParticipantIDs)
	return i
}

func interactionParams(i *graph.Interaction) map[string]any {
	return sparse(map[string]any{
		"id": i.ID, "workspaceId": i.WorkspaceID, "kind": string(i.Kind), "at": tparam(i.At),
		"initiatorId": i.InitiatorID, "notes": i.Notes, "loggedBy": i.LoggedBy,
		"source": i.Source, "threadId": i.ThreadID, "captureKey": i.CaptureKey,
		"createdAt": tparam(i.CreatedAt), "updatedAt": tparam(i.UpdatedAt),
	})
}

// CreateInteraction logs a touchpoint and creates the manual ties it implies.
func (s *Store) CreateInteraction(ctx context.Context, i *graph.Interaction) error {
	if err := i.Validate(); err != nil {
		return err
	}
	if i.ID == "" {
		i.ID = graph.NewID()
	}
	i.CreatedAt, i.UpdatedAt = s.Now(), s.Now()
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := requirePeople(ctx, tx, i.WorkspaceID, i.ParticipantIDs...); err != nil {
			return nil, err
		}
		if i.LoggedBy != "" {
			if _, err := findUser(ctx, tx, i.WorkspaceID, i.LoggedBy); err != nil {
				return nil, err
			}
		}
		if _, err := tx.Run(ctx, `
			CREATE (i:Interaction) SET i = $props
			WITH i
			MATCH (p:Person {workspaceId: $props.workspaceId}) WHERE p.id IN $participants
			CREATE (i)-[:WITH]->(p)`,
			map[string]any{"props": interactionParams(i), "participants": i.ParticipantIDs}); err != nil {
			return nil, err
		}
		ties, err := implyTies(ctx, tx, i)
		if err != nil {
			return nil, err
		}
		changes := []graph.Change{graph.InteractionSet(i)}
		for _, t := range ties {
			changes = append(changes, graph.TieSet(t))
		}
		return nil, recordChanges(ctx, tx, i.WorkspaceID, changes...)
	})
	return err
}

// implyTies creates a manual tie between every two participants who have
// none, and returns the ties it created.
func implyTies(ctx context.Context, tx neo4j.ManagedTransaction, i *graph.Interaction) ([]*graph.Tie, error) {
	var pairs []map[string]any
	for x := 0; x < len(i.ParticipantIDs); x++ {
		for y := x + 1; y < len(i.ParticipantIDs); y++ {
			a, b := i.ParticipantIDs[x], i.ParticipantIDs[y]
			if a > b {
				a, b = b, a
			}
			pairs = append(pairs, map[string]any{"a": a, "b": b, "id": graph.NewID()})
		}
	}
	return collect(ctx, tx, `
		UNWIND $pairs AS pair
		MATCH (a:Person {id: pair.a}) USING INDEX a:Person(id) WHERE a.workspaceId = $ws
		MATCH (b:Person {id: pair.b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws
		MERGE (a)-[t:KNOWS]-(b)
		ON CREATE SET t.id = pair.id, t.source = 'manual', t.since = $at, t.createdAt = $now, t.updatedAt = $now
		WITH t, pair WHERE t.id = pair.id
		MATCH (x:Person)-[t]->(y:Person)
		RETURN t {.*, workspaceId: x.workspaceId, personA: x.id, personB: y.id}`,
		map[string]any{"pairs": pairs, "ws": i.WorkspaceID, "at": tparam(i.At), "now": tparam(i.CreatedAt)}, tieFrom)
}

func findInteraction(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (*graph.Interaction, error) {
	l, err := collect(ctx, tx, "MATCH (i:Interaction {id: $id, workspaceId: $ws}) RETURN "+interactionReturn,
		map[string]any{"id": id, "ws": ws}, interactionFrom)
	if err != nil {
		return nil, err
	} else if len(l) == 0 {
		return nil, notFound("Interaction")
	}
	return l[0], nil
}

// FindInteraction returns an interaction.
func (s *Store) FindInteraction(ctx context.Context, ws, id string) (*graph.Interaction, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Interaction, error) {
		return findInteraction(ctx, tx, ws, id)
	})
}

// FindInteractions lists interactions, newest first.
func (s *Store) FindInteractions(ctx context.Context, ws string, f graph.InteractionFilter) ([]*graph.Interaction, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	params := map[string]any{"ws": ws, "viewer": f.Viewer, "person": f.PersonID, "other": f.OtherID, "kind": string(f.Kind),
		"since": tparam(f.Since), "until": tparam(f.Until), "offset": f.Offset, "limit": f.Limit}
	match := "MATCH (i:Interaction {workspaceId: $ws})"
	if f.PersonID != "" {
		match = "MATCH (i:Interaction {workspaceId: $ws})-[:WITH]->(:Person {id: $person})"
	}
	match += ` WHERE ($other = '' OR EXISTS { (i)-[:WITH]->(:Person {id: $other}) })
		AND ($viewer = '' OR i.captureKey IS NULL OR i.loggedBy = $viewer)
		AND ($kind = '' OR i.kind = $kind) AND ($since IS NULL OR i.at >= $since) AND ($until IS NULL OR i.at < $until)`
	type page struct {
		l     []*graph.Interaction
		total int
	}
	res, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (page, error) {
		if f.PersonID != "" {
			if err := requirePeople(ctx, tx, ws, f.PersonID); err != nil {
				return page{}, err
			}
		}
		total, err := count(ctx, tx, match+" RETURN count(i)", params)
		if err != nil {
			return page{}, err
		}
		l, err := collect(ctx, tx, match+" WITH i ORDER BY i.at DESC, i.id SKIP $offset LIMIT $limit RETURN "+interactionReturn,
			params, interactionFrom)
		return page{l, total}, err
	})
	return res.l, res.total, err
}

// UpdateInteraction changes an interaction's kind, time, initiator or notes.
func (s *Store) UpdateInteraction(ctx context.Context, ws, id string, upd graph.InteractionUpdate) (*graph.Interaction, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Interaction, error) {
		i, err := findInteraction(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		upd.Apply(i)
		if err := i.Validate(); err != nil {
			return nil, err
		}
		i.UpdatedAt = s.Now()
		if _, err = tx.Run(ctx, "MATCH (i:Interaction {id: $id}) SET i = $props", map[string]any{"id": id, "props": interactionParams(i)}); err != nil {
			return nil, err
		}
		return i, recordChanges(ctx, tx, ws, graph.InteractionSet(i))
	})
}

// DeleteInteraction removes an interaction.
func (s *Store) DeleteInteraction(ctx context.Context, ws, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		n, err := count(ctx, tx, "MATCH (i:Interaction {id: $id, workspaceId: $ws}) DETACH DELETE i RETURN count(*)",
			map[string]any{"id": id, "ws": ws})
		if err != nil {
			return nil, err
		} else if n == 0 {
			return nil, notFound("Interaction")
		}
		return nil, recordChanges(ctx, tx, ws, graph.InteractionDeleted(id))
	})
	return err
}
