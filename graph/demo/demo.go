// Package demo generates a realistic, deterministic demo workspace: circles of
// colleagues at organisations in different sectors and cities, ex-colleagues
// who moved on, a few brokers who bridge many circles, three years of
// interactions with some ties gone dormant, introductions, and the four
// situations Nexo is built for:
//
//  1. Job search: Marta López, an ex-colleague from Initech, now works at Globex.
//  2. Launching a venture: Sofía Martín, an angel investor, is a friend of Diego Ruiz, a founder I know.
//  3. Learning: Elena Torres, a data-analysis mentor, knows Ana García, a close friend of mine.
//  4. Solving a problem: Jonas Weber has done GDPR compliance before; he knows Priya Nair, a weak tie of mine.
//
// The same Options always give the same network; ids also depend on the owner's id.
package demo

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/nexohq/nexo/graph"
)

// Options configure the generator.
type Options struct {
	People int       // number of people besides me; default 2000
	Seed   uint64    // default 1
	AsOf   time.Time // "today" of the generated history; default: today, UTC midnight
}

// Me is the demo owner's own person: the start of intro paths.
const MeName = "Alex Rivera"

// Batch sizes of the emitted batches, so a 100k-person workspace never sits in
// one transaction.
const (
	peoplePerBatch = 5000
	rowsPerBatch   = 20000
)

type sector struct {
	name   string
	titles []string
	skills []string
	needs  []string
}

var sectors = []sector{
	{"Data & AI", []string{"Data Scientist", "Data Analyst", "ML Engineer", "Head of Data"},
		[]string{"data analysis", "python", "sql", "machine learning", "statistics"}, []string{"hiring data analysts", "gpu budget"}},
	{"Software", []string{"Software Engineer", "Backend Engineer", "Engineering Manager", "CTO"},
		[]string{"go", "kubernetes", "distributed systems", "react", "security"}, []string{"hiring engineers", "gdpr advice"}},
	{"Design", []string{"Product Designer", "UX Researcher", "Design Lead"},
		[]string{"ux research", "figma", "design systems"}, []string{"freelance clients"}},
	{"Product", []string{"Product Manager", "Head of Product", "Product Owner"},
		[]string{"roadmapping", "user interviews", "pricing"}, []string{"mentor in data analysis", "ux research help"}},
	{"Sales", []string{"Account Executive", "Sales Director", "Business Developer"},
		[]string{"enterprise sales", "negotiation", "partnerships"}, []string{"introductions to buyers"}},
	{"Marketing", []string{"Marketing Manager", "Growth Lead", "Content Strategist"},
		[]string{"seo", "growth", "branding"}, []string{"data analysis help"}},
	{"Finance", []string{"Financial Analyst", "CFO", "Controller"},
		[]string{"fundraising", "financial modelling", "accounting"}, []string{"investor introductions"}},
	{"Legal", []string{"Lawyer", "Compliance Officer", "Legal Counsel"},
		[]string{"gdpr compliance", "contracts", "ip law"}, []string{"new clients"}},
	{"Venture", []string{"Partner", "Angel Investor", "Associate", "Principal"},
		[]string{"seed investing", "due diligence", "fundraising"}, []string{"deal flow", "founders to back"}},
	{"People", []string{"Recruiter", "Talent Partner", "HR Director"},
		[]string{"hiring", "employer branding", "onboarding"}, []string{"candidates"}},
	{"Academia", []string{"Professor", "PhD Researcher", "Lecturer"},
		[]string{"research", "statistics", "teaching"}, []string{"industry partners"}},
}

var cities = []string{"Madrid", "Barcelona", "Berlin", "London", "Lisbon", "Paris", "Amsterdam",
	"Mexico City", "Buenos Aires", "New York", "Bogotá", "Valencia"}

