package report

import (
	"cmp"
	"slices"

	"github.com/nexohq/nexo/graph/netmap"
	"github.com/nexohq/nexo/graph/render"
)

// EgoMap is the small map of the member's network a report shows: the member,
// the people the report names and their strongest other ties. It is kept in
// the report so the map can be drawn again from a stored report.
type EgoMap struct {
	Nodes   []EgoNode      `json:"nodes"`
	Edges   []EgoEdge      `json:"edges"`
	Circles map[int]string `json:"circles"`
}

// EgoNode is a person on the ego map.
type EgoNode struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Subtitle string `json:"subtitle,omitempty"`
	Circle   int    `json:"circle"`
	Me       bool   `json:"me,omitempty"`
	Dormant  bool   `json:"dormant,omitempty"`
}

// EgoEdge is a tie on the ego map.
type EgoEdge struct {
	A        string  `json:"a"`
	B        string  `json:"b"`
	Strength float64 `json:"strength"`
}

// egoMap picks the people to draw: me, everyone the report names, then my
// strongest ties, up to EgoPeople besides me.
func (b *builder) egoMap(r *Report) EgoMap {
	net := b.net
	comm := net.Communities()
	chosen := []int32{b.me}
	in := map[int32]bool{b.me: true}
	dormant := map[int32]bool{}
	add := func(id string) {
		if p := net.Index(id); p >= 0 && !in[p] && len(chosen) <= b.opt.EgoPeople {
			in[p] = true
			chosen = append(chosen, p)
		}
	}
	for _, d := range r.Dormant {
		dormant[net.Index(d.PersonID)] = true
		add(d.PersonID)
	}
	for _, f := range r.FollowUps {
		add(f.PersonID)
	}
	for _, d := range r.Deepen {
		add(d.PersonID)
	}
	rest := slices.Clone(net.Neighbors(b.me))
	strength := func(p int32) float64 { s, _ := net.Strength(b.me, p); return s }
	slices.SortStableFunc(rest, func(x, y int32) int { return cmp.Compare(strength(y), strength(x)) })
	for _, p := range rest {
		add(net.ID(p))
	}
	m := EgoMap{Circles: map[int]string{}}
	for _, p := range chosen {
		ci := int(comm.Of[p])
		m.Circles[ci] = comm.Circles[ci].Label
		m.Nodes = append(m.Nodes, EgoNode{ID: net.ID(p), Name: net.Name(p), Subtitle: netmap.Headline(net, p), Circle: ci,
			Me: p == b.me, Dormant: dormant[p]})
	}
	for i, p := range chosen {
		for _, q := range chosen[i+1:] {
			if s, ok := net.Strength(p, q); ok {
				m.Edges = append(m.Edges, EgoEdge{A: net.ID(p), B: net.ID(q), Strength: round(s, 3)})
			}
		}
	}
	return m
}

// renderInput is the map as graph/render draws it.
func (m EgoMap) renderInput(title, description string) render.EgoInput {
	in := render.EgoInput{Meta: render.Meta{Title: title, Description: description}, Radius: 1,
		CommunityNames: m.Circles}
	for _, n := range m.Nodes {
		in.Nodes = append(in.Nodes, render.Node{ID: n.ID, Label: n.Name, Subtitle: n.Subtitle, Community: n.Circle,
			Me: n.Me, Dormant: n.Dormant})
	}
	for _, e := range m.Edges {
		in.Edges = append(in.Edges, render.Edge{A: e.A, B: e.B, Strength: e.Strength, Weak: netmap.Weak(e.Strength)})
	}
	return in
}
