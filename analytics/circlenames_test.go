package analytics_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
)

// circleNameTests are cliques of four joined in a weak chain, each with what
// its members share, and the name their circle must get.
var circleNameTests = []struct {
	org, former, location string
	tags, skills          []string
	want, basis           string
}{
	{org: "Acme", location: "Madrid", want: "Acme", basis: analytics.BasisOrganization},
	{org: "Acme", location: "Berlin", want: "Acme · Berlin", basis: analytics.BasisOrganization},
	{org: "Acme", want: "Acme 2", basis: analytics.BasisOrganization},
	{tags: []string{"investor"}, want: "investor", basis: analytics.BasisTag},
	{skills: []string{"python", "machine learning"}, want: "machine learning / python", basis: analytics.BasisSkills},
	{location: "Sevilla", want: "Sevilla", basis: analytics.BasisLocation},
	{former: "Initech", want: "ex-Initech", basis: analytics.BasisFormerOrg},
	{want: "P7-0's circle", basis: analytics.BasisPerson},
}

func TestCircleNames(t *testing.T) {
	snap := &graph.Snapshot{WorkspaceID: "w"}
	org := map[string]int32{}
	orgIndex := func(name string) int32 {
		if _, ok := org[name]; !ok {
			org[name] = int32(len(snap.Organizations))
			snap.Organizations = append(snap.Organizations, graph.SnapOrganization{ID: fmt.Sprintf("o%d", len(org)), Name: name})
		}
		return org[name]
	}
	for c, tc := range circleNameTests {
		for i := range 4 {
			p := graph.SnapPerson{ID: fmt.Sprintf("p%d-%d", c, i), Name: fmt.Sprintf("P%d-%d", c, i),
				Location: tc.location, Tags: tc.tags, Skills: tc.skills}
			if tc.org != "" {
				p.Jobs = append(p.Jobs, graph.SnapJob{Org: orgIndex(tc.org)})
			}
			if tc.former != "" {
				p.Jobs = append(p.Jobs, graph.SnapJob{Org: orgIndex(tc.former), End: 1_600_000_000})
			}
			if tc.location == "" && tc.org == "" && tc.tags == nil && tc.skills == nil && tc.former == "" {
				p.Location = fmt.Sprintf("Town %d", i) // shared by no one
			}
			snap.People = append(snap.People, p)
		}
		base := int32(4 * c)
		for i := range int32(4) {
			for j := i + 1; j < 4; j++ {
				snap.Ties = append(snap.Ties, graph.SnapTie{A: base + i, B: base + j, Override: 0.9})
			}
		}
		if c > 0 {
			snap.Ties = append(snap.Ties, graph.SnapTie{A: base - 4, B: base, Override: 0.05})
		}
	}
	net, err := analytics.NewNetwork(snap, time.Unix(1_800_000_000, 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	comm := net.Communities()
	if len(comm.Circles) != len(circleNameTests) {
		t.Fatalf("got %d circles, want the %d cliques", len(comm.Circles), len(circleNameTests))
	}
	for c, tc := range circleNameTests {
		got := comm.Circles[comm.Of[4*c]]
		if got.Label != tc.want || got.Basis != tc.basis {
			t.Errorf("clique %d: got %q (%s), want %q (%s)", c, got.Label, got.Basis, tc.want, tc.basis)
		}
	}
}
