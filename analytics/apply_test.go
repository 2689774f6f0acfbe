package analytics_test

import (
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
)

var applyNow = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// chain is a canonical snapshot at version 1: a–b–c–d in a line, an
// interaction of a and b a month ago, a member whose person is a.
func chain() *graph.Snapshot {
	s := &graph.Snapshot{Version: 1}
	for _, id := range []string{"a", "b", "c", "d"} {
		s.People = append(s.People, graph.SnapPerson{ID: id, Name: id})
	}
	s.Ties = []graph.SnapTie{{A: 0, B: 1}, {A: 1, B: 2}, {A: 2, B: 3}}
	s.Interactions = []graph.SnapInteraction{{ID: "i1", At: applyNow.AddDate(0, -1, 0).Unix(), Kind: graph.KindCoffee,
		Initiator: "a", People: []string{"a", "b"}}}
	s.Events = []graph.SnapEvent{{Tie: 0, Interaction: 0, At: s.Interactions[0].At, Kind: graph.KindCoffee, Initiator: 1}}
	s.Members = []graph.SnapMember{{UserID: "u", Person: 0}}
	return s
}

func TestApplyCarriesResults(t *testing.T) {
	net, err := analytics.NewNetwork(chain(), applyNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	net.Settle()
	// "bb" sorts between b and c: every index after it moves.
	next, err := net.Apply(2, []graph.Change{
		graph.PersonSet(&graph.Person{ID: "bb", Name: "bb"}),
		graph.TieSet(&graph.Tie{PersonA: "d", PersonB: "bb", Source: graph.TieManual}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := next.Staleness(), (analytics.Staleness{Version: 2, CommunitiesVersion: 1, BetweennessVersion: 1}); got != want {
		t.Errorf("before Settle: got %+v, want %+v", got, want)
	}
	comm, btw := next.Communities(), next.Betweenness()
	bb := next.Index("bb")
	if bb != 2 || len(comm.Of) != 5 || len(btw.Values) != 5 {
		t.Fatalf("carried: bb at %d, communities of %d, betweenness of %d; want 2, 5, 5", bb, len(comm.Of), len(btw.Values))
	}
	if c := comm.Circles[comm.Of[bb]]; c.Size != 1 {
		t.Errorf("bb's carried circle: got %+v, want one of its own", c)
	}
	if got, want := btw.Values[next.Index("c")], net.Betweenness().Values[net.Index("c")]; got != want {
		t.Errorf("c's carried betweenness: got %g, want %g (as before)", got, want)
	}
	if next.Settled() {
		t.Error("Settled before Settle")
	}
	next.Settle()
	if got := next.Staleness(); got.CommunitiesVersion != 2 || got.BetweennessVersion != 2 || !next.Settled() {
		t.Errorf("after Settle: got %+v", got)
	}
	// b–c–d–bb: now bb is on a path and c's betweenness moved.
	if got, was := next.Betweenness().Values[next.Index("d")], btw.Values[next.Index("d")]; got <= was {
		t.Errorf("d's betweenness after Settle: got %g, want more than %g", got, was)
	}
}

func TestApplyErrors(t *testing.T) {
	net, err := analytics.NewNetwork(chain(), applyNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := net.Apply(2, []graph.Change{graph.ReloadChange()}); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("reload: got %v, want EINVALID", err)
	}
	s := chain()
	s.People[0].ID, s.People[1].ID = "b", "a" // not in id order
	unsorted, err := analytics.NewNetwork(s, applyNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unsorted.Apply(2, nil); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("unsorted snapshot: got %v, want EINVALID", err)
	}
}

func TestAt(t *testing.T) {
	net, err := analytics.NewNetwork(chain(), applyNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	later := net.At(applyNow.AddDate(1, 0, 0))
	a, b := net.Index("a"), net.Index("b")
	before, _ := net.Strength(a, b)
	after, _ := later.Strength(a, b)
	if !(after < before) || later.Now() != applyNow.AddDate(1, 0, 0) || later.Snapshot() != net.Snapshot() {
		t.Errorf("a year later: strength %g (was %g), now %v; want weaker, the same snapshot", after, before, later.Now())
	}
}
