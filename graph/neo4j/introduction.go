package neo4j

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

const introReturn = `i {.*,
	introducerId: [(i)-[:BY]->(p:Person) | p.id][0],
	personId: [(i)-[:OF]->(p:Person) | p.id][0],
	targetId: [(i)-[:TO]->(p:Person) | p.id][0]}`

func introFrom(m map[string]any) *graph.Introduction {
	return &graph.Introduction{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), IntroducerID: str(m, "introducerId"),
		PersonID: str(m, "personId"), TargetID: str(m, "targetId"), Status: graph.IntroStatus(str(m, "status")),
		Reason: str(m, "reason"), Outcome: str(m, "outcome"), RequestedBy: str(m, "requestedBy"),
		TieID: str(m, "tieId"), RequestedAt: tm(m, "requestedAt"), MadeAt: tm(m, "madeAt"),
		RespondedAt: tm(m, "respondedAt"), CreatedAt: tm(m, "createdAt"), UpdatedAt: tm(m, "updatedAt"),
	}
}

func introParams(in *graph.Introduction) map[string]any {
	return sparse(map[string]any{
		"id": in.ID, "workspaceId": in.WorkspaceID, "status": string(in.Status), "reason": in.Reason,
		"outcome": in.Outcome, "requestedBy": in.RequestedBy, "tieId": in.TieID,
		"requestedAt": tparam(in.RequestedAt), "madeAt": tparam(in.MadeAt), "respondedAt": tparam(in.RespondedAt),
		"createdAt": tparam(in.CreatedAt), "updatedAt": tparam(in.UpdatedAt),
	})
}

// CreateIntroduction records an introduction, usually as requested.
func (s *Store) CreateIntroduction(ctx context.Context, in *graph.Introduction) error {
	if err := in.Validate(); err != nil {
		return err
	}
	if in.ID == "" {
		in.ID = graph.NewID()
	}
	now := s.Now()
	in.CreatedAt, in.UpdatedAt = now, now
	if in.RequestedAt.IsZero() {
		in.RequestedAt = now
	}
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := requirePeople(ctx, tx, in.WorkspaceID, in.IntroducerID, in.PersonID, in.TargetID); err != nil {
			return nil, err
		}
		if in.RequestedBy != "" {
			if _, err := findUser(ctx, tx, in.WorkspaceID, in.RequestedBy); err != nil {
				return nil, err
			}
		}
		var changes []graph.Change
		if in.Status == graph.IntroMade || in.Status == graph.IntroAccepted {
			t, err := introTie(ctx, tx, in)
			if err != nil {
				return nil, err
			} else if t != nil {
				changes = append(changes, graph.TieSet(t))
			}
		}
		if _, err := tx.Run(ctx, `
			MATCH (by:Person {id: $by}), (of:Person {id: $of}), (to:Person {id: $to})
			CREATE (i:Introduction) SET i = $props
			CREATE (i)-[:BY]->(by), (i)-[:OF]->(of), (i)-[:TO]->(to)`,
			map[string]any{"by": in.IntroducerID, "of": in.PersonID, "to": in.TargetID, "props": introParams(in)}); err != nil {
			return nil, err
		}
		return nil, recordChanges(ctx, tx, in.WorkspaceID, append(changes, graph.IntroductionSet(in))...)
	})
	return err
}

// introTie creates (or finds) the tie an introduction produced and records
// it; it returns the tie when it created one.
func introTie(ctx context.Context, tx neo4j.ManagedTransaction, in *graph.Introduction) (*graph.Tie, error) {
	since := in.MadeAt
	if since.IsZero() {
		since = in.UpdatedAt
	}
	t := &graph.Tie{ID: graph.NewID(), WorkspaceID: in.WorkspaceID, PersonA: in.PersonID, PersonB: in.TargetID,
		Since: since, Source: graph.TieIntroduced, CreatedAt: in.UpdatedAt, UpdatedAt: in.UpdatedAt}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	created, err := mergeTie(ctx, tx, in.WorkspaceID, t)
	if err != nil {
		return nil, err
	}
	in.TieID = t.ID
	if !created {
		return nil, nil
	}
	return t, nil
}

func findIntro(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (*graph.Introduction, error) {
	l, err := collect(ctx, tx, "MATCH (i:Introduction {id: $id, workspaceId: $ws}) RETURN "+introReturn,
		map[string]any{"id": id, "ws": ws}, introFrom)
	if err != nil {
		return nil, err
	} else if len(l) == 0 {
		return nil, notFound("Introduction")
	}
	return l[0], nil
}

// FindIntroduction returns an introduction.
func (s *Store) FindIntroduction(ctx context.Context, ws, id string) (*graph.Introduction, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Introduction, error) { return findIntro(ctx, tx, ws, id) })
}

// FindIntroductions lists introductions, newest first.
func (s *Store) FindIntroductions(ctx context.Context, ws string, f graph.IntroductionFilter) ([]*graph.Introduction, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	params := map[string]any{"ws": ws, "person": f.PersonID, "status": string(f.Status), "offset": f.Offset, "limit": f.Limit}
	match := `MATCH (i:Introduction {workspaceId: $ws})
		WHERE ($person = '' OR EXISTS { (i)-[:BY|OF|TO]->(:Person {id: $person}) }) AND ($status = '' OR i.status = $status)`
	type page struct {
		l     []*graph.Introduction
		total int
	}
	res, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (page, error) {
		total, err := count(ctx, tx, match+" RETURN count(i)", params)
		if err != nil {
			return page{}, err
		}
		l, err := collect(ctx, tx, match+" WITH i ORDER BY i.requestedAt DESC, i.id SKIP $offset LIMIT $limit RETURN "+introReturn,
			params, introFrom)
		return page{l, total}, err
	})
	return res.l, res.total, err
}

// UpdateIntroduction moves an introduction along; made creates its tie.
func (s *Store) UpdateIntroduction(ctx context.Context, ws, id string, upd graph.IntroductionUpdate) (*graph.Introduction, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Introduction, error) {
		in, err := findIntro(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		now := s.Now()
		before := in.Status
		if err := upd.Apply(in, now); err != nil {
			return nil, err
		}
		if err := in.Validate(); err != nil {
			return nil, err
		}
		in.UpdatedAt = now
		var changes []graph.Change
		if in.Status == graph.IntroMade && before != graph.IntroMade {
			t, err := introTie(ctx, tx, in)
			if err != nil {
				return nil, err
			} else if t != nil {
				changes = append(changes, graph.TieSet(t))
			}
		}
		if _, err = tx.Run(ctx, "MATCH (i:Introduction {id: $id}) SET i = $props", map[string]any{"id": id, "props": introParams(in)}); err != nil {
			return nil, err
		}
		return in, recordChanges(ctx, tx, ws, append(changes, graph.IntroductionSet(in))...)
	})
}

// DeleteIntroduction removes an introduction; a tie it produced stays.
func (s *Store) DeleteIntroduction(ctx context.Context, ws, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		n, err := count(ctx, tx, "MATCH (i:Introduction {id: $id, workspaceId: $ws}) DETACH DELETE i RETURN count(*)",
			map[string]any{"id": id, "ws": ws})
		if err != nil {
			return nil, err
		} else if n == 0 {
			return nil, notFound("Introduction")
		}
		return nil, recordChanges(ctx, tx, ws, graph.IntroductionDeleted(id))
	})
	return err
}
