package analytics

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/nexohq/nexo/graph"
)

// Apply's growing path: changes that add people and ties (to a new
// contact, say) besides what the fast path takes, and remove nothing. The
// people stay in id order, so every index after a new person's moves by
// one: but in order, so each adjacency list stays sorted once renumbered,
// and the new adjacency is the old one merged with the new ties in one
// pass, without sorting, the old edges keeping their strengths and events.

// growApply applies d on the growing path, or returns nil when d removes
// something, changes positions or interactions already there, adds an
// organisation, or adds a tie between two people who were both there
// (old interactions may hold that pair: the full path finds their events).
func (net *Network) growApply(version uint64, d *delta) *Network {
	old := net.snap
	if !net.removesNothing(d) {
		return nil
	}
	orgAt := net.orgAt
	var added []string // new people's ids
	for id, p := range d.people {
		if p == nil {
			return nil
		}
		if net.findPersonIndex(id) < 0 {
			added = append(added, id)
		}
	}
	slices.Sort(added)
	isNew := func(id string) bool { _, ok := slices.BinarySearch(added, id); return ok }

	// The new people, in id order, and the renumbering.
	people := old.People
	var remap, back []int32
	if len(added) > 0 || len(d.people) > 0 {
		people = make([]graph.SnapPerson, 0, len(old.People)+len(added))
		remap = make([]int32, len(old.People))
		back = make([]int32, 0, len(old.People)+len(added))
		mergeByID(old.People, func(p *graph.SnapPerson) string { return p.ID }, added, func(i int) {
			remap[i] = int32(len(people))
			back = append(back, int32(i))
			people = append(people, old.People[i])
		}, func(_, j int) {
			back = append(back, -1)
			people = append(people, snapPerson(d.people[added[j]]))
		})
		for id, p := range d.people {
			if i := net.findPersonIndex(id); i >= 0 {
				np := snapPerson(p)
				np.Jobs = old.People[i].Jobs
				people[remap[i]] = np
			}
		}
	}
	find := func(id string) int32 {
		i, ok := slices.BinarySearchFunc(people, id, func(p graph.SnapPerson, id string) int { return strings.Compare(p.ID, id) })
		if !ok {
			return -1
		}
		return int32(i)
	}
	person := func(i int32) int32 {
		if remap == nil {
			return i
		}
		return remap[i]
	}

	// Ties: changes of old ones in place, new ones after them.
	type newTie struct {
		a, b int32 // new indexes, a < b
		t    *graph.Tie
	}
	var updates map[int32]*graph.Tie // old snapshot tie → its new state
	var fresh []newTie
	for k, t := range d.ties {
		if t == nil {
			return nil
		}
		oa, ob := net.findPersonIndex(k.a), net.findPersonIndex(k.b)
		if oa >= 0 && ob >= 0 {
			e := net.TieBetween(oa, ob)
			if e < 0 {
				return nil // a new tie between two who were there: the full path
			}
			if updates == nil {
				updates = map[int32]*graph.Tie{}
			}
			updates[net.etie[e]] = t
			continue
		}
		if (oa < 0 && !isNew(k.a)) || (ob < 0 && !isNew(k.b)) {
			return nil // someone the graph does not hold
		}
		x, y := find(k.a), find(k.b)
		fresh = append(fresh, newTie{min(x, y), max(x, y), t})
	}
	slices.SortFunc(fresh, func(p, q newTie) int { return cmp.Or(cmp.Compare(p.a, q.a), cmp.Compare(p.b, q.b)) })

	var inters []graph.SnapInteraction
	for _, id := range sortedKeys(d.inters) {
		in := d.inters[id]
		if in == nil || net.findInteraction(id) >= 0 {
			return nil
		}
		si := graph.SnapInteraction{ID: in.ID, At: unix(in.At), Kind: in.Kind, Captured: in.Captured()}
		if i := find(in.InitiatorID); i >= 0 {
			si.Initiator = people[i].ID
		}
		for _, p := range in.ParticipantIDs {
			i := find(p)
			if i < 0 {
				return nil
			}
			si.People = append(si.People, people[i].ID)
		}
		if si.People = graph.SortedIDs(si.People); len(si.People) >= 2 {
			inters = append(inters, si)
		}
	}

	s := &graph.Snapshot{WorkspaceID: old.WorkspaceID, Version: version, LoadedAt: old.LoadedAt, People: people,
		Organizations: old.Organizations, Ties: old.Ties, Interactions: old.Interactions, Events: old.Events,
		Members: old.Members}
	if len(d.orgs) > 0 {
		s.Organizations = slices.Clone(old.Organizations)
		for id, o := range d.orgs {
			s.Organizations[orgAt(id)] = graph.SnapOrganization{ID: o.ID, Name: o.Name, Domain: o.Domain}
		}
	}
	if remap != nil || len(updates) > 0 || len(fresh) > 0 {
		ties := make([]graph.SnapTie, len(old.Ties), len(old.Ties)+len(fresh))
		for i, t := range old.Ties {
			if u := updates[int32(i)]; u != nil {
				t = snapTie(t.A, t.B, u)
			}
			t.A, t.B = person(t.A), person(t.B)
			ties[i] = t
		}
		for _, f := range fresh {
			ties = append(ties, snapTie(f.a, f.b, f.t))
		}
		s.Ties = ties
	}

	out := &Network{snap: s, now: net.now, model: net.model, seed: net.seed, nwork: net.nwork,
		interSorted: net.interSorted, interTail: net.interTail, eventTail: net.eventTail}
	// The tie between two new indexes, in the new snapshot.
	freshAt := make(map[[2]int32]int32, len(fresh))
	for k, f := range fresh {
		freshAt[[2]int32{f.a, f.b}] = int32(len(old.Ties) + k)
	}
	tieOf := func(a, b int32) int32 {
		if t, ok := freshAt[[2]int32{a, b}]; ok {
			return t
		}
		oa, ob := a, b
		if back != nil {
			oa, ob = back[a], back[b]
		}
		if oa < 0 || ob < 0 {
			return -1
		}
		if e := net.TieBetween(oa, ob); e >= 0 {
			return net.etie[e]
		}
		return -1
	}
	var events []graph.SnapEvent
	if len(inters) > 0 {
		first := len(old.Interactions)
		s.Interactions, out.interTail = appendOwned(net.interTail, old.Interactions, inters...)
		for k := range inters {
			events = graph.AppendEvents(events, int32(first+k), &s.Interactions[first+k], find, tieOf)
		}
		s.Events, out.eventTail = appendOwned(net.eventTail, old.Events, events...)
	}
	if len(d.members) > 0 || remap != nil {
		a := &applier{net: net, old: old, d: d, s: s, remap: remap}
		a.members()
	}

	out.grow(net, remap, back, len(fresh), len(old.Events), events, updates)
	out.canonical.Store(true)
	out.carried = net.carriedFor(remap, len(people), out)
	if len(d.people) == 0 && len(d.orgs) == 0 {
		if ix := net.people.Load(); ix != nil {
			out.people.Store(ix)
		}
	} else if net.people.Load() != nil {
		out.peopleIndex()
	}
	return out
}

