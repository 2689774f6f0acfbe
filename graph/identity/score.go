package identity

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Weights of the evidence, in log-odds (Fellegi and Sunter 1969: each is
// the log of how much likelier the evidence is for one person's two
// records than for two people's). The name's weight comes with how many
// people of the workspace have the name (rarity): "Ana García" says little
// where three people have it. They were set by reasoning on those ratios,
// then checked on the labelled variants of variants_test.go (see README:
// precision and recall), on seeds the test does not use, and against the
// 100k demo, which has namesakes and no duplicates at all.
const (
	prior          = -3.0 // two records that share a blocking key, before any evidence
	wNameExact     = 3.0  // the same words, or one has a word more ("Ana García López")
	wNameReorder   = 2.5  // the same words in another order, without a comma to say so
	wNameNickname  = 2.5  // Pepe and José
	wNameInitial   = 3.0  // J. and José: the count of J. Garcías says how weak
	wNameTypo      = 2.0  // García and Garcai, one of them seen once
	wNameCrossed   = 0.0  // the first surname of one is the second of the other
	wNameOneWord   = 1.5  // "Ana" and "Ana García", or ana@ and Ana García
	wNameConflict  = -3.0 // words that disagree
	wUnknownCount  = -3.0 // rarity when no name key is shared (a phone met them)
	wCommonName    = -0.5 // a very common given name and surname, however rare here
	wSameOrg       = 2.0
	wOtherOrgs     = -2.3 // both have organisations or work addresses, none shared: two people, or one in ten a move
	wMailboxes     = -4.0 // two mailboxes of one company that are not one name's
	wPersonal      = -1.5 // two addresses at one free mail provider
	wAliases       = -2.5 // two mailboxes of one company that both spell the name: aliases, or namesakes
	wLinkedIn      = -10.0
	wOneSource     = -3.0 // one source lists them apart: an import matches a person's rows to one record
	wUIDs          = -0.5 // UIDs differ between sources anyway
	wPhones        = -1.0
	wTied          = -1.5 // they know each other
	wSharedContact = 1.0  // per contact both know, up to wSharedMax
	wSharedMax     = 3.0
)

// people is how many people at least have a name key: as many as its
// records that cannot be one person (see distinct).
func (f *finder) people(c keyCount) int { return max(1, int(c.people)) }

// rarity weighs how many people of the workspace have the name a pair
// shares: the other record is one of them. Even one is not certain: a
// namesake may have no record yet, less likely at one organisation.
//
//	rarity(n) = logit(min(most, 1/n))
func rarity(n int, most float64) float64 {
	if n < 1 {
		return wUnknownCount
	}
	p := min(most, 1/float64(n))
	return math.Log(p / (1 - p))
}

// mostLikely is the most a name's rarity can say: a full name that no one
// else in the workspace has may still be a namesake's who has no record
// yet, less likely at one organisation, more likely for a given name
// alone (every Ana at a company, for ana@).
func mostLikely(rel nameRel, atOrg bool) float64 {
	switch {
	case rel == nameOneWord && atOrg:
		return 0.9
	case rel == nameOneWord:
		return 0.6
	case atOrg:
		return 0.99
	}
	return 0.95
}

// scorer collects evidence; with detail off it only sums.
type scorer struct {
	detail bool
	sum    float64
	ev     []Evidence
}

// add weighs a piece of evidence and reports whether to say what it is
// (says): only then are its words made, for the few pairs shown of the
// millions weighed.
func (s *scorer) add(kind string, w float64) bool {
	s.sum += w
	if s.detail {
		s.ev = append(s.ev, Evidence{Kind: kind, Weight: w})
	}
	return s.detail
}

// says describes the evidence add took last.
func (s *scorer) says(format string, args ...any) {
	s.ev[len(s.ev)-1].Detail = fmt.Sprintf(format, args...)
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
			if s.add(EvEmail, 0) {
				s.says("both have %s", e)
			}
		}
	}
	for _, u := range a.linkedIn {
		if slices.Contains(b.linkedIn, u) {
			exact = true
			if s.add(EvLinkedIn, 0) {
				s.says("the same LinkedIn profile %s", u)
			}
		}
	}
	for _, u := range a.uids {
		if slices.Contains(b.uids, u) {
			exact = true
			if s.add(EvUID, 0) {
				s.says("the same vCard UID %s", u)
			}
		}
	}
	sharedPhone := ""
	for _, ph := range a.phones {
		if slices.Contains(b.phones, ph) {
			sharedPhone = ph
		}
	}

	m := f.compareNames(a, b)
	if (m.rel == nameConflict || m.rel == nameUnknown) && !exact && sharedPhone == "" {
		return Pair{}, false
	}
	orgFormat, org, sameOrg := f.sameEmployer(a, b)
	if sameOrg && m.rel != nameConflict && m.rel != nameUnknown {
		// At an organisation both have, the namesakes that count are the
		// ones there: two Patrick Taylors in the workspace, one at Wonka,
		// and "P. Taylor" at Wonka is likely the one.
		if c := f.sharedCount(a, b, keyDomain); c.records >= 2 {
			m.count, m.atOrg = c, org
		}
	}
	switch {
	case m.rel == nameConflict:
		conflict = true
		if s.add(EvConflict, wNameConflict) {
			s.says("the names disagree (%s)", m.how)
		}
	case m.rel != nameUnknown:
		if s.add(EvName, m.weight) {
			s.says("%s", m.how)
		}
		if m.rel <= nameInitial && commonName(a.tokens) && commonName(b.tokens) {
			if s.add(EvNameRarity, wCommonName) {
				s.says("a very common name")
			}
		}
		n := f.people(m.count)
		if n > 1 && (a.source != b.source || a.source < 0) && len(a.employers) > 0 && len(b.employers) > 0 && !anyCommon(a.employers, b.employers) {
			// The pair's own two employers made one of the people the
			// count found; they are weighed below, once.
			n--
		}
		switch {
		case m.count.records < 2:
			if s.add(EvNameRarity, wUnknownCount) {
				s.says("no name key in common")
			}
		case m.atOrg != "":
			if s.add(EvNameRarity, rarity(n, mostLikely(m.rel, true))) {
				s.says("%d %s at %s %s this name (%d records)", n, plural(n, "person", "people at least"), org, plural(n, "has", "have"), m.count.records)
			}
		default:
			if s.add(EvNameRarity, rarity(n, mostLikely(m.rel, false))) {
				s.says("%d %s of the workspace %s this name (%d records)", n, plural(n, "person", "people at least"), plural(n, "has", "have"), m.count.records)
			}
		}
	}
	if sharedPhone != "" {
		if m.rel == nameConflict {
			if s.add(EvPhone, 2) {
				s.says("both have %s (a shared line?)", sharedPhone)
			}
		} else {
			exact = true
			if s.add(EvPhone, 0) {
				s.says("both have %s", sharedPhone)
			}
		}
	}

	switch {
	case sameOrg && m.atOrg == "":
		if s.add(EvOrganization, wSameOrg) {
			s.says(orgFormat, org)
		}
		f.mailboxEvidence(&s, a, b)
	case sameOrg:
		f.mailboxEvidence(&s, a, b)
	default:
		f.otherOrganisations(&s, a, b)
	}
	if diffAll(a.linkedIn, b.linkedIn) {
		conflict = true
		if s.add(EvConflict, wLinkedIn) {
			s.says("different LinkedIn profiles (%s, %s)", a.linkedIn[0], b.linkedIn[0])
		}
	}
	if a.source == b.source && a.source >= 0 {
		if s.add(EvConflict, wOneSource) {
			s.says("both from one source (%s), which lists them as two people", f.sources[a.source])
		}
	}
	if diffAll(a.uids, b.uids) {
		if s.add(EvConflict, wUIDs) {
			s.says("different vCard UIDs")
		}
	}
	if sharedPhone == "" && diffAll(a.e164, b.e164) {
		if s.add(EvConflict, wPhones) {
			s.says("different phone numbers")
		}
	}
	if _, found := slices.BinarySearch(f.adj[i], j); found {
		if s.add(EvConflict, wTied) {
			s.says("they know each other")
		}
	}
	if n := commonNeighbours(f.adj[i], f.adj[j]); n > 0 {
		if s.add(EvSharedContacts, min(wSharedMax, wSharedContact*float64(n))) {
			s.says("%d %s both know", n, plural(n, "contact", "contacts"))
		}
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

// otherOrganisations weighs what two records that share no organisation
// show: different personal addresses, different employers.
func (f *finder) otherOrganisations(s *scorer, a, b *rec) {
	if personalConflict(a.emails, b.emails) {
		if s.add(EvConflict, wPersonal) {
			s.says("different personal addresses")
		}
	}
	if len(a.employers) > 0 && len(b.employers) > 0 {
		if s.add(EvConflict, wOtherOrgs) {
			s.says("at different organisations (a move?)")
		}
	}
}

// sameEmployer finds an organisation both records have: a position at it
// (or at one of the same name: "Acme", "ACME Inc."), or a work address at
// its domain, or one named after the domain ("Umbrella", umbrella.com).
func (f *finder) sameEmployer(a, b *rec) (format, name string, ok bool) {
	for _, o := range a.orgs {
		if _, ok := slices.BinarySearch(b.orgs, o); ok {
			return "both at %s", f.orgNames[o], true
		}
	}
	for _, d := range a.work {
		if slices.Contains(b.work, d) {
			return "both have @%s email", d, true
		}
	}
	for _, k := range a.employers {
		if _, ok := slices.BinarySearch(b.employers, k); ok {
			return "both at %s (a position or a work address)", k, true
		}
	}
	return "", "", false
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
				if s.add(EvConflict, wMailboxes) {
					s.says("different mailboxes at %s (%s, %s)", da, la, lb)
				}
				return
			}
			if s.add(EvConflict, wAliases) {
				s.says("two mailboxes at %s (%s, %s)", da, la, lb)
			}
			return
		}
	}
}

