// Package mcp serves Nexo to AI assistants over the Model Context Protocol,
// on the official Go SDK (github.com/modelcontextprotocol/go-sdk): the same
// questions as the HTTP API — who can introduce me to someone, whom to ask
// about a job, which ties went quiet, which introductions I could make — as
// tools with JSON schemas, answered by the same service (graph/ask) so an
// assistant gets exactly what the API and the page show.
//
// A Server serves one member of one workspace: over stdio (`nexo mcp`) the
// member of the token in the environment; over streamable HTTP (/mcp on the
// API server) the member of the request's bearer token, with the API's
// authentication and rate limits, each session bound to the token that
// opened it. Tools that write (log_interaction, record_introduction) say so
// in their annotations and need a member who may write.
package mcp

import (
	"context"
	"fmt"
	"strings"

	gomcp "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/ask"
	"github.com/nexohq/nexo/graph/report"
)

// Deps are what the tools answer with; the api package provides them.
type Deps struct {
	Store graph.Store
	Ask   *ask.Service
	// Changed tells the analytics that a workspace changed (a write).
	Changed func(workspaceID string)
	// Dormant builds the member's dormant ties with their next step and
	// draft, as the periodic report words them.
	Dormant func(ctx context.Context, a ask.Asker, days, limit int) ([]report.DormantEntry, error)
	// LatestReport is the member's newest report as Markdown, and when it
	// was made ("" and ENOTFOUND when there is none).
	LatestReport func(ctx context.Context, a ask.Asker) (markdown, generated string, err error)
	// Map draws a map of the member's network: kind "ego" (radius 1 or 2) or
	// "overview", as "png" or "svg".
	Map func(ctx context.Context, a ask.Asker, kind string, radius int, format string) ([]byte, error)
	// Version is Nexo's version, told to clients.
	Version string
}

// WhoFunc returns the member a request is served for.
type WhoFunc func(ctx context.Context, extra *gomcp.RequestExtra) (ask.Asker, error)

// Fixed serves one member whatever the request: stdio, where the process is
// the member's.
func Fixed(a ask.Asker) WhoFunc {
	return func(context.Context, *gomcp.RequestExtra) (ask.Asker, error) { return a, nil }
}

// Instructions tell an assistant what the server is for.
const Instructions = `Nexo answers questions about the user's professional network: ` +
	`who can introduce them to a person, to anyone at an organisation or to anyone with a skill (who_can_introduce); ` +
	`whom to ask about openings at a company (job_search); which valuable ties have gone quiet, with a message draft (dormant_ties); ` +
	`which of their contacts they could introduce to each other (broker_opportunities). ` +
	`Look people up with search_people and person; log what happened with log_interaction and record_introduction. ` +
	`Paths are ranked by the product of tie strengths (0–1); every tie comes with its reasons. ` +
	`People may be named by name or id; when a name is ambiguous the tool lists the candidates with their ids.`

// NewServer returns an MCP server of Nexo's tools and resources for the
// member who returns.
func NewServer(d Deps, who WhoFunc) *gomcp.Server {
	s := gomcp.NewServer(&gomcp.Implementation{Name: "nexo", Title: "Nexo", Version: d.Version},
		&gomcp.ServerOptions{Instructions: Instructions})
	t := &tools{d: d, who: who}
	t.register(s)
	return s
}

// tools holds what every tool needs.
type tools struct {
	d   Deps
	who WhoFunc
}

// findPerson finds a person of the asker's workspace by id, else by name
// (exactly, case-insensitively, else the only partial match). An ambiguous
// name is an error that lists the candidates with their ids.
func (t *tools) findPerson(ctx context.Context, a ask.Asker, field, key string) (*graph.Person, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, graph.FieldErrorf(field, "%s is required: a person's name or id.", field)
	}
	if len(key) > ask.MaxTextLength {
		return nil, graph.FieldErrorf(field, "%s is longer than %d characters.", field, ask.MaxTextLength)
	}
	if graph.ValidID(key) {
		if p, err := t.d.Store.FindPerson(ctx, a.WorkspaceID, key); err == nil {
			return p, nil
		}
	}
	l, total, err := t.d.Store.FindPeople(ctx, a.WorkspaceID, graph.PersonFilter{Name: key, Limit: 20})
	if err != nil {
		return nil, err
	}
	var exact []*graph.Person
	for _, p := range l {
		if strings.EqualFold(p.Name, key) {
			exact = append(exact, p)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], nil
	case len(exact) == 0 && len(l) == 1:
		return l[0], nil
	case len(l) == 0:
		return nil, graph.NotFound("person", fmt.Sprintf("nobody called %q in this network; try search_people", key))
	}
	cands := exact
	if len(cands) == 0 {
		cands = l
	}
	var b strings.Builder
	for _, p := range cands[:min(10, len(cands))] {
		b.WriteString("\n- " + p.Name + " (id " + p.ID + ")")
		if h := headline(p); h != "" {
			b.WriteString(", " + h)
		}
	}
	return nil, graph.Errorf(graph.ECONFLICT, "%q matches %d people; give the id of the one you mean:%s", key, total, b.String())
}

// headline is "title @ company", or what there is of it.
func headline(p *graph.Person) string {
	switch {
	case p.Title != "" && p.Company != "":
		return p.Title + " @ " + p.Company
	case p.Company != "":
		return p.Company
	}
	return p.Title
}
