package identity

import (
	"cmp"
	"hash/maphash"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/nexohq/nexo/graph"
)

// Input is what the finder reads of a workspace.
type Input struct {
	People        []*graph.Person
	Organizations []*graph.Organization
	Employments   []*graph.Employment
	// Ties are pairs of person ids who know each other.
	Ties [][2]string
	// Members are the own people of the workspace's members. An import ties
	// every contact to the importing member, so a member is no evidence of
	// shared contacts; and a member's person is never proposed as someone
	// else's duplicate (merging two members is not the finder's call).
	Members []string
	// Region is the default phone region (ISO 3166, "ES") of numbers
	// written without a country code; "" for none.
	Region string
	// Dismissed are pairs a person said are not one: never proposed again.
	Dismissed map[[2]string]bool
	// MinScore is the least score of a proposed pair; default DefaultMinScore.
	MinScore float64
	// ExactOnly finds only the pairs that share an identifier (for an
	// import's automatic merges): no name keys, no fuzzy pairs.
	ExactOnly bool
}

// DefaultMinScore is the least score of a pair the finder proposes: the
// proposal threshold, for pairs a person confirms. It is not a merge
// threshold; nothing fuzzy is merged automatically (Pair.AutoMerge is for
// shared identifiers only). Set on the labelled variants, where pairs
// above it are right 98 times in 100; a pair the data cannot tell from a
// namesake's scores below it. A caller may ask for less (Input.MinScore).
const DefaultMinScore = 0.75

// Evidence is one reason for (positive Weight) or against (negative) two
// records being one person. Weight is in log-odds: the pair's score is the
// logistic function of the prior and the weights.
type Evidence struct {
	Kind   string  `json:"kind"`
	Detail string  `json:"detail"`
	Weight float64 `json:"weight"`
}

// Evidence kinds.
const (
	EvEmail          = "email"           // a shared email (canonical)
	EvLinkedIn       = "linkedin"        // a shared LinkedIn profile
	EvPhone          = "phone"           // a shared phone number
	EvUID            = "uid"             // a shared vCard UID
	EvName           = "name"            // the names agree
	EvNameRarity     = "name_rarity"     // how many people of the workspace have the name
	EvEmailName      = "email_name"      // an email's local part spells the other's name
	EvOrganization   = "organization"    // the same organisation, or email domain
	EvSharedContacts = "shared_contacts" // people both know
	EvConflict       = "conflict"        // evidence against: different profiles, mailboxes, names
)

// Pair is two people who may be one. A < B. Exact pairs share an
// identifier (email, LinkedIn profile, vCard UID, or a phone with names
// that agree): their score is 1. AutoMerge says an exact pair has no
// evidence against it, so an import may merge it without asking.
type Pair struct {
	A         string     `json:"a"`
	B         string     `json:"b"`
	Score     float64    `json:"score"`
	Exact     bool       `json:"exact"`
	AutoMerge bool       `json:"auto_merge"`
	Evidence  []Evidence `json:"evidence"`
}

// Cluster is a group of people linked by proposed pairs: maybe all one.
type Cluster struct {
	People []string `json:"people"`
	// Score is the least score of the pairs that hold the cluster together.
	Score float64 `json:"score"`
}

// Result is what the finder proposes, best pairs first.
type Result struct {
	Pairs    []Pair    `json:"pairs"`
	Clusters []Cluster `json:"clusters"`
	// Compared counts the pairs the finder scored: the blocking at work.
	Compared int `json:"compared"`
}

// maxNameBlock bounds the people compared under one name key: a key
// shared by more (an initial and a very common surname) is too weak to be
// worth all its pairs, and the other keys of a true duplicate still meet.
const maxNameBlock = 100

// rec is a person reduced to what scoring needs.
type rec struct {
	id        string
	name      string
	tokens    []string   // Tokens of the name, or of an email used as the name
	pn        personName // the name split into given names and surnames
	nameKey   string     // sorted tokens
	short     bool       // the name has abbreviations (expandName)
	fromEmail string     // the local part (letters only) when the name is an email address
	local     string     // that local part as written, without a +tag
	emails    []string   // canonical
	linkedIn  []string   // profile and merged profiles
	uids      []string
	phones    []string // PhoneKey
	e164      []string // the phones in E.164
	work      []string // work email domains
	orgs      []int32  // organisations worked at, sorted
	current   []int32  // current ones, sorted
	employers []string // OrgKey of the organisations, their domains and the work domains, sorted
	member    bool
	source    int32    // index of the import that brought the record; -1 entered by hand
	keys      []uint64 // blocking keys, sorted
	counts    []keyCount
}