func digits(s string) string { return keepRange(s, '0', '9') }

// spellsName reports whether an email's local part (letters only) is one
// of the forms addresses take of a person's name (addressForms), or, for a
// person named by an address, that address's.
func spellsName(local string, r *rec) bool {
	if local == "" {
		return false
	}
	if r.fromEmail != "" {
		return local == r.fromEmail
	}
	return slices.ContainsFunc(addressForms(r), func(f addressForm) bool { return f.local == local })
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
	eachShared(a, b, func(int, int32) bool { n++; return true })
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
	nameExact                  // the same words, or one has a word more
	nameReordered
	nameNickname
	nameInitial
	nameTypo
	nameCrossed
	nameOneWord
	nameConflict
)

// nameWeight is the log-odds of each relation, before the name's rarity.
var nameWeight = [...]float64{nameExact: wNameExact, nameReordered: wNameReorder, nameNickname: wNameNickname,
	nameInitial: wNameInitial, nameTypo: wNameTypo, nameCrossed: wNameCrossed, nameOneWord: wNameOneWord,
	nameConflict: wNameConflict}

// relFormat describes a relation of two names, (x, y).
var relFormat = [...]string{nameReordered: "the same words in another order (%s, %s)", nameNickname: "a nickname (%s, %s)",
	nameInitial: "an initial (%s, %s)", nameTypo: "nearly the same name (%s, %s)",
	nameCrossed: "the surnames are in other places (%s, %s)", nameOneWord: "one name is part of the other (%s, %s)"}

