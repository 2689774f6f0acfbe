package neo4j

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

// personReturn projects a person with its current company.
const personReturn = `p {.*, company: COLLECT {
	MATCH (p)-[w:WORKS_AT]->(o:Organization) WHERE w.end IS NULL
	RETURN o.name ORDER BY w.start DESC, o.name LIMIT 1 }[0]}`

func personFrom(m map[string]any) *graph.Person {
	return &graph.Person{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), Name: str(m, "name"),
		FirstName: str(m, "firstName"), LastName: str(m, "lastName"), Emails: strs(m, "emails"),
		Phones: strs(m, "phones"), LinkedInURL: str(m, "linkedinUrl"), URLs: strs(m, "urls"),
		Title: str(m, "title"), Company: str(m, "company"), Location: str(m, "location"),
		Tags: strs(m, "tags"), Skills: strs(m, "skills"), Needs: strs(m, "needs"),
		Source: str(m, "source"), ExternalID: str(m, "externalId"), UserEdited: strs(m, "userEdited"),
		MatchKeys: strs(m, "matchKeys"), Provenance: provenanceFrom(str(m, "provenance")), CreatedAt: tm(m, "createdAt"), UpdatedAt: tm(m, "updatedAt"),
	}
}

func personParams(p *graph.Person) map[string]any {
	return sparse(map[string]any{
		"id": p.ID, "workspaceId": p.WorkspaceID, "name": p.Name, "firstName": p.FirstName,
		"lastName": p.LastName, "emails": list(p.Emails), "phones": list(p.Phones),
		"linkedinUrl": p.LinkedInURL, "urls": list(p.URLs), "title": p.Title, "location": p.Location,
		"tags": list(p.Tags), "skills": list(p.Skills), "needs": list(p.Needs), "source": p.Source,
		"externalId": p.ExternalID, "userEdited": list(p.UserEdited),
		"matchKeys": list(p.MatchKeys), "provenance": provenanceParam(p.Provenance),
		"createdAt": tparam(p.CreatedAt), "updatedAt": tparam(p.UpdatedAt),
	})
}

// CreatePerson stores a new person.
func (s *Store) CreatePerson(ctx context.Context, p *graph.Person) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if p.ID == "" {
		p.ID = graph.NewID()
	}
	p.CreatedAt, p.UpdatedAt = s.Now(), s.Now()
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := requireWorkspace(ctx, tx, p.WorkspaceID); err != nil {
			return nil, err
		}
		if _, err := tx.Run(ctx, "CREATE (p:Person) SET p = $props", map[string]any{"props": personParams(p)}); err != nil {
			return nil, err
		}
		return nil, recordChanges(ctx, tx, p.WorkspaceID, graph.PersonSet(p))
	})
	return err
}

func findPerson(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (*graph.Person, error) {
	l, err := collect(ctx, tx, "MATCH (p:Person {id: $id, workspaceId: $ws}) RETURN "+personReturn,
		map[string]any{"id": id, "ws": ws}, personFrom)
	if err != nil {
		return nil, err
	} else if len(l) == 0 {
		return nil, notFound("Person")
	}
	return l[0], nil
}

// FindPerson returns a person of the workspace.
func (s *Store) FindPerson(ctx context.Context, ws, id string) (*graph.Person, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Person, error) { return findPerson(ctx, tx, ws, id) })
}

