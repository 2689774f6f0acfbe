package neo4j

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

// CreateWorkspace stores a new workspace.
func (s *Store) CreateWorkspace(ctx context.Context, w *graph.Workspace) error {
	if err := w.Validate(); err != nil {
		return err
	}
	if w.ID == "" {
		w.ID = graph.NewID()
	}
	w.CreatedAt = s.Now()
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		_, err := tx.Run(ctx, "CREATE (w:Workspace {id: $id, name: $name, createdAt: $createdAt})",
			map[string]any{"id": w.ID, "name": w.Name, "createdAt": tparam(w.CreatedAt)})
		return nil, err
	})
	return err
}

func workspaceFrom(m map[string]any) *graph.Workspace {
	return &graph.Workspace{ID: str(m, "id"), Name: str(m, "name"), CreatedAt: tm(m, "createdAt")}
}

// FindWorkspace returns the workspace with the given id.
func (s *Store) FindWorkspace(ctx context.Context, id string) (*graph.Workspace, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Workspace, error) {
		l, err := collect(ctx, tx, "MATCH (w:Workspace {id: $id}) WHERE w.deleting IS NULL RETURN w {.*}", map[string]any{"id": id}, workspaceFrom)
		if err != nil {
			return nil, err
		} else if len(l) == 0 {
			return nil, notFound("Workspace")
		}
		return l[0], nil
	})
}

// FindWorkspaces returns every workspace, oldest first.
func (s *Store) FindWorkspaces(ctx context.Context) ([]*graph.Workspace, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*graph.Workspace, error) {
		return collect(ctx, tx, "MATCH (w:Workspace) WHERE w.deleting IS NULL RETURN w {.*} ORDER BY w.createdAt, w.id", nil, workspaceFrom)
	})
}

// workspaceLabels are the labels of nodes that belong to a workspace.
var workspaceLabels = []string{"Interaction", "Introduction", "Note", "Token", "User", "Person", "Organization",
	"Delivery", "Report", "Job", "Merge", "Account", "Correspondent", "FeedEntry", "FeedReplica",
	"FeedCheckpoint"}

// deleteBatch is how many nodes one transaction of DeleteWorkspace removes:
// a large workspace does not fit in one transaction's memory.
const deleteBatch = 5000

// DeleteWorkspace removes the workspace and everything in it. The workspace
// is first marked deleting (and then no longer found), its contents go in
// batches of their own transactions, and the workspace node last; a deletion
// cut short is finished by calling DeleteWorkspace again.
func (s *Store) DeleteWorkspace(ctx context.Context, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		n, err := count(ctx, tx, "MATCH (w:Workspace {id: $id}) SET w.deleting = true RETURN count(w)", map[string]any{"id": id})
		if err != nil {
			return nil, err
		} else if n == 0 {
			return nil, notFound("Workspace")
		}
		return nil, nil
	})
	if err != nil {
		return err
	}
	for _, label := range workspaceLabels {
		for {
			// Labels come from the fixed list above, never from input.
			n, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
				return count(ctx, tx, "MATCH (n:"+label+" {workspaceId: $id}) WITH n LIMIT $batch DETACH DELETE n RETURN count(*)",
					map[string]any{"id": id, "batch": deleteBatch})
			})
			if err != nil {
				return fmt.Errorf("delete workspace %s nodes: %w", label, err)
			}
			if n < deleteBatch {
				break
			}
		}
	}
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		_, err := tx.Run(ctx, "MATCH (w:Workspace {id: $id}) DETACH DELETE w", map[string]any{"id": id})
		return nil, err
	})
	return err
}

// requireWorkspace fails with ENOTFOUND when the workspace does not exist.
func requireWorkspace(ctx context.Context, tx neo4j.ManagedTransaction, ws string) error {
	n, err := count(ctx, tx, "MATCH (w:Workspace {id: $ws}) WHERE w.deleting IS NULL RETURN count(w)", map[string]any{"ws": ws})
	if err != nil {
		return err
	} else if n == 0 {
		return notFound("Workspace")
	}
	return nil
}

// requirePeople fails with ENOTFOUND unless every id is a person of the workspace.
func requirePeople(ctx context.Context, tx neo4j.ManagedTransaction, ws string, ids ...string) error {
	n, err := count(ctx, tx, "MATCH (p:Person {workspaceId: $ws}) WHERE p.id IN $ids RETURN count(p)",
		map[string]any{"ws": ws, "ids": ids})
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	if n != len(seen) {
		return notFound("Person")
	}
	return nil
}

const userReturn = `u {.*, personId: [(u)-[:IS]->(p:Person) | p.id][0]}`

