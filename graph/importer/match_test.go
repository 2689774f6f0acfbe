package importer

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/nexohq/nexo/graph"
)

// sameNameCSV generates a LinkedIn export of pairs of connections who share
// first name, last name and company but each have their own profile URL,
// and every third one their own email: two María Garcías at Telefónica are
// two people. It is the small form of the 30,000-row file that once merged
// 752 such rows into others.
func sameNameCSV(pairs int) []byte {
	firsts := []string{"María", "Lucía", "José", "Ana", "Javier", "Carmen", "Diego", "Elena"}
	lasts := []string{"García", "Herrera", "López", "Martín", "Ruiz", "Fernández"}
	orgs := []string{"Telefónica", "Globex", "Acme Inc.", "Banco Sur"}
	var b bytes.Buffer
	b.WriteString(linkedInHeader)
	for i := range pairs {
		first, last, org := firsts[i%len(firsts)], lasts[i%len(lasts)], orgs[i%len(orgs)]
		for twin := range 2 {
			n := 2*i + twin
			email := ""
			if n%3 == 0 {
				email = fmt.Sprintf("twin%d@example.com", n)
			}
			fmt.Fprintf(&b, "%s,%s,https://www.linkedin.com/in/%s-%s-%d,%s,%s,Engineer %d,%02d Mar 2021\n",
				first, last, fold(first), fold(last), 100+n, email, org, twin, 1+i%28)
		}
	}
	return b.Bytes()
}

// TestPlanSameNameSameCompany is the regression test of the defect: rows
// with the same name and company but their own profile URLs were merged
// into one person (mixing their fields, losing a connection), and every
// re-import reported them updated.
func TestPlanSameNameSameCompany(t *testing.T) {
	const pairs = 12
	w := newWorld()
	b, r := w.plan(t, sameNameCSV(pairs), FormatLinkedIn)
	if got, want := reportCounts(r), (counts{created: 2 * pairs}); got != want {
		t.Fatalf("report %+v, want %+v; details %+v", got, want, r.Details)
	}
	if len(b.People) != 2*pairs || len(b.Ties) != 2*pairs {
		t.Fatalf("batch %+v, want %d people and ties", countBatch(b), 2*pairs)
	}
	urls := map[string]bool{}
	for _, p := range b.People {
		if urls[p.LinkedInURL] || len(p.Emails) > 1 || len(p.MatchKeys) > 0 {
			t.Errorf("person mixes two rows: %+v", p)
		}
		urls[p.LinkedInURL] = true
	}
	w.apply(b)

	t.Run("ReimportChangesNothing", func(t *testing.T) {
		b, r := w.plan(t, sameNameCSV(pairs), FormatLinkedIn)
		if b.Len() != 0 {
			t.Errorf("a re-import writes %+v, want nothing", countBatch(b))
		}
		if got, want := reportCounts(r), (counts{unchanged: 2 * pairs}); got != want {
			t.Errorf("report %+v, want %+v", got, want)
		}
	})
}

// TestPlanNameAndOrgNeverMatch: a person already in the workspace with the
// name and organisation of a row, but other identifiers (or none, made by
// hand), is not the row's person; a shared identifier is.
func TestPlanNameAndOrgNeverMatch(t *testing.T) {
	w := newWorld()
	org := &graph.Organization{ID: graph.NewID(), WorkspaceID: testWS, Name: "Telefónica"}
	maria := &graph.Person{ID: graph.NewID(), WorkspaceID: testWS, Name: "María García", Emails: []string{"maria.garcia.7@telefonica.example"}, Source: "demo"}
	manual := &graph.Person{ID: graph.NewID(), WorkspaceID: testWS, Name: "Lucía Herrera", Source: "manual"}
	w.entities = append(w.entities, org, maria, manual,
		&graph.Employment{ID: graph.NewID(), WorkspaceID: testWS, PersonID: maria.ID, OrganizationID: org.ID},
		&graph.Employment{ID: graph.NewID(), WorkspaceID: testWS, PersonID: manual.ID, OrganizationID: org.ID})
	data := []byte(linkedInHeader +
		"María,García,https://www.linkedin.com/in/maria-garcia-322,,Telefónica,CFO,01 Jan 2020\n" +
		"Lucía,Herrera,https://www.linkedin.com/in/lucia-herrera-667,,Telefónica,CTO,01 Jan 2020\n" +
		"Maria,Garcia,https://www.linkedin.com/in/maria-garcia-9,Maria.Garcia.7+work@Telefonica.example,Telefónica,Analyst,01 Jan 2020\n")
	b, r := w.plan(t, data, FormatLinkedIn)
	if got, want := reportCounts(r), (counts{created: 2, updated: 1}); got != want {
		t.Fatalf("report %+v, want %+v; details %+v", got, want, r.Details)
	}
	for _, p := range b.People {
		switch p.LinkedInURL {
		case "https://www.linkedin.com/in/maria-garcia-322", "https://www.linkedin.com/in/lucia-herrera-667":
			if p.ID == maria.ID || p.ID == manual.ID {
				t.Errorf("row with its own profile matched %s by name and organisation", p.Name)
			}
		case "https://www.linkedin.com/in/maria-garcia-9":
			if p.ID != maria.ID {
				t.Errorf("row with María's email (plus-addressed, other case) did not match her: %+v", p)
			}
		}
	}
}

