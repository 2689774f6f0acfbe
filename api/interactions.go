package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/ask"
)

// interactionInput logs a touchpoint. With lists the other people and adds
// the caller's own person; ParticipantIDs instead gives everyone. InitiatedBy
// is "me", "them" (the one other participant) or a participant's id; favours
// imply it (given: me, received: them).
type interactionInput struct {
	Kind           graph.InteractionKind `json:"kind"`
	At             *Date                 `json:"at"`
	With           []string              `json:"with"`
	ParticipantIDs []string              `json:"participant_ids"`
	InitiatedBy    string                `json:"initiated_by"`
	Notes          string                `json:"notes"`
}

// redact hides another member's notes: colleagues see that a touchpoint
// happened, not what was said.
func redact(c *gin.Context, i *graph.Interaction) *graph.Interaction {
	if i.LoggedBy != "" && i.LoggedBy != who(c).User.ID {
		cp := *i
		cp.Notes = ""
		return &cp
	}
	return i
}

func (s *Server) listInteractions(c *gin.Context) {
	offset, limit, err := page(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	since, err := queryTime(c, "since")
	if err != nil {
		s.Error(c, err)
		return
	}
	until, err := queryTime(c, "until")
	if err != nil {
		s.Error(c, err)
		return
	}
	kind := graph.InteractionKind(c.Query("kind"))
	if kind != "" && !kind.Valid() {
		s.Error(c, graph.FieldErrorf("kind", "Unknown interaction kind %q.", kind))
		return
	}
	l, total, err := s.store.FindInteractions(c, ws(c), graph.InteractionFilter{Viewer: who(c).User.ID, PersonID: c.Query("person_id"),
		OtherID: c.Query("other_id"), Kind: kind, Since: since, Until: until, Offset: offset, Limit: limit})
	if err != nil {
		s.Error(c, err)
		return
	}
	for i := range l {
		l[i] = redact(c, l[i])
	}
	c.JSON(http.StatusOK, newList(l, total, offset, limit))
}

func (s *Server) createInteraction(c *gin.Context) {
	var in interactionInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	i, err := s.interactionFrom(c, in)
	if err != nil {
		s.Error(c, err)
		return
	}
	if err := s.store.CreateInteraction(c, i); err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.JSON(http.StatusCreated, i)
}

func (s *Server) interactionFrom(c *gin.Context, in interactionInput) (*graph.Interaction, error) {
	req := ask.InteractionRequest{Kind: in.Kind, With: in.With, ParticipantIDs: in.ParticipantIDs,
		InitiatedBy: in.InitiatedBy, Notes: in.Notes}
	if in.At != nil {
		req.At = in.At.Time
	}
	return ask.NewInteraction(asker(c), req, time.Now())
}

func (s *Server) getInteraction(c *gin.Context) {
	id, err := idParam(c, "interaction_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	i, err := s.store.FindInteraction(c, ws(c), id)
	if err == nil && !i.VisibleTo(who(c).User.ID) {
		err = graph.Errorf(graph.ENOTFOUND, "Interaction not found.")
	}
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, redact(c, i))
}

type interactionUpdate struct {
	Kind        *graph.InteractionKind `json:"kind"`
	At          *Date                  `json:"at"`
	InitiatorID *string                `json:"initiator_id"`
	Notes       *string                `json:"notes"`
}

// loggedByCaller lets only the member who logged an interaction change or
// delete it (owners too); others would be editing details they cannot see.
func (s *Server) loggedByCaller(c *gin.Context) (*graph.Interaction, error) {
	id, err := idParam(c, "interaction_id")
	if err != nil {
		return nil, err
	}
	i, err := s.store.FindInteraction(c, ws(c), id)
	if err != nil {
		return nil, err
	}
	u := who(c).User
	if !i.VisibleTo(u.ID) {
		return nil, graph.Errorf(graph.ENOTFOUND, "Interaction not found.")
	}
	if i.LoggedBy != "" && i.LoggedBy != u.ID && u.Role != graph.RoleOwner {
		return nil, graph.Errorf(graph.EFORBIDDEN, "Only the member who logged this interaction can change it.")
	}
	return i, nil
}

func (s *Server) updateInteraction(c *gin.Context) {
	i, err := s.loggedByCaller(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	var in interactionUpdate
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	i, err = s.store.UpdateInteraction(c, ws(c), i.ID, graph.InteractionUpdate{Kind: in.Kind, At: datePtr(in.At),
		InitiatorID: in.InitiatorID, Notes: in.Notes})
	if err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.JSON(http.StatusOK, redact(c, i))
}

func (s *Server) deleteInteraction(c *gin.Context) {
	i, err := s.loggedByCaller(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	if err := s.store.DeleteInteraction(c, ws(c), i.ID); err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.Status(http.StatusNoContent)
}
