package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph/ask"
	"github.com/nexohq/nexo/graph/i18n"
)

// The questions Nexo answers (graph/ask), read from the query string. Each
// handler reads and checks its parameters, asks, and writes the answer.

// asker is the caller as graph/ask knows them, with the language to answer
// in: ?lang=, else Accept-Language, else the member's own locale.
func asker(c *gin.Context) ask.Asker {
	p := who(c)
	return ask.Asker{WorkspaceID: ws(c), User: p.User, Words: words(c)}
}

// words is the language of the caller's answers.
func words(c *gin.Context) *i18n.Printer {
	if l := c.Query("lang"); i18n.Supported(l) {
		return i18n.For(l)
	}
	if l := c.GetHeader("Accept-Language"); i18n.Supported(firstLanguage(l)) {
		return i18n.For(l)
	}
	return i18n.For(who(c).User.Locale)
}

// firstLanguage is the first tag of an Accept-Language header.
func firstLanguage(h string) string {
	for i, r := range h {
		if r == ',' || r == ';' {
			return h[:i]
		}
	}
	return h
}

// network returns the workspace's analytics network, building it if needed.
func (s *Server) network(c *gin.Context) (*analytics.Network, Freshness, bool) {
	net, f, err := s.live.Network(c, ws(c))
	if err != nil {
		s.Error(c, err)
		return nil, f, false
	}
	return net, f, true
}

// answer writes a question's answer, or its error.
func (s *Server) answer(c *gin.Context, v any, err error) {
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// introPaths answers "who can introduce me to …": to=PERSON, org=ORG (id or
// name) or q=TEXT (with optional title, tag, skill, location filters).
func (s *Server) introPaths(c *gin.Context) {
	a, err := s.answerIntroPaths(c)
	s.answer(c, a, err)
}

// answerIntroPaths reads an intro-path question from the query and answers
// it; the JSON route and the diagram (maps.go) share it.
func (s *Server) answerIntroPaths(c *gin.Context) (*ask.IntroPathsAnswer, error) {
	k, err := queryInt(c, "k", analytics.DefaultK, 1, ask.MaxK)
	if err != nil {
		return nil, err
	}
	hops, err := queryInt(c, "max_hops", analytics.DefaultMaxHops, 1, analytics.MaxPathHops)
	if err != nil {
		return nil, err
	}
	q := ask.IntroPathsQuestion{To: c.Query("to"), Org: c.Query("org"), From: c.Query("from"), K: k, MaxHops: hops,
		Query: analytics.PersonQuery{Text: c.Query("q"), Title: c.Query("title"), Tag: c.Query("tag"),
			Skill: c.Query("skill"), Location: c.Query("location")}}
	return s.ask.IntroPaths(c, asker(c), q)
}

// brokers ranks the people who bridge the most.
func (s *Server) brokers(c *gin.Context) {
	limit, err := queryInt(c, "limit", ask.DefaultLimit, 1, ask.MaxLimit)
	if err != nil {
		s.Error(c, err)
		return
	}
	a, err := s.ask.Brokers(c, asker(c), limit)
	s.answer(c, a, err)
}

// weakTies lists local bridges, the widest spans first, optionally those of
// one person.
func (s *Server) weakTies(c *gin.Context) {
	limit, err := queryInt(c, "limit", 50, 1, 1000)
	if err != nil {
		s.Error(c, err)
		return
	}
	a, err := s.ask.WeakTies(c, asker(c), c.Query("person_id"), limit)
	s.answer(c, a, err)
}

// communities lists the circles of the network, largest first.
func (s *Server) communities(c *gin.Context) {
	a, err := s.ask.Communities(c, asker(c))
	s.answer(c, a, err)
}

// strengths explains every tie of a person, strongest first.
func (s *Server) strengths(c *gin.Context) {
	id, err := idParam(c, "person_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	a, err := s.ask.Strengths(c, asker(c), id)
	s.answer(c, a, err)
}

// dormant lists my dormant high-value ties.
func (s *Server) dormant(c *gin.Context) {
	days, err := queryInt(c, "days", ask.DefaultDays, 1, ask.MaxDays)
	if err != nil {
		s.Error(c, err)
		return
	}
	limit, err := queryInt(c, "limit", ask.DefaultLimit, 1, ask.MaxLimit)
	if err != nil {
		s.Error(c, err)
		return
	}
	a, err := s.ask.Dormant(c, asker(c), days, limit)
	s.answer(c, a, err)
}

// brokerOpportunities lists introductions I (or my team) could make.
func (s *Server) brokerOpportunities(c *gin.Context) {
	limit, err := queryInt(c, "limit", ask.DefaultLimit, 1, 200)
	if err != nil {
		s.Error(c, err)
		return
	}
	a, err := s.ask.BrokerOpportunities(c, asker(c), c.Query("from"), limit)
	s.answer(c, a, err)
}

// jobSearch ranks whom to approach about openings at an organisation.
func (s *Server) jobSearch(c *gin.Context) {
	limit, err := queryInt(c, "limit", ask.DefaultLimit, 1, 200)
	if err != nil {
		s.Error(c, err)
		return
	}
	a, err := s.ask.JobSearch(c, asker(c), c.Query("org"), limit)
	s.answer(c, a, err)
}

// ledger lists my give/get balance with each contact, those I owe most first.
func (s *Server) ledger(c *gin.Context) {
	a, err := s.ask.Ledger(c, asker(c))
	s.answer(c, a, err)
}

// analyticsStatus says how fresh the workspace's analytics are.
func (s *Server) analyticsStatus(c *gin.Context) {
	f, built := s.live.Status(ws(c))
	c.JSON(http.StatusOK, gin.H{"built": built, "freshness": f})
}

// refreshAnalytics starts a full reload and returns its job.
func (s *Server) refreshAnalytics(c *gin.Context) {
	id, err := s.live.Refresh(c, ws(c))
	if err != nil {
		s.Error(c, err)
		return
	}
	j, err := s.jobs.Get(c, ws(c), id)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.Header("Location", "/api/v1/jobs/"+j.ID)
	c.JSON(http.StatusAccepted, j)
}
