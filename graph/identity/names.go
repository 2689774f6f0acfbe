package identity

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s and strips its accents: "García" → "garcia",
// "Müller" → "muller", "Ñúñez" → "nunez".
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	t := unaccent.Get().(transform.Transformer)
	defer unaccent.Put(t)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(letters.Replace(out))
}

// unaccent strips accents (marks, once decomposed); a transformer holds
// state, so each call takes one of the pool's (transform.String resets it).
var unaccent = sync.Pool{New: func() any { return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC) }}

// letters are the letters no decomposition splits into a base and a mark.
var letters = strings.NewReplacer("ß", "ss", "ø", "o", "æ", "ae", "œ", "oe", "ł", "l", "đ", "d")

// particles are name words that may or may not be written ("de", "van",
// "y") and honorifics; they carry no identity.
var particles = map[string]bool{
	"de": true, "del": true, "la": true, "las": true, "los": true, "y": true, "e": true, "i": true,
	"da": true, "das": true, "do": true, "dos": true, "di": true, "van": true, "von": true, "der": true,
	"den": true, "ten": true, "ter": true, "le": true, "du": true, "al": true, "el": true, "bin": true,
	"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "dra": true, "prof": true, "sr": true,
	"sra": true, "srta": true, "dona": true, "jr": true, "phd": true, "mba": true,
}

// Tokens splits a person's name into folded words without particles or
// honorifics, its abbreviations written out (see expandName): "Dra. María
// de la García-Núñez" → [maria garcia nunez], "Mª José Fdez." → [maria
// jose fernandez]. A name written "García, María" comes out in the same
// order as "María García" would not; comparisons treat tokens as a set
// where order does not matter.
func Tokens(name string) []string { return words(expandName(name)) }

