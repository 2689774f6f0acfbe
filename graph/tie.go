package graph

import (
	"math"
	"strings"
	"time"
)

// TieSource says how a tie came to be known.
type TieSource string

// Tie sources.
const (
	TieImported   TieSource = "imported"   // from a LinkedIn, Google or vCard import
	TieIntroduced TieSource = "introduced" // produced by an Introduction marked made
	TieManual     TieSource = "manual"     // entered by a user, or implied by a logged interaction
)

// Valid reports whether s is a known source.
func (s TieSource) Valid() bool {
	return s == TieImported || s == TieIntroduced || s == TieManual
}

// Tie says two people know each other: (:Person)-[:KNOWS]->(:Person), stored
// once per pair with PersonA < PersonB; the direction carries no meaning.
// Strength, when set, is a user's manual override in (0, 1] that wins over the
// strength computed from interactions.
type Tie struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspace_id"`
	PersonA     string    `json:"person_a"`
	PersonB     string    `json:"person_b"`
	Since       time.Time `json:"since,omitzero"`
	Source      TieSource `json:"source"`
	Strength    *float64  `json:"strength,omitempty"`
	Context     string    `json:"context,omitempty"` // "worked together at Acme 2019–2022"
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Validate orders the pair and checks the tie.
func (t *Tie) Validate() error {
	if t.PersonA == "" {
		return FieldErrorf("person_a", "Tie person required.")
	}
	if t.PersonB == "" {
		return FieldErrorf("person_b", "Tie person required.")
	}
	if t.PersonA == t.PersonB {
		return FieldErrorf("person_b", "A person cannot have a tie to themselves.")
	}
	if t.PersonA > t.PersonB {
		t.PersonA, t.PersonB = t.PersonB, t.PersonA
	}
	if t.Source == "" {
		t.Source = TieManual
	}
	if !t.Source.Valid() {
		return FieldErrorf("source", "Source must be imported, introduced or manual.")
	}
	if err := validStrength(t.Strength); err != nil {
		return err
	}
	t.Context = strings.TrimSpace(t.Context)
	if len(t.Context) > MaxTextLen {
		return FieldErrorf("context", "Longer than %d characters.", MaxTextLen)
	}
	return nil
}

func validStrength(s *float64) error {
	if s != nil && (math.IsNaN(*s) || *s <= 0 || *s > 1) {
		return FieldErrorf("strength", "Strength must be in (0, 1].")
	}
	return nil
}

// Other returns the other end of the tie from id.
func (t *Tie) Other(id string) string {
	if t.PersonA == id {
		return t.PersonB
	}
	return t.PersonA
}

// TieUpdate holds the fields to change; nil fields stay as they are.
// ClearStrength removes a manual override.
type TieUpdate struct {
	Since         *time.Time `json:"since"`
	Strength      *float64   `json:"strength"`
	ClearStrength bool       `json:"clear_strength"`
	Context       *string    `json:"context"`
}

// Apply copies the set fields of upd onto t.
func (upd *TieUpdate) Apply(t *Tie) {
	setIf(&t.Since, upd.Since)
	setIf(&t.Context, upd.Context)
	if upd.Strength != nil {
		v := *upd.Strength
		t.Strength = &v
	}
	if upd.ClearStrength {
		t.Strength = nil
	}
}

// TieFilter selects ties. With PersonID, the ties of that person; with both
// PersonID and OtherID, the tie between the two.
type TieFilter struct {
	PersonID string
	OtherID  string
	Offset   int
	Limit    int
}

// Validate checks paging bounds.
func (f *TieFilter) Validate() error { return validatePage(&f.Offset, &f.Limit) }