var firstNames = []string{"Ana", "Lucía", "Marta", "Sofía", "Elena", "Carmen", "Laura", "Paula", "Isabel", "Julia",
	"Diego", "Javier", "Pablo", "Carlos", "Miguel", "Andrés", "Sergio", "Tomás", "Mateo", "Hugo",
	"Emma", "Olivia", "Mia", "Hannah", "Lea", "Chloé", "Inês", "Priya", "Aisha", "Yuki",
	"Liam", "Noah", "Lukas", "Jonas", "Louis", "João", "Ravi", "Omar", "Kenji", "Finn",
	"Valentina", "Camila", "Martina", "Daniela", "Gabriela", "Santiago", "Sebastián", "Nicolás", "Matías", "Felipe"}

var lastNames = []string{"García", "López", "Martín", "Torres", "Ruiz", "Fernández", "Sánchez", "Romero", "Navarro", "Gil",
	"Müller", "Schmidt", "Weber", "Fischer", "Becker", "Dubois", "Moreau", "Laurent", "Silva", "Santos",
	"Smith", "Johnson", "Brown", "Taylor", "Wilson", "Nair", "Patel", "Khan", "Tanaka", "Sato",
	"Rossi", "Bianchi", "Costa", "Jansen", "de Vries", "Novak", "Kowalski", "Andersen", "Nielsen", "Murphy",
	"Herrera", "Castillo", "Vargas", "Morales", "Ortiz", "Delgado", "Rojas", "Mendoza", "Cruz", "Reyes"}

var orgStems = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Soylent", "Tyrell", "Cyberdyne",
	"Wonka", "Stark", "Wayne", "Nakatomi", "Oscorp", "Pied Piper", "Aperture", "Massive Dynamic", "Gringotts",
	"Monarch", "Dunder", "Bluth", "Prestige", "Sirius", "Vortex", "Nimbus", "Helix", "Quanta", "Lumen", "Arbor", "Zephyr"}

var orgSuffixes = []string{"", " Labs", " Analytics", " Systems", " Partners", " Studio", " Group", " Ventures", " Digital", " Health"}

// Generate builds the workspace and hands it to emit in batches that can be
// written in order: every batch refers only to entities of itself or of
// earlier batches. meID is the id of the owner's person, which the first batch
// creates; ownerID is the owner's user id, the author of the demo's notes.
func Generate(opt Options, ownerID string, emit func(b *graph.Batch) error) (meID string, err error) {
	if opt.People <= 0 {
		opt.People = 2000
	}
	if opt.People < 50 {
		return "", graph.FieldErrorf("people", "The demo needs at least 50 people.")
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.AsOf.IsZero() {
		opt.AsOf = time.Now().UTC().Truncate(24 * time.Hour)
	}
	// Ids come from a source of their own, salted with the owner's id: ids are
	// global in the database, so two demo workspaces must not share them, while
	// the content stays the same for the same seed.
	salt := fnv.New64a()
	salt.Write([]byte(ownerID))
	g := &gen{opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, 0x6e65786f)), owner: ownerID, emit: emit,
		ids: rand.New(rand.NewPCG(opt.Seed, salt.Sum64())), tieSet: map[[2]int32]bool{}}
	g.build()
	return g.people[0].ID, g.flush()
}

type member struct {
	community int
	pastOrg   int // -1: none
}

type community struct {
	org    int
	sector int
	city   string
	people []int32
}

type gen struct {
	opt   Options
	rng   *rand.Rand
	ids   *rand.Rand
	owner string
	emit  func(*graph.Batch) error

	orgs        []*graph.Organization
	people      []*graph.Person
	members     []member
	communities []community
	jobs        []*graph.Employment
	ties        []*graph.Tie
	tieSet      map[[2]int32]bool
	meTies      []int // indexes into ties of my ties
	interacts   []*graph.Interaction
	intros      []*graph.Introduction
	notes       []*graph.Note
	cast        cast
	idx         map[string]int
}

func (g *gen) id() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.ids.UintN(256))
	}
	return graph.FormatID(b)
}

func (g *gen) pick(l []string) string { return l[g.rng.IntN(len(l))] }

func (g *gen) daysAgo(d float64) time.Time {
	return g.opt.AsOf.Add(-time.Duration(d * 24 * float64(time.Hour))).Truncate(time.Minute)
}

