package importer

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/nexohq/nexo/graph"
)

// planner turns records into the batch an import writes and its report. It
// is pure: it reads the index and the records, and touches nothing else.
type planner struct {
	idx      *index
	ws       string
	me       *graph.User
	mine     map[string]bool // my own emails, to recognise me in a calendar
	source   string          // Person.Source and Note.Source of what the import creates
	batch    graph.Batch
	report   *Report
	touched  map[string]int  // person id → the first row of this import that named them
	inBatch  map[string]bool // ids of people, employments and ties already in the batch
	seenInt  map[string]int  // interactionKey → the row that planned it
	pending  []pendingRelation
	rowState rowState
	// unsure holds the pairs given a new tie that the index cannot know to
	// be new: it holds only the members' ties of the workspace, and the
	// workspace may tie these two already (see settleTies).
	unsure map[[2]string]bool
}

// rowState is what the row being planned changed besides its person.
type rowState struct{ changed bool }

type pendingRelation struct {
	row  int
	from string
	rel  relation
}

// sources name where people and notes came from, by format.
var sources = map[Format]string{
	FormatLinkedIn: "linkedin", FormatGoogle: "google", FormatVCard: "vcard",
	FormatInteractions: "interactions", FormatICS: "calendar",
}

func newPlanner(idx *index, workspaceID string, me *graph.User, f Format) (*planner, error) {
	if err := checkMe(me); err != nil {
		return nil, err
	}
	if idx.people[me.PersonID] == nil {
		return nil, graph.Errorf(graph.EINVALID, "Your own person is not in this workspace; imports tie your contacts to it.")
	}
	p := &planner{
		idx: idx, ws: workspaceID, me: me, source: sources[f],
		report:  &Report{Format: f},
		touched: map[string]int{}, inBatch: map[string]bool{}, seenInt: map[string]int{},
		mine: map[string]bool{}, unsure: map[[2]string]bool{},
	}
	if me.Email != "" {
		p.mine[strings.ToLower(me.Email)] = true
	}
	if mp := idx.people[me.PersonID]; mp != nil {
		for _, e := range mp.Emails {
			p.mine[strings.ToLower(e)] = true
		}
	}
	return p, nil
}

func (p *planner) add(rec record) {
	p.report.Rows++
	switch {
	case rec.skip != "":
		p.report.add(RowResult{Row: rec.row, Outcome: Skipped, Reason: rec.skip})
	case rec.contact != nil:
		p.addContact(rec.row, rec.contact)
	case rec.interaction != nil:
		p.addInteraction(rec.row, rec.interaction)
	}
	for _, w := range rec.warnings {
		p.warn(rec.row, "", w)
	}
}

func (p *planner) warn(row int, personID, reason string) {
	p.report.add(RowResult{Row: row, Outcome: Warning, PersonID: personID, Reason: reason})
}

// unsurePairs lists the pairs settleTies needs the workspace's ties of.
func (p *planner) unsurePairs() [][2]string {
	out := make([][2]string, 0, len(p.unsure))
	for k := range p.unsure {
		out = append(out, k)
	}
	slices.SortFunc(out, func(x, y [2]string) int { return strings.Compare(x[0]+x[1], y[0]+y[1]) })
	return out
}

// settleTies takes the workspace's ties among the unsure pairs: the new tie
// planned for such a pair leaves the batch, and the existing one is updated
// as ensureTie updates a known tie (its strength, source and context stay).
func (p *planner) settleTies(existing []*graph.Tie) {
	for _, old := range existing {
		k := pair(old.PersonA, old.PersonB)
		planned := p.idx.ties[k]
		if !p.unsure[k] || planned == nil {
			continue
		}
		delete(p.unsure, k)
		p.batch.Ties = slices.DeleteFunc(p.batch.Ties, func(t *graph.Tie) bool { return t.ID == planned.ID })
		delete(p.inBatch, planned.ID)
		p.idx.ties[k] = old
		p.ensureTie(k[0], k[1], planned.Since, planned.Source, planned.Context)
	}
	p.report.Written = countBatch(&p.batch)
}

// finish resolves the vCard relations, now that every card is known, and
// returns the batch and the report. It stops when ctx is done.
func (p *planner) finish(ctx context.Context) (*graph.Batch, *Report, error) {
	for i, pr := range p.pending {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		to, why := p.relationTarget(pr.rel.target)
		if to == "" {
			p.warn(pr.row, pr.from, fmt.Sprintf("RELATED %s left out: %s", quote(pr.rel.target), why))
			continue
		}
		if to == pr.from {
			continue
		}
		p.ensureTie(pr.from, to, time.Time{}, graph.TieImported, pr.rel.kind)
	}
	p.report.Written = countBatch(&p.batch)
	return &p.batch, p.report, nil
}

