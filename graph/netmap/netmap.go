package netmap

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph/i18n"
	"github.com/nexohq/nexo/graph/render"
)

// Strength bands: a tie is strong from StrongTie, moderate from ModerateTie,
// weak below (the bands analytics uses to describe ties).
const (
	StrongTie   = 0.6
	ModerateTie = 0.3
)

// Weak reports whether a tie of the given strength is drawn as a weak tie:
// thin and dashed.
func Weak(strength float64) bool { return strength < ModerateTie }

// Headline is "title @ organisation" of a person's current job, or whichever
// of the two is known.
func Headline(net *analytics.Network, p int32) string {
	snap := net.Snapshot()
	sp := &snap.People[p]
	org := ""
	for _, j := range sp.Jobs {
		if j.End == 0 && j.Org >= 0 && int(j.Org) < len(snap.Organizations) {
			org = snap.Organizations[j.Org].Name
		}
	}
	switch {
	case sp.Title != "" && org != "":
		return sp.Title + " @ " + org
	case org != "":
		return org
	}
	return sp.Title
}

// Reason words the first reason given for a tie's strength, such as "worked
// together at Acme": the one a map shows.
func Reason(p *i18n.Printer, reasons []analytics.Reason) string {
	if len(reasons) == 0 {
		return ""
	}
	return p.Reason(reasons[0])
}

// MaxReasons is the most ties a map is given reasons for. A reason costs an
// explanation of the tie (analytics.Network.ExplainTie), so maps handed more
// ties than that, which the renderer cuts anyway, show strengths only.
const MaxReasons = 5000

// Options configure a View.
type Options struct {
	// Me is the member's own person, or -1. Overviews and community maps
	// mark it; ego maps mark their centre instead.
	Me int32
	// Dormant are the member's dormant ties of high value, flagged wherever
	// they are drawn.
	Dormant []int32
	// PersonURL, when set, gives the link of a person's node.
	PersonURL func(id string) string
	// Words words the ties' reasons; English when nil.
	Words *i18n.Printer
}

// View maps one network as one member sees it. It is cheap to make: one per
// request.
type View struct {
	net       *analytics.Network
	opt       Options
	dormant   map[int32]bool
	comm      *analytics.Communities
	brokerage []float64
}

// NewView returns a View of net. It computes the network's communities and
// betweenness if they are not cached yet.
func NewView(net *analytics.Network, opt Options) *View {
	if opt.Words == nil {
		opt.Words = i18n.English
	}
	v := &View{net: net, opt: opt, comm: net.Communities(), dormant: make(map[int32]bool, len(opt.Dormant)),
		brokerage: Brokerage(net)}
	for _, p := range opt.Dormant {
		v.dormant[p] = true
	}
	return v
}

// Brokerage scales betweenness into [0, 1] for the size of nodes: the square
// root of a person's normalised betweenness over the network's highest, so
// that the few great brokers stand out and small ones still differ.
// Betweenness is cached by the network; Burt's constraint, the other measure
// of brokerage, is not, and computing it for a whole large network on every
// map would cost more than the map.
func Brokerage(net *analytics.Network) []float64 {
	norm := net.Betweenness().Normalized
	top := 0.0
	for _, b := range norm {
		top = max(top, b)
	}
	out := make([]float64, len(norm))
	if top > 0 {
		for i, b := range norm {
			out[i] = math.Sqrt(b / top)
		}
	}
	return out
}

// CommunityNames returns the label of every circle by index, for legends.
func (v *View) CommunityNames() map[int]string {
	names := make(map[int]string, len(v.comm.Circles))
	for i, c := range v.comm.Circles {
		names[i] = c.Label
	}
	return names
}

// Node is person p as maps draw them.
func (v *View) Node(p int32) render.Node {
	n := render.Node{
		ID:        v.net.ID(p),
		Label:     v.net.Name(p),
		Subtitle:  Headline(v.net, p),
		Community: int(v.comm.Of[p]),
		Brokerage: v.brokerage[p],
		Me:        p == v.opt.Me,
		Dormant:   v.dormant[p],
	}
	if v.opt.PersonURL != nil {
		n.URL = v.opt.PersonURL(n.ID)
	}
	return n
}

