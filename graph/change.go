package graph

// ChangeKind names the kind of entity a Change is about.
type ChangeKind string

// Change kinds. ChangeReload lists nothing: the write changed too much to
// list, and a follower reloads the workspace in full.
const (
	ChangePerson       ChangeKind = "person"
	ChangeOrganization ChangeKind = "organization"
	ChangeEmployment   ChangeKind = "employment"
	ChangeTie          ChangeKind = "tie"
	ChangeInteraction  ChangeKind = "interaction"
	ChangeIntroduction ChangeKind = "introduction"
	ChangeMember       ChangeKind = "member"
	ChangeReload       ChangeKind = "reload"
)

// Change is one entry of a workspace's change feed: what one write did to
// one entity. Every write transaction that changes what the analytics read
// bumps the workspace's version and appends its changes in the same
// transaction, so a follower that applies the changes of every version in
// order holds the workspace's graph as of its version.
//
// A change carries the entity's state after the write, reduced to the
// fields the analytics read (Kind says which of the pointers is set); a
// deletion carries the entity as it was, at least what it referred to (the
// pair of a tie, the person of an employment). Applying a change therefore
// does not depend on the state before it, which makes applying it twice
// harmless: a follower that loaded a snapshot while writes were landing
// replays the feed from the version read before the snapshot.
type Change struct {
	Version uint64 // set when read from the feed
	Kind    ChangeKind
	ID      string
	Deleted bool

	Person       *Person
	Organization *Organization
	Employment   *Employment
	Tie          *Tie
	Interaction  *Interaction
	Introduction *Introduction
	Member       *User
}

// Change constructors, one per kind and operation, for the write paths.

// PersonSet records that a person was created or changed.
func PersonSet(p *Person) Change { return Change{Kind: ChangePerson, ID: p.ID, Person: p} }

// PersonDeleted records that a person was deleted. A follower also drops
// what the store deletes with them (ties, positions, their part in
// interactions), but the store's DeletePerson lists those changes too.
func PersonDeleted(id string) Change {
	return Change{Kind: ChangePerson, ID: id, Deleted: true, Person: &Person{ID: id}}
}

// OrganizationSet records that an organisation was created or changed.
func OrganizationSet(o *Organization) Change {
	return Change{Kind: ChangeOrganization, ID: o.ID, Organization: o}
}

// OrganizationDeleted records that an organisation was deleted.
func OrganizationDeleted(id string) Change {
	return Change{Kind: ChangeOrganization, ID: id, Deleted: true, Organization: &Organization{ID: id}}
}

// EmploymentSet records that a position was created or changed.
func EmploymentSet(e *Employment) Change {
	return Change{Kind: ChangeEmployment, ID: e.ID, Employment: e}
}

// EmploymentDeleted records that a position was deleted; e must carry its
// PersonID.
func EmploymentDeleted(e *Employment) Change {
	return Change{Kind: ChangeEmployment, ID: e.ID, Deleted: true, Employment: e}
}

// TieSet records that a tie was created or changed.
func TieSet(t *Tie) Change { return Change{Kind: ChangeTie, ID: t.ID, Tie: t} }

// TieDeleted records that a tie was deleted; t must carry its two people.
func TieDeleted(t *Tie) Change { return Change{Kind: ChangeTie, ID: t.ID, Deleted: true, Tie: t} }

// InteractionSet records that an interaction was created or changed.
func InteractionSet(i *Interaction) Change {
	return Change{Kind: ChangeInteraction, ID: i.ID, Interaction: i}
}

// InteractionDeleted records that an interaction was deleted.
func InteractionDeleted(id string) Change {
	return Change{Kind: ChangeInteraction, ID: id, Deleted: true, Interaction: &Interaction{ID: id}}
}

// IntroductionSet records that an introduction was created or changed.
func IntroductionSet(in *Introduction) Change {
	return Change{Kind: ChangeIntroduction, ID: in.ID, Introduction: in}
}

// IntroductionDeleted records that an introduction was deleted.
func IntroductionDeleted(id string) Change {
	return Change{Kind: ChangeIntroduction, ID: id, Deleted: true, Introduction: &Introduction{ID: id}}
}

// MemberSet records that a member was added or linked to another own person.
func MemberSet(u *User) Change { return Change{Kind: ChangeMember, ID: u.ID, Member: u} }

// MemberDeleted records that a member was removed.
func MemberDeleted(id string) Change {
	return Change{Kind: ChangeMember, ID: id, Deleted: true, Member: &User{ID: id}}
}

// ReloadChange records a write too large to list change by change.
func ReloadChange() Change { return Change{Kind: ChangeReload} }

// FeedRead is a part of a workspace's change feed, as Store.ReadFeed
// returns it.
type FeedRead struct {
	// Version is the workspace's version when the feed was read.
	Version uint64
	// Through is the last version whose changes are all in Changes
	// (Through <= Version; less when the read was cut at its limit).
	Through uint64
	// Changes are the changes of the versions after the one asked for, up
	// to Through, in version order.
	Changes []Change
	// Gap is true when changes the reader needs were already compacted
	// away: it must reload the workspace in full.
	Gap bool
}