// build lays out organisations, people, ties, interactions and introductions.
func (g *gen) build() {
	n := g.opt.People + 1 // + me
	// Organisations: one per community of ~40 people, named from a stem and a suffix.
	nComm := max(6, n/40)
	for c := 0; c < nComm; c++ {
		stem := orgStems[c%len(orgStems)]
		suffix := orgSuffixes[(c/len(orgStems))%len(orgSuffixes)]
		name := stem + suffix
		if c >= len(orgStems)*len(orgSuffixes) {
			name = fmt.Sprintf("%s %d", name, c/(len(orgStems)*len(orgSuffixes))+1)
		}
		g.orgs = append(g.orgs, &graph.Organization{ID: g.id(), Name: name,
			Domain: domainOf(name)})
		sec := c % len(sectors)
		// The first organisations have fixed roles in the four situations.
		switch name {
		case "Acme", "Initech", "Globex":
			sec = 1 // software
		case "Umbrella":
			sec = 0 // data
		case "Hooli":
			sec = 8 // venture
		case "Vandelay":
			sec = 7 // legal
		}
		g.communities = append(g.communities, community{org: c, sector: sec, city: cities[c%len(cities)]})
	}
	// People: me first, then each person joins a community.
	for i := 0; i < n; i++ {
		c := 0 // me at Acme
		if i > 0 {
			c = g.rng.IntN(nComm)
		}
		sec := sectors[g.communities[c].sector]
		first, last := g.pick(firstNames), g.pick(lastNames)
		for castNames[first+" "+last] { // the cast's names stay unique, so the walkthrough can use them
			first, last = g.pick(firstNames), g.pick(lastNames)
		}
		p := &graph.Person{ID: g.id(), FirstName: first, LastName: last, Name: first + " " + last,
			Title: g.pick(sec.titles), Location: g.communities[c].city, Source: "demo"}
		p.Skills = uniq(g.pick(sec.skills), g.pick(sec.skills))
		if g.rng.Float64() < 0.15 {
			p.Needs = []string{g.pick(sec.needs)}
		}
		if g.rng.Float64() < 0.05 {
			p.Tags = append(p.Tags, "mentor")
		}
		if i == 0 {
			p.FirstName, p.LastName, p.Name = "Alex", "Rivera", MeName
			p.Title, p.Location = "Product Manager", "Madrid"
			p.Skills, p.Needs = []string{"roadmapping", "user interviews"}, []string{"mentor in data analysis"}
		}
		p.Emails = []string{emailOf(p.FirstName, p.LastName, i, g.orgs[g.communities[c].org].Domain)}
		g.people = append(g.people, p)
		past := -1
		if i > 0 && g.rng.Float64() < 0.3 {
			past = g.rng.IntN(nComm)
			if past == c {
				past = -1
			}
		}
		g.members = append(g.members, member{community: c, pastOrg: past})
		g.communities[c].people = append(g.communities[c].people, int32(i))
		g.addJob(i, g.communities[c].org, p.Title, g.daysAgo(float64(200+g.rng.IntN(2000))), time.Time{})
		if past >= 0 {
			end := g.daysAgo(float64(400 + g.rng.IntN(800)))
			g.addJob(i, past, g.pick(sectors[g.communities[past].sector].titles), end.AddDate(-3, 0, 0), end)
		}
	}
	g.scenarios()
	g.buildTies()
	g.buildInteractions()
	g.buildIntroductions()
}

func (g *gen) addJob(person, org int, title string, start, end time.Time) {
	g.jobs = append(g.jobs, &graph.Employment{ID: g.id(), PersonID: g.people[person].ID,
		OrganizationID: g.orgs[org].ID, Title: title, Start: start, End: end})
}

func (g *gen) orgIndex(name string) int {
	for i, o := range g.orgs {
		if o.Name == name {
			return i
		}
	}
	return 0
}

// castNames are the names of me and the people of the four situations.
var castNames = map[string]bool{MeName: true, "Marta López": true, "Diego Ruiz": true, "Sofía Martín": true,
	"Ana García": true, "Elena Torres": true, "Priya Nair": true, "Jonas Weber": true}

// cast holds the indexes of the people of the four situations.
type cast struct{ marta, diego, sofia, ana, elena, priya, jonas int }

