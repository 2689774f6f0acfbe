package neo4j

import (
	"reflect"
	"testing"

	"github.com/nexohq/nexo/graph"
)

func codecSnapshot() *graph.Snapshot {
	return &graph.Snapshot{Version: 7,
		People: []graph.SnapPerson{
			{ID: "a", Name: "Ana", Title: "CTO", Location: "Lisbon", Tags: []string{"vc"}, Skills: []string{"go", "sql"},
				Jobs: []graph.SnapJob{{ID: "j1", Org: 0, Title: "CTO", Start: 1600000000}, {ID: "j2", Org: 1, End: -5}}},
			{ID: "b", Name: "Bo", Needs: []string{"design"}},
			{ID: "c", Name: "Cleo"},
		},
		Organizations: []graph.SnapOrganization{{ID: "o1", Name: "Globex", Domain: "globex.example"}, {ID: "o2", Name: "Initech"}},
		Ties: []graph.SnapTie{{A: 0, B: 1, Since: 1500000000, Source: graph.TieImported, Context: "school"},
			{A: 1, B: 2, Source: graph.TieManual, Override: 0.75}},
		Interactions: []graph.SnapInteraction{
			{ID: "i1", At: 1700000000, Kind: graph.KindCoffee, Initiator: "b", People: []string{"a", "b"}},
			{ID: "i2", At: 1710000000, Kind: graph.KindMeeting, People: []string{"a", "b", "c"}},
		},
		Events: []graph.SnapEvent{
			{Tie: 0, Interaction: 0, At: 1700000000, Kind: graph.KindCoffee, Initiator: 2},
			{Tie: 0, Interaction: 1, At: 1710000000, Kind: graph.KindMeeting},
			{Tie: 1, Interaction: 1, At: 1710000000, Kind: graph.KindMeeting},
		},
		Members: []graph.SnapMember{{UserID: "u1", Person: 0}, {UserID: "u2", Person: -1}},
	}
}

func TestCheckpointCodec(t *testing.T) {
	want := codecSnapshot()
	b := encodeSnapshot(want)
	got, err := decodeSnapshot(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"version", got.Version, want.Version}, {"people", got.People, want.People},
		{"organizations", got.Organizations, want.Organizations}, {"ties", got.Ties, want.Ties},
		{"interactions", got.Interactions, want.Interactions}, {"events", got.Events, want.Events},
		{"members", got.Members, want.Members},
	} {
		if !reflect.DeepEqual(f.got, f.want) {
			t.Errorf("round trip of %s: got %+v, want %+v", f.name, f.got, f.want)
		}
	}
	// Every cut and every flipped byte is an error or a snapshot, never a panic.
	for n := range len(b) {
		_, _ = decodeSnapshot(b[:n])
		c := append([]byte(nil), b...)
		c[n] ^= 0xff
		_, _ = decodeSnapshot(c)
	}
	if _, err := decodeSnapshot(b[:len(b)/2]); err == nil {
		t.Error("half a checkpoint decoded without error")
	}
}
