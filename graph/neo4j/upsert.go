package neo4j

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

// upsertBatchSize is the number of rows per UNWIND statement: large enough to
// amortise round trips, small enough to keep each statement's memory modest.
const upsertBatchSize = 2000

// Upsert writes a batch in one transaction: all or nothing.
//
// People, organisations, interactions, introductions and notes are matched
// by id and replaced. Ties are matched by their pair of people (one tie per
// pair): a new pair gets the row's id, an existing tie keeps its id and takes
// the row's other properties. An id that belongs to another workspace is a
// conflict; a reference to a person or organisation that is neither stored
// nor in the batch is not found, and so is a member named as an author who
// is neither a member of the workspace nor in the batch.
//
// Every write step proves the workspace of what it touches: nodes are
// MERGEd on their id and workspace (a node of another workspace with that id
// is never matched, and the uniqueness constraint refuses a second one), the
// people and organisations a relationship joins are matched in the
// workspace, and a replaced position is deleted only when its person is the
// workspace's.
func (s *Store) Upsert(ctx context.Context, ws string, b *graph.Batch, progress func(done, total int)) error {
	if err := prepareBatch(ws, b, s.Now()); err != nil {
		return err
	}
	total := b.Len()
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := requireWorkspace(ctx, tx, ws); err != nil {
			return nil, err
		}
		if err := requireMembers(ctx, tx, ws, b); err != nil {
			return nil, err
		}
		done := 0
		tieIDs := map[[2]string]string{} // the stored id of each tie, by its pair
		step := func(kind string, rows []map[string]any, q string) error {
			for start := 0; start < len(rows); start += upsertBatchSize {
				part := rows[start:min(start+upsertBatchSize, len(rows))]
				if err := upsertRows(ctx, tx, ws, kind, part, q, tieIDs); err != nil {
					return err
				}
				done += len(part)
				if progress != nil {
					progress(done, total)
				}
			}
			return nil
		}
		for _, st := range upsertSteps(b) {
			if err := step(st.kind, st.rows, st.query); err != nil {
				return nil, err
			}
		}
		return nil, recordChanges(ctx, tx, ws, batchChanges(b, tieIDs)...)
	})
	return err
}

// batchChanges lists what an Upsert wrote for the change feed; a tie takes
// the id stored for its pair, which an existing tie keeps.
func batchChanges(b *graph.Batch, tieIDs map[[2]string]string) []graph.Change {
	out := make([]graph.Change, 0, b.Len())
	out = appendChanges(out, b.Organizations, graph.OrganizationSet)
	out = appendChanges(out, b.People, graph.PersonSet)
	out = appendChanges(out, b.Employments, graph.EmploymentSet)
	out = appendChanges(out, b.Ties, func(t *graph.Tie) graph.Change {
		if id, ok := tieIDs[[2]string{t.PersonA, t.PersonB}]; ok && id != t.ID {
			c := *t
			c.ID = id
			t = &c
		}
		return graph.TieSet(t)
	})
	out = appendChanges(out, b.Interactions, graph.InteractionSet)
	out = appendChanges(out, b.Introductions, graph.IntroductionSet)
	return appendChanges(out, b.Users, graph.MemberSet)
}

func appendChanges[T any](out []graph.Change, l []T, fn func(T) graph.Change) []graph.Change {
	for _, v := range l {
		out = append(out, fn(v))
	}
	return out
}

