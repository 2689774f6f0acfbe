package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/identity"
)

// Duplicates and merges (issue 13): candidates with their evidence, a
// preview, the merge, its undo and the history.
//
// Who may merge: a workspace owner; or a member for two people who are
// both their own contacts: each tied to the member's own person and to no
// other member's (a teammate's contacts are theirs to merge). Viewers
// never. Who may undo: an owner, or the member who merged.

// PersonBrief is a person as a candidate list shows them.
type PersonBrief struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Emails      []string `json:"emails,omitempty"`
	Phones      []string `json:"phones,omitempty"`
	LinkedInURL string   `json:"linkedin_url,omitempty"`
	Title       string   `json:"title,omitempty"`
	Company     string   `json:"company,omitempty"`
	Source      string   `json:"source"`
	UpdatedAt   string   `json:"updated_at"`
}

func brief(p *graph.Person) PersonBrief {
	return PersonBrief{ID: p.ID, Name: p.Name, Emails: p.Emails, Phones: p.Phones, LinkedInURL: p.LinkedInURL,
		Title: p.Title, Company: p.Company, Source: p.Source, UpdatedAt: p.UpdatedAt.Format(time.RFC3339Nano)}
}

// CandidatePair is two people likely to be one, with the evidence.
type CandidatePair struct {
	A         PersonBrief         `json:"a"`
	B         PersonBrief         `json:"b"`
	Score     float64             `json:"score"`
	Exact     bool                `json:"exact"`
	AutoMerge bool                `json:"auto_merge"`
	Evidence  []identity.Evidence `json:"evidence"`
}

// CandidateList is a page of candidate pairs and the clusters they form.
type CandidateList struct {
	Items    []CandidatePair    `json:"items"`
	Clusters []identity.Cluster `json:"clusters"`
	Total    int                `json:"total"`
	Offset   int                `json:"offset"`
	Limit    int                `json:"limit"`
	Compared int                `json:"compared"`
	// Stale says the workspace changed since the pairs were found: they
	// are being found again; meanwhile their people are shown as they are
	// now, and the pairs of people no longer there are left out.
	Stale bool `json:"stale,omitempty"`
}

