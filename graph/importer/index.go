package importer

import (
	"crypto/sha256"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/identity"
)

// index is what the planner knows of the workspace: its people,
// organisations, employments, ties, notes and interactions, under the keys
// imports match on. The planner adds what it plans to it as it goes, so a
// later row of the same file finds the person an earlier row made.
type index struct {
	people     map[string]*graph.Person
	byEmail    map[string]string   // identity.CanonicalEmail → person id
	byLinkedIn map[string]string   // normalised profile URL → person id
	byExternal map[string]string   // identity.UIDKey(ExternalID) → person id
	byPhone    map[string]string   // identity.PhoneKey → person id
	byRow      map[string]string   // rowKey of a row without identifiers → person id
	byName     map[string][]string // nameKey → person ids, for references by name (not for matching rows)

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
		byExternal: map[string]string{}, byPhone: map[string]string{}, byRow: map[string]string{}, byName: map[string][]string{},
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

// finish files the people an import made before row keys were kept under
// the key their row would have now, once employments are in: a person of
// an import source with no identifier and no row key was made from a row
// without identifiers, by name and organisation.
func (x *index) finish() {
	for _, p := range x.people {
		if !legacyRowPerson(p) {
			continue
		}
		for _, k := range x.rowKeys(p) {
			setIfAbsent(x.byRow, k, p.ID)
		}
	}
}

func legacyRowPerson(p *graph.Person) bool {
	if p.Source == "" || p.Source == "manual" || p.Source == "demo" || len(p.Emails) > 0 || len(p.Phones) > 0 ||
		p.LinkedInURL != "" || p.ExternalID != "" {
		return false
	}
	for _, k := range p.MatchKeys {
		if strings.HasPrefix(k, graph.MatchRow+":") {
			return false
		}
	}
	return true
}

// rowKeys are the row keys of a person's name at each of their organisations.
func (x *index) rowKeys(p *graph.Person) []string {
	var keys []string
	if p.Company != "" {
		keys = append(keys, rowKey(p.Source, p.Name, p.Company))
	}
	for _, j := range x.jobs[p.ID] {
		if o := x.orgs[j.OrganizationID]; o != nil {
			keys = append(keys, rowKey(p.Source, p.Name, o.Name))
		}
	}
	if len(keys) == 0 {
		keys = append(keys, rowKey(p.Source, p.Name, ""))
	}
	return keys
}

// indexPerson files p under its identifiers, its match keys and its name;
// keys another person holds stay theirs.
func (x *index) indexPerson(p *graph.Person) {
	for _, e := range p.Emails {
		setIfAbsent(x.byEmail, identity.CanonicalEmail(e), p.ID)
	}
	if p.LinkedInURL != "" {
		setIfAbsent(x.byLinkedIn, graph.NormalizeLinkedInURL(p.LinkedInURL), p.ID)
	}
	if p.ExternalID != "" {
		setIfAbsent(x.byExternal, identity.UIDKey(p.ExternalID), p.ID)
	}
	for _, ph := range p.Phones {
		setIfAbsent(x.byPhone, identity.PhoneKey(ph, ""), p.ID)
	}
	for _, k := range p.MatchKeys {
		kind, v, _ := strings.Cut(k, ":")
		switch kind {
		case graph.MatchLinkedIn:
			setIfAbsent(x.byLinkedIn, v, p.ID)
		case graph.MatchUID:
			setIfAbsent(x.byExternal, identity.UIDKey(v), p.ID)
		case graph.MatchRow:
			setIfAbsent(x.byRow, k, p.ID)
		}
	}
	if k := nameKey(p.Name); k != "" && !slices.Contains(x.byName[k], p.ID) {
		x.byName[k] = append(x.byName[k], p.ID)
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

// rowKey is the Person.MatchKeys entry of an imported row that carries no
// identifier: its source, name and organisation. A re-import of the same row
// finds the person it made by it; a person from another source, or one a
// user made, is never found by it (a name and an organisation make a
// candidate for a person to confirm, not a match).
func rowKey(source, name, org string) string {
	return graph.MatchKey(graph.MatchRow, source+":"+nameKey(name)+"|"+orgKey(org))
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