// prepareBatch validates every entity, sets its workspace and fills missing
// timestamps; nothing is written when one is invalid.
func prepareBatch(ws string, b *graph.Batch, now time.Time) error {
	for _, u := range b.Users {
		u.Follows = graph.CleanList(u.Follows)
	}
	err := cmp.Or(
		prepare(ws, now, "organization", b.Organizations, func(v *graph.Organization) stamps { return stamps{v.ID, &v.WorkspaceID, &v.CreatedAt, &v.UpdatedAt} }),
		prepare(ws, now, "person", b.People, func(v *graph.Person) stamps { return stamps{v.ID, &v.WorkspaceID, &v.CreatedAt, &v.UpdatedAt} }),
		prepare(ws, now, "employment", b.Employments, func(v *graph.Employment) stamps { return stamps{v.ID, &v.WorkspaceID, &v.CreatedAt, &v.UpdatedAt} }),
		prepare(ws, now, "tie", b.Ties, func(v *graph.Tie) stamps { return stamps{v.ID, &v.WorkspaceID, &v.CreatedAt, &v.UpdatedAt} }),
		prepare(ws, now, "interaction", b.Interactions, func(v *graph.Interaction) stamps { return stamps{v.ID, &v.WorkspaceID, &v.CreatedAt, &v.UpdatedAt} }),
		prepare(ws, now, "introduction", b.Introductions, func(v *graph.Introduction) stamps {
			if v.RequestedAt.IsZero() {
				v.RequestedAt = cmp.Or(v.CreatedAt, now)
			}
			return stamps{v.ID, &v.WorkspaceID, &v.CreatedAt, &v.UpdatedAt}
		}),
		prepare(ws, now, "note", b.Notes, func(v *graph.Note) stamps { return stamps{v.ID, &v.WorkspaceID, &v.CreatedAt, &v.UpdatedAt} }),
		prepare(ws, now, "member", b.Users, func(v *graph.User) stamps { return stamps{v.ID, &v.WorkspaceID, &v.CreatedAt, &v.UpdatedAt} }),
	)
	if err != nil {
		return err
	}
	own := map[string]bool{}
	for i, v := range b.Users {
		if v.PersonID != "" && own[v.PersonID] {
			return graph.Errorf(graph.ECONFLICT, "member %d of the batch: another member of the batch has the same own person.", i+1)
		}
		own[v.PersonID] = true
	}
	return nil
}

// stamps are the fields prepare sets of an entity, and its id.
type stamps struct {
	id               string
	workspace        *string
	created, updated *time.Time
}

// prepare sets the workspace and missing timestamps of every entity of a
// kind and checks it, saying which one of the batch is at fault.
func prepare[T interface{ Validate() error }](ws string, now time.Time, kind string, l []T, fields func(T) stamps) error {
	for i, v := range l {
		f := fields(v)
		*f.workspace = ws
		if f.created.IsZero() {
			*f.created = now
		}
		if f.updated.IsZero() {
			*f.updated = now
		}
		err := v.Validate()
		if err == nil && !graph.ValidID(f.id) {
			err = graph.FieldErrorf("id", "Missing or malformed id (ids are 26 characters of 0-9 and a-z).")
		}
		if err != nil {
			return &graph.Error{Code: graph.ErrorCode(err), Field: graph.ErrorField(err),
				Message: fmt.Sprintf("%s %d of the batch: %s", kind, i+1, graph.ErrorMessage(err))}
		}
	}
	return nil
}

type upsertStep struct {
	kind  string
	rows  []map[string]any
	query string
}

