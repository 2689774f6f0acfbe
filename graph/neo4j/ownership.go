package neo4j

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

// DeletePersonFor deletes a person on behalf of the member userID. An owner
// deletes everything, as DeletePerson does. Anyone else is refused
// (EFORBIDDEN) when the person has private notes of other members or took
// part in interactions other members logged: deleting the person would
// delete those too, and a member may not destroy what is another's. The
// member's role is read in the same transaction.
func (s *Store) DeletePersonFor(ctx context.Context, ws, id, userID string) error {
	if userID == "" {
		return graph.Errorf(graph.EFORBIDDEN, "Deleting a person needs a member.")
	}
	return s.deletePerson(ctx, ws, id, userID)
}

// requireOthersKept fails with EFORBIDDEN unless the member by is an owner
// or nothing private of another member hangs off the person.
func requireOthersKept(ctx context.Context, tx neo4j.ManagedTransaction, ws, id, by string) error {
	rec, err := single(ctx, tx, `
		OPTIONAL MATCH (u:User {id: $by, workspaceId: $ws})
		RETURN u.role,
			COUNT { MATCH (n:Note)-[:ABOUT]->(:Person {id: $id}) WHERE n.workspaceId = $ws AND n.authorId <> $by },
			COUNT { MATCH (i:Interaction)-[:WITH]->(:Person {id: $id})
				WHERE i.workspaceId = $ws AND i.loggedBy IS NOT NULL AND i.loggedBy <> $by }`,
		map[string]any{"ws": ws, "id": id, "by": by})
	if err != nil {
		return err
	}
	role, _ := rec.Values[0].(string)
	notes, _ := rec.Values[1].(int64)
	logged, _ := rec.Values[2].(int64)
	switch {
	case role == "":
		return notFound("User")
	case graph.Role(role) == graph.RoleOwner || notes+logged == 0:
		return nil
	}
	return graph.Errorf(graph.EFORBIDDEN, "Only an owner can delete this person: other members have %d private notes about "+
		"them and logged %d interactions with them, which would go too.", notes, logged)
}

// requireNotOwnPerson fails with ECONFLICT when the person is another
// member's own person: paths and dormant ties start at one's own person, so
// sharing it would show one member another's.
func requireNotOwnPerson(ctx context.Context, tx neo4j.ManagedTransaction, ws, userID, personID string) error {
	n, err := count(ctx, tx, `MATCH (o:User)-[:IS]->(:Person {id: $person, workspaceId: $ws}) WHERE o.id <> $id RETURN count(o)`,
		map[string]any{"ws": ws, "id": userID, "person": personID})
	if err != nil {
		return err
	} else if n > 0 {
		return &graph.Error{Code: graph.ECONFLICT, Field: "person_id", Message: "That person is another member's own person."}
	}
	return nil
}
