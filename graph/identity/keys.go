package identity

import (
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"

	"github.com/nexohq/nexo/graph"
)

// gmailDomains ignore dots in the local part and are one mailbox.
var gmailDomains = map[string]bool{"gmail.com": true, "googlemail.com": true}

// CanonicalEmail reduces an address to the mailbox it reaches: lower case,
// without a "+tag" (plus-addressing), and for Gmail without the dots of the
// local part and with googlemail.com as gmail.com. It returns "" for
// anything without a local part and a domain.
//
//	"Ana.Garcia+news@GoogleMail.com" → "anagarcia@gmail.com"
func CanonicalEmail(email string) string {
	e := strings.ToLower(strings.TrimSpace(email))
	at := strings.LastIndexByte(e, '@')
	if at <= 0 || at == len(e)-1 {
		return ""
	}
	local, domain := e[:at], e[at+1:]
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	if gmailDomains[domain] {
		local = strings.ReplaceAll(local, ".", "")
		domain = "gmail.com"
	}
	if local == "" {
		return ""
	}
	return local + "@" + domain
}

// LinkedInKey is the normalised profile URL of a LinkedIn profile
// (graph.NormalizeLinkedInURL), or "" when u is not one.
func LinkedInKey(u string) string {
	n := graph.NormalizeLinkedInURL(u)
	if !strings.HasPrefix(n, "https://www.linkedin.com/in/") {
		return ""
	}
	return n
}

// PhoneKey is the matching key of a phone number: E.164 ("+34612345678")
// when the number is valid with its country code, or in region (an ISO 3166
// code such as "ES"; "" for none) without one; otherwise its digits alone,
// when there are at least six, so that the same national number written
// the same way still matches. It returns "" for anything else.
func PhoneKey(raw, region string) string {
	s := strings.TrimSpace(raw)
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	if n, err := phonenumbers.Parse(s, strings.ToUpper(region)); err == nil && phonenumbers.IsValidNumber(n) {
		return phonenumbers.Format(n, phonenumbers.E164)
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsDigit(r) && r < 128 {
			b.WriteRune(r)
		}
	}
	if b.Len() < 6 {
		return ""
	}
	return b.String()
}

// UIDKey reduces a vCard UID (or a urn:uuid: reference to one) to a key.
func UIDKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.TrimPrefix(s, "urn:uuid:")
}

// freeMail are email domains that say nothing about a person's employer.
var freeMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "yahoo.com": true, "yahoo.co.uk": true, "yahoo.fr": true,
	"yahoo.es": true, "yahoo.de": true, "hotmail.com": true, "hotmail.fr": true, "hotmail.es": true,
	"outlook.com": true, "live.com": true, "msn.com": true, "icloud.com": true, "me.com": true,
	"mac.com": true, "aol.com": true, "gmx.de": true, "gmx.net": true, "web.de": true,
	"t-online.de": true, "proton.me": true, "protonmail.com": true, "yandex.ru": true,
	"mail.ru": true, "qq.com": true, "163.com": true, "orange.fr": true, "free.fr": true,
	"wanadoo.fr": true, "laposte.net": true, "libero.it": true, "uol.com.br": true,
	"bol.com.br": true, "terra.com.br": true, "fastmail.com": true, "hey.com": true,
}

// FreeMail reports whether an email domain is a free mail provider's, which
// says nothing about a person's employer.
func FreeMail(domain string) bool { return freeMail[strings.ToLower(domain)] }