func userFrom(m map[string]any) *graph.User {
	return &graph.User{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), Name: str(m, "name"), Email: str(m, "email"),
		Role: graph.Role(str(m, "role")), PersonID: str(m, "personId"), Locale: str(m, "locale"),
		TimeZone: str(m, "timeZone"), Follows: strs(m, "follows"),
		CreatedAt: tm(m, "createdAt"), UpdatedAt: tm(m, "updatedAt"),
		Report: reportSettingsFrom(m),
	}
}

func userParams(u *graph.User) map[string]any {
	p := map[string]any{
		"id": u.ID, "workspaceId": u.WorkspaceID, "name": u.Name, "email": u.Email, "role": string(u.Role),
		"locale": u.Locale, "timeZone": u.TimeZone, "follows": list(u.Follows),
		"createdAt": tparam(u.CreatedAt), "updatedAt": tparam(u.UpdatedAt),
	}
	addReportSettings(p, u.Report)
	return p
}

// setUserPerson links the user to their own person, replacing any previous link.
func setUserPerson(ctx context.Context, tx neo4j.ManagedTransaction, ws, userID, personID string) error {
	if _, err := tx.Run(ctx, "MATCH (u:User {id: $id})-[r:IS]->() DELETE r", map[string]any{"id": userID}); err != nil {
		return err
	}
	if personID == "" {
		return nil
	}
	if err := requirePeople(ctx, tx, ws, personID); err != nil {
		return err
	}
	if err := requireNotOwnPerson(ctx, tx, ws, userID, personID); err != nil {
		return err
	}
	_, err := tx.Run(ctx, `MATCH (u:User {id: $id}), (p:Person {id: $person, workspaceId: $ws}) CREATE (u)-[:IS]->(p)`,
		map[string]any{"id": userID, "person": personID, "ws": ws})
	return err
}

// checkFollows fails unless every followed id is an organisation of the workspace.
func checkFollows(ctx context.Context, tx neo4j.ManagedTransaction, ws string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	n, err := count(ctx, tx, "MATCH (o:Organization {workspaceId: $ws}) WHERE o.id IN $ids RETURN count(o)",
		map[string]any{"ws": ws, "ids": ids})
	if err != nil {
		return err
	} else if n != len(ids) {
		return graph.FieldErrorf("follows", "Unknown organization in follows.")
	}
	return nil
}

// CreateUser stores a new member of a workspace.
func (s *Store) CreateUser(ctx context.Context, u *graph.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	u.Follows = graph.CleanList(u.Follows)
	if u.ID == "" {
		u.ID = graph.NewID()
	}
	u.CreatedAt, u.UpdatedAt = s.Now(), s.Now()
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := requireWorkspace(ctx, tx, u.WorkspaceID); err != nil {
			return nil, err
		}
		if err := checkFollows(ctx, tx, u.WorkspaceID, u.Follows); err != nil {
			return nil, err
		}
		if _, err := tx.Run(ctx, "CREATE (u:User) SET u = $props", map[string]any{"props": userParams(u)}); err != nil {
			return nil, err
		}
		if err := setUserPerson(ctx, tx, u.WorkspaceID, u.ID, u.PersonID); err != nil {
			return nil, err
		}
		return nil, recordChanges(ctx, tx, u.WorkspaceID, graph.MemberSet(u))
	})
	return err
}

func findUser(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (*graph.User, error) {
	l, err := collect(ctx, tx, "MATCH (u:User {id: $id, workspaceId: $ws}) RETURN "+userReturn,
		map[string]any{"id": id, "ws": ws}, userFrom)
	if err != nil {
		return nil, err
	} else if len(l) == 0 {
		return nil, notFound("User")
	}
	return l[0], nil
}

// FindUser returns a member of the workspace.
func (s *Store) FindUser(ctx context.Context, ws, id string) (*graph.User, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.User, error) { return findUser(ctx, tx, ws, id) })
}

// FindUsers returns the members of the workspace, oldest first.
func (s *Store) FindUsers(ctx context.Context, ws string) ([]*graph.User, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*graph.User, error) {
		if err := requireWorkspace(ctx, tx, ws); err != nil {
			return nil, err
		}
		return collect(ctx, tx, "MATCH (u:User {workspaceId: $ws}) RETURN "+userReturn+" ORDER BY u.createdAt, u.id",
			map[string]any{"ws": ws}, userFrom)
	})
}