// peopleDuplicates lists pairs of people likely to be one, best first.
func (s *Server) peopleDuplicates(c *gin.Context) {
	offset, limit, err := page(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	minScore, err := queryFloat(c, "min_score", 0, 0, 1)
	if err != nil {
		s.Error(c, err)
		return
	}
	found, stale, err := s.peopleCandidates(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	res := found.res.AtLeast(minScore)
	out := CandidateList{Items: []CandidatePair{}, Clusters: res.Clusters, Total: len(res.Pairs), Offset: offset,
		Limit: limit, Compared: res.Compared, Stale: stale}
	if out.Clusters == nil {
		out.Clusters = []identity.Cluster{}
	}
	for _, p := range res.Pairs[min(offset, len(res.Pairs)):min(offset+limit, len(res.Pairs))] {
		out.Items = append(out.Items, CandidatePair{A: brief(found.people[p.A]), B: brief(found.people[p.B]), Score: p.Score,
			Exact: p.Exact, AutoMerge: p.AutoMerge, Evidence: p.Evidence})
	}
	c.JSON(http.StatusOK, out)
}

// peopleCandidates returns the workspace's candidate pairs: those found at
// its current version (candidates.go), or found now when there are none
// yet. When the workspace changed since the last were found, they are
// found again in the background and, meanwhile, the last ones are
// returned, stale, with their people read afresh and the pairs of people
// gone (merged, deleted) left out: a merge made from the list shows at
// once.
func (s *Server) peopleCandidates(c *gin.Context) (*candidates, bool, error) {
	w := ws(c)
	version, err := s.store.FeedVersion(c, w)
	if err != nil {
		return nil, false, err
	}
	last := s.candidates.latest(w)
	if last != nil && last.version == version {
		return last, false, nil
	}
	if last != nil {
		s.candidates.refresh(w, func(ctx context.Context) (*candidates, error) { return s.findCandidates(ctx, w, version) })
		current, err := s.currentCandidates(c, w, last)
		return current, true, err
	}
	found, err := s.findCandidates(c, w, version)
	if err != nil {
		return nil, false, err
	}
	s.candidates.put(w, found)
	return found, false, nil
}

// findCandidates finds the workspace's candidate pairs; version is the
// feed's version read before (a write in between makes the next request
// find them again, never serves an old list as new).
func (s *Server) findCandidates(ctx context.Context, w string, version uint64) (*candidates, error) {
	in, people, err := s.identityInput(ctx, w, version)
	if err != nil {
		return nil, err
	}
	found := &candidates{version: version, res: identity.People(in), people: map[string]*graph.Person{}}
	for _, p := range found.res.Pairs {
		found.people[p.A], found.people[p.B] = people[p.A], people[p.B]
	}
	return found, nil
}

// currentCandidates is last with its people as they are now: pairs and
// clusters of people no longer there are left out.
func (s *Server) currentCandidates(ctx context.Context, w string, last *candidates) (*candidates, error) {
	ids := make([]string, 0, len(last.people))
	for id := range last.people {
		ids = append(ids, id)
	}
	now := make(map[string]*graph.Person, len(ids))
	for start := 0; start < len(ids); start += graph.MaxLimit {
		l, _, err := s.store.FindPeople(ctx, w, graph.PersonFilter{IDs: ids[start:min(start+graph.MaxLimit, len(ids))],
			Limit: graph.MaxLimit})
		if err != nil {
			return nil, err
		}
		for _, p := range l {
			now[p.ID] = p
		}
	}
	out := &candidates{version: last.version, people: now, res: identity.Result{Compared: last.res.Compared}}
	for _, p := range last.res.Pairs {
		if now[p.A] != nil && now[p.B] != nil {
			out.res.Pairs = append(out.res.Pairs, p)
		}
	}
	for _, cl := range last.res.Clusters {
		kept := identity.Cluster{Score: cl.Score}
		for _, id := range cl.People {
			if now[id] != nil {
				kept.People = append(kept.People, id)
			}
		}
		if len(kept.People) > 1 {
			out.res.Clusters = append(out.res.Clusters, kept)
		}
	}
	return out, nil
}

// identityInput reads what the finder needs of the workspace at version.
// Who knows whom comes from the analytics network when it holds exactly
// that version: reading the ties from Neo4j is most of the time (11 of 13
// s at 100,000 people and 655,000 ties).
func (s *Server) identityInput(ctx context.Context, w string, version uint64) (identity.Input, map[string]*graph.Person, error) {
	var in identity.Input
	kinds := graph.KindPeople | graph.KindOrganizations | graph.KindEmployments | graph.KindTies
	if f, ok := s.live.Status(w); ok && f.Version == version {
		if net, err := s.live.Current(ctx, w); err == nil && net.Snapshot().Version == version {
			snap := net.Snapshot()
			in.Ties = make([][2]string, 0, len(snap.Ties))
			for _, t := range snap.Ties {
				in.Ties = append(in.Ties, [2]string{snap.People[t.A].ID, snap.People[t.B].ID})
			}
			kinds &^= graph.KindTies
		}
	}
	people := map[string]*graph.Person{}
	err := s.store.Walk(ctx, w, kinds, func(v any) error {
		switch e := v.(type) {
		case *graph.Person:
			in.People = append(in.People, e)
			people[e.ID] = e
		case *graph.Organization:
			in.Organizations = append(in.Organizations, e)
		case *graph.Employment:
			in.Employments = append(in.Employments, e)
		case *graph.Tie:
			in.Ties = append(in.Ties, [2]string{e.PersonA, e.PersonB})
		}
		return nil
	})
	if err != nil {
		return in, nil, err
	}
	users, err := s.store.FindUsers(ctx, w)
	if err != nil {
		return in, nil, err
	}
	for _, u := range users {
		if u.PersonID != "" {
			in.Members = append(in.Members, u.PersonID)
		}
	}
	return in, people, nil
}

// OrgPair is two organisations likely to be one, with the evidence.
type OrgPair struct {
	A        *graph.Organization `json:"a"`
	B        *graph.Organization `json:"b"`
	Score    float64             `json:"score"`
	Exact    bool                `json:"exact"`
	Evidence []identity.Evidence `json:"evidence"`
}

// organizationDuplicates lists pairs of organisations likely to be one.
func (s *Server) organizationDuplicates(c *gin.Context) {
	offset, limit, err := page(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	minScore, err := queryFloat(c, "min_score", 0, 0, 1)
	if err != nil {
		s.Error(c, err)
		return
	}
	var orgs []*graph.Organization
	byID := map[string]*graph.Organization{}
	if err := s.store.Walk(c, ws(c), graph.KindOrganizations, func(v any) error {
		o := v.(*graph.Organization)
		orgs = append(orgs, o)
		byID[o.ID] = o
		return nil
	}); err != nil {
		s.Error(c, err)
		return
	}
	pairs := slices.DeleteFunc(identity.Organizations(orgs), func(p identity.Pair) bool { return p.Score < minScore })
	items := []OrgPair{}
	for _, p := range pairs[min(offset, len(pairs)):min(offset+limit, len(pairs))] {
		items = append(items, OrgPair{A: byID[p.A], B: byID[p.B], Score: p.Score, Exact: p.Exact, Evidence: p.Evidence})
	}
	c.JSON(http.StatusOK, newList(items, len(pairs), offset, limit))
}

// MergePreview is what a merge would do, without doing it.
type MergePreview struct {
	Survivor *graph.Person `json:"survivor"`
	Absorbed *graph.Person `json:"absorbed"`
	Result   *graph.Person `json:"result"`
	Moves    PreviewMoves  `json:"moves"`
	// Allowed says whether the caller may make this merge (see above).
	Allowed bool `json:"allowed"`
}

// PreviewMoves counts what would move to the survivor. Notes counts only
// the caller's own: teammates' notes are private, they move with the
// person unseen.
type PreviewMoves struct {
	Ties          int `json:"ties"`
	Combined      int `json:"combined"`
	Interactions  int `json:"interactions"`
	Introductions int `json:"introductions"`
	YourNotes     int `json:"your_notes"`
	Positions     int `json:"positions"`
}

func (s *Server) previewMerge(c *gin.Context) {
	a, b, err := s.mergePair(c, c.Query("survivor_id"), c.Query("absorbed_id"))
	if err != nil {
		s.Error(c, err)
		return
	}
	p := MergePreview{Survivor: a, Absorbed: b, Result: graph.MergePeople(a, b)}
	p.Result.Company = a.Company
	if p.Result.Company == "" {
		p.Result.Company = b.Company
	}
	if p.Moves, err = s.countMoves(c, a.ID, b.ID); err != nil {
		s.Error(c, err)
		return
	}
	p.Allowed = s.mayMerge(c, a.ID, b.ID) == nil
	c.JSON(http.StatusOK, p)
}

// mergePair reads the two people of a merge.
func (s *Server) mergePair(c *gin.Context, survivorID, absorbedID string) (*graph.Person, *graph.Person, error) {
	if survivorID == "" || absorbedID == "" {
		return nil, nil, graph.FieldErrorf("absorbed_id", "survivor_id and absorbed_id are required.")
	}
	if survivorID == absorbedID {
		return nil, nil, graph.FieldErrorf("absorbed_id", "A person cannot be merged with themselves.")
	}
	var out [2]*graph.Person
	for i, id := range []string{survivorID, absorbedID} {
		if !graph.ValidID(id) {
			return nil, nil, graph.Errorf(graph.ENOTFOUND, "Person not found.")
		}
		p, err := s.store.FindPerson(c, ws(c), id)
		if err != nil {
			return nil, nil, err
		}
		out[i] = p
	}
	return out[0], out[1], nil
}

func (s *Server) countMoves(c *gin.Context, a, b string) (PreviewMoves, error) {
	var m PreviewMoves
	theirs, _, err := s.store.FindTies(c, ws(c), graph.TieFilter{PersonID: b, Limit: graph.MaxLimit})
	if err != nil {
		return m, err
	}
	mine, _, err := s.store.FindTies(c, ws(c), graph.TieFilter{PersonID: a, Limit: graph.MaxLimit})
	if err != nil {
		return m, err
	}
	others := map[string]bool{}
	for _, t := range mine {
		others[t.Other(a)] = true
	}
	for _, t := range theirs {
		switch o := t.Other(b); {
		case o == a:
		case others[o]:
			m.Combined++
		default:
			m.Ties++
		}
	}
	if _, m.Interactions, err = s.store.FindInteractions(c, ws(c), graph.InteractionFilter{PersonID: b, Limit: 1}); err != nil {
		return m, err
	}
	if _, m.Introductions, err = s.store.FindIntroductions(c, ws(c), graph.IntroductionFilter{PersonID: b, Limit: 1}); err != nil {
		return m, err
	}
	notes, err := s.store.FindNotes(c, ws(c), b, who(c).User.ID)
	if err != nil {
		return m, err
	}
	m.YourNotes = len(notes)
	jobs, err := s.store.FindEmployments(c, ws(c), graph.EmploymentFilter{PersonID: b})
	m.Positions = len(jobs)
	return m, err
}

// mayMerge says whether the caller may merge the two people: owners may;
// a member may when both are their own contacts only.
func (s *Server) mayMerge(c *gin.Context, ids ...string) error {
	u := who(c).User
	if u.Role == graph.RoleOwner {
		return nil
	}
	deny := graph.Errorf(graph.EFORBIDDEN, "Only an owner can merge these two: a member merges only people who are their own contacts and no teammate's.")
	if !u.Role.CanWrite() || u.PersonID == "" {
		return deny
	}
	users, err := s.store.FindUsers(c, ws(c))
	if err != nil {
		return err
	}
	members := map[string]bool{}
	for _, m := range users {
		if m.PersonID != "" {
			members[m.PersonID] = true
		}
	}
	for _, id := range ids {
		if members[id] {
			return deny
		}
		ties, _, err := s.store.FindTies(c, ws(c), graph.TieFilter{PersonID: id, Limit: graph.MaxLimit})
		if err != nil {
			return err
		}
		mine := false
		for _, t := range ties {
			o := t.Other(id)
			if o == u.PersonID {
				mine = true
			} else if members[o] {
				return deny
			}
		}
		if !mine {
			return deny
		}
	}
	return nil
}

type mergeInput struct {
	SurvivorID      string `json:"survivor_id"`
	AbsorbedID      string `json:"absorbed_id"`
	SurvivorVersion *Date  `json:"survivor_version"`
	AbsorbedVersion *Date  `json:"absorbed_version"`
}

func (s *Server) createMerge(c *gin.Context) {
	var in mergeInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	if in.SurvivorID == "" || in.AbsorbedID == "" {
		s.Error(c, graph.FieldErrorf("absorbed_id", "survivor_id and absorbed_id are required."))
		return
	}
	if in.SurvivorID == in.AbsorbedID {
		s.Error(c, graph.FieldErrorf("absorbed_id", "A person cannot be merged with themselves."))
		return
	}
	for _, id := range []string{in.SurvivorID, in.AbsorbedID} {
		if !graph.ValidID(id) {
			s.Error(c, graph.Errorf(graph.ENOTFOUND, "Person not found."))
			return
		}
	}
	// For an owner the store alone decides (a person merged away meanwhile
	// is a conflict there); a member's own contacts are checked first.
	if err := s.mayMerge(c, in.SurvivorID, in.AbsorbedID); err != nil {
		s.Error(c, err)
		return
	}
	opt := graph.MergeOptions{By: who(c).User.ID}
	if in.SurvivorVersion != nil {
		opt.SurvivorVersion = in.SurvivorVersion.Time
	}
	if in.AbsorbedVersion != nil {
		opt.AbsorbedVersion = in.AbsorbedVersion.Time
	}
	m, err := s.store.MergePeople(c, ws(c), in.SurvivorID, in.AbsorbedID, opt)
	if err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.JSON(http.StatusCreated, m)
}

func (s *Server) listMerges(c *gin.Context) {
	offset, limit, err := page(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	l, total, err := s.store.FindMerges(c, ws(c), graph.MergeFilter{PersonID: c.Query("person_id"), Offset: offset, Limit: limit})
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(l, total, offset, limit))
}

func (s *Server) getMerge(c *gin.Context) {
	id, err := idParam(c, "merge_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	m, err := s.store.FindMerge(c, ws(c), id)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}

type unmergeInput struct {
	NewTo string `json:"new_to"`
}

func (s *Server) undoMerge(c *gin.Context) {
	id, err := idParam(c, "merge_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	var in unmergeInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	m, err := s.store.FindMerge(c, ws(c), id)
	if err != nil {
		s.Error(c, err)
		return
	}
	if u := who(c).User; u.Role != graph.RoleOwner && (m.By == "" || m.By != u.ID) {
		s.Error(c, graph.Errorf(graph.EFORBIDDEN, "Only an owner or the member who merged can undo a merge."))
		return
	}
	if m, err = s.store.UnmergePeople(c, ws(c), id, graph.UnmergeOptions{By: who(c).User.ID, NewTo: in.NewTo}); err != nil {
		s.Error(c, err)
		return
	}
	s.changed(ws(c))
	c.JSON(http.StatusOK, m)
}
