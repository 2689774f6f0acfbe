package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
)

// personInput is what a client may set on a person. Company and Position,
// when given on create, record a current employment at that organisation
// (created if the workspace has none of that name), in the same transaction.
type personInput struct {
	Name        string   `json:"name"`
	FirstName   string   `json:"first_name"`
	LastName    string   `json:"last_name"`
	Emails      []string `json:"emails"`
	Phones      []string `json:"phones"`
	LinkedInURL string   `json:"linkedin_url"`
	URLs        []string `json:"urls"`
	Title       string   `json:"title"`
	Location    string   `json:"location"`
	Tags        []string `json:"tags"`
	Skills      []string `json:"skills"`
	Needs       []string `json:"needs"`
	Company     string   `json:"company"`
}

func (s *Server) listPeople(c *gin.Context) {
	offset, limit, err := page(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	f := graph.PersonFilter{Query: c.Query("q"), Name: c.Query("name"), Email: c.Query("email"),
		Company: c.Query("company"), Title: c.Query("title"), Location: c.Query("location"),
		Tag: c.Query("tag"), Skill: c.Query("skill"), Offset: offset, Limit: limit}
	people, total, err := s.store.FindPeople(c, ws(c), f)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(people, total, offset, limit))
}

func (s *Server) createPerson(c *gin.Context) {
	var in personInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	p := &graph.Person{ID: graph.NewID(), WorkspaceID: ws(c), Name: in.Name, FirstName: in.FirstName,
		LastName: in.LastName, Emails: in.Emails, Phones: in.Phones, LinkedInURL: in.LinkedInURL, URLs: in.URLs,
		Title: in.Title, Location: in.Location, Tags: in.Tags, Skills: in.Skills, Needs: in.Needs, Source: "manual"}
	if err := p.Validate(); err != nil {
		s.Error(c, err)
		return
	}
	if company := strings.TrimSpace(in.Company); company != "" {
		b, err := s.personAtCompany(c, p, company)
		if err != nil {
			s.Error(c, err)
			return
		}
		if err := s.store.Upsert(c, ws(c), b, nil); err != nil {
			s.Error(c, err)
			return
		}
	} else if err := s.store.CreatePerson(c, p); err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	created, err := s.store.FindPerson(c, ws(c), p.ID)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusCreated, created)
}

// personAtCompany makes the batch that creates p with a current position at
// the named organisation, reusing the workspace's organisation of that name.
func (s *Server) personAtCompany(c *gin.Context, p *graph.Person, company string) (*graph.Batch, error) {
	b := &graph.Batch{People: []*graph.Person{p}}
	orgs, _, err := s.store.FindOrganizations(c, ws(c), graph.OrganizationFilter{Name: company, Limit: graph.MaxLimit})
	if err != nil {
		return nil, err
	}
	var org *graph.Organization
	for _, o := range orgs {
		if strings.EqualFold(strings.Join(strings.Fields(o.Name), " "), strings.Join(strings.Fields(company), " ")) {
			org = o
		}
	}
	if org == nil {
		org = &graph.Organization{ID: graph.NewID(), Name: company}
		b.Organizations = append(b.Organizations, org)
	}
	b.Employments = []*graph.Employment{{ID: graph.NewID(), PersonID: p.ID, OrganizationID: org.ID, Title: p.Title}}
	return b, nil
}

func (s *Server) getPerson(c *gin.Context) {
	id, err := idParam(c, "person_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	p, err := s.store.FindPerson(c, ws(c), id)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

func (s *Server) updatePerson(c *gin.Context) {
	id, err := idParam(c, "person_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	var upd graph.PersonUpdate
	if err := bind(c, &upd); err != nil {
		s.Error(c, err)
		return
	}
	p, err := s.store.UpdatePerson(c, ws(c), id, upd, true)
	if err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.JSON(http.StatusOK, p)
}

func (s *Server) deletePerson(c *gin.Context) {
	id, err := idParam(c, "person_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	if err := s.store.DeletePersonFor(c, ws(c), id, who(c).User.ID); err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.Status(http.StatusNoContent)
}

// Notes are private: every note route works only on the caller's own notes;
// another member's note is not found.

func (s *Server) listNotes(c *gin.Context) {
	id, err := idParam(c, "person_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	notes, err := s.store.FindNotes(c, ws(c), id, who(c).User.ID)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(notes, len(notes), 0, len(notes)))
}

type noteInput struct {
	Body string `json:"body"`
}

func (s *Server) createNote(c *gin.Context) {
	id, err := idParam(c, "person_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	var in noteInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	n := &graph.Note{WorkspaceID: ws(c), PersonID: id, AuthorID: who(c).User.ID, Body: in.Body}
	if err := s.store.CreateNote(c, n); err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusCreated, n)
}

// ownNote finds a note of the caller's.
func (s *Server) ownNote(c *gin.Context) (*graph.Note, error) {
	id, err := idParam(c, "note_id")
	if err != nil {
		return nil, err
	}
	n, err := s.store.FindNote(c, ws(c), id)
	if err != nil {
		return nil, err
	}
	if n.AuthorID != who(c).User.ID {
		return nil, graph.NotFound("note")
	}
	return n, nil
}

func (s *Server) getNote(c *gin.Context) {
	n, err := s.ownNote(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, n)
}

func (s *Server) updateNote(c *gin.Context) {
	n, err := s.ownNote(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	var in noteInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	if n, err = s.store.UpdateNote(c, ws(c), n.ID, in.Body); err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, n)
}

func (s *Server) deleteNote(c *gin.Context) {
	n, err := s.ownNote(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	if err := s.store.DeleteNote(c, ws(c), n.ID); err != nil {
		s.Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