// nameMatch is how two names relate.
type nameMatch struct {
	rel    nameRel
	weight float64
	how    nameHow
	// count is how many records of the workspace have the name both
	// records show (the count of the rarest name key they share).
	count keyCount
	// atOrg is the organisation both records have when count is of the
	// records at it with the name.
	atOrg string
}

// nameHow describes a name relation: a format and its two names, formatted
// only when shown (millions of pairs are compared, a few shown).
type nameHow struct{ format, x, y string }

func (h nameHow) String() string {
	if h.format == "" {
		return ""
	}
	return fmt.Sprintf(h.format, h.x, h.y)
}

func lazy(format, x, y string) nameHow { return nameHow{format, x, y} }

// compareNames relates two names. Given names are compared with given
// names and surnames with surnames, first with first: "Ana García López"
// and "García, Ana" agree, "Ana García López" and "Ana García Pérez" do
// not (two second surnames), and an initial stands for a given name, not a
// surname. A name made from an email address is compared by the forms
// addresses take of the other name (addressForms).
func (f *finder) compareNames(a, b *rec) nameMatch {
	if len(a.tokens) == 0 || len(b.tokens) == 0 {
		return nameMatch{rel: nameUnknown}
	}
	if a.fromEmail != "" && b.fromEmail != "" && (len(a.pn.given) == 0 || len(b.pn.given) == 0) {
		if a.fromEmail == b.fromEmail && len(a.fromEmail) >= 6 {
			return f.counted(a, b, nameMatch{rel: nameOneWord, how: lazy("the same address name (%s, %s)", a.name, b.name)}, keyCompact)
		}
		return nameMatch{rel: nameConflict, how: lazy("%s, %s", a.name, b.name)}
	}
	if a.fromEmail != "" && b.fromEmail == "" || a.fromEmail == "" && b.fromEmail != "" {
		if a.fromEmail == "" {
			a, b = b, a
		}
		// An address read as a name ("agarcia" as A. García) is compared
		// as a name; one that cannot be read, by the forms of the other.
		if len(a.pn.given) == 0 {
			return f.addressMatch(a, b)
		}
		if rel := relateNames(a.pn, b.pn, f.words); rel != nameConflict {
			return f.counted(a, b, nameMatch{rel: rel, how: lazy("%s could be %s", a.name, b.name)}, keyWords, keyInitial, keyGiven)
		}
		return f.addressMatch(a, b)
	}
	m := nameMatch{rel: relateNames(a.pn, b.pn, f.words)}
	if m.rel == nameConflict && a.nameKey == b.nameKey {
		m.rel = nameReordered
	}
	switch m.rel {
	case nameConflict:
		m.how = lazy("%s, %s", a.name, b.name)
		m.weight = wNameConflict
		return m
	case nameExact:
		switch {
		case a.nameKey != b.nameKey:
			m.how = lazy("one name has more words (%s, %s)", a.name, b.name)
		case slices.Equal(a.tokens, b.tokens) && a.short != b.short:
			m.how = lazy("the same name, one written short (%s, %s)", a.name, b.name)
		case slices.Equal(a.tokens, b.tokens):
			m.how = lazy("the same name (%s, %s)", a.name, b.name)
		default:
			m.how = lazy("the same name in another order (%s, %s)", a.name, b.name)
		}
	default:
		m.how = lazy(relFormat[m.rel], a.name, b.name)
	}
	return f.counted(a, b, m, keyWords, keyInitial, keyGiven)
}

