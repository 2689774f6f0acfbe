package render

import (
	"fmt"
	"math/rand/v2"
)

// syntheticEgo returns an ego network of n people (me included): a quarter at
// distance 1, the rest at distance 2, in communities of related people.
func syntheticEgo(n int, seed uint64) EgoInput {
	r := rand.New(rand.NewPCG(seed, 1))
	in := EgoInput{
		Meta:           Meta{Title: fmt.Sprintf("Ego map of Person 0 (%d people)", n), Description: "Radius 2.", Fields: map[string]string{"workspace": "demo"}},
		Radius:         2,
		CommunityNames: map[int]string{0: "Acme alumni", 1: "Design guild"},
	}
	ring1 := max(1, min(n/4, 80))
	communities := 3 + n/40
	for i := 0; i < n; i++ {
		in.Nodes = append(in.Nodes, Node{
			ID:        fmt.Sprintf("p%04d", i),
			Label:     fmt.Sprintf("Person %d", i),
			Subtitle:  fmt.Sprintf("Title %d @ Company %d", i%7, i%13),
			Community: i % communities,
			Brokerage: r.Float64() * r.Float64(),
			Me:        i == 0,
			Dormant:   i > 0 && i%17 == 0,
			URL:       fmt.Sprintf("/people/p%04d", i),
		})
	}
	tie := func(a, b int) {
		s := r.Float64()
		in.Edges = append(in.Edges, Edge{
			A: in.Nodes[a].ID, B: in.Nodes[b].ID, Strength: s, Weak: s < 0.3,
			LocalBridge: r.IntN(12) == 0, Reason: fmt.Sprintf("worked together at Company %d", (a+b)%13),
		})
	}
	for i := 1; i < n; i++ {
		if i <= ring1 {
			tie(0, i)
		} else {
			tie(1+r.IntN(ring1), i)
		}
	}
	for k := 0; k < n; k++ { // ties within communities, a few across
		a, b := 1+r.IntN(n-1), 1+r.IntN(n-1)
		if a != b && (a%communities == b%communities || r.IntN(4) == 0) {
			tie(a, b)
		}
	}
	return in
}

// syntheticNetwork returns a network of n people in communities of skewed
// sizes, about four ties each, one in ten across communities.
func syntheticNetwork(n, communities int, seed uint64) OverviewInput {
	r := rand.New(rand.NewPCG(seed, 2))
	in := OverviewInput{Meta: Meta{Title: fmt.Sprintf("Network of %d people", n)}, CommunityNames: map[int]string{0: "Acme alumni"}}
	members := make([][]int, communities)
	in.Nodes = make([]Node, n)
	for i := range in.Nodes {
		u := r.Float64()
		c := int(u * u * float64(communities))
		members[c] = append(members[c], i)
		in.Nodes[i] = Node{
			ID: fmt.Sprintf("p%06d", i), Label: fmt.Sprintf("Person %d", i), Subtitle: "Engineer @ Co",
			Community: c, Brokerage: r.Float64() * r.Float64() * r.Float64(), Me: i == 0, URL: fmt.Sprintf("/people/p%06d", i),
		}
	}
	in.Edges = make([]Edge, 0, 4*n)
	for i := range in.Nodes {
		for k := 0; k < 2; k++ { // two per person, so about four ties each
			j := r.IntN(n)
			if r.IntN(10) != 0 {
				m := members[in.Nodes[i].Community]
				j = m[r.IntN(len(m))]
			}
			if j != i {
				s := r.Float64()
				in.Edges = append(in.Edges, Edge{A: in.Nodes[i].ID, B: in.Nodes[j].ID, Strength: s, Weak: s < 0.3, Reason: "met at a conference"})
			}
		}
	}
	return in
}

// syntheticPaths returns k paths of 2 to 4 hops from p0 to p99.
func syntheticPaths(k int) PathsInput {
	in := PathsInput{Meta: Meta{Title: "Who can introduce me to Person 99?"}}
	person := func(i int) Node {
		return Node{ID: fmt.Sprintf("p%d", i), Label: fmt.Sprintf("Person %d", i), Subtitle: fmt.Sprintf("Role @ Company %d", i%5), Community: i % 4, URL: fmt.Sprintf("/people/p%d", i)}
	}
	for p := 0; p < k; p++ {
		path := Path{Score: 0.9 / float64(p+1), Nodes: []Node{person(0)}}
		for h := 0; h < 1+p%3; h++ {
			path.Nodes = append(path.Nodes, person(10+10*p+h))
		}
		path.Nodes = append(path.Nodes, person(99))
		for i := 0; i+1 < len(path.Nodes); i++ {
			s := 0.9 - 0.2*float64(p) - 0.1*float64(i)
			path.Edges = append(path.Edges, Edge{A: path.Nodes[i].ID, B: path.Nodes[i+1].ID, Strength: s, Weak: s < 0.3, LocalBridge: i == 1,
				Reason: fmt.Sprintf("worked together at Company %d 2019–2022", i)})
		}
		in.Paths = append(in.Paths, path)
	}
	return in
}
