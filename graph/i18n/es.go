package i18n

import (
	"fmt"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
)

var monthsES = [12]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"}

var nounsES = map[Noun][2]string{
	People: {"persona", "personas"}, Ties: {"vínculo", "vínculos"}, Interactions: {"interacción", "interacciones"},
	Circles: {"círculo", "círculos"}, Contacts: {"contacto", "contactos"}, Paths: {"camino", "caminos"},
	Days: {"día", "días"}, Members: {"miembro", "miembros"}, Favours: {"favor", "favores"},
	Brokers: {"intermediario", "intermediarios"}, Minutes: {"minuto", "minutos"}, Rows: {"fila", "filas"},
	FollowUps: {"seguimiento", "seguimientos"}, Times: {"vez", "veces"},
}

var kindsES = map[graph.InteractionKind][2]string{
	graph.KindMessage: {"mensaje", "mensajes"}, graph.KindEmail: {"correo", "correos"},
	graph.KindCall: {"llamada", "llamadas"}, graph.KindCoffee: {"café", "cafés"},
	graph.KindMeeting: {"reunión", "reuniones"}, graph.KindEvent: {"evento", "eventos"},
	graph.KindFavourGiven: {"favor hecho", "favores hechos"}, graph.KindFavourReceived: {"favor recibido", "favores recibidos"},
}

// articlesES gives each kind its indefinite article ("un café", "una llamada").
var articlesES = map[graph.InteractionKind]string{
	graph.KindMessage: "un", graph.KindEmail: "un", graph.KindCall: "una", graph.KindCoffee: "un",
	graph.KindMeeting: "una", graph.KindEvent: "un", graph.KindFavourGiven: "un", graph.KindFavourReceived: "un",
}

