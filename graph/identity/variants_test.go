package identity

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/nexohq/nexo/graph"
)

// A labelled test set of name and email variants: invented people, each
// seen by one to three sources (LinkedIn, Google Contacts, a calendar, a
// phone's vCards) that write them the way those sources do, and
// namesakes — different people with the same given name and surname,
// one in ten of them at the same company, in the same sources — as hard
// negatives. Every pair of records of one person is a true duplicate;
// every other pair is not.
//
// What each source holds follows what Nexo's importers read from it:
// LinkedIn a name, the profile and the company (an email rarely); Google
// Contacts a name with a work or personal address or both, sometimes a
// phone and the company; a calendar an attendee's address, with the
// attendee's name about half the time (else the address is the name); a
// phone's vCard a name, a phone, its UID, and sometimes an address or the
// company. One person in eight changed jobs, and the older sources
// (Google, vCards) may still show the former employer.

// Variant kinds: how a record writes its person. A pair has the kinds of
// both its records; the test reports precision and recall per kind.
const (
	kAccents    = "accents dropped"  // "Jose Garcia"
	kCase       = "case"             // "JOSÉ GARCÍA", "jose garcia"
	kSwapped    = "surname first"    // "García López, José"
	kInitial    = "initial"          // "J. García"
	kNickname   = "nickname"         // "Pepe García"
	kTypo       = "typo"             // "José Gracía", "Jsoé García"
	kSecond     = "second surname"   // "José García López" beside "José García"
	kOneGiven   = "one given name"   // "José" of "José Luis", "Carmen" of "María del Carmen"
	kParticle   = "particle dropped" // "Fuente" of "de la Fuente"
	kEmailName  = "email as name"    // a calendar attendee without a name: "agarcia@umbrella.com"
	kEmailForm  = "email variant"    // case, +tag, Gmail's dots and googlemail.com
	kNameOnly   = "no email, no org" // a name with a phone or nothing else
	kMoved      = "former employer"  // an older source shows the previous job
	kNamesake   = "namesake in set"  // another person of the set has the same given name and surname
	kPlain      = "written the same" // none of the above: both records write the name as it is
	kAll        = "all pairs"
	kNoNamesake = "all without namesake" // the pairs of people nobody else in the set shares a name with
)

// entity is one real (invented) person.
type entity struct {
	given      string // "María", "José Luis"
	sur1, sur2 string // sur2 is "" for English names
	english    bool
	org        int
	oldOrg     int    // a former employer, or -1
	workLocal  string // the local part of the work email
	oldLocal   string // the local part at the former employer
	personal   string // a personal address
	phone      string // E.164 with spaces
	handle     string // LinkedIn
	twinOf     int    // the namesake this one is a hard negative of, or -1
	sources    []string
}

type labelled struct {
	in     Input
	entity map[string]int      // person id → entity
	kinds  map[string][]string // person id → variant kinds of the record
	org    map[string]int      // person id → the organisation the record shows (a position, a work address), or -1
	unsure map[string]bool     // person id → the record could be a namesake's (ambiguous)
	names  map[string]int      // given name and first surname → people
	ents   []entity
}

// sampler draws from l, most frequent first, with weights 1/(v+k): the
// long tail of real name frequencies, cut at the list's end.
func sampler(r *rand.Rand, l []string, v float64) func() string {
	cum := make([]float64, len(l))
	sum := 0.0
	for k := range l {
		sum += 1 / (v + float64(k))
		cum[k] = sum
	}
	return func() string {
		x := r.Float64() * sum
		i, _ := slices.BinarySearch(cum, x)
		return l[min(i, len(l)-1)]
	}
}

