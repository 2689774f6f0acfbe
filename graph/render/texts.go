package render

import "strconv"

// Every text the maps write themselves, in one place: legends, tooltips and
// the words around numbers. Titles and descriptions come with the input.
const (
	textNoCircle    = "No circle"
	textCircleN     = "Circle %d"
	textMoreCircles = "+%d more circles (%d people, grey)"
	textTieTip      = "%s – %s: strength %.2f"
	textTipWeak     = ", weak tie"
	textTipBridge   = ", local bridge"
	textTipDormant  = "Dormant tie of high value"
	textCircleTip   = "%s: %d people"
	textGroupTip    = "%s – %s: %d ties, mean strength %.2f"
	textOther       = "Other circles"
	textShowing     = "Showing the %d most important of %d people."
	textShowingMost = "Showing the %d most connected of %d members."
	textOverview    = "The %d largest of %d circles are drawn as one node each, with %d brokers between them."
	textLoose       = "bottom rows: tied to no one else here"
)

var (
	textYou = func(name string, contacts int) string {
		return "you (" + name + ") are left out: " + contactsHere(contacts, "your") + ", placed by their ties to each other"
	}
	textTheir = func(name string, contacts int) string {
		return name + " is left out: " + contactsHere(contacts, "their") + ", placed by their ties to each other"
	}
	egoMarks = []legendItem{
		{glyph: "◎", text: "double ring: dormant tie of high value"},
		{glyph: "●", text: "larger: more of a broker"},
	}
	secondDegreeMark = legendItem{glyph: "·", text: "small dots: people your contacts know"}
	personMarks      = []legendItem{
		{glyph: "◉", text: "thick black ring: you"},
		{glyph: "◎", text: "double ring: dormant tie of high value"},
		{glyph: "●", text: "larger: more of a broker"},
	}
	tieMarks = []legendItem{
		{glyph: "━", text: "tie (wider = stronger; coloured within a circle)"},
		{glyph: "═", text: "local bridge"},
	}
	groupMarks = []legendItem{
		{text: "large shape: a circle (larger = more members)"},
		{glyph: "●", text: "small: a person between circles (larger = more of a broker)"},
		{glyph: "━", text: "wider = more ties"},
	}
)

// contactsHere is "the 12 people here are your contacts", or its singular.
func contactsHere(n int, whose string) string {
	if n == 1 {
		return "the one person here is " + whose + " contact"
	}
	return "the " + strconv.Itoa(n) + " people here are " + whose + " contacts"
}
