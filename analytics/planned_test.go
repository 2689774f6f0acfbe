package analytics_test

import (
	"slices"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/i18n"
)

// TestPlannedInteractions: an interaction dated after now (a planned
// meeting, which the store accepts up to a year ahead) does not count
// towards the strength yet, but the explanation says it is there, and a
// tie with one planned is not dormant. (Before, it was dropped without a
// word.)
func TestPlannedInteractions(t *testing.T) {
	past := graph.SnapEvent{Tie: 0, At: daysAgo(400), Kind: graph.KindCoffee}
	planned := graph.SnapEvent{Tie: 0, At: daysAgo(-20), Kind: graph.KindMeeting}
	without, err := analytics.NewNetwork(pairSnapshot(past), now, nil)
	if err != nil {
		t.Fatal(err)
	}
	with, err := analytics.NewNetwork(pairSnapshot(past, planned), now, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, b := without.ExplainTie(0), with.ExplainTie(0)
	if a.Strength != b.Strength || b.Interactions != 1 {
		t.Errorf("a planned meeting changed the strength: %v → %v (%d interactions)", a.Strength, b.Strength, b.Interactions)
	}
	next := time.Unix(planned.At, 0).UTC()
	if b.Upcoming != 1 || !b.NextInteraction.Equal(next) ||
		!slices.ContainsFunc(b.Reasons, func(r analytics.Reason) bool {
			return r.Code == analytics.ReasonPlanned && r.Args["count"] == 1 && r.Args["next"] == next.Format(time.DateOnly)
		}) {
		t.Errorf("explanation: upcoming %d, next %v, reasons %+v", b.Upcoming, b.NextInteraction, b.Reasons)
	}
	if d := without.DormantTies(0, analytics.DormantOptions{}); len(d) != 1 {
		t.Fatalf("dormant without a plan: %+v", d)
	}
	if d := with.DormantTies(0, analytics.DormantOptions{}); len(d) != 0 {
		t.Errorf("a tie with a meeting planned is listed as dormant: %+v", d)
	}
}

// TestInteractionsBefore1970: the store accepts interactions from 1900;
// one before 1970 (a negative Unix time) counts like any other, and its
// date starts the tie's duration.
func TestInteractionsBefore1970(t *testing.T) {
	old := time.Date(1965, 3, 1, 0, 0, 0, 0, time.UTC).Unix()
	s := pairSnapshot(graph.SnapEvent{Tie: 0, At: old, Kind: graph.KindMeeting}, graph.SnapEvent{Tie: 0, At: daysAgo(10), Kind: graph.KindCall})
	net, err := analytics.NewNetwork(s, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := net.ExplainTie(0)
	if ts.Interactions != 2 || !slices.Contains(i18n.English.Texts(ts.Reasons), "known since 1 Mar 1965") {
		t.Errorf("interactions %d, reasons %+v", ts.Interactions, ts.Reasons)
	}
	s.Events = s.Events[1:]
	recent, _ := analytics.NewNetwork(s, now, nil)
	if got := recent.ExplainTie(0).Strength; got >= ts.Strength {
		t.Errorf("a tie known since 1965 (%v) is not stronger than one known for 10 days (%v)", ts.Strength, got)
	}
}
