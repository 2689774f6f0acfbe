package graph

import (
	"strings"
	"time"
)

// IntroStatus is where an introduction stands.
type IntroStatus string

// Introduction statuses: requested → made → accepted | declined. A request
// may also be declined before it is made.
const (
	IntroRequested IntroStatus = "requested"
	IntroMade      IntroStatus = "made"
	IntroAccepted  IntroStatus = "accepted"
	IntroDeclined  IntroStatus = "declined"
)

// Valid reports whether s is a known status.
func (s IntroStatus) Valid() bool {
	return s == IntroRequested || s == IntroMade || s == IntroAccepted || s == IntroDeclined
}

// CanBecome reports whether an introduction may move from s to next.
func (s IntroStatus) CanBecome(next IntroStatus) bool {
	switch s {
	case IntroRequested:
		return next == IntroMade || next == IntroDeclined
	case IntroMade:
		return next == IntroAccepted || next == IntroDeclined
	}
	return false
}

// Introduction is a warm introduction: IntroducerID introduces PersonID to
// TargetID. Stored as (:Introduction) with [:BY]->introducer,
// [:OF]->person and [:TO]->target. When marked made, the store creates the
// tie it produced (source "introduced") in the same transaction and records
// its id in TieID.
type Introduction struct {
	ID           string      `json:"id"`
	WorkspaceID  string      `json:"workspace_id"`
	IntroducerID string      `json:"introducer_id"`
	PersonID     string      `json:"person_id"`
	TargetID     string      `json:"target_id"`
	Status       IntroStatus `json:"status"`
	Reason       string      `json:"reason,omitempty"`  // why the introduction is wanted
	Outcome      string      `json:"outcome,omitempty"` // what came of it
	RequestedBy  string      `json:"requested_by,omitempty"`
	TieID        string      `json:"tie_id,omitempty"`
	RequestedAt  time.Time   `json:"requested_at"`
	MadeAt       time.Time   `json:"made_at,omitzero"`
	RespondedAt  time.Time   `json:"responded_at,omitzero"`
	CreatedAt    time.Time   `json:"created_at"`
	UpdatedAt    time.Time   `json:"updated_at"`
}

// Validate checks the introduction.
func (in *Introduction) Validate() error {
	if in.IntroducerID == "" {
		return FieldErrorf("introducer_id", "Introducer required.")
	}
	if in.PersonID == "" {
		return FieldErrorf("person_id", "Person to introduce required.")
	}
	if in.TargetID == "" {
		return FieldErrorf("target_id", "Target required.")
	}
	if in.PersonID == in.TargetID || in.IntroducerID == in.PersonID || in.IntroducerID == in.TargetID {
		return FieldErrorf("target_id", "Introducer, person and target must be three different people.")
	}
	if in.Status == "" {
		in.Status = IntroRequested
	}
	if !in.Status.Valid() {
		return FieldErrorf("status", "Status must be requested, made, accepted or declined.")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	in.Outcome = strings.TrimSpace(in.Outcome)
	if len(in.Reason) > MaxNotesLen || len(in.Outcome) > MaxNotesLen {
		return FieldErrorf("outcome", "Longer than %d characters.", MaxNotesLen)
	}
	return nil
}

// IntroductionUpdate changes an introduction. A Status change must be a
// transition CanBecome allows; At, when set, dates it (default now).
type IntroductionUpdate struct {
	Status  *IntroStatus `json:"status"`
	Outcome *string      `json:"outcome"`
	Reason  *string      `json:"reason"`
	At      *time.Time   `json:"at"`
}

// Apply checks and applies upd to in at time now. It does not create the tie;
// the store does that when the status becomes made.
func (upd *IntroductionUpdate) Apply(in *Introduction, now time.Time) error {
	at := now
	if upd.At != nil {
		at = *upd.At
	}
	if upd.Status != nil && *upd.Status != in.Status {
		if !upd.Status.Valid() {
			return FieldErrorf("status", "Status must be requested, made, accepted or declined.")
		}
		if !in.Status.CanBecome(*upd.Status) {
			return &Error{Code: ECONFLICT, Field: "status",
				Message: "An introduction cannot go from " + string(in.Status) + " to " + string(*upd.Status) + "."}
		}
		switch *upd.Status {
		case IntroMade:
			in.MadeAt = at
		case IntroAccepted, IntroDeclined:
			in.RespondedAt = at
		}
		in.Status = *upd.Status
	}
	setIf(&in.Outcome, upd.Outcome)
	setIf(&in.Reason, upd.Reason)
	return nil
}

// IntroductionFilter selects introductions involving a person in any role,
// or with a status.
type IntroductionFilter struct {
	PersonID string
	Status   IntroStatus
	Offset   int
	Limit    int
}

// Validate checks paging bounds.
func (f *IntroductionFilter) Validate() error { return validatePage(&f.Offset, &f.Limit) }
