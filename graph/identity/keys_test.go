package identity

import (
	"testing"

	"github.com/nexohq/nexo/graph"
)

var keyTests = []struct {
	name, in, want string
	fn             func(string) string
}{
	{"EmailCase", "Ana.Garcia@Umbrella.COM", "ana.garcia@umbrella.com", CanonicalEmail},
	{"EmailPlus", "ana+news@umbrella.com", "ana@umbrella.com", CanonicalEmail},
	{"EmailGmailDots", "Ana.Garcia+x@googlemail.com", "anagarcia@gmail.com", CanonicalEmail},
	{"EmailNoDomain", "ana@", "", CanonicalEmail},
	{"PhoneE164", "+34 612 34 56 78", "+34612345678", func(s string) string { return PhoneKey(s, "") }},
	{"Phone00", "0034 612-345-678", "+34612345678", func(s string) string { return PhoneKey(s, "") }},
	{"PhoneRegion", "612 345 678", "+34612345678", func(s string) string { return PhoneKey(s, "es") }},
	{"PhoneNational", "(612) 345 678", "612345678", func(s string) string { return PhoneKey(s, "") }},
	{"PhoneShort", "112", "", func(s string) string { return PhoneKey(s, "") }},
	{"LinkedIn", "http://es.linkedin.com/in/Ana-G/?trk=1", "https://www.linkedin.com/in/ana-g", LinkedInKey},
	{"NotLinkedIn", "https://example.com/ana", "", LinkedInKey},
	{"UID", "urn:uuid:ABC-1", "abc-1", UIDKey},
	{"Fold", "Ñúñez Müller Straße", "nunez muller strasse", Fold},
}

func TestKeys(t *testing.T) {
	for _, tc := range keyTests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.fn(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

var agreeTests = []struct {
	a, b string
	want bool
}{
	{"Ana García", "Ana Garcia", true},
	{"Ana García", "García, Ana", true},
	{"Ana García", "Ana García López", true},
	{"J. García", "José García", true},
	{"Pepe García", "José García", true},
	{"Bill Smith", "William Smith", true},
	{"Paco Ruiz", "Francisco Ruiz", true},
	{"Dra. María de la Cruz", "Maria Cruz", true},
	{"Ana García", "Ana Gómez", false},
	{"Ana García", "Pedro García", false},
	{"J. G.", "José García", false},
	{"", "Ana", false},
}

func TestNamesAgree(t *testing.T) {
	for _, tc := range agreeTests {
		if got := NamesAgree(tc.a, tc.b); got != tc.want {
			t.Errorf("NamesAgree(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestOrganizations(t *testing.T) {
	orgs := []*graph.Organization{
		{ID: "o1", Name: "Acme"}, {ID: "o2", Name: "ACME Inc."}, {ID: "o3", Name: "acme.com"},
		{ID: "o4", Name: "Acme Labs"}, {ID: "o5", Name: "Globex", Domain: "globex.com"}, {ID: "o6", Name: "Globex Corporation", Domain: "globex.com"},
	}
	got := map[[2]string]bool{}
	for _, p := range Organizations(orgs) {
		got[[2]string{p.A, p.B}] = true
	}
	for _, want := range [][2]string{{"o1", "o2"}, {"o1", "o3"}, {"o2", "o3"}, {"o5", "o6"}} {
		if !got[want] {
			t.Errorf("pair %v not proposed; got %v", want, got)
		}
	}
	if got[[2]string{"o1", "o4"}] || len(got) != 4 {
		t.Errorf("proposed %v: Acme Labs is another organisation", got)
	}
}
