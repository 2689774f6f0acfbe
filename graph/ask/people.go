package ask

import (
	"context"
	"sort"
	"time"

	"github.com/nexohq/nexo/analytics"
)

// TieView is one tie of a person, explained.
type TieView struct {
	PersonID string `json:"person_id"`
	Name     string `json:"name"`
	analytics.TieStrength
}

// StrengthsAnswer explains every tie of a person, strongest first.
type StrengthsAnswer struct {
	PersonID  string                  `json:"person_id"`
	Name      string                  `json:"name"`
	Ties      []TieView               `json:"ties"`
	Circles   []analytics.CircleReach `json:"circles"`
	Freshness Freshness               `json:"freshness"`
}

// Strengths explains every tie of a person, strongest first.
func (s *Service) Strengths(ctx context.Context, a Asker, personID string) (*StrengthsAnswer, error) {
	net, fresh, err := s.network(ctx, a)
	if err != nil {
		return nil, err
	}
	p, err := person(net, personID)
	if err != nil {
		return nil, err
	}
	w := a.words()
	out := []TieView{}
	for _, q := range net.Neighbors(p) {
		ts := net.ExplainTie(net.TieBetween(p, q))
		ts.Reasons = w.Reasons(ts.Reasons)
		for i := range ts.Components {
			ts.Components[i].Details = w.Reasons(ts.Components[i].Details)
		}
		out = append(out, TieView{PersonID: net.ID(q), Name: net.Name(q), TieStrength: ts})
	}
	sort.SliceStable(out, func(x, y int) bool { return out[x].Strength > out[y].Strength })
	return &StrengthsAnswer{PersonID: personID, Name: net.Name(p), Ties: out, Circles: net.CirclesBridged(p),
		Freshness: fresh}, nil
}

// DormantAnswer lists the asker's dormant ties of high value.
type DormantAnswer struct {
	Dormant       []analytics.DormantTie `json:"dormant"`
	ThresholdDays int                    `json:"threshold_days"`
	Freshness     Freshness              `json:"freshness"`
}

// Dormant lists the asker's ties with no interaction for days (default
// DefaultDays) by their value, best first.
func (s *Service) Dormant(ctx context.Context, a Asker, days, limit int) (*DormantAnswer, error) {
	days, err := inRange("days", days, DefaultDays, 1, MaxDays)
	if err != nil {
		return nil, err
	}
	if limit, err = inRange("limit", limit, DefaultLimit, 1, MaxLimit); err != nil {
		return nil, err
	}
	net, fresh, err := s.network(ctx, a)
	if err != nil {
		return nil, err
	}
	p, err := me(net, a)
	if err != nil {
		return nil, err
	}
	l := net.DormantTies(p, analytics.DormantOptions{Threshold: time.Duration(days) * 24 * time.Hour,
		Follows: a.User.Follows, Limit: limit})
	if l == nil {
		l = []analytics.DormantTie{}
	}
	w := a.words()
	for i := range l {
		l[i].Reasons = w.Reasons(l[i].Reasons)
	}
	return &DormantAnswer{Dormant: l, ThresholdDays: days, Freshness: fresh}, nil
}

// JobSearchAnswer ranks whom to approach about openings at an organisation.
type JobSearchAnswer struct {
	Organization OrgRef              `json:"organization"`
	Leads        []analytics.JobLead `json:"leads"`
	Method       string              `json:"method"`
	Freshness    Freshness           `json:"freshness"`
}

// OrgRef names an organisation.
type OrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// JobSearchMethod says what JobSearch ranks by.
const JobSearchMethod = "Rajkumar et al. (Science, 2022): moderately weak ties — a handful of mutual contacts, little interaction — help job mobility most."

// JobSearch ranks the asker's contacts to approach about openings at an
// organisation (an id or a name).
func (s *Service) JobSearch(ctx context.Context, a Asker, orgKey string, limit int) (*JobSearchAnswer, error) {
	limit, err := inRange("limit", limit, DefaultLimit, 1, 200)
	if err != nil {
		return nil, err
	}
	net, fresh, err := s.network(ctx, a)
	if err != nil {
		return nil, err
	}
	o, err := org(net, orgKey)
	if err != nil {
		return nil, err
	}
	p, err := me(net, a)
	if err != nil {
		return nil, err
	}
	l := net.JobSearch(p, o.ID, analytics.JobSearchOptions{Limit: limit})
	if l == nil {
		l = []analytics.JobLead{}
	}
	w := a.words()
	for i := range l {
		l[i].Reasons = w.Reasons(l[i].Reasons)
	}
	return &JobSearchAnswer{Organization: OrgRef{ID: o.ID, Name: o.Name}, Leads: l, Method: JobSearchMethod,
		Freshness: fresh}, nil
}

// LedgerRow is the give/get balance with one contact.
type LedgerRow struct {
	PersonID string    `json:"person_id"`
	Name     string    `json:"name"`
	Given    int       `json:"given"`    // favours the asker did them
	Received int       `json:"received"` // favours they did the asker
	Balance  int       `json:"balance"`  // given − received: negative, the asker owes them
	Last     time.Time `json:"last_favour_at"`
}

// LedgerAnswer is the asker's give/get ledger.
type LedgerAnswer struct {
	Ledger    []LedgerRow `json:"ledger"`
	Freshness Freshness   `json:"freshness"`
}

// Ledger lists the asker's give/get balance with each contact, those the
// asker owes most first.
func (s *Service) Ledger(ctx context.Context, a Asker) (*LedgerAnswer, error) {
	net, fresh, err := s.network(ctx, a)
	if err != nil {
		return nil, err
	}
	me, err := me(net, a)
	if err != nil {
		return nil, err
	}
	snap := net.Snapshot()
	rows := map[int32]*LedgerRow{}
	for _, ev := range snap.Events {
		if !ev.Kind.IsFavour() || ev.Initiator == 0 {
			continue
		}
		t := snap.Ties[ev.Tie]
		if t.A != me && t.B != me {
			continue
		}
		other, giver := t.A, t.A
		if other == me {
			other = t.B
		}
		if ev.Initiator == 2 {
			giver = t.B
		}
		r := rows[other]
		if r == nil {
			r = &LedgerRow{PersonID: net.ID(other), Name: net.Name(other)}
			rows[other] = r
		}
		if giver == me {
			r.Given++
		} else {
			r.Received++
		}
		if at := time.Unix(ev.At, 0).UTC(); at.After(r.Last) {
			r.Last = at
		}
	}
	out := []LedgerRow{}
	for _, r := range rows {
		r.Balance = r.Given - r.Received
		out = append(out, *r)
	}
	sort.Slice(out, func(x, y int) bool {
		if out[x].Balance != out[y].Balance {
			return out[x].Balance < out[y].Balance
		}
		return out[x].PersonID < out[y].PersonID
	})
	return &LedgerAnswer{Ledger: out, Freshness: fresh}, nil
}
