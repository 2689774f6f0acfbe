package importer

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/nexohq/nexo/graph"
)

// A restore reads a backup (Nexo's export) back into a workspace. It is an
// owner's operation, and it trusts nothing in the file over the restoring
// owner's rights:
//
//   - Only an owner of the workspace restores. A restore writes every kind
//     of entity, including what a member may not touch through the API.
//   - Into the workspace the backup came from (the header's workspace id),
//     entities keep their ids and replace those with the same ids, so
//     restoring the same file twice changes nothing. Into any other
//     workspace every id is remapped (RestoredID), so the copy sits beside the
//     original, and the backup's owner's own person merges into the
//     restoring owner's.
//   - Every id must have the shape of a Nexo id, and Store.Upsert refuses
//     (ECONFLICT, writing nothing) an id that belongs to another workspace.
//   - Members listed in the file never come in as more than members, and
//     members the workspace has are never changed: a backup cannot add an
//     owner or change a role.
//   - Authorship is the restoring owner's: notes, interactions someone
//     logged and introductions someone requested are written as the
//     restoring owner's, whatever member the file names, so a file cannot
//     make anyone else say anything. What another member already has — their
//     private notes, the interactions they logged — is left as it is.

// Restore reads an export written by Export into the workspace workspaceID
// on behalf of me, who must be an owner of it. Entities are written in one
// transaction, all or nothing, with the members the workspace lacks. See
// above for what it keeps of the file and what it remaps.
func Restore(ctx context.Context, store graph.Store, workspaceID string, me *graph.User, r io.Reader, opts Options) (*Report, error) {
	return Import(ctx, store, workspaceID, me, r, FormatNexo, opts)
}

func restore(ctx context.Context, store graph.Store, workspaceID string, me *graph.User, in *input, opts *Options) (*Report, error) {
	owner, err := restoringOwner(ctx, store, workspaceID, me)
	if err != nil {
		return nil, err
	}
	// The file first: a bad one fails before the workspace is read.
	prog := newProgressor(opts, in)
	prog.phase(PhaseReading)
	d, err := readExport(in.r, workspaceID, opts.MaxRows, func(n int) {
		if n%1024 == 0 {
			prog.rows(n)
		}
	})
	if err != nil {
		return nil, err
	}
	prog.rows(d.rows)
	prog.phase(PhaseIndexing)
	target, err := readTarget(ctx, store, workspaceID, owner)
	if err != nil {
		return nil, fmt.Errorf("restore: read workspace: %w", err)
	}
	pl := newRestorePlan(d, target, workspaceID, owner)
	pl.build()
	if pairs := pl.mePairs(); len(pairs) > 0 {
		ties, err := store.FindTiesBetween(ctx, workspaceID, pairs)
		if err != nil {
			return nil, fmt.Errorf("restore: read workspace: %w", err)
		}
		pl.combineExisting(ties)
	}
	// What the workspace already holds under the planned ids: kept when it
	// is another member's, left alone when it is the same.
	pl.plannedKeys()
	if err := store.Walk(ctx, workspaceID, graph.AllKinds, pl.compare); err != nil {
		return nil, fmt.Errorf("restore: read workspace: %w", err)
	}
	pl.settle()
	report := pl.report
	report.Written = countBatch(&pl.out)
	if err := writeBatch(ctx, store, workspaceID, &pl.out, report, opts, prog); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	return report, nil
}

// restoringOwner returns the member restoring as stored now, so that a role
// changed since their token was looked up counts: only an owner restores.
func restoringOwner(ctx context.Context, store graph.Store, ws string, me *graph.User) (*graph.User, error) {
	ownersOnly := graph.Errorf(graph.EFORBIDDEN, "Only an owner of the workspace can restore a backup: a restore writes "+
		"every member's data. Ask an owner to restore it, or import your contacts in another format.")
	if me == nil || !graph.ValidID(me.ID) {
		return nil, ownersOnly
	}
	u, err := store.FindUser(ctx, ws, me.ID)
	if graph.ErrorCode(err) == graph.ENOTFOUND {
		return nil, ownersOnly
	} else if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if u.Role != graph.RoleOwner {
		return nil, ownersOnly
	}
	return u, nil
}

