package capture

import (
	"strings"

	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// addrKey is the key an address is matched on: lower case, without a
// +tag in the local part, and for Gmail without the dots Gmail ignores
// (googlemail.com is gmail.com). "" for something that is not an address.
func addrKey(addr string) string {
	addr = strings.ToLower(strings.TrimSpace(addr))
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return ""
	}
	local, domain := addr[:at], addr[at+1:]
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if domain == "gmail.com" {
		local = strings.ReplaceAll(local, ".", "")
	}
	return local + "@" + domain
}

// domainOf returns the domain of an address, lower case.
func domainOf(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(addr[at+1:])
}

// orgDomain returns the registrable domain of an address (mail.acme.co.uk
// → acme.co.uk), or "" when it has none.
func orgDomain(addr string) string {
	d := domainOf(addr)
	if d == "" {
		return ""
	}
	r, err := publicsuffix.EffectiveTLDPlusOne(d)
	if err != nil {
		return ""
	}
	return r
}

// inDomains reports whether addr's domain is one of domains or below one.
func inDomains(addr string, domains map[string]bool) bool {
	d := domainOf(addr)
	for d != "" {
		if domains[d] {
			return true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	return false
}

// orgName names an organisation after its mail domain: acme-labs.com →
// "Acme Labs".
func orgName(domain string) string {
	label, _, _ := strings.Cut(domain, ".")
	label = strings.NewReplacer("-", " ", "_", " ").Replace(label)
	return cases.Title(language.Und).String(label)
}

// PublicDomains are mail services anyone can have an address at: an
// address there says nothing about where its owner works, so it never
// makes an organisation. Kept by hand; add to it when a service is missing.
var PublicDomains = map[string]bool{}

func init() {
	for _, d := range strings.Fields(`
		gmail.com googlemail.com outlook.com hotmail.com hotmail.co.uk hotmail.fr hotmail.de hotmail.es hotmail.it
		live.com live.co.uk live.fr live.de msn.com passport.com windowslive.com
		yahoo.com yahoo.co.uk yahoo.fr yahoo.de yahoo.es yahoo.it yahoo.co.jp yahoo.com.br yahoo.com.mx ymail.com rocketmail.com
		icloud.com me.com mac.com aol.com aim.com
		proton.me protonmail.com protonmail.ch pm.me tutanota.com tutanota.de tuta.io
		gmx.com gmx.net gmx.de gmx.at gmx.ch web.de t-online.de freenet.de posteo.de mailbox.org
		yandex.com yandex.ru ya.ru mail.ru bk.ru inbox.ru list.ru rambler.ru
		zoho.com zohomail.com fastmail.com fastmail.fm hey.com hushmail.com
		mail.com email.com usa.com post.com
		qq.com 163.com 126.com sina.com sohu.com yeah.net
		naver.com daum.net hanmail.net
		orange.fr wanadoo.fr free.fr laposte.net sfr.fr neuf.fr
		libero.it virgilio.it tiscali.it alice.it
		terra.com.br uol.com.br bol.com.br
		seznam.cz wp.pl o2.pl interia.pl onet.pl
		btinternet.com sky.com virginmedia.com ntlworld.com talktalk.net
		comcast.net verizon.net att.net sbcglobal.net cox.net charter.net earthlink.net
		rediffmail.com
	`) {
		PublicDomains[d] = true
	}
}

// noReplyLocals are local parts (before any +tag, dots and dashes removed)
// of senders that no one answers.
var noReplyLocals = map[string]bool{
	"noreply": true, "donotreply": true, "dontreply": true, "noresponse": true, "mailerdaemon": true,
	"postmaster": true, "bounce": true, "bounces": true, "notification": true, "notifications": true,
	"notify": true, "alerts": true, "newsletter": true, "news": true, "auto": true, "autoreply": true,
}

// isNoReply reports whether an address is an automated sender.
func isNoReply(addr string) bool {
	local, _, _ := strings.Cut(strings.ToLower(addr), "@")
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	local = strings.NewReplacer(".", "", "-", "", "_", "").Replace(local)
	return noReplyLocals[local] || strings.HasPrefix(local, "noreply") || strings.HasPrefix(local, "donotreply") ||
		strings.HasPrefix(local, "bounce")
}
