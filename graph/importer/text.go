package importer

import (
	"strings"
	"unicode"

	"github.com/nexohq/nexo/graph/identity"
)

// fold lower-cases s and strips its accents, so that "Ángel" and "angel",
// "März" and "marz" compare equal.
func fold(s string) string { return identity.Fold(s) }

// words folds s and reduces it to its letters and digits separated by single
// spaces: "E-Mail-Adresse" → "e mail adresse".
func words(s string) string {
	s = fold(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// legalSuffixes are dropped from the end of organisation names when matching,
// so "Acme Inc." and "ACME" are one organisation.
var legalSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "llc": true, "ltd": true, "limited": true, "plc": true,
	"corp": true, "corporation": true, "gmbh": true, "ag": true, "kg": true, "sa": true,
	"sl": true, "sas": true, "sarl": true, "srl": true, "spa": true, "bv": true, "nv": true,
	"ltda": true, "co": true, "company": true, "pty": true, "oy": true, "ab": true, "as": true,
}

// orgKey is the matching key of an organisation name.
func orgKey(name string) string {
	w := strings.Fields(words(name))
	for len(w) > 1 && legalSuffixes[w[len(w)-1]] {
		w = w[:len(w)-1]
	}
	return strings.Join(w, " ")
}

// nameKey is the matching key of a person's name.
func nameKey(name string) string { return words(name) }

// emailDomain returns the domain of an email address when it can name an
// employer.
func emailDomain(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	d := strings.ToLower(email[i+1:])
	if identity.FreeMail(d) {
		return ""
	}
	return d
}

// splitEscaped splits a vCard value on unescaped sep and unescapes "\;".
func splitEscaped(s string, sep byte) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			b.WriteByte(s[i+1])
			i++
			continue
		}
		if c == sep {
			out = append(out, b.String())
			b.Reset()
			continue
		}
		b.WriteByte(c)
	}
	return append(out, b.String())
}

// isLinkedInProfile reports whether u is a LinkedIn profile URL.
func isLinkedInProfile(u string) bool {
	return strings.Contains(strings.ToLower(u), "linkedin.com/in/")
}
