package ask

import (
	"context"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
)

// IntroPathsQuestion is "who can introduce me to …": exactly one of To (a
// person id), Org (an organisation id or name) or Query (free text and
// filters).
type IntroPathsQuestion struct {
	To      string
	Org     string
	Query   analytics.PersonQuery
	From    string // "me" (default) or "team"
	K       int    // paths; default analytics.DefaultK, at most MaxK
	MaxHops int    // ties per path; default analytics.DefaultMaxHops, at most analytics.MaxPathHops
}

// Target is what an intro-path question asks for.
type Target struct {
	PersonID       string                 `json:"person_id,omitempty"`
	OrganizationID string                 `json:"organization_id,omitempty"`
	Name           string                 `json:"name,omitempty"`
	Query          *analytics.PersonQuery `json:"query,omitempty"`
}

// IntroPathsAnswer is the best introduction paths, best first, each tie
// with its reasons.
type IntroPathsAnswer struct {
	Target    Target                `json:"target"`
	Paths     []analytics.IntroPath `json:"paths"`
	Freshness Freshness             `json:"freshness"`

	// What a diagram of the answer needs besides (api's maps).
	Net     *analytics.Network    `json:"-"`
	Sources []int32               `json:"-"`
	Options analytics.PathOptions `json:"-"`
}

// IntroPaths answers an intro-path question.
func (s *Service) IntroPaths(ctx context.Context, a Asker, q IntroPathsQuestion) (*IntroPathsAnswer, error) {
	k, err := inRange("k", q.K, analytics.DefaultK, 1, MaxK)
	if err != nil {
		return nil, err
	}
	hops, err := inRange("max_hops", q.MaxHops, analytics.DefaultMaxHops, 1, analytics.MaxPathHops)
	if err != nil {
		return nil, err
	}
	isQuery := q.Query != (analytics.PersonQuery{})
	n := 0
	for _, set := range []bool{q.To != "", q.Org != "", isQuery} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, &graph.Error{Code: graph.EBADREQUEST, Field: "to",
			Message: "Give exactly one target: to (a person id), org (an organization id or name) or q (text, with title, tag, skill, location)."}
	}
	for field, v := range map[string]string{"q": q.Query.Text, "title": q.Query.Title, "tag": q.Query.Tag,
		"skill": q.Query.Skill, "location": q.Query.Location, "org": q.Org} {
		if len(v) > MaxTextLength {
			return nil, graph.FieldErrorf(field, "%s is longer than %d characters.", field, MaxTextLength)
		}
	}
	net, fresh, err := s.network(ctx, a)
	if err != nil {
		return nil, err
	}
	srcs, err := Sources(net, a, q.From)
	if err != nil {
		return nil, err
	}
	ans := &IntroPathsAnswer{Freshness: fresh, Net: net, Sources: srcs,
		Options: analytics.PathOptions{K: k, MaxHops: hops}}
	switch {
	case q.To != "":
		t, err := person(net, q.To)
		if err != nil {
			return nil, err
		}
		ans.Target = Target{PersonID: q.To, Name: net.Name(t)}
		ans.Paths = net.IntroPaths(srcs, t, ans.Options)
	case q.Org != "":
		o, err := org(net, q.Org)
		if err != nil {
			return nil, err
		}
		ans.Target = Target{OrganizationID: o.ID, Name: o.Name}
		ans.Paths = net.IntroPathsToOrg(srcs, o.ID, ans.Options)
	default:
		query := q.Query
		ans.Target = Target{Query: &query}
		ans.Paths = net.IntroPathsToMatches(srcs, q.Query, ans.Options)
	}
	if ans.Paths == nil {
		ans.Paths = []analytics.IntroPath{}
	}
	w := a.words()
	for i := range ans.Paths {
		for j := range ans.Paths[i].Steps {
			st := &ans.Paths[i].Steps[j]
			st.Reasons = w.Reasons(st.Reasons)
		}
	}
	return ans, nil
}