// expandName writes out what people abbreviate when they type Spanish
// names into a contact list, so that "Mª José Fdez." compares with "María
// José Fernández" word for word: "Mª", "M.ª" and "Ma." are María, "Fco."
// Francisco; common surnames' short forms (Fdez., Glez., Hdez., Rguez.,
// Mtnez., and Mexico's Hdz., Glz., Mtz.); a compound given name written as
// one word ("Juanma", "Maite", "Josemaría"); and two capital consonants in
// a name that is not all capitals ("JM García") as two initials.
// Organisations' names keep their words (OrgKey).
func expandName(name string) string {
	var b *strings.Builder
	upper := -1 // whether the name is all capitals; found when needed
	for i := 0; i < len(name); {
		for i < len(name) && name[i] == ' ' {
			i++
		}
		j := i
		for j < len(name) && name[j] != ' ' {
			j++
		}
		if i == j {
			break
		}
		w := name[i:j]
		bare := strings.TrimRight(w, ".,;")
		rest := w[len(bare):]
		out := ""
		switch {
		case bare == "Mª" || bare == "mª" || bare == "M.ª" || bare == "m.ª" ||
			(bare == "Ma" || bare == "ma") && strings.HasPrefix(rest, "."):
			out = "María"
		case len(bare) == 2 && capitalConsonant(bare[0]) && capitalConsonant(bare[1]) && bare != "NG":
			// "NG Kok Wah" is Mr Ng, his surname in capitals.
			if upper < 0 {
				upper = 0
				if strings.ToUpper(name) == name {
					upper = 1
				}
			}
			if upper == 0 {
				out = bare[:1] + ". " + bare[1:] + "."
			}
		default:
			var buf [16]byte
			if k, ok := foldShort(bare, buf[:0]); ok {
				out = writtenShort[string(k)]
			}
		}
		if out == "" {
			if b != nil {
				b.WriteString(" " + w)
			}
			i = j
			continue
		}
		if b == nil {
			b = &strings.Builder{}
			b.WriteString(name[:i])
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(out + strings.TrimPrefix(rest, "."))
		i = j
	}
	if b == nil {
		return name
	}
	return b.String()
}

// foldShort lower-cases a word short enough to be a key of writtenShort
// and strips the accents Spanish writes, into buf; it fails for a longer
// word or another letter.
func foldShort(w string, buf []byte) ([]byte, bool) {
	if len(w) < 2 || len(w) > cap(buf) {
		return nil, false
	}
	for _, r := range w {
		switch {
		case r >= 'a' && r <= 'z':
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		default:
			i := strings.IndexRune("áéíóúüñÁÉÍÓÚÜÑ", r)
			if i < 0 {
				return nil, false
			}
			r = rune("aeiouunaeiouun"[utf8.RuneCountInString("áéíóúüñÁÉÍÓÚÜÑ"[:i])])
		}
		buf = append(buf, byte(r))
	}
	return buf, true
}

func capitalConsonant(c byte) bool {
	return c >= 'A' && c <= 'Z' && !strings.ContainsRune("AEIOUY", rune(c))
}

// writtenShort maps the folded short forms of Spanish names, without their
// dot, to the names. None of them is itself a name.
var writtenShort = func() map[string]string {
	m := map[string]string{}
	for full, forms := range map[string]string{
		"Francisco": "fco", "Fernández": "fdez fdz", "González": "glez glz gzlez", "Hernández": "hdez hdz hndez",
		"Rodríguez": "rguez rdguez rodz rdz", "Martínez": "mtnez mtz mrtnez", "Gutiérrez": "gtrrez gtz gutz",
		"Domínguez": "dguez dmguez", "Jiménez": "jmnez", "Sánchez": "sanchz schez", "Vázquez": "vzquez vzqz",
		// Compound given names written as one word, and their familiar forms.
		"José María": "josemaria chema txema josema josemari", "José Luis": "joseluis", "José Manuel": "josemanuel",
		"José Antonio": "joseantonio", "José Miguel": "josemiguel josemi", "Juan Carlos": "juancarlos juancar",
		"Juan José": "juanjose juanjo", "Juan Manuel": "juanmanuel juanma", "Juan Luis": "juanluis juanlu",
		"Juan Antonio": "juanantonio", "Miguel Ángel": "miguelangel", "María José": "mariajose mariajo marijose",
		"María Teresa": "mariateresa maite mayte", "María Luisa": "marialuisa marisa", "María Isabel": "maribel",
		"María del Carmen": "maricarmen", "María Dolores": "mariadolores marilo", "María del Mar": "marimar",
		"María de la Paz": "maripaz", "María Jesús": "mariajesus",
	} {
		for _, f := range strings.Fields(forms) {
			m[f] = full
		}
	}
	return m
}()

// words splits a name into folded words without particles or honorifics.
func words(name string) []string {
	f := Fold(name)
	out := make([]string, 0, 4)
	start := -1
	flush := func(end int) {
		if start >= 0 {
			// "y", "e" and "i" join surnames ("García y López"), but
			// "E." and a name's first letter are initials.
			w := f[start:end]
			initial := len(w) == 1 && (len(out) == 0 || end < len(f) && f[end] == '.')
			if !particles[w] || initial {
				out = append(out, w)
			}
			start = -1
		}
	}
	for i, r := range f {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(f))
	return out
}

// tokenAgrees reports whether two name tokens can name the same person: the
// same word, the same given name by its nickname (Pepe, José), or an initial
// of the other.
func tokenAgrees(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) == 1 || len(b) == 1 {
		return a[0] == b[0]
	}
	return SameGivenName(a, b)
}

// NamesAgree reports whether two names can be the same person's: every word
// of the shorter name agrees (tokenAgrees) with a different word of the
// longer, in any order, and at least one pair is a whole word. "Ana García"
// and "García López, Ana", "J. García" and "José García", "Pepe García"
// and "José García" agree; "Ana García" and "Ana Gómez" do not.
func NamesAgree(a, b string) bool {
	ta, tb := Tokens(a), Tokens(b)
	if len(ta) > len(tb) {
		ta, tb = tb, ta
	}
	if len(ta) == 0 {
		return false
	}
	used := make([]bool, len(tb))
	whole := false
	for _, x := range ta {
		found := -1
		// Prefer a whole-word agreement over an initial.
		for pass := 0; pass < 2 && found < 0; pass++ {
			for j, y := range tb {
				if used[j] || !tokenAgrees(x, y) {
					continue
				}
				if pass == 0 && (len(x) == 1 || len(y) == 1) {
					continue
				}
				found = j
				break
			}
		}
		if found < 0 {
			return false
		}
		used[found] = true
		whole = whole || (len(x) > 1 && len(tb[found]) > 1)
	}
	return whole
}

// personName is a name split into its given names and surnames, folded,
// without particles. An initial is a one-letter word.
type personName struct {
	given []string
	sur   []string
}

// compoundSecond are the given names that often come second in a compound
// given name ("José Luis", "María del Carmen", "Juan Carlos"): in a name of
// three words or more, such a second word is a given name, not a surname.
var compoundSecond = setOf("luis antonio manuel jose maria carlos javier angel angeles carmen pilar dolores " +
	"isabel teresa jesus luisa ignacio francisco ramon alberto eugenia elena victoria mercedes paz")

