package i18n_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph/i18n"
)

func r(code string, kv ...any) analytics.Reason {
	a := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		a[kv[i].(string)] = kv[i+1]
	}
	return analytics.Reason{Code: code, Args: a}
}

var reasonTests = []struct {
	reason analytics.Reason
	en, es string
}{
	{r(analytics.ReasonSetByHand, "strength", 0.3), "strength set by hand to 0.30", "fuerza fijada a mano en 0,30"},
	{r(analytics.ReasonWorkedTogether, "org", "Acme"), "worked together at Acme", "trabajaron juntos en Acme"},
	{r(analytics.ReasonSameOrgApart, "org", "Acme"), "both worked at Acme (at different times)", "ambos trabajaron en Acme (en épocas distintas)"},
	{r(analytics.ReasonTieContext, "text", "met at PyCon"), "met at PyCon", "met at PyCon"},
	{r(analytics.ReasonNoInteractions), "no interactions logged", "ninguna interacción registrada"},
	{r(analytics.ReasonInteractions, "count", 1, "last", "2026-03-04"), "1 interaction, on 4 Mar 2026", "1 interacción, el 4 mar 2026"},
	{r(analytics.ReasonInteractions, "count", 12, "last", "2026-02-06"), "12 interactions, the last on 6 Feb 2026", "12 interacciones, la última el 6 feb 2026"},
	{r(analytics.ReasonKinds, "kinds", map[string]int{"meeting": 8, "message": 4, "coffee": 1}),
		"4 messages, 1 coffee, 8 meetings", "4 mensajes, 1 café, 8 reuniones"},
	{r(analytics.ReasonBothReachOut), "both reach out", "los dos toman la iniciativa"},
	{r(analytics.ReasonReachedOut, "name", "Ana", "count", 3, "of", 4), "Ana reached out 3 of 4 times", "Ana tomó la iniciativa 3 de 4 veces"},
	{r(analytics.ReasonFavours, "name_a", "Ana", "count_a", 2, "name_b", "Bea", "count_b", 1), "favours: Ana did 2, Bea did 1", "favores: Ana hizo 2, Bea hizo 1"},
	{r(analytics.ReasonKnownSince, "date", "2019-03-01"), "known since 1 Mar 2019", "se conocen desde el 1 mar 2019"},
	{r(analytics.ReasonLastAgo, "date", "2026-02-06", "days", 1), "last interaction on 6 Feb 2026, 1 day ago", "última interacción el 6 feb 2026, hace 1 día"},
	{r(analytics.ReasonInWindow, "count", 1, "days", 365), "1 interaction in the last 365 days", "1 interacción en los últimos 365 días"},
	{r(analytics.ReasonPlanned, "count", 2, "next", "2026-12-10"), "2 planned, the next on 10 Dec 2026 (counts from that day)",
		"2 previstas, la próxima el 10 dic 2026 (cuentan desde ese día)"},
	{r(analytics.ReasonPlanned, "count", 1, "next", "2026-12-10"), "1 planned, the next on 10 Dec 2026 (counts from that day)",
		"1 prevista, el 10 dic 2026 (cuenta desde ese día)"},
	{r(analytics.ReasonQuietFor, "days", 120, "last", "2026-03-02"), "no interaction for 120 days (the last on 2 Mar 2026)", "sin contacto desde hace 120 días (el último, el 2 mar 2026)"},
	{r(analytics.ReasonQuietFor, "days", 200, "last", "2026-03-02", "kind", "email"),
		"no interaction for 200 days (the last: an email, 2 Mar 2026)", "sin contacto desde hace 200 días (el último: un correo, el 2 mar 2026)"},
	{r(analytics.ReasonQuietFor, "days", 200, "last", "2026-03-02", "kind", "call"),
		"no interaction for 200 days (the last: a call, 2 Mar 2026)", "sin contacto desde hace 200 días (el último: una llamada, el 2 mar 2026)"},
	{r(analytics.ReasonTieWas, "past", 0.72, "now", 0.31), "the tie was strong (strength 0.72, now 0.31)", "era un vínculo fuerte (fuerza 0,72, ahora 0,31)"},
	{r(analytics.ReasonTieWas, "past", 0.45, "count", 1), "the tie was moderate (strength 0.45, 1 interaction)", "era un vínculo moderado (fuerza 0,45, 1 interacción)"},
	{r(analytics.ReasonRoomToGrow, "strength", 0.2), "the tie is weak (strength 0.20): room to grow", "el vínculo es débil (fuerza 0,20): puede crecer"},
	{r(analytics.ReasonExclusiveReach, "count", 1), "knows 1 person none of your other contacts knows", "conoce a 1 persona que ninguno de tus otros contactos conoce"},
	{r(analytics.ReasonExclusiveReach, "count", 5), "knows 5 people none of your other contacts know", "conoce a 5 personas que ninguno de tus otros contactos conoce"},
	{r(analytics.ReasonOnlyWayInto, "circle", "Acme"), "your only way into the Acme circle", "tu única entrada al círculo Acme"},
	{r(analytics.ReasonFollowedOrgs, "orgs", []string{"Acme", "Globex", "Hooli"}), "reaches Acme, Globex and Hooli, which you follow", "llega a Acme, Globex y Hooli, que sigues"},
	{r(analytics.ReasonBalanced), "a balanced, reciprocal tie", "un vínculo equilibrado y recíproco"},
	{r(analytics.ReasonFavoursFrom, "count", 1, "given", 0), "did you 1 favour (you did them 0)", "te hizo 1 favor (tú le hiciste 0)"},
	{r(analytics.ReasonFavoursFrom, "count", 3, "given", 1), "did you 3 favours (you did them 1)", "te hizo 3 favores (tú le hiciste 1)"},
	{r(analytics.ReasonWorksAt, "org", "Globex"), "works at Globex", "trabaja en Globex"},
	{r(analytics.ReasonKnowsPeopleAt, "count", 1, "org", "Globex"), "knows 1 person at Globex", "conoce a 1 persona en Globex"},
	{r(analytics.ReasonModeratelyWeak, "mutual", 4, "strength", 0.35),
		"a moderately weak tie (4 mutual contacts, strength 0.35): the kind Rajkumar et al. (2022) found most useful for changing jobs",
		"un vínculo moderadamente débil (4 contactos en común, fuerza 0,35): el tipo que Rajkumar et al. (2022) vieron más útil para cambiar de trabajo"},
	{r(analytics.ReasonCloseCircle, "mutual", 12), "12 mutual contacts: a close circle, likely to know the same openings you do",
		"12 contactos en común: un círculo cercano, que seguramente conoce las mismas ofertas que tú"},
	{r(analytics.ReasonMutual, "mutual", 1, "strength", 0.5), "1 mutual contact, strength 0.50", "1 contacto en común, fuerza 0,50"},
	{r(analytics.ReasonNeedsOffers, "name_a", "Diego", "need", "investor introductions", "name_b", "Sofía", "offer", "investor"),
		"Diego needs investor introductions; Sofía offers investor", "Diego necesita presentaciones a inversores; Sofía ofrece inversor"},
	{r(analytics.ReasonBothInto, "topic", "climbing"), "both into climbing", "comparten el interés por climbing"},
	{r(analytics.ReasonBothKnow, "skill", "data analysis"), "both know data analysis", "ambos saben de análisis de datos"},
	{r(analytics.ReasonBothWorkedAt, "org", "Acme"), "both have worked at Acme", "ambos han trabajado en Acme"},
	{r(analytics.ReasonDifferentCircles, "circle_a", "Acme", "circle_b", "Globex"), "in different circles: Acme and Globex", "en círculos distintos: Acme y Globex"},
	{r(analytics.ReasonMutualBesidesYou, "count", 0), "no mutual contacts besides you", "sin contactos en común aparte de ti"},
	{r(analytics.ReasonMutualBesidesYou, "count", 1), "1 mutual contact besides you", "1 contacto en común aparte de ti"},
}

