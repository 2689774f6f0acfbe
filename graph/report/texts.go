package report

import (
	"fmt"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/i18n"
)

// texts holds a report's words in one language. Drafts are short and give
// before they ask: thanks, congratulations, an offer, something to share.
type texts struct {
	// Printer words reasons, numbers, dates, kinds and counted nouns
	// (graph/i18n), as everywhere else in Nexo.
	*i18n.Printer

	// Counted phrases: the form for one, then for any other number.
	quote, owedLine [2]string
	// Actions and drafts.
	thankAction, thankDraft, congratsAction, congratsDraft, offerIntroAction, offerIntroDraft string
	shareAction, shareDraft, callAction, callDraft, followUpAction, followUpDraft             string
	deepenAction, deepenDraft, owedAction, introduceAction, reviewAction                      string
	// Follow-ups that captured mail and calendars reveal.
	meetingAction, meetingDraft, answerAction, answerDraft, meetingOn, wroteOn string
	introMake, introChase, introCheck, introFollow                             string

	// Words.
	weekdays [5]string
	statuses map[graph.IntroStatus]string

	// Headings and labels of the formats.
	// subject: the title, the dormant ties and the follow-ups counted.
	subject                                                                                         string
	title, subtitle, dormantH, followUpsH, introductionsH, healthH, deepenH, owedH, waitingH, planH string
	why, nextStep, minutes, metOn, newTie, dueBy, overdueSince, nothing                             string
	healthNow, healthPrev, healthTrend, waitingLine, planTotal                                      string
	metrics                                                                                         [9]string
	healthNote, egoAlt, footer                                                                      string
}

var english = &texts{
	Printer: i18n.English,

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
	meetingAction:    "Follow up on your meeting with %s",
	meetingDraft:     "Hi %s, thanks for the meeting! Here is the short follow-up I promised; tell me if anything else would help.",
	answerAction:     "Answer %s",
	answerDraft:      "Hi %s, sorry for the slow reply! Thanks for your message; here is my answer.",
	meetingOn:        "a meeting on %s, no follow-up since",
	wroteOn:          "wrote to you on %s, not answered",
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
	statuses: map[graph.IntroStatus]string{graph.IntroRequested: "requested", graph.IntroMade: "made",
		graph.IntroAccepted: "accepted", graph.IntroDeclined: "declined"},

	subject:        "%s: %s to revive, %s",
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
	waitingLine: "%s → %s, introduced by %s: %s %s ago",
	planTotal:   "%d minutes in all",
	metrics: [9]string{"Strong ties (≥ 0.6)", "Weak ties (< 0.3)", "Circles reached", "Closed network (constraint; lower is better)",
		"Non-redundant contacts (effective size)", "Valuable ties gone dormant", "Favours given", "Favours received", "Give/get balance"},
	healthNote: "Closed network is Burt's constraint: near 1 when your contacts all know each other (one group, the same news), " +
		"lower when they come from separate groups, which brings news and opportunities first. " +
		"Non-redundant contacts is Burt's effective size: how many of your contacts are not tied to your other contacts.",
	egoAlt: "Your network: your contacts placed by their ties to each other, clustered and coloured by circle; dormant ties of value have a double ring.",
	footer: "Sent by Nexo. Change the schedule or stop these reports in your report settings.",
}

var spanish = &texts{
	Printer: i18n.Spanish,

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
	meetingAction:    "Haz el seguimiento de tu reunión con %s",
	meetingDraft:     "Hola %s, ¡gracias por la reunión! Aquí va el breve seguimiento que te prometí; dime si te puedo ayudar en algo más.",
	answerAction:     "Responde a %s",
	answerDraft:      "Hola %s, ¡perdona la tardanza! Gracias por tu mensaje; aquí va mi respuesta.",
	meetingOn:        "reunión el %s, sin seguimiento desde entonces",
	wroteOn:          "te escribió el %s, sin respuesta",
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
	statuses: map[graph.IntroStatus]string{graph.IntroRequested: "pedida", graph.IntroMade: "hecha",
		graph.IntroAccepted: "aceptada", graph.IntroDeclined: "rechazada"},

	subject:        "%s: %s que recuperar, %s",
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
	waitingLine: "%s → %s, presentación de %s: %s hace %s",
	planTotal:   "%d minutos en total",
	metrics: [9]string{"Vínculos fuertes (≥ 0,6)", "Vínculos débiles (< 0,3)", "Círculos a los que llegas",
		"Red cerrada (restricción; mejor si baja)", "Contactos no redundantes (tamaño efectivo)", "Vínculos valiosos inactivos",
		"Favores hechos", "Favores recibidos", "Balance dar/recibir"},
	healthNote: "La red cerrada es la restricción de Burt: cerca de 1 cuando todos tus contactos se conocen entre sí (un solo grupo, " +
		"las mismas noticias), más baja cuando vienen de grupos distintos, que traen antes noticias y oportunidades. " +
		"Los contactos no redundantes son el tamaño efectivo de Burt: cuántos de tus contactos no están ligados a tus otros contactos.",
	egoAlt: "Tu red: tus contactos situados según sus vínculos entre sí, agrupados y coloreados por círculo; los vínculos valiosos inactivos llevan doble anillo.",
	footer: "Enviado por Nexo. Cambia la frecuencia o desactiva estos informes en tus ajustes de informes.",
}

// textsFor returns the texts of a locale; English unless it is Spanish.
func textsFor(locale string) *texts {
	if i18n.For(locale) == i18n.Spanish {
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

// waiting words an introduction that waits: who, by whom, since when.
func (t *texts) waiting(w IntroWaiting) string {
	return fmt.Sprintf(t.waitingLine, w.Person, w.Target, w.Introducer, t.statuses[w.Status], t.Count(w.Days, i18n.Days))
}