// scenarios rewrites a few generated people into the cast of the four
// situations and moves them to their organisations.
func (g *gen) scenarios() {
	set := func(i int, first, last, title string, org string, skills, tags, needs []string) {
		p := g.people[i]
		p.FirstName, p.LastName, p.Name, p.Title = first, last, first+" "+last, title
		p.Skills, p.Tags, p.Needs = skills, tags, needs
		p.Emails = []string{emailOf(first, last, i, g.orgs[g.orgIndex(org)].Domain)}
		// Their current job moves to the named organisation.
		for _, j := range g.jobs {
			if j.PersonID == p.ID && j.End.IsZero() {
				j.OrganizationID = g.orgs[g.orgIndex(org)].ID
				j.Title = title
			}
		}
	}
	g.cast = cast{marta: 1, diego: 2, sofia: 3, ana: 4, elena: 5, priya: 6, jonas: 7}
	roles := g.cast
	set(roles.marta, "Marta", "López", "Engineering Manager", "Globex", []string{"go", "hiring"}, nil, []string{"hiring engineers"})
	set(roles.diego, "Diego", "Ruiz", "Founder & CEO", "Pied Piper", []string{"fundraising", "go"}, []string{"founder"}, nil)
	set(roles.sofia, "Sofía", "Martín", "Angel Investor", "Hooli", []string{"seed investing", "due diligence"}, []string{"investor"}, []string{"deal flow"})
	set(roles.ana, "Ana", "García", "Data Scientist", "Umbrella", []string{"python", "machine learning"}, []string{"friend"}, nil)
	set(roles.elena, "Elena", "Torres", "Head of Data", "Umbrella", []string{"data analysis", "statistics"}, []string{"mentor"}, nil)
	set(roles.priya, "Priya", "Nair", "Security Engineer", "Initech", []string{"security"}, nil, []string{"gdpr advice"})
	set(roles.jonas, "Jonas", "Weber", "Compliance Officer", "Vandelay", []string{"gdpr compliance", "contracts"},
		[]string{"solved: gdpr compliance"}, nil)
	// Marta and I worked together at Initech before.
	initech := g.orgIndex("Initech")
	end := g.daysAgo(1000)
	g.addJob(0, initech, "Product Manager", end.AddDate(-3, 0, 0), end)
	g.addJob(roles.marta, initech, "Senior Engineer", end.AddDate(-3, 0, 0), end.AddDate(0, 2, 0))
}

func (g *gen) tie(a, b int32, source graph.TieSource, since time.Time, context string) int {
	if a == b {
		return -1
	}
	if a > b {
		a, b = b, a
	}
	if g.tieSet[[2]int32{a, b}] {
		return -1
	}
	g.tieSet[[2]int32{a, b}] = true
	pa, pb := g.people[a].ID, g.people[b].ID
	if pa > pb { // the store's order: by id
		pa, pb = pb, pa
	}
	g.ties = append(g.ties, &graph.Tie{ID: g.id(), PersonA: pa, PersonB: pb,
		Source: source, Since: since, Context: context})
	if a == 0 {
		g.meTies = append(g.meTies, len(g.ties)-1)
	}
	return len(g.ties) - 1
}