// grow builds net's adjacency from old's: people renumbered by remap (back:
// new → old, -1 for the new), the fresh ties appended to the snapshot's
// ties after old's, the events from firstEvent on new. Old edges keep their
// strength unless their tie changed (updates) or they have new events.
func (net *Network) grow(old *Network, remap, back []int32, fresh int, firstEvent int, events []graph.SnapEvent,
	updates map[int32]*graph.Tie) {
	s := net.snap
	n := len(s.People)
	person := func(i int32) int32 {
		if remap == nil {
			return i
		}
		return remap[i]
	}
	firstFresh := int32(len(s.Ties) - fresh)

	// Edges: old ones renumbered (still in order), fresh ones merged in.
	type edge struct {
		a, b int32
		old  int32 // old edge, or -1
		tie  int32
	}
	freshEdges := make([]edge, 0, fresh)
	for t := firstFresh; t < int32(len(s.Ties)); t++ {
		freshEdges = append(freshEdges, edge{s.Ties[t].A, s.Ties[t].B, -1, t})
	}
	slices.SortFunc(freshEdges, func(x, y edge) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
	mOld := len(old.ea)
	m := mOld + len(freshEdges)
	net.ea, net.eb, net.etie = make([]int32, 0, m), make([]int32, 0, m), make([]int32, 0, m)
	edgeMap := make([]int32, mOld) // old edge → new
	strength := make([]float64, 0, m)
	touched := make([]bool, 0, m)
	j := 0
	appendEdge := func(e edge) {
		if e.old >= 0 {
			edgeMap[e.old] = int32(len(net.ea))
			strength = append(strength, old.strength[e.old])
			touched = append(touched, updates[e.tie] != nil)
		} else {
			strength = append(strength, 0)
			touched = append(touched, true)
		}
		net.ea, net.eb, net.etie = append(net.ea, e.a), append(net.eb, e.b), append(net.etie, e.tie)
	}
	for e := range int32(mOld) {
		cur := edge{person(old.ea[e]), person(old.eb[e]), e, old.etie[e]}
		for j < len(freshEdges) && (freshEdges[j].a < cur.a || (freshEdges[j].a == cur.a && freshEdges[j].b < cur.b)) {
			appendEdge(freshEdges[j])
			j++
		}
		appendEdge(cur)
	}
	for ; j < len(freshEdges); j++ {
		appendEdge(freshEdges[j])
	}
	net.tieEdge = make([]int32, len(s.Ties))
	for t := range net.tieEdge {
		net.tieEdge[t] = -1
	}
	for e, t := range net.etie {
		net.tieEdge[t] = int32(e)
	}

	// Adjacency: each old list renumbered, merged with the fresh ties'.
	freshNbr := map[int32][][2]int32{} // person → (neighbour, edge), sorted below
	for e := range m {
		if net.etie[e] >= firstFresh {
			a, b := net.ea[e], net.eb[e]
			freshNbr[a] = append(freshNbr[a], [2]int32{b, int32(e)})
			freshNbr[b] = append(freshNbr[b], [2]int32{a, int32(e)})
		}
	}
	for _, l := range freshNbr {
		slices.SortFunc(l, func(x, y [2]int32) int { return cmp.Compare(x[0], y[0]) })
	}
	net.off = make([]int32, n+1)
	net.adj = make([]int32, 0, len(old.adj)+2*len(freshEdges))
	net.he = make([]int32, 0, cap(net.adj))
	for u := range int32(n) {
		fl := freshNbr[u]
		k := 0
		if ou := int32(-1); back == nil || back[u] >= 0 {
			ou = u
			if back != nil {
				ou = back[u]
			}
			for h := old.off[ou]; h < old.off[ou+1]; h++ {
				v := person(old.adj[h])
				for k < len(fl) && fl[k][0] < v {
					net.adj, net.he = append(net.adj, fl[k][0]), append(net.he, fl[k][1])
					k++
				}
				net.adj, net.he = append(net.adj, v), append(net.he, edgeMap[old.he[h]])
			}
		}
		for ; k < len(fl); k++ {
			net.adj, net.he = append(net.adj, fl[k][0]), append(net.he, fl[k][1])
		}
		net.off[u+1] = int32(len(net.adj))
	}

	// Events: each old edge keeps its list; new events join theirs.
	addedEv := map[int32][]int32{}
	for k, ev := range events {
		e := net.tieEdge[ev.Tie]
		addedEv[e] = append(addedEv[e], int32(firstEvent+k))
		touched[e] = true
	}
	net.evOff = make([]int32, m+1)
	net.evIdx = make([]int32, 0, len(old.evIdx)+len(events))
	oldOf := make([]int32, m) // new edge → old, -1 for fresh
	for e := range oldOf {
		oldOf[e] = -1
	}
	for e, ne := range edgeMap {
		oldOf[ne] = int32(e)
	}
	for e := range m {
		start := len(net.evIdx)
		if o := oldOf[e]; o >= 0 {
			net.evIdx = append(net.evIdx, old.evIdx[old.evOff[o]:old.evOff[o+1]]...)
		}
		if l := addedEv[int32(e)]; len(l) > 0 {
			net.evIdx = append(net.evIdx, l...)
			net.sortEvents(net.evIdx[start:])
		}
		net.evOff[e+1] = int32(len(net.evIdx))
	}

	// Strengths of what changed, then the per-half-edge arrays.
	now := net.now.Unix()
	net.strength = strength
	for e := range m {
		if touched[e] {
			st := net.tieStats(int32(e), now, false)
			net.strength[e] = net.model.strength(&st)
		}
	}
	cost := make([]float64, m)
	for e, w := range net.strength {
		cost[e] = -math.Log(w)
	}
	net.hw, net.hc = make([]float64, len(net.adj)), make([]float64, len(net.adj))
	for h, e := range net.he {
		net.hw[h], net.hc[h] = net.strength[e], cost[e]
	}
	net.wsum, net.wmax = make([]float64, n), make([]float64, n)
	for u := range n {
		for h := net.off[u]; h < net.off[u+1]; h++ {
			net.wsum[u] += net.hw[h]
			net.wmax[u] = max(net.wmax[u], net.hw[h])
		}
	}
}