// match finds the person a contact describes: by vCard UID, then email,
// then LinkedIn URL, then normalised name and organisation.
func (p *planner) match(c *contact) string {
	x := p.idx
	if c.uid != "" {
		if id := x.byExternal[uidKey(c.uid)]; id != "" {
			return id
		}
	}
	for _, e := range c.emails {
		if id := x.byEmail[strings.ToLower(e)]; id != "" {
			return id
		}
	}
	if c.linkedIn != "" {
		if id := x.byLinkedIn[graph.NormalizeLinkedInURL(c.linkedIn)]; id != "" {
			return id
		}
	}
	if n := nameKey(contactName(c)); n != "" {
		return x.byNameOrg[n+"\x00"+orgKey(c.org)]
	}
	return ""
}

func contactName(c *contact) string {
	if c.name != "" {
		return c.name
	}
	return strings.TrimSpace(c.first + " " + c.last)
}

func (p *planner) addContact(row int, c *contact) {
	c.emails = p.validEmails(row, c.emails)
	id := p.match(c)
	if id != "" && id == p.me.PersonID {
		p.report.add(RowResult{Row: row, Outcome: Skipped, PersonID: id, Reason: "this is you: your own person is not changed by imports"})
		return
	}
	p.rowState = rowState{}
	var before *graph.Person
	per := &graph.Person{ID: graph.NewID(), WorkspaceID: p.ws, Source: p.source}
	if id != "" {
		before = p.idx.people[id]
		per = clonePerson(before)
	}
	p.applyContact(row, per, c)
	if err := per.Validate(); err != nil {
		p.report.add(RowResult{Row: row, Outcome: Skipped, PersonID: id, Reason: graph.ErrorMessage(err)})
		return
	}
	org := p.resolveOrg(row, c)
	if org != nil {
		per.Company = org.Name
	}
	if before == nil || !samePerson(before, per) {
		p.putPerson(per)
		p.rowState.changed = true
	}
	if org != nil {
		p.ensureJob(per.ID, org.ID, c.title)
	}
	if p.me.PersonID != per.ID {
		p.ensureTie(p.me.PersonID, per.ID, c.since, graph.TieImported, "")
	}
	if c.note != "" {
		p.ensureNote(row, per.ID, c.note)
	}
	for _, r := range c.related {
		p.pending = append(p.pending, pendingRelation{row: row, from: per.ID, rel: r})
	}
	res := RowResult{Row: row, PersonID: per.ID}
	switch first, seen := p.touched[per.ID]; {
	case seen:
		res.Outcome, res.Reason = Merged, fmt.Sprintf("the same person as row %d", first)
	case before == nil:
		res.Outcome = Created
	case p.rowState.changed:
		res.Outcome = Updated
	default:
		res.Outcome = Unchanged
	}
	if _, seen := p.touched[per.ID]; !seen {
		p.touched[per.ID] = row
	}
	p.report.add(res)
}

// validEmails drops addresses that are not addresses, with a warning.
func (p *planner) validEmails(row int, emails []string) []string {
	out := emails[:0:0]
	for _, e := range emails {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" {
			continue
		}
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			p.warn(row, "", fmt.Sprintf("invalid email %s left out", quote(e)))
			continue
		}
		out = append(out, e)
	}
	return out
}

// applyContact copies the imported fields of c onto per. Fields a user
// edited by hand are left alone, and so is every filled-in field of a person
// a user made by hand; lists are united, never shortened.
func (p *planner) applyContact(row int, per *graph.Person, c *contact) {
	edited := map[string]bool{}
	for _, f := range per.UserEdited {
		edited[f] = true
	}
	manual := per.Source == "manual"
	set := func(field string, dst *string, v string) {
		v = strings.TrimSpace(v)
		if v == "" || edited[field] || (manual && *dst != "") {
			return
		}
		*dst = v
	}
	set("name", &per.Name, contactName(c))
	set("first_name", &per.FirstName, c.first)
	set("last_name", &per.LastName, c.last)
	set("title", &per.Title, c.title)
	set("location", &per.Location, c.location)
	if c.linkedIn != "" {
		u := graph.NormalizeLinkedInURL(c.linkedIn)
		if owner := p.idx.byLinkedIn[u]; owner == "" || owner == per.ID {
			set("linkedin_url", &per.LinkedInURL, u)
		}
	}
	if per.ExternalID == "" {
		per.ExternalID = c.uid
	}
	unite := func(field string, dst *[]string, vs []string, owned map[string]string) {
		if edited[field] {
			return
		}
		for _, v := range vs {
			v = strings.TrimSpace(v)
			if v == "" || containsFold(*dst, v) {
				continue
			}
			if owned != nil && owned[strings.ToLower(v)] != "" && owned[strings.ToLower(v)] != per.ID {
				p.warn(row, per.ID, fmt.Sprintf("%s already belongs to someone else; left out", v))
				continue
			}
			if len(*dst) >= graph.MaxListLen {
				p.warn(row, per.ID, fmt.Sprintf("more than %d %s; the rest left out", graph.MaxListLen, strings.ReplaceAll(field, "_", " ")))
				return
			}
			*dst = append(*dst, v)
		}
	}
	unite("emails", &per.Emails, c.emails, p.idx.byEmail)
	unite("phones", &per.Phones, c.phones, nil)
	unite("urls", &per.URLs, c.urls, nil)
	// Tags are united even when the user edited them: an import adds tags,
	// it never takes one away.
	delete(edited, "tags")
	unite("tags", &per.Tags, c.tags, nil)
}