// restoreTarget is what a restore needs to know of the workspace it writes
// before planning.
type restoreTarget struct {
	users      map[string]*graph.User // members by id
	ownPersons map[string]bool        // the members' own people
	mePerson   *graph.Person          // the restoring owner's own person; nil when they have none
	orgs       map[string]bool        // organisation ids
	orgByKey   map[string]string      // graph.OrganizationNameKey → organisation id
}

func newRestoreTarget() *restoreTarget {
	return &restoreTarget{users: map[string]*graph.User{}, ownPersons: map[string]bool{}, orgs: map[string]bool{},
		orgByKey: map[string]string{}}
}

func readTarget(ctx context.Context, store graph.Store, ws string, owner *graph.User) (*restoreTarget, error) {
	t := newRestoreTarget()
	users, err := store.FindUsers(ctx, ws)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		t.users[u.ID] = u
		if u.PersonID != "" {
			t.ownPersons[u.PersonID] = true
		}
	}
	if owner.PersonID != "" {
		if t.mePerson, err = store.FindPerson(ctx, ws, owner.PersonID); err != nil {
			return nil, err
		}
	}
	err = store.Walk(ctx, ws, graph.KindOrganizations, func(v any) error {
		o := v.(*graph.Organization)
		t.orgs[o.ID] = true
		t.orgByKey[graph.OrganizationNameKey(o.Name)] = o.ID
		return nil
	})
	return t, err
}

// stored is what the workspace holds under a key the plan writes.
type stored struct {
	fp    [16]byte // fingerprint of the stored entity
	owner string   // the member who logged an interaction or wrote a note
}

// entityKey names an entity of the batch: its kind and id, or for a tie
// its pair (the store keeps one tie per pair).
func entityKey(v any) string {
	switch e := v.(type) {
	case *graph.Person:
		return "person:" + e.ID
	case *graph.Organization:
		return "organization:" + e.ID
	case *graph.Employment:
		return "employment:" + e.ID
	case *graph.Tie:
		k := pair(e.PersonA, e.PersonB)
		return "tie:" + k[0] + ":" + k[1]
	case *graph.Interaction:
		return "interaction:" + e.ID
	case *graph.Introduction:
		return "introduction:" + e.ID
	case *graph.Note:
		return "note:" + e.ID
	}
	return ""
}

// fingerprint hashes an entity as the store would give it back: without
// its workspace and the person's derived company, with a tie's pair and an
// interaction's participants in order. Two entities with the same
// fingerprint need no write; a difference it does not see away only costs
// a write.
func fingerprint(v any) [16]byte {
	x := reflect.New(reflect.TypeOf(v).Elem()).Elem() // a copy, to normalise
	x.Set(reflect.ValueOf(v).Elem())
	x.FieldByName("WorkspaceID").SetString("")
	switch e := x.Addr().Interface().(type) {
	case *graph.Person:
		e.Company = ""
	case *graph.Tie:
		if e.PersonA > e.PersonB {
			e.PersonA, e.PersonB = e.PersonB, e.PersonA
		}
	case *graph.Interaction:
		e.ParticipantIDs = slices.Sorted(slices.Values(e.ParticipantIDs))
	}
	c := x.Interface()
	b, _ := json.Marshal(c)
	h := sha256.Sum256(b)
	return [16]byte(h[:16])
}

// RestoredID is the id an entity of a backup takes in another workspace than
// the one it came from: a hash of the workspace and the old id. Restoring the
// same file twice into one workspace thus writes the same ids (and changes
// nothing), while no two workspaces share one.
func RestoredID(ws, id string) string {
	h := sha256.Sum256([]byte("nexo-restore\x00" + ws + "\x00" + id))
	return graph.FormatID([16]byte(h[:16]))
}