func TestReason(t *testing.T) {
	for _, tt := range reasonTests {
		if got := i18n.English.Reason(tt.reason); got != tt.en {
			t.Errorf("en %s: got %q, want %q", tt.reason.Code, got, tt.en)
		}
		if got := i18n.Spanish.Reason(tt.reason); got != tt.es {
			t.Errorf("es %s: got %q, want %q", tt.reason.Code, got, tt.es)
		}
	}
}

// TestReasonAfterJSON: a client that reads reasons from the API (numbers
// as float64, lists as []any) words them exactly as the server does.
func TestReasonAfterJSON(t *testing.T) {
	for _, tt := range reasonTests {
		b, err := json.Marshal(tt.reason)
		if err != nil {
			t.Fatal(err)
		}
		var back analytics.Reason
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if got := i18n.Spanish.Reason(back); got != tt.es {
			t.Errorf("es %s after JSON: got %q, want %q", tt.reason.Code, got, tt.es)
		}
	}
}

// TestEveryCodeWorded: each code has a wording of its own in each language
// (not the fallback) and the table above tests it.
func TestEveryCodeWorded(t *testing.T) {
	tested := map[string]bool{}
	for _, tt := range reasonTests {
		tested[tt.reason.Code] = true
	}
	for _, code := range analytics.ReasonCodes {
		if !tested[code] {
			t.Errorf("code %s has no test case", code)
		}
		fallback := strings.ReplaceAll(code, "_", " ")
		for _, p := range []*i18n.Printer{i18n.English, i18n.Spanish} {
			if got := p.Reason(analytics.Reason{Code: code}); got == fallback && code != analytics.ReasonTieContext &&
				(p != i18n.English || code != analytics.ReasonBothReachOut) { // "both reach out" is its own wording
				t.Errorf("%s: code %s is not worded", p.Locale(), code)
			}
		}
	}
	if got := i18n.Spanish.Reason(analytics.Reason{Code: "from_the_future"}); got != "from the future" {
		t.Errorf("unknown code: got %q", got)
	}
}

