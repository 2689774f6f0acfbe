package analytics

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// What a circle's name says its members share, in Circle.Basis.
const (
	BasisOrganization = "organization" // their current organisation: "Acme"
	BasisFormerOrg    = "former"       // an organisation they have left: "ex-Initech"
	BasisTag          = "tag"          // a tag: "investor"
	BasisSkills       = "skills"       // one or two skills: "python / machine learning"
	BasisLocation     = "location"     // where they are: "Madrid"
	BasisPerson       = "person"       // nothing shared: named for its best-connected member
)

// circleTrait is one thing members of a circle may share.
type circleTrait struct {
	basis string
	key   string // lower case, for counting
	text  string // as first spelled
	count int    // members who have it
}

// traitWeight ranks kinds of traits for a name: what people call a group of
// contacts is first where they work, then a tag the member chose, then what
// they do, then where they are.
var traitWeight = map[string]float64{
	BasisOrganization: 1,
	BasisTag:          0.95,
	BasisSkills:       0.85,
	BasisFormerOrg:    0.75,
	BasisLocation:     0.7,
}

// minTraitShare is the least share of a circle's members that must have a
// trait for it to name the circle.
const minTraitShare = 0.3

// circleNames names every circle of a partition (members listed by circle)
// by what most of its members share: their organisation, a tag, their
// skills, a former organisation or their location, weighted in that order,
// shared by at least two members and minTraitShare of them. A circle whose
// members share nothing is named for the two traits most shared ("Acme &
// Globex", see pairTrait), else for its best-connected member ("Ana
// García's circle"). Names are unique within the partition: a circle whose
// name a larger circle already has is qualified by its next trait of
// another kind ("Acme · Berlin"), else numbered ("Acme 2").
func (net *Network) circleNames(groups [][]int32) (names, bases []string) {
	names = make([]string, len(groups))
	bases = make([]string, len(groups))
	traits := make([][]circleTrait, len(groups))
	for c, members := range groups {
		traits[c] = net.circleTraits(members)
		if len(traits[c]) > 0 {
			names[c], bases[c] = traits[c][0].text, traits[c][0].basis
		} else {
			names[c], bases[c] = net.personCircleName(members), BasisPerson
		}
	}
	// Circles come largest first, so the largest keeps the plain name.
	taken := make(map[string]int, len(groups))
	for c := range groups {
		key := strings.ToLower(names[c])
		if _, dup := taken[key]; !dup {
			taken[key] = 1
			continue
		}
		qualified := ""
		for _, t := range traits[c][min(1, len(traits[c])):] {
			if t.basis == bases[c] || strings.EqualFold(t.text, names[c]) {
				continue
			}
			if q := names[c] + " · " + t.text; taken[strings.ToLower(q)] == 0 {
				qualified = q
				break
			}
		}
		for n := taken[key] + 1; qualified == ""; n++ {
			if q := fmt.Sprintf("%s %d", names[c], n); taken[strings.ToLower(q)] == 0 {
				qualified = q
				taken[key] = n
			}
		}
		names[c] = qualified
		taken[strings.ToLower(qualified)] = 1
	}
	return names, bases
}

