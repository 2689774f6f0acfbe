package analytics

import (
	"math"
	"strings"
	"time"

	"github.com/nexohq/nexo/graph"
)

// StrengthModel turns a tie's history into a strength in (0, 1]. Granovetter
// (1973) defines tie strength as "a (probably linear) combination of the
// amount of time, the emotional intensity, the intimacy (mutual confiding),
// and the reciprocal services which characterize the tie"; the components
// below measure what a contact manager can observe of those dimensions:
//
//	recency      r = 2^(-Δ/HalfLife)             Δ = now - last interaction
//	frequency    f = min(1, ln(1+n_w) / ln(1+FrequencySaturation))
//	                                              n_w = interactions within Window
//	depth        d = mean depth weight of the interactions
//	                 (meeting 1, coffee .9, favour .8, call .7, event .5, email .4, message .25)
//	reciprocity  q = 1 - |a-b|/(a+b) over who initiated (a, b) and, pooled,
//	                 over favours given by each side; .5 when interactions
//	                 exist but no initiator is known, 0 with no interactions
//	duration     u = 1 - 2^(-years/DurationHalf)  since the tie's Since or
//	                                              first interaction
//	shared org   o = 1 working together (both current, or overlapping
//	                 dates), .5 at the same organisation at other or
//	                 unknown times, 0 otherwise
//
//	strength = Floor + (1-Floor) · Σ_c weight_c · x_c   (weights sum to 1)
//
// so every tie is in [Floor, 1]; a manual override replaces the result.
// Interactions after the Network's now are ignored, so a Network built for
// a past date sees the tie as it was then.
// Products score contacts the same way on a 10–100 scale with recency and
// frequency weighing most; TieStrength.Score is 100 × strength.
type StrengthModel struct {
	HalfLife            time.Duration // recency half-life; default 90 days
	Window              time.Duration // frequency window; default 365 days
	FrequencySaturation int           // interactions in Window for f = 1; default 24
	DurationHalf        float64       // years for u = 1/2; default 2
	Floor               float64       // strength of a tie with no evidence; default 0.05
	Weights             ComponentWeights
}

// ComponentWeights weighs the strength components. They are normalised to
// sum to 1; all zero means the defaults.
type ComponentWeights struct {
	Recency, Frequency, Depth, Reciprocity, Duration, SharedOrg float64
}

// DefaultStrengthModel is the model NewNetwork uses unless told otherwise.
var DefaultStrengthModel = StrengthModel{
	HalfLife:            90 * 24 * time.Hour,
	Window:              365 * 24 * time.Hour,
	FrequencySaturation: 24,
	DurationHalf:        2,
	Floor:               0.05,
	Weights: ComponentWeights{Recency: 0.30, Frequency: 0.20, Depth: 0.15,
		Reciprocity: 0.10, Duration: 0.10, SharedOrg: 0.15},
}

// DepthWeights is how much one interaction of each kind says about a tie.
var DepthWeights = map[graph.InteractionKind]float64{
	graph.KindMeeting:        1,
	graph.KindCoffee:         0.9,
	graph.KindFavourGiven:    0.8,
	graph.KindFavourReceived: 0.8,
	graph.KindCall:           0.7,
	graph.KindEvent:          0.5,
	graph.KindEmail:          0.4,
	graph.KindMessage:        0.25,
}

func (m StrengthModel) withDefaults() StrengthModel {
	d := DefaultStrengthModel
	if m.HalfLife > 0 {
		d.HalfLife = m.HalfLife
	}
	if m.Window > 0 {
		d.Window = m.Window
	}
	if m.FrequencySaturation > 0 {
		d.FrequencySaturation = m.FrequencySaturation
	}
	if m.DurationHalf > 0 {
		d.DurationHalf = m.DurationHalf
	}
	if m.Floor > 0 && m.Floor <= 1 {
		d.Floor = m.Floor
	}
	w := m.Weights
	sum := w.Recency + w.Frequency + w.Depth + w.Reciprocity + w.Duration + w.SharedOrg
	if sum > 0 {
		d.Weights = ComponentWeights{w.Recency / sum, w.Frequency / sum, w.Depth / sum,
			w.Reciprocity / sum, w.Duration / sum, w.SharedOrg / sum}
	}
	return d
}

