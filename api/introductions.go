package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/ask"
)

// introductionInput requests an introduction: IntroducerID introduces
// PersonID (default: the caller's own person) to TargetID.
type introductionInput struct {
	IntroducerID string `json:"introducer_id"`
	PersonID     string `json:"person_id"`
	TargetID     string `json:"target_id"`
	Reason       string `json:"reason"`
}

func (s *Server) listIntroductions(c *gin.Context) {
	offset, limit, err := page(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	status := graph.IntroStatus(c.Query("status"))
	if status != "" && !status.Valid() {
		s.Error(c, graph.FieldErrorf("status", "Unknown status %q.", status))
		return
	}
	l, total, err := s.store.FindIntroductions(c, ws(c), graph.IntroductionFilter{PersonID: c.Query("person_id"),
		Status: status, Offset: offset, Limit: limit})
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(l, total, offset, limit))
}

func (s *Server) createIntroduction(c *gin.Context) {
	var in introductionInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	intro := ask.NewIntroduction(asker(c), ask.IntroductionRequest{IntroducerID: in.IntroducerID, PersonID: in.PersonID,
		TargetID: in.TargetID, Reason: in.Reason})
	if err := s.store.CreateIntroduction(c, intro); err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusCreated, intro)
}

func (s *Server) getIntroduction(c *gin.Context) {
	id, err := idParam(c, "introduction_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	intro, err := s.store.FindIntroduction(c, ws(c), id)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, intro)
}

type introductionUpdate struct {
	Status  *graph.IntroStatus `json:"status"`
	Outcome *string            `json:"outcome"`
	Reason  *string            `json:"reason"`
	At      *Date              `json:"at"`
}

// updateIntroduction marks an introduction made (creating the tie it
// produced), accepted or declined, or records its outcome.
func (s *Server) updateIntroduction(c *gin.Context) {
	id, err := idParam(c, "introduction_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	var in introductionUpdate
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	intro, err := s.store.UpdateIntroduction(c, ws(c), id, graph.IntroductionUpdate{Status: in.Status,
		Outcome: in.Outcome, Reason: in.Reason, At: datePtr(in.At)})
	if err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.JSON(http.StatusOK, intro)
}

func (s *Server) deleteIntroduction(c *gin.Context) {
	id, err := idParam(c, "introduction_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	if err := s.store.DeleteIntroduction(c, ws(c), id); err != nil {
		s.Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
