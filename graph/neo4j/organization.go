package neo4j

import (
	"context"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

func orgFrom(m map[string]any) *graph.Organization {
	return &graph.Organization{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), Name: str(m, "name"), Domain: str(m, "domain"),
		CreatedAt: tm(m, "createdAt"), UpdatedAt: tm(m, "updatedAt"),
	}
}

// orgNameKey is the case-insensitive key that makes organisation names unique.
func orgNameKey(name string) string { return graph.OrganizationNameKey(name) }

func orgParams(o *graph.Organization) map[string]any {
	return sparse(map[string]any{
		"id": o.ID, "workspaceId": o.WorkspaceID, "name": o.Name, "nameKey": orgNameKey(o.Name),
		"domain": o.Domain, "createdAt": tparam(o.CreatedAt), "updatedAt": tparam(o.UpdatedAt),
	})
}

// checkOrgUnique fails with ECONFLICT when another organisation of the
// workspace has the same name or domain.
func checkOrgUnique(ctx context.Context, tx neo4j.ManagedTransaction, o *graph.Organization) error {
	n, err := count(ctx, tx, `MATCH (o:Organization {workspaceId: $ws}) WHERE o.id <> $id
		AND (o.nameKey = $key OR ($domain <> '' AND o.domain = $domain)) RETURN count(o)`,
		map[string]any{"ws": o.WorkspaceID, "id": o.ID, "key": orgNameKey(o.Name), "domain": o.Domain})
	if err != nil {
		return err
	} else if n > 0 {
		return &graph.Error{Code: graph.ECONFLICT, Field: "name",
			Message: "An organization with that name or domain already exists."}
	}
	return nil
}

// CreateOrganization stores a new organisation.
func (s *Store) CreateOrganization(ctx context.Context, o *graph.Organization) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.ID == "" {
		o.ID = graph.NewID()
	}
	o.CreatedAt, o.UpdatedAt = s.Now(), s.Now()
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := requireWorkspace(ctx, tx, o.WorkspaceID); err != nil {
			return nil, err
		}
		if err := checkOrgUnique(ctx, tx, o); err != nil {
			return nil, err
		}
		if _, err := tx.Run(ctx, "CREATE (o:Organization) SET o = $props", map[string]any{"props": orgParams(o)}); err != nil {
			return nil, err
		}
		return nil, recordChanges(ctx, tx, o.WorkspaceID, graph.OrganizationSet(o))
	})
	return err
}

func findOrg(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (*graph.Organization, error) {
	l, err := collect(ctx, tx, "MATCH (o:Organization {id: $id, workspaceId: $ws}) RETURN o {.*}",
		map[string]any{"id": id, "ws": ws}, orgFrom)
	if err != nil {
		return nil, err
	} else if len(l) == 0 {
		return nil, notFound("Organization")
	}
	return l[0], nil
}

// FindOrganization returns an organisation of the workspace.
func (s *Store) FindOrganization(ctx context.Context, ws, id string) (*graph.Organization, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Organization, error) { return findOrg(ctx, tx, ws, id) })
}

// FindOrganizations searches organisations by name or domain, ordered by name.
func (s *Store) FindOrganizations(ctx context.Context, ws string, f graph.OrganizationFilter) ([]*graph.Organization, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	params := map[string]any{"ws": ws, "name": strings.ToLower(strings.TrimSpace(f.Name)),
		"domain": strings.ToLower(strings.TrimSpace(f.Domain)), "offset": f.Offset, "limit": f.Limit}
	where := "($name = '' OR o.nameKey CONTAINS $name) AND ($domain = '' OR o.domain = $domain)"
	type page struct {
		orgs  []*graph.Organization
		total int
	}
	res, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (page, error) {
		total, err := count(ctx, tx, "MATCH (o:Organization {workspaceId: $ws}) WHERE "+where+" RETURN count(o)", params)
		if err != nil {
			return page{}, err
		}
		orgs, err := collect(ctx, tx, "MATCH (o:Organization {workspaceId: $ws}) WHERE "+where+
			" RETURN o {.*} ORDER BY o.nameKey, o.id SKIP $offset LIMIT $limit", params, orgFrom)
		return page{orgs, total}, err
	})
	return res.orgs, res.total, err
}

// UpdateOrganization changes an organisation.
func (s *Store) UpdateOrganization(ctx context.Context, ws, id string, upd graph.OrganizationUpdate) (*graph.Organization, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Organization, error) {
		o, err := findOrg(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		upd.Apply(o)
		if err := o.Validate(); err != nil {
			return nil, err
		}
		if err := checkOrgUnique(ctx, tx, o); err != nil {
			return nil, err
		}
		o.UpdatedAt = s.Now()
		if _, err = tx.Run(ctx, "MATCH (o:Organization {id: $id}) SET o = $props", map[string]any{"id": id, "props": orgParams(o)}); err != nil {
			return nil, err
		}
		return o, recordChanges(ctx, tx, ws, graph.OrganizationSet(o))
	})
}

