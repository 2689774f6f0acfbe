package identity

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Weights of the evidence, in log-odds. They were set on the labelled
// variants of variants_test.go (see README: precision and recall) and
// checked against the 100k demo, which has no duplicates at all.
const (
	wNameExact     = 4.0  // the same words
	wNameSubset    = 3.5  // one name has a word more ("Ana García López")
	wNameNickname  = 3.0  // Pepe and José
	wNameInitial   = 2.5  // J. and José
	wNameTypo      = 2.5  // García and Gracia
	wNameOneWord   = 1.5  // "Ana" and "Ana García"
	wNameConflict  = -3.0 // words that disagree
	wCommonName    = -1.0 // a very common given name and surname
	wEmailName     = 3.0  // ana.garcia@ and Ana García
	wEmailInitial  = 2.5  // agarcia@ and Ana García
	wEmailGiven    = 1.0  // ana@ and Ana García
	wSameOrg       = 2.0
	wOtherOrgs     = -0.5 // both have current organisations, none shared: maybe a move
	wOtherDomains  = -1.0 // work emails at different companies only
	wMailboxes     = -4.0 // two mailboxes of one company that are not one name's
	wPersonal      = -1.5 // two addresses at one free mail provider
	wAliases       = -1.0 // two mailboxes of one company that both spell the name: aliases, or namesakes
	wLinkedIn      = -10.0
	wUIDs          = -0.5 // UIDs differ between sources anyway
	wPhones        = -1.0
	wTied          = -1.5 // they know each other
	wSharedContact = 1.0  // per contact both know, up to wSharedMax
	wSharedMax     = 3.0
)

// rarity is the weight of how many people of the workspace carry the name.
func rarity(n int) float64 {
	switch {
	case n <= 2:
		return 1.5
	case n <= 5:
		return 0.5
	case n <= 20:
		return 0
	}
	return -1
}

// scorer collects evidence; with detail off it only sums.
type scorer struct {
	detail bool
	sum    float64
	ev     []Evidence
}

func (s *scorer) add(kind string, w float64, format string, args ...any) {
	s.sum += w
	if s.detail {
		s.ev = append(s.ev, Evidence{Kind: kind, Detail: fmt.Sprintf(format, args...), Weight: w})
	}
}

// score weighs the evidence on people i and j. ok says the pair is
// proposed; the evidence is filled in when detail is set.
func (f *finder) score(i, j int32, detail bool) (Pair, bool) {
	a, b := &f.recs[i], &f.recs[j]
	if a.member || b.member || a.id == b.id {
		return Pair{}, false
	}
	k := [2]string{min(a.id, b.id), max(a.id, b.id)}
	if f.in.Dismissed[k] {
		return Pair{}, false
	}
	s := scorer{detail: detail, sum: prior}
	exact := false
	conflict := false

	for _, e := range a.emails {
		if slices.Contains(b.emails, e) {
			exact = true
			s.add(EvEmail, 0, "both have %s", e)
		}
	}
	for _, u := range a.linkedIn {
		if slices.Contains(b.linkedIn, u) {
			exact = true
			s.add(EvLinkedIn, 0, "the same LinkedIn profile %s", u)
		}
	}
	for _, u := range a.uids {
		if slices.Contains(b.uids, u) {
			exact = true
			s.add(EvUID, 0, "the same vCard UID %s", u)
		}
	}
	sharedPhone := ""
	for _, ph := range a.phones {
		if slices.Contains(b.phones, ph) {
			sharedPhone = ph
		}
	}

	rel, w, how := compareNames(a, b, detail)
	if (rel == nameConflict || rel == nameUnknown) && !exact && sharedPhone == "" {
		return Pair{}, false
	}
	switch {
	case rel == nameConflict:
		conflict = true
		s.add(EvConflict, w, "the names disagree (%s)", how)
	case rel != nameUnknown:
		s.add(EvName, w, "%s", how)
		if rel == nameExact || rel == nameSubset {
			if commonName(a.tokens) && commonName(b.tokens) {
				s.add(EvNameRarity, wCommonName, "a very common name")
			}
		}
		n := max(f.nameCount[a.nameKey], f.nameCount[b.nameKey])
		if r := rarity(n); r != 0 {
			s.add(EvNameRarity, r, "%d %s of the workspace %s this name", n, plural(n, "person", "people"), plural(n, "has", "have"))
		}
	}
	if sharedPhone != "" {
		if rel == nameConflict {
			s.add(EvPhone, 2, "both have %s (a shared line?)", sharedPhone)
		} else {
			exact = true
			s.add(EvPhone, 0, "both have %s", sharedPhone)
		}
	}

	f.organisationEvidence(&s, a, b)
	if diffAll(a.linkedIn, b.linkedIn) {
		conflict = true
		s.add(EvConflict, wLinkedIn, "different LinkedIn profiles (%s, %s)", a.linkedIn[0], b.linkedIn[0])
	}
	if diffAll(a.uids, b.uids) {
		s.add(EvConflict, wUIDs, "different vCard UIDs")
	}
	if sharedPhone == "" && diffAll(a.e164, b.e164) {
		s.add(EvConflict, wPhones, "different phone numbers")
	}
	if _, found := slices.BinarySearch(f.adj[i], j); found {
		s.add(EvConflict, wTied, "they know each other")
	}
	if n := commonNeighbours(f.adj[i], f.adj[j]); n > 0 {
		s.add(EvSharedContacts, min(wSharedMax, wSharedContact*float64(n)), "%d %s both know", n, plural(n, "contact", "contacts"))
	}

	p := Pair{A: k[0], B: k[1], Exact: exact, Evidence: s.ev}
	if exact {
		p.Score = 1
		p.AutoMerge = !conflict
	} else {
		p.Score = 1 / (1 + math.Exp(-s.sum))
	}
	return p, exact || (p.Score >= f.in.MinScore && !f.in.ExactOnly)
}

