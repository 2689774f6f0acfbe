package analytics

import (
	"math"
	"time"

	"github.com/nexohq/nexo/graph"
)

// Edge is one line of an undirected, weighted edge list; Weight is the tie
// strength in (0, 1].
type Edge struct {
	Source string  `json:"source"`
	Target string  `json:"target"`
	Weight float64 `json:"weight"`
}

// NetworkFromEdges builds a Network from a plain edge list, as the command
// line and the independent checks use: every tie's strength is its Weight
// (a manual override, so no interactions are needed) and person ids and
// names are the node labels. nodes may name extra, possibly isolated,
// people; people are indexed in order of first appearance, nodes first.
//
// A self-loop is an EINVALID error, as is a weight outside (0, 1]. Duplicate
// edges, in either orientation, are merged and the largest weight wins.
func NetworkFromEdges(nodes []string, edges []Edge) (*Network, error) {
	s := &graph.Snapshot{}
	index := map[string]int32{}
	add := func(id string) int32 {
		if i, ok := index[id]; ok {
			return i
		}
		i := int32(len(s.People))
		index[id] = i
		s.People = append(s.People, graph.SnapPerson{ID: id, Name: id})
		return i
	}
	for _, id := range nodes {
		add(id)
	}
	for i, e := range edges {
		if e.Source == e.Target {
			return nil, graph.Errorf(graph.EINVALID, "Edge %d is a self-loop on %q.", i+1, e.Source)
		}
		if !(e.Weight > 0 && e.Weight <= 1) || math.IsNaN(e.Weight) {
			return nil, graph.Errorf(graph.EINVALID, "Edge %d (%s, %s) has weight %g outside (0, 1].", i+1, e.Source, e.Target, e.Weight)
		}
		a, b := add(e.Source), add(e.Target)
		if a > b {
			a, b = b, a
		}
		s.Ties = append(s.Ties, graph.SnapTie{A: a, B: b, Override: e.Weight, Source: graph.TieImported})
	}
	return NewNetwork(s, time.Unix(0, 0).UTC(), nil)
}
