package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
)

type organizationInput struct {
	Name   string `json:"name"`
	Domain string `json:"domain"`
}

func (s *Server) listOrganizations(c *gin.Context) {
	offset, limit, err := page(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	orgs, total, err := s.store.FindOrganizations(c, ws(c), graph.OrganizationFilter{Name: c.Query("name"),
		Domain: c.Query("domain"), Offset: offset, Limit: limit})
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(orgs, total, offset, limit))
}

func (s *Server) createOrganization(c *gin.Context) {
	var in organizationInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	o := &graph.Organization{WorkspaceID: ws(c), Name: in.Name, Domain: in.Domain}
	if err := s.store.CreateOrganization(c, o); err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.JSON(http.StatusCreated, o)
}

func (s *Server) getOrganization(c *gin.Context) {
	id, err := idParam(c, "organization_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	o, err := s.store.FindOrganization(c, ws(c), id)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}

func (s *Server) updateOrganization(c *gin.Context) {
	id, err := idParam(c, "organization_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	var upd graph.OrganizationUpdate
	if err := bind(c, &upd); err != nil {
		s.Error(c, err)
		return
	}
	o, err := s.store.UpdateOrganization(c, ws(c), id, upd)
	if err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.JSON(http.StatusOK, o)
}

func (s *Server) deleteOrganization(c *gin.Context) {
	id, err := idParam(c, "organization_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	if err := s.store.DeleteOrganization(c, ws(c), id); err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.Status(http.StatusNoContent)
}

type employmentInput struct {
	PersonID       string `json:"person_id"`
	OrganizationID string `json:"organization_id"`
	Title          string `json:"title"`
	Start          *Date  `json:"start"`
	End            *Date  `json:"end"`
}

func (s *Server) listEmployment(c *gin.Context) {
	f := graph.EmploymentFilter{PersonID: c.Query("person_id"), OrganizationID: c.Query("organization_id"),
		CurrentOnly: c.Query("current") == "true"}
	if f.PersonID == "" && f.OrganizationID == "" {
		s.Error(c, &graph.Error{Code: ebadrequest, Field: "person_id", Message: "person_id or organization_id required."})
		return
	}
	l, err := s.store.FindEmployments(c, ws(c), f)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(l, len(l), 0, len(l)))
}

func (s *Server) createEmployment(c *gin.Context) {
	var in employmentInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	e := &graph.Employment{WorkspaceID: ws(c), PersonID: in.PersonID, OrganizationID: in.OrganizationID, Title: in.Title}
	if in.Start != nil {
		e.Start = in.Start.Time
	}
	if in.End != nil {
		e.End = in.End.Time
	}
	if err := s.store.CreateEmployment(c, e); err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.JSON(http.StatusCreated, e)
}

func (s *Server) getEmployment(c *gin.Context) {
	id, err := idParam(c, "employment_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	e, err := s.store.FindEmployment(c, ws(c), id)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, e)
}

type employmentUpdate struct {
	Title *string `json:"title"`
	Start *Date   `json:"start"`
	End   *Date   `json:"end"`
}

func (s *Server) updateEmployment(c *gin.Context) {
	id, err := idParam(c, "employment_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	var in employmentUpdate
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	e, err := s.store.UpdateEmployment(c, ws(c), id, graph.EmploymentUpdate{Title: in.Title,
		Start: datePtr(in.Start), End: datePtr(in.End)})
	if err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.JSON(http.StatusOK, e)
}

func (s *Server) deleteEmployment(c *gin.Context) {
	id, err := idParam(c, "employment_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	if err := s.store.DeleteEmployment(c, ws(c), id); err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.Status(http.StatusNoContent)
}
