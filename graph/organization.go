package graph

import (
	"strings"
	"time"
)

// Organization is a company, university or any other body people work at.
type Organization struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspace_id"`
	Name        string    `json:"name"`
	Domain      string    `json:"domain,omitempty"` // e.g. "acme.com"
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Validate normalises and checks the organisation.
func (o *Organization) Validate() error {
	o.Name = strings.TrimSpace(o.Name)
	o.Domain = strings.ToLower(strings.TrimSpace(o.Domain))
	if o.Name == "" {
		return FieldErrorf("name", "Organization name required.")
	}
	if len(o.Name) > MaxNameLen {
		return FieldErrorf("name", "Longer than %d characters.", MaxNameLen)
	}
	if strings.ContainsAny(o.Domain, " /@") || len(o.Domain) > 253 {
		return FieldErrorf("domain", "Invalid domain %q.", o.Domain)
	}
	return nil
}

// OrganizationNameKey is what makes two organisation names the same in one
// workspace: case and runs of white space do not count.
func OrganizationNameKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// OrganizationUpdate holds the fields to change; nil fields stay as they are.
type OrganizationUpdate struct {
	Name   *string `json:"name"`
	Domain *string `json:"domain"`
}

// Apply copies the set fields of upd onto o.
func (upd *OrganizationUpdate) Apply(o *Organization) {
	setIf(&o.Name, upd.Name)
	setIf(&o.Domain, upd.Domain)
}

// OrganizationFilter selects organisations by name (substring) or domain (exact).
type OrganizationFilter struct {
	Name   string
	Domain string
	Offset int
	Limit  int
}

// Validate checks paging bounds.
func (f *OrganizationFilter) Validate() error { return validatePage(&f.Offset, &f.Limit) }

// Employment is a person's position at an organisation, stored as
// (:Person)-[:WORKS_AT]->(:Organization). A zero End means current.
type Employment struct {
	ID             string    `json:"id"`
	WorkspaceID    string    `json:"workspace_id"`
	PersonID       string    `json:"person_id"`
	OrganizationID string    `json:"organization_id"`
	Title          string    `json:"title,omitempty"`
	Start          time.Time `json:"start,omitzero"`
	End            time.Time `json:"end,omitzero"`
	// Source is the import that created the position ("linkedin", "google",
	// "vcard", ...). Empty or "manual": a user entered or edited it, and
	// imports leave it as it is.
	Source    string    `json:"source,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Imported reports whether an import created the position and no user has
// changed it since.
func (e *Employment) Imported() bool { return e.Source != "" && e.Source != "manual" }

// Current reports whether the position has no end date.
func (e *Employment) Current() bool { return e.End.IsZero() }

// Validate checks the employment.
func (e *Employment) Validate() error {
	e.Title = strings.TrimSpace(e.Title)
	if e.PersonID == "" {
		return FieldErrorf("person_id", "Employment person required.")
	}
	if e.OrganizationID == "" {
		return FieldErrorf("organization_id", "Employment organization required.")
	}
	if len(e.Title) > MaxTextLen {
		return FieldErrorf("title", "Longer than %d characters.", MaxTextLen)
	}
	if !e.Start.IsZero() && !e.End.IsZero() && e.End.Before(e.Start) {
		return FieldErrorf("end", "End is before start.")
	}
	return nil
}

// EmploymentUpdate holds the fields to change; nil fields stay as they are.
// A pointer to a zero End makes the position current again.
type EmploymentUpdate struct {
	Title *string    `json:"title"`
	Start *time.Time `json:"start"`
	End   *time.Time `json:"end"`
}

// Apply copies the set fields of upd onto e.
func (upd *EmploymentUpdate) Apply(e *Employment) {
	setIf(&e.Title, upd.Title)
	setIf(&e.Start, upd.Start)
	setIf(&e.End, upd.End)
}

// EmploymentFilter selects employments of a person or at an organisation.
type EmploymentFilter struct {
	PersonID       string
	OrganizationID string
	CurrentOnly    bool
}
