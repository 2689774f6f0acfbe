package api

import (
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
)

// The questions Nexo answers, from the workspace's analytics network.

// sources returns the people paths start from: the caller's own person, or
// with from=team every member's.
func (s *Server) sources(c *gin.Context, net *analytics.Network) ([]int32, error) {
	switch from := c.DefaultQuery("from", "me"); from {
	case "me":
		me := net.Index(who(c).User.PersonID)
		if me < 0 {
			return nil, graph.FieldErrorf("from", "You have no own person in this workspace; use from=team.")
		}
		return []int32{me}, nil
	case "team":
		var out []int32
		for _, m := range net.Snapshot().Members {
			if m.Person >= 0 {
				out = append(out, m.Person)
			}
		}
		if len(out) == 0 {
			return nil, graph.FieldErrorf("from", "No member of this workspace has an own person.")
		}
		return out, nil
	default:
		return nil, &graph.Error{Code: ebadrequest, Field: "from", Message: "from must be me or team."}
	}
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

type introPathsResponse struct {
	Target    map[string]any        `json:"target"`
	Paths     []analytics.IntroPath `json:"paths"`
	Freshness Freshness             `json:"freshness"`
}

// introPathsAnswer is an answered intro-path question: the JSON body, and
// the network and options the diagram needs besides.
type introPathsAnswer struct {
	introPathsResponse
	net     *analytics.Network
	sources []int32
	opt     analytics.PathOptions
}

// introPaths answers "who can introduce me to …": to=PERSON, org=ORG (id or
// name) or q=TEXT (with optional title, tag, skill, location filters).
func (s *Server) introPaths(c *gin.Context) {
	a, err := s.answerIntroPaths(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, a.introPathsResponse)
}

// answerIntroPaths reads an intro-path question from the query and answers
// it; the JSON route and the diagram (maps.go) share it.
func (s *Server) answerIntroPaths(c *gin.Context) (*introPathsAnswer, error) {
	k, err := queryInt(c, "k", analytics.DefaultK, 1, 20)
	if err != nil {
		return nil, err
	}
	hops, err := queryInt(c, "max_hops", analytics.DefaultMaxHops, 1, analytics.MaxPathHops)
	if err != nil {
		return nil, err
	}
	to, org := c.Query("to"), c.Query("org")
	q := analytics.PersonQuery{Text: c.Query("q"), Title: c.Query("title"), Tag: c.Query("tag"),
		Skill: c.Query("skill"), Location: c.Query("location")}
	isQuery := q != (analytics.PersonQuery{})
	n := 0
	for _, set := range []bool{to != "", org != "", isQuery} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, &graph.Error{Code: ebadrequest, Field: "to",
			Message: "Give exactly one target: to (a person id), org (an organization id or name) or q (text, with title, tag, skill, location)."}
	}
	net, fresh, err := s.live.Network(c, ws(c))
	if err != nil {
		return nil, err
	}
	srcs, err := s.sources(c, net)
	if err != nil {
		return nil, err
	}
	a := &introPathsAnswer{introPathsResponse: introPathsResponse{Freshness: fresh}, net: net, sources: srcs,
		opt: analytics.PathOptions{K: k, MaxHops: hops}}
	res := &a.introPathsResponse
	switch {
	case to != "":
		t := int32(-1)
		if graph.ValidID(to) {
			t = net.Index(to)
		}
		if t < 0 {
			return nil, graph.Errorf(graph.ENOTFOUND, "Person not found.")
		}
		res.Target = map[string]any{"person_id": to, "name": net.Name(t)}
		res.Paths = net.IntroPaths(srcs, t, a.opt)
	case org != "":
		o, found := findOrg(net, org)
		if !found {
			return nil, graph.Errorf(graph.ENOTFOUND, "Organization not found.")
		}
		res.Target = map[string]any{"organization_id": o.ID, "name": o.Name}
		res.Paths = net.IntroPathsToOrg(srcs, o.ID, a.opt)
	default:
		res.Target = map[string]any{"query": q}
		res.Paths = net.IntroPathsToMatches(srcs, q, a.opt)
	}
	if res.Paths == nil {
		res.Paths = []analytics.IntroPath{}
	}
	return a, nil
}

