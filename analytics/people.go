package analytics

import (
	"math/bits"
	"slices"
	"strings"
)

// PersonQuery selects people for IntroPathsToMatches. Text matches any of
// name, title, location, tags, skills, needs and current organisations as a
// case-insensitive substring; Title and Location match as substrings, Tag and
// Skill whole entries, Org an organisation id of a current job. All set
// fields must match.
type PersonQuery struct {
	Text     string `json:"text,omitempty"`
	Title    string `json:"title,omitempty"`
	Tag      string `json:"tag,omitempty"`
	Skill    string `json:"skill,omitempty"`
	Location string `json:"location,omitempty"`
	Org      string `json:"org,omitempty"`
}

// Match returns the people matching q, in index order. An empty query
// matches nobody.
//
// Each condition is tested once per distinct value of its fields (a network
// repeats titles, places, skills and employers many times), and the people
// who hold the values that pass come from an inverted index.
func (net *Network) Match(q PersonQuery) []int32 {
	if q == (PersonQuery{}) {
		return nil
	}
	ix := net.peopleIndex()
	lc := strings.ToLower
	text, title, loc := lc(strings.TrimSpace(q.Text)), lc(q.Title), lc(q.Location)
	tag, skill := strings.TrimSpace(q.Tag), strings.TrimSpace(q.Skill)
	contains := func(sub string) func(_, lower string) bool {
		return func(_, lower string) bool { return strings.Contains(lower, sub) }
	}
	equalFold := func(v string) func(raw, _ string) bool {
		return func(raw, _ string) bool { return strings.EqualFold(strings.TrimSpace(raw), v) }
	}
	words := (net.Len() + 63) / 64
	var set []uint64 // a bit per person meeting every condition so far; nil: no condition yet
	and := func(ok func(raw, lower string) bool, fields ...field) {
		held := make([]uint64, words)
		for _, f := range fields {
			vi := &ix.fields[f]
			for v := range vi.vals {
				if ok(vi.vals[v], vi.lower[v]) {
					for _, i := range vi.people[vi.off[v]:vi.off[v+1]] {
						held[i/64] |= 1 << (i % 64)
					}
				}
			}
		}
		if set == nil {
			set = held
			return
		}
		for w := range set {
			set[w] &= held[w]
		}
	}
	if title != "" {
		and(contains(title), fieldTitle)
	}
	if loc != "" {
		and(contains(loc), fieldLocation)
	}
	if q.Tag != "" {
		and(equalFold(tag), fieldTags)
	}
	if q.Skill != "" {
		and(equalFold(skill), fieldSkills)
	}
	if text != "" {
		and(contains(text), allFields[:]...)
	}
	var out []int32
	if q.Org != "" {
		org := net.org(q.Org)
		if org < 0 {
			return nil
		}
		for _, i := range ix.at(org, true) {
			if set == nil || set[i/64]&(1<<(i%64)) != 0 {
				out = append(out, i)
			}
		}
		return out
	}
	if set == nil { // only blank text: everyone
		for i := range int32(net.Len()) {
			out = append(out, i)
		}
		return out
	}
	for w, b := range set {
		for ; b != 0; b &= b - 1 {
			out = append(out, int32(w*64+bits.TrailingZeros64(b)))
		}
	}
	return out
}

func worksAt(jobs []graphJob, org int32) bool {
	return slices.ContainsFunc(jobs, func(j graphJob) bool { return j.Org == org && j.End == 0 })
}

// PeopleAt returns the people with a current job at the organisation with the
// given id (any job, past ones included, unless currentOnly), in index order.
func (net *Network) PeopleAt(orgID string, currentOnly bool) []int32 {
	org := net.org(orgID)
	if org < 0 {
		return nil
	}
	if at := net.peopleIndex().at(org, currentOnly); len(at) > 0 {
		return slices.Clone(at)
	}
	return nil
}

// peopleIndex is what Match and PeopleAt look people up by, built on first
// use: for each field, its distinct values, lower-cased once, with the people
// who hold them; and the people of every organisation.
type peopleIndex struct {
	fields [numFields]valueIndex
	// The people with a current job at organisation o are
	// cur[curOff[o]:curOff[o+1]], with any job all[allOff[o]:allOff[o+1]].
	curOff, cur []int32
	allOff, all []int32
}

