package analytics

import (
	"cmp"
	"math"
	"slices"
)

// JobSearchOptions tunes JobSearch.
type JobSearchOptions struct {
	// PeakMutual is the number of mutual contacts at which a tie helps most;
	// default 5 ("a handful").
	PeakMutual float64
	Limit      int // default 20
}

// JobLead is a contact to approach in a job search at an organisation.
type JobLead struct {
	Person   int32    `json:"-"`
	PersonID string   `json:"person_id"`
	Name     string   `json:"name"`
	AtOrg    bool     `json:"at_org"`   // works there now
	Insiders int      `json:"insiders"` // their contacts who work there now
	Mutual   int      `json:"mutual"`   // contacts shared with the member
	Strength float64  `json:"strength"`
	Score    float64  `json:"score"`
	Reasons  []Reason `json:"reasons"`
}

// JobSearch ranks me's contacts to approach for a job at the organisation,
// after Rajkumar, Saint-Jacques, Bojinov, Brynjolfsson & Aral (2022), "A
// causal test of the strength of weak ties", Science 377(6612): in
// experiments on 20 million LinkedIn members, job mobility rose most through
// moderately weak ties — an inverted U in the number of mutual connections —
// and through ties with little interaction. So:
//
//	score     = relevance · embedding · intensity
//	relevance = 1 if the contact works there now, else 0.5·min(1, ln(1+k)/ln(11))
//	            with k their contacts who work there (0: not a lead)
//	embedding = x·e^(1−x),  x = (mutual+1)/(PeakMutual+1)   (1 at the peak)
//	intensity = 1 − 0.5·strength                            (weaker is better)
//
// The shape, not the constants, comes from the paper; they are defaults.
func (net *Network) JobSearch(me int32, orgID string, opt JobSearchOptions) []JobLead {
	net.checkPerson(me)
	if opt.PeakMutual <= 0 {
		opt.PeakMutual = 5
	}
	if opt.Limit <= 0 {
		opt.Limit = 20
	}
	org := net.org(orgID)
	if org < 0 {
		return nil
	}
	orgName := net.snap.Organizations[org].Name
	at := func(p int32) bool { return worksAt(net.snap.People[p].Jobs, org) }
	var out []JobLead
	for k, c := range net.Neighbors(me) {
		l := JobLead{Person: c, PersonID: net.ID(c), Name: net.Name(c), AtOrg: at(c),
			Strength: net.hw[int(net.off[me])+k]}
		for _, x := range net.Neighbors(c) {
			if x != me && at(x) {
				l.Insiders++
			}
		}
		relevance := 1.0
		if !l.AtOrg {
			if l.Insiders == 0 {
				continue
			}
			relevance = 0.5 * math.Min(1, math.Log1p(float64(l.Insiders))/math.Log(11))
		}
		l.Mutual = net.sharedNeighbors(me, c)
		x := (float64(l.Mutual) + 1) / (opt.PeakMutual + 1)
		embedding := x * math.Exp(1-x)
		intensity := 1 - 0.5*l.Strength
		l.Score = relevance * embedding * intensity
		if l.AtOrg {
			l.Reasons = append(l.Reasons, reason(ReasonWorksAt, "org", orgName))
		}
		if l.Insiders > 0 {
			l.Reasons = append(l.Reasons, reason(ReasonKnowsPeopleAt, "count", l.Insiders, "org", orgName))
		}
		switch {
		case math.Abs(float64(l.Mutual)-opt.PeakMutual) <= opt.PeakMutual/2 && l.Strength < 0.5:
			l.Reasons = append(l.Reasons, reason(ReasonModeratelyWeak, "mutual", l.Mutual, "strength", l.Strength))
		case float64(l.Mutual) > 1.5*opt.PeakMutual:
			l.Reasons = append(l.Reasons, reason(ReasonCloseCircle, "mutual", l.Mutual))
		default:
			l.Reasons = append(l.Reasons, reason(ReasonMutual, "mutual", l.Mutual, "strength", l.Strength))
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b JobLead) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Person, b.Person))
	})
	return out[:min(len(out), opt.Limit)]
}