// upsertSteps turns the batch into UNWIND statements, in dependency order.
// A node that MERGE creates gets its properties added (SET += row): replacing
// them (SET = row) would first delete the property chain MERGE has just
// written; a node that exists gets them replaced, so that a field the row
// leaves out is removed.
// Each statement returns the number of rows it wrote, so a row whose
// references are missing is detected.
func upsertSteps(b *graph.Batch) []upsertStep {
	var steps []upsertStep
	add := func(kind string, rows []map[string]any, q string) {
		if len(rows) > 0 {
			steps = append(steps, upsertStep{kind, rows, q})
		}
	}
	add("Organization", mapRows(b.Organizations, orgParams), `
		UNWIND $rows AS row
		MERGE (o:Organization {id: row.id, workspaceId: $ws})
		ON CREATE SET o += row
		ON MATCH SET o = row
		RETURN count(o)`)
	add("Person", mapRows(b.People, personParams), `
		UNWIND $rows AS row
		MERGE (p:Person {id: row.id, workspaceId: $ws})
		ON CREATE SET p += row
		ON MATCH SET p = row
		RETURN count(p)`)
	add("Employment", mapRows(b.Employments, func(e *graph.Employment) map[string]any {
		return map[string]any{"id": e.ID, "person": e.PersonID, "org": e.OrganizationID, "props": employmentParams(e)}
	}), `
		UNWIND $rows AS row
		OPTIONAL MATCH (op:Person)-[old:WORKS_AT {id: row.id}]->() USING INDEX old:WORKS_AT(id)
		WHERE op.workspaceId = $ws
		DELETE old
		WITH row
		MATCH (p:Person {id: row.person}) USING INDEX p:Person(id) WHERE p.workspaceId = $ws
		MATCH (o:Organization {id: row.org}) USING INDEX o:Organization(id) WHERE o.workspaceId = $ws
		CREATE (p)-[w:WORKS_AT]->(o)
		SET w = row.props
		RETURN count(w)`)
	add("Tie", mapRows(b.Ties, func(t *graph.Tie) map[string]any {
		return map[string]any{"id": t.ID, "a": t.PersonA, "b": t.PersonB, "props": tieParams(t)}
	}), `
		UNWIND $rows AS row
		MATCH (a:Person {id: row.a}) USING INDEX a:Person(id) WHERE a.workspaceId = $ws
		MATCH (b:Person {id: row.b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws
		MERGE (a)-[t:KNOWS]-(b)
		ON CREATE SET t += row.props
		ON MATCH SET t.since = row.props.since, t.source = row.props.source, t.strength = row.props.strength,
			t.context = row.props.context, t.updatedAt = row.props.updatedAt
		RETURN count(t), collect([row.a, row.b, t.id])`)
	add("Interaction", mapRows(b.Interactions, func(i *graph.Interaction) map[string]any {
		return map[string]any{"id": i.ID, "participants": i.ParticipantIDs, "props": interactionParams(i)}
	}), `
		UNWIND $rows AS row
		MERGE (i:Interaction {id: row.id, workspaceId: $ws})
		ON CREATE SET i += row.props
		ON MATCH SET i = row.props
		WITH i, row
		OPTIONAL MATCH (i)-[old:WITH]->()
		DELETE old
		WITH DISTINCT i, row
		CALL (i, row) {
			MATCH (p:Person) USING INDEX p:Person(id) WHERE p.id IN row.participants AND p.workspaceId = $ws
			CREATE (i)-[:WITH]->(p)
			RETURN count(p) AS n
		}
		WITH i, row, n WHERE n = size(row.participants)
		RETURN count(i)`)
	add("Introduction", mapRows(b.Introductions, func(in *graph.Introduction) map[string]any {
		return map[string]any{"id": in.ID, "by": in.IntroducerID, "of": in.PersonID, "to": in.TargetID,
			"props": introParams(in)}
	}), `
		UNWIND $rows AS row
		MERGE (i:Introduction {id: row.id, workspaceId: $ws})
		ON CREATE SET i += row.props
		ON MATCH SET i = row.props
		WITH i, row
		OPTIONAL MATCH (i)-[old:BY|OF|TO]->()
		DELETE old
		WITH DISTINCT i, row
		MATCH (by:Person {id: row.by}) USING INDEX by:Person(id) WHERE by.workspaceId = $ws
		MATCH (of:Person {id: row.of}) USING INDEX of:Person(id) WHERE of.workspaceId = $ws
		MATCH (to:Person {id: row.to}) USING INDEX to:Person(id) WHERE to.workspaceId = $ws
		CREATE (i)-[:BY]->(by), (i)-[:OF]->(of), (i)-[:TO]->(to)
		RETURN count(i)`)
	add("Note", mapRows(b.Notes, noteParams), `
		UNWIND $rows AS row
		MERGE (n:Note {id: row.id, workspaceId: $ws})
		ON CREATE SET n += row
		ON MATCH SET n = row
		WITH n, row
		OPTIONAL MATCH (n)-[old:ABOUT]->()
		DELETE old
		WITH DISTINCT n, row
		MATCH (p:Person {id: row.personId}) USING INDEX p:Person(id) WHERE p.workspaceId = $ws
		CREATE (n)-[:ABOUT]->(p)
		RETURN count(n)`)
	add("User", mapRows(b.Users, func(u *graph.User) map[string]any {
		return map[string]any{"id": u.ID, "person": u.PersonID, "follows": list(u.Follows), "props": userParams(u)}
	}), `
		UNWIND $rows AS row
		MERGE (u:User {id: row.id, workspaceId: $ws})
		ON CREATE SET u += row.props
		ON MATCH SET u = row.props
		WITH u, row
		OPTIONAL MATCH (u)-[old:IS]->()
		DELETE old
		WITH DISTINCT u, row
		CALL (u, row) {
			OPTIONAL MATCH (p:Person {id: row.person}) USING INDEX p:Person(id) WHERE p.workspaceId = $ws
			FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | CREATE (u)-[:IS]->(p))
			RETURN p IS NOT NULL OR row.person = '' AS linked
		}
		CALL (row) {
			OPTIONAL MATCH (o:Organization) USING INDEX o:Organization(id)
			WHERE o.id IN coalesce(row.follows, []) AND o.workspaceId = $ws
			RETURN count(o) AS followed
		}
		WITH u, linked, followed WHERE linked AND followed = size(coalesce(row.follows, []))
		RETURN count(u)`)
	return steps
}

