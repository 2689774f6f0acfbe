package ask

import (
	"context"
	"slices"
	"sort"

	"github.com/nexohq/nexo/analytics"
)

// Broker is a person's brokerage: structural holes and betweenness.
type Broker struct {
	PersonID string `json:"person_id"`
	Name     string `json:"name"`
	analytics.Holes
	Betweenness     float64                 `json:"betweenness"`
	BetweennessNorm float64                 `json:"betweenness_norm"`
	Circles         []analytics.CircleReach `json:"circles"`
}

// BrokersAnswer ranks the people who bridge the most.
type BrokersAnswer struct {
	Brokers          []Broker  `json:"brokers"`
	BetweennessExact bool      `json:"betweenness_exact"`
	BetweennessBound float64   `json:"betweenness_epsilon,omitempty"`
	Freshness        Freshness `json:"freshness"`
}

// Brokers ranks the people who bridge the most: by normalised betweenness.
func (s *Service) Brokers(ctx context.Context, a Asker, limit int) (*BrokersAnswer, error) {
	limit, err := inRange("limit", limit, DefaultLimit, 1, MaxLimit)
	if err != nil {
		return nil, err
	}
	net, fresh, err := s.network(ctx, a)
	if err != nil {
		return nil, err
	}
	btw := net.Betweenness()
	order := make([]int32, net.Len())
	for i := range order {
		order[i] = int32(i)
	}
	sort.SliceStable(order, func(x, y int) bool { return btw.Normalized[order[x]] > btw.Normalized[order[y]] })
	order = order[:min(limit, len(order))]
	holes := net.StructuralHoles()
	res := &BrokersAnswer{BetweennessExact: btw.Exact, BetweennessBound: btw.Epsilon, Freshness: fresh, Brokers: []Broker{}}
	for _, p := range order {
		res.Brokers = append(res.Brokers, Broker{PersonID: net.ID(p), Name: net.Name(p), Holes: holes[p],
			Betweenness: btw.Values[p], BetweennessNorm: btw.Normalized[p], Circles: net.CirclesBridged(p)})
	}
	return res, nil
}

// WeakTie is a local bridge: a tie whose ends share no contact.
type WeakTie struct {
	analytics.LocalBridge
	SourceName string  `json:"source_name"`
	TargetName string  `json:"target_name"`
	Strength   float64 `json:"strength"`
	Overlap    float64 `json:"overlap"`
}

// WeakTiesAnswer lists local bridges, the widest spans first.
type WeakTiesAnswer struct {
	WeakTies  []WeakTie `json:"weak_ties"`
	Total     int       `json:"total"`
	Freshness Freshness `json:"freshness"`
}

// WeakTies lists local bridges (Granovetter 1973), the widest spans first,
// then the weakest; only a person's when personID is set.
func (s *Service) WeakTies(ctx context.Context, a Asker, personID string, limit int) (*WeakTiesAnswer, error) {
	limit, err := inRange("limit", limit, 50, 1, 1000)
	if err != nil {
		return nil, err
	}
	net, fresh, err := s.network(ctx, a)
	if err != nil {
		return nil, err
	}
	p := int32(-1)
	if personID != "" {
		if p, err = person(net, personID); err != nil {
			return nil, err
		}
	}
	out := []WeakTie{}
	for _, lb := range net.LocalBridges() {
		if p >= 0 && lb.A != p && lb.B != p {
			continue
		}
		_, _, st := net.Tie(lb.Tie)
		out = append(out, WeakTie{LocalBridge: lb, SourceName: net.Name(lb.A), TargetName: net.Name(lb.B),
			Strength: st, Overlap: net.Overlap(lb.Tie)})
	}
	sort.SliceStable(out, func(x, y int) bool {
		sx, sy := spanRank(out[x].Span), spanRank(out[y].Span)
		if sx != sy {
			return sx > sy
		}
		return out[x].Strength < out[y].Strength
	})
	return &WeakTiesAnswer{WeakTies: out[:min(limit, len(out))], Total: len(out), Freshness: fresh}, nil
}

// spanRank orders spans, no other path at all counting as the widest.
func spanRank(s analytics.Span) int {
	if s == analytics.NoSpan {
		return 1 << 30
	}
	return int(s)
}

// Community is a circle of the network with its best-connected members.
type Community struct {
	analytics.Circle
	Top []PersonRef `json:"top_members"`
}

// PersonRef names a person.
type PersonRef struct {
	PersonID string `json:"person_id"`
	Name     string `json:"name"`
}

// CommunitiesAnswer lists the circles (Louvain), largest first.
type CommunitiesAnswer struct {
	Communities []Community `json:"communities"`
	Modularity  float64     `json:"modularity"`
	Freshness   Freshness   `json:"freshness"`
}

// Communities lists the circles of the network, largest first, with their
// five best-connected members.
func (s *Service) Communities(ctx context.Context, a Asker) (*CommunitiesAnswer, error) {
	net, fresh, err := s.network(ctx, a)
	if err != nil {
		return nil, err
	}
	comm := net.Communities()
	res := &CommunitiesAnswer{Communities: []Community{}, Modularity: comm.Modularity, Freshness: fresh}
	for _, circle := range comm.Circles {
		members := slices.Clone(circle.Members)
		sort.SliceStable(members, func(x, y int) bool { return net.Degree(members[x]) > net.Degree(members[y]) })
		v := Community{Circle: circle, Top: []PersonRef{}}
		for _, m := range members[:min(5, len(members))] {
			v.Top = append(v.Top, PersonRef{PersonID: net.ID(m), Name: net.Name(m)})
		}
		res.Communities = append(res.Communities, v)
	}
	return res, nil
}

// OpportunitiesAnswer lists introductions the asker (or the team) could make.
type OpportunitiesAnswer struct {
	Opportunities []analytics.BrokerOpportunity `json:"opportunities"`
	Freshness     Freshness                     `json:"freshness"`
}

// BrokerOpportunities lists introductions the asker (from "me") or any
// member (from "team") could make, best first.
func (s *Service) BrokerOpportunities(ctx context.Context, a Asker, from string, limit int) (*OpportunitiesAnswer, error) {
	limit, err := inRange("limit", limit, DefaultLimit, 1, 200)
	if err != nil {
		return nil, err
	}
	net, fresh, err := s.network(ctx, a)
	if err != nil {
		return nil, err
	}
	egos, err := Sources(net, a, from)
	if err != nil {
		return nil, err
	}
	l := net.BrokerOpportunities(egos, analytics.BrokerOptions{Limit: limit})
	if l == nil {
		l = []analytics.BrokerOpportunity{}
	}
	w := a.words()
	for i := range l {
		l[i].Reasons = w.Reasons(l[i].Reasons)
	}
	return &OpportunitiesAnswer{Opportunities: l, Freshness: fresh}, nil
}
