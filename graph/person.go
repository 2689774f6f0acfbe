package graph

import (
	"net/mail"
	"strings"
	"time"
)

// Person is someone in a workspace's network, including each member's "me".
//
// Skills are what the person can offer; Needs are what they are looking for
// ("investor", "mentor in data analysis"). Both feed the broker opportunities.
// Company is read-only: the organisation of the person's current employment.
// Notes are kept apart (Note) because they are private to their author.
type Person struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspace_id"`
	Name        string    `json:"name"`
	FirstName   string    `json:"first_name,omitempty"`
	LastName    string    `json:"last_name,omitempty"`
	Emails      []string  `json:"emails,omitempty"`
	Phones      []string  `json:"phones,omitempty"`
	LinkedInURL string    `json:"linkedin_url,omitempty"`
	URLs        []string  `json:"urls,omitempty"`
	Title       string    `json:"title,omitempty"`
	Company     string    `json:"company,omitempty"`
	Location    string    `json:"location,omitempty"`
	Tags        []string  `json:"tags,omitempty"`
	Skills      []string  `json:"skills,omitempty"`
	Needs       []string  `json:"needs,omitempty"`
	Source      string    `json:"source"`                // manual, linkedin, google, vcard, demo, ...
	ExternalID  string    `json:"external_id,omitempty"` // the id in the source (vCard UID), for re-imports
	UserEdited  []string  `json:"user_edited,omitempty"` // fields a user changed by hand; imports leave them alone
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`

	// MatchKeys are further identities imports match the person by, besides
	// Emails, Phones, LinkedInURL and ExternalID: the LinkedIn URLs
	// ("linkedin:<url>") and vCard UIDs ("uid:<uid>") of people merged into
	// this one, and the key of an imported row that carried no identifier at
	// all ("row:<source>:<name>|<organisation>"), which a re-import of that
	// row finds. See MatchKey.
	MatchKeys []string `json:"match_keys,omitempty"`
	// Provenance says where the value of a field came from ("linkedin",
	// "google, manual", ...), by field name, once a merge combined two
	// people; a field without an entry came from Source.
	Provenance map[string]string `json:"provenance,omitempty"`
}

// Limits on person fields; longer input is rejected, not truncated.
const (
	MaxNameLen  = 200
	MaxTextLen  = 500
	MaxListLen  = 100
	MaxNotesLen = 20000
)

// Validate normalises and checks p: it trims fields, derives Name from the
// first and last names when empty, lower-cases emails and drops duplicates.
func (p *Person) Validate() error {
	p.FirstName = strings.TrimSpace(p.FirstName)
	p.LastName = strings.TrimSpace(p.LastName)
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" {
		p.Name = strings.TrimSpace(p.FirstName + " " + p.LastName)
	}
	if p.Name == "" {
		return FieldErrorf("name", "Person name required.")
	}
	for field, v := range map[string]string{"name": p.Name, "first_name": p.FirstName, "last_name": p.LastName} {
		if len(v) > MaxNameLen {
			return FieldErrorf(field, "Longer than %d characters.", MaxNameLen)
		}
	}
	for field, v := range map[string]string{"title": p.Title, "location": p.Location, "linkedin_url": p.LinkedInURL} {
		if len(v) > MaxTextLen {
			return FieldErrorf(field, "Longer than %d characters.", MaxTextLen)
		}
	}
	for i, e := range p.Emails {
		e = strings.ToLower(strings.TrimSpace(e))
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			return FieldErrorf("emails", "Invalid email address %q.", e)
		}
		p.Emails[i] = e
	}
	p.LinkedInURL = NormalizeLinkedInURL(p.LinkedInURL)
	lists := map[string]*[]string{"emails": &p.Emails, "phones": &p.Phones, "urls": &p.URLs,
		"tags": &p.Tags, "skills": &p.Skills, "needs": &p.Needs, "match_keys": &p.MatchKeys}
	for field, l := range lists {
		*l = CleanList(*l)
		if len(*l) > MaxListLen {
			return FieldErrorf(field, "More than %d entries.", MaxListLen)
		}
		for _, v := range *l {
			if len(v) > MaxTextLen {
				return FieldErrorf(field, "An entry is longer than %d characters.", MaxTextLen)
			}
		}
	}
	if p.Source == "" {
		p.Source = "manual"
	}
	return nil
}

// Kinds of Person.MatchKeys.
const (
	MatchLinkedIn = "linkedin" // a LinkedIn profile URL, normalised
	MatchUID      = "uid"      // a vCard UID, lower-cased, without urn:uuid:
	MatchRow      = "row"      // an imported row without identifiers: "<source>:<name key>|<organisation key>"
)

// MatchKey makes a Person.MatchKeys entry of a kind and a value.
func MatchKey(kind, value string) string { return kind + ":" + value }

// CleanList trims entries, drops empty ones and case-insensitive duplicates,
// keeping the first spelling and the order.
func CleanList(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	out := l[:0:0]
	seen := make(map[string]bool, len(l))
	for _, v := range l {
		v = strings.TrimSpace(v)
		k := strings.ToLower(v)
		if v == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, v)
	}
	return out
}

// NormalizeLinkedInURL reduces a LinkedIn profile URL to
// "https://www.linkedin.com/in/<handle>" so the same profile matches however it
// was written (http, no www, country subdomain, trailing slash, query).
// Anything that is not a LinkedIn profile URL is returned trimmed.
func NormalizeLinkedInURL(u string) string {
	u = strings.TrimSpace(u)
	l := strings.ToLower(u)
	i := strings.Index(l, "linkedin.com/in/")
	if i < 0 {
		return u
	}
	handle := l[i+len("linkedin.com/in/"):]
	if j := strings.IndexAny(handle, "/?#"); j >= 0 {
		handle = handle[:j]
	}
	if handle == "" {
		return u
	}
	return "https://www.linkedin.com/in/" + handle
}

// PersonUpdate holds the fields of a Person to change; nil fields stay as they are.
type PersonUpdate struct {
	Name        *string   `json:"name"`
	FirstName   *string   `json:"first_name"`
	LastName    *string   `json:"last_name"`
	Emails      *[]string `json:"emails"`
	Phones      *[]string `json:"phones"`
	LinkedInURL *string   `json:"linkedin_url"`
	URLs        *[]string `json:"urls"`
	Title       *string   `json:"title"`
	Location    *string   `json:"location"`
	Tags        *[]string `json:"tags"`
	Skills      *[]string `json:"skills"`
	Needs       *[]string `json:"needs"`
}

// Apply copies the set fields of upd onto p and, when byUser, records them in
// p.UserEdited so that later imports do not overwrite them.
func (upd *PersonUpdate) Apply(p *Person, byUser bool) {
	fields := []struct {
		name string
		set  bool
	}{
		{"name", upd.Name != nil}, {"first_name", upd.FirstName != nil}, {"last_name", upd.LastName != nil},
		{"emails", upd.Emails != nil}, {"phones", upd.Phones != nil}, {"linkedin_url", upd.LinkedInURL != nil},
		{"urls", upd.URLs != nil}, {"title", upd.Title != nil}, {"location", upd.Location != nil},
		{"tags", upd.Tags != nil}, {"skills", upd.Skills != nil}, {"needs", upd.Needs != nil},
	}
	setIf(&p.Name, upd.Name)
	setIf(&p.FirstName, upd.FirstName)
	setIf(&p.LastName, upd.LastName)
	setIf(&p.Emails, upd.Emails)
	setIf(&p.Phones, upd.Phones)
	setIf(&p.LinkedInURL, upd.LinkedInURL)
	setIf(&p.URLs, upd.URLs)
	setIf(&p.Title, upd.Title)
	setIf(&p.Location, upd.Location)
	setIf(&p.Tags, upd.Tags)
	setIf(&p.Skills, upd.Skills)
	setIf(&p.Needs, upd.Needs)
	if !byUser {
		return
	}
	for _, f := range fields {
		if f.set {
			p.UserEdited = append(p.UserEdited, f.name)
		}
	}
	p.UserEdited = CleanList(p.UserEdited)
}

// PersonFilter selects people. Text fields match case-insensitively as
// substrings; Tag and Skill match whole entries. Query matches any of name,
// email, title, company, location, tags, skills and needs.
type PersonFilter struct {
	Query    string
	Name     string
	Email    string
	Company  string // current or past organisation name
	Title    string
	Location string
	Tag      string
	Skill    string
	IDs      []string
	Offset   int
	Limit    int // 0 means DefaultLimit
}

// Page sizes.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// Validate checks paging bounds.
func (f *PersonFilter) Validate() error {
	return validatePage(&f.Offset, &f.Limit)
}

func validatePage(offset, limit *int) error {
	if *offset < 0 {
		return FieldErrorf("offset", "Offset must not be negative.")
	}
	if *limit < 0 || *limit > MaxLimit {
		return FieldErrorf("limit", "Limit must be between 1 and %d.", MaxLimit)
	}
	if *limit == 0 {
		*limit = DefaultLimit
	}
	return nil
}

// Note is a private note about a person. Only its author sees it.
type Note struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspace_id"`
	PersonID    string    `json:"person_id"`
	AuthorID    string    `json:"author_id"` // a User id
	Body        string    `json:"body"`
	Source      string    `json:"source"` // manual, or the import format that brought it
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Validate reports whether the note can be stored.
func (n *Note) Validate() error {
	n.Body = strings.TrimSpace(n.Body)
	if n.Body == "" {
		return FieldErrorf("body", "Note body required.")
	}
	if len(n.Body) > MaxNotesLen {
		return FieldErrorf("body", "Note longer than %d characters.", MaxNotesLen)
	}
	if n.PersonID == "" {
		return FieldErrorf("person_id", "Note person required.")
	}
	if n.AuthorID == "" {
		return FieldErrorf("author_id", "Note author required.")
	}
	if n.Source == "" {
		n.Source = "manual"
	}
	return nil
}