// keyCount counts the records under a name key, and the people they are
// at least: records that cannot be one person (see distinct) are as many
// people; records that can may all be one.
type keyCount struct{ records, people uint16 }

// AtLeast is the result with the pairs that score at least min, and the
// clusters those pairs make.
func (r Result) AtLeast(min float64) Result {
	if min <= 0 {
		return r
	}
	var pairs []Pair
	for _, p := range r.Pairs {
		if p.Score >= min {
			pairs = append(pairs, p)
		}
	}
	return Result{Pairs: pairs, Clusters: clusters(pairs), Compared: r.Compared}
}

// People proposes the pairs and clusters of people likely to be one.
func People(in Input) Result {
	f := newFinder(in)
	f.block()
	pairs := f.scoreBlocks()
	slices.SortFunc(pairs, func(x, y Pair) int {
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		return cmp.Compare(x.A+x.B, y.A+y.B)
	})
	return Result{Pairs: pairs, Clusters: clusters(pairs), Compared: f.compared}
}

type finder struct {
	in        Input
	recs      []rec
	orgNames  []string
	orgDomain []string
	sources   []string         // each source's name, by rec.source
	adj       [][]int32        // neighbours, sorted, without members
	words     map[string]int32 // how many people's names have each word
	seed      maphash.Seed
	entries   []entry // (key, person), sorted by key
	compared  int
}

type entry struct {
	key    uint64
	person int32
}

// Kinds of blocking key, in a key's top three bits. Besides finding the
// pairs to compare, the name keys count the people a name could belong
// to: the fewer, the likelier two records that share it are one.
const (
	keyIdentifier = iota // an email, profile, UID, phone: shared, the pair is exact
	keyWords             // two words of the name
	keyInitial           // an initial and a word
	keyCompact           // a name as an address spells it: "agarcia", "anagarcia"
	keyDomain            // such a spelling at an email or organisation domain
	keyGiven             // a given name and the first surname: counts namesakes, not second surnames
)

const keyKindShift = 61

func keyKind(k uint64) int { return int(k >> keyKindShift) }

func newFinder(in Input) *finder {
	if in.MinScore <= 0 {
		in.MinScore = DefaultMinScore
	}
	f := &finder{in: in, seed: maphash.MakeSeed(), words: map[string]int32{}}
	orgIdx := make(map[string]int32, len(in.Organizations))
	for i, o := range in.Organizations {
		orgIdx[o.ID] = int32(i)
		f.orgNames = append(f.orgNames, o.Name)
		f.orgDomain = append(f.orgDomain, strings.ToLower(o.Domain))
	}
	idx := make(map[string]int32, len(in.People))
	members := map[string]bool{}
	for _, m := range in.Members {
		members[m] = true
	}
	f.recs = make([]rec, len(in.People))
	sources := map[string]int32{}
	for i, p := range in.People {
		idx[p.ID] = int32(i)
		f.recs[i] = newRec(p, in.Region, members[p.ID])
		// An import matches a person's records to one, so one import's
		// records are as many people; people entered by hand are not.
		src, ok := sources[p.Source]
		if !ok {
			src = int32(len(sources))
			sources[p.Source] = src
			f.sources = append(f.sources, p.Source)
		}
		if p.Source == "" || p.Source == "manual" {
			src = -1
		}
		f.recs[i].source = src
		if f.recs[i].fromEmail == "" {
			for _, w := range f.recs[i].tokens {
				f.words[w]++
			}
		}
	}
	for _, e := range in.Employments {
		i, ok := idx[e.PersonID]
		o, ok2 := orgIdx[e.OrganizationID]
		if !ok || !ok2 {
			continue
		}
		r := &f.recs[i]
		r.orgs = append(r.orgs, o)
		if e.Current() {
			r.current = append(r.current, o)
		}
	}
	f.parseAddressNames()
	orgKeys := make([][]string, len(in.Organizations))
	for i, o := range in.Organizations {
		orgKeys[i] = []string{OrgKey(o.Name)}
		if o.Domain != "" {
			orgKeys[i] = append(orgKeys[i], OrgKey(domainStem(o.Domain)))
		}
	}
	for i := range f.recs {
		r := &f.recs[i]
		r.orgs = sortedUnique(r.orgs)
		r.current = sortedUnique(r.current)
		for _, o := range r.orgs {
			r.employers = append(r.employers, orgKeys[o]...)
		}
		for _, d := range r.work {
			r.employers = append(r.employers, OrgKey(domainStem(d)))
		}
		slices.Sort(r.employers)
		r.employers = slices.Compact(r.employers)
	}
	f.adj = make([][]int32, len(in.People))
	for _, t := range in.Ties {
		a, ok := idx[t[0]]
		b, ok2 := idx[t[1]]
		if !ok || !ok2 || members[t[0]] || members[t[1]] {
			continue
		}
		f.adj[a] = append(f.adj[a], b)
		f.adj[b] = append(f.adj[b], a)
	}
	for i := range f.adj {
		f.adj[i] = sortedUnique(f.adj[i])
	}
	return f
}