// restorePlan turns a backup read back into the batch a restore writes, and
// its report. It is pure: what it knows of the workspace is in target.
type restorePlan struct {
	d      *restoreData
	t      *restoreTarget
	ws     string
	owner  *graph.User
	same   bool              // the backup came from this workspace: ids stay
	people map[string]string // backup person id → person id here, where not RestoredID's
	orgs   map[string]string // likewise for organisations
	users  map[string]string // and members
	ties   map[string]string // backup tie id → the tie written ("" when none)
	byPair map[[2]string]*graph.Tie
	merged *graph.Person // the restoring owner's person as the batch writes it
	keys   map[string]bool
	stored map[string]stored
	out    graph.Batch
	report *Report
}

func newRestorePlan(d *restoreData, t *restoreTarget, ws string, owner *graph.User) *restorePlan {
	return &restorePlan{d: d, t: t, ws: ws, owner: owner,
		same:   d.header.Workspace != nil && d.header.Workspace.ID == ws,
		people: map[string]string{}, orgs: map[string]string{}, users: map[string]string{}, ties: map[string]string{},
		byPair: map[[2]string]*graph.Tie{}, stored: map[string]stored{}, report: &Report{Format: FormatNexo, Rows: d.rows}}
}

func (p *restorePlan) id(old string) string {
	if p.same || old == "" {
		return old
	}
	return RestoredID(p.ws, old)
}

func (p *restorePlan) mapped(m map[string]string, old string) string {
	if id, ok := m[old]; ok {
		return id
	}
	return p.id(old)
}

func (p *restorePlan) result(v any, o Outcome, reason string) {
	p.report.add(RowResult{Row: p.d.lines[v], Outcome: o, Reason: reason})
}

// backupOwner is the member whose backup it is: the one who exported it, or
// (in exports that do not say) its first owner.
func (d *restoreData) backupOwner() *graph.User {
	if i := slices.IndexFunc(d.users, func(u *graph.User) bool { return u.ID == d.header.ExportedBy }); i >= 0 {
		return d.users[i]
	}
	if i := slices.IndexFunc(d.users, func(u *graph.User) bool { return u.Role == graph.RoleOwner }); i >= 0 {
		return d.users[i]
	}
	return nil
}

// build plans the batch. Into another workspace, the backup's owner is the
// restoring owner, and their own person the restoring owner's own person.
func (p *restorePlan) build() {
	bo := p.d.backupOwner()
	if !p.same && bo != nil {
		p.users[bo.ID] = p.owner.ID
		if bo.PersonID != "" && p.t.mePerson != nil {
			p.people[bo.PersonID] = p.t.mePerson.ID
		}
	}
	b := &p.d.batch
	for _, o := range b.Organizations {
		p.addOrg(o)
	}
	for _, v := range b.People {
		p.addPerson(v)
	}
	for _, e := range b.Employments {
		e.ID, e.PersonID, e.OrganizationID = p.id(e.ID), p.mapped(p.people, e.PersonID), p.mapped(p.orgs, e.OrganizationID)
		p.out.Employments = append(p.out.Employments, e)
	}
	for _, t := range b.Ties {
		p.addTie(t)
	}
	for _, i := range b.Interactions {
		p.addInteraction(i)
	}
	for _, in := range b.Introductions {
		p.addIntroduction(in)
	}
	for _, n := range b.Notes {
		p.addNote(n)
	}
	for _, u := range p.d.users {
		p.addUser(u, u == bo)
	}
}

// addOrg writes an organisation, unless the workspace already has one of
// that name: then the backup's is that one.
func (p *restorePlan) addOrg(o *graph.Organization) {
	id, key := p.id(o.ID), graph.OrganizationNameKey(o.Name)
	if have, ok := p.t.orgByKey[key]; ok && have != id {
		p.orgs[o.ID] = have
		p.result(o, Merged, "the same organisation as one the workspace has (by name)")
		return
	}
	o.ID = id
	p.t.orgByKey[key], p.t.orgs[id] = id, true
	p.out.Organizations = append(p.out.Organizations, o)
}