func mapRows[T any](l []T, fn func(T) map[string]any) []map[string]any {
	rows := make([]map[string]any, len(l))
	for i, v := range l {
		rows[i] = fn(v)
	}
	return rows
}

// foreignChecks count the rows of a kind whose id another workspace
// already uses: a node by its workspaceId, a relationship by either of its
// ends. The write steps could not touch such a node or relationship anyway
// (they MERGE on id and workspace, and the uniqueness constraints refuse a
// second one), but this check names the problem before anything is written.
// Kinds are the fixed labels of upsertSteps, never input.
func foreignCheck(kind string) string {
	switch kind {
	case "Employment":
		return `UNWIND $rows AS row
			MATCH (p)-[r:WORKS_AT {id: row.id}]->(o) USING INDEX r:WORKS_AT(id)
			WHERE p.workspaceId <> $ws OR o.workspaceId <> $ws
			RETURN count(r)`
	case "Tie":
		return `UNWIND $rows AS row
			MATCH (a)-[r:KNOWS {id: row.id}]->(b) USING INDEX r:KNOWS(id)
			WHERE a.workspaceId <> $ws OR b.workspaceId <> $ws
			RETURN count(r)`
	}
	return "UNWIND $rows AS row MATCH (n:" + kind + " {id: row.id}) WHERE n.workspaceId <> $ws RETURN count(n)"
}

// upsertRows writes one UNWIND batch after checking that none of its ids
// belongs to another workspace. The tie statement also returns the stored
// id of each pair, which go into tieIDs.
func upsertRows(ctx context.Context, tx neo4j.ManagedTransaction, ws, kind string, rows []map[string]any, q string,
	tieIDs map[[2]string]string) error {
	params := map[string]any{"rows": rows, "ws": ws}
	n, err := count(ctx, tx, foreignCheck(kind), params)
	if err != nil {
		return fmt.Errorf("upsert %s: %w", kind, err)
	} else if n > 0 {
		return graph.Errorf(graph.ECONFLICT, "%d %s ids of the batch belong to another workspace; nothing was written.", n, kind)
	}
	if kind == "User" {
		// A member's own person is theirs alone: paths and dormant ties
		// start there, so sharing it would show one member another's.
		n, err := count(ctx, tx, `UNWIND $rows AS row
			MATCH (o:User)-[:IS]->(p:Person {id: row.person}) WHERE o.id <> row.id
			RETURN count(o)`, params)
		if err != nil {
			return fmt.Errorf("upsert %s: %w", kind, err)
		} else if n > 0 {
			return graph.Errorf(graph.ECONFLICT, "%d members of the batch have another member's own person as theirs; nothing was written.", n)
		}
	}
	rec, err := single(ctx, tx, q, params)
	if err != nil {
		return fmt.Errorf("upsert %s: %w", kind, err)
	}
	n = 0
	if rec != nil {
		c, _ := rec.Values[0].(int64)
		n = int(c)
		if len(rec.Values) > 1 {
			// The tie statement also returns the stored id of each pair.
			for _, x := range rec.Values[1].([]any) {
				v := x.([]any)
				tieIDs[[2]string{vstr(v[0]), vstr(v[1])}] = vstr(v[2])
			}
		}
	}
	if n != len(rows) {
		return graph.Errorf(graph.ENOTFOUND, "%d of %d %s rows refer to people or organizations that do not exist in the workspace.",
			len(rows)-n, len(rows), kind)
	}
	return nil
}

// requireMembers fails with ENOTFOUND unless every member the batch names
// (note authors, who logged an interaction, who requested an introduction)
// is a member of the workspace or a member the batch writes.
func requireMembers(ctx context.Context, tx neo4j.ManagedTransaction, ws string, b *graph.Batch) error {
	inBatch := map[string]bool{}
	for _, u := range b.Users {
		inBatch[u.ID] = true
	}
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if id != "" && !inBatch[id] && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, n := range b.Notes {
		add(n.AuthorID)
	}
	for _, i := range b.Interactions {
		add(i.LoggedBy)
	}
	for _, in := range b.Introductions {
		add(in.RequestedBy)
	}
	if len(ids) == 0 {
		return nil
	}
	n, err := count(ctx, tx, "MATCH (u:User) WHERE u.id IN $ids AND u.workspaceId = $ws RETURN count(u)",
		map[string]any{"ids": ids, "ws": ws})
	if err != nil {
		return err
	} else if n != len(ids) {
		return graph.Errorf(graph.ENOTFOUND, "%d of the members the batch names as authors are not members of the workspace.", len(ids)-n)
	}
	return nil
}
