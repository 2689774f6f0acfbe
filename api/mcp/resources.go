package mcp

import (
	"context"

	gomcp "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nexohq/nexo/graph"
)

// ReportURI is the resource of the member's latest periodic report.
const ReportURI = "nexo://report/latest"

// MapOutput describes a drawn map; the drawing itself is the image content.
type MapOutput struct {
	Kind     string `json:"kind"`
	Format   string `json:"format"`
	MIMEType string `json:"mime_type"`
	Bytes    int    `json:"bytes"`
}

// registerMap adds network_map, whose answer is the drawing as image
// content (PNG) or as SVG text.
func (t *tools) registerMap(s *gomcp.Server) {
	tool := &gomcp.Tool{Name: "network_map", Annotations: readOnly,
		Description: "A map of my network as a picture: my contacts laid out by their ties to each other in named circles (ego), or the whole network as circles and the brokers between them (overview)."}
	tool.InputSchema = inputSchema[MapInput]()
	gomcp.AddTool(s, tool, func(ctx context.Context, req *gomcp.CallToolRequest, in MapInput) (*gomcp.CallToolResult, *MapOutput, error) {
		a, err := t.who(ctx, req.Extra)
		if err != nil {
			return nil, nil, toolError(err)
		}
		kind, format, radius := in.Kind, in.Format, in.Radius
		if kind == "" {
			kind = "ego"
		}
		if format == "" {
			format = "png"
		}
		if radius == 0 {
			radius = 1
		}
		switch {
		case kind != "ego" && kind != "overview":
			return nil, nil, toolError(graph.FieldErrorf("kind", "kind must be ego or overview."))
		case format != "png" && format != "svg":
			return nil, nil, toolError(graph.FieldErrorf("format", "format must be png or svg."))
		case radius < 1 || radius > 2:
			return nil, nil, toolError(graph.FieldErrorf("radius", "radius must be 1 or 2."))
		}
		b, err := t.d.Map(ctx, a, kind, radius, format)
		if err != nil {
			return nil, nil, toolError(err)
		}
		out := &MapOutput{Kind: kind, Format: format, MIMEType: "image/png", Bytes: len(b)}
		res := &gomcp.CallToolResult{}
		if format == "svg" {
			out.MIMEType = "image/svg+xml"
			res.Content = []gomcp.Content{&gomcp.TextContent{Text: string(b)}}
		} else {
			res.Content = []gomcp.Content{&gomcp.ImageContent{Data: b, MIMEType: out.MIMEType}}
		}
		return res, out, nil
	})
}

// registerReport adds the latest report as a resource.
func (t *tools) registerReport(s *gomcp.Server) {
	s.AddResource(&gomcp.Resource{URI: ReportURI, Name: "latest-report", Title: "My latest network report",
		MIMEType: "text/markdown",
		Description: "The newest periodic review of my network: dormant ties worth reviving with message drafts, " +
			"follow-ups due, introductions to make, network health and this week's plan."},
		func(ctx context.Context, req *gomcp.ReadResourceRequest) (*gomcp.ReadResourceResult, error) {
			a, err := t.who(ctx, req.Extra)
			if err != nil {
				return nil, toolError(err)
			}
			md, generated, err := t.d.LatestReport(ctx, a)
			if graph.ErrorCode(err) == graph.ENOTFOUND {
				return nil, gomcp.ResourceNotFoundError(req.Params.URI)
			}
			if err != nil {
				return nil, toolError(err)
			}
			return &gomcp.ReadResourceResult{Contents: []*gomcp.ResourceContents{{URI: ReportURI,
				MIMEType: "text/markdown", Text: md, Meta: gomcp.Meta{"generated_at": generated}}}}, nil
		})
}
