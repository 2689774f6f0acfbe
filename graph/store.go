package graph

import (
	"context"
	"time"
)

// Store persists a workspace's graph. Every method but the workspace and token
// lookups takes the workspace id and never reads or writes outside it: an id
// from another workspace is ENOTFOUND. Each method is one transaction: it
// either happens completely or not at all.
//
// Create methods fill in ID (when empty), CreatedAt and UpdatedAt. Update
// methods return the updated value. Errors are *Error with ENOTFOUND,
// EINVALID or ECONFLICT for the caller's mistakes; anything else is internal.
type Store interface {
	// Ping reports whether the database answers and the schema is in place.
	Ping(ctx context.Context) error

	// JobStore keeps the jobs (job.go): long work any replica can answer for.
	JobStore

	CreateWorkspace(ctx context.Context, w *Workspace) error
	FindWorkspace(ctx context.Context, id string) (*Workspace, error)
	FindWorkspaces(ctx context.Context) ([]*Workspace, error)
	// DeleteWorkspace removes the workspace and everything in it.
	DeleteWorkspace(ctx context.Context, id string) error

	CreateUser(ctx context.Context, u *User) error
	FindUser(ctx context.Context, workspaceID, id string) (*User, error)
	FindUsers(ctx context.Context, workspaceID string) ([]*User, error)
	UpdateUser(ctx context.Context, workspaceID, id string, upd UserUpdate) (*User, error)
	// DeleteUser removes the member, their tokens and notes; their person stays.
	DeleteUser(ctx context.Context, workspaceID, id string) error

	CreateToken(ctx context.Context, t *Token) error
	// FindTokenByHash finds a token in any workspace; revoked tokens are ENOTFOUND.
	FindTokenByHash(ctx context.Context, hash string) (*Token, error)
	FindTokens(ctx context.Context, workspaceID, userID string) ([]*Token, error)
	RevokeToken(ctx context.Context, workspaceID, id string) error
	// TouchToken records that a token was used.
	TouchToken(ctx context.Context, id string) error

	CreatePerson(ctx context.Context, p *Person) error
	FindPerson(ctx context.Context, workspaceID, id string) (*Person, error)
	// FindPeople returns the matching people ordered by name, and how many
	// match in all.
	FindPeople(ctx context.Context, workspaceID string, f PersonFilter) ([]*Person, int, error)
	// UpdatePerson changes a person; byUser records the changed fields in
	// UserEdited so imports leave them alone.
	UpdatePerson(ctx context.Context, workspaceID, id string, upd PersonUpdate, byUser bool) (*Person, error)
	// DeletePerson removes a person with their ties, employments, notes and
	// introductions, and their interactions that are left with fewer than
	// two participants. A member's own person cannot be deleted (ECONFLICT).
	DeletePerson(ctx context.Context, workspaceID, id string) error
	// DeletePersonFor is DeletePerson on behalf of a member: unless the
	// member is an owner, it is EFORBIDDEN when it would delete other
	// members' private notes or interactions they logged.
	DeletePersonFor(ctx context.Context, workspaceID, id, userID string) error

	CreateNote(ctx context.Context, n *Note) error
	FindNote(ctx context.Context, workspaceID, id string) (*Note, error)
	// FindNotes returns the notes about a person written by one author.
	FindNotes(ctx context.Context, workspaceID, personID, authorID string) ([]*Note, error)
	UpdateNote(ctx context.Context, workspaceID, id, body string) (*Note, error)
	DeleteNote(ctx context.Context, workspaceID, id string) error

	// CreateOrganization is ECONFLICT when the workspace already has an
	// organisation of that name (case-insensitively) or domain.
	CreateOrganization(ctx context.Context, o *Organization) error
	FindOrganization(ctx context.Context, workspaceID, id string) (*Organization, error)
	FindOrganizations(ctx context.Context, workspaceID string, f OrganizationFilter) ([]*Organization, int, error)
	UpdateOrganization(ctx context.Context, workspaceID, id string, upd OrganizationUpdate) (*Organization, error)
	// DeleteOrganization removes the organisation and its employments.
	DeleteOrganization(ctx context.Context, workspaceID, id string) error

	CreateEmployment(ctx context.Context, e *Employment) error
	FindEmployment(ctx context.Context, workspaceID, id string) (*Employment, error)
	FindEmployments(ctx context.Context, workspaceID string, f EmploymentFilter) ([]*Employment, error)
	UpdateEmployment(ctx context.Context, workspaceID, id string, upd EmploymentUpdate) (*Employment, error)
	DeleteEmployment(ctx context.Context, workspaceID, id string) error

	// CreateTie is ECONFLICT when the two people already have a tie.
	CreateTie(ctx context.Context, t *Tie) error
	FindTie(ctx context.Context, workspaceID, id string) (*Tie, error)
	FindTies(ctx context.Context, workspaceID string, f TieFilter) ([]*Tie, int, error)
	// FindTiesBetween returns the ties between the given pairs of people
	// (either order); pairs without a tie, or with someone not in the
	// workspace, are left out.
	FindTiesBetween(ctx context.Context, workspaceID string, pairs [][2]string) ([]*Tie, error)
	UpdateTie(ctx context.Context, workspaceID, id string, upd TieUpdate) (*Tie, error)
	DeleteTie(ctx context.Context, workspaceID, id string) error

	// CreateInteraction also creates a manual tie between participants who
	// had none, so that a logged touchpoint always counts.
	CreateInteraction(ctx context.Context, i *Interaction) error
	FindInteraction(ctx context.Context, workspaceID, id string) (*Interaction, error)
	FindInteractions(ctx context.Context, workspaceID string, f InteractionFilter) ([]*Interaction, int, error)
	UpdateInteraction(ctx context.Context, workspaceID, id string, upd InteractionUpdate) (*Interaction, error)
	DeleteInteraction(ctx context.Context, workspaceID, id string) error

	CreateIntroduction(ctx context.Context, in *Introduction) error
	FindIntroduction(ctx context.Context, workspaceID, id string) (*Introduction, error)
	FindIntroductions(ctx context.Context, workspaceID string, f IntroductionFilter) ([]*Introduction, int, error)
	// UpdateIntroduction applies a status change or outcome. Marking an
	// introduction made creates the tie it produced in the same transaction
	// (or reuses the one the two already have).
	UpdateIntroduction(ctx context.Context, workspaceID, id string, upd IntroductionUpdate) (*Introduction, error)
	DeleteIntroduction(ctx context.Context, workspaceID, id string) error

	// Upsert writes a batch in one transaction, all or nothing, in UNWIND
	// batches: entities are created, or replaced when their id exists in the
	// workspace. It is how imports and restores write. Progress, when set, is
	// called with the entities written so far.
	Upsert(ctx context.Context, workspaceID string, b *Batch, progress func(done, total int)) error

	// Walk calls fn with every stored entity of the kinds in what, as
	// *Person, *Organization, *Employment, *Tie, *Interaction,
	// *Introduction or *Note, in that kind order; an error from fn stops it.
	Walk(ctx context.Context, workspaceID string, what Kinds, fn func(v any) error) error

	// LoadSnapshot reads the workspace's graph, or a neighbourhood, for the analytics.
	LoadSnapshot(ctx context.Context, workspaceID string, opt SnapshotOptions) (*Snapshot, error)

	// The change feed (see Change): every write the analytics can see bumps
	// the workspace's version and appends its changes, in its transaction.
	//
	// FeedVersion returns the workspace's version: cheap enough to poll.
	FeedVersion(ctx context.Context, workspaceID string) (uint64, error)
	// ReadFeed returns the changes of the versions after after, at most
	// about limit of them (whole versions; 0: no limit).
	ReadFeed(ctx context.Context, workspaceID string, after uint64, limit int) (*FeedRead, error)
	// FeedHeartbeat records that a replica's network of the workspace has
	// reached version; CompactFeed keeps what live replicas still need.
	FeedHeartbeat(ctx context.Context, workspaceID, replica string, version uint64) error
	// CompactFeed drops the entries older than keep that every replica seen
	// within keep and the newest checkpoint are past, and the records of
	// replicas not seen within keep; it returns the number of entries dropped.
	CompactFeed(ctx context.Context, workspaceID string, keep time.Duration) (int, error)
	// WriteCheckpoint stores a canonical snapshot of the whole workspace at
	// its Version, which LoadSnapshot with Checkpoint reads back much faster
	// than the graph, unless the workspace has one as recent; it reports
	// whether it wrote it.
	WriteCheckpoint(ctx context.Context, workspaceID string, snap *Snapshot) (bool, error)

	// CreateReport stores a report with its deliveries in one transaction. It
	// is ECONFLICT when the member already has a report for that period: a
	// scheduler that restarted finds the slot done.
	CreateReport(ctx context.Context, r *Report) error
	// FindReport returns a report with its body and deliveries.
	FindReport(ctx context.Context, workspaceID, id string) (*Report, error)
	// FindReports returns reports newest first, with their deliveries but
	// without bodies, and how many match in all.
	FindReports(ctx context.Context, workspaceID string, f ReportFilter) ([]*Report, int, error)
	// FindDeliveries returns deliveries oldest first.
	FindDeliveries(ctx context.Context, workspaceID string, f DeliveryFilter) ([]*Delivery, error)
	// ClaimDelivery marks a pending delivery that is due at now as sending,
	// counts the attempt and leases it until the given time. It is ECONFLICT
	// when the delivery is not pending or not yet due: someone else has it.
	ClaimDelivery(ctx context.Context, workspaceID, id string, now, until time.Time) (*Delivery, error)
	// UpdateDelivery applies a state change, ECONFLICT unless the delivery is
	// in upd.From.
	UpdateDelivery(ctx context.Context, workspaceID, id string, upd DeliveryUpdate) (*Delivery, error)

	// MergePeople merges absorbed into survivor in one transaction (see
	// Merge): EINVALID for a person with themselves, ENOTFOUND for someone
	// not in the workspace, ECONFLICT for someone a concurrent merge
	// absorbed or when both are members' own people.
	MergePeople(ctx context.Context, workspaceID, survivorID, absorbedID string, opt MergeOptions) (*Merge, error)
	// UnmergePeople undoes a merge; ECONFLICT when it was undone already or
	// the merged person was deleted or merged again since.
	UnmergePeople(ctx context.Context, workspaceID, mergeID string, opt UnmergeOptions) (*Merge, error)
	FindMerge(ctx context.Context, workspaceID, id string) (*Merge, error)
	// FindMerges returns merges newest first, and how many match in all.
	FindMerges(ctx context.Context, workspaceID string, f MergeFilter) ([]*Merge, int, error)
	// Connected accounts and what they capture (account.go).
	AccountStore
}