// personWhere builds the WHERE clause of a person search from fixed fragments;
// user input only ever reaches the parameters.
func personWhere(f graph.PersonFilter) (string, map[string]any) {
	conds := []string{"true"}
	params := map[string]any{}
	add := func(cond, key, val string) {
		if val = strings.TrimSpace(val); val != "" {
			conds = append(conds, cond)
			params[key] = strings.ToLower(val)
		}
	}
	add("toLower(p.name) CONTAINS $name", "name", f.Name)
	add("any(e IN p.emails WHERE e CONTAINS $email)", "email", f.Email)
	add("toLower(p.title) CONTAINS $title", "title", f.Title)
	add("toLower(p.location) CONTAINS $location", "location", f.Location)
	add("any(t IN p.tags WHERE toLower(t) = $tag)", "tag", f.Tag)
	add("any(t IN p.skills WHERE toLower(t) = $skill)", "skill", f.Skill)
	add("EXISTS { MATCH (p)-[:WORKS_AT]->(o:Organization) WHERE toLower(o.name) CONTAINS $company }", "company", f.Company)
	add(`(toLower(p.name) CONTAINS $q OR toLower(p.title) CONTAINS $q OR toLower(p.location) CONTAINS $q
		OR any(e IN p.emails WHERE e CONTAINS $q)
		OR any(t IN coalesce(p.tags, []) + coalesce(p.skills, []) + coalesce(p.needs, []) WHERE toLower(t) CONTAINS $q)
		OR EXISTS { MATCH (p)-[:WORKS_AT]->(o:Organization) WHERE toLower(o.name) CONTAINS $q })`, "q", f.Query)
	if len(f.IDs) > 0 {
		conds = append(conds, "p.id IN $ids")
		params["ids"] = f.IDs
	}
	return strings.Join(conds, " AND "), params
}

// FindPeople searches the workspace's people, ordered by name.
func (s *Store) FindPeople(ctx context.Context, ws string, f graph.PersonFilter) ([]*graph.Person, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	where, params := personWhere(f)
	params["ws"], params["offset"], params["limit"] = ws, f.Offset, f.Limit
	type page struct {
		people []*graph.Person
		total  int
	}
	res, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (page, error) {
		total, err := count(ctx, tx, "MATCH (p:Person {workspaceId: $ws}) WHERE "+where+" RETURN count(p)", params)
		if err != nil {
			return page{}, err
		}
		people, err := collect(ctx, tx, "MATCH (p:Person {workspaceId: $ws}) WHERE "+where+
			" WITH p ORDER BY toLower(p.name), p.id SKIP $offset LIMIT $limit RETURN "+personReturn, params, personFrom)
		return page{people, total}, err
	})
	return res.people, res.total, err
}

// UpdatePerson changes a person.
func (s *Store) UpdatePerson(ctx context.Context, ws, id string, upd graph.PersonUpdate, byUser bool) (*graph.Person, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Person, error) {
		p, err := findPerson(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		upd.Apply(p, byUser)
		if err := p.Validate(); err != nil {
			return nil, err
		}
		p.UpdatedAt = s.Now()
		if _, err := tx.Run(ctx, "MATCH (p:Person {id: $id}) SET p = $props",
			map[string]any{"id": id, "props": personParams(p)}); err != nil {
			return nil, err
		}
		return p, recordChanges(ctx, tx, ws, graph.PersonSet(p))
	})
}

// DeletePerson removes a person and what hangs off them, in one transaction.
func (s *Store) DeletePerson(ctx context.Context, ws, id string) error {
	return s.deletePerson(ctx, ws, id, "")
}

