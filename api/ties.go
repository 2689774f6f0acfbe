package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
)

type tieInput struct {
	PersonA  string   `json:"person_a"`
	PersonB  string   `json:"person_b"`
	Since    *Date    `json:"since"`
	Strength *float64 `json:"strength"`
	Context  string   `json:"context"`
}

func (s *Server) listTies(c *gin.Context) {
	offset, limit, err := page(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	ties, total, err := s.store.FindTies(c, ws(c), graph.TieFilter{PersonID: c.Query("person_id"),
		OtherID: c.Query("other_id"), Offset: offset, Limit: limit})
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(ties, total, offset, limit))
}

func (s *Server) createTie(c *gin.Context) {
	var in tieInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	t := &graph.Tie{WorkspaceID: ws(c), PersonA: in.PersonA, PersonB: in.PersonB, Strength: in.Strength,
		Context: in.Context, Source: graph.TieManual}
	if in.Since != nil {
		t.Since = in.Since.Time
	}
	if err := s.store.CreateTie(c, t); err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.JSON(http.StatusCreated, t)
}

func (s *Server) getTie(c *gin.Context) {
	id, err := idParam(c, "tie_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	t, err := s.store.FindTie(c, ws(c), id)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

type tieUpdate struct {
	Since         *Date    `json:"since"`
	Strength      *float64 `json:"strength"`
	ClearStrength bool     `json:"clear_strength"`
	Context       *string  `json:"context"`
}

func (s *Server) updateTie(c *gin.Context) {
	id, err := idParam(c, "tie_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	var in tieUpdate
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	t, err := s.store.UpdateTie(c, ws(c), id, graph.TieUpdate{Since: datePtr(in.Since), Strength: in.Strength,
		ClearStrength: in.ClearStrength, Context: in.Context})
	if err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.JSON(http.StatusOK, t)
}

func (s *Server) deleteTie(c *gin.Context) {
	id, err := idParam(c, "tie_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	if err := s.store.DeleteTie(c, ws(c), id); err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.Status(http.StatusNoContent)
}

// Ledger is the give/get balance of a tie: favours each side did for the other.
type Ledger struct {
	TieID    string        `json:"tie_id"`
	PersonA  string        `json:"person_a"`
	PersonB  string        `json:"person_b"`
	ByA      int           `json:"favours_by_a"` // favours person_a did for person_b
	ByB      int           `json:"favours_by_b"`
	Balance  int           `json:"balance"` // by_a − by_b: positive, b owes a
	Favours  []LedgerEntry `json:"favours"`
	Summary  string        `json:"summary"`
	LastGive time.Time     `json:"last_favour_at,omitzero"`
}

// LedgerEntry is one favour.
type LedgerEntry struct {
	InteractionID string    `json:"interaction_id"`
	At            time.Time `json:"at"`
	GiverID       string    `json:"giver_id"`
	Notes         string    `json:"notes,omitempty"` // only the caller's own
}

func (s *Server) tieLedger(c *gin.Context) {
	id, err := idParam(c, "tie_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	t, err := s.store.FindTie(c, ws(c), id)
	if err != nil {
		s.Error(c, err)
		return
	}
	l := Ledger{TieID: t.ID, PersonA: t.PersonA, PersonB: t.PersonB, Favours: []LedgerEntry{}}
	for _, kind := range []graph.InteractionKind{graph.KindFavourGiven, graph.KindFavourReceived} {
		for offset := 0; ; offset += graph.MaxLimit {
			is, total, err := s.store.FindInteractions(c, ws(c), graph.InteractionFilter{PersonID: t.PersonA,
				OtherID: t.PersonB, Kind: kind, Offset: offset, Limit: graph.MaxLimit})
			if err != nil {
				s.Error(c, err)
				return
			}
			for _, i := range is {
				e := LedgerEntry{InteractionID: i.ID, At: i.At, GiverID: i.InitiatorID}
				if i.LoggedBy == who(c).User.ID {
					e.Notes = i.Notes
				}
				switch i.InitiatorID {
				case t.PersonA:
					l.ByA++
				case t.PersonB:
					l.ByB++
				}
				if i.At.After(l.LastGive) {
					l.LastGive = i.At
				}
				l.Favours = append(l.Favours, e)
			}
			if offset+len(is) >= total {
				break
			}
		}
	}
	l.Balance = l.ByA - l.ByB
	switch {
	case l.Balance > 0:
		l.Summary = "person_b owes person_a"
	case l.Balance < 0:
		l.Summary = "person_a owes person_b"
	default:
		l.Summary = "balanced"
	}
	c.JSON(http.StatusOK, l)
}