// tieStats is what a tie's events and the two people's jobs say about it.
type tieStats struct {
	count, window int
	captured      int
	first, last   int64
	upcoming      int   // planned: events after now, which count from their date on
	next          int64 // the first of them
	depthSum      float64
	initA, initB  int // who reached out, favours excluded
	favA, favB    int // favours given by each side
	kinds         map[graph.InteractionKind]int
	since         int64
	override      float64
	context       string
	org           float64 // shared-organisation component
	orgName       string
	recency, freq float64
	depth, recip  float64
	duration      float64
}

// tieStats gathers the statistics of edge e at net.now; with detail it also
// keeps what the explanation needs.
func (net *Network) tieStats(e int32, now int64, detail bool) tieStats {
	s := net.snap
	var st tieStats
	if detail {
		st.kinds = make(map[graph.InteractionKind]int)
	}
	ties := []int32{net.etie[e]}
	if d := net.dups[e]; d != nil {
		ties = append(ties, d...)
	}
	for _, ti := range ties {
		t := &s.Ties[ti]
		if t.Override > st.override {
			st.override = t.Override
		}
		if t.Since != 0 && (st.since == 0 || t.Since < st.since) { // 0: unknown; before 1970 is negative
			st.since = t.Since
		}
		if st.context == "" {
			st.context = t.Context
		}
	}
	windowStart := now - int64(net.model.Window/time.Second)
	evs := net.evIdx[net.evOff[e]:net.evOff[e+1]]
	for k, i := range evs {
		ev := &s.Events[i]
		if ev.At > now {
			// Sorted by time: the rest is planned (a meeting next week),
			// and counts once its day has come.
			st.upcoming, st.next = len(evs)-k, ev.At
			break
		}
		st.count++
		if ev.Captured {
			st.captured++
		}
		if st.count == 1 {
			st.first = ev.At
		}
		st.last = ev.At
		if ev.At >= windowStart && ev.At <= now {
			st.window++
		}
		st.depthSum += DepthWeights[ev.Kind]
		// The initiator refers to the snapshot tie's A and B; a merged
		// duplicate may be oriented either way, which the balance below
		// does not notice.
		a := ev.Initiator == 1
		if ev.Kind.IsFavour() {
			switch ev.Initiator {
			case 1:
				st.favA++
			case 2:
				st.favB++
			}
		} else if ev.Initiator != 0 {
			if a {
				st.initA++
			} else {
				st.initB++
			}
		}
		if detail {
			st.kinds[ev.Kind]++
		}
	}
	m := &net.model
	if st.count > 0 {
		age := float64(now-st.last) / 86400
		st.recency = math.Exp2(-max(age, 0) / (m.HalfLife.Hours() / 24))
		st.freq = math.Min(1, math.Log1p(float64(st.window))/math.Log1p(float64(m.FrequencySaturation)))
		st.depth = st.depthSum / float64(st.count)
		st.recip = reciprocity(st.initA, st.initB, st.favA, st.favB)
	}
	start := st.since
	if st.count > 0 && (start == 0 || st.first < start) {
		start = st.first
	}
	if start != 0 {
		years := float64(now-start) / (365.25 * 86400)
		st.duration = 1 - math.Exp2(-max(years, 0)/m.DurationHalf)
	}
	st.org, st.orgName = net.sharedOrg(net.ea[e], net.eb[e], now, detail)
	return st
}

func reciprocity(initA, initB, favA, favB int) float64 {
	var sum float64
	var parts int
	if t := initA + initB; t > 0 {
		sum += 1 - math.Abs(float64(initA-initB))/float64(t)
		parts++
	}
	if t := favA + favB; t > 0 {
		sum += 1 - math.Abs(float64(favA-favB))/float64(t)
		parts++
	}
	if parts == 0 {
		return 0.5
	}
	return sum / float64(parts)
}

