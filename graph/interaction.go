package graph

import (
	"slices"
	"strings"
	"time"
)

// InteractionKind is the kind of a touchpoint.
type InteractionKind string

// Interaction kinds. Depth grows roughly from message to meeting; favours feed
// the give/get ledger.
const (
	KindMessage        InteractionKind = "message"
	KindEmail          InteractionKind = "email"
	KindCall           InteractionKind = "call"
	KindCoffee         InteractionKind = "coffee"
	KindMeeting        InteractionKind = "meeting"
	KindEvent          InteractionKind = "event"
	KindFavourGiven    InteractionKind = "favour_given"
	KindFavourReceived InteractionKind = "favour_received"
)

// InteractionKinds lists every kind, in a stable order.
var InteractionKinds = []InteractionKind{KindMessage, KindEmail, KindCall, KindCoffee,
	KindMeeting, KindEvent, KindFavourGiven, KindFavourReceived}

// Interaction sources of captured interactions.
const (
	SourceMail     = "mail"
	SourceCalendar = "calendar"
)

// Captured reports whether the interaction came from a connected mailbox,
// calendar or mail file rather than from someone logging it.
func (i *Interaction) Captured() bool { return i.CaptureKey != "" }

// VisibleTo reports whether the member may see the interaction itself: a
// captured one only its member may.
func (i *Interaction) VisibleTo(userID string) bool { return !i.Captured() || i.LoggedBy == userID }

// Valid reports whether k is a known kind.
func (k InteractionKind) Valid() bool { return slices.Contains(InteractionKinds, k) }

// IsFavour reports whether k records a favour.
func (k InteractionKind) IsFavour() bool { return k == KindFavourGiven || k == KindFavourReceived }

// Interaction is a touchpoint between people, stored as
// (:Interaction)-[:WITH]->(:Person) for each participant.
//
// InitiatorID is the participant who reached out; for a favour it is the
// giver. favour_given and favour_received are named from the logging member's
// side: given means the member's own person was the giver. Notes are private
// to LoggedBy.
type Interaction struct {
	ID             string          `json:"id"`
	WorkspaceID    string          `json:"workspace_id"`
	Kind           InteractionKind `json:"kind"`
	At             time.Time       `json:"at"`
	ParticipantIDs []string        `json:"participant_ids"`
	InitiatorID    string          `json:"initiator_id,omitempty"`
	Notes          string          `json:"notes,omitempty"`
	LoggedBy       string          `json:"logged_by,omitempty"` // a User id
	// Captured interactions (mail, calendar) carry where they came from, the
	// conversation they belong to and the key they are merged on (a hash of
	// the Message-ID, or of the iCalendar UID and RECURRENCE-ID). Only
	// LoggedBy sees them; others see their effect on strengths and paths.
	Source     string    `json:"source,omitempty"` // mail or calendar
	ThreadID   string    `json:"thread_id,omitempty"`
	CaptureKey string    `json:"capture_key,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// MaxParticipants bounds an interaction; an event with more people is better
// logged as several.
const MaxParticipants = 50

// Interactions are dated within a window: from EarliestInteraction to
// MaxInteractionAhead after now. Anything outside it is a typo (0024 for
// 2024, 9999 for "unknown") that would be stored and then count for
// nothing; inside it, a future date is a planned meeting, which the
// analytics count from its date on.
var EarliestInteraction = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// MaxInteractionAhead is how far ahead of now an interaction may be dated.
const MaxInteractionAhead = 366 * 24 * time.Hour

// CheckInteractionTime reports, as an EINVALID error on the field "at",
// whether at lies outside the window of possible interaction dates at now.
func CheckInteractionTime(at, now time.Time) error {
	latest := now.Add(MaxInteractionAhead)
	if at.Before(EarliestInteraction) || at.After(latest) {
		return FieldErrorf("at", "Interaction date %s is impossible: dates go from %s to a year from now (%s).",
			at.UTC().Format(time.DateOnly), EarliestInteraction.Format(time.DateOnly), latest.UTC().Format(time.DateOnly))
	}
	return nil
}

// Validate checks the interaction.
func (i *Interaction) Validate() error {
	if !i.Kind.Valid() {
		return FieldErrorf("kind", "Kind must be one of message, email, call, coffee, meeting, event, favour_given, favour_received.")
	}
	if i.At.IsZero() {
		return FieldErrorf("at", "Interaction time required.")
	}
	if err := CheckInteractionTime(i.At, time.Now()); err != nil {
		return err
	}
	i.ParticipantIDs = CleanList(i.ParticipantIDs)
	if len(i.ParticipantIDs) < 2 {
		return FieldErrorf("participant_ids", "An interaction needs at least two participants.")
	}
	if len(i.ParticipantIDs) > MaxParticipants {
		return FieldErrorf("participant_ids", "More than %d participants.", MaxParticipants)
	}
	if i.InitiatorID != "" && !slices.Contains(i.ParticipantIDs, i.InitiatorID) {
		return FieldErrorf("initiator_id", "The initiator must be a participant.")
	}
	if i.Kind.IsFavour() && i.InitiatorID == "" {
		return FieldErrorf("initiator_id", "A favour needs its giver as initiator.")
	}
	i.Notes = strings.TrimSpace(i.Notes)
	if len(i.Notes) > MaxNotesLen {
		return FieldErrorf("notes", "Longer than %d characters.", MaxNotesLen)
	}
	return nil
}

// InteractionUpdate holds the fields to change; nil fields stay as they are.
type InteractionUpdate struct {
	Kind        *InteractionKind `json:"kind"`
	At          *time.Time       `json:"at"`
	InitiatorID *string          `json:"initiator_id"`
	Notes       *string          `json:"notes"`
}

// Apply copies the set fields of upd onto i.
func (upd *InteractionUpdate) Apply(i *Interaction) {
	setIf(&i.Kind, upd.Kind)
	setIf(&i.At, upd.At)
	setIf(&i.InitiatorID, upd.InitiatorID)
	setIf(&i.Notes, upd.Notes)
}

// InteractionFilter selects interactions, newest first. With PersonID, those
// the person took part in; with OtherID too, those both took part in.
type InteractionFilter struct {
	// Viewer, when set, leaves out the captured interactions of other
	// members (Interaction.VisibleTo).
	Viewer   string
	PersonID string
	OtherID  string
	Kind     InteractionKind
	Since    time.Time
	Until    time.Time
	Offset   int
	Limit    int
}

// Validate checks paging bounds.
func (f *InteractionFilter) Validate() error { return validatePage(&f.Offset, &f.Limit) }