// deletePerson deletes a person; with a member's id, on their behalf (see
// DeletePersonFor).
func (s *Store) deletePerson(ctx context.Context, ws, id, by string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := findPerson(ctx, tx, ws, id); err != nil {
			return nil, err
		}
		n, err := count(ctx, tx, "MATCH (u:User {workspaceId: $ws})-[:IS]->(:Person {id: $id}) RETURN count(u)",
			map[string]any{"id": id, "ws": ws})
		if err != nil {
			return nil, err
		} else if n > 0 {
			return nil, graph.Errorf(graph.ECONFLICT, "This person is a member's own person; remove the member first.")
		}
		if by != "" {
			if err := requireOthersKept(ctx, tx, ws, id, by); err != nil {
				return nil, err
			}
		}
		changes, err := personCascade(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		for _, q := range []string{
			// Notes and introductions about the person go with them.
			"MATCH (n:Note {workspaceId: $ws})-[:ABOUT]->(:Person {id: $id}) DETACH DELETE n",
			"MATCH (i:Introduction {workspaceId: $ws})-[:BY|OF|TO]->(:Person {id: $id}) DETACH DELETE i",
			// Interactions lose the person; those left with one participant go too.
			`MATCH (i:Interaction {workspaceId: $ws})-[w:WITH]->(:Person {id: $id})
			 DELETE w
			 WITH DISTINCT i
			 SET i.initiatorId = CASE WHEN i.initiatorId = $id THEN null ELSE i.initiatorId END
			 WITH i WHERE COUNT { (i)-[:WITH]->() } < 2
			 DETACH DELETE i`,
			"MATCH (p:Person {id: $id, workspaceId: $ws}) DETACH DELETE p",
		} {
			if _, err := tx.Run(ctx, q, map[string]any{"id": id, "ws": ws}); err != nil {
				return nil, err
			}
		}
		return nil, recordChanges(ctx, tx, ws, changes...)
	})
	return err
}

// personCascade lists, before DeletePerson deletes anything, what deleting
// the person changes besides them: their ties, positions and introductions
// go, and their interactions lose them (and go when fewer than two
// participants are left). The person's own deletion comes last.
func personCascade(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) ([]graph.Change, error) {
	params := map[string]any{"id": id, "ws": ws}
	var changes []graph.Change
	ties, err := collect(ctx, tx, `MATCH (:Person {id: $id, workspaceId: $ws})-[t:KNOWS]-(:Person)
		WITH DISTINCT t MATCH (a:Person)-[t]->(b:Person) RETURN `+tieReturn, params, tieFrom)
	if err != nil {
		return nil, err
	}
	for _, t := range ties {
		changes = append(changes, graph.TieDeleted(t))
	}
	jobs, err := positionsOf(ctx, tx, ws, id)
	if err != nil {
		return nil, err
	}
	for _, e := range jobs {
		changes = append(changes, graph.EmploymentDeleted(e))
	}
	intros, err := collect(ctx, tx, `MATCH (i:Introduction {workspaceId: $ws})-[:BY|OF|TO]->(:Person {id: $id})
		WITH DISTINCT i RETURN i {.id}`, params, func(m map[string]any) string { return str(m, "id") })
	if err != nil {
		return nil, err
	}
	for _, in := range intros {
		changes = append(changes, graph.IntroductionDeleted(in))
	}
	inters, err := interactionsWith(ctx, tx, ws, id)
	if err != nil {
		return nil, err
	}
	for _, in := range inters {
		in.ParticipantIDs = slices.DeleteFunc(in.ParticipantIDs, func(p string) bool { return p == id })
		if in.InitiatorID == id {
			in.InitiatorID = ""
		}
		if len(in.ParticipantIDs) < 2 {
			changes = append(changes, graph.InteractionDeleted(in.ID))
		} else {
			changes = append(changes, graph.InteractionSet(in))
		}
	}
	return append(changes, graph.PersonDeleted(id)), nil
}

// positionsOf returns a person's positions.
func positionsOf(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) ([]*graph.Employment, error) {
	return collect(ctx, tx, `MATCH (p:Person {id: $id, workspaceId: $ws})-[w:WORKS_AT]->(o:Organization)
		RETURN `+employmentReturn, map[string]any{"id": id, "ws": ws}, employmentFrom)
}

// interactionsWith returns the interactions a person took part in.
func interactionsWith(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) ([]*graph.Interaction, error) {
	return collect(ctx, tx, `MATCH (anchor:Person {id: $id})<-[:WITH]-(i:Interaction) USING INDEX anchor:Person(id)
		WHERE anchor.workspaceId = $ws AND i.workspaceId = $ws
		RETURN `+interactionReturn, map[string]any{"id": id, "ws": ws}, interactionFrom)
}