func containsFold(l []string, v string) bool {
	return slices.ContainsFunc(l, func(s string) bool { return strings.EqualFold(s, v) })
}

func clonePerson(p *graph.Person) *graph.Person {
	c := *p
	for _, l := range []*[]string{&c.Emails, &c.Phones, &c.URLs, &c.Tags, &c.Skills, &c.Needs, &c.UserEdited} {
		*l = slices.Clone(*l)
	}
	c.UpdatedAt = time.Time{}
	return &c
}

// samePerson reports whether an import changed nothing of a person. Company
// is left out: the store derives it from the current employment, which the
// planner compares on its own.
func samePerson(a, b *graph.Person) bool {
	return a.Name == b.Name && a.FirstName == b.FirstName && a.LastName == b.LastName &&
		slices.Equal(a.Emails, b.Emails) && slices.Equal(a.Phones, b.Phones) &&
		a.LinkedInURL == b.LinkedInURL && slices.Equal(a.URLs, b.URLs) && a.Title == b.Title &&
		a.Location == b.Location && slices.Equal(a.Tags, b.Tags) &&
		a.ExternalID == b.ExternalID
}

// putPerson puts per in the batch, or replaces the copy already there, and
// indexes it.
func (p *planner) putPerson(per *graph.Person) {
	if p.inBatch[per.ID] {
		*p.idx.people[per.ID] = *per
		per = p.idx.people[per.ID]
	} else {
		p.inBatch[per.ID] = true
		p.batch.People = append(p.batch.People, per)
		p.idx.people[per.ID] = per
	}
	p.idx.indexPerson(per)
	p.idx.indexNameOrg(per)
}

// resolveOrg finds the contact's organisation by name, or by the domain of a
// work email, or plans a new one.
func (p *planner) resolveOrg(row int, c *contact) *graph.Organization {
	if orgKey(c.org) == "" {
		return nil
	}
	if id := p.idx.orgByName[orgKey(c.org)]; id != "" {
		return p.idx.orgs[id]
	}
	for _, e := range c.emails {
		if id := p.idx.orgByDomain[emailDomain(e)]; id != "" {
			return p.idx.orgs[id]
		}
	}
	o := &graph.Organization{ID: graph.NewID(), WorkspaceID: p.ws, Name: c.org}
	if err := o.Validate(); err != nil {
		p.warn(row, "", "organisation left out: "+graph.ErrorMessage(err))
		return nil
	}
	p.batch.Organizations = append(p.batch.Organizations, o)
	p.idx.addOrg(o)
	p.rowState.changed = true
	return o
}

// ensureJob makes sure the person has a current position at the
// organisation, with the imported title unless a user entered or edited the
// position.
func (p *planner) ensureJob(personID, orgID, title string) {
	title = strings.TrimSpace(title)
	for _, j := range p.idx.jobs[personID] {
		if j.OrganizationID != orgID || !j.Current() {
			continue
		}
		if title == "" || j.Title == title || len(title) > graph.MaxTextLen || !j.Imported() {
			return
		}
		if !p.inBatch[j.ID] {
			c := *j
			c.UpdatedAt = time.Time{}
			j = &c
			p.replaceJob(personID, j)
			p.inBatch[j.ID] = true
			p.batch.Employments = append(p.batch.Employments, j)
		}
		j.Title = title
		p.rowState.changed = true
		return
	}
	e := &graph.Employment{ID: graph.NewID(), WorkspaceID: p.ws, PersonID: personID, OrganizationID: orgID, Title: title,
		Source: p.source}
	if e.Validate() != nil {
		e.Title = ""
	}
	p.inBatch[e.ID] = true
	p.batch.Employments = append(p.batch.Employments, e)
	p.idx.jobs[personID] = append(p.idx.jobs[personID], e)
	p.rowState.changed = true
}