var reasonsES = map[string]func(p *Printer, a args) string{
	analytics.ReasonSetByHand: func(p *Printer, a args) string {
		return "fuerza fijada a mano en " + p.Num(a.float("strength"), 2)
	},
	analytics.ReasonWorkedTogether: func(p *Printer, a args) string { return "trabajaron juntos en " + a.str("org") },
	analytics.ReasonSameOrgApart: func(p *Printer, a args) string {
		return "ambos trabajaron en " + a.str("org") + " (en épocas distintas)"
	},
	analytics.ReasonTieContext:     func(p *Printer, a args) string { return a.str("text") },
	analytics.ReasonNoInteractions: func(p *Printer, a args) string { return "ninguna interacción registrada" },
	analytics.ReasonInteractions: func(p *Printer, a args) string {
		if n := a.int("count"); n != 1 {
			return fmt.Sprintf("%s, la última el %s", p.Count(n, Interactions), a.date(p, "last"))
		}
		return "1 interacción, el " + a.date(p, "last")
	},
	analytics.ReasonKinds:        func(p *Printer, a args) string { return a.kinds(p) },
	analytics.ReasonBothReachOut: func(p *Printer, a args) string { return "los dos toman la iniciativa" },
	analytics.ReasonReachedOut: func(p *Printer, a args) string {
		return fmt.Sprintf("%s tomó la iniciativa %d de %s", a.str("name"), a.int("count"), p.Count(a.int("of"), Times))
	},
	analytics.ReasonFavours: func(p *Printer, a args) string {
		return fmt.Sprintf("favores: %s hizo %d, %s hizo %d", a.str("name_a"), a.int("count_a"), a.str("name_b"), a.int("count_b"))
	},
	analytics.ReasonKnownSince: func(p *Printer, a args) string { return "se conocen desde el " + a.date(p, "date") },
	analytics.ReasonLastAgo: func(p *Printer, a args) string {
		return fmt.Sprintf("última interacción el %s, hace %s", a.date(p, "date"), p.Count(a.int("days"), Days))
	},
	analytics.ReasonInWindow: func(p *Printer, a args) string {
		return fmt.Sprintf("%s en los últimos %s", p.Count(a.int("count"), Interactions), p.Count(a.int("days"), Days))
	},
	analytics.ReasonPlanned: func(p *Printer, a args) string {
		if n := a.int("count"); n != 1 {
			return fmt.Sprintf("%d previstas, la próxima el %s (cuentan desde ese día)", n, a.date(p, "next"))
		}
		return fmt.Sprintf("1 prevista, el %s (cuenta desde ese día)", a.date(p, "next"))
	},

	analytics.ReasonQuietFor: func(p *Printer, a args) string {
		if k := graph.InteractionKind(a.str("kind")); k != "" {
			art := articlesES[k]
			if art == "" {
				art = "un"
			}
			return fmt.Sprintf("sin contacto desde hace %s (el último: %s %s, el %s)", p.Count(a.int("days"), Days),
				art, p.Kind(k, -1), a.date(p, "last"))
		}
		return fmt.Sprintf("sin contacto desde hace %s (el último, el %s)", p.Count(a.int("days"), Days), a.date(p, "last"))
	},
	analytics.ReasonTieWas: func(p *Printer, a args) string {
		past := a.float("past")
		if _, ok := a["count"]; ok {
			return fmt.Sprintf("era un vínculo %s (fuerza %s, %s)", p.Band(past), p.Num(past, 2), p.Count(a.int("count"), Interactions))
		}
		return fmt.Sprintf("era un vínculo %s (fuerza %s, ahora %s)", p.Band(past), p.Num(past, 2), p.Num(a.float("now"), 2))
	},
	analytics.ReasonRoomToGrow: func(p *Printer, a args) string {
		s := a.float("strength")
		return fmt.Sprintf("el vínculo es %s (fuerza %s): puede crecer", p.Band(s), p.Num(s, 2))
	},
	analytics.ReasonExclusiveReach: func(p *Printer, a args) string {
		return fmt.Sprintf("conoce a %s que ninguno de tus otros contactos conoce", p.Count(a.int("count"), People))
	},
	analytics.ReasonOnlyWayInto: func(p *Printer, a args) string {
		return "tu única entrada al círculo " + a.str("circle")
	},
	analytics.ReasonFollowedOrgs: func(p *Printer, a args) string {
		return "llega a " + p.List(a.strs("orgs")) + ", que sigues"
	},
	analytics.ReasonBalanced: func(p *Printer, a args) string { return "un vínculo equilibrado y recíproco" },
	analytics.ReasonFavoursFrom: func(p *Printer, a args) string {
		return fmt.Sprintf("te hizo %s (tú le hiciste %d)", p.Count(a.int("count"), Favours), a.int("given"))
	},

	analytics.ReasonWorksAt: func(p *Printer, a args) string { return "trabaja en " + a.str("org") },
	analytics.ReasonKnowsPeopleAt: func(p *Printer, a args) string {
		return fmt.Sprintf("conoce a %s en %s", p.Count(a.int("count"), People), a.str("org"))
	},
	analytics.ReasonModeratelyWeak: func(p *Printer, a args) string {
		return fmt.Sprintf("un vínculo moderadamente débil (%s, fuerza %s): el tipo que Rajkumar et al. (2022) vieron más útil para cambiar de trabajo",
			mutualES(p, a.int("mutual")), p.Num(a.float("strength"), 2))
	},
	analytics.ReasonCloseCircle: func(p *Printer, a args) string {
		return mutualES(p, a.int("mutual")) + ": un círculo cercano, que seguramente conoce las mismas ofertas que tú"
	},
	analytics.ReasonMutual: func(p *Printer, a args) string {
		return fmt.Sprintf("%s, fuerza %s", mutualES(p, a.int("mutual")), p.Num(a.float("strength"), 2))
	},

	analytics.ReasonNeedsOffers: func(p *Printer, a args) string {
		return fmt.Sprintf("%s necesita %s; %s ofrece %s", a.str("name_a"), p.Term(a.str("need")), a.str("name_b"), p.Term(a.str("offer")))
	},
	analytics.ReasonBothInto:     func(p *Printer, a args) string { return "comparten el interés por " + p.Term(a.str("topic")) },
	analytics.ReasonBothKnow:     func(p *Printer, a args) string { return "ambos saben de " + p.Term(a.str("skill")) },
	analytics.ReasonBothWorkedAt: func(p *Printer, a args) string { return "ambos han trabajado en " + a.str("org") },
	analytics.ReasonDifferentCircles: func(p *Printer, a args) string {
		return "en círculos distintos: " + a.str("circle_a") + " y " + a.str("circle_b")
	},
	analytics.ReasonMutualBesidesYou: func(p *Printer, a args) string {
		if a.int("count") == 0 {
			return "sin contactos en común aparte de ti"
		}
		return mutualES(p, a.int("count")) + " aparte de ti"
	},
}

func mutualES(p *Printer, n int) string {
	if n == 1 {
		return "1 contacto en común"
	}
	return fmt.Sprintf("%d contactos en común", n)
}
