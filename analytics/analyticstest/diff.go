// Package analyticstest compares analytics networks, for the tests of code
// that keeps one current (analytics.Network.Apply, the graph/live service):
// a network maintained change by change must answer every question exactly
// as one built from a fresh snapshot of the same graph.
package analyticstest

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
)

// Diff returns how got differs from want, two networks of what should be
// the same graph at the same time, in at most max lines (0: all). It settles
// both (communities and betweenness of their own) and compares, person by
// person: the snapshots (people, organisations, positions, members,
// interactions and events; ties as a set), every tie's strength and
// explanation, constraint and the other structural-hole measures,
// betweenness, communities, bridges, local bridges and overlaps, and for
// every member's person and a sample of others: intro paths to a sample of
// people, to every organisation and to text matches, dormant ties, broker
// opportunities and job-search leads. Results are compared as JSON, numbers
// within a relative Tolerance: the same inputs in the same order give equal
// bits, but betweenness adds up its workers' sums in whatever order they
// finish.
func Diff(got, want *analytics.Network, max int) []string {
	var out []string
	add := func(what string, g, w any) {
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		if !sameJSON(gj, wj) && (max == 0 || len(out) < max) {
			out = append(out, fmt.Sprintf("%s: got %s, want %s", what, clip(gj), clip(wj)))
		}
	}
	gs, ws := got.Snapshot(), want.Snapshot()
	addList(add, "person", gs.People, ws.People)
	addList(add, "organization", gs.Organizations, ws.Organizations)
	addList(add, "member", gs.Members, ws.Members)
	addList(add, "interaction", byID(gs.Interactions), byID(ws.Interactions))
	addList(add, "tie", tieSet(gs), tieSet(ws))
	addList(add, "event", eventList(gs), eventList(ws))
	if len(out) > 0 {
		return out // the rest would only repeat it
	}
	add("ties", got.NumTies(), want.NumTies())
	for e := 0; e < min(got.NumTies(), want.NumTies()); e++ {
		add(fmt.Sprintf("tie %d", e), got.ExplainTie(e), want.ExplainTie(e))
	}
	add("structural holes", got.StructuralHoles(), want.StructuralHoles())
	got.Settle()
	want.Settle()
	add("betweenness", got.Betweenness(), want.Betweenness())
	add("communities", got.Communities(), want.Communities())
	add("bridges", got.Bridges(), want.Bridges())
	add("local bridges", got.LocalBridges(), want.LocalBridges())
	add("overlaps", got.Overlaps(), want.Overlaps())

	n := want.Len()
	var egos []int32
	for _, m := range ws.Members {
		if m.Person >= 0 {
			egos = append(egos, m.Person)
		}
	}
	for i := 0; i < n; i += max1(n / 5) {
		egos = append(egos, int32(i))
	}
	opt := analytics.PathOptions{K: 3, MaxHops: 4}
	for _, me := range egos {
		src := []int32{me}
		for t := 0; t < n; t += max1(n / 12) {
			add(fmt.Sprintf("intro paths %d→%d", me, t), got.IntroPaths(src, int32(t), opt), want.IntroPaths(src, int32(t), opt))
		}
		for _, o := range ws.Organizations {
			add("intro paths to "+o.ID, got.IntroPathsToOrg(src, o.ID, opt), want.IntroPathsToOrg(src, o.ID, opt))
			add("job search at "+o.ID, got.JobSearch(me, o.ID, analytics.JobSearchOptions{}),
				want.JobSearch(me, o.ID, analytics.JobSearchOptions{}))
		}
		for _, q := range queries(ws) {
			add(fmt.Sprintf("intro paths to %+v", q), got.IntroPathsToMatches(src, q, opt), want.IntroPathsToMatches(src, q, opt))
		}
		add(fmt.Sprintf("dormant ties of %d", me), got.DormantTies(me, analytics.DormantOptions{}),
			want.DormantTies(me, analytics.DormantOptions{}))
		add(fmt.Sprintf("broker opportunities of %d", me), got.BrokerOpportunities(src, analytics.BrokerOptions{}),
			want.BrokerOpportunities(src, analytics.BrokerOptions{}))
	}
	return out
}

// Tolerance is the relative difference allowed between two numbers.
const Tolerance = 1e-9

// sameJSON reports whether two JSON documents are equal, numbers within
// Tolerance.
func sameJSON(a, b []byte) bool {
	if string(a) == string(b) {
		return true
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return sameValue(x, y)
}

func sameValue(x, y any) bool {
	switch x := x.(type) {
	case float64:
		y, ok := y.(float64)
		return ok && math.Abs(x-y) <= Tolerance*max(1, math.Abs(x), math.Abs(y))
	case []any:
		y, ok := y.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := y.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	}
	return x == y
}

func max1(n int) int { return max(n, 1) }

// addList compares two lists element by element, reporting the first
// difference (and the lengths when they differ).
func addList[T any](add func(string, any, any), what string, got, want []T) {
	for i := range min(len(got), len(want)) {
		gj, _ := json.Marshal(got[i])
		wj, _ := json.Marshal(want[i])
		if !sameJSON(gj, wj) {
			add(fmt.Sprintf("%s %d", what, i), got[i], want[i])
			break
		}
	}
	add(what+"s", len(got), len(want))
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// tieSet lists a snapshot's ties by the ids of their people, sorted: the
// order of ties in a snapshot carries no meaning.
func tieSet(s *graph.Snapshot) []string {
	out := make([]string, len(s.Ties))
	for i, t := range s.Ties {
		out[i] = fmt.Sprintf("%s-%s since %d %s %g %q", s.People[t.A].ID, s.People[t.B].ID, t.Since, t.Source,
			t.Override, t.Context)
	}
	slices.Sort(out)
	return out
}

// eventList lists a snapshot's events, naming ties by their people and
// interactions by their ids, sorted: Apply appends recent interactions and
// their events after the others.
func eventList(s *graph.Snapshot) []string {
	out := make([]string, len(s.Events))
	for i, ev := range s.Events {
		t := s.Ties[ev.Tie]
		out[i] = fmt.Sprintf("%s %s-%s %d %s %d", s.Interactions[ev.Interaction].ID, s.People[t.A].ID, s.People[t.B].ID,
			ev.At, ev.Kind, ev.Initiator)
	}
	slices.Sort(out)
	return out
}

// byID returns a snapshot's interactions in id order.
func byID(l []graph.SnapInteraction) []graph.SnapInteraction {
	return slices.SortedFunc(slices.Values(l), func(a, b graph.SnapInteraction) int { return strings.Compare(a.ID, b.ID) })
}

// queries picks text queries that match some people of s: a word of a
// title, a tag, a skill, a place.
func queries(s *graph.Snapshot) []analytics.PersonQuery {
	var out []analytics.PersonQuery
	for i := 0; i < len(s.People) && len(out) < 4; i += max1(len(s.People) / 4) {
		p := &s.People[i]
		if f := strings.Fields(p.Title); len(f) > 0 {
			out = append(out, analytics.PersonQuery{Text: f[0]})
		}
		if len(p.Skills) > 0 {
			out = append(out, analytics.PersonQuery{Skill: p.Skills[0]})
		}
		if p.Location != "" {
			out = append(out, analytics.PersonQuery{Location: p.Location})
		}
	}
	return out
}