// UpdateUser changes a member.
func (s *Store) UpdateUser(ctx context.Context, ws, id string, upd graph.UserUpdate) (*graph.User, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.User, error) {
		u, err := findUser(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		oldPerson := u.PersonID
		upd.Apply(u)
		if err := u.Validate(); err != nil {
			return nil, err
		}
		u.Follows = graph.CleanList(u.Follows)
		if err := checkFollows(ctx, tx, ws, u.Follows); err != nil {
			return nil, err
		}
		u.UpdatedAt = s.Now()
		if _, err := tx.Run(ctx, "MATCH (u:User {id: $id}) SET u = $props",
			map[string]any{"id": id, "props": userParams(u)}); err != nil {
			return nil, err
		}
		if u.PersonID != oldPerson {
			if err := setUserPerson(ctx, tx, ws, id, u.PersonID); err != nil {
				return nil, err
			}
			// Only the link to the own person is in the analytics.
			if err := recordChanges(ctx, tx, ws, graph.MemberSet(u)); err != nil {
				return nil, err
			}
		}
		return u, nil
	})
}

// DeleteUser removes a member with their tokens and notes.
func (s *Store) DeleteUser(ctx context.Context, ws, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := findUser(ctx, tx, ws, id); err != nil {
			return nil, err
		}
		_, err := tx.Run(ctx, `
			MATCH (u:User {id: $id, workspaceId: $ws})
			OPTIONAL MATCH (t:Token {userId: $id, workspaceId: $ws})
			OPTIONAL MATCH (n:Note {authorId: $id, workspaceId: $ws})
			DETACH DELETE u, t, n`, map[string]any{"id": id, "ws": ws})
		if err != nil {
			return nil, err
		}
		// A member's connected accounts hold their credentials: they go with them.
		if err := deleteUserAccounts(ctx, tx, ws, id); err != nil {
			return nil, err
		}
		if err := deleteUserReports(ctx, tx, ws, id); err != nil {
			return nil, err
		}
		return nil, recordChanges(ctx, tx, ws, graph.MemberDeleted(id))
	})
	return err
}

func tokenFrom(m map[string]any) *graph.Token {
	return &graph.Token{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), UserID: str(m, "userId"), Name: str(m, "name"),
		Prefix: str(m, "prefix"), Hash: str(m, "hash"), CreatedAt: tm(m, "createdAt"),
		LastUsedAt: tm(m, "lastUsedAt"), RevokedAt: tm(m, "revokedAt"),
	}
}

// CreateToken stores a token for a member; only its hash is kept.
func (s *Store) CreateToken(ctx context.Context, t *graph.Token) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if t.ID == "" {
		t.ID = graph.NewID()
	}
	t.CreatedAt = s.Now()
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := findUser(ctx, tx, t.WorkspaceID, t.UserID); err != nil {
			return nil, err
		}
		_, err := tx.Run(ctx, `
			MATCH (u:User {id: $userId})
			CREATE (u)-[:HAS_TOKEN]->(t:Token {id: $id, workspaceId: $ws, userId: $userId, name: $name,
				prefix: $prefix, hash: $hash, createdAt: $createdAt})`,
			map[string]any{"id": t.ID, "ws": t.WorkspaceID, "userId": t.UserID, "name": t.Name,
				"prefix": t.Prefix, "hash": t.Hash, "createdAt": tparam(t.CreatedAt)})
		return nil, err
	})
	return err
}

// FindTokenByHash finds a live token by the hash of its secret, in any workspace.
func (s *Store) FindTokenByHash(ctx context.Context, hash string) (*graph.Token, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Token, error) {
		l, err := collect(ctx, tx, "MATCH (t:Token {hash: $hash}) WHERE t.revokedAt IS NULL RETURN t {.*}",
			map[string]any{"hash": hash}, tokenFrom)
		if err != nil {
			return nil, err
		} else if len(l) == 0 {
			return nil, notFound("Token")
		}
		return l[0], nil
	})
}

// FindTokens lists a workspace's tokens, or one member's when userID is set.
func (s *Store) FindTokens(ctx context.Context, ws, userID string) ([]*graph.Token, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*graph.Token, error) {
		return collect(ctx, tx, `MATCH (t:Token {workspaceId: $ws}) WHERE $user = '' OR t.userId = $user
			RETURN t {.*} ORDER BY t.createdAt, t.id`, map[string]any{"ws": ws, "user": userID}, tokenFrom)
	})
}

// RevokeToken marks a token revoked; it stops working at once.
func (s *Store) RevokeToken(ctx context.Context, ws, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		n, err := count(ctx, tx, `MATCH (t:Token {id: $id, workspaceId: $ws})
			SET t.revokedAt = coalesce(t.revokedAt, $now) RETURN count(t)`,
			map[string]any{"id": id, "ws": ws, "now": tparam(s.Now())})
		if err != nil {
			return nil, err
		} else if n == 0 {
			return nil, notFound("Token")
		}
		return nil, nil
	})
	return err
}

// TouchToken records the time a token was last used.
func (s *Store) TouchToken(ctx context.Context, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		_, err := tx.Run(ctx, "MATCH (t:Token {id: $id}) SET t.lastUsedAt = $now",
			map[string]any{"id": id, "now": tparam(s.Now())})
		return nil, err
	})
	return err
}
