package identity_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/identity"
)

// rec is a person of a case: "Name | source | emails, phones | org".
type rec string

// world builds the input of a case: people p0, p1, ... from their records,
// each organisation named once (with the domain of its lower-case name).
func world(recs ...rec) identity.Input {
	var in identity.Input
	orgs := map[string]string{}
	for i, r := range recs {
		f := strings.Split(string(r), "|")
		for len(f) < 4 {
			f = append(f, "")
		}
		p := &graph.Person{ID: fmt.Sprintf("p%d", i), Name: strings.TrimSpace(f[0]), Source: strings.TrimSpace(f[1])}
		for _, v := range strings.Fields(f[2]) {
			switch {
			case strings.Contains(v, "@"):
				p.Emails = append(p.Emails, v)
			case strings.HasPrefix(v, "https://"):
				p.LinkedInURL = v
			default:
				p.Phones = append(p.Phones, v)
			}
		}
		if org := strings.TrimSpace(f[3]); org != "" {
			if orgs[org] == "" {
				orgs[org] = fmt.Sprintf("o%d", len(orgs))
				in.Organizations = append(in.Organizations, &graph.Organization{ID: orgs[org], Name: org,
					Domain: strings.ToLower(strings.ReplaceAll(org, " ", "")) + ".com"})
			}
			in.Employments = append(in.Employments, &graph.Employment{ID: p.ID + "-job", PersonID: p.ID, OrganizationID: orgs[org]})
		}
		in.People = append(in.People, p)
	}
	in.Region = "ES"
	return in
}

// proposed reports whether the finder proposes p0 and p1 as one person.
func proposed(in identity.Input) (bool, identity.Pair) {
	for _, p := range identity.People(in).Pairs {
		if p.A == "p0" && p.B == "p1" {
			return true, p
		}
	}
	return false, identity.Pair{}
}

// proposalCases are pairs p0, p1 the finder must propose (or must not),
// among other people of the workspace: the variants the issue names and
// the namesakes that make them hard.
var proposalCases = []struct {
	name string
	want bool
	recs []rec
}{
	{"AccentsAndOrder", true, []rec{"Ana García López | linkedin | | Umbrella", "Garcia, Ana | google | ana.garcia@gmail.com | Umbrella"}},
	{"InitialWithParticleSurname", true, []rec{"E. del Río Fernández | google | | Acme", "Eugenio del Río Fernández | vcard | | Acme"}},
	{"InitialOfNickname", true, []rec{"Pepe Segura | vcard | | Globex", "J. Segura Calvo | linkedin | | Globex"}},
	{"AddressSpellsName", true, []rec{"agarcia@umbrella.com | calendar | agarcia@umbrella.com", "Ana García | linkedin | | Umbrella"}},
	{"AddressSurnameFirst", true, []rec{"garcia.ana@umbrella.com | calendar | garcia.ana@umbrella.com", "Ana García | linkedin | | Umbrella"}},
	{"AddressGivenAndInitial", true, []rec{"anag@umbrella.com | calendar | anag@umbrella.com", "Ana García | linkedin | | Umbrella"}},
	{"AddressWithParticle", true, []rec{"ernesto.delarosa@initech.com | calendar | ernesto.delarosa@initech.com",
		"Ernesto de la Rosa Franco | linkedin | | Initech"}},
	{"AddressOfCompoundName", true, []rec{"joseluis.garcia@acme.com | calendar | joseluis.garcia@acme.com", "José Luis García | linkedin | | Acme"}},
	{"OwnAddressSpellsInitial", true, []rec{"J. Velasco | google | josevelasco@gmail.com", "José Velasco Muñoz | linkedin | | Hooli",
		"Jorge Velasco | linkedin | | Globex"}},
	{"TypoSeenOnce", true, []rec{"Lucía Garcíia | linkedin | | Umbrella", "Lucía García | google | | Umbrella"}},
	// Two people of the workspace could be "A. García" at Umbrella.
	{"AddressOfTwo", false, []rec{"agarcia@umbrella.com | calendar | agarcia@umbrella.com", "Ana García | linkedin | | Umbrella",
		"Antonio García | google | antonio@gmail.com | Umbrella"}},
	// Two María Garcías at Telefónica, each with her profile: a third
	// record of the name there could be either.
	{"NamesakesAtOneCompany", false, []rec{"María García | google | | Telefónica",
		"María García | linkedin | https://www.linkedin.com/in/maria-garcia-322 | Telefónica",
		"María García | linkedin | https://www.linkedin.com/in/maria-garcia-667 | Telefónica"}},
	// Of two Patrick Taylors, one at Wonka: P. Taylor at Wonka is that one.
	{"NamesakeElsewhere", true, []rec{"Taylor, Patrick | google | p.taylor@wonka.com", "Patrick Taylor | linkedin | | Wonka",
		"Patrick Taylor | linkedin | https://www.linkedin.com/in/ptaylor | Globex"}},
	{"DifferentSecondSurnames", false, []rec{"Ana García López | linkedin | | Umbrella", "Ana García Pérez | google | | Umbrella"}},
	{"TwoRealSurnames", false, []rec{"Ana Martín | linkedin | | Umbrella", "Ana Marín | google | | Umbrella"}},
	{"SecondGivenNameInitial", false, []rec{"A. Crespo | linkedin | | Acme", "José Antonio Crespo | vcard | | Acme"}},
	{"NumberedMailbox", false, []rec{"María García | google | maria.garcia@acme.com", "María García | calendar | maria.garcia2@acme.com"}},
	// Spanish names as people type them: abbreviations, compound given
	// names in one word or as capitals, and their familiar forms.
	{"WrittenShort", true, []rec{"Mª José Fdez. | google | | Acme", "María José Fernández | linkedin | | Acme"}},
	{"ShortSurnameSecond", true, []rec{"Fco. Javier Glez. Ruiz | vcard | | Acme", "Francisco Javier González Ruiz | linkedin | | Acme"}},
	{"MexicanShortSurname", true, []rec{"Luis Hdz. | google | | Acme", "Luis Hernández | linkedin | | Acme"}},
	{"CapitalInitials", true, []rec{"JM García | google | | Acme", "José María García | linkedin | | Acme"}},
	{"CapitalInitialsSurnameFirst", true, []rec{"García Ruiz, JL | google | | Acme", "José Luis García Ruiz | linkedin | | Acme"}},
	{"CompoundInOneWord", true, []rec{"Josemaría García | google | | Acme", "José María García | linkedin | | Acme"}},
	{"CompoundFamiliar", true, []rec{"Juanma Ortega | google | | Acme", "Juan Manuel Ortega | linkedin | | Acme"}},
	{"CompoundFamiliarFemale", true, []rec{"Maite Pérez | vcard | | Acme", "María Teresa Pérez | linkedin | | Acme"}},
	{"CompoundFamiliarFirstName", true, []rec{"Juanjo Ortega | google | | Acme", "Juan Ortega | linkedin | | Acme"}},
	{"CompoundOtherSecond", false, []rec{"Juanma Ortega | google | | Acme", "Juan José Ortega | linkedin | | Acme"}},
	{"CapitalInitialsOther", false, []rec{"JA García | google | | Acme", "José María García | linkedin | | Acme"}},
	{"DifferentProfiles", false, []rec{"Lucía Herrera | linkedin | https://www.linkedin.com/in/lucia-herrera-322 | Acme",
		"Lucía Herrera | linkedin | https://www.linkedin.com/in/lucia-herrera-667 | Acme"}},
}