// addressMatch relates a person named by an address (a) to a name (b): the
// address spells the name (ana.garcia@, agarcia@, ana@ and Ana García).
func (f *finder) addressMatch(a, b *rec) nameMatch {
	m := nameMatch{rel: nameConflict, how: lazy("%s, %s", a.name, b.name)}
	for _, form := range addressForms(b) {
		if form.local == a.fromEmail && form.rel < m.rel {
			m.rel = form.rel
		}
	}
	if m.rel == nameConflict {
		for _, form := range addressForms(b) {
			if form.rel == nameExact && oneEdit(form.local, a.fromEmail) {
				m.rel = nameTypo
			}
		}
	}
	if m.rel == nameConflict {
		m.weight = wNameConflict
		return m
	}
	m.how = lazy("%s could be %s", a.name, b.name)
	return f.counted(a, b, m, keyCompact)
}

// counted fills in the weight of m and the count of the name keys of the
// given kinds that a and b share. With none shared (an address that
// spells a name but for a typo), the count is of b's name.
func (f *finder) counted(a, b *rec, m nameMatch, kinds ...int) nameMatch {
	m.weight = nameWeight[m.rel]
	m.count = f.sharedCount(a, b, kinds...)
	if m.count.records == 0 {
		m.count = f.sharedCount(b, b, keyWords, keyInitial, keyGiven)
	}
	return m
}

// sharedCount is the count of the rarest key of the given kinds that a and
// b share: the fewest people, the most telling.
func (f *finder) sharedCount(a, b *rec, kinds ...int) keyCount {
	var out keyCount
	eachShared(a.keys, b.keys, func(x int, k uint64) bool {
		if c := a.counts[x]; slices.Contains(kinds, keyKind(k)) && (out.records == 0 || f.people(c) < f.people(out) ||
			f.people(c) == f.people(out) && c.records < out.records) {
			out = c
		}
		return true
	})
	return out
}

