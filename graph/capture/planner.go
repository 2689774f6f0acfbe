package capture

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nexohq/nexo/graph"
)

// Direction says who wrote a message, from the member's side.
type Direction int

// Directions. A folder gives a hint (Sent: out); the From field decides.
const (
	Unknown Direction = iota
	Out               // the member wrote it
	In                // someone wrote to the member
)

// index is what a sync knows of the workspace: people by every address
// key, organisations by domain and name, who has a current position.
type index struct {
	people    map[string]string // addrKey → person id
	orgDomain map[string]string // registrable domain → organisation id
	orgName   map[string]string // lower-case name → organisation id
	employed  map[string]bool   // person id → has a current position
	personOf  map[string]bool   // person ids
}

func loadIndex(ctx context.Context, store graph.Store, ws string) (*index, error) {
	x := &index{people: map[string]string{}, orgDomain: map[string]string{}, orgName: map[string]string{},
		employed: map[string]bool{}, personOf: map[string]bool{}}
	err := store.Walk(ctx, ws, graph.KindPeople|graph.KindOrganizations|graph.KindEmployments, func(v any) error {
		switch e := v.(type) {
		case *graph.Person:
			x.personOf[e.ID] = true
			for _, m := range e.Emails {
				if k := addrKey(m); k != "" {
					if _, taken := x.people[k]; !taken {
						x.people[k] = e.ID
					}
				}
			}
		case *graph.Organization:
			x.addOrg(e)
		case *graph.Employment:
			if e.Current() {
				x.employed[e.PersonID] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read workspace: %w", err)
	}
	return x, nil
}

func (x *index) addOrg(o *graph.Organization) {
	if o.Domain != "" {
		if _, taken := x.orgDomain[o.Domain]; !taken {
			x.orgDomain[o.Domain] = o.ID
		}
	}
	k := strings.ToLower(strings.Join(strings.Fields(o.Name), " "))
	if _, taken := x.orgName[k]; !taken {
		x.orgName[k] = o.ID
	}
}

// planner turns messages and events into capture steps. It is pure but for
// the index and correspondents it was given, which it keeps up to date as
// it plans, so a later message finds the person an earlier one made.
type planner struct {
	ws       string
	user     *graph.User
	me       string          // the member's person id
	mine     map[string]bool // addrKey of the member's own addresses
	set      graph.CaptureSettings
	internal map[string]bool
	exclAddr map[string]bool
	exclDom  map[string]bool
	x        *index
	corr     map[string]*graph.Correspondent
	source   string // Person.Source and Employment.Source of what it creates

	step      graph.Capture
	dirty     map[string]bool // correspondents changed in this step
	resolved  map[string]bool
	planned   map[string]bool // capture keys already in this step
	Messages  int             // read in this step
	Skipped   int
	NewPeople int
	// Reasons counts the skipped messages by reason, for the report;
	// lastReasons are those of the step take returned last.
	Reasons     map[string]int
	lastReasons map[string]int
}

// newPlanner prepares the planning of a member's mail. own are addresses
// of the member beyond their email and their person's (the account's
// user name, aliases).
func newPlanner(ws string, user *graph.User, me *graph.Person, set graph.CaptureSettings, x *index,
	corr []*graph.Correspondent, own ...string) *planner {
	p := &planner{ws: ws, user: user, me: me.ID, set: set, x: x, source: graph.SourceMail,
		mine: map[string]bool{}, internal: map[string]bool{}, exclAddr: map[string]bool{}, exclDom: map[string]bool{},
		corr: map[string]*graph.Correspondent{}}
	for _, a := range append(append(append([]string{user.Email}, me.Emails...), set.Aliases...), own...) {
		if k := addrKey(a); k != "" {
			p.mine[k] = true
		}
	}
	for _, d := range set.InternalDomains {
		p.internal[d] = true
	}
	if len(set.InternalDomains) == 0 {
		// By default the member's own organisation is the domain of their
		// addresses, unless that is a public mail service.
		for k := range p.mine {
			if d := domainOf(k); d != "" && !PublicDomains[d] {
				p.internal[d] = true
			}
		}
	}
	for _, a := range set.ExcludeAddresses {
		p.exclAddr[addrKey(a)] = true
	}
	for _, d := range set.ExcludeDomains {
		p.exclDom[d] = true
	}
	for _, c := range corr {
		p.corr[c.Key] = c
	}
	p.reset()
	return p
}

func (p *planner) reset() {
	p.step = graph.Capture{UserID: p.user.ID, PersonID: p.me}
	p.dirty, p.resolved, p.planned = map[string]bool{}, map[string]bool{}, map[string]bool{}
	p.Messages, p.Skipped, p.NewPeople = 0, 0, 0
	p.Reasons = map[string]int{}
}

// pending is the number of entities the step holds.
func (p *planner) pending() int {
	return len(p.step.Interactions) + len(p.step.People) + len(p.dirty)
}

// take returns the step planned so far and starts a new one.
func (p *planner) take() *graph.Capture {
	st := p.step
	for k := range p.dirty {
		if c := p.corr[k]; c != nil {
			st.Correspondents = append(st.Correspondents, c)
		}
	}
	for k := range p.resolved {
		st.Resolved = append(st.Resolved, k)
	}
	slices.Sort(st.Resolved)
	slices.SortFunc(st.Correspondents, func(a, b *graph.Correspondent) int { return strings.Compare(a.Key, b.Key) })
	st.Counts = graph.AccountStatus{Messages: p.Messages, Skipped: p.Skipped, People: p.NewPeople}
	p.lastReasons = p.Reasons
	p.reset()
	return &st
}

func (p *planner) skip(reason string) string {
	p.Skipped++
	p.Reasons[reason]++
	return reason
}

// excluded reports whether an address is never captured.
func (p *planner) excluded(addr string) bool {
	return p.exclAddr[addrKey(addr)] || inDomains(addr, p.exclDom) || inDomains(addr, p.internal)
}

// Message plans one message; hint is what its folder says about its
// direction. It returns why the message was skipped, or "".
func (p *planner) Message(m *Message, hint Direction) string {
	p.Messages++
	if m.Bulk != "" {
		return p.skip(m.Bulk)
	}
	if n := m.Recipients(); n > p.set.MaxRecipients {
		return p.skip(fmt.Sprintf("more than %d recipients", p.set.MaxRecipients))
	}
	dir := hint
	for _, a := range m.From {
		if p.mine[addrKey(a.Addr)] {
			dir = Out
		}
	}
	if dir == Unknown {
		dir = In
	}
	type other struct {
		a      Address
		sender bool
	}
	var others []other
	seen := map[string]bool{}
	add := func(l []Address, sender bool) {
		for _, a := range l {
			k := addrKey(a.Addr)
			if k == "" || p.mine[k] || seen[k] || p.excluded(a.Addr) {
				continue
			}
			seen[k] = true
			others = append(others, other{a, sender})
		}
	}
	if dir == In {
		add(m.From, true)
	}
	add(m.To, false)
	add(m.Cc, false)
	if dir == Out {
		add(m.Bcc, false)
	}
	if len(others) == 0 {
		return p.skip("no one else took part (or only excluded or internal addresses)")
	}
	it := &graph.Interaction{ID: graph.NewID(), Kind: graph.KindEmail, At: m.Date, LoggedBy: p.user.ID,
		Source: graph.SourceMail, ThreadID: m.ThreadID, CaptureKey: m.Key, ParticipantIDs: []string{p.me}}
	if p.set.Subjects {
		it.Notes = m.Subject
	}
	if dir == Out {
		it.InitiatorID = p.me
	}
	held := HeldFrom(m, dir == Out, p.set.Subjects)
	for _, o := range others {
		id := p.resolve(o.a, dir, o.sender, held)
		if id == "" || slices.Contains(it.ParticipantIDs, id) {
			continue
		}
		it.ParticipantIDs = append(it.ParticipantIDs, id)
		if dir == In && o.sender {
			it.InitiatorID = id
		}
	}
	if len(it.ParticipantIDs) < 2 {
		return "" // held for correspondents who are nobody yet: not skipped
	}
	p.addInteraction(it)
	return ""
}

// HeldFrom is the held form of a message.
func HeldFrom(m *Message, out, subjects bool) graph.HeldMessage {
	h := graph.HeldMessage{Key: m.Key, At: m.Date, Out: out, ThreadID: m.ThreadID}
	if subjects {
		h.Subject = m.Subject
	}
	return h
}

func (p *planner) addInteraction(it *graph.Interaction) {
	if p.planned[it.CaptureKey] {
		// The same message twice in one step (INBOX and Sent, a resync):
		// the store merges them on the key; keep the step small.
		for _, old := range p.step.Interactions {
			if old.CaptureKey == it.CaptureKey {
				for _, id := range it.ParticipantIDs {
					if !slices.Contains(old.ParticipantIDs, id) && len(old.ParticipantIDs) < graph.MaxParticipants {
						old.ParticipantIDs = append(old.ParticipantIDs, id)
					}
				}
				if old.InitiatorID == "" {
					old.InitiatorID = it.InitiatorID
				}
			}
		}
		return
	}
	p.planned[it.CaptureKey] = true
	p.step.Interactions = append(p.step.Interactions, it)
}

// resolve finds the person of an address, creating them as the settings
// allow; "" when the address is nobody (yet). Under two-way, an unknown
// address's messages are held until the exchange is two-way.
func (p *planner) resolve(a Address, dir Direction, sender bool, held graph.HeldMessage) string {
	k := addrKey(a.Addr)
	if id := p.x.people[k]; id != "" {
		return id
	}
	switch p.set.CreatePeople {
	case graph.CreateNever:
		return ""
	case graph.CreateAll:
		return p.create(a)
	}
	c := p.corr[k]
	if c == nil {
		c = &graph.Correspondent{Key: k, Address: a.Addr}
		p.corr[k] = c
	}
	if c.Name == "" {
		c.Name = a.Name
	}
	dup := slices.ContainsFunc(c.Held, func(h graph.HeldMessage) bool { return h.Key == held.Key })
	if !dup {
		switch {
		case dir == Out:
			c.Sent++
		case sender:
			c.Received++
		}
	}
	p.dirty[k] = true
	if c.Sent == 0 || c.Received == 0 {
		if !dup {
			c.Held = append(c.Held, held)
			if len(c.Held) > graph.MaxHeld {
				slices.SortFunc(c.Held, func(x, y graph.HeldMessage) int { return x.At.Compare(y.At) })
				c.Held = c.Held[len(c.Held)-graph.MaxHeld:]
			}
		}
		return ""
	}
	// Two-way now: the correspondent becomes a person, and the messages
	// held for them become interactions (merged into the interaction of the
	// same message when it has one).
	id := p.create(Address{Name: c.Name, Addr: c.Address})
	for _, h := range c.Held {
		if h.Key == held.Key {
			continue
		}
		it := &graph.Interaction{ID: graph.NewID(), Kind: graph.KindEmail, At: h.At, LoggedBy: p.user.ID,
			Source: graph.SourceMail, ThreadID: h.ThreadID, CaptureKey: h.Key, Notes: h.Subject,
			ParticipantIDs: []string{p.me, id}, InitiatorID: id}
		if h.Out {
			it.InitiatorID = p.me
		}
		p.addInteraction(it)
	}
	delete(p.corr, k)
	delete(p.dirty, k)
	p.resolved[k] = true
	return id
}

// create plans a person for an address, with the organisation of a
// company domain and a position there.
func (p *planner) create(a Address) string {
	name := strings.TrimSpace(a.Name)
	if name == "" {
		name = a.Addr
	}
	per := &graph.Person{ID: graph.NewID(), WorkspaceID: p.ws, Name: name, Emails: []string{a.Addr}, Source: p.source}
	if per.Validate() != nil {
		per.Name, per.FirstName, per.LastName = a.Addr, "", ""
		if per.Validate() != nil {
			return ""
		}
	}
	p.step.People = append(p.step.People, per)
	p.x.people[addrKey(a.Addr)] = per.ID
	p.x.personOf[per.ID] = true
	p.NewPeople++
	if org := p.organization(a.Addr); org != "" && !p.x.employed[per.ID] {
		p.step.Employments = append(p.step.Employments, &graph.Employment{ID: graph.NewID(), WorkspaceID: p.ws,
			PersonID: per.ID, OrganizationID: org, Source: p.source})
		p.x.employed[per.ID] = true
	}
	return per.ID
}

// organization finds or plans the organisation of an address's company
// domain; "" for public mail services and the member's own domains.
func (p *planner) organization(addr string) string {
	d := orgDomain(addr)
	if d == "" || PublicDomains[d] || PublicDomains[domainOf(addr)] || inDomains(addr, p.internal) {
		return ""
	}
	if id := p.x.orgDomain[d]; id != "" {
		return id
	}
	name := orgName(d)
	if id := p.x.orgName[strings.ToLower(name)]; id != "" {
		return id
	}
	o := &graph.Organization{ID: graph.NewID(), WorkspaceID: p.ws, Name: name, Domain: d}
	if o.Validate() != nil {
		return ""
	}
	p.step.Organizations = append(p.step.Organizations, o)
	p.x.addOrg(o)
	return o.ID
}

// Event is a calendar event with attendees: a meeting.
type Event struct {
	Key       string // UID and RECURRENCE-ID (or occurrence start), hashed
	At        time.Time
	Organizer *Address
	Attendees []Address
	Summary   string
	Cancelled bool
}

// Event plans a meeting. Attendees are two-way by nature (they met), so
// under two-way they become people; under never only known ones count.
func (p *planner) Event(ev *Event) string {
	p.Messages++
	if ev.Cancelled {
		p.step.Deleted = append(p.step.Deleted, ev.Key)
		return p.skip("the event was cancelled")
	}
	if len(ev.Attendees) > p.set.MaxRecipients {
		return p.skip(fmt.Sprintf("more than %d attendees", p.set.MaxRecipients))
	}
	it := &graph.Interaction{ID: graph.NewID(), Kind: graph.KindMeeting, At: ev.At.UTC().Truncate(time.Second),
		LoggedBy: p.user.ID, Source: graph.SourceCalendar, CaptureKey: ev.Key, ParticipantIDs: []string{p.me}}
	if p.set.Subjects {
		it.Notes = ev.Summary
	}
	all := ev.Attendees
	if ev.Organizer != nil {
		all = append([]Address{*ev.Organizer}, all...)
		if p.mine[addrKey(ev.Organizer.Addr)] {
			it.InitiatorID = p.me
		}
	}
	for _, a := range all {
		k := addrKey(a.Addr)
		if k == "" || p.mine[k] || p.excluded(a.Addr) {
			continue
		}
		id := p.x.people[k]
		if id == "" && p.set.CreatePeople != graph.CreateNever {
			id = p.create(a)
		}
		if id == "" || slices.Contains(it.ParticipantIDs, id) {
			continue
		}
		it.ParticipantIDs = append(it.ParticipantIDs, id)
		if ev.Organizer != nil && a.Addr == ev.Organizer.Addr {
			it.InitiatorID = id
		}
	}
	if len(it.ParticipantIDs) < 2 {
		p.step.Deleted = append(p.step.Deleted, ev.Key) // attendees may have been removed since
		return p.skip("no one else took part (or only excluded or internal addresses)")
	}
	p.addInteraction(it)
	return ""
}