// Edge is tie e as maps draw it, with the reason for its strength if asked.
func (v *View) Edge(e int, reason bool) render.Edge {
	a, b, s := v.net.Tie(e)
	out := render.Edge{A: v.net.ID(a), B: v.net.ID(b), Strength: s, Weak: Weak(s), LocalBridge: v.LocalBridge(a, b)}
	if reason {
		out.Reason = Reason(v.opt.Words, v.net.ExplainTie(e).Reasons)
	}
	return out
}

// LocalBridge reports whether a and b share no contact: their tie, if any,
// is a local bridge (Granovetter 1973), as analytics.Network.LocalBridges
// finds them, here for one tie without scanning the network.
func (v *View) LocalBridge(a, b int32) bool {
	x, y := v.net.Neighbors(a), v.net.Neighbors(b) // sorted
	for i, j := 0, 0; i < len(x) && j < len(y); {
		switch {
		case x[i] == y[j]:
			return false
		case x[i] < y[j]:
			i++
		default:
			j++
		}
	}
	return true
}

func (v *View) edges(ties []int) []render.Edge {
	slices.Sort(ties)
	out := make([]render.Edge, len(ties))
	reasons := len(ties) <= MaxReasons
	for k, e := range ties {
		out[k] = v.Edge(e, reasons)
	}
	return out
}

// Ego returns the people within radius ties of center (1 or 2) and the ties
// among them, center marked as Me. Past render.MaxEgoNodes people it keeps
// those the renderer would draw, by the renderer's rule (nearest first, then
// by importance: the strongest tie towards center, brokerage, a dormant tie
// of value; then by id), and says so in the description as the renderer
// would: the map is the one the whole neighbourhood would give.
func (v *View) Ego(center int32, radius int, meta render.Meta) render.EgoInput {
	net := v.net
	dist := map[int32]int{center: 0}
	people := []int32{center}
	for k := 0; k < len(people); k++ {
		p := people[k]
		if dist[p] == radius {
			continue
		}
		for _, q := range net.Neighbors(p) {
			if _, ok := dist[q]; !ok {
				dist[q] = dist[p] + 1
				people = append(people, q)
			}
		}
	}
	if total := len(people); total > render.MaxEgoNodes {
		people = v.egoCut(people, dist)
		cut := fmt.Sprintf("Showing the %d most important of %d people.", len(people), total)
		meta.Description = strings.TrimSpace(meta.Description + " " + cut)
	}
	kept := make(map[int32]bool, len(people))
	for _, p := range people {
		kept[p] = true
	}
	in := render.EgoInput{Meta: meta, Radius: radius, CommunityNames: v.CommunityNames()}
	var ties []int
	for _, p := range people {
		n := v.Node(p)
		n.Me = p == center
		in.Nodes = append(in.Nodes, n)
		for _, q := range net.Neighbors(p) {
			if q > p && kept[q] {
				ties = append(ties, net.TieBetween(p, q))
			}
		}
	}
	in.Edges = v.edges(ties)
	return in
}

func (v *View) egoCut(people []int32, dist map[int32]int) []int32 {
	net := v.net
	importance := make(map[int32]float64, len(people))
	for _, p := range people {
		best := 0.0
		for _, q := range net.Neighbors(p) {
			if d, ok := dist[q]; ok && d == dist[p]-1 {
				s, _ := net.Strength(p, q)
				best = max(best, s)
			}
		}
		imp := best + min(1, max(0, v.brokerage[p]))
		if v.dormant[p] {
			imp++
		}
		importance[p] = imp
	}
	slices.SortFunc(people, func(a, b int32) int {
		return cmp.Or(cmp.Compare(dist[a], dist[b]), cmp.Compare(importance[b], importance[a]), cmp.Compare(net.ID(a), net.ID(b)))
	})
	return people[:render.MaxEgoNodes]
}

