// Package i18n words Nexo's answers in English and Spanish: the reasons the
// analytics give as codes (analytics.Reason), counted nouns with their
// plurals, numbers, dates, interaction kinds and strength bands. The API, the
// report, the maps and the CLI all word through it, so a reason reads the same
// wherever it appears and a new language is one table more.
//
// A Printer is chosen with For from a locale or an Accept-Language value.
// Names, organisations, tags and a tie's context are the user's own words and
// are never translated.
package i18n

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
)

// Printer words answers in one language. The zero value is not usable: take
// English, Spanish or For(locale).
type Printer struct {
	locale  string
	decimal string // decimal separator
	months  [12]string
	nouns   map[Noun][2]string // singular, plural
	kinds   map[graph.InteractionKind][2]string
	bands   [3]string // strong, moderate, weak
	reasons map[string]func(p *Printer, a args) string
}

// The languages.
var (
	English = &Printer{locale: "en", decimal: ".", months: monthsEN, nouns: nounsEN, kinds: kindsEN,
		bands: [3]string{"strong", "moderate", "weak"}, reasons: reasonsEN}
	Spanish = &Printer{locale: "es", decimal: ",", months: monthsES, nouns: nounsES, kinds: kindsES,
		bands: [3]string{"fuerte", "moderado", "débil"}, reasons: reasonsES}
)

// Locales lists the languages Nexo words its answers in.
var Locales = []string{"en", "es"}

// For returns the Printer of a locale ("es", "es-ES", "en_GB") or of an
// Accept-Language header ("es-MX,es;q=0.9,en;q=0.8"): the first language it
// has, English when there is none.
func For(locale string) *Printer {
	for _, part := range strings.Split(locale, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(tag)
		switch {
		case strings.HasPrefix(tag, "es"):
			return Spanish
		case strings.HasPrefix(tag, "en"):
			return English
		}
	}
	return English
}

// Supported reports whether locale names a language Nexo has (an empty locale
// is not one).
func Supported(locale string) bool {
	l := strings.ToLower(strings.TrimSpace(locale))
	return strings.HasPrefix(l, "es") || strings.HasPrefix(l, "en")
}

// Locale returns the printer's language code: "en" or "es".
func (p *Printer) Locale() string { return p.locale }

// Noun is a counted noun.
type Noun string

// The counted nouns.
const (
	People       Noun = "person"
	Ties         Noun = "tie"
	Interactions Noun = "interaction"
	Circles      Noun = "circle"
	Contacts     Noun = "contact"
	Paths        Noun = "path"
	Days         Noun = "day"
	Members      Noun = "member"
	Favours      Noun = "favour"
	Brokers      Noun = "broker"
	Minutes      Noun = "minute"
	Rows         Noun = "row"
	Times        Noun = "time" // occasions: "3 of 4 times"
	FollowUps    Noun = "follow-up"
)

// Count returns n with its noun, singular or plural: "1 person", "3 people",
// "1 persona", "3 personas".
func (p *Printer) Count(n int, noun Noun) string {
	return strconv.Itoa(n) + " " + p.Noun(n, noun)
}

// Noun returns the noun's form for n, without the number.
func (p *Printer) Noun(n int, noun Noun) string {
	forms, ok := p.nouns[noun]
	if !ok {
		return string(noun)
	}
	if n == 1 {
		return forms[0]
	}
	return forms[1]
}

// Num formats v with the given decimals and the language's separator:
// 0.63 or 0,63.
func (p *Printer) Num(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if p.decimal != "." {
		s = strings.Replace(s, ".", p.decimal, 1)
	}
	return s
}

// Date formats a day: "4 Mar 2026" or "4 mar 2026", in loc (UTC when nil).
func (p *Printer) Date(t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	return fmt.Sprintf("%d %s %d", t.Day(), p.months[t.Month()-1], t.Year())
}

// MonthYear formats a month: "Mar 2026" or "mar 2026".
func (p *Printer) MonthYear(t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	return fmt.Sprintf("%s %d", p.months[t.Month()-1], t.Year())
}

// Kind names an interaction kind, counted: "1 coffee", "2 coffees", or
// without the number when n < 0 ("coffee").
func (p *Printer) Kind(k graph.InteractionKind, n int) string {
	forms, ok := p.kinds[k]
	if !ok {
		forms = [2]string{strings.ReplaceAll(string(k), "_", " "), strings.ReplaceAll(string(k), "_", " ")}
	}
	switch {
	case n < 0:
		return forms[0]
	case n == 1:
		return "1 " + forms[0]
	}
	return strconv.Itoa(n) + " " + forms[1]
}

// Band names a strength's band: strong from 0.6, moderate from 0.3, weak
// below (the bands the maps draw).
func (p *Printer) Band(strength float64) string {
	switch {
	case strength >= 0.6:
		return p.bands[0]
	case strength >= 0.3:
		return p.bands[1]
	}
	return p.bands[2]
}

// List joins items: "a, b and c" or "a, b y c".
func (p *Printer) List(items []string) string {
	and := " and "
	if p.locale == "es" {
		and = " y "
	}
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + and + items[len(items)-1]
}

// Reason words one reason. A code it does not know reads as the code itself,
// so an old client never loses a reason.
func (p *Printer) Reason(r analytics.Reason) string {
	if f, ok := p.reasons[r.Code]; ok {
		return f(p, args(r.Args))
	}
	return strings.ReplaceAll(r.Code, "_", " ")
}

// Reasons returns a copy of reasons with Text worded; nil stays nil.
func (p *Printer) Reasons(reasons []analytics.Reason) []analytics.Reason {
	if reasons == nil {
		return nil
	}
	out := make([]analytics.Reason, len(reasons))
	for i, r := range reasons {
		r.Text = p.Reason(r)
		out[i] = r
	}
	return out
}

// Texts words reasons into plain strings.
func (p *Printer) Texts(reasons []analytics.Reason) []string {
	out := make([]string, len(reasons))
	for i, r := range reasons {
		out[i] = p.Reason(r)
	}
	return out
}

// Join words reasons into one line, separated by "; ".
func (p *Printer) Join(reasons []analytics.Reason) string {
	return strings.Join(p.Texts(reasons), "; ")
}

// args reads a reason's arguments, whether they come straight from the
// analytics or through JSON (where every number is a float64).
type args map[string]any

func (a args) str(k string) string {
	s, _ := a[k].(string)
	return s
}

func (a args) int(k string) int {
	switch v := a[k].(type) {
	case int:
		return v
	case int64:
		return int(v)
	case float64:
		return int(math.Round(v))
	}
	return 0
}

func (a args) float(k string) float64 {
	switch v := a[k].(type) {
	case float64:
		return v
	case int:
		return float64(v)
	}
	return 0
}

func (a args) strs(k string) []string {
	switch v := a[k].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// date reads a "YYYY-MM-DD" argument and words it.
func (a args) date(p *Printer, k string) string {
	t, err := time.Parse(time.DateOnly, a.str(k))
	if err != nil {
		return a.str(k)
	}
	return p.Date(t, time.UTC)
}

// kinds words ReasonKinds' counts in the order of graph.InteractionKinds.
func (a args) kinds(p *Printer) string {
	var counts map[string]int
	switch v := a["kinds"].(type) {
	case map[string]int:
		counts = v
	case map[string]any:
		counts = map[string]int{}
		for k := range v {
			counts[k] = args(v).int(k)
		}
	}
	var parts []string
	for _, k := range graph.InteractionKinds {
		if n := counts[string(k)]; n > 0 {
			parts = append(parts, p.Kind(k, n))
		}
	}
	return strings.Join(parts, ", ")
}