// organisationEvidence weighs shared organisations and email domains.
func (f *finder) organisationEvidence(s *scorer, a, b *rec) {
	for _, o := range a.orgs {
		if _, ok := slices.BinarySearch(b.orgs, o); ok {
			s.add(EvOrganization, wSameOrg, "both at %s", f.orgNames[o])
			f.mailboxEvidence(s, a, b)
			return
		}
	}
	da, db := a.work, b.work
	for _, d := range da {
		if slices.Contains(db, d) {
			s.add(EvOrganization, wSameOrg, "both have @%s email", d)
			f.mailboxEvidence(s, a, b)
			return
		}
	}
	for _, pair := range [2][2]*rec{{a, b}, {b, a}} {
		for _, d := range pair[0].work {
			for _, o := range pair[1].orgs {
				if f.orgDomain[o] == d {
					s.add(EvOrganization, wSameOrg, "@%s email and a position at %s", d, f.orgNames[o])
					return
				}
			}
		}
	}
	if personalConflict(a.emails, b.emails) {
		s.add(EvConflict, wPersonal, "different personal addresses")
	}
	if len(a.current) > 0 && len(b.current) > 0 {
		s.add(EvConflict, wOtherOrgs, "at different organisations now")
	} else if len(da) > 0 && len(db) > 0 {
		s.add(EvConflict, wOtherDomains, "work emails at different companies")
	}
}

// mailboxEvidence weighs two people of one company who share no email:
// mailboxes that spell one name (ana@, agarcia@, ana.garcia@) may be
// aliases of one person; mailboxes that are not (maria.garcia2@ beside
// maria.garcia@, or another name's) are two people.
func (f *finder) mailboxEvidence(s *scorer, a, b *rec) {
	for _, ea := range a.emails {
		for _, eb := range b.emails {
			if ea == eb {
				return
			}
		}
	}
	for _, ea := range a.emails {
		la, da, _ := strings.Cut(ea, "@")
		if FreeMail(da) {
			continue
		}
		for _, eb := range b.emails {
			lb, db, _ := strings.Cut(eb, "@")
			if db != da {
				continue
			}
			spells := func(l string) bool { return spellsName(compact(l), a) || spellsName(compact(l), b) }
			if digits(la) != digits(lb) || !spells(la) || !spells(lb) {
				s.add(EvConflict, wMailboxes, "different mailboxes at %s (%s, %s)", da, la, lb)
				return
			}
			s.add(EvConflict, wAliases, "two mailboxes at %s (%s, %s)", da, la, lb)
			return
		}
	}
}