func noteFrom(m map[string]any) *graph.Note {
	return &graph.Note{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), PersonID: str(m, "personId"),
		AuthorID: str(m, "authorId"), Body: str(m, "body"), Source: str(m, "source"),
		CreatedAt: tm(m, "createdAt"), UpdatedAt: tm(m, "updatedAt"),
	}
}

func noteParams(n *graph.Note) map[string]any {
	return sparse(map[string]any{
		"id": n.ID, "workspaceId": n.WorkspaceID, "personId": n.PersonID, "authorId": n.AuthorID,
		"body": n.Body, "source": n.Source, "createdAt": tparam(n.CreatedAt), "updatedAt": tparam(n.UpdatedAt),
	})
}

// CreateNote stores a private note about a person.
func (s *Store) CreateNote(ctx context.Context, n *graph.Note) error {
	if err := n.Validate(); err != nil {
		return err
	}
	if n.ID == "" {
		n.ID = graph.NewID()
	}
	n.CreatedAt, n.UpdatedAt = s.Now(), s.Now()
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := findUser(ctx, tx, n.WorkspaceID, n.AuthorID); err != nil {
			return nil, err
		}
		if err := requirePeople(ctx, tx, n.WorkspaceID, n.PersonID); err != nil {
			return nil, err
		}
		_, err := tx.Run(ctx, `MATCH (p:Person {id: $props.personId})
			CREATE (n:Note)-[:ABOUT]->(p) SET n = $props`, map[string]any{"props": noteParams(n)})
		return nil, err
	})
	return err
}

func findNote(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (*graph.Note, error) {
	l, err := collect(ctx, tx, "MATCH (n:Note {id: $id, workspaceId: $ws}) RETURN n {.*}",
		map[string]any{"id": id, "ws": ws}, noteFrom)
	if err != nil {
		return nil, err
	} else if len(l) == 0 {
		return nil, notFound("Note")
	}
	return l[0], nil
}

// FindNote returns a note.
func (s *Store) FindNote(ctx context.Context, ws, id string) (*graph.Note, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Note, error) { return findNote(ctx, tx, ws, id) })
}

// FindNotes returns one author's notes about a person, oldest first.
func (s *Store) FindNotes(ctx context.Context, ws, personID, authorID string) ([]*graph.Note, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*graph.Note, error) {
		if err := requirePeople(ctx, tx, ws, personID); err != nil {
			return nil, err
		}
		return collect(ctx, tx, `MATCH (n:Note {workspaceId: $ws, personId: $person, authorId: $author})
			RETURN n {.*} ORDER BY n.createdAt, n.id`, map[string]any{"ws": ws, "person": personID, "author": authorID}, noteFrom)
	})
}

// UpdateNote replaces a note's body.
func (s *Store) UpdateNote(ctx context.Context, ws, id, body string) (*graph.Note, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Note, error) {
		n, err := findNote(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		n.Body = body
		if err := n.Validate(); err != nil {
			return nil, err
		}
		n.UpdatedAt = s.Now()
		_, err = tx.Run(ctx, "MATCH (n:Note {id: $id}) SET n.body = $body, n.updatedAt = $now",
			map[string]any{"id": id, "body": n.Body, "now": tparam(n.UpdatedAt)})
		return n, err
	})
}

// DeleteNote removes a note.
func (s *Store) DeleteNote(ctx context.Context, ws, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		n, err := count(ctx, tx, "MATCH (n:Note {id: $id, workspaceId: $ws}) DETACH DELETE n RETURN count(*)",
			map[string]any{"id": id, "ws": ws})
		if err != nil {
			return nil, err
		} else if n == 0 {
			return nil, notFound("Note")
		}
		return nil, nil
	})
	return err
}

// Provenance is stored as a JSON object in a string property: Neo4j
// properties cannot be maps.
func provenanceParam(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func provenanceFrom(s string) map[string]string {
	if s == "" {
		return nil
	}
	var m map[string]string
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	return m
}
