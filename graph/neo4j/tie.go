package neo4j

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

const tieReturn = `t {.*, workspaceId: a.workspaceId, personA: a.id, personB: b.id}`

func tieFrom(m map[string]any) *graph.Tie {
	t := &graph.Tie{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), PersonA: str(m, "personA"), PersonB: str(m, "personB"),
		Since: tm(m, "since"), Source: graph.TieSource(str(m, "source")), Strength: fptr(m, "strength"),
		Context: str(m, "context"), CreatedAt: tm(m, "createdAt"), UpdatedAt: tm(m, "updatedAt"),
	}
	if t.PersonA > t.PersonB {
		t.PersonA, t.PersonB = t.PersonB, t.PersonA
	}
	return t
}

func tieParams(t *graph.Tie) map[string]any {
	var strength any
	if t.Strength != nil {
		strength = *t.Strength
	}
	return sparse(map[string]any{
		"id": t.ID, "since": tparam(t.Since), "source": string(t.Source), "strength": strength,
		"context": t.Context, "createdAt": tparam(t.CreatedAt), "updatedAt": tparam(t.UpdatedAt),
	})
}

// mergeTie creates the tie unless the pair already has one, and reports
// whether it did. MERGE locks both people, so two concurrent calls cannot
// both create a tie for the same pair.
func mergeTie(ctx context.Context, tx neo4j.ManagedTransaction, ws string, t *graph.Tie) (bool, error) {
	rec, err := single(ctx, tx, `
		MATCH (a:Person {id: $a}) USING INDEX a:Person(id) WHERE a.workspaceId = $ws
		MATCH (b:Person {id: $b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws
		MERGE (a)-[t:KNOWS]-(b)
		ON CREATE SET t = $props
		RETURN t.id = $props.id AS created, t.id AS id`,
		map[string]any{"a": t.PersonA, "b": t.PersonB, "ws": ws, "props": tieParams(t)})
	if err != nil {
		return false, err
	} else if rec == nil {
		return false, notFound("Person")
	}
	created, _ := rec.Values[0].(bool)
	if !created {
		t.ID, _ = rec.Values[1].(string)
	}
	return created, nil
}

// CreateTie stores a tie between two people who have none.
func (s *Store) CreateTie(ctx context.Context, t *graph.Tie) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if t.ID == "" {
		t.ID = graph.NewID()
	}
	t.CreatedAt, t.UpdatedAt = s.Now(), s.Now()
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		id := t.ID
		created, err := mergeTie(ctx, tx, t.WorkspaceID, t)
		if err != nil {
			return nil, err
		} else if !created {
			existing := t.ID
			t.ID = id
			return nil, &graph.Error{Code: graph.ECONFLICT, Field: "person_b",
				Message: "These two people already have a tie (" + existing + ")."}
		}
		return nil, recordChanges(ctx, tx, t.WorkspaceID, graph.TieSet(t))
	})
	return err
}

func findTie(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (*graph.Tie, error) {
	l, err := collect(ctx, tx, `MATCH (a:Person {workspaceId: $ws})-[t:KNOWS {id: $id}]->(b:Person)
		RETURN `+tieReturn, map[string]any{"id": id, "ws": ws}, tieFrom)
	if err != nil {
		return nil, err
	} else if len(l) == 0 {
		return nil, notFound("Tie")
	}
	return l[0], nil
}

// FindTie returns a tie.
func (s *Store) FindTie(ctx context.Context, ws, id string) (*graph.Tie, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Tie, error) { return findTie(ctx, tx, ws, id) })
}

// FindTiesBetween returns the ties between the given pairs of people,
// looked up a few thousand pairs per query.
func (s *Store) FindTiesBetween(ctx context.Context, ws string, pairs [][2]string) ([]*graph.Tie, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*graph.Tie, error) {
		if err := requireWorkspace(ctx, tx, ws); err != nil {
			return nil, err
		}
		var out []*graph.Tie
		for start := 0; start < len(pairs); start += upsertBatchSize {
			rows := make([]map[string]any, 0, upsertBatchSize)
			for _, p := range pairs[start:min(start+upsertBatchSize, len(pairs))] {
				rows = append(rows, map[string]any{"a": p[0], "b": p[1]})
			}
			l, err := collect(ctx, tx, `
				UNWIND $pairs AS pr
				MATCH (x:Person {id: pr.a}) USING INDEX x:Person(id) WHERE x.workspaceId = $ws
				MATCH (y:Person {id: pr.b}) USING INDEX y:Person(id) WHERE y.workspaceId = $ws
				MATCH (x)-[t:KNOWS]-(y)
				WITH DISTINCT t
				MATCH (a:Person)-[t]->(b:Person)
				RETURN `+tieReturn, map[string]any{"pairs": rows, "ws": ws}, tieFrom)
			if err != nil {
				return nil, err
			}
			out = append(out, l...)
		}
		return out, nil
	})
}

// FindTies lists ties of a person (or between two people), ordered by id.
func (s *Store) FindTies(ctx context.Context, ws string, f graph.TieFilter) ([]*graph.Tie, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	params := map[string]any{"ws": ws, "person": f.PersonID, "other": f.OtherID, "offset": f.Offset, "limit": f.Limit}
	match := `MATCH (a:Person {workspaceId: $ws})-[t:KNOWS]->(b:Person)
		WHERE ($person = '' OR $person IN [a.id, b.id]) AND ($other = '' OR $other IN [a.id, b.id])`
	if f.PersonID != "" {
		// Start from the person's node so the lookup uses the id index.
		match = `MATCH (a:Person {id: $person, workspaceId: $ws})-[t:KNOWS]-(b:Person)
			WHERE ($other = '' OR b.id = $other)`
	}
	type page struct {
		ties  []*graph.Tie
		total int
	}
	res, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (page, error) {
		if f.PersonID != "" {
			if err := requirePeople(ctx, tx, ws, f.PersonID); err != nil {
				return page{}, err
			}
		}
		total, err := count(ctx, tx, match+" RETURN count(t)", params)
		if err != nil {
			return page{}, err
		}
		ties, err := collect(ctx, tx, match+" RETURN "+tieReturn+" ORDER BY t.id SKIP $offset LIMIT $limit", params, tieFrom)
		return page{ties, total}, err
	})
	return res.ties, res.total, err
}

// UpdateTie changes a tie's date, context or manual strength.
func (s *Store) UpdateTie(ctx context.Context, ws, id string, upd graph.TieUpdate) (*graph.Tie, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Tie, error) {
		t, err := findTie(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		upd.Apply(t)
		if err := t.Validate(); err != nil {
			return nil, err
		}
		t.UpdatedAt = s.Now()
		if _, err = tx.Run(ctx, "MATCH ()-[t:KNOWS {id: $id}]->() SET t = $props", map[string]any{"id": id, "props": tieParams(t)}); err != nil {
			return nil, err
		}
		return t, recordChanges(ctx, tx, ws, graph.TieSet(t))
	})
}

// DeleteTie removes a tie; interactions stay.
func (s *Store) DeleteTie(ctx context.Context, ws, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		t, err := findTie(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Run(ctx, "MATCH ()-[t:KNOWS {id: $id}]->() DELETE t", map[string]any{"id": id}); err != nil {
			return nil, err
		}
		return nil, recordChanges(ctx, tx, ws, graph.TieDeleted(t))
	})
	return err
}