func (p *planner) replaceJob(personID string, j *graph.Employment) {
	for i, old := range p.idx.jobs[personID] {
		if old.ID == j.ID {
			p.idx.jobs[personID][i] = j
		}
	}
}

// ensureTie makes sure a and b have a tie. An existing one keeps its source,
// strength and context; only a missing or imported Since is updated, and a
// missing context filled in.
func (p *planner) ensureTie(a, b string, since time.Time, source graph.TieSource, context string) {
	k := pair(a, b)
	t := p.idx.ties[k]
	if t == nil {
		t = &graph.Tie{ID: graph.NewID(), WorkspaceID: p.ws, PersonA: k[0], PersonB: k[1], Since: since, Source: source, Context: context}
		if t.Validate() != nil {
			return
		}
		if a != p.me.PersonID && b != p.me.PersonID {
			p.unsure[k] = true
		}
		p.idx.ties[k] = t
		p.inBatch[t.ID] = true
		p.batch.Ties = append(p.batch.Ties, t)
		p.rowState.changed = true
		return
	}
	newSince := !since.IsZero() && (t.Since.IsZero() || (t.Source == graph.TieImported && !t.Since.Equal(since)))
	newContext := context != "" && t.Context == "" && len(context) <= graph.MaxTextLen
	if !newSince && !newContext {
		return
	}
	if !p.inBatch[t.ID] {
		c := *t
		c.UpdatedAt = time.Time{}
		if t.Strength != nil {
			s := *t.Strength
			c.Strength = &s
		}
		t = &c
		p.idx.ties[k] = t
		p.inBatch[t.ID] = true
		p.batch.Ties = append(p.batch.Ties, t)
	}
	if newSince {
		t.Since = since
	}
	if newContext {
		t.Context = context
	}
	p.rowState.changed = true
}

// ensureNote adds an imported note unless the same note is already there.
// Notes are never changed: once imported, a note is the user's.
func (p *planner) ensureNote(row int, personID, body string) {
	if p.me.ID == "" {
		p.warn(row, personID, "note left out: the importing member has no user id")
		return
	}
	k := noteKey(personID, p.me.ID, body)
	if p.idx.notes[k] {
		return
	}
	n := &graph.Note{ID: graph.NewID(), WorkspaceID: p.ws, PersonID: personID, AuthorID: p.me.ID, Body: body, Source: p.source}
	if err := n.Validate(); err != nil {
		p.warn(row, personID, "note left out: "+graph.ErrorMessage(err))
		return
	}
	p.idx.notes[k] = true
	p.batch.Notes = append(p.batch.Notes, n)
	p.rowState.changed = true
}

// relationTarget resolves a vCard RELATED value to a person id, or says why
// it cannot.
func (p *planner) relationTarget(target string) (string, string) {
	x := p.idx
	low := strings.ToLower(strings.TrimSpace(target))
	switch {
	case strings.HasPrefix(low, "mailto:"):
		if id := x.byEmail[strings.TrimPrefix(low, "mailto:")]; id != "" {
			return id, ""
		}
		return "", "no one has that email"
	case isLinkedInProfile(low):
		if id := x.byLinkedIn[graph.NormalizeLinkedInURL(target)]; id != "" {
			return id, ""
		}
		return "", "no one has that LinkedIn profile"
	}
	if id := x.byExternal[uidKey(target)]; id != "" {
		return id, ""
	}
	if strings.Contains(low, ":") {
		return "", "no card in the file or person in the workspace has that UID"
	}
	switch ids := x.byName[nameKey(target)]; len(ids) {
	case 1:
		return ids[0], ""
	case 0:
		return "", "no one has that name"
	default:
		return "", fmt.Sprintf("%d people have that name", len(ids))
	}
}