// DeleteOrganization removes an organisation and its employments.
func (s *Store) DeleteOrganization(ctx context.Context, ws, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := findOrg(ctx, tx, ws, id); err != nil {
			return nil, err
		}
		jobs, err := collect(ctx, tx, `MATCH (p:Person)-[w:WORKS_AT]->(o:Organization {id: $id, workspaceId: $ws})
			RETURN `+employmentReturn, map[string]any{"id": id, "ws": ws}, employmentFrom)
		if err != nil {
			return nil, err
		}
		var changes []graph.Change
		for _, e := range jobs {
			changes = append(changes, graph.EmploymentDeleted(e))
		}
		// Members stop following it too.
		if _, err := tx.Run(ctx, `MATCH (u:User {workspaceId: $ws}) WHERE $id IN u.follows
			SET u.follows = [f IN u.follows WHERE f <> $id]`, map[string]any{"id": id, "ws": ws}); err != nil {
			return nil, err
		}
		if _, err := tx.Run(ctx, "MATCH (o:Organization {id: $id, workspaceId: $ws}) DETACH DELETE o",
			map[string]any{"id": id, "ws": ws}); err != nil {
			return nil, err
		}
		return nil, recordChanges(ctx, tx, ws, append(changes, graph.OrganizationDeleted(id))...)
	})
	return err
}

const employmentReturn = `w {.*, workspaceId: p.workspaceId, personId: p.id, organizationId: o.id}`

func employmentFrom(m map[string]any) *graph.Employment {
	return &graph.Employment{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), PersonID: str(m, "personId"),
		OrganizationID: str(m, "organizationId"), Title: str(m, "title"), Start: tm(m, "start"), End: tm(m, "end"),
		Source: str(m, "source"), CreatedAt: tm(m, "createdAt"), UpdatedAt: tm(m, "updatedAt"),
	}
}

func employmentParams(e *graph.Employment) map[string]any {
	return sparse(map[string]any{
		"id": e.ID, "title": e.Title, "start": tparam(e.Start), "end": tparam(e.End), "source": e.Source,
		"createdAt": tparam(e.CreatedAt), "updatedAt": tparam(e.UpdatedAt),
	})
}

// CreateEmployment stores a position of a person at an organisation.
func (s *Store) CreateEmployment(ctx context.Context, e *graph.Employment) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.ID == "" {
		e.ID = graph.NewID()
	}
	e.CreatedAt, e.UpdatedAt = s.Now(), s.Now()
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := requirePeople(ctx, tx, e.WorkspaceID, e.PersonID); err != nil {
			return nil, err
		}
		if _, err := findOrg(ctx, tx, e.WorkspaceID, e.OrganizationID); err != nil {
			return nil, err
		}
		if _, err := tx.Run(ctx, `MATCH (p:Person {id: $person}), (o:Organization {id: $org})
			CREATE (p)-[w:WORKS_AT]->(o) SET w = $props`,
			map[string]any{"person": e.PersonID, "org": e.OrganizationID, "props": employmentParams(e)}); err != nil {
			return nil, err
		}
		return nil, recordChanges(ctx, tx, e.WorkspaceID, graph.EmploymentSet(e))
	})
	return err
}

func findEmployment(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (*graph.Employment, error) {
	l, err := collect(ctx, tx, `MATCH (p:Person {workspaceId: $ws})-[w:WORKS_AT {id: $id}]->(o:Organization)
		RETURN `+employmentReturn, map[string]any{"id": id, "ws": ws}, employmentFrom)
	if err != nil {
		return nil, err
	} else if len(l) == 0 {
		return nil, notFound("Employment")
	}
	return l[0], nil
}

// FindEmployment returns a position.
func (s *Store) FindEmployment(ctx context.Context, ws, id string) (*graph.Employment, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Employment, error) {
		return findEmployment(ctx, tx, ws, id)
	})
}

// FindEmployments lists the positions of a person or at an organisation,
// newest first.
func (s *Store) FindEmployments(ctx context.Context, ws string, f graph.EmploymentFilter) ([]*graph.Employment, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*graph.Employment, error) {
		return collect(ctx, tx, `MATCH (p:Person {workspaceId: $ws})-[w:WORKS_AT]->(o:Organization)
			WHERE ($person = '' OR p.id = $person) AND ($org = '' OR o.id = $org) AND (NOT $current OR w.end IS NULL)
			RETURN `+employmentReturn+` ORDER BY w.start DESC, w.id`,
			map[string]any{"ws": ws, "person": f.PersonID, "org": f.OrganizationID, "current": f.CurrentOnly},
			employmentFrom)
	})
}

// UpdateEmployment changes a position.
func (s *Store) UpdateEmployment(ctx context.Context, ws, id string, upd graph.EmploymentUpdate) (*graph.Employment, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Employment, error) {
		e, err := findEmployment(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		upd.Apply(e)
		if err := e.Validate(); err != nil {
			return nil, err
		}
		e.UpdatedAt = s.Now()
		e.Source = "manual" // the user's now: imports leave it alone
		if _, err = tx.Run(ctx, "MATCH ()-[w:WORKS_AT {id: $id}]->() SET w = $props",
			map[string]any{"id": id, "props": employmentParams(e)}); err != nil {
			return nil, err
		}
		return e, recordChanges(ctx, tx, ws, graph.EmploymentSet(e))
	})
}

// DeleteEmployment removes a position.
func (s *Store) DeleteEmployment(ctx context.Context, ws, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		e, err := findEmployment(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Run(ctx, "MATCH ()-[w:WORKS_AT {id: $id}]->() DELETE w", map[string]any{"id": id}); err != nil {
			return nil, err
		}
		return nil, recordChanges(ctx, tx, ws, graph.EmploymentDeleted(e))
	})
	return err
}