// buildTies: dense circles of colleagues, ex-colleagues, random weak ties,
// brokers who span many circles, me, and the cast's chains.
func (g *gen) buildTies() {
	n := int32(len(g.people))
	for _, c := range g.communities {
		org := g.orgs[c.org].Name
		for _, p := range c.people {
			for k := 0; k < 6; k++ {
				q := c.people[g.rng.IntN(len(c.people))]
				g.tie(p, q, graph.TieImported, g.daysAgo(float64(100+g.rng.IntN(1500))), "colleagues at "+org)
			}
		}
	}
	for i, m := range g.members {
		if m.pastOrg >= 0 {
			past := g.communities[m.pastOrg]
			for k := 0; k < 2 && len(past.people) > 0; k++ {
				q := past.people[g.rng.IntN(len(past.people))]
				g.tie(int32(i), q, graph.TieImported, g.daysAgo(float64(800+g.rng.IntN(1000))),
					"worked together at "+g.orgs[past.org].Name)
			}
		}
		if g.rng.Float64() < 0.7 {
			g.tie(int32(i), g.rng.Int32N(n), graph.TieImported, g.daysAgo(float64(100+g.rng.IntN(2000))), "met at a conference")
		}
		if g.rng.Float64() < 0.01 { // a broker
			g.people[i].Tags = append(g.people[i].Tags, "connector")
			for k := 0; k < 15; k++ {
				g.tie(int32(i), g.rng.Int32N(n), graph.TieImported, g.daysAgo(float64(100+g.rng.IntN(2000))), "")
			}
		}
	}
	// Me: my whole circle at Acme, ex-colleagues at Initech, and weak ties everywhere.
	for _, q := range g.communities[0].people {
		g.tie(0, q, graph.TieImported, g.daysAgo(float64(300+g.rng.IntN(600))), "colleagues at Acme")
	}
	for _, q := range g.communities[g.orgIndex("Initech")].people[:min(8, len(g.communities[g.orgIndex("Initech")].people))] {
		g.tie(0, q, graph.TieImported, g.daysAgo(1500), "worked together at Initech")
	}
	for k := 0; k < 60+min(200, g.opt.People/200); k++ {
		g.tie(0, g.rng.Int32N(n), graph.TieImported, g.daysAgo(float64(60+g.rng.IntN(2000))), "")
	}
	r := g.cast
	g.tie(0, int32(r.marta), graph.TieImported, g.daysAgo(1900), "worked together at Initech")
	g.tie(0, int32(r.diego), graph.TieImported, g.daysAgo(1200), "met at a startup weekend")
	g.tie(int32(r.diego), int32(r.sofia), graph.TieImported, g.daysAgo(900), "Sofía invested in Diego's first company")
	g.tie(0, int32(r.ana), graph.TieImported, g.daysAgo(2500), "university friends")
	g.tie(int32(r.ana), int32(r.elena), graph.TieImported, g.daysAgo(700), "colleagues at Umbrella")
	g.tie(0, int32(r.priya), graph.TieImported, g.daysAgo(400), "met at a conference")
	g.tie(int32(r.priya), int32(r.jonas), graph.TieImported, g.daysAgo(600), "ran a GDPR audit together")
}

// rhythm says how often a tie interacts: mean days between touchpoints, and
// kinds that fit.
type rhythm struct {
	every float64
	kinds []graph.InteractionKind
}

var (
	close_  = rhythm{21, []graph.InteractionKind{graph.KindCoffee, graph.KindMeeting, graph.KindCall, graph.KindMessage}}
	regular = rhythm{75, []graph.InteractionKind{graph.KindCall, graph.KindEmail, graph.KindMessage, graph.KindCoffee}}
	light   = rhythm{240, []graph.InteractionKind{graph.KindMessage, graph.KindEmail, graph.KindEvent}}
)

// buildInteractions writes three years of history: my ties each get a
// rhythm, and a third of them stopped some months ago (dormant); other ties
// get a few touchpoints.
func (g *gen) buildInteractions() {
	const history = 3 * 365.0
	me := g.people[0].ID
	c := g.cast
	story := map[string]float64{ // days since the last touchpoint, for the four situations
		g.people[c.marta].ID: 420, g.people[c.diego].ID: 30, g.people[c.ana].ID: 12, g.people[c.priya].ID: 250,
	}
	for _, ti := range g.meTies {
		t := g.ties[ti]
		r := light
		switch x := g.rng.Float64(); {
		case x < 0.2:
			r = close_
		case x < 0.55:
			r = regular
		}
		stop := 0.0 // days ago the interactions stopped
		if g.rng.Float64() < 0.35 {
			stop = 190 + g.rng.Float64()*500
		}
		if stop2, ok := story[t.Other(me)]; ok {
			r, stop = regular, stop2
		}
		g.series(t, r, history, stop, me)
	}
	// The second links of the four situations are live relationships.
	chain := map[[2]string]bool{}
	for _, pair := range [][2]int{{c.diego, c.sofia}, {c.ana, c.elena}, {c.priya, c.jonas}} {
		a, b := g.people[pair[0]].ID, g.people[pair[1]].ID
		chain[[2]string{min(a, b), max(a, b)}] = true
	}
	for i, t := range g.ties {
		if t.PersonA == g.people[0].ID || t.PersonB == g.people[0].ID {
			continue
		}
		if chain[[2]string{t.PersonA, t.PersonB}] {
			g.series(t, regular, history, 20, t.PersonA)
			continue
		}
		if g.rng.Float64() < 0.6 {
			g.series(g.ties[i], light, history, g.rng.Float64()*300, "")
		}
	}
}

