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

// DefaultMinScore is the least score of a pair the finder proposes.
const DefaultMinScore = 0.5

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

// prior is the log-odds of two records being one person before any
// evidence: duplicates are a small share of the pairs that share a key.
const prior = -4.5

// rec is a person reduced to what scoring needs.
type rec struct {
	id        string
	name      string
	tokens    []string // Tokens of the name, or of an email used as the name
	given     string   // the given name: the first word, or the first after a comma
	surname   string   // the first surname: the word after the given name
	nameKey   string   // sorted tokens
	fromEmail string   // the local part when the name is an email address
	emails    []string // canonical
	linkedIn  []string // profile and merged profiles
	uids      []string
	phones    []string // PhoneKey
	e164      []string // the phones in E.164
	work      []string // work email domains
	orgs      []int32  // organisations worked at, sorted
	current   []int32  // current ones, sorted
	member    bool
	keys      []uint64 // blocking keys, sorted
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
	adj       [][]int32 // neighbours, sorted, without members
	nameCount map[string]int
	seed      maphash.Seed
	entries   []entry         // (key, person), sorted by key
	oversized map[uint64]bool // name keys shared by more than maxNameBlock people
	compared  int
}

type entry struct {
	key    uint64
	person int32
	strong bool
}

func newFinder(in Input) *finder {
	if in.MinScore <= 0 {
		in.MinScore = DefaultMinScore
	}
	f := &finder{in: in, seed: maphash.MakeSeed(), nameCount: map[string]int{}, oversized: map[uint64]bool{}}
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
	for i, p := range in.People {
		idx[p.ID] = int32(i)
		f.recs[i] = newRec(p, in.Region, members[p.ID])
		f.nameCount[f.recs[i].nameKey]++
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
	for i := range f.recs {
		f.recs[i].orgs = sortedUnique(f.recs[i].orgs)
		f.recs[i].current = sortedUnique(f.recs[i].current)
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
		r.fromEmail = compact(local)
		name = strings.NewReplacer(".", " ", "_", " ", "-", " ").Replace(local)
		if e := CanonicalEmail(p.Name); e != "" {
			r.emails = append(r.emails, e)
		}
	}
	r.tokens = Tokens(name)
	if before, after, ok := strings.Cut(name, ","); ok {
		// "García López, Ana"
		if g, s := Tokens(after), Tokens(before); len(g) > 0 && len(s) > 0 {
			r.given, r.surname = g[0], s[0]
		}
	} else if len(r.tokens) > 1 {
		r.given, r.surname = r.tokens[0], r.tokens[1]
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
// forms email addresses take, "agarcia", "anagarcia").
func (f *finder) block() {
	for i := range f.recs {
		r := &f.recs[i]
		var keys []uint64
		var h maphash.Hash
		h.SetSeed(f.seed)
		add := func(strong bool, parts ...string) {
			h.Reset()
			for _, p := range parts {
				h.WriteString(p)
				h.WriteByte(0)
			}
			k := h.Sum64()
			keys = append(keys, k)
			f.entries = append(f.entries, entry{key: k, person: int32(i), strong: strong})
		}
		for _, e := range r.emails {
			add(true, "e", e)
			if r.fromEmail == "" {
				if at := strings.IndexByte(e, '@'); at > 0 {
					add(false, "c", compact(e[:at]))
				}
			}
		}
		for _, u := range r.linkedIn {
			add(true, "l", u)
		}
		for _, u := range r.uids {
			add(true, "u", u)
		}
		for _, ph := range r.phones {
			add(true, "p", ph)
		}
		if f.in.ExactOnly {
			slices.Sort(keys)
			r.keys = slices.Compact(keys)
			continue
		}
		if r.fromEmail != "" {
			add(false, "c", r.fromEmail)
		}
		// An address by its local part and domain meets a name at an
		// organisation of that domain: "ana@umbrella.com" and Ana García
		// at Umbrella.
		for _, e := range r.emails {
			if local, d, _ := strings.Cut(e, "@"); !FreeMail(d) {
				add(false, "d", compact(local), d)
			}
		}
		for _, d := range f.domainsOf(r) {
			for _, form := range addressForms(r) {
				add(false, "d", form, d)
			}
		}
		t := r.tokens
		for x := range t {
			for y := range t {
				if x == y || len(t[y]) < 2 {
					continue
				}
				add(false, "i", t[x][:1], t[y])
				for _, full := range withFullNames(t[x])[1:] {
					add(false, "i", full[:1], t[y])
				}
				if x > y || len(t[x]) < 2 {
					continue
				}
				a, b := givenKey(t[x]), givenKey(t[y])
				if a > b {
					a, b = b, a
				}
				add(false, "n", a, b)
				for _, d := range deletions(b) {
					add(false, "n", a, d)
				}
				for _, d := range deletions(a) {
					add(false, "n", d, b)
				}
				// The compact forms of an email address: first initial and
				// last name, first and last name run together.
				add(false, "c", t[x][:1]+t[y])
				add(false, "c", t[y][:1]+t[x])
				add(false, "c", t[x]+t[y])
				add(false, "c", t[y]+t[x])
			}
		}
		slices.Sort(keys)
		r.keys = slices.Compact(keys)
	}
	slices.SortFunc(f.entries, func(a, b entry) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.person, b.person)
	})
	f.entries = slices.CompactFunc(f.entries, func(a, b entry) bool { return a.key == b.key && a.person == b.person })
}

// domainsOf lists the work email domains and organisation domains of r.
func (f *finder) domainsOf(r *rec) []string {
	ds := workDomains(r.emails)
	for _, o := range r.orgs {
		if d := f.orgDomain[o]; d != "" && !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
	}
	return ds
}

// addressForms are the local parts of the addresses a name is likely to have.
func addressForms(r *rec) []string {
	if r.given == "" {
		return nil
	}
	s := r.surname
	var out []string
	for _, g := range withFullNames(r.given) {
		out = append(out, g, g+s, s+g, g[:1]+s, g+s[:1], s)
	}
	return out
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

// deletions are the words made by leaving one letter out of w, for words
// of five letters or more: two words one edit apart (a typo, a swapped
// pair of letters) share one of them.
func deletions(w string) []string {
	if len(w) < 5 {
		return nil
	}
	out := make([]string, 0, len(w))
	for i := range len(w) {
		if i > 0 && w[i] == w[i-1] {
			continue
		}
		out = append(out, w[:i]+w[i+1:])
	}
	return out
}

// scoreBlocks scores every pair that shares a key once, under the smallest
// key both have, across the machine's cores.
func (f *finder) scoreBlocks() []Pair {
	type block struct{ lo, hi int }
	var blocks []block
	for lo := 0; lo < len(f.entries); {
		hi := lo + 1
		for hi < len(f.entries) && f.entries[hi].key == f.entries[lo].key {
			hi++
		}
		if n := hi - lo; n > 1 && (f.entries[lo].strong || n <= maxNameBlock) {
			blocks = append(blocks, block{lo, hi})
		} else if n > 1 {
			f.oversized[f.entries[lo].key] = true
		}
		lo = hi
	}
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
	for _, b := range blocks {
		next <- b
	}
	close(next)
	wg.Wait()
	return out
}

// sharesSmallerKey reports whether i and j meet under a key below key (or
// under an equal key from a smaller-key block: keys are unique per person).
func (f *finder) sharesSmallerKey(i, j int32, key uint64) bool {
	found := false
	eachCommon(f.recs[i].keys, f.recs[j].keys, func(k uint64) bool {
		if k >= key {
			return false
		}
		found = !f.oversized[k]
		return !found
	})
	return found
}

// eachCommon calls fn with each value two sorted lists share, in order,
// until fn returns false.
func eachCommon[T cmp.Ordered](a, b []T, fn func(T) bool) {
	for x, y := 0, 0; x < len(a) && y < len(b); {
		switch {
		case a[x] == b[y]:
			if !fn(a[x]) {
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