// sharedOrg scores the organisations a and b have in common (see
// StrengthModel) and, with detail, names the best one.
func (net *Network) sharedOrg(a, b int32, now int64, detail bool) (float64, string) {
	ja, jb := net.snap.People[a].Jobs, net.snap.People[b].Jobs
	if len(ja) == 0 || len(jb) == 0 {
		return 0, ""
	}
	best, bestOrg := 0.0, int32(-1)
	for _, x := range ja {
		for _, y := range jb {
			if x.Org != y.Org {
				continue
			}
			v := 0.5
			switch {
			case x.End == 0 && y.End == 0:
				v = 1
			case x.Start > 0 && y.Start > 0:
				xe, ye := x.End, y.End
				if xe == 0 {
					xe = now
				}
				if ye == 0 {
					ye = now
				}
				if max(x.Start, y.Start) <= min(xe, ye) {
					v = 1
				}
			}
			if v > best {
				best, bestOrg = v, x.Org
			}
		}
	}
	if !detail || bestOrg < 0 || int(bestOrg) >= len(net.snap.Organizations) {
		return best, ""
	}
	return best, net.snap.Organizations[bestOrg].Name
}

func (m *StrengthModel) strength(st *tieStats) float64 {
	if st.override > 0 {
		return st.override
	}
	w := m.Weights
	sum := w.Recency*st.recency + w.Frequency*st.freq + w.Depth*st.depth +
		w.Reciprocity*st.recip + w.Duration*st.duration + w.SharedOrg*st.org
	return math.Min(1, m.Floor+(1-m.Floor)*sum)
}

// TieStrength explains the strength of one tie, on the 0–1 scale every
// answer uses.
type TieStrength struct {
	Tie          int     `json:"tie"`
	Source       string  `json:"source"` // person id of the lower-index end
	Target       string  `json:"target"`
	Strength     float64 `json:"strength"`
	Override     bool    `json:"override"`
	Interactions int     `json:"interactions"`
	// Captured is how many of the interactions came from a connected
	// mailbox, calendar or mail file; CapturedShare is their share.
	Captured        int                 `json:"captured_interactions"`
	CapturedShare   float64             `json:"captured_share"`
	LastInteraction time.Time           `json:"last_interaction,omitzero"`
	Upcoming        int                 `json:"upcoming,omitempty"` // planned interactions, dated after now
	NextInteraction time.Time           `json:"next_interaction,omitzero"`
	Components      []StrengthComponent `json:"components"`
	Reasons         []Reason            `json:"reasons"`
}

// StrengthComponent is one term of the strength formula: Contribution =
// (1-Floor) · Weight · Value. Details say what the value was made of.
type StrengthComponent struct {
	Name         string   `json:"name"`
	Value        float64  `json:"value"`
	Weight       float64  `json:"weight"`
	Contribution float64  `json:"contribution"`
	Details      []Reason `json:"details,omitempty"`
}

