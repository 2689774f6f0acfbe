package importer

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/emersion/go-vcard"
)

// vcardParser reads vCard 3.0 and 4.0 files with go-vcard, one card at a
// time: blockReader cuts the stream into cards with bounded memory and
// go-vcard parses each.
type vcardParser struct {
	br *blockReader
}

func newVCardParser(r *bufio.Reader, _ parseConfig) *vcardParser {
	return &vcardParser{br: &blockReader{r: r, name: "VCARD"}}
}

func (p *vcardParser) next() (record, error) {
	text, out, ok, err := p.br.read("No vCard found: a .vcf file holds cards from BEGIN:VCARD to END:VCARD.")
	if !ok {
		return out, err
	}
	card, err := safely(vcard.NewDecoder(bytes.NewReader(text)).Decode)
	if err != nil {
		out.skip = "unreadable card: " + err.Error()
		return out, nil
	}
	c, skip := cardContact(card)
	if skip != "" {
		out.skip = skip
		return out, nil
	}
	out.contact = c
	return out, nil
}

// cardContact reads the fields Nexo keeps from a card.
func cardContact(card vcard.Card) (*contact, string) {
	switch k := card.Kind(); k {
	case vcard.KindIndividual, "":
	default:
		return nil, "a " + string(k) + " card, not a person"
	}
	c := &contact{
		name:  strings.TrimSpace(card.PreferredValue(vcard.FieldFormattedName)),
		title: strings.TrimSpace(card.PreferredValue(vcard.FieldTitle)),
		uid:   strings.TrimSpace(card.Value(vcard.FieldUID)),
	}
	if n := card.Name(); n != nil {
		c.first = strings.TrimSpace(strings.Join(strings.Fields(n.GivenName+" "+n.AdditionalName), " "))
		c.last = strings.TrimSpace(n.FamilyName)
	}
	if c.name == "" && c.first == "" && c.last == "" {
		return nil, "no name (FN or N)"
	}
	for _, v := range card.Values(vcard.FieldEmail) {
		c.emails = append(c.emails, strings.TrimPrefix(strings.TrimSpace(v), "mailto:"))
	}
	for _, v := range card.Values(vcard.FieldTelephone) {
		c.phones = append(c.phones, strings.TrimPrefix(strings.TrimSpace(v), "tel:"))
	}
	urls := card.Values(vcard.FieldURL)
	for _, f := range card["X-SOCIALPROFILE"] {
		if isLinkedInProfile(f.Value) || f.Params.HasType("linkedin") {
			urls = append(urls, f.Value)
		}
	}
	for _, u := range urls {
		u = strings.TrimSpace(u)
		if c.linkedIn == "" && isLinkedInProfile(u) {
			c.linkedIn = u
		}
		c.urls = append(c.urls, u)
	}
	if org := card.PreferredValue(vcard.FieldOrganization); org != "" {
		c.org = strings.TrimSpace(splitEscaped(org, ';')[0])
	}
	for _, f := range card[vcard.FieldCategories] {
		for _, t := range strings.Split(f.Value, ",") {
			c.tags = append(c.tags, strings.TrimSpace(t))
		}
	}
	var notes []string
	for _, v := range card.Values(vcard.FieldNote) {
		if v = strings.TrimSpace(v); v != "" {
			notes = append(notes, v)
		}
	}
	c.note = strings.Join(notes, "\n\n")
	if a := card.Address(); a != nil {
		c.location = joinNonEmpty(", ", strings.TrimSpace(a.Locality), strings.TrimSpace(a.Country))
	}
	for _, f := range card[vcard.FieldRelated] {
		if t := strings.TrimSpace(f.Value); t != "" {
			c.related = append(c.related, relation{target: t, kind: strings.ToLower(strings.Join(f.Params.Types(), ", "))})
		}
	}
	return c, ""
}
