package analytics

import (
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/nexohq/nexo/graph"
)

// Apply's fast path. Most writes change a tie's strength or context, log an
// interaction between people who know each other, or edit a person: none
// adds or removes a person, a tie or a position. Then the adjacency, the
// edges and every person's index stay, and Apply shares them: it copies only
// the arrays it changes (the strengths, and the ties or people edited),
// appends the new interactions and their events to the arrays' spare
// capacity, and computes the strengths of the ties touched — milliseconds
// where the full path takes a few hundred on 100k people. The appended
// interactions are out of id order (interSorted marks where they start);
// the full path puts them back in order.

// maxTail bounds the interactions the fast path leaves out of id order.
const maxTail = 8192

// tail records how much of a backing array a lineage of networks has
// claimed: a network whose slice ends at n may append in place, and no other
// may, so that two networks applied to the same one never write the same
// elements. Older networks see only their own length.
type tail struct {
	mu sync.Mutex
	n  int
}

func newTail(n int) *tail { return &tail{n: n} }

// appendOwned appends items to s, in place when s ends where t's claim does
// and there is room, otherwise into a new array with a new claim.
func appendOwned[T any](t *tail, s []T, items ...T) ([]T, *tail) {
	if len(items) == 0 {
		return s, t
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == len(s) && cap(s)-len(s) >= len(items) {
		s = append(s, items...)
		t.n = len(s)
		return s, t
	}
	out := make([]T, len(s), max(2*len(s), len(s)+len(items), 64))
	copy(out, s)
	out = append(out, items...)
	return out, newTail(len(out))
}

// findInteraction returns the index of the interaction with the given id in
// the snapshot, or -1.
func (net *Network) findInteraction(id string) int {
	ins := net.snap.Interactions
	if i, ok := slices.BinarySearchFunc(ins[:net.interSorted], id, func(in graph.SnapInteraction, id string) int {
		return strings.Compare(in.ID, id)
	}); ok {
		return i
	}
	for i := net.interSorted; i < len(ins); i++ {
		if ins[i].ID == id {
			return i
		}
	}
	return -1
}

// removesNothing reports whether d removes no person, organisation or
// position and changes no position, on a network the fast and growing
// paths can take, with room for d's interactions among those out of order.
func (net *Network) removesNothing(d *delta) bool {
	if len(d.purged) > 0 || len(d.orgsPurged) > 0 || len(d.jobs) > 0 || net.dups != nil ||
		len(net.snap.Interactions)-net.interSorted+len(d.inters) > maxTail {
		return false
	}
	for id, o := range d.orgs {
		if o == nil || net.orgAt(id) < 0 {
			return false // organisations are not added here: their indexes would move
		}
	}
	return true
}

// orgAt returns the index of the organisation with the given id in the
// snapshot, or -1.
func (net *Network) orgAt(id string) int {
	i, ok := slices.BinarySearchFunc(net.snap.Organizations, id, func(o graph.SnapOrganization, id string) int {
		return strings.Compare(o.ID, id)
	})
	if !ok {
		return -1
	}
	return i
}

// findPersonIndex returns the index of the person with the given id in the
// snapshot, or -1.
func (net *Network) findPersonIndex(id string) int32 {
	if id == "" {
		return -1
	}
	i, ok := slices.BinarySearchFunc(net.snap.People, id, func(p graph.SnapPerson, id string) int { return strings.Compare(p.ID, id) })
	if !ok {
		return -1
	}
	return int32(i)
}

// fastApply applies d on the fast path, or returns nil when d adds or
// removes a person, organisation, position, tie or interaction it cannot
// place, or changes an interaction already there.
func (net *Network) fastApply(version uint64, d *delta) *Network {
	old := net.snap
	if !net.removesNothing(d) {
		return nil
	}
	for id, p := range d.people {
		if p == nil || net.findPersonIndex(id) < 0 {
			return nil
		}
	}
	orgAt := net.orgAt
	type tieUpdate struct {
		i int32 // snapshot tie
		t *graph.Tie
	}
	var ties []tieUpdate
	for k, t := range d.ties {
		a, b := net.findPersonIndex(k.a), net.findPersonIndex(k.b)
		if t == nil || a < 0 || b < 0 {
			return nil
		}
		e := net.TieBetween(a, b)
		if e < 0 {
			return nil // a new tie changes the adjacency
		}
		ties = append(ties, tieUpdate{net.etie[e], t})
	}
	var inters []graph.SnapInteraction
	for _, id := range sortedKeys(d.inters) {
		in := d.inters[id]
		if in == nil || net.findInteraction(id) >= 0 {
			return nil
		}
		si := graph.SnapInteraction{ID: in.ID, At: unix(in.At), Kind: in.Kind, Captured: in.Captured()}
		if i := net.findPersonIndex(in.InitiatorID); i >= 0 {
			si.Initiator = old.People[i].ID
		}
		for _, p := range in.ParticipantIDs {
			i := net.findPersonIndex(p)
			if i < 0 {
				return nil
			}
			si.People = append(si.People, old.People[i].ID)
		}
		if si.People = graph.SortedIDs(si.People); len(si.People) >= 2 {
			inters = append(inters, si)
		}
	}

	s := &graph.Snapshot{WorkspaceID: old.WorkspaceID, Version: version, LoadedAt: old.LoadedAt, People: old.People,
		Organizations: old.Organizations, Ties: old.Ties, Interactions: old.Interactions, Events: old.Events,
		Members: old.Members}
	if len(d.people) > 0 {
		s.People = slices.Clone(old.People)
		for id, p := range d.people {
			i := net.findPersonIndex(id)
			np := snapPerson(p)
			np.Jobs = old.People[i].Jobs
			s.People[i] = np
		}
	}
	if len(d.orgs) > 0 {
		s.Organizations = slices.Clone(old.Organizations)
		for id, o := range d.orgs {
			s.Organizations[orgAt(id)] = graph.SnapOrganization{ID: o.ID, Name: o.Name, Domain: o.Domain}
		}
	}
	touched := map[int32]bool{} // edges
	if len(ties) > 0 {
		s.Ties = slices.Clone(old.Ties)
		for _, u := range ties {
			t := &s.Ties[u.i]
			*t = snapTie(t.A, t.B, u.t)
			touched[net.tieEdge[u.i]] = true
		}
	}
	out := net.shareAdjacency(s)
	out.interSorted = net.interSorted
	out.carried = net.carriedFor(nil, net.Len(), out)
	if len(inters) > 0 {
		first := len(old.Interactions)
		s.Interactions, out.interTail = appendOwned(net.interTail, old.Interactions, inters...)
		var events []graph.SnapEvent
		for k := range inters {
			events = graph.AppendEvents(events, int32(first+k), &s.Interactions[first+k], net.findPersonIndex, func(a, b int32) int32 {
				if e := net.TieBetween(a, b); e >= 0 {
					return net.etie[e]
				}
				return -1
			})
		}
		firstEvent := len(old.Events)
		s.Events, out.eventTail = appendOwned(net.eventTail, old.Events, events...)
		added := map[int32][]int32{} // edge → its new events
		for k, ev := range events {
			e := net.tieEdge[ev.Tie]
			added[e] = append(added[e], int32(firstEvent+k))
			touched[e] = true
		}
		out.addEvents(added)
	}
	if len(d.members) > 0 {
		a := &applier{net: net, old: old, d: d, s: s}
		a.members()
	}
	if len(touched) > 0 {
		out.recomputeEdges(touched)
	}
	if len(d.people) == 0 && len(d.orgs) == 0 {
		if ix := net.people.Load(); ix != nil {
			out.people.Store(ix)
		}
	} else if net.people.Load() != nil {
		out.peopleIndex()
	}
	out.canonical.Store(true)
	return out
}

// addEvents gives the network's edges their new events (edge → indexes
// into the snapshot's events), copying the event index.
func (net *Network) addEvents(added map[int32][]int32) {
	edges := make([]int32, 0, len(added))
	n := 0
	for e, l := range added {
		edges = append(edges, e)
		n += len(l)
	}
	slices.Sort(edges)
	m := len(net.ea)
	off := make([]int32, m+1)
	idx := make([]int32, 0, len(net.evIdx)+n)
	shift, next := int32(0), 0
	for e := 0; e < m; e++ {
		off[e] = net.evOff[e] + shift
		seg := net.evIdx[net.evOff[e]:net.evOff[e+1]]
		if next < len(edges) && edges[next] == int32(e) {
			start := len(idx)
			idx = append(idx, seg...)
			idx = append(idx, added[int32(e)]...)
			net.sortEvents(idx[start:])
			shift += int32(len(added[int32(e)]))
			next++
			continue
		}
		idx = append(idx, seg...)
	}
	off[m] = int32(len(idx))
	net.evOff, net.evIdx = off, idx
}

// recomputeEdges computes the strengths of the touched edges again, in
// copies of the strength arrays.
func (net *Network) recomputeEdges(touched map[int32]bool) {
	net.strength = slices.Clone(net.strength)
	net.hw, net.hc = slices.Clone(net.hw), slices.Clone(net.hc)
	net.wsum, net.wmax = slices.Clone(net.wsum), slices.Clone(net.wmax)
	now := net.now.Unix()
	ends := map[int32]bool{}
	for e := range touched {
		st := net.tieStats(e, now, false)
		w := net.model.strength(&st)
		net.strength[e] = w
		c := -math.Log(w)
		a, b := net.ea[e], net.eb[e]
		for _, h := range []int32{net.halfEdge(a, b), net.halfEdge(b, a)} {
			net.hw[h], net.hc[h] = w, c
		}
		ends[a], ends[b] = true, true
	}
	for u := range ends {
		net.wsum[u], net.wmax[u] = 0, 0
		for h := net.off[u]; h < net.off[u+1]; h++ {
			net.wsum[u] += net.hw[h]
			net.wmax[u] = max(net.wmax[u], net.hw[h])
		}
	}
}

// halfEdge returns the position of v in u's adjacency.
func (net *Network) halfEdge(u, v int32) int32 {
	k, _ := slices.BinarySearch(net.Neighbors(u), v)
	return net.off[u] + int32(k)
}

// canonicalSnapshot returns the snapshot with the interactions the fast
// path appended put in id order, and the events in the order of their
// interactions, as the full path of Apply wants them.
func (net *Network) canonicalSnapshot() *graph.Snapshot {
	if net.interSorted == len(net.snap.Interactions) {
		return net.snap
	}
	return net.snap.Canonical()
}