// addInteraction plans a touchpoint of me with the people of the row,
// creating the people it does not know.
func (p *planner) addInteraction(row int, in *interactionRec) {
	p.rowState = rowState{}
	ids := []string{p.me.PersonID}
	refIDs := make([]string, len(in.people))
	for i, ref := range in.people {
		id, err := p.resolveRef(row, ref)
		if err != "" {
			p.report.add(RowResult{Row: row, Outcome: Skipped, Reason: err})
			return
		}
		refIDs[i] = id
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) < 2 {
		p.report.add(RowResult{Row: row, Outcome: Skipped, Reason: "no one but you took part"})
		return
	}
	if len(ids) > graph.MaxParticipants {
		p.report.add(RowResult{Row: row, Outcome: Skipped, Reason: fmt.Sprintf("more than %d participants", graph.MaxParticipants)})
		return
	}
	it := &graph.Interaction{ID: graph.NewID(), WorkspaceID: p.ws, Kind: in.kind, At: in.at,
		ParticipantIDs: ids, Notes: in.notes, LoggedBy: p.me.ID}
	switch {
	case in.initiator.me:
		it.InitiatorID = p.me.PersonID
	case in.initiator.other && len(ids) == 2:
		it.InitiatorID = ids[1]
	case in.initiator.other:
		p.warn(row, "", "initiated_by \"them\" with several people left out; name one of them")
	case in.initiator.person != nil:
		if p.isMe(*in.initiator.person) {
			it.InitiatorID = p.me.PersonID
		} else if i := slices.IndexFunc(in.people, func(r personRef) bool { return r == *in.initiator.person }); i >= 0 {
			it.InitiatorID = refIDs[i]
		} else if id := p.findRef(*in.initiator.person); slices.Contains(ids, id) {
			it.InitiatorID = id
		} else {
			p.warn(row, "", fmt.Sprintf("initiated_by %s is not one of the participants; left out", quote(in.initiator.person.String())))
		}
	}
	switch {
	case it.Kind == graph.KindFavourGiven:
		it.InitiatorID = p.me.PersonID
	case it.Kind == graph.KindFavourReceived && it.InitiatorID == "" && len(ids) == 2:
		it.InitiatorID = ids[1]
	}
	if err := it.Validate(); err != nil {
		p.report.add(RowResult{Row: row, Outcome: Skipped, Reason: graph.ErrorMessage(err)})
		return
	}
	k := interactionKey(it.Kind, it.At, it.ParticipantIDs)
	if first, ok := p.seenInt[k]; ok {
		p.report.add(RowResult{Row: row, Outcome: Merged, Reason: fmt.Sprintf("the same interaction as row %d", first)})
		return
	}
	p.seenInt[k] = row
	if p.idx.interactions[k] {
		p.report.add(RowResult{Row: row, Outcome: Unchanged})
		return
	}
	p.idx.interactions[k] = true
	p.batch.Interactions = append(p.batch.Interactions, it)
	// As Store.CreateInteraction does, a touchpoint implies a tie.
	for i, a := range it.ParticipantIDs {
		for _, b := range it.ParticipantIDs[i+1:] {
			p.ensureTie(a, b, time.Time{}, graph.TieManual, "")
		}
	}
	p.report.add(RowResult{Row: row, Outcome: Created})
}

func (p *planner) isMe(ref personRef) bool {
	return ref.email != "" && p.mine[ref.email]
}

// findRef finds the person a reference names: by email, LinkedIn URL, or a
// name only one person has. It returns "" when there is none.
func (p *planner) findRef(ref personRef) string {
	x := p.idx
	if ref.email != "" {
		if id := x.byEmail[ref.email]; id != "" {
			return id
		}
	}
	if ref.linkedIn != "" {
		if id := x.byLinkedIn[graph.NormalizeLinkedInURL(ref.linkedIn)]; id != "" {
			return id
		}
	}
	if ids := x.byName[nameKey(ref.name)]; len(ids) == 1 && ref.email == "" {
		return ids[0]
	}
	return ""
}

// resolveRef finds or creates the person of a reference; me resolves to my
// own person. A name several people have is an error: the row must say which.
func (p *planner) resolveRef(row int, ref personRef) (string, string) {
	if p.isMe(ref) {
		return p.me.PersonID, ""
	}
	if id := p.findRef(ref); id != "" {
		return id, ""
	}
	if ref.email == "" && ref.linkedIn == "" {
		if n := len(p.idx.byName[nameKey(ref.name)]); n > 1 {
			return "", fmt.Sprintf("%d people are called %s; give an email to say which", n, quote(ref.name))
		}
	}
	per := &graph.Person{ID: graph.NewID(), WorkspaceID: p.ws, Source: p.source, Name: ref.name, LinkedInURL: ref.linkedIn}
	if per.Name == "" {
		per.Name = ref.String()
	}
	if ref.email != "" {
		per.Emails = []string{ref.email}
	}
	if err := per.Validate(); err != nil {
		return "", fmt.Sprintf("person %s: %s", quote(ref.String()), graph.ErrorMessage(err))
	}
	p.putPerson(per)
	p.touched[per.ID] = row
	return per.ID, ""
}