// parseAddressNames reads the people named by an address as names, with
// the words of the other names as the vocabulary (parseLocal).
func (f *finder) parseAddressNames() {
	v := vocabulary{given: map[string]int32{}, sur: map[string]int32{}}
	for i := range f.recs {
		r := &f.recs[i]
		if r.fromEmail != "" {
			continue
		}
		for _, w := range r.pn.given {
			v.given[w]++
		}
		for _, w := range r.pn.sur {
			v.sur[w]++
		}
	}
	for i := range f.recs {
		r := &f.recs[i]
		if r.fromEmail == "" {
			r.spellOut(v)
			continue
		}
		if pn, ok := parseLocal(r.local, v); ok {
			r.setName(pn)
		}
	}
}

// spellOut replaces the initial of a given name with the name one of the
// record's own addresses spells: "J. Velasco" with josevelasco@ is José
// Velasco, and no namesake of another initial.
func (r *rec) spellOut(v vocabulary) {
	if len(r.pn.given) == 0 || len(r.pn.given[0]) != 1 || len(r.pn.sur) == 0 {
		return
	}
	for _, e := range r.emails {
		local, _, _ := strings.Cut(e, "@")
		pn, ok := parseLocal(local, v)
		if ok && len(pn.given[0]) > 1 && pn.given[0][0] == r.pn.given[0][0] && slices.Contains(pn.sur, r.pn.sur[0]) {
			given := slices.Clone(r.pn.given)
			given[0] = pn.given[0]
			r.setName(personName{given: given, sur: r.pn.sur})
			return
		}
	}
}

func (r *rec) setName(pn personName) {
	r.pn = pn
	r.tokens = append(slices.Clone(pn.given), pn.sur...)
	sorted := slices.Clone(r.tokens)
	slices.Sort(sorted)
	r.nameKey = strings.Join(sorted, " ")
}

// separators split an address's local part into words.
var separators = strings.NewReplacer(".", " ", "_", " ", "-", " ")

func sortedUnique(l []int32) []int32 {
	slices.Sort(l)
	return slices.Compact(l)
}