// variantSet generates n people and their records with seed.
func variantSet(n int, seed uint64) labelled {
	r := rand.New(rand.NewPCG(seed, 7))
	givenES, givenEN := sampler(r, genGivenES, 30), sampler(r, genGivenEN, 30)
	surES, surEN := sampler(r, genSurnamesES, 30), sampler(r, genSurnamesEN, 30)
	// A network spans many organisations: the named ones and 300 more,
	// a few large and most small.
	type org struct{ name, domain string }
	orgs := []org{{"Telefónica", "telefonica.com"}, {"Umbrella", "umbrella.com"}, {"Globex", "globex.com"},
		{"Acme", "acme.com"}, {"Initech", "initech.com"}, {"BBVA", "bbva.com"}, {"Iberdrola", "iberdrola.es"},
		{"Hooli", "hooli.com"}, {"Stark Industries", "stark.com"}, {"Banco Sur", "bancosur.es"},
		{"Cyberdyne", "cyberdyne.io"}, {"Wonka", "wonka.co.uk"}}
	for i := range 300 {
		orgs = append(orgs, org{fmt.Sprintf("Firm %d", i), fmt.Sprintf("firm%d.com", i)})
	}
	orgIdx := make([]string, len(orgs))
	for i := range orgIdx {
		orgIdx[i] = fmt.Sprint(i)
	}
	pickOrgS := sampler(r, orgIdx, 3)
	pickOrg := func() int {
		var i int
		fmt.Sscan(pickOrgS(), &i)
		return i
	}
	taken := map[string]bool{}
	mailbox := func(e *entity, org int, local string) string {
		// A company gives a mailbox to one person: a second one gets a number.
		base := local
		for k := 2; taken[local+"@"+orgs[org].domain]; k++ {
			local = base + fmt.Sprint(k)
		}
		taken[local+"@"+orgs[org].domain] = true
		return local
	}
	newEntity := func(given, sur1 string, english bool, org int) entity {
		e := entity{given: given, sur1: sur1, english: english, org: org, oldOrg: -1, twinOf: -1}
		if !english {
			e.sur2 = surES()
			for e.sur2 == e.sur1 {
				e.sur2 = surES()
			}
		}
		g, s := asciiOf(strings.Fields(given)[0]), asciiOf(sur1)
		if strings.Contains(given, " ") && r.IntN(2) == 0 {
			g = asciiOf(given) // joseluis
		}
		forms := []string{g + "." + s, g[:1] + s, g[:1] + "." + s, s + "." + g, g + s[:1], g, g + s}
		e.workLocal = mailbox(&e, org, forms[r.IntN(len(forms))])
		if r.Float64() < 0.12 {
			e.oldOrg = pickOrg()
			if e.oldOrg == org {
				e.oldOrg = -1
			} else {
				e.oldLocal = mailbox(&e, e.oldOrg, forms[r.IntN(len(forms))])
			}
		}
		provider := []string{"gmail.com", "gmail.com", "hotmail.com", "yahoo.es"}[r.IntN(4)]
		personal := []string{g + "." + s, g + s, g[:1] + s, s + "." + g}[r.IntN(4)]
		if r.IntN(2) == 0 {
			personal += fmt.Sprint(r.IntN(1000))
		}
		// Gmail ignores dots: "maria.sanz" and "mariasanz" are one mailbox.
		for taken[CanonicalEmail(personal+"@"+provider)] {
			personal += fmt.Sprint(r.IntN(10))
		}
		taken[CanonicalEmail(personal+"@"+provider)] = true
		e.personal = personal + "@" + provider
		e.phone = fmt.Sprintf("+34 6%02d %03d %03d", r.IntN(100), r.IntN(1000), r.IntN(1000))
		e.handle = fmt.Sprintf("%s-%s-%d", g, s, r.IntN(100000))
		return e
	}
	var ents []entity
	for len(ents) < n {
		english := r.Float64() < 0.2
		given, sur := givenES(), surES()
		if english {
			given, sur = givenEN(), surEN()
		}
		ents = append(ents, newEntity(given, sur, english, pickOrg()))
		// Hard negatives: a namesake, one time in ten at the same company
		// (besides those chance makes), in the same sources (two María
		// Garcías in one LinkedIn export, each with her profile).
		if r.Float64() < 0.1 {
			org := pickOrg()
			if r.Float64() < 0.1 {
				org = ents[len(ents)-1].org
			}
			twin := newEntity(given, sur, english, org)
			twin.twinOf = len(ents) - 1
			ents = append(ents, twin)
		}
	}
	out := labelled{entity: map[string]int{}, kinds: map[string][]string{}, org: map[string]int{}, ents: ents}
	for i, o := range orgs {
		out.in.Organizations = append(out.in.Organizations, &graph.Organization{ID: fmt.Sprintf("org%03d", i), Name: o.name, Domain: o.domain})
	}
	recsOf := make([][]string, len(ents))
	for i, e := range ents {
		sources := []string{"linkedin", "google", "calendar", "vcard"}
		r.Shuffle(len(sources), func(x, y int) { sources[x], sources[y] = sources[y], sources[x] })
		ents[i].sources = sources[:1+r.IntN(3)]
		if e.twinOf >= 0 {
			ents[i].sources = ents[e.twinOf].sources
		}
		for _, src := range ents[i].sources {
			p := &graph.Person{ID: fmt.Sprintf("p%05d-%s", i, src), Source: src}
			var kinds []string
			work := e.workLocal + "@" + orgs[e.org].domain
			org := e.org
			if e.oldOrg >= 0 && (src == "google" || src == "vcard") && r.IntN(2) == 0 {
				work, org = e.oldLocal+"@"+orgs[e.oldOrg].domain, e.oldOrg
				kinds = append(kinds, kMoved)
			}
			atOrg := false
			shownOrg := -1
			email := func(addr string) {
				v := emailVariant(r, addr)
				if v != addr {
					kinds = append(kinds, kEmailForm)
				}
				p.Emails = append(p.Emails, v)
				if addr == work {
					shownOrg = org
				}
			}
			switch src {
			case "linkedin":
				p.Name, kinds = nameVariant(r, e, kinds)
				p.LinkedInURL = "https://www.linkedin.com/in/" + e.handle
				atOrg = r.Float64() < 0.95
				if r.Float64() < 0.05 {
					email(e.personal)
				}
			case "google":
				p.Name, kinds = nameVariant(r, e, kinds)
				switch r.IntN(3) {
				case 0:
					email(work)
				case 1:
					email(e.personal)
				default:
					email(work)
					email(e.personal)
				}
				if r.Float64() < 0.05 {
					p.Name = p.Emails[0]
					kinds = append(kinds, kEmailName)
				}
				if r.Float64() < 0.4 {
					p.Phones = []string{e.phone}
				}
				atOrg = r.Float64() < 0.5
			case "calendar":
				addr := work
				if r.Float64() < 0.15 {
					addr = e.personal
				}
				email(addr)
				if r.IntN(2) == 0 {
					p.Name, kinds = nameVariant(r, e, kinds)
				} else {
					p.Name = p.Emails[0]
					kinds = append(kinds, kEmailName)
				}
			case "vcard":
				p.Name, kinds = nameVariant(r, e, kinds)
				p.ExternalID = fmt.Sprintf("uid-%d-%d", i, r.IntN(1e6))
				if r.Float64() < 0.5 {
					p.Phones = []string{strings.TrimPrefix(strings.ReplaceAll(e.phone, " ", ""), "+34")}
				} else {
					p.Phones = []string{e.phone}
				}
				if r.Float64() < 0.3 {
					email([]string{work, e.personal}[r.IntN(2)])
				}
				atOrg = r.Float64() < 0.3
			}
			if atOrg {
				out.in.Employments = append(out.in.Employments, &graph.Employment{ID: p.ID + "-job", PersonID: p.ID,
					OrganizationID: fmt.Sprintf("org%03d", org)})
				shownOrg = org
			}
			out.org[p.ID] = shownOrg
			if len(p.Emails) == 0 && !atOrg {
				kinds = append(kinds, kNameOnly)
			}
			out.in.People = append(out.in.People, p)
			out.entity[p.ID] = i
			out.kinds[p.ID] = kinds
			recsOf[i] = append(recsOf[i], p.ID)
		}
	}
	// Ties between two contacts come from meetings and mail (an import
	// ties the attendees of one meeting), so only records with an address
	// carry them. Everyone meets a few others, mostly colleagues: two
	// namesakes at one company know the same people.
	mailed := make([][]string, len(ents))
	byID := map[string]*graph.Person{}
	for _, p := range out.in.People {
		byID[p.ID] = p
	}
	byOrg := map[int][]int{}
	for i, e := range ents {
		byOrg[e.org] = append(byOrg[e.org], i)
		for _, id := range recsOf[i] {
			if len(byID[id].Emails) > 0 {
				mailed[i] = append(mailed[i], id)
			}
		}
	}
	for i, e := range ents {
		for range 4 {
			j := r.IntN(len(ents))
			if colleagues := byOrg[e.org]; r.Float64() < 0.7 && len(colleagues) > 1 {
				j = colleagues[r.IntN(len(colleagues))]
			}
			if j == i || len(mailed[j]) == 0 {
				continue
			}
			for _, a := range mailed[i] {
				if r.Float64() < 0.5 {
					out.in.Ties = append(out.in.Ties, [2]string{a, mailed[j][r.IntN(len(mailed[j]))]})
				}
			}
		}
	}
	out.in.Region = "ES"
	out.names = map[string]int{}
	for _, e := range ents {
		out.names[e.given+" "+e.sur1]++
	}
	out.unsure = map[string]bool{}
	for _, p := range out.in.People {
		out.unsure[p.ID] = out.ambiguous(p.ID, p.Name)
	}
	return out
}

