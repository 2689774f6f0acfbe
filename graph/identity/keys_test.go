package identity

import "testing"

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