// addPerson writes a person. Into another workspace, one that lands on the
// restoring owner's own person (the backup's owner's) merges into it.
func (p *restorePlan) addPerson(v *graph.Person) {
	id := p.mapped(p.people, v.ID)
	if me := p.t.mePerson; !p.same && me != nil && id == me.ID {
		merged, changed := mergePerson(me, v)
		if changed && p.merged == nil {
			p.merged = merged
			p.out.People = append(p.out.People, merged)
		} else if changed {
			*p.merged = *merged
		}
		p.t.mePerson = merged
		p.result(v, Merged, "the backup's owner's own person, merged into yours")
		return
	}
	v.ID = id
	p.out.People = append(p.out.People, v)
}

// addTie writes a tie, dropping one that became a tie of a person to
// themselves and combining one whose pair another line already ties.
func (p *restorePlan) addTie(t *graph.Tie) {
	old := t.ID
	t.ID, t.PersonA, t.PersonB = p.id(t.ID), p.mapped(p.people, t.PersonA), p.mapped(p.people, t.PersonB)
	if t.PersonA == t.PersonB {
		p.ties[old] = ""
		p.result(t, Skipped, "a tie between the backup's owner and your own person: both are you here")
		return
	}
	if t.PersonA > t.PersonB {
		t.PersonA, t.PersonB = t.PersonB, t.PersonA
	}
	k := pair(t.PersonA, t.PersonB)
	if have := p.byPair[k]; have != nil {
		*have = *combineTie(have, t)
		p.ties[old] = have.ID
		p.result(t, Merged, "the same pair as another tie of the file; the two are combined")
		return
	}
	p.byPair[k] = t
	p.ties[old] = t.ID
	p.out.Ties = append(p.out.Ties, t)
}

// mePairs are the pairs the plan ties to the restoring owner's own person
// after merging the backup's owner into it: the workspace may have those
// ties already, and they are combined, not replaced.
func (p *restorePlan) mePairs() [][2]string {
	if p.same || p.t.mePerson == nil {
		return nil
	}
	me := p.t.mePerson.ID
	var pairs [][2]string
	for _, t := range p.out.Ties {
		if t.PersonA == me || t.PersonB == me {
			pairs = append(pairs, [2]string{t.PersonA, t.PersonB})
		}
	}
	return pairs
}

// combineExisting combines the planned ties of the restoring owner's person
// with those the workspace has for the same pairs: the stored one keeps its
// id and its values, and takes from the backup only what it lacks.
func (p *restorePlan) combineExisting(stored []*graph.Tie) {
	moved := map[string]string{} // planned tie id → stored tie id
	for _, s := range stored {
		t := p.byPair[pair(s.PersonA, s.PersonB)]
		if t == nil {
			continue
		}
		moved[t.ID] = s.ID
		c := combineTie(s, t)
		if !reflect.DeepEqual(c, s) {
			c.UpdatedAt = time.Time{}
		}
		*t = *c
	}
	// Introductions name a tie by id: point them at the stored ones.
	for _, in := range p.out.Introductions {
		if id, ok := moved[in.TieID]; ok {
			in.TieID = id
		}
	}
}

// plannedKeys notes what the batch writes, for compare.
func (p *restorePlan) plannedKeys() {
	p.keys = map[string]bool{}
	for _, v := range p.written() {
		p.keys[entityKey(v)] = true
	}
}

// written lists the entities of the batch but the members.
func (p *restorePlan) written() []any {
	b := &p.out
	all := make([]any, 0, b.Len())
	all = appendAny(all, b.People)
	all = appendAny(all, b.Organizations)
	all = appendAny(all, b.Employments)
	all = appendAny(all, b.Ties)
	all = appendAny(all, b.Interactions)
	all = appendAny(all, b.Introductions)
	return appendAny(all, b.Notes)
}