func newRec(p *graph.Person, region string, member bool) rec {
	r := rec{id: p.ID, name: p.Name, member: member}
	name := strings.TrimSpace(p.Name)
	if at := strings.IndexByte(name, '@'); at > 0 && !strings.ContainsRune(name, ' ') {
		local := strings.ToLower(name[:at])
		if i := strings.IndexByte(local, '+'); i > 0 {
			local = local[:i]
		}
		r.fromEmail, r.local = compact(local), local
		name = separators.Replace(local)
		if e := CanonicalEmail(p.Name); e != "" {
			r.emails = append(r.emails, e)
		}
		r.tokens = Tokens(name)
	} else {
		r.pn = parseName(name)
		r.tokens = append(slices.Clone(r.pn.given), r.pn.sur...)
		r.short = expandName(name) != name
	}
	sorted := slices.Clone(r.tokens)
	slices.Sort(sorted)
	r.nameKey = strings.Join(sorted, " ")
	for _, e := range p.Emails {
		if c := CanonicalEmail(e); c != "" && !slices.Contains(r.emails, c) {
			r.emails = append(r.emails, c)
		}
	}
	if u := LinkedInKey(p.LinkedInURL); u != "" {
		r.linkedIn = append(r.linkedIn, u)
	}
	if p.ExternalID != "" {
		r.uids = append(r.uids, UIDKey(p.ExternalID))
	}
	for _, k := range p.MatchKeys {
		kind, v, _ := strings.Cut(k, ":")
		switch kind {
		case graph.MatchLinkedIn:
			r.linkedIn = append(r.linkedIn, v)
		case graph.MatchUID:
			r.uids = append(r.uids, v)
		}
	}
	for _, ph := range p.Phones {
		if k := PhoneKey(ph, region); k != "" && !slices.Contains(r.phones, k) {
			r.phones = append(r.phones, k)
		}
	}
	r.e164, r.work = e164(r.phones), workDomains(r.emails)
	return r
}

// block files every person under their blocking keys: each identifier, and
// name keys (two words of the name, one of them maybe with a letter left
// out, so that a typo still meets; an initial with a word; the compact
// forms email addresses take, "agarcia", "anagarcia"), then counts the
// people under each key. The keys of a hundred thousand people are tens
// of millions of bytes: they are hashed without building strings, and
// the entries made at their final size.
func (f *finder) block() {
	k := keyer{}
	k.h.SetSeed(f.seed)
	var buf []uint64
	total := 0
	for i := range f.recs {
		r := &f.recs[i]
		buf = f.recKeys(&k, r, buf[:0])
		slices.Sort(buf)
		buf = slices.Compact(buf)
		r.keys = slices.Clone(buf)
		total += len(buf)
	}
	f.entries = make([]entry, 0, total)
	for i := range f.recs {
		for _, key := range f.recs[i].keys {
			f.entries = append(f.entries, entry{key: key, person: int32(i)})
		}
	}
	slices.SortFunc(f.entries, func(a, b entry) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.person, b.person)
	})
	// Each person's keys are met in order, so the n-th entry of a person
	// is its n-th key.
	next := make([]int32, len(f.recs))
	for i := range f.recs {
		f.recs[i].counts = make([]keyCount, len(f.recs[i].keys))
	}
	perSource := map[int32]uint16{}
	var clique []*rec
	for lo := 0; lo < len(f.entries); {
		hi := lo + 1
		for hi < len(f.entries) && f.entries[hi].key == f.entries[lo].key {
			hi++
		}
		c := keyCount{records: uint16(min(hi-lo, math.MaxUint16))}
		if keyKind(f.entries[lo].key) != keyIdentifier && hi-lo > 1 {
			// One source holds one record of a person (an import matches
			// the rest to it): the most records of one source are as many
			// people. Beyond that, a greedy clique of records that cannot
			// be one person, in blocks small enough to be compared.
			clear(perSource)
			c.people = 1
			for _, e := range f.entries[lo:hi] {
				if src := f.recs[e.person].source; src >= 0 {
					n := perSource[src] + 1
					perSource[src] = n
					c.people = max(c.people, n)
				}
			}
			if int(c.people) < hi-lo && hi-lo <= maxNameBlock {
				c.people = max(c.people, f.clique(f.entries[lo:hi], &clique))
			}
		}
		for _, e := range f.entries[lo:hi] {
			f.recs[e.person].counts[next[e.person]] = c
			next[e.person]++
		}
		lo = hi
	}
	// A key no one else has pairs no one and counts no namesake: most
	// keys (the words with a letter left out, the forms of an address)
	// are such, and go.
	for i := range f.recs {
		r := &f.recs[i]
		n := 0
		for x := range r.keys {
			if r.counts[x].records > 1 {
				r.keys[n], r.counts[n] = r.keys[x], r.counts[x]
				n++
			}
		}
		r.keys, r.counts = slices.Clip(r.keys[:n]), slices.Clip(r.counts[:n])
	}
	f.entries = slices.DeleteFunc(f.entries, func(e entry) bool { return len(f.recs[e.person].keys) == 0 })
}

