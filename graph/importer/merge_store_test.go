package importer_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/importer"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// TestReimportAfterMerge: a LinkedIn connection and a Google contact of
// one person are merged by hand; importing either file again finds the
// merged person and brings no duplicate back.
func TestReimportAfterMerge(t *testing.T) {
	for _, linkedInSurvives := range []bool{true, false} {
		s := neo4jtest.Open(t)
		w, me := neo4jtest.Workspace(t, s)
		ctx := context.Background()
		linkedin := []byte("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" +
			"Rosa,Vidal,https://www.linkedin.com/in/rosa-vidal-7,,Umbrella,CTO,01 Jan 2020\n")
		google := []byte("First Name,Last Name,Organization Name,E-mail 1 - Value\nRosa,Vidal,Umbrella,rosa@umbrella.example\n")
		run := func(data []byte) *importer.Report {
			t.Helper()
			r, err := importer.Import(ctx, s, w.ID, me, bytes.NewReader(data), importer.FormatAuto, importer.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		run(linkedin)
		if r := run(google); r.Created != 1 || len(r.Merges) != 0 {
			t.Fatalf("google import: %+v; a name and an organisation are no identifier, nothing is merged", r)
		}
		people, _, _ := s.FindPeople(ctx, w.ID, graph.PersonFilter{Name: "Rosa Vidal"})
		if len(people) != 2 {
			t.Fatalf("%d Rosas, want the two records", len(people))
		}
		survivor, absorbed := people[0], people[1]
		if (survivor.LinkedInURL != "") != linkedInSurvives {
			survivor, absorbed = absorbed, survivor
		}
		if _, err := s.MergePeople(ctx, w.ID, survivor.ID, absorbed.ID, graph.MergeOptions{By: me.ID}); err != nil {
			t.Fatal(err)
		}
		for _, data := range [][]byte{linkedin, google} {
			if r := run(data); r.Created != 0 || r.Updated != 0 || r.Unchanged != 1 {
				t.Errorf("re-import after the merge (LinkedIn's record survives: %v): %+v, want one row unchanged", linkedInSurvives, r)
			}
		}
		if people, _, _ = s.FindPeople(ctx, w.ID, graph.PersonFilter{Name: "Rosa Vidal"}); len(people) != 1 {
			t.Errorf("%d Rosas after the re-imports, want one", len(people))
		}
	}
}

// TestImportAutoMerge: a person made by hand and an imported contact with
// the same email (one with Gmail's dots, the other without) are merged
// after the import, unless the import asks not to.
func TestImportAutoMerge(t *testing.T) {
	for _, off := range []bool{false, true} {
		s := neo4jtest.Open(t)
		w, me := neo4jtest.Workspace(t, s)
		ctx := context.Background()
		hand := &graph.Person{WorkspaceID: w.ID, Name: "Bo Lind", Emails: []string{"bo.lind@gmail.com"}}
		other := &graph.Person{WorkspaceID: w.ID, Name: "Bo Lind", Emails: []string{"bolind@gmail.com"}}
		for _, p := range []*graph.Person{hand, other} {
			if err := s.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		data := []byte("First Name,Last Name,E-mail 1 - Value,Phone 1 - Value\nBo,Lind,bo.lind+x@gmail.com,+46 70 123 45 67\n")
		r, err := importer.Import(ctx, s, w.ID, me, bytes.NewReader(data), importer.FormatGoogle, importer.Options{NoAutoMerge: off})
		if err != nil {
			t.Fatal(err)
		}
		people, _, _ := s.FindPeople(ctx, w.ID, graph.PersonFilter{Name: "Bo Lind"})
		switch {
		case off && (len(r.Merges) != 0 || len(people) != 2):
			t.Errorf("NoAutoMerge: %d merges, %d people", len(r.Merges), len(people))
		case !off && (len(r.Merges) != 1 || len(people) != 1 || !r.Merges[0].Auto || r.Merges[0].SurvivorID != hand.ID):
			t.Errorf("auto-merge: merges %+v, %d people; want the hand-made one to survive", r.Merges, len(people))
		}
	}
}
