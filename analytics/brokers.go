package analytics

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// BrokerOpportunity is an introduction a member could make: two of their
// contacts who do not know each other and have something to give each other.
type BrokerOpportunity struct {
	A       int32    `json:"-"`
	B       int32    `json:"-"`
	PersonA string   `json:"person_a"`
	PersonB string   `json:"person_b"`
	NameA   string   `json:"name_a"`
	NameB   string   `json:"name_b"`
	Via     string   `json:"via"` // the member best placed to introduce them (person id)
	Score   float64  `json:"score"`
	Reasons []Reason `json:"reasons"`
}

// BrokerOptions tunes BrokerOpportunities.
type BrokerOptions struct {
	Limit int // opportunities to return; default 20
	// MaxShared skips attributes (tags, skills, organisations) that more
	// than this many contacts share: they say little about a pair; default 50.
	MaxShared int
}

// BrokerOpportunities finds the structural holes in the ego networks of
// egos (one member, or every member of a team) that are worth bridging —
// Burt's (1992) broker "introducing people who can benefit each other".
// A pair (a, b) of contacts qualifies when a and b are not tied and one
// needs what the other offers (a Need matching the other's Skills or Tags)
// or they share an interest (a tag, a skill) or an organisation. It scores
//
//	score = value · hole · warmth
//	value = Σ need→offer matches + Σ_shared 0.3·idf(attribute)
//	        (idf = ln(contacts / contacts with it), organisations count 0.2)
//	hole  = (1 if a and b are in different circles, else 0.5) / (1 + mutual)
//	warmth = √(w_ma · w_mb), the introducer's tie strengths to a and b
//
// where mutual counts the contacts a and b already share other than the
// egos. The best-placed ego is the one with the highest warmth.
func (net *Network) BrokerOpportunities(egos []int32, opt BrokerOptions) []BrokerOpportunity {
	if opt.Limit <= 0 {
		opt.Limit = 20
	}
	if opt.MaxShared <= 0 {
		opt.MaxShared = 50
	}
	isEgo := map[int32]bool{}
	for _, e := range egos {
		net.checkPerson(e)
		isEgo[e] = true
	}
	var contacts []int32
	inC := map[int32]bool{}
	for _, e := range egos {
		for _, c := range net.Neighbors(e) {
			if !isEgo[c] && !inC[c] {
				inC[c] = true
				contacts = append(contacts, c)
			}
		}
	}
	slices.Sort(contacts)
	if len(contacts) < 2 {
		return nil
	}
	type attr struct{ kind, key, label string }
	holders := map[attr][]int32{}
	spelled := map[string]string{}
	norm := func(v string) string {
		k := strings.ToLower(strings.TrimSpace(v))
		if _, ok := spelled[k]; !ok {
			spelled[k] = strings.TrimSpace(v)
		}
		return k
	}
	offers := map[string][]int32{} // skill or tag → contacts offering it
	for _, c := range contacts {
		p := &net.snap.People[c]
		for _, t := range p.Tags {
			k := norm(t)
			holders[attr{"tag", k, spelled[k]}] = append(holders[attr{"tag", k, spelled[k]}], c)
			offers[k] = append(offers[k], c)
		}
		for _, s := range p.Skills {
			k := norm(s)
			holders[attr{"skill", k, spelled[k]}] = append(holders[attr{"skill", k, spelled[k]}], c)
			offers[k] = append(offers[k], c)
		}
		seenOrg := map[int32]bool{}
		for _, j := range p.Jobs {
			if j.Org < 0 || int(j.Org) >= len(net.snap.Organizations) || seenOrg[j.Org] {
				continue
			}
			seenOrg[j.Org] = true
			name := net.snap.Organizations[j.Org].Name
			a := attr{"org", "org:" + net.snap.Organizations[j.Org].ID, name}
			holders[a] = append(holders[a], c)
		}
	}
	type acc struct {
		value   float64
		reasons []Reason
	}
	pairs := map[[2]int32]*acc{}
	get := func(a, b int32) *acc {
		if a > b {
			a, b = b, a
		}
		k := [2]int32{a, b}
		p := pairs[k]
		if p == nil {
			p = &acc{}
			pairs[k] = p
		}
		return p
	}
	// Needs met by another contact's skills or tags (substring either way).
	offerKeys := make([]string, 0, len(offers))
	for k := range offers {
		offerKeys = append(offerKeys, k)
	}
	slices.Sort(offerKeys)
	for _, a := range contacts {
		for _, need := range net.snap.People[a].Needs {
			nk := strings.ToLower(strings.TrimSpace(need))
			if nk == "" {
				continue
			}
			for _, ok := range offerKeys {
				if !strings.Contains(nk, ok) && !strings.Contains(ok, nk) {
					continue
				}
				for _, b := range offers[ok] {
					if b == a {
						continue
					}
					p := get(a, b)
					p.value++
					p.reasons = append(p.reasons, reason(ReasonNeedsOffers, "name_a", net.Name(a),
						"need", strings.TrimSpace(need), "name_b", net.Name(b), "offer", spelled[ok]))
				}
			}
		}
	}
	// Shared interests and organisations, weighted by rarity.
	keys := make([]attr, 0, len(holders))
	for a := range holders {
		keys = append(keys, a)
	}
	slices.SortFunc(keys, func(x, y attr) int { return cmp.Or(cmp.Compare(x.kind, y.kind), cmp.Compare(x.key, y.key)) })
	for _, a := range keys {
		hs := slices.Compact(holders[a])
		if len(hs) < 2 || len(hs) > opt.MaxShared {
			continue
		}
		idf := math.Log(float64(len(contacts)) / float64(len(hs)))
		w, why := 0.3*idf, reason(ReasonBothInto, "topic", a.label)
		switch a.kind {
		case "org":
			w, why = 0.2*idf, reason(ReasonBothWorkedAt, "org", a.label)
		case "skill":
			why = reason(ReasonBothKnow, "skill", a.label)
		}
		for i, x := range hs {
			for _, y := range hs[i+1:] {
				p := get(x, y)
				p.value += w
				p.reasons = append(p.reasons, why)
			}
		}
	}
	comm := net.Communities()
	var out []BrokerOpportunity
	for k, p := range pairs {
		a, b := k[0], k[1]
		if p.value <= 0 || net.TieBetween(a, b) >= 0 {
			continue
		}
		mutual := 0
		for _, x := range net.Neighbors(a) {
			if !isEgo[x] && net.TieBetween(x, b) >= 0 {
				mutual++
			}
		}
		hole := 1.0
		ca, cb := comm.Of[a], comm.Of[b]
		if ca == cb {
			hole = 0.5
		}
		hole /= float64(1 + mutual)
		via, warmth := int32(-1), 0.0
		for _, e := range egos {
			sa, okA := net.Strength(e, a)
			sb, okB := net.Strength(e, b)
			if okA && okB && math.Sqrt(sa*sb) > warmth {
				via, warmth = e, math.Sqrt(sa*sb)
			}
		}
		if via < 0 { // a team: a and b are known by different members
			for _, e := range egos {
				for _, f := range egos {
					sa, okA := net.Strength(e, a)
					sb, okB := net.Strength(f, b)
					if okA && okB && math.Sqrt(sa*sb)/2 > warmth {
						via, warmth = e, math.Sqrt(sa*sb)/2
					}
				}
			}
		}
		reasons := slices.CompactFunc(p.reasons, sameReason)
		if ca != cb {
			reasons = append(reasons, reason(ReasonDifferentCircles, "circle_a", comm.Circles[ca].Label,
				"circle_b", comm.Circles[cb].Label))
		}
		reasons = append(reasons, reason(ReasonMutualBesidesYou, "count", mutual))
		out = append(out, BrokerOpportunity{A: a, B: b, PersonA: net.ID(a), PersonB: net.ID(b),
			NameA: net.Name(a), NameB: net.Name(b), Via: net.ID(via),
			Score: p.value * hole * warmth, Reasons: reasons})
	}
	slices.SortFunc(out, func(x, y BrokerOpportunity) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	return out[:min(len(out), opt.Limit)]
}
