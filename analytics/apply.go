package analytics

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/nexohq/nexo/graph"
)

// Incremental networks. A follower of a workspace's change feed keeps its
// Network current with Apply instead of loading the workspace again: Apply
// makes the network of the graph after a batch of changes. The result is the
// network NewNetwork would build from a snapshot of the changed graph —
// same people indexes, same strengths, and so the same answers, communities
// and betweenness included once they are recomputed — but only the ties the
// changes touch get their strength computed again; the rest is copied.
//
// Apply still copies the snapshot's arrays and rebuilds the adjacency (linear
// work, tens of milliseconds for a million ties), because a Network never
// changes once built: the one a question is being answered from stays as it
// was. Communities and betweenness, which cost seconds on large networks, are
// carried over from the network Apply started from (adjusted to the new
// people) until they are computed again (Settle); Staleness says of which
// version they are.

// carried is what a network made by Apply borrows from the one it came from.
type carried struct {
	comm        *Communities
	commVersion uint64
	btw         *BetweennessResult
	btwVersion  uint64
}

// Staleness says which versions of the workspace (graph.Snapshot.Version)
// a network's answers are of.
type Staleness struct {
	// Version is the network's own: its people, ties and strengths.
	Version uint64 `json:"version"`
	// CommunitiesVersion and BetweennessVersion are those of the results
	// Communities and Betweenness return: older than Version while they
	// are carried over from an earlier network (see Apply).
	CommunitiesVersion uint64 `json:"communities_version"`
	BetweennessVersion uint64 `json:"betweenness_version"`
}

// Staleness returns the versions the network's answers are of.
func (net *Network) Staleness() Staleness {
	v := net.snap.Version
	st := Staleness{Version: v, CommunitiesVersion: v, BetweennessVersion: v}
	if c := net.carried; c != nil {
		if c.comm != nil && net.comm.Load() == nil {
			st.CommunitiesVersion = c.commVersion
		}
		if c.btw != nil && net.btw.Load() == nil {
			st.BetweennessVersion = c.btwVersion
		}
	}
	return st
}

// Settled reports whether the network's communities and betweenness are its
// own, computed for its version.
func (net *Network) Settled() bool { return net.comm.Load() != nil && net.btw.Load() != nil }

// Settle computes the network's own communities and betweenness, if not yet
// done; from then on Communities and Betweenness return them.
func (net *Network) Settle() {
	net.ownCommunities()
	net.ownBetweenness()
}

// At returns the network of the same snapshot seen at time now: every
// strength computed again (recency and dormancy count from now), the
// adjacency shared. Communities and betweenness are carried over.
func (net *Network) At(now time.Time) *Network {
	out := net.shareAdjacency(net.snap)
	out.now = now
	out.computeStrengths(nil)
	out.carried = net.carriedFor(nil, net.Len(), out)
	return out
}

// shareAdjacency returns a network over snap with net's adjacency, edges,
// events and strengths, which must hold for snap too.
func (net *Network) shareAdjacency(snap *graph.Snapshot) *Network {
	out := &Network{snap: snap, now: net.now, model: net.model, seed: net.seed, nwork: net.nwork,
		off: net.off, adj: net.adj, he: net.he, hw: net.hw, hc: net.hc,
		ea: net.ea, eb: net.eb, etie: net.etie, dups: net.dups, tieEdge: net.tieEdge, strength: net.strength,
		evOff: net.evOff, evIdx: net.evIdx, wsum: net.wsum, wmax: net.wmax,
		interSorted: net.interSorted, interTail: net.interTail, eventTail: net.eventTail}
	out.canonical.Store(net.canonical.Load())
	return out
}

