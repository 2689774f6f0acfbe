package importer

import (
	"bufio"
	"regexp"
	"strings"
)

// Google Contacts CSV comes with two headers: the current one ("First Name",
// "Organization Name", "Labels", "E-mail 1 - Label"/"Value") and the legacy
// one ("Given Name", "Organization 1 - Name", "Group Membership",
// "E-mail 1 - Type"/"Value"). Multi-valued cells separate values with " ::: ".
var (
	googleEmailCol   = regexp.MustCompile(`^e mail \d+ value$`)
	googlePhoneCol   = regexp.MustCompile(`^phone \d+ value$`)
	googleWebsiteCol = regexp.MustCompile(`^website \d+ value$`)
)

// isGoogleHeader reports whether cols are a Google Contacts header.
func isGoogleHeader(cols []string) bool {
	name, google := false, false
	for _, c := range cols {
		switch c {
		case "first name", "given name", "name", "last name", "family name":
			name = true
		case "labels", "group membership", "organization name", "organization 1 name",
			"organization title", "organization 1 title", "file as":
			google = true
		default:
			if googleEmailCol.MatchString(c) || googlePhoneCol.MatchString(c) {
				google = true
			}
		}
	}
	return name && google
}

type googleParser struct {
	t                         *csvTable
	first, middle, last, full string
	org, title, tags, notes   string
	city, country             string
	emails, phones, sites     []string
}

func newGoogleParser(r *bufio.Reader, _ parseConfig) (*googleParser, error) {
	t, err := openTable(r, isGoogleHeader, "No Google Contacts header found: the first line names columns like "+
		"\"First Name\", \"Last Name\", \"E-mail 1 - Value\".", nil)
	if err != nil {
		return nil, err
	}
	p := &googleParser{
		t:       t,
		first:   t.first("first name", "given name"),
		middle:  t.first("middle name", "additional name"),
		last:    t.first("last name", "family name"),
		full:    t.first("name"),
		org:     t.first("organization name", "organization 1 name"),
		title:   t.first("organization title", "organization 1 title"),
		tags:    t.first("labels", "group membership"),
		notes:   t.first("notes"),
		city:    t.first("address 1 city"),
		country: t.first("address 1 country"),
	}
	for _, c := range t.header {
		switch {
		case googleEmailCol.MatchString(c):
			p.emails = append(p.emails, c)
		case googlePhoneCol.MatchString(c):
			p.phones = append(p.phones, c)
		case googleWebsiteCol.MatchString(c):
			p.sites = append(p.sites, c)
		}
	}
	return p, nil
}

func (p *googleParser) next() (record, error) {
	rec, line, err := p.t.read()
	if err != nil {
		return record{}, err
	}
	get := func(col string) string {
		if col == "" {
			return ""
		}
		return p.t.get(rec, col)
	}
	multi := func(cols []string) []string {
		var out []string
		for _, c := range cols {
			out = append(out, splitMulti(get(c))...)
		}
		return out
	}
	c := &contact{
		first:  get(p.first),
		last:   get(p.last),
		name:   get(p.full),
		org:    get(p.org),
		title:  get(p.title),
		note:   get(p.notes),
		emails: multi(p.emails),
		phones: multi(p.phones),
	}
	if m := get(p.middle); m != "" && c.name == "" {
		c.name = strings.Join(strings.Fields(c.first+" "+m+" "+c.last), " ")
	}
	for _, u := range multi(p.sites) {
		if c.linkedIn == "" && isLinkedInProfile(u) {
			c.linkedIn = u
		}
		c.urls = append(c.urls, u)
	}
	for _, l := range splitMulti(get(p.tags)) {
		// "* myContacts", "* starred" and "System Group: ..." are Google's own.
		if strings.HasPrefix(l, "*") || strings.HasPrefix(l, "System Group:") {
			continue
		}
		c.tags = append(c.tags, l)
	}
	c.location = joinNonEmpty(", ", get(p.city), get(p.country))
	out := record{row: line}
	if c.name == "" && c.first == "" && c.last == "" {
		if len(c.emails) == 0 {
			out.skip = "no name and no email"
			return out, nil
		}
		c.name = c.emails[0]
	}
	out.contact = c
	return out, nil
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
