package demo

import (
	"slices"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
)

var asOf = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

func generate(tb testing.TB, people int) (string, []*graph.Batch) {
	tb.Helper()
	var batches []*graph.Batch
	me, err := Generate(Options{People: people, Seed: 7, AsOf: asOf}, "owner", func(b *graph.Batch) error {
		batches = append(batches, b)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return me, batches
}

func TestDeterministic(t *testing.T) {
	me1, b1 := generate(t, 300)
	me2, b2 := generate(t, 300)
	if me1 != me2 || len(b1) != len(b2) {
		t.Fatalf("got me %s and %s, %d and %d batches", me1, me2, len(b1), len(b2))
	}
	for i := range b1 {
		if b1[i].Len() != b2[i].Len() {
			t.Fatalf("batch %d: %d vs %d entities", i, b1[i].Len(), b2[i].Len())
		}
		for j := range b1[i].Ties {
			if *b1[i].Ties[j] != *b2[i].Ties[j] {
				t.Fatalf("batch %d tie %d differs", i, j)
			}
		}
	}
}

// TestValid checks what Store.Upsert will check: every entity is valid and
// refers only to entities of its own or earlier batches.
func TestValid(t *testing.T) {
	me, batches := generate(t, 500)
	people, orgs := map[string]bool{}, map[string]bool{}
	ties := map[[2]string]bool{}
	var nTies, nEvents, dormantMine int
	last := map[string]time.Time{}
	for _, b := range batches {
		for _, o := range b.Organizations {
			orgs[o.ID] = true
			if err := o.Validate(); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range b.People {
			people[p.ID] = true
			if err := p.Validate(); err != nil {
				t.Fatalf("%+v: %v", p, err)
			}
		}
		for _, e := range b.Employments {
			if !people[e.PersonID] || !orgs[e.OrganizationID] {
				t.Fatalf("employment %+v refers to unknown ends", e)
			}
			if err := e.Validate(); err != nil {
				t.Fatal(err)
			}
		}
		for _, tie := range b.Ties {
			nTies++
			if !people[tie.PersonA] || !people[tie.PersonB] {
				t.Fatalf("tie %+v refers to unknown people", tie)
			}
			if err := tie.Validate(); err != nil {
				t.Fatal(err)
			}
			if ties[[2]string{tie.PersonA, tie.PersonB}] {
				t.Fatalf("duplicate tie %+v", tie)
			}
			ties[[2]string{tie.PersonA, tie.PersonB}] = true
		}
		for _, in := range b.Interactions {
			nEvents++
			if err := in.Validate(); err != nil {
				t.Fatalf("%+v: %v", in, err)
			}
			if !ties[[2]string{in.ParticipantIDs[0], in.ParticipantIDs[1]}] {
				t.Fatalf("interaction %+v between people with no tie", in)
			}
			if in.At.After(asOf) {
				t.Fatalf("interaction in the future: %v", in.At)
			}
			if in.Kind == graph.KindFavourGiven && slices.Contains(in.ParticipantIDs, me) && in.InitiatorID != me {
				t.Fatalf("a favour I gave has initiator %s", in.InitiatorID)
			}
			if slices.Contains(in.ParticipantIDs, me) {
				o := in.ParticipantIDs[0]
				if o == me {
					o = in.ParticipantIDs[1]
				}
				if in.At.After(last[o]) {
					last[o] = in.At
				}
			}
		}
		for _, in := range b.Introductions {
			if err := in.Validate(); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, at := range last {
		if asOf.Sub(at) > 180*24*time.Hour {
			dormantMine++
		}
	}
	if nTies < 3*500 || nEvents < nTies/2 {
		t.Fatalf("got %d ties and %d interactions for 500 people; want a denser network", nTies, nEvents)
	}
	if dormantMine < 10 || dormantMine > len(last)/2 {
		t.Fatalf("got %d of my %d contacts dormant; want some, not most", dormantMine, len(last))
	}
}

func TestScenarios(t *testing.T) {
	me, batches := generate(t, 300)
	byName := map[string]*graph.Person{}
	orgName := map[string]string{}
	current := map[string]string{}
	var ties []*graph.Tie
	for _, b := range batches {
		for _, o := range b.Organizations {
			orgName[o.ID] = o.Name
		}
		for _, p := range b.People {
			if byName[p.Name] != nil && castNames[p.Name] {
				t.Fatalf("two people called %s", p.Name)
			}
			byName[p.Name] = p
		}
		for _, e := range b.Employments {
			if e.End.IsZero() {
				current[e.PersonID] = orgName[e.OrganizationID]
			}
		}
		ties = append(ties, b.Ties...)
	}
	knows := func(a, b string) bool {
		return slices.ContainsFunc(ties, func(t *graph.Tie) bool {
			return t.PersonA == a && t.PersonB == b || t.PersonA == b && t.PersonB == a
		})
	}
	if byName[MeName] == nil || byName[MeName].ID != me {
		t.Fatal("me is missing")
	}
	cases := []struct {
		name, org string
		via       string // the person between me and them; "" for a direct tie
	}{
		{"Marta López", "Globex", ""},
		{"Sofía Martín", "Hooli", "Diego Ruiz"},
		{"Elena Torres", "Umbrella", "Ana García"},
		{"Jonas Weber", "Vandelay", "Priya Nair"},
	}
	for _, c := range cases {
		p := byName[c.name]
		if p == nil || current[p.ID] != c.org {
			t.Fatalf("%s: got %+v at %q, want at %s", c.name, p, current[p.ID], c.org)
		}
		if c.via == "" && !knows(me, p.ID) {
			t.Fatalf("I do not know %s", c.name)
		}
		if c.via != "" && (!knows(me, byName[c.via].ID) || !knows(byName[c.via].ID, p.ID)) {
			t.Fatalf("no chain me — %s — %s", c.via, c.name)
		}
	}
}

func TestTooFewPeople(t *testing.T) {
	_, err := Generate(Options{People: 10}, "owner", func(*graph.Batch) error { return nil })
	if graph.ErrorCode(err) != graph.EINVALID {
		t.Fatalf("got %v, want EINVALID", err)
	}
}