// Overview returns the whole network. Up to render.MaxOverviewPeople people
// it is all of it; above, the renderer draws circles as single nodes with the
// brokers between them, so it gets every person (for the sizes of circles)
// but only the ties it counts or draws: those across circles, and every tie
// of the people it may draw one by one (see brokerCandidates).
func (v *View) Overview(meta render.Meta) render.OverviewInput {
	net := v.net
	n := net.Len()
	in := render.OverviewInput{Meta: meta, CommunityNames: v.CommunityNames(), Nodes: make([]render.Node, n)}
	for p := range n {
		in.Nodes[p] = v.Node(int32(p))
	}
	var cand []bool
	if n > render.MaxOverviewPeople {
		cand = v.brokerCandidates()
	}
	of := v.comm.Of
	var ties []int
	for e := range net.NumTies() {
		a, b, _ := net.Tie(e)
		if cand == nil || of[a] != of[b] || cand[a] || cand[b] {
			ties = append(ties, e)
		}
	}
	in.Edges = v.edges(ties)
	return in
}

// brokerCandidates marks the people an aggregated overview may draw one by
// one: me, and the people with a tie into another circle whose brokerage is
// among the top 4·render.MaxOverviewBrokers (ties included). The renderer
// picks its brokers among people with a tie into another of its groups
// (circles, past the largest few merged into one), by brokerage: a subset of
// these.
func (v *View) brokerCandidates() []bool {
	net, of := v.net, v.comm.Of
	var cross []int32
	for p := range int32(net.Len()) {
		if slices.ContainsFunc(net.Neighbors(p), func(q int32) bool { return of[q] != of[p] }) {
			cross = append(cross, p)
		}
	}
	cand := make([]bool, net.Len())
	if v.opt.Me >= 0 {
		cand[v.opt.Me] = true
	}
	if len(cross) == 0 {
		return cand
	}
	b := make([]float64, len(cross))
	for k, p := range cross {
		b[k] = v.brokerage[p]
	}
	slices.SortFunc(b, func(x, y float64) int { return cmp.Compare(y, x) })
	threshold := b[min(len(b), 4*render.MaxOverviewBrokers)-1]
	for _, p := range cross {
		if v.brokerage[p] >= threshold {
			cand[p] = true
		}
	}
	return cand
}

// Community returns circle c for a drill-down: its members, the people of
// other circles tied to them (drawn grouped by circle), and the ties of the
// members. The caller checks that c is a circle.
func (v *View) Community(c int, meta render.Meta) render.CommunityInput {
	net, of := v.net, v.comm.Of
	in := render.CommunityInput{Meta: meta, Community: c, CommunityNames: v.CommunityNames()}
	members := v.comm.Circles[c].Members
	seen := make(map[int32]bool, len(members))
	for _, p := range members {
		seen[p] = true
		in.Nodes = append(in.Nodes, v.Node(p))
	}
	var ties []int
	for _, p := range members {
		for _, q := range net.Neighbors(p) {
			if int(of[q]) == c && q < p {
				continue // once per tie among members
			}
			ties = append(ties, net.TieBetween(p, q))
			if !seen[q] {
				seen[q] = true
				in.Nodes = append(in.Nodes, v.Node(q))
			}
		}
	}
	in.Edges = v.edges(ties)
	return in
}

// Paths returns introduction paths for the diagram, each tie with its
// strength and first reason. The paths must share their source and target.
func (v *View) Paths(paths []analytics.IntroPath, meta render.Meta) render.PathsInput {
	in := render.PathsInput{Meta: meta}
	for _, p := range paths {
		rp := render.Path{Score: p.Score}
		for _, q := range p.Nodes {
			rp.Nodes = append(rp.Nodes, v.Node(q))
		}
		for i, st := range p.Steps {
			rp.Edges = append(rp.Edges, render.Edge{A: st.From, B: st.To, Strength: st.Strength, Weak: Weak(st.Strength),
				LocalBridge: v.LocalBridge(p.Nodes[i], p.Nodes[i+1]), Reason: Reason(v.opt.Words, st.Reasons)})
		}
		in.Paths = append(in.Paths, rp)
	}
	return in
}