// field is a searchable field of a person; fieldOrgs holds the names of
// their current organisations.
type field int

const (
	fieldName field = iota
	fieldTitle
	fieldLocation
	fieldTags
	fieldSkills
	fieldNeeds
	fieldOrgs
	numFields
)

var allFields = [numFields]field{fieldName, fieldTitle, fieldLocation, fieldTags, fieldSkills, fieldNeeds, fieldOrgs}

// valueIndex is the inverted index of one field: the people who hold
// vals[v] are people[off[v]:off[v+1]], in index order.
type valueIndex struct {
	vals   []string
	lower  []string // strings.ToLower of each
	off    []int32
	people []int32
}

func (net *Network) peopleIndex() *peopleIndex {
	if ix := net.people.Load(); ix != nil {
		return ix
	}
	net.peopleOnce.Do(func() { net.people.Store(newPeopleIndex(net)) })
	return net.people.Load()
}

// posting says that a person holds a key (a field value, an organisation).
type posting struct{ key, person int32 }

func newPeopleIndex(net *Network) *peopleIndex {
	s := net.snap
	ix := &peopleIndex{}
	var held [numFields][]posting
	var seen [numFields]map[string]int32
	add := func(f field, raw string, i int32) {
		vi := &ix.fields[f]
		if seen[f] == nil {
			seen[f] = map[string]int32{}
		}
		v, ok := seen[f][raw]
		if !ok {
			v = int32(len(vi.vals))
			seen[f][raw] = v
			vi.vals = append(vi.vals, raw)
			vi.lower = append(vi.lower, strings.ToLower(raw))
		}
		held[f] = append(held[f], posting{v, i})
	}
	norg := int32(len(s.Organizations))
	var cur, all []posting
	for i := range int32(len(s.People)) {
		p := &s.People[i]
		add(fieldName, p.Name, i)
		add(fieldTitle, p.Title, i)
		add(fieldLocation, p.Location, i)
		for _, v := range p.Tags {
			add(fieldTags, v, i)
		}
		for _, v := range p.Skills {
			add(fieldSkills, v, i)
		}
		for _, v := range p.Needs {
			add(fieldNeeds, v, i)
		}
		for _, j := range p.Jobs {
			if j.Org < 0 || j.Org >= norg {
				continue
			}
			all = append(all, posting{j.Org, i})
			if j.End == 0 {
				cur = append(cur, posting{j.Org, i})
				add(fieldOrgs, s.Organizations[j.Org].Name, i)
			}
		}
	}
	for f := range ix.fields {
		vi := &ix.fields[f]
		vi.off, vi.people = group(held[f], len(vi.vals))
	}
	ix.curOff, ix.cur = group(cur, int(norg))
	ix.allOff, ix.all = group(all, int(norg))
	return ix
}

// group sorts postings, which come in person order, by key (a counting sort)
// and keeps each person once per key: the people of key k are
// people[off[k]:off[k+1]], in order.
func group(ps []posting, keys int) (off, people []int32) {
	off = make([]int32, keys+1)
	for _, p := range ps {
		off[p.key+1]++
	}
	for k := range keys {
		off[k+1] += off[k]
	}
	people = make([]int32, len(ps))
	end := slices.Clone(off[:keys])
	for _, p := range ps {
		if e := end[p.key]; e == off[p.key] || people[e-1] != p.person {
			people[e] = p.person
			end[p.key]++
		}
	}
	n := int32(0) // close the gaps that repeated postings left
	for k := range keys {
		start := off[k]
		off[k] = n
		n += int32(copy(people[n:], people[start:end[k]]))
	}
	off[keys] = n
	return off, slices.Clip(people[:n])
}

// at returns the people of organisation org (an index), current ones only or
// all; the slice must not be modified.
func (ix *peopleIndex) at(org int32, currentOnly bool) []int32 {
	if currentOnly {
		return ix.cur[ix.curOff[org]:ix.curOff[org+1]]
	}
	return ix.all[ix.allOff[org]:ix.allOff[org+1]]
}
