package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
)

// meView is what GET /me returns.
type meView struct {
	User      *graph.User      `json:"user"`
	Person    *graph.Person    `json:"person,omitempty"`
	Workspace *graph.Workspace `json:"workspace"`
	Token     *graph.Token     `json:"token"`
}

func (s *Server) getMe(c *gin.Context) {
	p := who(c)
	v := meView{User: p.User, Token: p.Token}
	var err error
	if v.Workspace, err = s.store.FindWorkspace(c, ws(c)); err != nil {
		s.Error(c, err)
		return
	}
	if p.User.PersonID != "" {
		if v.Person, err = s.store.FindPerson(c, ws(c), p.User.PersonID); err != nil {
			s.Error(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, v)
}

func (s *Server) listMembers(c *gin.Context) {
	users, err := s.store.FindUsers(c, ws(c))
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(users, len(users), 0, len(users)))
}

type memberInput struct {
	Name     string     `json:"name"`
	Email    string     `json:"email"`
	Role     graph.Role `json:"role"`
	PersonID string     `json:"person_id"`
	Locale   string     `json:"locale"`
	TimeZone string     `json:"time_zone"`
}

// createMember adds a member (owners only). Without person_id, a person for
// the member is created, so they have a "me" to start paths from.
func (s *Server) createMember(c *gin.Context) {
	var in memberInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	u := &graph.User{WorkspaceID: ws(c), Name: in.Name, Email: in.Email, Role: in.Role, PersonID: in.PersonID,
		Locale: in.Locale, TimeZone: in.TimeZone}
	if u.Role == "" {
		u.Role = graph.RoleMember
	}
	if err := u.Validate(); err != nil {
		s.Error(c, err)
		return
	}
	if u.PersonID == "" {
		p := &graph.Person{WorkspaceID: ws(c), Name: in.Name, Source: "member"}
		if in.Email != "" {
			p.Emails = []string{in.Email}
		}
		if err := s.store.CreatePerson(c, p); err != nil {
			s.Error(c, err)
			return
		}
		u.PersonID = p.ID
	}
	if err := s.store.CreateUser(c, u); err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.JSON(http.StatusCreated, u)
}

func (s *Server) getMember(c *gin.Context) {
	id, err := idParam(c, "user_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	u, err := s.store.FindUser(c, ws(c), id)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

// updateMember changes a member: anyone their own profile, owners anyone's
// and roles.
func (s *Server) updateMember(c *gin.Context) {
	id, err := idParam(c, "user_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	var upd graph.UserUpdate
	if err := bind(c, &upd); err != nil {
		s.Error(c, err)
		return
	}
	me := who(c).User
	if me.Role != graph.RoleOwner && (id != me.ID || upd.Role != nil) {
		s.Error(c, graph.Errorf(graph.EFORBIDDEN, "Only owners can change other members or roles."))
		return
	}
	if id == me.ID && upd.Role != nil && *upd.Role != graph.RoleOwner && s.lastOwner(c, id) {
		s.Error(c, graph.Errorf(graph.ECONFLICT, "The last owner cannot give up the owner role."))
		return
	}
	u, err := s.store.UpdateUser(c, ws(c), id, upd)
	if err != nil {
		s.Error(c, err)
		return
	}
	s.auth.forget("", id)
	s.changed(ws(c))
	c.JSON(http.StatusOK, u)
}

// lastOwner reports whether id is the workspace's only owner.
func (s *Server) lastOwner(c *gin.Context, id string) bool {
	users, err := s.store.FindUsers(c, ws(c))
	if err != nil {
		return true
	}
	for _, u := range users {
		if u.Role == graph.RoleOwner && u.ID != id {
			return false
		}
	}
	return true
}

func (s *Server) deleteMember(c *gin.Context) {
	id, err := idParam(c, "user_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	if _, err := s.store.FindUser(c, ws(c), id); err != nil {
		s.Error(c, err)
		return
	}
	if s.lastOwner(c, id) && who(c).User.ID == id {
		s.Error(c, graph.Errorf(graph.ECONFLICT, "The last owner cannot leave the workspace."))
		return
	}
	if err := s.store.DeleteUser(c, ws(c), id); err != nil {
		s.Error(c, err)
		return
	}
	s.auth.forget("", id)
	s.changed(ws(c))
	c.Status(http.StatusNoContent)
}

// tokenCreated is the one response that shows a token's secret.
type tokenCreated struct {
	*graph.Token
	Secret string `json:"secret"`
}

type tokenInput struct {
	Name   string `json:"name"`
	UserID string `json:"user_id"` // owners may create tokens for other members
}

func (s *Server) listTokens(c *gin.Context) {
	p := who(c)
	userID := p.User.ID
	if p.User.Role == graph.RoleOwner {
		userID = c.Query("user_id") // owners see every token unless they filter
	}
	l, err := s.store.FindTokens(c, ws(c), userID)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(l, len(l), 0, len(l)))
}

func (s *Server) createToken(c *gin.Context) {
	var in tokenInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	p := who(c)
	if in.UserID == "" {
		in.UserID = p.User.ID
	}
	if in.UserID != p.User.ID && p.User.Role != graph.RoleOwner {
		s.Error(c, graph.Errorf(graph.EFORBIDDEN, "Only owners can create tokens for other members."))
		return
	}
	secret, shown, hash := graph.NewTokenSecret()
	t := &graph.Token{WorkspaceID: ws(c), UserID: in.UserID, Name: in.Name, Prefix: shown, Hash: hash}
	if err := s.store.CreateToken(c, t); err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusCreated, tokenCreated{Token: t, Secret: secret})
}

func (s *Server) revokeToken(c *gin.Context) {
	id, err := idParam(c, "token_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	p := who(c)
	if p.User.Role != graph.RoleOwner {
		mine, err := s.store.FindTokens(c, ws(c), p.User.ID)
		if err != nil {
			s.Error(c, err)
			return
		}
		found := false
		for _, t := range mine {
			found = found || t.ID == id
		}
		if !found {
			s.Error(c, graph.NotFound("token"))
			return
		}
	}
	if err := s.store.RevokeToken(c, ws(c), id); err != nil {
		s.Error(c, err)
		return
	}
	s.auth.forget(id, "")
	c.Status(http.StatusNoContent)
}
