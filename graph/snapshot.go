package graph

import (
	"sync"
	"time"
)

// Snapshot is a compact, read-only copy of a workspace's graph (or of one
// person's k-hop neighbourhood) for the analytics. People are addressed by
// their index in People; ties and events refer to those indexes, so a snapshot
// of a million ties costs tens of megabytes, not gigabytes. Times are Unix
// seconds, 0 when unknown.
type Snapshot struct {
	WorkspaceID   string
	LoadedAt      time.Time
	People        []SnapPerson
	Organizations []SnapOrganization
	Ties          []SnapTie
	Events        []SnapEvent // one per tie an interaction touched, in no particular order
	Members       []SnapMember

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

// SnapEvent is one interaction as seen by one tie: Tie indexes Snapshot.Ties
// and Initiator says who reached out (or gave the favour): 0 unknown, 1 the
// tie's A, 2 its B. An interaction with n participants yields an event for
// every tie among them.
type SnapEvent struct {
	Tie       int32
	At        int64
	Kind      InteractionKind
	Initiator int8
	Captured  bool // from a connected mailbox, calendar or mail file
}

// SnapMember is a workspace member and the index of their own person ("me"),
// or -1 when the member has none in the snapshot.
type SnapMember struct {
	UserID string
	Person int32
}

// Index returns the index of the person with the given id, or -1. It is safe
// for concurrent use.
func (s *Snapshot) Index(id string) int32 {
	s.indexOnce.Do(func() {
		s.index = make(map[string]int32, len(s.People))
		for i := range s.People {
			s.index[s.People[i].ID] = int32(i)
		}
	})
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
}