func appendAny[T any](all []any, l []*T) []any {
	for _, v := range l {
		all = append(all, v)
	}
	return all
}

// compare takes one entity from Store.Walk and remembers it when the batch
// writes under its key.
func (p *restorePlan) compare(v any) error {
	k := entityKey(v)
	if !p.keys[k] {
		return nil
	}
	s := stored{fp: fingerprint(v)}
	switch e := v.(type) {
	case *graph.Interaction:
		s.owner = e.LoggedBy
	case *graph.Note:
		s.owner = e.AuthorID
	}
	p.stored[k] = s
	return nil
}

// settle decides what happens to each planned entity now that what the
// workspace holds is known: another member's interaction or note is kept
// as it is, one the workspace holds the same is not written, and the rest
// are created or replace what is there.
func (p *restorePlan) settle() {
	keep := func(v any) bool {
		s, ok := p.stored[entityKey(v)]
		outcome, reason := Created, ""
		switch {
		case ok && s.owner != "" && s.owner != p.owner.ID:
			outcome, reason = Skipped, "kept as it is: it is another member's (their interaction or private note)"
		case ok && s.fp == fingerprint(v):
			outcome = Unchanged
		case ok:
			outcome = Updated
		}
		if _, has := p.d.lines[v]; has {
			p.result(v, outcome, reason)
		}
		return outcome == Created || outcome == Updated
	}
	b := &p.out
	b.People = slices.DeleteFunc(b.People, func(v *graph.Person) bool { return !keep(v) })
	b.Organizations = slices.DeleteFunc(b.Organizations, func(v *graph.Organization) bool { return !keep(v) })
	b.Employments = slices.DeleteFunc(b.Employments, func(v *graph.Employment) bool { return !keep(v) })
	b.Ties = slices.DeleteFunc(b.Ties, func(v *graph.Tie) bool { return !keep(v) })
	b.Interactions = slices.DeleteFunc(b.Interactions, func(v *graph.Interaction) bool { return !keep(v) })
	b.Introductions = slices.DeleteFunc(b.Introductions, func(v *graph.Introduction) bool { return !keep(v) })
	b.Notes = slices.DeleteFunc(b.Notes, func(v *graph.Note) bool { return !keep(v) })
}

func (p *restorePlan) tieID(old string) string {
	if id, ok := p.ties[old]; ok {
		return id
	}
	return p.id(old)
}

// combineTie unites two ties of one pair: keep's values win; since is the
// earliest of the two; a manual strength or a context keep lacks comes from
// other.
func combineTie(keep, other *graph.Tie) *graph.Tie {
	c := *keep
	if !other.Since.IsZero() && (c.Since.IsZero() || other.Since.Before(c.Since)) {
		c.Since = other.Since
	}
	if c.Strength == nil && other.Strength != nil {
		v := *other.Strength
		c.Strength = &v
	}
	if c.Context == "" {
		c.Context = other.Context
	}
	return &c
}

func (p *restorePlan) addInteraction(i *graph.Interaction) {
	i.ID = p.id(i.ID)
	ids := make([]string, len(i.ParticipantIDs))
	for k, id := range i.ParticipantIDs {
		ids[k] = p.mapped(p.people, id)
	}
	if i.ParticipantIDs = graph.CleanList(ids); len(i.ParticipantIDs) < 2 {
		p.result(i, Skipped, "only you took part once the backup's owner is you")
		return
	}
	if i.InitiatorID != "" {
		i.InitiatorID = p.mapped(p.people, i.InitiatorID)
	}
	if i.LoggedBy != "" {
		i.LoggedBy = p.owner.ID
	}
	p.out.Interactions = append(p.out.Interactions, i)
}