// recKeys appends the blocking keys of r to out.
func (f *finder) recKeys(k *keyer, r *rec, out []uint64) []uint64 {
	for _, e := range r.emails {
		out = append(out, k.of(keyIdentifier, "e", e))
		if r.fromEmail == "" {
			if at := strings.IndexByte(e, '@'); at > 0 {
				k.start()
				k.letters(e[:at])
				out = append(out, k.sum(keyCompact))
			}
		}
	}
	for _, u := range r.linkedIn {
		out = append(out, k.of(keyIdentifier, "l", u))
	}
	for _, u := range r.uids {
		out = append(out, k.of(keyIdentifier, "u", u))
	}
	for _, ph := range r.phones {
		out = append(out, k.of(keyIdentifier, "p", ph))
	}
	if f.in.ExactOnly {
		return out
	}
	if r.fromEmail != "" {
		out = append(out, k.of(keyCompact, r.fromEmail))
	}
	// A name, as addresses spell it, at each organisation the record has
	// (by name, domain or work address): "ana@umbrella.com" meets Ana
	// García at Umbrella, and the people under such a key are the
	// namesakes at one organisation.
	for _, emp := range r.employers {
		if r.fromEmail != "" {
			out = append(out, k.of(keyDomain, r.fromEmail, emp))
		}
		eachForm(r, func(_ nameRel, a, b, c string) {
			k.start()
			k.pieces(a, b, c)
			k.word(emp)
			out = append(out, k.sum(keyDomain))
		})
	}
	eachForm(r, func(rel nameRel, a, b, c string) {
		if rel != nameOneWord {
			k.start()
			k.pieces(a, b, c)
			out = append(out, k.sum(keyCompact))
		}
	})
	// Two words of the name, one maybe with a letter left out (a typo
	// still meets); the given name's initial with the first surname.
	t := r.tokens
	for x := range t {
		for y := x + 1; y < len(t); y++ {
			if len(t[x]) < 2 || len(t[y]) < 2 {
				continue
			}
			a, b := givenKey(t[x]), givenKey(t[y])
			if a > b {
				a, b = b, a
			}
			out = append(out, k.of(keyWords, a, b))
			eachDeletion(b, func(i int) {
				k.start()
				k.word(a)
				k.without(b, i)
				out = append(out, k.sum(keyWords))
			})
			eachDeletion(a, func(i int) {
				k.start()
				k.without(a, i)
				k.word(b)
				out = append(out, k.sum(keyWords))
			})
		}
	}
	if len(r.pn.given) > 0 && len(r.pn.sur) > 0 && len(r.pn.sur[0]) > 1 {
		s := r.pn.sur[0]
		initial := func(g string) {
			out = append(out, k.of(keyInitial, g[:1], s))
			eachDeletion(s, func(i int) {
				k.start()
				k.word(g[:1])
				k.without(s, i)
				out = append(out, k.sum(keyInitial))
			})
		}
		initial(r.pn.given[0])
		for _, full := range nameForms[r.pn.given[0]] {
			if full != r.pn.given[0] {
				initial(full)
			}
		}
		for _, g := range r.pn.given {
			if len(g) > 1 {
				out = append(out, k.of(keyGiven, givenKey(g), s))
			}
		}
	}
	return out
}

// keyer hashes the parts of blocking keys: each part is its bytes and a
// zero byte, so that ("ab", "c") and ("a", "bc") differ. A part may be
// written in pieces (a word without one letter, a form of an address):
// the hash depends on the bytes, not on how they were written.
type keyer struct{ h maphash.Hash }

func (k *keyer) start() { k.h.Reset() }

func (k *keyer) word(s string) {
	k.h.WriteString(s)
	k.h.WriteByte(0)
}

// pieces writes one part made of a, b and c.
func (k *keyer) pieces(a, b, c string) {
	k.h.WriteString(a)
	k.h.WriteString(b)
	k.h.WriteString(c)
	k.h.WriteByte(0)
}

// without writes the part s without its i-th byte.
func (k *keyer) without(s string, i int) {
	k.h.WriteString(s[:i])
	k.h.WriteString(s[i+1:])
	k.h.WriteByte(0)
}

