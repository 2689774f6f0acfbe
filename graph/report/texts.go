package report

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/nexohq/nexo/graph"
)

// texts holds a report's words in one language. Drafts are short and give
// before they ask: thanks, congratulations, an offer, something to share.
type texts struct {
	locale string

	// Reasons and actions.
	quietFor, strengthNow, onlyWayInto, reachesFollowed string
	// Counted phrases: the form for one, then for any other number.
	wasTie, exclusiveReach, favoursFromThem, quote, owedLine                                  [2]string
	thankAction, thankDraft, congratsAction, congratsDraft, offerIntroAction, offerIntroDraft string
	shareAction, shareDraft, callAction, callDraft, followUpAction, followUpDraft             string
	deepenAction, deepenDraft, owedAction, introduceAction, reviewAction                      string
	introMake, introChase, introCheck, introFollow                                            string

	// Words.
	weekdays [5]string
	months   [12]string
	kinds    map[graph.InteractionKind]string
	statuses map[graph.IntroStatus]string
	bands    [3]string // strong, moderate, weak
	broker   []brokerPattern

	// Headings and labels of the formats.
	title, subtitle, dormantH, followUpsH, introductionsH, healthH, deepenH, owedH, waitingH, planH string
	why, nextStep, minutes, metOn, newTie, dueBy, overdueSince, nothing                             string
	healthNow, healthPrev, healthTrend, waitingLine, planTotal                                      string
	metrics                                                                                         [9]string
	egoAlt, footer                                                                                  string
}

type brokerPattern struct {
	re   *regexp.Regexp
	repl string
}

