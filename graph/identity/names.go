package identity

import (
	"strings"
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
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = strings.NewReplacer("ß", "ss", "ø", "o", "æ", "ae", "œ", "oe", "ł", "l", "đ", "d").Replace(out)
	return strings.ToLower(out)
}

// particles are name words that may or may not be written ("de", "van",
// "y") and honorifics; they carry no identity.
var particles = map[string]bool{
	"de": true, "del": true, "la": true, "las": true, "los": true, "y": true, "e": true, "i": true,
	"da": true, "das": true, "do": true, "dos": true, "di": true, "van": true, "von": true, "der": true,
	"den": true, "ten": true, "ter": true, "le": true, "du": true, "al": true, "el": true, "bin": true,
	"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "dra": true, "prof": true, "sr": true,
	"sra": true, "srta": true, "dona": true, "jr": true, "phd": true, "mba": true,
}

// Tokens splits a name into folded words without particles or honorifics:
// "Dra. María de la García-Núñez" → [maria garcia nunez]. A name written
// "García, María" comes out in the same order as "María García" would not;
// comparisons treat tokens as a set where order does not matter.
func Tokens(name string) []string {
	f := Fold(name)
	out := make([]string, 0, 4)
	start := -1
	flush := func(end int) {
		if start >= 0 {
			if w := f[start:end]; !particles[w] {
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