func TestProposals(t *testing.T) {
	for _, c := range proposalCases {
		t.Run(c.name, func(t *testing.T) {
			got, p := proposed(world(c.recs...))
			if got != c.want {
				t.Errorf("proposed %v (score %.2f, %v), want %v", got, p.Score, p.Evidence, c.want)
			}
		})
	}
}

// TestNoNameOnlyAutoMerge: a name, even with an organisation, is never an
// exact pair (auto-merged); a shared identifier is.
func TestNoNameOnlyAutoMerge(t *testing.T) {
	for _, p := range identity.People(world("Ana García | linkedin | | Umbrella", "Ana García | google | | Umbrella")).Pairs {
		if p.Exact || p.AutoMerge {
			t.Errorf("name-only pair %+v is exact", p)
		}
	}
	got, p := proposed(world("Ana García | google | ana@umbrella.com", "ana@umbrella.com | calendar | ANA@umbrella.com"))
	if !got || !p.Exact || !p.AutoMerge {
		t.Errorf("shared email: proposed %v, pair %+v; want exact and auto-merged", got, p)
	}
}

// TestTokensWrittenShort: the written-out forms, and the words left alone.
func TestTokensWrittenShort(t *testing.T) {
	for name, want := range map[string]string{
		"Mª José Fdez.":       "maria jose fernandez",
		"M.ª del Carmen Glez": "maria carmen gonzalez",
		"Ma. Luisa Rguez.":    "maria luisa rodriguez",
		"Fco. Javier Mtnez.":  "francisco javier martinez",
		"JM García":           "j m garcia",
		"García, JL":          "garcia j l",
		"Juanma Ortega":       "juan manuel ortega",
		"Chema Ortega":        "jose maria ortega",
		// Left alone: a surname Ma, surnames in capitals, a name in capitals.
		"Ma Wei":     "ma wei",
		"MA Wei":     "ma wei",
		"NG Kok Wah": "ng kok wah",
		"JM GARCIA":  "jm garcia",
		"Ana Martín": "ana martin",
	} {
		if got := strings.Join(identity.Tokens(name), " "); got != want {
			t.Errorf("Tokens(%q) = %q, want %q", name, got, want)
		}
	}
	// Organisations keep their words: "HP Inc." is hp.
	if got := identity.OrgKey("HP Inc."); got != "hp" {
		t.Errorf("OrgKey(HP Inc.) = %q", got)
	}
}