var countTests = []struct {
	n        int
	noun     i18n.Noun
	en, es   string
	nounOnly bool
}{
	{1, i18n.People, "1 person", "1 persona", false},
	{0, i18n.People, "0 people", "0 personas", false},
	{2, i18n.Ties, "2 ties", "2 vínculos", false},
	{1, i18n.Ties, "1 tie", "1 vínculo", false},
	{1, i18n.Days, "1 day", "1 día", false},
	{3, i18n.Circles, "3 circles", "3 círculos", false},
}

func TestCount(t *testing.T) {
	for _, tt := range countTests {
		if got := i18n.English.Count(tt.n, tt.noun); got != tt.en {
			t.Errorf("en: got %q, want %q", got, tt.en)
		}
		if got := i18n.Spanish.Count(tt.n, tt.noun); got != tt.es {
			t.Errorf("es: got %q, want %q", got, tt.es)
		}
	}
}

func TestFor(t *testing.T) {
	for in, want := range map[string]string{
		"": "en", "es": "es", "es-ES": "es", "ES_mx": "es", "en-GB": "en", "fr": "en",
		"fr-FR,es;q=0.8,en;q=0.5": "es", "de, en;q=0.9": "en",
	} {
		if got := i18n.For(in).Locale(); got != want {
			t.Errorf("For(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestTerm(t *testing.T) {
	if got := i18n.Spanish.Term("Data Analysis"); got != "análisis de datos" {
		t.Errorf("got %q", got)
	}
	if got := i18n.Spanish.Term("kitesurfing"); got != "kitesurfing" {
		t.Errorf("unknown term: got %q", got)
	}
	if got := i18n.English.Term("data analysis"); got != "data analysis" {
		t.Errorf("english: got %q", got)
	}
}
