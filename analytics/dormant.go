package analytics

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// DefaultDormancy is how long without an interaction makes a tie dormant.
const DefaultDormancy = 180 * 24 * time.Hour

// DormantOptions tunes DormantTies.
type DormantOptions struct {
	Threshold time.Duration // default DefaultDormancy
	Follows   []string      // ids of organisations the member cares about
	Limit     int           // default 20
}

// DormantTie is a tie of the member's that has gone quiet but is worth
// reviving, with why.
type DormantTie struct {
	Person          int32     `json:"-"`
	PersonID        string    `json:"person_id"`
	Name            string    `json:"name"`
	DaysDormant     int       `json:"days_dormant"`
	LastInteraction time.Time `json:"last_interaction"`
	PastStrength    float64   `json:"past_strength"` // the tie's strength at the last interaction
	Strength        float64   `json:"strength"`      // its strength now
	ExclusiveReach  int       `json:"exclusive_reach"`
	Circles         []string  `json:"circles,omitempty"` // circles reached through no other contact
	Reciprocity     float64   `json:"reciprocity"`
	FollowedOrgs    []string  `json:"followed_orgs,omitempty"`
	Value           float64   `json:"value"`
	Reasons         []Reason  `json:"reasons"`
}

// DormantTies ranks the member me's ties that have had no interaction for at
// least Threshold (ties never interacted with are not dormant, they were
// never active, and ties with an interaction planned after now are being
// revived already) by their value:
//
//	value = 0.40·past strength                    (strength as of the last interaction)
//	      + 0.25·min(1, ln(1+x)/ln(51))           x = exclusive reach: their contacts
//	                                              that none of me's other contacts know
//	      + 0.10·[they are me's only contact in some circle]
//	      + 0.10·reciprocity                      (see StrengthModel)
//	      + 0.15·[they or their contacts work at a followed organisation]
//
// Past strength is the Granovetter (1973) strength the tie had; exclusive
// reach and unique circles are the non-redundant contacts of Burt (1992) that
// the tie alone gives access to. Ties are returned by decreasing value.
func (net *Network) DormantTies(me int32, opt DormantOptions) []DormantTie {
	net.checkPerson(me)
	if opt.Threshold <= 0 {
		opt.Threshold = DefaultDormancy
	}
	if opt.Limit <= 0 {
		opt.Limit = 20
	}
	now := net.now.Unix()
	mine := map[int32]bool{me: true}
	for _, c := range net.Neighbors(me) {
		mine[c] = true
	}
	// How many of me's contacts know each second-degree person.
	known := map[int32]int{}
	for _, c := range net.Neighbors(me) {
		for _, x := range net.Neighbors(c) {
			if !mine[x] {
				known[x]++
			}
		}
	}
	comm := net.Communities()
	circleCount := map[int32]int{}
	for _, c := range net.Neighbors(me) {
		circleCount[comm.Of[c]]++
	}
	follow := map[int32]bool{}
	for _, id := range opt.Follows {
		if o := net.org(id); o >= 0 {
			follow[o] = true
		}
	}
	var out []DormantTie
	for k, c := range net.Neighbors(me) {
		e := net.he[int(net.off[me])+k]
		evs := net.evIdx[net.evOff[e]:net.evOff[e+1]]
		last, planned := int64(0), false
		for _, i := range evs {
			if at := net.snap.Events[i].At; at <= now {
				last = at
			} else {
				planned = true
			}
		}
		// A tie with an interaction planned (dated after now) is being
		// revived already.
		if last == 0 || planned || now-last < int64(opt.Threshold/time.Second) {
			continue
		}
		past := net.tieStats(e, last, false)
		d := DormantTie{Person: c, PersonID: net.ID(c), Name: net.Name(c),
			DaysDormant: int((now - last) / 86400), LastInteraction: time.Unix(last, 0).UTC(),
			PastStrength: net.model.strength(&past), Strength: net.strength[e],
			Reciprocity: past.recip}
		uniqueCircles := map[int32]bool{}
		if circleCount[comm.Of[c]] == 1 && comm.Of[c] != comm.Of[me] {
			uniqueCircles[comm.Of[c]] = true
		}
		for _, x := range net.Neighbors(c) {
			if !mine[x] && known[x] == 1 {
				d.ExclusiveReach++
				if circleCount[comm.Of[x]] == 0 && comm.Of[x] != comm.Of[me] {
					uniqueCircles[comm.Of[x]] = true
				}
			}
		}
		for ci := range uniqueCircles {
			d.Circles = append(d.Circles, comm.Circles[ci].Label)
		}
		slices.Sort(d.Circles)
		orgs := map[string]bool{}
		for _, p := range append([]int32{c}, net.Neighbors(c)...) {
			if p == me {
				continue
			}
			for _, j := range net.snap.People[p].Jobs {
				if j.End == 0 && follow[j.Org] {
					orgs[net.snap.Organizations[j.Org].Name] = true
				}
			}
		}
		for o := range orgs {
			d.FollowedOrgs = append(d.FollowedOrgs, o)
		}
		slices.Sort(d.FollowedOrgs)
		reach := math.Min(1, math.Log1p(float64(d.ExclusiveReach))/math.Log(51))
		d.Value = 0.40*d.PastStrength + 0.25*reach + 0.10*d.Reciprocity
		if len(d.Circles) > 0 {
			d.Value += 0.10
		}
		if len(d.FollowedOrgs) > 0 {
			d.Value += 0.15
		}
		d.Reasons = append(d.Reasons, reason(ReasonQuietFor, "days", d.DaysDormant, "last", day(last)),
			reason(ReasonTieWas, "past", d.PastStrength, "now", d.Strength))
		if d.ExclusiveReach > 0 {
			d.Reasons = append(d.Reasons, reason(ReasonExclusiveReach, "count", d.ExclusiveReach))
		}
		for _, l := range d.Circles {
			d.Reasons = append(d.Reasons, reason(ReasonOnlyWayInto, "circle", l))
		}
		if len(d.FollowedOrgs) > 0 {
			d.Reasons = append(d.Reasons, reason(ReasonFollowedOrgs, "orgs", d.FollowedOrgs))
		}
		if past.initA+past.initB+past.favA+past.favB > 0 && d.Reciprocity >= 0.7 {
			d.Reasons = append(d.Reasons, reason(ReasonBalanced))
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b DormantTie) int {
		return cmp.Or(cmp.Compare(b.Value, a.Value), cmp.Compare(a.Person, b.Person))
	})
	return out[:min(len(out), opt.Limit)]
}