// googleNamesCSV is a Google Contacts export with names and organisations
// only: rows without any identifier.
const googleNamesCSV = "First Name,Last Name,Organization Name,Phone 1 - Value\n" +
	"Rosa,Vidal,Umbrella,\n" +
	"Íñigo,Sáez,,\n" +
	"Ana,García,Umbrella,+34 612 345 678\n"

// TestPlanRowsWithoutIdentifiers: a row with no identifier finds the person
// an earlier import of that row made (its row key), even after a user gave
// them an email; never a person a user made by hand with the same name.
func TestPlanRowsWithoutIdentifiers(t *testing.T) {
	w := newWorld()
	hand := &graph.Person{ID: graph.NewID(), WorkspaceID: testWS, Name: "Íñigo Sáez", Source: "manual"}
	w.entities = append(w.entities, hand)
	b, r := w.plan(t, []byte(googleNamesCSV), FormatGoogle)
	if got, want := reportCounts(r), (counts{created: 3}); got != want {
		t.Fatalf("report %+v, want %+v; details %+v", got, want, r.Details)
	}
	w.apply(b)
	rosa := w.person(t, "Rosa Vidal")
	if want := []string{"row:google:rosa vidal|umbrella"}; !slices.Equal(rosa.MatchKeys, want) {
		t.Errorf("match keys %q, want %q", rosa.MatchKeys, want)
	}
	rosa.Emails, rosa.UserEdited = []string{"rosa@umbrella.example"}, []string{"emails"}

	b, r = w.plan(t, []byte(googleNamesCSV), FormatGoogle)
	if b.Len() != 0 || r.Unchanged != 3 {
		t.Errorf("re-import: batch %+v, report %+v; details %+v", countBatch(b), reportCounts(r), r.Details)
	}
	b, r = w.plan(t, []byte(linkedInHeader+"Rosa,Vidal,,,Umbrella,,01 Jan 2020\n"), FormatLinkedIn)
	if r.Created != 1 {
		t.Errorf("a LinkedIn row of the same name: report %+v, want a new person (another source's row key)", reportCounts(r))
	}
}

// TestPlanLegacyRowPerson: a person an import made from a row without
// identifiers before row keys were kept is still found by that row.
func TestPlanLegacyRowPerson(t *testing.T) {
	w := newWorld()
	org := &graph.Organization{ID: graph.NewID(), WorkspaceID: testWS, Name: "Umbrella"}
	rosa := &graph.Person{ID: graph.NewID(), WorkspaceID: testWS, Name: "Rosa Vidal", Source: "google"}
	w.entities = append(w.entities, org, rosa,
		&graph.Employment{ID: graph.NewID(), WorkspaceID: testWS, PersonID: rosa.ID, OrganizationID: org.ID, Source: "google"})
	_, r := w.plan(t, []byte("First Name,Last Name,Organization Name\nRosa,Vidal,Umbrella\n"), FormatGoogle)
	if r.Created != 0 || len(r.Details) != 0 {
		t.Errorf("report %+v, details %+v: want Rosa found", reportCounts(r), r.Details)
	}
}

// TestPlanPhonesAndMergedKeys: a phone in another notation finds its
// person when the names agree, not when they do not (a shared line); the
// LinkedIn URL of someone merged into a person finds that person.
func TestPlanPhonesAndMergedKeys(t *testing.T) {
	w := newWorld()
	ana := &graph.Person{ID: graph.NewID(), WorkspaceID: testWS, Name: "Ana García López", Phones: []string{"0034 612 34 56 78"}, Source: "vcard"}
	bo := &graph.Person{ID: graph.NewID(), WorkspaceID: testWS, Name: "Bo Lind", Source: "linkedin",
		LinkedInURL: "https://www.linkedin.com/in/bolind", MatchKeys: []string{"linkedin:https://www.linkedin.com/in/bo-lind-2"}}
	w.entities = append(w.entities, ana, bo)
	data := "First Name,Last Name,Organization Name,Phone 1 - Value\n" +
		"Ana,Garcia,,+34 612 345 678\n" +
		"Pedro,Ruiz,,+34 612 345 678\n"
	b, r := w.plan(t, []byte(data), FormatGoogle)
	if r.Created != 1 || findPerson(b, ana.ID) == nil {
		t.Errorf("report %+v: want Ana matched by phone and Pedro created", reportCounts(r))
	}
	for _, p := range b.People {
		if p.Name == "Pedro Ruiz" && len(p.Phones) != 0 {
			t.Errorf("Pedro got Ana's phone: %+v", p)
		}
	}
	_, r = w.plan(t, []byte(linkedInHeader+"Bo,Lind,https://linkedin.com/in/bo-lind-2/,,,,01 Jan 2020\n"), FormatLinkedIn)
	if r.Created != 0 {
		t.Errorf("report %+v: want Bo found by the merged profile", reportCounts(r))
	}
}