// Apply returns the network of the graph after changes, applied in order,
// as of version (the feed version of the last change). The network's
// snapshot must be in canonical order (graph.Snapshot; the store loads it so,
// and Apply keeps it so, but for interactions it appends). Changes that refer
// to people or organisations the graph does not hold are left out, as a
// fresh snapshot leaves them out; a deleted person takes their ties,
// positions and place in interactions with them, as the store's
// DeletePerson does. Apply tries the fast path (fastapply.go), then the
// growing one (grow.go), then rebuilds the arrays from the changed snapshot.
//
// Apply fails with EINVALID on a graph.ChangeReload (the caller must load
// the workspace again) and on a snapshot not in canonical order.
func (net *Network) Apply(version uint64, changes []graph.Change) (*Network, error) {
	if err := net.checkCanonical(); err != nil {
		return nil, err
	}
	d, err := reduceChanges(changes)
	if err != nil {
		return nil, err
	}
	if out := net.fastApply(version, d); out != nil {
		return out, nil
	}
	if out := net.growApply(version, d); out != nil {
		return out, nil
	}
	a := &applier{net: net, old: net.canonicalSnapshot(), d: d,
		s: &graph.Snapshot{WorkspaceID: net.snap.WorkspaceID, Version: version, LoadedAt: net.snap.LoadedAt}}
	a.people()
	a.orgs()
	a.jobs()
	a.ties()
	a.interactions()
	a.events()
	a.members()
	var out *Network
	if a.sameAdjacency() {
		out = net.shareAdjacency(a.s)
	} else {
		out = &Network{snap: a.s, now: net.now, model: net.model, seed: net.seed, nwork: net.nwork}
		out.build(a.reuse())
	}
	out.canonical.Store(true)
	out.interSorted = len(a.s.Interactions)
	out.interTail, out.eventTail = newTail(len(a.s.Interactions)), newTail(len(a.s.Events))
	out.carried = net.carriedFor(a.remap, len(a.s.People), out)
	if a.samePeopleIndex() {
		if ix := net.people.Load(); ix != nil {
			out.people.Store(ix)
		}
	} else if net.people.Load() != nil {
		out.peopleIndex() // what was warm stays warm
	}
	return out, nil
}

// checkCanonical verifies once that the snapshot is in canonical order.
func (net *Network) checkCanonical() error {
	if net.canonical.Load() {
		return nil
	}
	s := net.snap
	byID := func(a, b string) bool { return a < b }
	ok := len(net.dups) == 0 &&
		isSorted(s.People, func(p graph.SnapPerson) string { return p.ID }, byID) &&
		isSorted(s.Organizations, func(o graph.SnapOrganization) string { return o.ID }, byID) &&
		isSorted(s.Interactions, func(i graph.SnapInteraction) string { return i.ID }, byID) &&
		isSorted(s.Members, func(m graph.SnapMember) string { return m.UserID }, byID)
	for i := 0; ok && i < len(s.People); i++ {
		ok = isSorted(s.People[i].Jobs, func(j graph.SnapJob) string { return j.ID }, byID)
	}
	for i := 0; ok && i < len(s.Interactions); i++ {
		ok = slices.IsSorted(s.Interactions[i].People)
	}
	for i := 0; ok && i < len(s.Events); i++ {
		ev := s.Events[i].Interaction
		ok = ev >= 0 && int(ev) < len(s.Interactions) && (i == 0 || s.Events[i-1].Interaction <= ev)
	}
	if !ok {
		return graph.Errorf(graph.EINVALID, "The network's snapshot is not in canonical order; it cannot be updated.")
	}
	net.canonical.Store(true)
	return nil
}

func isSorted[T any](l []T, key func(T) string, less func(a, b string) bool) bool {
	for i := 1; i < len(l); i++ {
		if !less(key(l[i-1]), key(l[i])) {
			return false
		}
	}
	return true
}

// pairID is an unordered pair of person ids, a < b.
type pairID struct{ a, b string }

func pairOf(x, y string) pairID {
	if x > y {
		x, y = y, x
	}
	return pairID{x, y}
}

// delta is a batch of changes reduced to the last state of every entity it
// touches (nil: deleted).
type delta struct {
	people     map[string]*graph.Person
	purged     map[string]bool // people deleted on the way: nothing that referred to them stays
	orgs       map[string]*graph.Organization
	orgsPurged map[string]bool
	jobs       map[string]*graph.Employment
	ties       map[pairID]*graph.Tie
	inters     map[string]*graph.Interaction
	members    map[string]*graph.User
}