// parseName splits a name: "García López, Ana" and "Ana García López" are
// given [ana], surnames [garcia lopez]; "José Luis García" is given [jose
// luis], surnames [garcia]; "J. L. García" given [j l].
func parseName(name string) personName {
	name = expandName(name)
	if before, after, ok := strings.Cut(name, ","); ok {
		if g, s := words(after), words(before); len(g) > 0 && len(s) > 0 {
			return personName{given: g, sur: s}
		}
	}
	t := words(name)
	switch len(t) {
	case 0:
		return personName{}
	case 1:
		return personName{given: t}
	}
	n := 1
	if len(t) >= 3 && (compoundSecond[t[1]] || len(t[1]) == 1) {
		// José Luis García, J. L. García, John F. Kennedy
		n = 2
	}
	return personName{given: t[:n], sur: t[n:]}
}

// vocabulary is the name words of a workspace, counted by the part they
// play in names: given names and surnames.
type vocabulary struct{ given, sur map[string]int32 }

func (v vocabulary) known(w string) bool {
	return len(w) > 1 && (v.given[w] > 0 || v.sur[w] > 0 || nameForms[w] != nil)
}

// isGiven reports whether w is more often a given name than a surname.
func (v vocabulary) isGiven(w string) bool {
	return nameForms[w] != nil && v.sur[w] <= v.given[w] || v.given[w] > v.sur[w]
}

// parseLocal reads an email address's local part as a name, with the
// workspace's name words as the vocabulary: "ana.garcia" and "garcia.ana"
// are Ana García, "agarcia" and "a.garcia" A. García, "anag" Ana G.,
// "jlgarcia" J. L. García. It fails for a single word ("ana", "garcia")
// and for what the vocabulary cannot split ("info").
func parseLocal(local string, v vocabulary) (personName, bool) {
	var words []string
	for _, piece := range strings.FieldsFunc(strings.ToLower(local), func(r rune) bool { return r < 'a' || r > 'z' }) {
		words = append(words, v.split(piece)...)
	}
	if len(words) < 2 || len(words) > 4 {
		return personName{}, false
	}
	for _, w := range words {
		if len(w) > 1 && !v.known(w) {
			return personName{}, false
		}
	}
	first, last := words[0], words[len(words)-1]
	givenFirst := len(first) == 1 || v.isGiven(first) || len(last) > 1 && !v.isGiven(last)
	if !givenFirst {
		// "garcia.ana", "garciaa"
		return personName{given: words[len(words)-1:], sur: words[:len(words)-1]}, true
	}
	n := 1
	if len(words) >= 3 && (len(words[1]) == 1 || compoundSecond[words[1]]) {
		n = 2
	}
	return personName{given: words[:n], sur: words[n:]}, true
}

// split cuts a piece of a local part that is not itself a name word into
// name words and initials: "anagarcia" → ana garcia, "agarcia" → a
// garcia, "anag" → ana g, "joseluisgarcia" → jose luis garcia, "jlgarcia"
// → j l garcia. Fewer known words beat more ("alexanderrobinson" is not
// ale xander robinson), and known words beat initials.
func (v vocabulary) split(p string) []string {
	if len(p) <= 1 || v.known(p) {
		return []string{p}
	}
	// "delarosa", "delrio": particles are not written in names' words.
	for _, pre := range []string{"delas", "delos", "dela", "del", "de"} {
		if rest, ok := strings.CutPrefix(p, pre); ok && len(rest) > 1 && !v.known(p) {
			if parts := v.split(rest); v.known(parts[0]) {
				return parts
			}
		}
	}
	var best []string
	bestScore := 0
	try := func(score int, parts ...string) {
		if score > bestScore {
			best, bestScore = parts, score
		}
	}
	for i := 1; i < len(p); i++ {
		l, r := p[:i], p[i:]
		switch {
		case v.known(l) && v.known(r):
			try(5, l, r)
		case len(l) == 1 && v.known(r):
			try(3, l, r)
		case v.known(l) && len(r) == 1:
			try(2, l, r)
		case len(l) == 2 && v.known(r):
			try(1, l[:1], l[1:], r)
		}
		for j := i + 1; j < len(p) && bestScore < 5; j++ {
			if m := p[i:j]; v.known(l) && v.known(m) && v.known(p[j:]) {
				try(4, l, m, p[j:])
			}
		}
	}
	if best == nil {
		return []string{p}
	}
	return best
}
