package graph

import (
	"cmp"
	"slices"
	"time"
)

// SnapshotBuilder makes a Snapshot from entities in memory, the way a Store's
// LoadSnapshot reads them from storage: people in id order, ties with A < B
// (a second tie between the same pair dropped), one event for every tie an
// interaction touches with the initiator as 1 (the tie's A) or 2 (its B),
// members with their own person. It serves what has no database: tests of
// the analytics' consumers and benchmarks on generated workspaces.
type SnapshotBuilder struct {
	ws           string
	people       []*Person
	orgs         []*Organization
	employments  []*Employment
	ties         []*Tie
	interactions []*Interaction
	members      [][2]string // user id, person id
}

// NewSnapshotBuilder returns a builder for a workspace's snapshot.
func NewSnapshotBuilder(workspaceID string) *SnapshotBuilder {
	return &SnapshotBuilder{ws: workspaceID}
}

// Add adds a batch's people, organisations, employments, ties, interactions
// and members. Batches may refer to each other's entities in any order.
func (sb *SnapshotBuilder) Add(b *Batch) {
	sb.people = append(sb.people, b.People...)
	sb.orgs = append(sb.orgs, b.Organizations...)
	sb.employments = append(sb.employments, b.Employments...)
	sb.ties = append(sb.ties, b.Ties...)
	sb.interactions = append(sb.interactions, b.Interactions...)
	for _, u := range b.Users {
		sb.AddMember(u.ID, u.PersonID)
	}
}

// AddMember adds a member and their own person ("" for none).
func (sb *SnapshotBuilder) AddMember(userID, personID string) {
	sb.members = append(sb.members, [2]string{userID, personID})
}

// Snapshot returns the snapshot of everything added. References to people or
// organisations that were not added are left out, as in storage.
func (sb *SnapshotBuilder) Snapshot() *Snapshot {
	s := &Snapshot{WorkspaceID: sb.ws}
	people := slices.Clone(sb.people)
	slices.SortFunc(people, func(a, b *Person) int { return cmp.Compare(a.ID, b.ID) })
	people = slices.CompactFunc(people, func(a, b *Person) bool { return a.ID == b.ID })
	s.People = make([]SnapPerson, len(people))
	for i, p := range people {
		s.People[i] = SnapPerson{ID: p.ID, Name: p.Name, Title: p.Title, Location: p.Location, Tags: p.Tags,
			Skills: p.Skills, Needs: p.Needs}
	}
	org := make(map[string]int32, len(sb.orgs))
	for _, o := range sb.orgs {
		if _, dup := org[o.ID]; !dup {
			org[o.ID] = int32(len(s.Organizations))
			s.Organizations = append(s.Organizations, SnapOrganization{ID: o.ID, Name: o.Name, Domain: o.Domain})
		}
	}
	for _, e := range sb.employments {
		p, o := s.Index(e.PersonID), int32(-1)
		if i, ok := org[e.OrganizationID]; ok {
			o = i
		}
		if p < 0 || o < 0 {
			continue
		}
		s.People[p].Jobs = append(s.People[p].Jobs, SnapJob{Org: o, Title: e.Title, Start: unixOrZero(e.Start),
			End: unixOrZero(e.End)})
	}
	type pair struct{ a, b int32 }
	tie := make(map[pair]int32, len(sb.ties))
	for _, t := range sb.ties {
		a, b := s.Index(t.PersonA), s.Index(t.PersonB)
		if a < 0 || b < 0 || a == b {
			continue
		}
		a, b = min(a, b), max(a, b)
		if _, dup := tie[pair{a, b}]; dup {
			continue
		}
		st := SnapTie{A: a, B: b, Since: unixOrZero(t.Since), Source: t.Source, Context: t.Context}
		if t.Strength != nil {
			st.Override = *t.Strength
		}
		tie[pair{a, b}] = int32(len(s.Ties))
		s.Ties = append(s.Ties, st)
	}
	for _, in := range sb.interactions {
		ps := in.ParticipantIDs
		for x := range ps {
			for y := x + 1; y < len(ps); y++ {
				px, py := s.Index(ps[x]), s.Index(ps[y])
				a, b := min(px, py), max(px, py)
				t, ok := tie[pair{a, b}]
				if a < 0 || !ok {
					continue // an interaction between two people with no tie: nothing to weigh
				}
				s.Events = append(s.Events, SnapEvent{Tie: t, At: in.At.Unix(), Kind: in.Kind,
					Initiator: s.Initiator(a, b, in.InitiatorID), Captured: in.Captured()})
			}
		}
	}
	for _, m := range sb.members {
		s.Members = append(s.Members, SnapMember{UserID: m[0], Person: s.Index(m[1])})
	}
	return s
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
