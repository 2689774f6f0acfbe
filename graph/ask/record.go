package ask

import (
	"slices"
	"time"

	"github.com/nexohq/nexo/graph"
)

// InteractionRequest logs a touchpoint. With lists the other people and adds
// the asker's own person; ParticipantIDs gives everyone instead. InitiatedBy
// is "me", "them" (the one other participant) or a participant's id; a
// favour implies it (given: me, received: them). A zero At is now.
type InteractionRequest struct {
	Kind           graph.InteractionKind
	At             time.Time
	With           []string
	ParticipantIDs []string
	InitiatedBy    string
	Notes          string
}

// NewInteraction makes the interaction an asker logs, checked and ready to
// store (graph.Store.CreateInteraction), as of now.
func NewInteraction(a Asker, in InteractionRequest, now time.Time) (*graph.Interaction, error) {
	me := a.User.PersonID
	i := &graph.Interaction{WorkspaceID: a.WorkspaceID, Kind: in.Kind, Notes: in.Notes, LoggedBy: a.User.ID,
		At: now.UTC().Truncate(time.Second)}
	if !in.At.IsZero() {
		i.At = in.At
	}
	switch {
	case len(in.With) > 0 && len(in.ParticipantIDs) > 0:
		return nil, graph.FieldErrorf("with", "Give either with or participant_ids, not both.")
	case len(in.With) > 0:
		if me == "" {
			return nil, graph.FieldErrorf("with", "You have no own person in this workspace; give participant_ids.")
		}
		i.ParticipantIDs = append([]string{me}, in.With...)
	default:
		i.ParticipantIDs = in.ParticipantIDs
	}
	others := slices.DeleteFunc(slices.Clone(i.ParticipantIDs), func(id string) bool { return id == me })
	initiator := in.InitiatedBy
	switch {
	case initiator == "" && in.Kind == graph.KindFavourGiven:
		initiator = "me"
	case initiator == "" && in.Kind == graph.KindFavourReceived:
		initiator = "them"
	}
	switch initiator {
	case "":
	case "me":
		if me == "" {
			return nil, graph.FieldErrorf("initiated_by", "You have no own person in this workspace.")
		}
		i.InitiatorID = me
	case "them":
		if len(others) != 1 {
			return nil, graph.FieldErrorf("initiated_by", `"them" needs exactly one other participant; give a person id.`)
		}
		i.InitiatorID = others[0]
	default:
		i.InitiatorID = initiator
	}
	if in.Kind.IsFavour() && me != "" && slices.Contains(i.ParticipantIDs, me) {
		// Favours are named from the asker's side: given means I gave.
		if (in.Kind == graph.KindFavourGiven) != (i.InitiatorID == me) {
			return nil, graph.FieldErrorf("initiated_by", "favour_given means you gave it; favour_received means someone else did.")
		}
	}
	return i, i.Validate()
}

// IntroductionRequest asks IntroducerID to introduce PersonID (default: the
// asker's own person) to TargetID.
type IntroductionRequest struct {
	IntroducerID string
	PersonID     string
	TargetID     string
	Reason       string
}

// NewIntroduction makes the introduction an asker requests, ready to store
// (graph.Store.CreateIntroduction, which checks it).
func NewIntroduction(a Asker, in IntroductionRequest) *graph.Introduction {
	if in.PersonID == "" {
		in.PersonID = a.User.PersonID
	}
	return &graph.Introduction{WorkspaceID: a.WorkspaceID, IntroducerID: in.IntroducerID, PersonID: in.PersonID,
		TargetID: in.TargetID, Reason: in.Reason, RequestedBy: a.User.ID, Status: graph.IntroRequested}
}