func (p *restorePlan) addIntroduction(in *graph.Introduction) {
	in.ID = p.id(in.ID)
	in.IntroducerID, in.PersonID, in.TargetID = p.mapped(p.people, in.IntroducerID), p.mapped(p.people, in.PersonID), p.mapped(p.people, in.TargetID)
	if in.IntroducerID == in.PersonID || in.IntroducerID == in.TargetID || in.PersonID == in.TargetID {
		p.result(in, Skipped, "an introduction of your own person to themselves once the backup's owner is you")
		return
	}
	if in.RequestedBy != "" {
		in.RequestedBy = p.owner.ID
	}
	if in.TieID != "" {
		in.TieID = p.tieID(in.TieID)
	}
	p.out.Introductions = append(p.out.Introductions, in)
}

func (p *restorePlan) addNote(n *graph.Note) {
	n.ID = p.id(n.ID)
	n.PersonID, n.AuthorID = p.mapped(p.people, n.PersonID), p.owner.ID
	p.out.Notes = append(p.out.Notes, n)
}

// addUser adds a member the workspace lacks, as a member at most.
func (p *restorePlan) addUser(u *graph.User, backupOwner bool) {
	if backupOwner && !p.same {
		reason := "the backup's owner: you, here"
		if p.t.mePerson == nil && u.PersonID != "" {
			reason = "the backup's owner: you, here; you have no own person, so theirs was restored as a contact"
		}
		p.result(u, Merged, reason)
		return
	}
	u.ID = p.mapped(p.users, u.ID)
	if p.t.users[u.ID] != nil {
		p.result(u, Unchanged, "already a member; a restore changes no member")
		return
	}
	var why []string
	if u.Role == graph.RoleOwner {
		u.Role = graph.RoleMember
		why = append(why, "added as a member, not an owner: a restore adds no owners (an owner can promote them)")
	}
	if u.PersonID != "" {
		u.PersonID = p.mapped(p.people, u.PersonID)
		if p.t.ownPersons[u.PersonID] {
			u.PersonID = ""
			why = append(why, "their own person is another member's, so they have none")
		} else {
			p.t.ownPersons[u.PersonID] = true
		}
	}
	follows := u.Follows[:0:0]
	for _, o := range u.Follows {
		if id := p.mapped(p.orgs, o); p.t.orgs[id] {
			follows = append(follows, id)
		}
	}
	u.Follows = follows
	p.t.users[u.ID] = u
	p.out.Users = append(p.out.Users, u)
	if len(why) > 0 {
		p.result(u, Warning, strings.Join(why, "; "))
		return
	}
	p.result(u, Created, "")
}

// mergePerson unites a backup's person into keep, the restoring owner's own
// person: keep's values win, its empty fields take the backup's, and lists
// are united. It reports whether keep changed.
func mergePerson(keep, from *graph.Person) (*graph.Person, bool) {
	m := *keep
	m.Company = ""
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&m.FirstName, from.FirstName)
	fill(&m.LastName, from.LastName)
	fill(&m.LinkedInURL, from.LinkedInURL)
	fill(&m.Title, from.Title)
	fill(&m.Location, from.Location)
	fill(&m.ExternalID, from.ExternalID)
	union := func(a, b []string) []string {
		l := graph.CleanList(append(slices.Clone(a), b...))
		return l[:min(len(l), graph.MaxListLen)]
	}
	m.Emails, m.Phones, m.URLs = union(keep.Emails, from.Emails), union(keep.Phones, from.Phones), union(keep.URLs, from.URLs)
	m.Tags, m.Skills, m.Needs = union(keep.Tags, from.Tags), union(keep.Skills, from.Skills), union(keep.Needs, from.Needs)
	m.UserEdited = union(keep.UserEdited, from.UserEdited)
	was := *keep
	was.Company = ""
	if reflect.DeepEqual(&m, &was) {
		return &m, false
	}
	m.UpdatedAt = time.Time{}
	return &m, true
}