func digits(s string) string { return keepRange(s, '0', '9') }

// spellsName reports whether an email's local part (letters only) is one
// of the forms addresses take of a person's name (addressForms), or the one
// word of a one-word name.
func spellsName(local string, r *rec) bool {
	if local == "" {
		return false
	}
	if r.given == "" {
		return len(r.tokens) == 1 && slices.Contains(withFullNames(r.tokens[0]), local)
	}
	return slices.Contains(addressForms(r), local)
}

// addressWeight weighs an email's local part as the name of r: the given
// name and surname together say much, an initial with the surname less, a
// given name alone (every Ana at a company) little.
func addressWeight(local string, r *rec) float64 {
	if r.given == "" {
		if len(r.tokens) == 1 && slices.Contains(withFullNames(r.tokens[0]), local) {
			return wEmailGiven
		}
		return 0
	}
	s := r.surname
	for _, g := range withFullNames(r.given) {
		switch local {
		case g + s, s + g:
			return wEmailName
		case g[:1] + s, g + s[:1]:
			return wEmailInitial
		case g, s:
			return wEmailGiven
		}
	}
	return 0
}

// personalConflict reports whether both have addresses at one free mail
// provider and share none: few people keep two.
func personalConflict(a, b []string) bool {
	for _, ea := range a {
		_, da, _ := strings.Cut(ea, "@")
		if !FreeMail(da) {
			continue
		}
		for _, eb := range b {
			if _, db, _ := strings.Cut(eb, "@"); db == da && eb != ea {
				return !slices.Contains(b, ea)
			}
		}
	}
	return false
}