// circleTraits returns the traits shared by at least two members and
// minTraitShare of them, best first (weight × share, then text). Two skills
// shared alike make one trait, "python / machine learning".
func (net *Network) circleTraits(members []int32) []circleTrait {
	if len(members) < 2 {
		return nil
	}
	type key struct{ basis, text string }
	idx := map[key]int{}
	var all []circleTrait
	seen := map[key]bool{} // per member: count a trait once
	add := func(basis, v string) {
		v = strings.Join(strings.Fields(v), " ")
		if v == "" {
			return
		}
		k := key{basis, strings.ToLower(v)}
		if seen[k] {
			return
		}
		seen[k] = true
		i, ok := idx[k]
		if !ok {
			i = len(all)
			idx[k] = i
			all = append(all, circleTrait{basis: basis, key: k.text, text: v})
		}
		all[i].count++
	}
	orgs := net.snap.Organizations
	for _, m := range members {
		clear(seen)
		p := &net.snap.People[m]
		for _, j := range p.Jobs {
			if j.Org < 0 || int(j.Org) >= len(orgs) {
				continue
			}
			if j.End == 0 {
				add(BasisOrganization, orgs[j.Org].Name)
			} else {
				add(BasisFormerOrg, orgs[j.Org].Name)
			}
		}
		for _, t := range p.Tags {
			add(BasisTag, t)
		}
		for _, s := range p.Skills {
			add(BasisSkills, s)
		}
		add(BasisLocation, p.Location)
	}
	need := max(2, int(minTraitShare*float64(len(members))+0.999))
	pair := pairTrait(all, len(members))
	all = slices.DeleteFunc(all, func(t circleTrait) bool { return t.count < need })
	if len(all) == 0 && pair != nil {
		all = append(all, *pair)
	}
	// A former organisation that is also the current one of some members
	// says nothing more.
	current := map[string]bool{}
	for _, t := range all {
		if t.basis == BasisOrganization {
			current[t.key] = true
		}
	}
	all = slices.DeleteFunc(all, func(t circleTrait) bool { return t.basis == BasisFormerOrg && current[t.key] })
	for i := range all {
		if all[i].basis == BasisFormerOrg {
			all[i].text = "ex-" + all[i].text
		}
	}
	score := func(t circleTrait) float64 { return traitWeight[t.basis] * float64(t.count) }
	slices.SortFunc(all, func(a, b circleTrait) int {
		return cmp.Or(cmp.Compare(score(b), score(a)), cmp.Compare(a.basis, b.basis), cmp.Compare(a.key, b.key))
	})
	// The two most shared skills name the circle together.
	first := slices.IndexFunc(all, func(t circleTrait) bool { return t.basis == BasisSkills })
	if first >= 0 {
		for k := first + 1; k < len(all); k++ {
			if all[k].basis == BasisSkills {
				if 3*all[k].count >= 2*all[first].count {
					all[first].text += " / " + all[k].text
					all = slices.Delete(all, k, k+1)
				}
				break
			}
		}
	}
	return all
}

// personCircleName names a circle whose members share nothing by its
// best-connected member: the one with most ties inside it, then the
// lowest index.
func (net *Network) personCircleName(members []int32) string {
	if len(members) == 1 {
		return net.Name(members[0])
	}
	in := make(map[int32]bool, len(members))
	for _, m := range members {
		in[m] = true
	}
	best, bestDeg := members[0], -1
	for _, m := range members {
		d := 0
		for _, q := range net.Neighbors(m) {
			if in[q] {
				d++
			}
		}
		if d > bestDeg || d == bestDeg && m < best {
			best, bestDeg = m, d
		}
	}
	return net.Name(best) + "'s circle"
}

// pairTrait names a circle no single trait names, such as the several
// organisations a large circle of a large network spans: the two most
// shared traits of one kind, "Acme & Globex", each shared by a tenth of the
// members, the pair whose kind's weight times the members sharing them is
// highest and at least a fifth of the circle; nil when there is none.
func pairTrait(all []circleTrait, size int) *circleTrait {
	least := max(2, size/10)
	var best *circleTrait
	bestScore := 0.2 * float64(size)
	for _, basis := range []string{BasisOrganization, BasisTag, BasisSkills, BasisLocation} {
		var top [2]*circleTrait
		for i := range all {
			t := &all[i]
			if t.basis != basis || t.count < least {
				continue
			}
			switch {
			case top[0] == nil || t.count > top[0].count || t.count == top[0].count && t.key < top[0].key:
				top[0], top[1] = t, top[0]
			case top[1] == nil || t.count > top[1].count || t.count == top[1].count && t.key < top[1].key:
				top[1] = t
			}
		}
		if top[1] == nil {
			continue
		}
		if score := traitWeight[basis] * float64(top[0].count+top[1].count); score > bestScore {
			bestScore = score
			best = &circleTrait{basis: basis, key: top[0].key + " & " + top[1].key, text: top[0].text + " & " + top[1].text,
				count: top[0].count + top[1].count}
		}
	}
	return best
}
