package api

import (
	"fmt"
	"math"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/ask"
	"github.com/nexohq/nexo/graph/i18n"
	"github.com/nexohq/nexo/graph/netmap"
	"github.com/nexohq/nexo/graph/render"
)

// The maps: Graphviz renderings (graph/render) of the workspace's analytics
// network, mapped into the renderer's input by graph/netmap, as SVG or PNG.

// imageFormat is the format a map route asks for: by the route's extension
// (.svg, .png) or, on a route without one, by ?format= (svg by default).
func imageFormat(c *gin.Context) (render.Format, error) {
	f := c.Query("format")
	ext := path.Ext(c.FullPath())
	switch {
	case ext != "" && (f == "" || f == ext[1:]):
		return render.Format(ext[1:]), nil
	case ext != "":
		return "", &graph.Error{Code: ebadrequest, Field: "format", Message: "format " + f + " contradicts the extension " + ext + "."}
	case f == "":
		return render.SVG, nil
	case f == string(render.SVG) || f == string(render.PNG):
		return render.Format(f), nil
	}
	return "", &graph.Error{Code: ebadrequest, Field: "format", Message: "format must be svg or png."}
}

// personPage is the web page of a person, where a click on a map leads.
func personPage(id string) string { return "/app/people/" + id }

// mapView is the network as the caller sees it: their own person marked, and
// their dormant ties of value (as GET /dormant ranks them, with their own
// dormancy threshold) flagged.
func mapView(c *gin.Context, net *analytics.Network) (*netmap.View, int32) {
	return viewFor(net, who(c).User, words(c))
}

// viewFor is the network as a member sees it, worded in their language.
func viewFor(net *analytics.Network, u *graph.User, words *i18n.Printer) (*netmap.View, int32) {
	me := net.Index(u.PersonID)
	opt := netmap.Options{Me: me, PersonURL: personPage, Words: words}
	if me >= 0 {
		days := u.Report.WithDefaults().DormantDays
		for _, d := range net.DormantTies(me, analytics.DormantOptions{Threshold: time.Duration(days) * 24 * time.Hour,
			Follows: u.Follows}) {
			opt.Dormant = append(opt.Dormant, d.Person)
		}
	}
	return netmap.NewView(net, opt), me
}

// mapMeta is a map's title and description with the metadata every map
// carries: the workspace and when its analytics were built. Nothing else
// varies, so the same network gives the same bytes.
func mapMeta(c *gin.Context, net *analytics.Network, title, description string) render.Meta {
	return metaFor(ws(c), net, title, description)
}

// metaFor is mapMeta for a workspace.
func metaFor(ws string, net *analytics.Network, title, description string) render.Meta {
	return render.Meta{Title: title, Description: description, Fields: map[string]string{
		"workspace": ws, "as_of": net.Now().UTC().Format(time.RFC3339)}}
}