func reduceChanges(changes []graph.Change) (*delta, error) {
	d := &delta{people: map[string]*graph.Person{}, purged: map[string]bool{}, orgs: map[string]*graph.Organization{},
		orgsPurged: map[string]bool{}, jobs: map[string]*graph.Employment{}, ties: map[pairID]*graph.Tie{},
		inters: map[string]*graph.Interaction{}, members: map[string]*graph.User{}}
	for i := range changes {
		c := &changes[i]
		switch c.Kind {
		case graph.ChangePerson:
			if c.Deleted {
				d.deletePerson(c.ID)
			} else if c.Person != nil {
				d.people[c.ID] = c.Person
			}
		case graph.ChangeOrganization:
			if c.Deleted {
				d.deleteOrg(c.ID)
			} else if c.Organization != nil {
				d.orgs[c.ID] = c.Organization
			}
		case graph.ChangeEmployment:
			if c.Deleted || c.Employment == nil {
				d.jobs[c.ID] = nil
			} else {
				d.jobs[c.ID] = c.Employment
			}
		case graph.ChangeTie:
			t := c.Tie
			if t == nil || t.PersonA == t.PersonB {
				continue // a tie with oneself is no tie
			}
			if c.Deleted {
				d.ties[pairOf(t.PersonA, t.PersonB)] = nil
			} else {
				d.ties[pairOf(t.PersonA, t.PersonB)] = t
			}
		case graph.ChangeInteraction:
			if c.Deleted || c.Interaction == nil {
				d.inters[c.ID] = nil
			} else {
				d.inters[c.ID] = c.Interaction
			}
		case graph.ChangeMember:
			if c.Deleted || c.Member == nil {
				d.members[c.ID] = nil
			} else {
				d.members[c.ID] = c.Member
			}
		case graph.ChangeIntroduction:
			// Not part of the network: the tie an introduction makes comes
			// as a change of its own.
		case graph.ChangeReload:
			return nil, graph.Errorf(graph.EINVALID, "The changes ask for a full reload.")
		default:
			return nil, graph.Errorf(graph.EINVALID, "Unknown change kind %q.", c.Kind)
		}
	}
	return d, nil
}

// deletePerson records a deletion and takes out of the batch what referred
// to the person, as the store's DeletePerson does.
func (d *delta) deletePerson(id string) {
	d.people[id] = nil
	d.purged[id] = true
	for k, t := range d.ties {
		if t != nil && (k.a == id || k.b == id) {
			d.ties[k] = nil
		}
	}
	for k, e := range d.jobs {
		if e != nil && e.PersonID == id {
			d.jobs[k] = nil
		}
	}
	for k, in := range d.inters {
		if in == nil || !slices.Contains(in.ParticipantIDs, id) {
			continue
		}
		c := *in
		c.ParticipantIDs = slices.DeleteFunc(slices.Clone(in.ParticipantIDs), func(p string) bool { return p == id })
		if c.InitiatorID == id {
			c.InitiatorID = ""
		}
		d.inters[k] = &c
	}
}

func (d *delta) deleteOrg(id string) {
	d.orgs[id] = nil
	d.orgsPurged[id] = true
	for k, e := range d.jobs {
		if e != nil && e.OrganizationID == id {
			d.jobs[k] = nil
		}
	}
}