// nameVariant writes an entity's name the way one source might, and adds
// the kinds of variant it used.
func nameVariant(r *rand.Rand, e entity, kinds []string) (string, []string) {
	given, sur := e.given, e.sur1
	if words := strings.Fields(given); len(words) > 1 && r.Float64() < 0.4 {
		// José Luis goes by José; María del Carmen by Carmen.
		given = words[0]
		if words[0] == "María" || words[0] == "Ana" {
			given = words[len(words)-1]
		}
		kinds = append(kinds, kOneGiven)
	}
	if rest, ok := strings.CutPrefix(sur, "de la "); ok && r.Float64() < 0.3 {
		sur = strings.ToUpper(rest[:1]) + rest[1:]
		kinds = append(kinds, kParticle)
	} else if rest, ok := strings.CutPrefix(sur, "del "); ok && r.Float64() < 0.3 {
		sur = strings.ToUpper(rest[:1]) + rest[1:]
		kinds = append(kinds, kParticle)
	}
	surnames := sur
	if e.sur2 != "" && r.Float64() < 0.5 {
		surnames += " " + e.sur2
		kinds = append(kinds, kSecond)
	}
	full := given + " " + surnames
	x := r.Float64()
	switch {
	case x < 0.30:
	case x < 0.42:
		if u := unaccented(full); u != full {
			return u, append(kinds, kAccents)
		}
	case x < 0.48:
		return strings.ToUpper(full), append(kinds, kCase)
	case x < 0.52:
		return strings.ToLower(unaccented(full)), append(kinds, kCase, kAccents)
	case x < 0.64:
		return surnames + ", " + given, append(kinds, kSwapped)
	case x < 0.76:
		return string([]rune(given)[:1]) + ". " + surnames, append(kinds, kInitial)
	case x < 0.88:
		if nicks := genNick[strings.Fields(given)[0]]; nicks != nil {
			return nicks[r.IntN(len(nicks))] + " " + surnames, append(kinds, kNickname)
		}
	default:
		if r.IntN(3) == 0 {
			if t := typo(r, given); t != given {
				return t + " " + surnames, append(kinds, kTypo)
			}
		}
		if t := typo(r, sur); t != sur {
			return given + " " + strings.Replace(surnames, sur, t, 1), append(kinds, kTypo)
		}
	}
	return full, kinds
}