var english = &texts{
	locale:          "en",
	quietFor:        "no interaction for %d days (last: %s, %s)",
	wasTie:          [2]string{"the tie was %s (strength %s, %d interaction)", "the tie was %s (strength %s, %d interactions)"},
	strengthNow:     "the tie is %s (strength %s): room to grow",
	exclusiveReach:  [2]string{"knows %d person none of your other contacts knows", "knows %d people none of your other contacts know"},
	onlyWayInto:     "your only way into the %s circle",
	favoursFromThem: [2]string{"did you %d favour (you did them %d)", "did you %d favours (you did them %d)"},
	reachesFollowed: "reaches %s, which you follow",

	thankAction:      "Thank %s and offer your help in return",
	thankDraft:       "Hi %s, I was thinking of how you helped me back in %s. Is there anything I could do for you these days? I'd be glad to return the favour.",
	congratsAction:   "Congratulate %s on the new role at %s",
	congratsDraft:    "Hi %s, I just saw you're now at %s: congratulations! How are the first months going? If I can help with anything, just say.",
	offerIntroAction: "Offer %s an introduction to %s (%s)",
	offerIntroDraft:  "Hi %s, it's been a while! You were looking for %s; I know someone who could help and would be happy to introduce you. How are things?",
	shareAction:      "Share something useful on %s with %s",
	shareDraft:       "Hi %s, it's been too long! I came across something on %s and thought of you; here it is. How are things going on your side?",
	callAction:       "Propose a short catch-up call to %s",
	callDraft:        "Hi %s, it's been too long! I'd love to hear what you're working on. Would a 15-minute call next week suit you?",
	followUpAction:   "Follow up with %s",
	followUpDraft:    "Hi %s, it was great to meet you! I'd love to stay in touch; if anything I mentioned can be useful to you, just tell me and I'll send it over.",
	deepenAction:     "Plan a coffee or a call with %s this quarter",
	deepenDraft:      "Hi %s, I always enjoy our conversations. Shall we have a coffee in the next few weeks? I'd love to hear what you're up to and see how I can help.",
	owedAction:       "Return a favour to %s: ask what they need",
	introduceAction:  "Introduce %s and %s",
	reviewAction:     "Review your network in Nexo and log last week's conversations",
	introMake:        "Make the introduction of %s to %s you were asked for",
	introChase:       "Ask %s how the introduction to %s is going",
	introCheck:       "Ask %s and %s how the introduction went",
	introFollow:      "Follow up with %s and thank %s for the introduction",

	weekdays: [5]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"},
	months:   [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	kinds: map[graph.InteractionKind]string{
		graph.KindMessage: "message", graph.KindEmail: "email", graph.KindCall: "call", graph.KindCoffee: "coffee",
		graph.KindMeeting: "meeting", graph.KindEvent: "event", graph.KindFavourGiven: "a favour you did",
		graph.KindFavourReceived: "a favour they did you"},
	bands: [3]string{"strong", "moderate", "weak"},
	statuses: map[graph.IntroStatus]string{graph.IntroRequested: "requested", graph.IntroMade: "made",
		graph.IntroAccepted: "accepted", graph.IntroDeclined: "declined"},

	title:          "Your network this week",
	subtitle:       "%s · dormant means no interaction for %d days or more",
	dormantH:       "Dormant ties worth reviving",
	followUpsH:     "Follow-ups due",
	introductionsH: "Introductions you could make",
	healthH:        "Network health",
	deepenH:        "People to deepen this quarter",
	owedH:          "Favours you owe",
	waitingH:       "Introductions waiting for a follow-up",
	planH:          "This week's plan",
	why:            "Why",
	nextStep:       "Next step",
	minutes:        "min",
	metOn:          "met %s",
	newTie:         "new contact",
	dueBy:          "follow up by %s",
	overdueSince:   "overdue since %s",
	nothing:        "Nothing this week.",
	healthNow:      "now",
	healthPrev:     "since last",
	healthTrend:    "trend",
	quote: [2]string{"20 solid relationships beat 500 shallow contacts: you have %d strong tie among %d contacts.",
		"20 solid relationships beat 500 shallow contacts: you have %d strong ties among %d contacts."},
	owedLine:    [2]string{"did you %d favour, you did them %d (%s)", "did you %d favours, you did them %d (last %s)"},
	waitingLine: "%s → %s, introduced by %s: %s for %d days",
	planTotal:   "%d minutes in all",
	metrics: [9]string{"Strong ties (≥ 0.6)", "Weak ties (< 0.3)", "Circles reached", "Constraint (lower is better)",
		"Effective size", "Valuable ties gone dormant", "Favours given", "Favours received", "Give/get balance"},
	egoAlt: "Your network: your contacts placed by their ties to each other, clustered and coloured by circle; dormant ties of value have a double ring.",
	footer: "Sent by Nexo. Change the schedule or stop these reports in your report settings.",
}

var spanish = &texts{
	locale:          "es",
	quietFor:        "sin contacto desde hace %d días (último: %s, %s)",
	wasTie:          [2]string{"era un vínculo %s (fuerza %s, %d interacción)", "era un vínculo %s (fuerza %s, %d interacciones)"},
	strengthNow:     "el vínculo es %s (fuerza %s): puede crecer",
	exclusiveReach:  [2]string{"conoce a %d persona que ninguno de tus otros contactos conoce", "conoce a %d personas que ninguno de tus otros contactos conoce"},
	onlyWayInto:     "tu única entrada al círculo %s",
	favoursFromThem: [2]string{"te hizo %d favor (tú le hiciste %d)", "te hizo %d favores (tú le hiciste %d)"},
	reachesFollowed: "llega a %s, que sigues",

	thankAction:      "Da las gracias a %s y ofrécele tu ayuda",
	thankDraft:       "Hola %s, me acordé de cómo me ayudaste en %s. ¿Hay algo en lo que pueda echarte una mano estos días? Me encantaría devolverte el favor.",
	congratsAction:   "Felicita a %s por su nuevo puesto en %s",
	congratsDraft:    "Hola %s, acabo de ver que ahora estás en %s: ¡enhorabuena! ¿Qué tal los primeros meses? Si puedo ayudarte en algo, dímelo.",
	offerIntroAction: "Ofrece a %s presentarle a %s (%s)",
	offerIntroDraft:  "Hola %s, ¡cuánto tiempo! Buscabas %s; conozco a alguien que te puede ayudar y estaré encantado de presentaros. ¿Qué tal todo?",
	shareAction:      "Comparte algo útil sobre %s con %s",
	shareDraft:       "Hola %s, ¡cuánto tiempo! Vi algo sobre %s y me acordé de ti; te lo paso. ¿Cómo van las cosas por tu lado?",
	callAction:       "Propón a %s una llamada corta para poneros al día",
	callDraft:        "Hola %s, ¡cuánto tiempo! Me encantaría saber en qué andas. ¿Te va bien una llamada de 15 minutos la semana que viene?",
	followUpAction:   "Haz el seguimiento con %s",
	followUpDraft:    "Hola %s, ¡fue un placer conocerte! Me encantaría seguir en contacto; si algo de lo que hablamos te puede servir, dímelo y te lo envío.",
	deepenAction:     "Planea un café o una llamada con %s este trimestre",
	deepenDraft:      "Hola %s, siempre disfruto de nuestras conversaciones. ¿Tomamos un café en las próximas semanas? Me encantaría saber en qué estás y ver cómo puedo ayudarte.",
	owedAction:       "Devuelve un favor a %s: pregúntale qué necesita",
	introduceAction:  "Presenta a %s y %s",
	reviewAction:     "Revisa tu red en Nexo y registra las conversaciones de la semana pasada",
	introMake:        "Haz la presentación de %s a %s que te pidieron",
	introChase:       "Pregunta a %s cómo va la presentación a %s",
	introCheck:       "Pregunta a %s y %s qué tal fue la presentación",
	introFollow:      "Haz el seguimiento con %s y da las gracias a %s por la presentación",

	weekdays: [5]string{"lunes", "martes", "miércoles", "jueves", "viernes"},
	months:   [12]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"},
	kinds: map[graph.InteractionKind]string{
		graph.KindMessage: "mensaje", graph.KindEmail: "correo", graph.KindCall: "llamada", graph.KindCoffee: "café",
		graph.KindMeeting: "reunión", graph.KindEvent: "evento", graph.KindFavourGiven: "un favor que le hiciste",
		graph.KindFavourReceived: "un favor que te hizo"},
	bands: [3]string{"fuerte", "moderado", "débil"},
	statuses: map[graph.IntroStatus]string{graph.IntroRequested: "pedida", graph.IntroMade: "hecha",
		graph.IntroAccepted: "aceptada", graph.IntroDeclined: "rechazada"},
	broker: []brokerPattern{
		{regexp.MustCompile(`^(.+) needs (.+); (.+) offers (.+)$`), "$1 necesita $2; $3 ofrece $4"},
		{regexp.MustCompile(`^both into (.+)$`), "comparten el interés por $1"},
		{regexp.MustCompile(`^both know (.+)$`), "ambos saben de $1"},
		{regexp.MustCompile(`^both have worked at (.+)$`), "ambos han trabajado en $1"},
		{regexp.MustCompile(`^in different circles: (.+) and (.+)$`), "en círculos distintos: $1 y $2"},
		{regexp.MustCompile(`^no mutual contacts besides you$`), "sin contactos en común aparte de ti"},
		{regexp.MustCompile(`^(\d+) mutual contacts besides you$`), "$1 contactos en común aparte de ti"},
	},

	title:          "Tu red esta semana",
	subtitle:       "%s · inactivo quiere decir sin contacto desde hace %d días o más",
	dormantH:       "Vínculos inactivos que vale la pena recuperar",
	followUpsH:     "Seguimientos pendientes",
	introductionsH: "Presentaciones que podrías hacer",
	healthH:        "Salud de tu red",
	deepenH:        "Personas con las que profundizar este trimestre",
	owedH:          "Favores que debes",
	waitingH:       "Presentaciones pendientes de seguimiento",
	planH:          "Plan de la semana",
	why:            "Por qué",
	nextStep:       "Siguiente paso",
	minutes:        "min",
	metOn:          "os conocisteis el %s",
	newTie:         "contacto nuevo",
	dueBy:          "seguimiento antes del %s",
	overdueSince:   "con retraso desde el %s",
	nothing:        "Nada esta semana.",
	healthNow:      "ahora",
	healthPrev:     "desde el anterior",
	healthTrend:    "tendencia",
	quote: [2]string{"Más valen 20 relaciones sólidas que 500 contactos superficiales: tienes %d vínculo fuerte entre %d contactos.",
		"Más valen 20 relaciones sólidas que 500 contactos superficiales: tienes %d vínculos fuertes entre %d contactos."},
	owedLine:    [2]string{"te hizo %d favor, tú le hiciste %d (%s)", "te hizo %d favores, tú le hiciste %d (el último, %s)"},
	waitingLine: "%s → %s, presentación de %s: %s desde hace %d días",
	planTotal:   "%d minutos en total",
	metrics: [9]string{"Vínculos fuertes (≥ 0,6)", "Vínculos débiles (< 0,3)", "Círculos a los que llegas",
		"Restricción (mejor si baja)", "Tamaño efectivo", "Vínculos valiosos inactivos", "Favores hechos",
		"Favores recibidos", "Balance dar/recibir"},
	egoAlt: "Tu red: tus contactos situados según sus vínculos entre sí, agrupados y coloreados por círculo; los vínculos valiosos inactivos llevan doble anillo.",
	footer: "Enviado por Nexo. Cambia la frecuencia o desactiva estos informes en tus ajustes de informes.",
}

// textsFor returns the texts of a locale; English unless it is Spanish.
func textsFor(locale string) *texts {
	if strings.HasPrefix(strings.ToLower(locale), "es") {
		return spanish
	}
	return english
}

// counted formats a counted phrase with n first among its arguments.
func counted(forms [2]string, n int, args ...any) string {
	return fmt.Sprintf(pick(forms, n), append([]any{n}, args...)...)
}

// pick chooses the form of a counted phrase for n.
func pick(forms [2]string, n int) string {
	if n == 1 {
		return forms[0]
	}
	return forms[1]
}

func (t *texts) kind(k graph.InteractionKind) string {
	if s, ok := t.kinds[k]; ok {
		return s
	}
	return string(k)
}

func (t *texts) band(s float64) string {
	switch {
	case s >= StrongTie:
		return t.bands[0]
	case s >= ModerateTie:
		return t.bands[1]
	}
	return t.bands[2]
}

// date is "2 Mar 2026" or "2 mar 2026" in the member's time zone.
func (t *texts) date(at time.Time, loc *time.Location) string {
	at = at.In(loc)
	return fmt.Sprintf("%d %s %d", at.Day(), t.months[at.Month()-1], at.Year())
}

// monthYear is "Mar 2026".
func (t *texts) monthYear(at time.Time, loc *time.Location) string {
	at = at.In(loc)
	return fmt.Sprintf("%s %d", t.months[at.Month()-1], at.Year())
}

// brokerReason translates a reason of analytics.BrokerOpportunities; those
// it does not know stay as they are.
func (t *texts) brokerReason(r string) string {
	for _, p := range t.broker {
		if p.re.MatchString(r) {
			return p.re.ReplaceAllString(r, p.repl)
		}
	}
	return r
}
