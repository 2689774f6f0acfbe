package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	mcpauth "github.com/modelcontextprotocol/go-sdk/auth"
	gomcp "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nexohq/nexo/api/mcp"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/ask"
	"github.com/nexohq/nexo/graph/i18n"
	"github.com/nexohq/nexo/graph/render"
	"github.com/nexohq/nexo/graph/report"
)

// MaxMCPBodyBytes bounds a request to /mcp. It is larger than the API's
// body limit so that an oversized tool argument reaches the tool's schema
// and comes back as a tool error an assistant can read, not a refused
// request.
const MaxMCPBodyBytes = 12 << 20

// mcpDeps are the API's answers for the MCP tools (api/mcp).
func (s *Server) mcpDeps() mcp.Deps {
	return mcp.Deps{Store: s.store, Ask: s.ask, Changed: s.changed, Dormant: s.dormantDrafts,
		LatestReport: s.latestReport, Map: s.mcpMap, Version: s.version}
}

// mcpHTTP is the streamable-HTTP MCP handler: one server for every session,
// each call served for the member of the token of its request. The SDK binds
// a session to the token that opened it (mcpauth.TokenInfo.UserID is the token
// id), so another token cannot use it.
func (s *Server) mcpHTTP() http.Handler {
	s.mcpOnce.Do(func() {
		srv := mcp.NewServer(s.mcpDeps(), func(_ context.Context, extra *gomcp.RequestExtra) (ask.Asker, error) {
			if extra == nil || extra.TokenInfo == nil {
				return ask.Asker{}, graph.Errorf(graph.EUNAUTHORIZED, "No credentials.")
			}
			p, ok := extra.TokenInfo.Extra["principal"].(principal)
			if !ok {
				return ask.Asker{}, graph.Errorf(graph.EUNAUTHORIZED, "No credentials.")
			}
			return askerOf(p), nil
		})
		h := gomcp.NewStreamableHTTPHandler(func(*http.Request) *gomcp.Server { return srv },
			&gomcp.StreamableHTTPOptions{MaxRequestBodyBytes: MaxMCPBodyBytes, SessionTimeout: 30 * time.Minute,
				JSONResponse: true})
		// The principal comes from authenticate, which put it in the
		// request's context; the SDK reads it back as the token's info.
		verify := func(ctx context.Context, _ string, _ *http.Request) (*mcpauth.TokenInfo, error) {
			p, ok := ctx.Value(principalCtxKey{}).(principal)
			if !ok {
				return nil, mcpauth.ErrInvalidToken
			}
			return &mcpauth.TokenInfo{UserID: p.Token.ID, Extra: map[string]any{"principal": p}}, nil
		}
		s.mcpHandler = mcpauth.RequireBearerToken(verify, &mcpauth.RequireBearerTokenOptions{AllowMissingExpiration: true})(h)
	})
	return s.mcpHandler
}

type principalCtxKey struct{}

// serveMCP serves /mcp (the routes put authenticate in front).
func (s *Server) serveMCP(c *gin.Context) {
	r := c.Request.WithContext(context.WithValue(c.Request.Context(), principalCtxKey{}, who(c)))
	s.mcpHTTP().ServeHTTP(c.Writer, r)
}

// ServeMCP serves the member of a token over one MCP transport (stdio for
// `nexo mcp`) until the client leaves or ctx ends. The token is checked as
// the API checks it.
func (s *Server) ServeMCP(ctx context.Context, t gomcp.Transport, token string) error {
	secret, ok := bearer("Bearer " + token)
	if !ok {
		return graph.Errorf(graph.EUNAUTHORIZED, "A token is required.")
	}
	p, err := s.auth.lookup(ctx, graph.HashToken(secret))
	if err != nil {
		return err
	}
	return mcp.NewServer(s.mcpDeps(), mcp.Fixed(askerOf(p))).Run(ctx, t)
}

// askerOf is a principal as graph/ask knows them, answered in their locale.
func askerOf(p principal) ask.Asker {
	return ask.Asker{WorkspaceID: p.Token.WorkspaceID, User: p.User, Words: i18n.For(p.User.Locale)}
}

// dormantDrafts is the member's dormant ties as the report lists them, with
// a next step and a draft: the preview report's (GET /reports/preview)
// dormant section, for days of quiet (0: the member's setting) and limit
// entries (0: the report's five).
func (s *Server) dormantDrafts(ctx context.Context, a ask.Asker, days, limit int) ([]report.DormantEntry, error) {
	u := *a.User
	if days > 0 {
		u.Report.DormantDays = days
	}
	now := s.reports.Now()
	net, err := s.reports.Network(ctx, a.WorkspaceID, now)
	if err != nil {
		return nil, err
	}
	in := report.Input{Net: net, User: &u, Period: "preview:" + report.Period(now), Options: report.Options{Dormant: limit}}
	r, err := report.Build(in)
	if err != nil {
		return nil, err
	}
	return r.Dormant, nil
}

// latestReport is the member's newest stored report as Markdown.
func (s *Server) latestReport(ctx context.Context, a ask.Asker) (string, string, error) {
	l, _, err := s.store.FindReports(ctx, a.WorkspaceID, graph.ReportFilter{UserID: a.User.ID, Limit: 1})
	if err != nil {
		return "", "", err
	}
	if len(l) == 0 {
		return "", "", graph.NotFound("report", "none made yet")
	}
	full, err := s.store.FindReport(ctx, a.WorkspaceID, l[0].ID)
	if err != nil {
		return "", "", err
	}
	r, err := report.Decode(full)
	if err != nil {
		return "", "", err
	}
	return string(report.Markdown(r)), full.GeneratedAt.UTC().Format(time.RFC3339), nil
}

// mcpMap draws the member's ego map or the overview.
func (s *Server) mcpMap(ctx context.Context, a ask.Asker, kind string, radius int, format string) ([]byte, error) {
	net, _, err := s.live.Network(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	r, err := s.renderer.get(ctx)
	if err != nil {
		return nil, err
	}
	v, me := viewFor(net, a.User, a.Words)
	f := render.Format(format)
	if kind == "overview" {
		return r.Overview(ctx, overviewInput(v, a.WorkspaceID, net), f)
	}
	if me < 0 {
		return nil, graph.Errorf(graph.ECONFLICT, "You have no own person in this workspace.")
	}
	return r.EgoMap(ctx, egoInput(v, a.WorkspaceID, net, me, radius, false), f)
}