// emailVariant writes an address the way one source might: its case,
// plus-addressing, Gmail's dots.
func emailVariant(r *rand.Rand, e string) string {
	local, domain, _ := strings.Cut(e, "@")
	switch r.IntN(6) {
	case 0:
		return strings.ToUpper(local[:1]) + local[1:] + "@" + domain
	case 1:
		return local + "+news@" + domain
	case 2:
		if domain == "gmail.com" {
			return strings.ReplaceAll(local, ".", "") + "@googlemail.com"
		}
	}
	return e
}

// typo swaps two neighbouring letters of a word, doubles one or drops
// one; short words are left alone.
func typo(r *rand.Rand, w string) string {
	b := []rune(w)
	if len(b) < 5 || strings.ContainsRune(w, ' ') {
		return w
	}
	i := 1 + r.IntN(len(b)-2)
	switch r.IntN(3) {
	case 0:
		b[i], b[i+1] = b[i+1], b[i]
		return string(b)
	case 1:
		return string(b[:i]) + string(b[i]) + string(b[i:])
	}
	return string(b[:i]) + string(b[i+1:])
}

func asciiOf(s string) string { return keepRange(Fold(s), 'a', 'z') }

// unaccented drops a name's accents and keeps the rest: "José Peña" → "Jose Pena".
func unaccented(s string) string {
	var b strings.Builder
	for _, w := range strings.Fields(s) {
		f := []rune(Fold(w))
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if strings.ToUpper(w) != w && strings.ToLower(w) != w {
			f[0] = []rune(strings.ToUpper(string(f[0])))[0]
		}
		b.WriteString(string(f))
	}
	return b.String()
}