// findOrg finds an organisation of the snapshot by id, or by name
// (case-insensitively, exact first, then the shortest containing name).
func findOrg(net *analytics.Network, key string) (graph.SnapOrganization, bool) {
	orgs := net.Snapshot().Organizations
	for _, o := range orgs {
		if o.ID == key {
			return o, true
		}
	}
	k := strings.ToLower(strings.TrimSpace(key))
	best := -1
	for i, o := range orgs {
		name := strings.ToLower(o.Name)
		if name == k {
			return o, true
		}
		if strings.Contains(name, k) && (best < 0 || len(o.Name) < len(orgs[best].Name)) {
			best = i
		}
	}
	if best >= 0 && k != "" {
		return orgs[best], true
	}
	return graph.SnapOrganization{}, false
}

// Broker is a person's brokerage: structural holes and betweenness.
type Broker struct {
	PersonID string `json:"person_id"`
	Name     string `json:"name"`
	analytics.Holes
	Betweenness     float64                 `json:"betweenness"`
	BetweennessNorm float64                 `json:"betweenness_norm"`
	Circles         []analytics.CircleReach `json:"circles"`
}

type brokersResponse struct {
	Brokers          []Broker  `json:"brokers"`
	BetweennessExact bool      `json:"betweenness_exact"`
	BetweennessBound float64   `json:"betweenness_epsilon,omitempty"`
	Freshness        Freshness `json:"freshness"`
}

// brokers ranks the people who bridge the most: by normalised betweenness,
// then effective size.
func (s *Server) brokers(c *gin.Context) {
	limit, err := queryInt(c, "limit", 20, 1, 500)
	if err != nil {
		s.Error(c, err)
		return
	}
	net, fresh, ok := s.network(c)
	if !ok {
		return
	}
	btw := net.Betweenness()
	order := make([]int32, net.Len())
	for i := range order {
		order[i] = int32(i)
	}
	sort.SliceStable(order, func(a, b int) bool { return btw.Normalized[order[a]] > btw.Normalized[order[b]] })
	order = order[:min(limit, len(order))]
	holes := net.StructuralHoles()
	res := brokersResponse{BetweennessExact: btw.Exact, BetweennessBound: btw.Epsilon, Freshness: fresh, Brokers: []Broker{}}
	for _, p := range order {
		res.Brokers = append(res.Brokers, Broker{PersonID: net.ID(p), Name: net.Name(p), Holes: holes[p],
			Betweenness: btw.Values[p], BetweennessNorm: btw.Normalized[p], Circles: net.CirclesBridged(p)})
	}
	c.JSON(http.StatusOK, res)
}

type weakTie struct {
	analytics.LocalBridge
	SourceName string  `json:"source_name"`
	TargetName string  `json:"target_name"`
	Strength   float64 `json:"strength"`
	Overlap    float64 `json:"overlap"`
}

// weakTies lists local bridges (ties whose ends share no contact), the
// widest spans first, optionally those of one person.
func (s *Server) weakTies(c *gin.Context) {
	limit, err := queryInt(c, "limit", 50, 1, 1000)
	if err != nil {
		s.Error(c, err)
		return
	}
	net, fresh, ok := s.network(c)
	if !ok {
		return
	}
	person := int32(-1)
	if id := c.Query("person_id"); id != "" {
		if person = net.Index(id); person < 0 {
			s.Error(c, graph.Errorf(graph.ENOTFOUND, "Person not found."))
			return
		}
	}
	var out []weakTie
	for _, lb := range net.LocalBridges() {
		if person >= 0 && lb.A != person && lb.B != person {
			continue
		}
		_, _, st := net.Tie(lb.Tie)
		out = append(out, weakTie{LocalBridge: lb, SourceName: net.Name(lb.A), TargetName: net.Name(lb.B),
			Strength: st, Overlap: net.Overlap(lb.Tie)})
	}
	// Widest span first (no other path at all counts as widest), then weakest.
	sort.SliceStable(out, func(a, b int) bool {
		sa, sb := spanRank(out[a].Span), spanRank(out[b].Span)
		if sa != sb {
			return sa > sb
		}
		return out[a].Strength < out[b].Strength
	})
	total := len(out)
	out = out[:min(limit, len(out))]
	if out == nil {
		out = []weakTie{}
	}
	c.JSON(http.StatusOK, gin.H{"weak_ties": out, "total": total, "freshness": fresh})
}