// relateNames relates two parsed names (see compareNames). words counts
// the people of the workspace whose names have each word: of two words
// one edit apart, one seen once beside a common one is a typo; two seen
// often are two names (Martín and Marín).
func relateNames(a, b personName, words map[string]int32) nameRel {
	word := func(x, y string, given bool) nameRel {
		switch {
		case x == y:
			return nameExact
		case len(x) == 1 || len(y) == 1:
			if given && initialOf(x, y) {
				return nameInitial
			}
			return nameConflict
		case given && SameGivenName(x, y):
			return nameNickname
		case oneEdit(x, y) && !(knownName(x) && knownName(y)):
			rare, common := words[x], words[y]
			if rare > common {
				rare, common = common, rare
			}
			if rare <= 2 || rare*4 <= common {
				return nameTypo
			}
		}
		return nameConflict
	}
	if len(a.given) == 0 || len(b.given) == 0 {
		return nameUnknown
	}
	// Given names: with one each, they agree; with two and one, the one
	// agrees with either (José Luis and José, María del Carmen and
	// Carmen); with two each, both agree in order.
	ga, gb := a.given, b.given
	if len(ga) > len(gb) {
		ga, gb = gb, ga
	}
	var rel nameRel
	switch {
	case len(ga) == len(gb):
		rel = nameExact
		for i := range ga {
			rel = max(rel, word(ga[i], gb[i], true))
		}
	default:
		// The second of two given names is a weaker match: María
		// Teresa goes by Teresa, Juan José seldom by José.
		second := word(ga[0], gb[len(gb)-1], true)
		if second == nameInitial {
			// "A." is José Antonio's first initial, not his second.
			second = nameConflict
		}
		rel = min(word(ga[0], gb[0], true), max(nameNickname, second))
	}
	if rel == nameConflict {
		return nameConflict
	}
	sa, sb := a.sur, b.sur
	if len(sa) == 0 || len(sb) == 0 {
		if len(sa) == 0 && len(sb) == 0 {
			return max(rel, nameOneWord)
		}
		return nameOneWord
	}
	// Surnames: the first agree, and the second when both have one.
	s1 := word(sa[0], sb[0], false)
	if s1 != nameConflict {
		rel = max(rel, s1)
		if len(sa) > 1 && len(sb) > 1 {
			if s2 := word(sa[1], sb[1], false); s2 == nameConflict {
				return nameConflict
			} else {
				rel = max(rel, s2)
			}
		}
		return rel
	}
	// The first surname of one is the other's second: an English middle
	// name read as a surname, or a Spanish name that dropped the first.
	for x, s := range sa {
		for y, t := range sb {
			if x+y > 0 && s == t && len(s) > 1 {
				return max(rel, nameCrossed)
			}
		}
	}
	return nameConflict
}

// oneEdit reports whether two words are one edit apart: a letter added,
// dropped, or two neighbours swapped (words of four letters or more), or
// a letter changed (five or more: Mora and Moya, Vera and Vega are names).
func oneEdit(a, b string) bool {
	if len(a) < 4 || len(b) < 4 || a == b || len(a) == 4 && len(b) == 4 && !swapped(a, b) {
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

// initialOf reports whether one of two given names is the other's
// initial, or the initial of a name the other is a familiar form of ("J."
// and Pepe: José).
func initialOf(x, y string) bool {
	if len(x) != 1 {
		x, y = y, x
	}
	if y == "" || x[0] == y[0] {
		return true
	}
	for _, full := range nameForms[y] {
		if full[0] == x[0] {
			return true
		}
	}
	return false
}

// swapped reports whether two words of one length differ by two
// neighbouring letters swapped.
func swapped(a, b string) bool {
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
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

// knownName reports whether a word is a given name of the nickname table
// or a common surname: two such words one edit apart (Fernández and
// Hernández, Giménez and Jiménez, Mario and María) are two names, not a
// typo.
func knownName(w string) bool {
	return nameForms[w] != nil || commonSurnames[w] || commonGiven[w] || knownSurnames[w]
}

// knownSurnames are frequent Spanish and English surnames besides
// commonSurnames, folded; several are one edit from another.
var knownSurnames = setOf("marin marti martin diez diaz gimenez jimenez gracia mora moya vera vega sala sola " +
	"soto sota lara lora mesa meza ruano roca rojo rubio ramos ramon marques marquez mendez menendez pena pina " +
	"bravo brava pardo prado galan galvan lucas lucena rios rio cano carro castro casto serra sierra serrano " +
	"soria soriano pons ponce sanz saenz saez vidal vital nieto nieves leon cruz crespo campos campo vargas " +
	"varela villa vila mas mar rey reyes ortiz ortega iglesias iglesia gil gill hall hill bell ball moore more " +
	"reed reid gray grey clark clarke allen allan green greene brown browne young king wood woods")

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