// tally counts one kind's pairs.
type tally struct{ positives, found, proposed, wrong int }

// kindsOf lists the kinds of a pair of records.
func (set labelled) kindsOf(a, b string) []string {
	ks := append(slices.Clone(set.kinds[a]), set.kinds[b]...)
	if set.namesake(set.ents[set.entity[a]]) || set.namesake(set.ents[set.entity[b]]) || set.unsure[a] || set.unsure[b] {
		ks = append(ks, kNamesake)
	}
	if len(ks) == 0 {
		ks = append(ks, kPlain)
	}
	if !slices.Contains(ks, kNamesake) {
		ks = append(ks, kNoNamesake)
	}
	slices.Sort(ks)
	return append(slices.Compact(ks), kAll)
}

// namesake reports whether another person of the set has e's given name
// and first surname.
func (set labelled) namesake(e entity) bool {
	return set.names[e.given+" "+e.sur1] > 1
}

// ambiguous reports whether what a record shows of its person's name
// could be another person's of the set, with nothing else it shows (an
// organisation) to tell them apart: "R. Márquez" when Rocío and Rodrigo
// Márquez are both in the set, "ana@umbrella.com" with two Anas at
// Umbrella. Such a record's pairs are namesakes' pairs.
func (set labelled) ambiguous(id, name string) bool {
	e := set.ents[set.entity[id]]
	ks := set.kinds[id]
	given := strings.Fields(e.given)[0]
	initialOnly := slices.Contains(ks, kInitial)
	surShown := true
	if slices.Contains(ks, kEmailName) {
		local, _, _ := strings.Cut(strings.ToLower(name), "@")
		local = keepRange(local, 'a', 'z')
		initialOnly = !strings.Contains(local, asciiOf(given))
		surShown = strings.Contains(local, asciiOf(e.sur1))
	}
	org := set.org[id]
	for j, f := range set.ents {
		if j == set.entity[id] || surShown && f.sur1 != e.sur1 {
			continue
		}
		if org >= 0 && f.org != org && f.oldOrg != org {
			continue
		}
		fGiven := strings.Fields(f.given)
		switch {
		case initialOnly && asciiOf(fGiven[0])[0] == asciiOf(given)[0]:
			return true
		case slices.Contains(ks, kOneGiven) && slices.ContainsFunc(fGiven, func(w string) bool { return strings.Contains(e.given, w) }):
			return true
		case !surShown && fGiven[0] == given:
			return true
		}
	}
	return false
}

// quality measures the proposed pairs against the labels, per kind.
func quality(set labelled, res Result) map[string]*tally {
	out := map[string]*tally{}
	get := func(k string) *tally {
		if out[k] == nil {
			out[k] = &tally{}
		}
		return out[k]
	}
	byEntity := map[int][]string{}
	for _, p := range set.in.People {
		e := set.entity[p.ID]
		byEntity[e] = append(byEntity[e], p.ID)
	}
	proposed := map[[2]string]bool{}
	for _, p := range res.Pairs {
		proposed[[2]string{p.A, p.B}] = true
		right := set.entity[p.A] == set.entity[p.B]
		for _, k := range set.kindsOf(p.A, p.B) {
			t := get(k)
			t.proposed++
			if !right {
				t.wrong++
			}
		}
	}
	for _, ids := range byEntity {
		for x := range ids {
			for y := x + 1; y < len(ids); y++ {
				a, b := min(ids[x], ids[y]), max(ids[x], ids[y])
				for _, k := range set.kindsOf(a, b) {
					t := get(k)
					t.positives++
					if proposed[[2]string{a, b}] {
						t.found++
					}
				}
			}
		}
	}
	return out
}

func (t tally) precision() float64 {
	if t.proposed == 0 {
		return math.NaN()
	}
	return float64(t.proposed-t.wrong) / float64(t.proposed)
}