// draw renders a map and answers it. SVGs get a policy of their own: opened
// on their own they may not run or fetch anything.
func (s *Server) draw(c *gin.Context, f render.Format, fn func(r *render.Renderer) ([]byte, error)) {
	r, err := s.renderer.get(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	b, err := fn(r)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.Header("X-Content-Type-Options", "nosniff") // Cache-Control: no-store, as all of /api/v1 (noStore)
	ctype := "image/png"
	if f == render.SVG {
		ctype = "image/svg+xml"
		c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	}
	c.Data(http.StatusOK, ctype, b)
}

// egoMap draws the ego network of a person (person=ID, by default the
// caller's own) within radius 1 or 2.
func (s *Server) egoMap(c *gin.Context) {
	f, err := imageFormat(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	radius, err := queryInt(c, "radius", 1, 1, 2)
	if err != nil {
		s.Error(c, err)
		return
	}
	net, _, ok := s.network(c)
	if !ok {
		return
	}
	v, center := mapView(c, net)
	if id := c.Query("person"); id != "" {
		center = -1
		if graph.ValidID(id) {
			center = net.Index(id)
		}
		if center < 0 {
			s.Error(c, graph.NotFound("person"))
			return
		}
	} else if center < 0 {
		s.Error(c, graph.FieldErrorf("person", "You have no own person in this workspace; give person."))
		return
	}
	in := egoInput(v, ws(c), net, center, radius, center != net.Index(who(c).User.PersonID))
	s.draw(c, f, func(r *render.Renderer) ([]byte, error) { return r.EgoMap(c, in, f) })
}

// egoInput is the ego map of center within radius: the route's and the MCP
// tool's.
func egoInput(v *netmap.View, ws string, net *analytics.Network, center int32, radius int, ofOther bool) render.EgoInput {
	name := net.Name(center)
	in := v.Ego(center, radius, metaFor(ws, net, "Network of "+name,
		fmt.Sprintf("The people within %d %s of %s, coloured by circle and sized by brokerage.", radius, plural(radius, "tie"), name)))
	in.OfOther = ofOther
	return in
}

// overviewInput is the map of the whole network: the route's and the MCP
// tool's.
func overviewInput(v *netmap.View, ws string, net *analytics.Network) render.OverviewInput {
	return v.Overview(metaFor(ws, net, "The whole network",
		fmt.Sprintf("%d people in %d circles, coloured by circle.", net.Len(), len(net.Communities().Circles))))
}

// overviewMap draws the whole network, aggregated into circles when it is
// large, or with community=N the drill-down into one circle.
func (s *Server) overviewMap(c *gin.Context) {
	f, err := imageFormat(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	community, err := queryInt(c, "community", -1, 0, math.MaxInt32)
	if err != nil {
		s.Error(c, err)
		return
	}
	net, _, ok := s.network(c)
	if !ok {
		return
	}
	circles := net.Communities().Circles
	if community >= len(circles) {
		msg := "this network has none"
		if len(circles) > 0 {
			msg = fmt.Sprintf("this network has %d (0 to %d)", len(circles), len(circles)-1)
		}
		s.Error(c, graph.NotFound("community", msg))
		return
	}
	v, _ := mapView(c, net)
	if community >= 0 {
		circle := circles[community]
		in := v.Community(community, mapMeta(c, net, circle.Label,
			fmt.Sprintf("A circle of %d %s, drawn one by one; the people of other circles tied to them, grouped by circle.", circle.Size, plural(circle.Size, "member"))))
		s.draw(c, f, func(r *render.Renderer) ([]byte, error) { return r.CommunityMap(c, in, f) })
		return
	}
	in := overviewInput(v, ws(c), net)
	s.draw(c, f, func(r *render.Renderer) ([]byte, error) { return r.Overview(c, in, f) })
}

// introPathsMap draws the best introduction paths to the target of an
// intro-path question (the parameters of GET /intro-paths). Paths to one
// person from one source make one diagram: when the question has several
// targets (org, q) or sources (from=team), it draws the best paths to the
// best answer's target from its source.
func (s *Server) introPathsMap(c *gin.Context) {
	f, err := imageFormat(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	a, err := s.answerIntroPaths(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	if len(a.Paths) == 0 {
		s.Error(c, graph.NotFound("introduction path", fmt.Sprintf("none within %d ties", a.Options.MaxHops)))
		return
	}
	net, best := a.Net, a.Paths[0]
	src, target := best.Nodes[0], best.Nodes[len(best.Nodes)-1]
	paths := a.Paths
	if a.Target.PersonID == "" || len(a.Sources) > 1 {
		paths = net.IntroPaths([]int32{src}, target, a.Options) // the best path to each match, or from each member, before
	}
	desc := fmt.Sprintf("The %d best %s from %s to %s, scored by the product of their tie strengths.",
		len(paths), plural(len(paths), "path"), net.Name(src), net.Name(target))
	if a.Target.PersonID == "" {
		desc = fmt.Sprintf("%s is the best match of %d. %s", net.Name(target), len(a.Paths), desc)
	}
	v, _ := mapView(c, net)
	in := v.Paths(paths, mapMeta(c, net, "Who can introduce you to "+introTarget(a, net.Name(target))+"?", desc))
	s.draw(c, f, func(r *render.Renderer) ([]byte, error) { return r.IntroPaths(c, in, f) })
}

// introTarget says whom an intro-path question asks for: the person, or
// "someone at Globex", "someone who matches data analysis" when the question
// named an organisation or a query and the diagram shows its best match.
func introTarget(a *ask.IntroPathsAnswer, person string) string {
	if a.Target.OrganizationID != "" {
		return "someone at " + a.Target.Name
	}
	if q := a.Target.Query; q != nil {
		var parts []string
		for _, p := range []string{q.Text, q.Title, q.Tag, q.Skill, q.Location} {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		return "someone matching “" + strings.Join(parts, ", ") + "”"
	}
	return person
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