func spanRank(s analytics.Span) int {
	if s == analytics.NoSpan {
		return 1 << 30
	}
	return int(s)
}

type communityView struct {
	analytics.Circle
	Top []map[string]string `json:"top_members"`
}

// communities lists the circles of the network (Louvain), largest first,
// with their best-connected members.
func (s *Server) communities(c *gin.Context) {
	net, fresh, ok := s.network(c)
	if !ok {
		return
	}
	comm := net.Communities()
	out := []communityView{}
	for _, circle := range comm.Circles {
		members := slices.Clone(circle.Members)
		sort.SliceStable(members, func(a, b int) bool { return net.Degree(members[a]) > net.Degree(members[b]) })
		v := communityView{Circle: circle, Top: []map[string]string{}}
		for _, m := range members[:min(5, len(members))] {
			v.Top = append(v.Top, map[string]string{"person_id": net.ID(m), "name": net.Name(m)})
		}
		out = append(out, v)
	}
	c.JSON(http.StatusOK, gin.H{"communities": out, "modularity": comm.Modularity, "freshness": fresh})
}

// strengths explains every tie of a person, strongest first.
func (s *Server) strengths(c *gin.Context) {
	id, err := idParam(c, "person_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	net, fresh, ok := s.network(c)
	if !ok {
		return
	}
	p := net.Index(id)
	if p < 0 {
		s.Error(c, graph.Errorf(graph.ENOTFOUND, "Person not found."))
		return
	}
	out := []tieView{}
	for _, q := range net.Neighbors(p) {
		e := net.TieBetween(p, q)
		out = append(out, tieView{PersonID: net.ID(q), Name: net.Name(q), TieStrength: net.ExplainTie(e)})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Strength > out[b].Strength })
	c.JSON(http.StatusOK, gin.H{"person_id": id, "name": net.Name(p), "ties": out,
		"circles": net.CirclesBridged(p), "freshness": fresh})
}

type tieView struct {
	PersonID string `json:"person_id"`
	Name     string `json:"name"`
	analytics.TieStrength
}

// dormant lists my dormant high-value ties.
func (s *Server) dormant(c *gin.Context) {
	days, err := queryInt(c, "days", 180, 1, 3650)
	if err != nil {
		s.Error(c, err)
		return
	}
	limit, err := queryInt(c, "limit", 20, 1, 500)
	if err != nil {
		s.Error(c, err)
		return
	}
	net, fresh, ok := s.network(c)
	if !ok {
		return
	}
	me := net.Index(who(c).User.PersonID)
	if me < 0 {
		s.Error(c, graph.Errorf(graph.ECONFLICT, "You have no own person in this workspace."))
		return
	}
	l := net.DormantTies(me, analytics.DormantOptions{Threshold: time.Duration(days) * 24 * time.Hour,
		Follows: who(c).User.Follows, Limit: limit})
	if l == nil {
		l = []analytics.DormantTie{}
	}
	c.JSON(http.StatusOK, gin.H{"dormant": l, "threshold_days": days, "freshness": fresh})
}