func (t tally) recall() float64 {
	if t.positives == 0 {
		return math.NaN()
	}
	return float64(t.found) / float64(t.positives)
}

// TestQuality measures precision and recall of the proposed pairs on
// generated variants (several seeds, so no weight fits one draw), overall
// and per kind of variant.
//
//	go test ./graph/identity -run 'Quality$' -v
func TestQuality(t *testing.T) {
	total := map[string]*tally{}
	for _, seed := range []uint64{1, 2, 3} {
		set := variantSet(3000, seed)
		res := People(set.in)
		q := quality(set, res)
		for k, v := range q {
			if total[k] == nil {
				total[k] = &tally{}
			}
			total[k].positives += v.positives
			total[k].found += v.found
			total[k].proposed += v.proposed
			total[k].wrong += v.wrong
		}
		all, sep := q[kAll], q[kNoNamesake]
		namesakes := 0
		for _, e := range set.ents {
			if set.namesake(e) {
				namesakes++
			}
		}
		t.Logf("seed %d: %d people (%d with a namesake) in %d records, %d true pairs (%d of people without a namesake); "+
			"proposed %d (%d wrong): precision %.3f, recall %.3f (%.3f without namesakes); compared %d pairs",
			seed, len(set.ents), namesakes, len(set.in.People), all.positives, sep.positives, all.proposed, all.wrong,
			all.precision(), all.recall(), sep.recall(), res.Compared)
		// Every proposed pair counts for precision, namesakes' too. A
		// record whose name and organisation could be another person's of
		// the set (a namesake's, or "R. Márquez" beside Rocío and Rodrigo
		// Márquez; see ambiguous) cannot be told from theirs by what it
		// shows: recall is held to the bar on the other pairs (the issue
		// allows a pair the data cannot separate to score below the
		// proposal threshold), and reported on all.
		if p, r := all.precision(), sep.recall(); p < 0.98 || r < 0.9 {
			t.Errorf("seed %d: precision %.3f, recall without namesakes %.3f; want ≥ 0.98 and ≥ 0.9", seed, p, r)
		}
	}
	var kinds []string
	for k := range total {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		return cmp.Or(cmp.Compare(total[kinds[j]].positives, total[kinds[i]].positives), strings.Compare(kinds[i], kinds[j])) < 0
	})
	t.Logf("%-20s %11s %9s %9s %7s %9s", "kind (3 seeds)", "true pairs", "recall", "proposed", "wrong", "precision")
	for _, k := range kinds {
		v := total[k]
		t.Logf("%-20s %11d %9.3f %9d %7d %9.3f", k, v.positives, v.recall(), v.proposed, v.wrong, v.precision())
	}
}

// TestQualityMisses prints the true pairs the finder missed and the wrong
// pairs it proposed, to look at; it fails only with the quality test.
func TestQualityMisses(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("only with -v")
	}
	set := variantSet(3000, 1)
	res := People(set.in)
	byID := map[string]*graph.Person{}
	for _, p := range set.in.People {
		byID[p.ID] = p
	}
	show := func(p *graph.Person) string {
		return fmt.Sprintf("%q %v %s %s", p.Name, p.Emails, p.Source, set.kinds[p.ID])
	}
	shown := 0
	for _, p := range res.Pairs {
		if set.entity[p.A] != set.entity[p.B] && shown < 30 {
			shown++
			t.Logf("wrong: %s / %s  %.2f %v", show(byID[p.A]), show(byID[p.B]), p.Score, p.Evidence)
		}
	}
	found := map[[2]string]bool{}
	for _, p := range res.Pairs {
		found[[2]string{p.A, p.B}] = true
	}
	f := newFinder(set.in)
	f.block()
	shown = 0
	for i, a := range set.in.People {
		for j := i + 1; j < len(set.in.People) && shown < 40; j++ {
			b := set.in.People[j]
			if set.entity[a.ID] != set.entity[b.ID] || found[[2]string{min(a.ID, b.ID), max(a.ID, b.ID)}] {
				continue
			}
			shown++
			p, _ := f.score(int32(i), int32(j), true)
			t.Logf("missed: %s / %s  %.2f %v", show(a), show(b), p.Score, p.Evidence)
		}
	}
}
