// Package ask answers the questions Nexo is for — who can introduce me to
// someone, whom to approach about a job, which ties have gone quiet, which
// introductions I could make, why a tie is strong — from a workspace's
// analytics network, as one member sees it, with the reasons worded in the
// member's language (graph/i18n).
//
// The HTTP API (api) and the MCP server (api/mcp) both ask through a Service,
// so a question has one implementation and one answer wherever it is asked;
// the answer types are what they return as JSON, and what the CLI reads back.
// The package does no HTTP and holds no state of its own: networks come from
// a Networks (the workspace-analytics service).
package ask

import (
	"context"
	"strings"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/i18n"
	"github.com/nexohq/nexo/graph/live"
)

// Freshness tells how current an answer's network is (graph/live).
type Freshness = live.Freshness

// Networks gives the analytics network of a workspace, building it when there
// is none yet.
type Networks interface {
	Network(ctx context.Context, workspaceID string) (*analytics.Network, Freshness, error)
}

// Service answers questions about workspaces' networks.
type Service struct {
	nets Networks
}

// New returns a Service over the networks.
func New(nets Networks) *Service { return &Service{nets: nets} }

// Asker is who asks: a member of a workspace, and the language to answer in
// (English when nil).
type Asker struct {
	WorkspaceID string
	User        *graph.User
	Words       *i18n.Printer
}

func (a Asker) words() *i18n.Printer {
	if a.Words == nil {
		return i18n.English
	}
	return a.Words
}

// Limits of the questions' parameters; the API and the MCP tools check them
// the same way.
const (
	MaxK          = 20
	MaxLimit      = 500
	MaxDays       = 3650
	DefaultLimit  = 20
	DefaultDays   = 180
	MaxTextLength = 200
)

// network returns the asker's workspace network.
func (s *Service) network(ctx context.Context, a Asker) (*analytics.Network, Freshness, error) {
	return s.nets.Network(ctx, a.WorkspaceID)
}

// Sources returns the people paths start from: the asker's own person
// (from "me" or ""), or every member's ("team").
func Sources(net *analytics.Network, a Asker, from string) ([]int32, error) {
	switch from {
	case "", "me":
		me := net.Index(a.User.PersonID)
		if me < 0 {
			return nil, graph.FieldErrorf("from", "You have no own person in this workspace; use from=team.")
		}
		return []int32{me}, nil
	case "team":
		var out []int32
		for _, m := range net.Snapshot().Members {
			if m.Person >= 0 {
				out = append(out, m.Person)
			}
		}
		if len(out) == 0 {
			return nil, graph.FieldErrorf("from", "No member of this workspace has an own person.")
		}
		return out, nil
	default:
		return nil, &graph.Error{Code: graph.EBADREQUEST, Field: "from", Message: "from must be me or team."}
	}
}

// me returns the asker's own person in the network.
func me(net *analytics.Network, a Asker) (int32, error) {
	if p := net.Index(a.User.PersonID); p >= 0 {
		return p, nil
	}
	return -1, graph.Errorf(graph.ECONFLICT, "You have no own person in this workspace.")
}

// person returns a person of the network by id, ENOTFOUND when there is none.
func person(net *analytics.Network, id string) (int32, error) {
	p := int32(-1)
	if graph.ValidID(id) {
		p = net.Index(id)
	}
	if p < 0 {
		return -1, graph.NotFound("person")
	}
	return p, nil
}

// FindOrg finds an organisation of the network by id, or by name
// (case-insensitively, exact first, then the shortest containing name).
func FindOrg(net *analytics.Network, key string) (graph.SnapOrganization, bool) {
	orgs := net.Snapshot().Organizations
	for _, o := range orgs {
		if o.ID == key {
			return o, true
		}
	}
	k := strings.ToLower(strings.TrimSpace(key))
	best := -1
	for i, o := range orgs {
		name := strings.ToLower(o.Name)
		if name == k {
			return o, true
		}
		if strings.Contains(name, k) && (best < 0 || len(o.Name) < len(orgs[best].Name)) {
			best = i
		}
	}
	if best >= 0 && k != "" {
		return orgs[best], true
	}
	return graph.SnapOrganization{}, false
}

// org finds an organisation or says it is not found.
func org(net *analytics.Network, key string) (graph.SnapOrganization, error) {
	if strings.TrimSpace(key) == "" {
		return graph.SnapOrganization{}, &graph.Error{Code: graph.EBADREQUEST, Field: "org",
			Message: "org (an organization id or name) required."}
	}
	if len(key) > MaxTextLength {
		return graph.SnapOrganization{}, graph.FieldErrorf("org", "org is longer than %d characters.", MaxTextLength)
	}
	o, ok := FindOrg(net, key)
	if !ok {
		return o, graph.NotFound("organization")
	}
	return o, nil
}

// inRange checks an integer parameter, 0 meaning its default.
func inRange(field string, v, def, lo, hi int) (int, error) {
	if v == 0 {
		return def, nil
	}
	if v < lo || v > hi {
		return 0, graph.FieldErrorf(field, "%s must be between %d and %d.", field, lo, hi)
	}
	return v, nil
}