// letters writes the part made of the letters of s (compact).
func (k *keyer) letters(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			k.h.WriteByte(c)
		}
	}
	k.h.WriteByte(0)
}

func (k *keyer) sum(kind uint64) uint64 {
	return k.h.Sum64()&^(7<<keyKindShift) | kind<<keyKindShift
}

// of is the key of a kind made of whole parts.
func (k *keyer) of(kind uint64, parts ...string) uint64 {
	k.start()
	for _, p := range parts {
		k.word(p)
	}
	return k.sum(kind)
}

// clique counts a greedy clique of records that cannot be one person
// (distinct) among the entries: a lower bound of the people they are. Records named by an address come last, as they say
// the least and would hold the place of two names that disagree.
func (f *finder) clique(entries []entry, buf *[]*rec) uint16 {
	*buf = (*buf)[:0]
	for pass := range 2 {
		for _, e := range entries {
			r := &f.recs[e.person]
			if (r.fromEmail != "") != (pass == 1) {
				continue
			}
			if !slices.ContainsFunc(*buf, func(q *rec) bool { return !f.distinct(r, q) }) {
				*buf = append(*buf, r)
			}
		}
	}
	return uint16(len(*buf))
}

// distinct reports whether two records under one name key cannot be one
// person: both from one source, or with different LinkedIn profiles, or at
// different organisations (a move looks the same; it is rarer), or with
// names that disagree (Ana and Antonio under "A. García", two second
// surnames under "Ana García").
func (f *finder) distinct(a, b *rec) bool {
	if a.source == b.source && a.source >= 0 || diffAll(a.linkedIn, b.linkedIn) {
		return true
	}
	if len(a.employers) > 0 && len(b.employers) > 0 && !anyCommon(a.employers, b.employers) {
		return true
	}
	// An address read as a name may be read wrong: only names disagree.
	return a.fromEmail == "" && b.fromEmail == "" && len(a.pn.given) > 0 && len(b.pn.given) > 0 &&
		relateNames(a.pn, b.pn, f.words) == nameConflict
}

// anyCommon reports whether two sorted lists share a value.
func anyCommon[T cmp.Ordered](a, b []T) bool {
	found := false
	eachShared(a, b, func(int, T) bool { found = true; return false })
	return found
}

// addressForm is a local part an address of a name may have, and how
// much of the name it spells.
type addressForm struct {
	local string
	rel   nameRel // nameExact: given name and surname; nameInitial: an initial and the other; nameOneWord: one of them
}

// addressForms are the local parts (letters only) of the addresses a name
// is likely to have: ana.garcia, agarcia, a.garcia, garcia.ana, anag, ana,
// garcia; with the full name of a nickname (lola → dolores), and both
// given names of a compound one (joseluis.garcia, jlgarcia).
func addressForms(r *rec) []addressForm {
	var out []addressForm
	eachForm(r, func(rel nameRel, a, b, c string) { out = append(out, addressForm{a + b + c, rel}) })
	return out
}

// eachForm calls fn with each of the forms of addressForms, in up to three
// pieces to be read one after the other (no string is built for them:
// blocking hashes a hundred thousand people's).
func eachForm(r *rec, fn func(rel nameRel, a, b, c string)) {
	g := r.pn.given
	if len(g) == 0 {
		return
	}
	given := func(each func(x, y string)) {
		each(g[0], "")
		for _, full := range nameForms[g[0]] {
			if full != g[0] {
				each(full, "")
			}
		}
		if len(g) > 1 {
			each(g[0], g[1])
			each(g[1], "")
		}
	}
	if len(r.pn.sur) == 0 {
		given(func(x, y string) { fn(nameOneWord, x, y, "") })
		return
	}
	s := r.pn.sur[0]
	given(func(x, y string) {
		if len(x)+len(y) == 1 {
			fn(nameInitial, x, s, "")
			fn(nameInitial, s, x, "")
			return
		}
		fn(nameExact, x, y, s)
		fn(nameExact, s, x, y)
		fn(nameInitial, x[:1], s, "")
		fn(nameInitial, x, y, s[:1])
		fn(nameOneWord, x, y, "")
	})
	if len(g) > 1 && len(g[0]) > 0 && len(g[1]) > 0 {
		fn(nameInitial, g[0][:1], g[1][:1], s)
	}
	fn(nameOneWord, s, "", "")
}