// series adds touchpoints from history days ago until stop days ago, at the
// rhythm's pace. With me set, the tie is mine: the series spans the whole
// history and has favours now and then, named from my side. Other ties get
// one to three touchpoints.
func (g *gen) series(t *graph.Tie, r rhythm, history, stop float64, me string) {
	day, limit := history, 1<<30
	if me == "" {
		day, limit = history*g.rng.Float64(), 1+g.rng.IntN(3)
	}
	for n := 0; day > stop && n < limit; n++ {
		kind := r.kinds[g.rng.IntN(len(r.kinds))]
		initiator := t.PersonA
		if g.rng.Float64() < 0.5 {
			initiator = t.PersonB
		}
		if me != "" && g.rng.Float64() < 0.06 {
			kind, initiator = graph.KindFavourGiven, me
			if g.rng.Float64() < 0.5 {
				kind, initiator = graph.KindFavourReceived, t.Other(me)
			}
		}
		g.interacts = append(g.interacts, &graph.Interaction{ID: g.id(), Kind: kind, At: g.daysAgo(day - g.rng.Float64()*min(1, day)),
			ParticipantIDs: []string{t.PersonA, t.PersonB}, InitiatorID: initiator})
		day -= r.every * (0.5 + g.rng.Float64())
	}
}

func otherOf(pair []string, id string) string {
	if pair[0] == id {
		return pair[1]
	}
	return pair[0]
}

// buildIntroductions records a few introductions among my contacts, and
// notes on my closest people.
func (g *gen) buildIntroductions() {
	me := g.people[0].ID
	adj := make([][]int32, len(g.people))
	for _, t := range g.ties {
		a, b := int32(g.indexOf(t.PersonA)), int32(g.indexOf(t.PersonB))
		adj[a] = append(adj[a], b)
		adj[b] = append(adj[b], a)
	}
	statuses := []graph.IntroStatus{graph.IntroRequested, graph.IntroMade, graph.IntroAccepted, graph.IntroDeclined}
	for k := 0; k < min(40, len(g.meTies)/3); k++ {
		introducer := g.ties[g.meTies[g.rng.IntN(len(g.meTies))]].Other(me)
		ii := g.indexOf(introducer)
		// Someone the introducer knows and I do not.
		var target string
		for _, o := range adj[ii] {
			if o != 0 && !g.tieSet[pairOf(0, o)] {
				target = g.people[o].ID
				break
			}
		}
		if target == "" {
			continue
		}
		st := statuses[g.rng.IntN(len(statuses))]
		asked := g.daysAgo(float64(10 + g.rng.IntN(500)))
		in := &graph.Introduction{ID: g.id(), IntroducerID: introducer, PersonID: me, TargetID: target, Status: st,
			Reason: "would like to learn about their work", RequestedBy: g.owner, RequestedAt: asked}
		if st != graph.IntroRequested {
			in.MadeAt = asked.Add(72 * time.Hour)
		}
		if st == graph.IntroAccepted {
			in.RespondedAt = in.MadeAt.Add(48 * time.Hour)
			in.Outcome = "had a great call"
		}
		if st == graph.IntroMade || st == graph.IntroAccepted {
			// A made introduction produced a tie, as the store records it.
			if ti := g.tie(0, int32(g.indexOf(target)), graph.TieIntroduced, in.MadeAt, "introduced by "+g.people[ii].Name); ti >= 0 {
				in.TieID = g.ties[ti].ID
			}
		}
		if st == graph.IntroDeclined {
			in.RespondedAt = in.RequestedAt.Add(96 * time.Hour)
			in.MadeAt = time.Time{}
		}
		g.intros = append(g.intros, in)
	}
	// A request waiting on Diego, and notes on the cast.
	roles := g.cast
	g.intros = append(g.intros, &graph.Introduction{ID: g.id(), IntroducerID: g.people[roles.diego].ID, PersonID: me,
		TargetID: g.people[roles.sofia].ID, Status: graph.IntroRequested, Reason: "pre-seed round for my venture",
		RequestedBy: g.owner, RequestedAt: g.daysAgo(9)})
	for _, nt := range []struct {
		who  int
		body string
	}{
		{roles.marta, "Great engineer; we shipped the billing rewrite together at Initech. Now at Globex."},
		{roles.ana, "Best friend from university. Knows everyone in data science in Madrid."},
		{roles.diego, "Building his second startup; raised from Sofía Martín last time."},
	} {
		g.notes = append(g.notes, &graph.Note{ID: g.id(), PersonID: g.people[nt.who].ID, AuthorID: g.owner, Body: nt.body, Source: "demo"})
	}
}