// mergeByID walks old, sorted by id, and the sorted ids of a delta
// together, in id order: keep(i) for an old entry the delta leaves alone,
// change(i, j) for the delta's ids[j], with i the old entry of that id or -1.
func mergeByID[T any](old []T, id func(*T) string, ids []string, keep func(i int), change func(i, j int)) {
	i, j := 0, 0
	for i < len(old) || j < len(ids) {
		switch {
		case j == len(ids) || (i < len(old) && id(&old[i]) < ids[j]):
			keep(i)
			i++
		case i == len(old) || ids[j] < id(&old[i]):
			change(-1, j)
			j++
		default:
			change(i, j)
			i++
			j++
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// snapTie is t between people a < b of a snapshot.
func snapTie(a, b int32, t *graph.Tie) graph.SnapTie {
	var override float64
	if t.Strength != nil {
		override = *t.Strength
	}
	return graph.SnapTie{A: a, B: b, Since: unix(t.Since), Source: t.Source, Override: override, Context: t.Context}
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// applier builds the snapshot after a delta from the snapshot before, by
// merging arrays in id order, and remembers what it changed.
type applier struct {
	net *Network
	old *graph.Snapshot
	d   *delta
	s   *graph.Snapshot

	// remap gives the new index of each old person (-1: gone), back the old
	// index of each new one (-1: new); both nil when people kept theirs.
	remap, back   []int32
	peopleChanged bool // some person's own fields changed

	orgRemap    []int32 // as remap, for organisations; nil when unchanged
	orgsChanged bool    // some organisation was added, changed or removed

	jobsTouched []bool // new person → their positions changed; nil for none

	tieRemap []int32            // old tie → new tie, -1 for dropped (or replaced)
	added    map[[2]int32]int32 // ties of the delta, by their new pair
	addedEnd map[string]bool    // people at an end of an added tie between two people there before

	interRemap []int32 // old interaction → new, when carried with its events unchanged; -1 otherwise
	carriedAs  []int32 // new interaction → the old one whose events it keeps, -1: events made anew
	touched    []bool  // new tie → its events changed
}

func (a *applier) person(i int32) int32 {
	if a.remap == nil {
		return i
	}
	return a.remap[i]
}

// find returns the index of the person with the given id in the new
// snapshot, or -1.
func (a *applier) find(id string) int32 {
	if id == "" {
		return -1
	}
	i, ok := slices.BinarySearchFunc(a.s.People, id, func(p graph.SnapPerson, id string) int { return strings.Compare(p.ID, id) })
	if !ok {
		return -1
	}
	return int32(i)
}

// findOld returns the index of the person in the old snapshot, or -1 when
// they were not there or were deleted on the way.
func (a *applier) findOld(id string) int32 {
	if a.d.purged[id] {
		return -1
	}
	return a.net.findPersonIndex(id)
}

func snapPerson(p *graph.Person) graph.SnapPerson {
	return graph.SnapPerson{ID: p.ID, Name: p.Name, Title: p.Title, Location: p.Location, Tags: p.Tags,
		Skills: p.Skills, Needs: p.Needs}
}

// people merges the old people with the delta's, in id order.
func (a *applier) people() {
	old := a.old.People
	ids := sortedKeys(a.d.people)
	if len(ids) == 0 {
		a.s.People = old
		return
	}
	a.peopleChanged = true
	out := make([]graph.SnapPerson, 0, len(old)+len(ids))
	remap := make([]int32, len(old))
	back := make([]int32, 0, len(old)+len(ids))
	shifted := false
	keep := func(i int) {
		remap[i] = int32(len(out))
		shifted = shifted || remap[i] != int32(i)
		back = append(back, int32(i))
	}
	mergeByID(old, func(p *graph.SnapPerson) string { return p.ID }, ids, func(i int) {
		keep(i)
		out = append(out, old[i])
	}, func(i, j int) {
		p := a.d.people[ids[j]]
		switch {
		case i >= 0 && p != nil && !a.d.purged[ids[j]]:
			keep(i)
			np := snapPerson(p)
			np.Jobs = old[i].Jobs
			out = append(out, np)
			return
		case i >= 0:
			// Deleted, maybe made again: nothing of the old one stays.
			remap[i] = -1
		}
		shifted = true
		if p != nil {
			back = append(back, -1)
			out = append(out, snapPerson(p))
		}
	})
	a.s.People = out
	if shifted {
		a.remap, a.back = remap, back
	}
}

// orgs merges the old organisations with the delta's, in id order.
func (a *applier) orgs() {
	old := a.old.Organizations
	ids := sortedKeys(a.d.orgs)
	if len(ids) == 0 {
		a.s.Organizations = old
		return
	}
	a.orgsChanged = true
	out := make([]graph.SnapOrganization, 0, len(old)+len(ids))
	remap := make([]int32, len(old))
	shifted := false
	keep := func(i int) {
		remap[i] = int32(len(out))
		shifted = shifted || remap[i] != int32(i)
	}
	mergeByID(old, func(o *graph.SnapOrganization) string { return o.ID }, ids, func(i int) {
		keep(i)
		out = append(out, old[i])
	}, func(i, j int) {
		o := a.d.orgs[ids[j]]
		switch {
		case i >= 0 && o != nil && !a.d.orgsPurged[ids[j]]:
			keep(i)
		case i >= 0:
			remap[i] = -1
			shifted = true
		default:
			shifted = true
		}
		if o != nil {
			out = append(out, graph.SnapOrganization{ID: o.ID, Name: o.Name, Domain: o.Domain})
		}
	})
	a.s.Organizations = out
	if shifted {
		a.orgRemap = remap
	}
}

func (a *applier) findOrg(id string) int32 {
	i, ok := slices.BinarySearchFunc(a.s.Organizations, id, func(o graph.SnapOrganization, id string) int {
		return strings.Compare(o.ID, id)
	})
	if !ok {
		return -1
	}
	return int32(i)
}

// jobs rebuilds the positions of the people whose positions changed: those
// the delta names, and all of them when organisations moved.
func (a *applier) jobs() {
	if len(a.d.jobs) == 0 && a.orgRemap == nil {
		return
	}
	added := map[int32][]graph.SnapJob{}
	for _, id := range sortedKeys(a.d.jobs) {
		e := a.d.jobs[id]
		if e == nil {
			continue
		}
		p, o := a.find(e.PersonID), a.findOrg(e.OrganizationID)
		if p < 0 || o < 0 {
			continue
		}
		added[p] = append(added[p], graph.SnapJob{ID: e.ID, Org: o, Title: e.Title, Start: unix(e.Start), End: unix(e.End)})
	}
	people := a.s.People
	copied := false
	for i := range people {
		old := people[i].Jobs
		stays := func(j graph.SnapJob) bool {
			_, changed := a.d.jobs[j.ID]
			return !changed && (a.orgRemap == nil || a.orgRemap[j.Org] >= 0)
		}
		changed := len(added[int32(i)]) > 0
		for _, j := range old {
			if !stays(j) || (a.orgRemap != nil && a.orgRemap[j.Org] != j.Org) {
				changed = true
				break
			}
		}
		if !changed {
			continue
		}
		jobs := make([]graph.SnapJob, 0, len(old)+len(added[int32(i)]))
		for _, j := range old {
			if stays(j) {
				if a.orgRemap != nil {
					j.Org = a.orgRemap[j.Org]
				}
				jobs = append(jobs, j)
			}
		}
		jobs = append(jobs, added[int32(i)]...)
		slices.SortFunc(jobs, func(x, y graph.SnapJob) int { return strings.Compare(x.ID, y.ID) })
		if len(jobs) == 0 {
			jobs = nil // as a snapshot has it
		}
		if !copied {
			// The old snapshot's people are shared with readers: copy first.
			people = slices.Clone(people)
			copied = true
		}
		people[i].Jobs = jobs
		if a.jobsTouched == nil {
			a.jobsTouched = make([]bool, len(people))
		}
		// A position moved to another organisation index only is no
		// change for the strengths.
		if !sameJobs(old, jobs, a.orgRemap) {
			a.jobsTouched[i] = true
		}
	}
	a.s.People = people
}

// sameJobs reports whether before (with organisations remapped) and after
// hold the same positions.
func sameJobs(before, after []graph.SnapJob, orgRemap []int32) bool {
	if len(before) != len(after) {
		return false
	}
	for k, j := range before {
		if orgRemap != nil {
			j.Org = orgRemap[j.Org]
		}
		if j != after[k] {
			return false
		}
	}
	return true
}

// ties copies the old ties that stay (people remapped) and appends the
// delta's.
func (a *applier) ties() {
	old := a.old.Ties
	drop := make([]bool, len(old))
	for k := range a.d.ties {
		oa, ob := a.findOld(k.a), a.findOld(k.b)
		if oa < 0 || ob < 0 {
			continue
		}
		if e := a.net.TieBetween(oa, ob); e >= 0 {
			drop[a.net.etie[e]] = true
		}
	}
	ties := make([]graph.SnapTie, 0, len(old)+len(a.d.ties))
	a.tieRemap = make([]int32, len(old))
	for i, t := range old {
		x, y := a.person(t.A), a.person(t.B)
		if x < 0 || y < 0 || drop[i] {
			a.tieRemap[i] = -1
			continue
		}
		a.tieRemap[i] = int32(len(ties))
		t.A, t.B = x, y
		ties = append(ties, t)
	}
	keys := make([]pairID, 0, len(a.d.ties))
	for k, t := range a.d.ties {
		if t != nil {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(x, y pairID) int { return cmp.Or(strings.Compare(x.a, y.a), strings.Compare(x.b, y.b)) })
	a.added = make(map[[2]int32]int32, len(keys))
	for _, k := range keys {
		t := a.d.ties[k]
		x, y := a.find(k.a), a.find(k.b)
		if x < 0 || y < 0 {
			continue
		}
		x, y = min(x, y), max(x, y)
		// Old interactions can hold the pair only if both were there.
		if a.findOld(k.a) >= 0 && a.findOld(k.b) >= 0 {
			if a.addedEnd == nil {
				a.addedEnd = map[string]bool{}
			}
			a.addedEnd[k.a], a.addedEnd[k.b] = true, true
		}
		a.added[[2]int32{x, y}] = int32(len(ties))
		ties = append(ties, snapTie(x, y, t))
	}
	a.s.Ties = ties
	a.touched = make([]bool, len(ties))
	for _, t := range a.added {
		a.touched[t] = true
	}
}

// tieOf finds the tie between new people x < y in the new snapshot, or -1.
func (a *applier) tieOf(x, y int32) int32 {
	if t, ok := a.added[[2]int32{x, y}]; ok {
		return t
	}
	ox, oy := x, y
	if a.back != nil {
		ox, oy = a.back[x], a.back[y]
	}
	if ox < 0 || oy < 0 {
		return -1
	}
	e := a.net.TieBetween(ox, oy)
	if e < 0 {
		return -1
	}
	return a.tieRemap[a.net.etie[e]]
}

// interaction converts a delta interaction to the new snapshot's form: its
// participants in the snapshot, by the people's own id strings.
func (a *applier) interaction(in *graph.Interaction) graph.SnapInteraction {
	out := graph.SnapInteraction{ID: in.ID, At: unix(in.At), Kind: in.Kind, Captured: in.Captured()}
	if p := a.find(in.InitiatorID); p >= 0 {
		out.Initiator = a.s.People[p].ID
	}
	for _, id := range in.ParticipantIDs {
		if p := a.find(id); p >= 0 {
			out.People = append(out.People, a.s.People[p].ID)
		}
	}
	out.People = graph.SortedIDs(out.People)
	return out
}

// interactions merges the old interactions with the delta's, in id order,
// and decides which keep their events.
func (a *applier) interactions() {
	old := a.old.Interactions
	ids := sortedKeys(a.d.inters)
	// People who left (deleted, or deleted and made again) leave the
	// interactions too.
	var gone map[string]bool
	if a.remap != nil {
		for i, r := range a.remap {
			if r < 0 {
				if gone == nil {
					gone = map[string]bool{}
				}
				gone[a.old.People[i].ID] = true
			}
		}
	}
	if len(ids) == 0 && gone == nil && a.addedEnd == nil {
		// Nothing to change: the interactions are the old ones.
		a.s.Interactions = old
		a.interRemap = make([]int32, len(old))
		for i := range a.interRemap {
			a.interRemap[i] = int32(i)
		}
		a.carriedAs = a.interRemap
		return
	}
	a.interRemap = make([]int32, len(old))
	out := make([]graph.SnapInteraction, 0, len(old)+len(ids))
	a.carriedAs = make([]int32, 0, len(old)+len(ids))
	keepOld := func(i int) {
		in := old[i]
		a.interRemap[i] = -1
		if gone != nil && slices.ContainsFunc(in.People, func(p string) bool { return gone[p] }) {
			in.People = slices.DeleteFunc(slices.Clone(in.People), func(p string) bool { return gone[p] })
			if gone[in.Initiator] {
				in.Initiator = ""
			}
			if len(in.People) >= 2 {
				out = append(out, in)
				a.carriedAs = append(a.carriedAs, -1)
			}
			return
		}
		if a.addedEnd != nil && a.touchesAdded(in.People) {
			out = append(out, in)
			a.carriedAs = append(a.carriedAs, -1)
			return
		}
		a.interRemap[i] = int32(len(out))
		out = append(out, in)
		a.carriedAs = append(a.carriedAs, int32(i))
	}
	mergeByID(old, func(in *graph.SnapInteraction) string { return in.ID }, ids, keepOld, func(i, j int) {
		if i >= 0 {
			a.interRemap[i] = -1
		}
		if in := a.d.inters[ids[j]]; in != nil {
			if si := a.interaction(in); len(si.People) >= 2 {
				out = append(out, si)
				a.carriedAs = append(a.carriedAs, -1)
			}
		}
	})
	a.s.Interactions = out
}

// touchesAdded reports whether two of the people have a tie the delta added.
func (a *applier) touchesAdded(ps []string) bool {
	n := 0
	for _, p := range ps {
		if a.addedEnd[p] {
			n++
		}
	}
	if n < 2 {
		return false
	}
	for x := 0; x < len(ps); x++ {
		for y := x + 1; y < len(ps); y++ {
			if !a.addedEnd[ps[x]] || !a.addedEnd[ps[y]] {
				continue
			}
			i, j := a.find(ps[x]), a.find(ps[y])
			if _, ok := a.added[[2]int32{min(i, j), max(i, j)}]; ok {
				return true
			}
		}
	}
	return false
}

// events copies the events of the interactions carried as they were and
// makes those of the others anew, in interaction order; the ties whose
// events changed are marked touched.
func (a *applier) events() {
	old := a.old.Events
	// Old events come in interaction order: start[k] is where k's begin.
	start := make([]int32, len(a.old.Interactions)+1)
	for _, ev := range old {
		start[ev.Interaction+1]++
	}
	for k := range a.old.Interactions {
		start[k+1] += start[k]
	}
	for k := range a.old.Interactions {
		if a.interRemap[k] >= 0 {
			continue
		}
		for _, ev := range old[start[k]:start[k+1]] {
			if t := a.tieRemap[ev.Tie]; t >= 0 {
				a.touched[t] = true
			}
		}
	}
	events := make([]graph.SnapEvent, 0, len(old)+len(a.added))
	for k := range a.s.Interactions {
		if src := a.carriedAs[k]; src >= 0 {
			for _, ev := range old[start[src]:start[src+1]] {
				if t := a.tieRemap[ev.Tie]; t >= 0 {
					ev.Tie, ev.Interaction = t, int32(k)
					events = append(events, ev)
				}
			}
			continue
		}
		n := len(events)
		events = graph.AppendEvents(events, int32(k), &a.s.Interactions[k], a.find, a.tieOf)
		for _, ev := range events[n:] {
			a.touched[ev.Tie] = true
		}
	}
	a.s.Events = events
}

// members applies the delta to the members, in user id order.
func (a *applier) members() {
	ids := sortedKeys(a.d.members)
	old := a.old.Members
	out := make([]graph.SnapMember, 0, len(old)+len(ids))
	mergeByID(old, func(m *graph.SnapMember) string { return m.UserID }, ids, func(i int) {
		m := old[i]
		if m.Person >= 0 {
			m.Person = a.person(m.Person)
		}
		out = append(out, m)
	}, func(_, j int) {
		if u := a.d.members[ids[j]]; u != nil {
			out = append(out, graph.SnapMember{UserID: u.ID, Person: a.find(u.PersonID)})
		}
	})
	a.s.Members = out
}

// sameAdjacency reports whether the network's ties, events and positions are
// all as they were, so that its adjacency and strengths still hold.
func (a *applier) sameAdjacency() bool {
	if a.old != a.net.snap || a.remap != nil || a.jobsTouched != nil || len(a.added) > 0 || len(a.s.Ties) != len(a.old.Ties) ||
		len(a.s.Events) != len(a.old.Events) {
		return false
	}
	for i, t := range a.tieRemap {
		if t != int32(i) {
			return false
		}
	}
	for _, t := range a.touched {
		if t {
			return false
		}
	}
	return true
}

// samePeopleIndex reports whether the people index (names, titles,
// positions, organisations) still holds.
func (a *applier) samePeopleIndex() bool {
	return !a.peopleChanged && !a.orgsChanged && a.jobsTouched == nil && a.remap == nil
}

// reuse gives every new tie the strength it had, unless something it
// depends on changed.
func (a *applier) reuse() []float64 {
	reuse := make([]float64, len(a.s.Ties))
	for j := range reuse {
		reuse[j] = math.NaN()
	}
	for i, j := range a.tieRemap {
		if j < 0 || a.touched[j] {
			continue
		}
		t := &a.s.Ties[j]
		if a.jobsTouched != nil && (a.jobsTouched[t.A] || a.jobsTouched[t.B]) {
			continue
		}
		if e := a.net.tieEdge[i]; e >= 0 {
			reuse[j] = a.net.strength[e]
		}
	}
	return reuse
}

// carriedFor returns the communities and betweenness out carries from net:
// net's own if computed, else what net carried, adjusted to the people of
// out (remap: old index → new; nil when unchanged).
func (net *Network) carriedFor(remap []int32, n int, out *Network) *carried {
	c := &carried{}
	v := net.snap.Version
	if comm := net.comm.Load(); comm != nil {
		c.comm, c.commVersion = comm, v
	} else if net.carried != nil && net.carried.comm != nil {
		c.comm, c.commVersion = net.carried.comm, net.carried.commVersion
	}
	if btw := net.btw.Load(); btw != nil {
		c.btw, c.btwVersion = btw, v
	} else if net.carried != nil && net.carried.btw != nil {
		c.btw, c.btwVersion = net.carried.btw, net.carried.btwVersion
	}
	if c.comm == nil && c.btw == nil {
		return nil
	}
	if remap != nil || n != len(net.snap.People) {
		if c.comm != nil {
			c.comm = remapCommunities(c.comm, remap, n, out)
		}
		if c.btw != nil {
			c.btw = remapBetweenness(c.btw, remap, n)
		}
	}
	return c
}

// remapCommunities moves a partition to renumbered people: the people who
// left leave their circles, each new person makes a circle of their own.
func remapCommunities(c *Communities, remap []int32, n int, net *Network) *Communities {
	out := &Communities{Of: make([]int32, n), Modularity: c.Modularity, Resolution: c.Resolution, Seed: c.Seed}
	seen := make([]bool, n)
	for i, circle := range c.Circles {
		nc := Circle{ID: circle.ID, Label: circle.Label, Basis: circle.Basis}
		for _, p := range circle.Members {
			if remap != nil {
				p = remap[p]
			}
			if p >= 0 && int(p) < n {
				nc.Members = append(nc.Members, p)
				out.Of[p] = int32(i)
				seen[p] = true
			}
		}
		nc.Size = len(nc.Members)
		out.Circles = append(out.Circles, nc)
	}
	for p := range n {
		if !seen[p] {
			id := len(out.Circles)
			out.Of[p] = int32(id)
			out.Circles = append(out.Circles, Circle{ID: id, Size: 1, Members: []int32{int32(p)},
				Label: net.personCircleName([]int32{int32(p)}), Basis: BasisPerson})
		}
	}
	return out
}

// remapBetweenness moves betweenness to renumbered people; new people get 0.
func remapBetweenness(b *BetweennessResult, remap []int32, n int) *BetweennessResult {
	out := *b
	out.Values, out.Normalized = make([]float64, n), make([]float64, n)
	for i := range b.Values {
		p := int32(i)
		if remap != nil {
			p = remap[i]
		}
		if p >= 0 && int(p) < n {
			out.Values[p], out.Normalized[p] = b.Values[i], b.Normalized[i]
		}
	}
	return &out
}