// brokerOpportunities lists introductions I (or my team) could make.
func (s *Server) brokerOpportunities(c *gin.Context) {
	limit, err := queryInt(c, "limit", 20, 1, 200)
	if err != nil {
		s.Error(c, err)
		return
	}
	net, fresh, ok := s.network(c)
	if !ok {
		return
	}
	egos, err := s.sources(c, net)
	if err != nil {
		s.Error(c, err)
		return
	}
	l := net.BrokerOpportunities(egos, analytics.BrokerOptions{Limit: limit})
	if l == nil {
		l = []analytics.BrokerOpportunity{}
	}
	c.JSON(http.StatusOK, gin.H{"opportunities": l, "freshness": fresh})
}

// jobSearch ranks whom to approach about openings at an organisation
// (Rajkumar et al. 2022: moderately weak ties help most).
func (s *Server) jobSearch(c *gin.Context) {
	org := c.Query("org")
	if org == "" {
		s.Error(c, &graph.Error{Code: ebadrequest, Field: "org", Message: "org (an organization id or name) required."})
		return
	}
	limit, err := queryInt(c, "limit", 20, 1, 200)
	if err != nil {
		s.Error(c, err)
		return
	}
	net, fresh, ok := s.network(c)
	if !ok {
		return
	}
	o, found := findOrg(net, org)
	if !found {
		s.Error(c, graph.Errorf(graph.ENOTFOUND, "Organization not found."))
		return
	}
	me := net.Index(who(c).User.PersonID)
	if me < 0 {
		s.Error(c, graph.Errorf(graph.ECONFLICT, "You have no own person in this workspace."))
		return
	}
	l := net.JobSearch(me, o.ID, analytics.JobSearchOptions{Limit: limit})
	if l == nil {
		l = []analytics.JobLead{}
	}
	c.JSON(http.StatusOK, gin.H{"organization": map[string]string{"id": o.ID, "name": o.Name}, "leads": l,
		"method":    "Rajkumar et al. (Science, 2022): moderately weak ties — a handful of mutual contacts, little interaction — help job mobility most.",
		"freshness": fresh})
}

// ledgerRow is the give/get balance with one contact.
type ledgerRow struct {
	PersonID string    `json:"person_id"`
	Name     string    `json:"name"`
	Given    int       `json:"given"`    // favours I did for them
	Received int       `json:"received"` // favours they did for me
	Balance  int       `json:"balance"`  // given − received: negative, I owe them
	Last     time.Time `json:"last_favour_at"`
}

// ledger lists my give/get balance with each contact, those I owe most first.
func (s *Server) ledger(c *gin.Context) {
	net, fresh, ok := s.network(c)
	if !ok {
		return
	}
	me := net.Index(who(c).User.PersonID)
	if me < 0 {
		s.Error(c, graph.Errorf(graph.ECONFLICT, "You have no own person in this workspace."))
		return
	}
	snap := net.Snapshot()
	rows := map[int32]*ledgerRow{}
	for _, ev := range snap.Events {
		if !ev.Kind.IsFavour() || ev.Initiator == 0 {
			continue
		}
		t := snap.Ties[ev.Tie]
		if t.A != me && t.B != me {
			continue
		}
		other := t.A
		if other == me {
			other = t.B
		}
		r := rows[other]
		if r == nil {
			r = &ledgerRow{PersonID: net.ID(other), Name: net.Name(other)}
			rows[other] = r
		}
		giver := t.A
		if ev.Initiator == 2 {
			giver = t.B
		}
		if giver == me {
			r.Given++
		} else {
			r.Received++
		}
		if at := time.Unix(ev.At, 0).UTC(); at.After(r.Last) {
			r.Last = at
		}
	}
	out := []ledgerRow{}
	for _, r := range rows {
		r.Balance = r.Given - r.Received
		out = append(out, *r)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Balance != out[b].Balance {
			return out[a].Balance < out[b].Balance
		}
		return out[a].PersonID < out[b].PersonID
	})
	c.JSON(http.StatusOK, gin.H{"ledger": out, "freshness": fresh})
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
	c.Header("Location", "/api/v1/jobs/"+id)
	j, _ := s.jobs.get(ws(c), id)
	c.JSON(http.StatusAccepted, j)
}