// ExplainTie returns the strength of tie e with each component and the
// reasons (worked together at Acme; 12 interactions, the last on
// 2026-03-04; ...), as codes that graph/i18n words.
func (net *Network) ExplainTie(e int) TieStrength {
	st := net.tieStats(int32(e), net.now.Unix(), true)
	m := &net.model
	out := TieStrength{
		Tie:          e,
		Source:       net.ID(net.ea[e]),
		Target:       net.ID(net.eb[e]),
		Strength:     net.strength[e],
		Override:     st.override > 0,
		Interactions: st.count,
		Captured:     st.captured,
	}
	if st.count > 0 {
		out.CapturedShare = float64(st.captured) / float64(st.count)
		out.LastInteraction = time.Unix(st.last, 0).UTC()
	}
	scale := 1 - m.Floor
	add := func(name string, v, w float64, details ...Reason) {
		out.Components = append(out.Components, StrengthComponent{name, v, w, scale * w * v, details})
	}
	w := m.Weights
	var recency, freq, depth, recip, dur []Reason
	if st.count > 0 {
		recency = []Reason{reason(ReasonLastAgo, "date", day(st.last), "days", int((net.now.Unix()-st.last)/86400))}
		freq = []Reason{reason(ReasonInWindow, "count", st.window, "days", int(m.Window.Hours()/24))}
		depth = kindsReason(st.kinds)
		recip = reciprocityReasons(net, int32(e), st)
	}
	if start := min64nz(st.since, st.first); start != 0 {
		dur = []Reason{reason(ReasonKnownSince, "date", day(start))}
	}
	var org []Reason
	if st.orgName != "" {
		code := ReasonWorkedTogether
		if st.org < 1 {
			code = ReasonSameOrgApart
		}
		org = []Reason{reason(code, "org", st.orgName)}
	}
	add("recency", st.recency, w.Recency, recency...)
	add("frequency", st.freq, w.Frequency, freq...)
	add("depth", st.depth, w.Depth, depth...)
	add("reciprocity", st.recip, w.Reciprocity, recip...)
	add("duration", st.duration, w.Duration, dur...)
	add("shared_org", st.org, w.SharedOrg, org...)

	if out.Override {
		out.Reasons = append(out.Reasons, reason(ReasonSetByHand, "strength", st.override))
	}
	out.Reasons = append(out.Reasons, org...)
	if st.context != "" && !sameWords(st.context, st.orgName) {
		out.Reasons = append(out.Reasons, reason(ReasonTieContext, "text", st.context))
	}
	if st.count == 0 {
		out.Reasons = append(out.Reasons, reason(ReasonNoInteractions))
	} else {
		out.Reasons = append(out.Reasons, reason(ReasonInteractions, "count", st.count, "last", day(st.last)))
	}
	out.Reasons = append(out.Reasons, depth...)
	out.Reasons = append(out.Reasons, recip...)
	out.Reasons = append(out.Reasons, dur...)
	if st.upcoming > 0 {
		out.Upcoming, out.NextInteraction = st.upcoming, time.Unix(st.next, 0).UTC()
		out.Reasons = append(out.Reasons, reason(ReasonPlanned, "count", st.upcoming, "next", day(st.next)))
	}
	return out
}

// sameWords reports whether a tie's context, free text a member or an import
// wrote, only says what the shared organisation reason says already
// ("worked together at Initech." beside worked_together at Initech): case,
// surrounding space and a final full stop aside.
func sameWords(context, org string) bool {
	if org == "" {
		return false
	}
	c := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(context), "."))
	o := strings.ToLower(org)
	return c == "worked together at "+o || c == "both worked at "+o+" (at different times)"
}

// kindsReason counts the interactions of each kind, nil when there are none.
func kindsReason(kinds map[graph.InteractionKind]int) []Reason {
	counts := map[string]int{}
	for _, k := range graph.InteractionKinds {
		if c := kinds[k]; c > 0 {
			counts[string(k)] = c
		}
	}
	if len(counts) == 0 {
		return nil
	}
	return []Reason{reason(ReasonKinds, "kinds", counts)}
}

func reciprocityReasons(net *Network, e int32, st tieStats) []Reason {
	a, b := net.Name(net.ea[e]), net.Name(net.eb[e])
	if t := &net.snap.Ties[net.etie[e]]; t.A > t.B {
		a, b = b, a
	}
	var out []Reason
	switch total := st.initA + st.initB; {
	case total == 0:
	case st.initA == st.initB:
		out = append(out, reason(ReasonBothReachOut))
	case st.initA > st.initB:
		out = append(out, reason(ReasonReachedOut, "name", a, "count", st.initA, "of", total))
	default:
		out = append(out, reason(ReasonReachedOut, "name", b, "count", st.initB, "of", total))
	}
	if st.favA+st.favB > 0 {
		out = append(out, reason(ReasonFavours, "name_a", a, "count_a", st.favA, "name_b", b, "count_b", st.favB))
	}
	return out
}

func min64nz(a, b int64) int64 {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a, b)
}
