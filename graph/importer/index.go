package importer

import (
	"crypto/sha256"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nexohq/nexo/graph"
)

// index is what the planner knows of the workspace: its people,
// organisations, employments, ties, notes and interactions, under the keys
// imports match on. The planner adds what it plans to it as it goes, so a
// later row of the same file finds the person an earlier row made.
type index struct {
	people     map[string]*graph.Person
	byEmail    map[string]string   // email → person id
	byLinkedIn map[string]string   // normalised profile URL → person id
	byExternal map[string]string   // uidKey(ExternalID) → person id
	byNameOrg  map[string]string   // nameKey \x00 orgKey → person id
	byName     map[string][]string // nameKey → person ids

	orgs        map[string]*graph.Organization
	orgByName   map[string]string // orgKey → organisation id
	orgByDomain map[string]string

	jobs         map[string][]*graph.Employment // person id → employments
	ties         map[[2]string]*graph.Tie       // ordered pair → tie (of the workspace: the members' only)
	notes        map[string]bool                // noteKey
	interactions map[string]bool                // interactionKey
}

func newIndex() *index {
	return &index{
		people: map[string]*graph.Person{}, byEmail: map[string]string{}, byLinkedIn: map[string]string{},
		byExternal: map[string]string{}, byNameOrg: map[string]string{}, byName: map[string][]string{},
		orgs: map[string]*graph.Organization{}, orgByName: map[string]string{}, orgByDomain: map[string]string{},
		jobs: map[string][]*graph.Employment{}, ties: map[[2]string]*graph.Tie{},
		notes: map[string]bool{}, interactions: map[string]bool{},
	}
}

// add takes one entity from Store.Walk.
func (x *index) add(v any) error {
	switch e := v.(type) {
	case *graph.Person:
		x.people[e.ID] = e
		x.indexPerson(e)
	case *graph.Organization:
		x.addOrg(e)
	case *graph.Employment:
		x.jobs[e.PersonID] = append(x.jobs[e.PersonID], e)
	case *graph.Tie:
		x.ties[pair(e.PersonA, e.PersonB)] = e
	case *graph.Note:
		x.notes[noteKey(e.PersonID, e.AuthorID, e.Body)] = true
	case *graph.Interaction:
		x.interactions[interactionKey(e.Kind, e.At, e.ParticipantIDs)] = true
	}
	return nil
}

// finish indexes people by name and organisation, once employments are in.
func (x *index) finish() {
	for _, p := range x.people {
		x.indexNameOrg(p)
	}
}

// indexPerson files p under its email, LinkedIn URL, external id and name;
// keys another person holds stay theirs.
func (x *index) indexPerson(p *graph.Person) {
	for _, e := range p.Emails {
		setIfAbsent(x.byEmail, strings.ToLower(e), p.ID)
	}
	if p.LinkedInURL != "" {
		setIfAbsent(x.byLinkedIn, graph.NormalizeLinkedInURL(p.LinkedInURL), p.ID)
	}
	if p.ExternalID != "" {
		setIfAbsent(x.byExternal, uidKey(p.ExternalID), p.ID)
	}
	if k := nameKey(p.Name); k != "" && !slices.Contains(x.byName[k], p.ID) {
		x.byName[k] = append(x.byName[k], p.ID)
	}
}

func (x *index) indexNameOrg(p *graph.Person) {
	n := nameKey(p.Name)
	if n == "" {
		return
	}
	orgs := 0
	if p.Company != "" {
		setIfAbsent(x.byNameOrg, n+"\x00"+orgKey(p.Company), p.ID)
		orgs++
	}
	for _, j := range x.jobs[p.ID] {
		if o := x.orgs[j.OrganizationID]; o != nil {
			setIfAbsent(x.byNameOrg, n+"\x00"+orgKey(o.Name), p.ID)
			orgs++
		}
	}
	if orgs == 0 {
		setIfAbsent(x.byNameOrg, n+"\x00", p.ID)
	}
}

func (x *index) addOrg(o *graph.Organization) {
	x.orgs[o.ID] = o
	setIfAbsent(x.orgByName, orgKey(o.Name), o.ID)
	if o.Domain != "" {
		setIfAbsent(x.orgByDomain, strings.ToLower(o.Domain), o.ID)
	}
}

func setIfAbsent(m map[string]string, k, v string) {
	if k == "" {
		return
	}
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

// pair orders two person ids as a tie stores them.
func pair(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

// uidKey reduces a vCard UID (or a RELATED urn:uuid: reference to one) to a
// matching key.
func uidKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.TrimPrefix(s, "urn:uuid:")
}

func noteKey(personID, authorID, body string) string {
	h := sha256.Sum256([]byte(strings.TrimSpace(body)))
	return personID + "\x00" + authorID + "\x00" + string(h[:16])
}

// interactionKey identifies an interaction for re-imports: its kind, its
// time to the second and its participants.
func interactionKey(kind graph.InteractionKind, at time.Time, participants []string) string {
	ids := slices.Clone(participants)
	slices.Sort(ids)
	return string(kind) + "|" + strconv.FormatInt(at.Unix(), 10) + "|" + strings.Join(ids, ",")
}
