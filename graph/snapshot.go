package graph

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// Snapshot is a compact, read-only copy of a workspace's graph (or of one
// person's k-hop neighbourhood) for the analytics. People are addressed by
// their index in People; ties and events refer to those indexes, so a snapshot
// of a million ties costs tens of megabytes, not gigabytes. Times are Unix
// seconds, 0 when unknown.
//
// A snapshot the store loads is in canonical order, so that the same graph
// always gives the same indexes (and seeded analytics the same answers),
// however it was reached: People, Organizations, Interactions, Members and
// each person's Jobs by id, each interaction's People ascending, Events in
// interaction order (then by pair); Ties in no particular order. One kept
// current by analytics.Network.Apply may list its latest interactions, and
// their events, after the others.
type Snapshot struct {
	WorkspaceID string
	// Version is the workspace's change-feed version read before loading:
	// the snapshot holds every change up to it, and maybe some after.
	Version uint64
	// Checkpoint is set when the snapshot was read from a checkpoint
	// (SnapshotOptions.Checkpoint): then it holds exactly Version.
	Checkpoint    bool
	LoadedAt      time.Time
	People        []SnapPerson
	Organizations []SnapOrganization
	Ties          []SnapTie
	// Interactions are those with two or more participants in the snapshot.
	Interactions []SnapInteraction
	Events       []SnapEvent // one per tie an interaction touched
	Members      []SnapMember

	indexOnce sync.Once
	index     map[string]int32
}

// SnapPerson is a person in a Snapshot.
type SnapPerson struct {
	ID       string
	Name     string
	Title    string
	Location string
	Tags     []string
	Skills   []string
	Needs    []string
	Jobs     []SnapJob
}

// SnapJob is a position of a SnapPerson: Org indexes Snapshot.Organizations.
type SnapJob struct {
	ID    string // the Employment's
	Org   int32
	Title string
	Start int64
	End   int64 // 0: current
}

// SnapOrganization is an organisation in a Snapshot.
type SnapOrganization struct {
	ID     string
	Name   string
	Domain string
}

// SnapTie is an undirected tie between People[A] and People[B], A < B.
// Override is the manual strength, or 0 when there is none.
type SnapTie struct {
	A, B     int32
	Since    int64
	Source   TieSource
	Override float64
	Context  string
}

// SnapInteraction is an interaction of a Snapshot: People are the ids of
// its participants in the snapshot (ascending, two or more) and Initiator
// the one who reached out, or "". Ids rather than indexes: a person added
// to a snapshot moves the indexes after theirs, not the interactions.
type SnapInteraction struct {
	ID        string
	At        int64
	Kind      InteractionKind
	Initiator string
	People    []string
	Captured  bool // from a connected mailbox, calendar or mail file
}

// SnapEvent is one interaction as seen by one tie: Tie indexes Snapshot.Ties,
// Interaction Snapshot.Interactions, and Initiator says who reached out (or
// gave the favour): 0 unknown, 1 the tie's A, 2 its B. An interaction with n
// participants yields an event for every tie among them.
type SnapEvent struct {
	Tie         int32
	Interaction int32
	At          int64
	Kind        InteractionKind
	Initiator   int8
	Captured    bool // from a connected mailbox, calendar or mail file
}

// SnapMember is a workspace member and the index of their own person ("me"),
// or -1 when the member has none in the snapshot.
type SnapMember struct {
	UserID string
	Person int32
}

// Index returns the index of the person with the given id, or -1. It is safe
// for concurrent use. People in id order (as the store loads them) are
// found by binary search; others through a map built on first use.
func (s *Snapshot) Index(id string) int32 {
	s.indexOnce.Do(func() {
		if slices.IsSortedFunc(s.People, func(a, b SnapPerson) int { return strings.Compare(a.ID, b.ID) }) {
			return
		}
		s.index = make(map[string]int32, len(s.People))
		for i := range s.People {
			s.index[s.People[i].ID] = int32(i)
		}
	})
	if s.index == nil {
		i, ok := slices.BinarySearchFunc(s.People, id, func(p SnapPerson, id string) int { return strings.Compare(p.ID, id) })
		if !ok {
			return -1
		}
		return int32(i)
	}
	if i, ok := s.index[id]; ok {
		return i
	}
	return -1
}