func workDomains(emails []string) []string {
	var out []string
	for _, e := range emails {
		if _, d, ok := strings.Cut(e, "@"); ok && !FreeMail(d) && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

func e164(phones []string) []string {
	var out []string
	for _, p := range phones {
		if strings.HasPrefix(p, "+") {
			out = append(out, p)
		}
	}
	return out
}

// diffAll reports whether both lists are non-empty and share nothing.
func diffAll(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	for _, x := range a {
		if slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func commonNeighbours(a, b []int32) int {
	n := 0
	eachCommon(a, b, func(int32) bool { n++; return true })
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Name relations, from the strongest agreement down.
type nameRel int

const (
	nameUnknown nameRel = iota // one name has no words
	nameExact
	nameSubset
	nameNickname
	nameInitial
	nameTypo
	nameOneWord
	nameConflict
)

// compareNames relates two names: every word of the shorter must agree
// with a different word of the longer, in any order (the same word, a
// nickname, an initial, one typo); the weakest agreement used names the
// relation. A name made from an email address is compared by its local
// part too.
func compareNames(a, b *rec, detail bool) (nameRel, float64, string) {
	rel, w, how := relateNames(a, b)
	if !detail || how.format == "" {
		return rel, w, ""
	}
	return rel, w, fmt.Sprintf(how.format, how.x, how.y)
}

// nameHow describes a name relation: a format and its two names, formatted
// only when shown (millions of pairs are compared, a few shown).
type nameHow struct{ format, x, y string }

func lazy(format, x, y string) nameHow { return nameHow{format, x, y} }

func relateNames(a, b *rec) (nameRel, float64, nameHow) {
	ta, tb := a.tokens, b.tokens
	if len(ta) == 0 || len(tb) == 0 {
		return nameUnknown, 0, nameHow{}
	}
	for _, x := range [2][2]*rec{{a, b}, {b, a}} {
		if x[0].fromEmail == "" || x[1].fromEmail != "" {
			continue
		}
		if w := addressWeight(x[0].fromEmail, x[1]); w > 0 {
			return nameSubset, w, lazy("%s spells %s", x[0].name, x[1].name)
		}
	}
	if a.nameKey == b.nameKey {
		if len(ta) == 1 {
			return nameOneWord, wNameOneWord, lazy("the same name (%s%s)", b.name, "")
		}
		if slices.ContainsFunc(ta, func(t string) bool { return len(t) == 1 }) {
			return nameInitial, wNameInitial, lazy("the same initials and name (%s, %s)", a.name, b.name)
		}
		if slices.Equal(ta, tb) {
			return nameExact, wNameExact, lazy("the same name (%s, %s)", a.name, b.name)
		}
		return nameExact, wNameExact, lazy("the same name in another order (%s, %s)", a.name, b.name)
	}
	short, long := ta, tb
	if len(short) > len(long) {
		short, long = long, short
	}
	used := make([]bool, len(long))
	worst := nameExact
	whole := false
	for _, x := range short {
		best, at := nameConflict, -1
		for j, y := range long {
			if used[j] {
				continue
			}
			var r nameRel
			switch {
			case x == y:
				r = nameExact
			case len(x) == 1 || len(y) == 1:
				if x[0] != y[0] {
					continue
				}
				r = nameInitial
			case SameGivenName(x, y):
				r = nameNickname
			case oneEdit(x, y):
				r = nameTypo
			default:
				continue
			}
			if r < best {
				best, at = r, j
			}
		}
		if at < 0 {
			return nameConflict, wNameConflict, lazy("%s, %s", a.name, b.name)
		}
		used[at] = true
		worst = max(worst, best)
		whole = whole || best != nameInitial
	}
	if !whole {
		return nameUnknown, 0, nameHow{}
	}
	if len(short) == 1 {
		return nameOneWord, wNameOneWord, lazy("one name is part of the other (%s, %s)", a.name, b.name)
	}
	switch {
	case worst == nameExact && a.surname != "" && b.surname != "" && a.surname != b.surname:
		// "Francisco Hughes" and "Francisco Marcos Hughes": the first
		// surname of one is the second of the other.
		return nameOneWord, wNameOneWord, lazy("the surnames are in other places (%s, %s)", a.name, b.name)
	case worst == nameExact:
		return nameSubset, wNameSubset, lazy("one name has more words (%s, %s)", a.name, b.name)
	case worst == nameNickname:
		return nameNickname, wNameNickname, lazy("a nickname (%s, %s)", a.name, b.name)
	case worst == nameInitial:
		return nameInitial, wNameInitial, lazy("an initial (%s, %s)", a.name, b.name)
	}
	return nameTypo, wNameTypo, lazy("nearly the same name (%s, %s)", a.name, b.name)
}

// oneEdit reports whether two words of five letters or more are one edit
// apart: a letter changed, added, dropped, or two neighbours swapped.
func oneEdit(a, b string) bool {
	if len(a) < 5 || len(b) < 5 || a == b {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		diff := -1
		for i := range len(a) {
			if a[i] != b[i] {
				if diff >= 0 {
					// two differences: only a swap of neighbours counts
					return i == diff+1 && a[diff] == b[i] && a[i] == b[diff] && a[i+1:] == b[i+1:]
				}
				diff = i
			}
		}
		return true
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return a[i:] == b[i+1:]
	}
	return false
}

// commonGiven and commonSurnames are very frequent Spanish and English
// names: two people who share one are weak evidence of being one.
var (
	commonGiven = setOf("maria jose juan ana antonio manuel francisco david carmen laura javier carlos " +
		"luis miguel pedro elena lucia isabel john james michael david robert william mary sarah emma")
	commonSurnames = setOf("garcia rodriguez gonzalez fernandez lopez martinez sanchez perez gomez martin " +
		"jimenez ruiz hernandez diaz moreno alvarez romero alonso gutierrez navarro torres dominguez " +
		"smith johnson williams brown jones miller davis wilson taylor silva santos")
)

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// commonName reports whether a name has both a very common given name and
// a very common surname.
func commonName(t []string) bool {
	given, sur := false, false
	for _, w := range t {
		given = given || commonGiven[w]
		sur = sur || commonSurnames[w]
	}
	return given && sur
}

// withFullNames is a name word and the given names it is a familiar form
// of: "lola" → lola, dolores. An address is made of the full name.
func withFullNames(w string) []string {
	out := []string{w}
	for _, f := range nameForms[w] {
		if f != w {
			out = append(out, f)
		}
	}
	return out
}