func pairOf(a, b int32) [2]int32 {
	if a > b {
		a, b = b, a
	}
	return [2]int32{a, b}
}

func (g *gen) indexOf(id string) int {
	if g.idx == nil {
		g.idx = make(map[string]int, len(g.people))
		for i, p := range g.people {
			g.idx[p.ID] = i
		}
	}
	return g.idx[id]
}

// flush emits the workspace in ordered batches.
func (g *gen) flush() error {
	if err := g.emit(&graph.Batch{Organizations: g.orgs}); err != nil {
		return err
	}
	jobsOf := map[string][]*graph.Employment{}
	for _, j := range g.jobs {
		jobsOf[j.PersonID] = append(jobsOf[j.PersonID], j)
	}
	for start := 0; start < len(g.people); start += peoplePerBatch {
		b := &graph.Batch{People: g.people[start:min(start+peoplePerBatch, len(g.people))]}
		for _, p := range b.People {
			b.Employments = append(b.Employments, jobsOf[p.ID]...)
		}
		if err := g.emit(b); err != nil {
			return err
		}
	}
	for start := 0; start < len(g.ties); start += rowsPerBatch {
		if err := g.emit(&graph.Batch{Ties: g.ties[start:min(start+rowsPerBatch, len(g.ties))]}); err != nil {
			return err
		}
	}
	for start := 0; start < len(g.interacts); start += rowsPerBatch {
		if err := g.emit(&graph.Batch{Interactions: g.interacts[start:min(start+rowsPerBatch, len(g.interacts))]}); err != nil {
			return err
		}
	}
	return g.emit(&graph.Batch{Introductions: g.intros, Notes: g.notes})
}

func uniq(l ...string) []string { return graph.CleanList(l) }

// domainOf makes a web domain of an organisation name: "Pied Piper Labs" → "piedpiperlabs.example".
func domainOf(name string) string {
	var b []rune
	for _, r := range name {
		switch {
		case r >= 'A' && r <= 'Z':
			b = append(b, r+'a'-'A')
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b = append(b, r)
		}
	}
	return string(b) + ".example"
}

// emailOf makes a unique, obviously fake address.
func emailOf(first, last string, i int, domain string) string {
	return fmt.Sprintf("%s.%s.%d@%s", ascii(first), ascii(last), i, domain)
}

// ascii keeps the ASCII letters of s, lower-cased, folding common accents.
func ascii(s string) string {
	fold := map[rune]rune{'á': 'a', 'é': 'e', 'í': 'i', 'ó': 'o', 'ú': 'u', 'ñ': 'n', 'ü': 'u', 'ö': 'o', 'ä': 'a',
		'ç': 'c', 'ê': 'e', 'è': 'e', 'ã': 'a', 'ô': 'o', 'Á': 'a', 'É': 'e', 'Ó': 'o'}
	var b []rune
	for _, r := range s {
		if f, ok := fold[r]; ok {
			r = f
		}
		switch {
		case r >= 'A' && r <= 'Z':
			b = append(b, r+'a'-'A')
		case r >= 'a' && r <= 'z':
			b = append(b, r)
		}
	}
	return string(b)
}