// compact keeps the letters of an email's local part: "ana.garcia" → "anagarcia".
func compact(local string) string { return keepRange(local, 'a', 'z') }

// keepRange keeps the characters of s between lo and hi.
func keepRange(s string, lo, hi rune) string {
	return strings.Map(func(c rune) rune {
		if c >= lo && c <= hi {
			return c
		}
		return -1
	}, s)
}

// eachDeletion calls fn with each position of w whose letter left out
// makes a different word, for words of five letters or more: two words one
// edit apart (a typo, a swapped pair of letters) share one such word.
func eachDeletion(w string, fn func(i int)) {
	if len(w) < 5 {
		return
	}
	for i := range len(w) {
		if i == 0 || w[i] != w[i-1] {
			fn(i)
		}
	}
}

// scoreBlocks scores every pair that shares a key once, under the smallest
// key both have, across the machine's cores.
func (f *finder) scoreBlocks() []Pair {
	type block struct{ lo, hi int }
	workers := runtime.GOMAXPROCS(0)
	var mu sync.Mutex
	var out []Pair
	var wg sync.WaitGroup
	next := make(chan block, 256)
	for range workers {
		wg.Go(func() {
			var mine []Pair
			compared := 0
			for b := range next {
				key := f.entries[b.lo].key
				for x := b.lo; x < b.hi; x++ {
					for y := x + 1; y < b.hi; y++ {
						i, j := f.entries[x].person, f.entries[y].person
						if f.sharesSmallerKey(i, j, key) {
							continue
						}
						compared++
						if p, ok := f.score(i, j, false); ok {
							p, _ = f.score(i, j, true)
							mine = append(mine, p)
						}
					}
				}
			}
			mu.Lock()
			out = append(out, mine...)
			f.compared += compared
			mu.Unlock()
		})
	}
	for lo := 0; lo < len(f.entries); {
		hi := lo + 1
		for hi < len(f.entries) && f.entries[hi].key == f.entries[lo].key {
			hi++
		}
		if compares(f.entries[lo].key, hi-lo) {
			next <- block{lo, hi}
		}
		lo = hi
	}
	close(next)
	wg.Wait()
	return out
}

// compares reports whether the people under a key are compared: two or
// more, and not too many for a name key.
func compares(key uint64, n int) bool {
	return n > 1 && (keyKind(key) == keyIdentifier || n <= maxNameBlock)
}

// sharesSmallerKey reports whether i and j meet under a compared key below
// key (keys are unique per person), whose block compares them already.
func (f *finder) sharesSmallerKey(i, j int32, key uint64) bool {
	a, found := &f.recs[i], false
	eachShared(a.keys, f.recs[j].keys, func(x int, k uint64) bool {
		if k >= key {
			return false
		}
		found = compares(k, int(a.counts[x].records))
		return !found
	})
	return found
}

// eachShared calls fn with each value two sorted lists share and its index
// in a, in order, until fn returns false.
func eachShared[T cmp.Ordered](a, b []T, fn func(x int, v T) bool) {
	for x, y := 0, 0; x < len(a) && y < len(b); {
		switch {
		case a[x] == b[y]:
			if !fn(x, a[x]) {
				return
			}
			x++
			y++
		case a[x] < b[y]:
			x++
		default:
			y++
		}
	}
}

// clusters joins the proposed pairs into groups (union-find).
func clusters(pairs []Pair) []Cluster {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok || p == x {
			parent[x] = x
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	for _, p := range pairs {
		a, b := find(p.A), find(p.B)
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	groups := map[string]*Cluster{}
	for _, p := range pairs {
		r := find(p.A)
		c := groups[r]
		if c == nil {
			c = &Cluster{Score: math.Inf(1)}
			groups[r] = c
		}
		c.People = append(c.People, p.A, p.B)
		c.Score = min(c.Score, p.Score)
	}
	out := make([]Cluster, 0, len(groups))
	for _, c := range groups {
		slices.Sort(c.People)
		c.People = slices.Compact(c.People)
		out = append(out, *c)
	}
	slices.SortFunc(out, func(x, y Cluster) int {
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		return cmp.Compare(x.People[0], y.People[0])
	})
	return out
}