// Batch is a set of writes for Store.Upsert. Every entity must carry its
// id; timestamps left zero are set to now.
type Batch struct {
	People        []*Person
	Organizations []*Organization
	Employments   []*Employment
	Ties          []*Tie
	Interactions  []*Interaction
	Introductions []*Introduction
	Notes         []*Note
	// Users are members, written after everything else (their own person
	// and the organisations they follow may be in the same batch).
	Users []*User
}

// Len returns the number of entities in the batch.
func (b *Batch) Len() int {
	return len(b.People) + len(b.Organizations) + len(b.Employments) + len(b.Ties) +
		len(b.Interactions) + len(b.Introductions) + len(b.Notes) + len(b.Users)
}

// Kinds is a set of entity kinds for Store.Walk.
type Kinds uint8

// Entity kinds.
const (
	KindPeople Kinds = 1 << iota
	KindOrganizations
	KindEmployments
	KindTies
	KindInteractions
	KindIntroductions
	KindNotes
	// KindMemberTies is the part of KindTies that touches a member's own
	// person: all an import of contacts needs to know of the ties, without
	// reading every tie of a large workspace. Not in AllKinds; with KindTies
	// it adds nothing.
	KindMemberTies

	AllKinds = KindPeople | KindOrganizations | KindEmployments | KindTies |
		KindInteractions | KindIntroductions | KindNotes
)