// Initiator says who of a tie's ends started an interaction, as SnapEvent
// records it: 1 for People[a] (the tie's A), 2 for People[b], 0 when the
// initiator is unknown or someone else.
func (s *Snapshot) Initiator(a, b int32, initiatorID string) int8 {
	switch {
	case initiatorID == "":
		return 0
	case s.People[a].ID == initiatorID:
		return 1
	case s.People[b].ID == initiatorID:
		return 2
	}
	return 0
}

// SnapshotOptions chooses what LoadSnapshot loads. With Center set, only the
// people within Hops ties of Center (Hops 1 or more; default 2) and the ties
// among them; otherwise the whole workspace.
type SnapshotOptions struct {
	Center string
	Hops   int
	// Progress, when set, is called now and then with the records read so far.
	Progress func(read int)
	// Checkpoint asks for the workspace's newest checkpoint (Store.WriteCheckpoint)
	// when it has one: a snapshot of its Version, older than the workspace
	// maybe, which the change feed after that version brings up to date.
	Checkpoint bool
}

// SortedIDs sorts ids ascending and drops repeats, in place.
func SortedIDs(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// AppendEvents appends the events of interaction k, in: one for every two of
// its participants (in the order of in.People) that tie(a, b) finds a tie
// for (a < b, indexes that index(id) gives; -1 for none).
func AppendEvents(dst []SnapEvent, k int32, in *SnapInteraction, index func(id string) int32,
	tie func(a, b int32) int32) []SnapEvent {
	var buf [8]int32
	ps := buf[:0]
	for _, id := range in.People {
		ps = append(ps, index(id))
	}
	for x := 0; x < len(ps); x++ {
		for y := x + 1; y < len(ps); y++ {
			a, b := ps[x], ps[y]
			if a < 0 || b < 0 {
				continue
			}
			t := tie(min(a, b), max(a, b))
			if t < 0 {
				continue // two people with no tie: nothing to weigh
			}
			var init int8
			switch in.Initiator {
			case "":
			case in.People[x]:
				init = 1
			case in.People[y]:
				init = 2
			}
			if a > b { // people in id order are in index order; but be safe
				init = [3]int8{0, 2, 1}[init]
			}
			dst = append(dst, SnapEvent{Tie: t, Interaction: k, At: in.At, Kind: in.Kind, Initiator: init,
				Captured: in.Captured})
		}
	}
	return dst
}

// Canonical returns s when its interactions are in id order and its events
// in theirs, or else a copy that puts them so (sharing the rest): a snapshot
// kept current by analytics.Network.Apply lists its latest interactions, and
// their events, after the others.
func (s *Snapshot) Canonical() *Snapshot {
	byID := func(a, b SnapInteraction) int { return strings.Compare(a.ID, b.ID) }
	if slices.IsSortedFunc(s.Interactions, byID) &&
		slices.IsSortedFunc(s.Events, func(a, b SnapEvent) int { return int(a.Interaction) - int(b.Interaction) }) {
		return s
	}
	order := make([]int32, len(s.Interactions))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(s.Interactions[a].ID, s.Interactions[b].ID) })
	at := make([]int32, len(order)) // old index → new
	ins := make([]SnapInteraction, len(order))
	for k, o := range order {
		ins[k], at[o] = s.Interactions[o], int32(k)
	}
	// A counting sort keeps each interaction's events in their order.
	start := make([]int32, len(ins)+1)
	for _, ev := range s.Events {
		start[at[ev.Interaction]+1]++
	}
	for k := range ins {
		start[k+1] += start[k]
	}
	evs := make([]SnapEvent, len(s.Events))
	for _, ev := range s.Events {
		k := at[ev.Interaction]
		ev.Interaction = k
		evs[start[k]] = ev
		start[k]++
	}
	return &Snapshot{WorkspaceID: s.WorkspaceID, Version: s.Version, Checkpoint: s.Checkpoint, LoadedAt: s.LoadedAt,
		People: s.People, Organizations: s.Organizations, Ties: s.Ties, Interactions: ins, Events: evs, Members: s.Members}
}
