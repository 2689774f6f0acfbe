package neo4j

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

// A merge is stored as (:Merge {id, workspaceId, survivorId, absorbedId, ...,
// undo}) where undo is the JSON of mergeUndo: what the two people had, so
// that an unmerge can put both back.
type mergeUndo struct {
	Survivor *graph.Person `json:"survivor"` // before the merge
	Merged   *graph.Person `json:"merged"`   // right after it
	Absorbed *graph.Person `json:"absorbed"`
	// Ties of the absorbed person; Survivor is the survivor's own tie to
	// the same person before the two were combined, if it had one.
	Ties          []undoTie             `json:"ties,omitempty"`
	Between       *graph.Tie            `json:"between,omitempty"` // the tie between the two, deleted
	Interactions  []undoInteraction     `json:"interactions,omitempty"`
	Introductions []undoIntroduction    `json:"introductions,omitempty"`
	Dropped       []*graph.Introduction `json:"dropped,omitempty"` // introductions of both, which one person cannot make
	Notes         []string              `json:"notes,omitempty"`
	Positions     []*graph.Employment   `json:"positions,omitempty"`
	Members       []string              `json:"members,omitempty"`
}

type undoTie struct {
	Tie      *graph.Tie `json:"tie"`
	Survivor *graph.Tie `json:"survivor,omitempty"`
}

type undoInteraction struct {
	ID        string `json:"id"`
	Both      bool   `json:"both,omitempty"`      // the survivor took part too
	Initiator bool   `json:"initiator,omitempty"` // the absorbed reached out
}

type undoIntroduction struct {
	ID   string `json:"id"`
	Role string `json:"role"` // BY, OF or TO
}

func mergeFrom(m map[string]any) *graph.Merge {
	g := &graph.Merge{
		ID: str(m, "id"), WorkspaceID: str(m, "workspaceId"), SurvivorID: str(m, "survivorId"),
		AbsorbedID: str(m, "absorbedId"), AbsorbedName: str(m, "absorbedName"), By: str(m, "by"),
		At: tm(m, "at"), UndoneAt: tm(m, "undoneAt"), UndoneBy: str(m, "undoneBy"),
	}
	g.Auto, _ = m["auto"].(bool)
	_ = json.Unmarshal([]byte(str(m, "moved")), &g.Moved)
	return g
}

// lockMerges serialises merges and unmerges of a workspace: each takes the
// workspace node's write lock first, so a second merge touching the same
// people reads them only once the first has committed (and then finds an
// absorbed person gone: a conflict, not half a merge).
func lockMerges(ctx context.Context, tx neo4j.ManagedTransaction, ws string) error {
	n, err := count(ctx, tx, "MATCH (w:Workspace {id: $ws}) SET w.mergeLock = coalesce(w.mergeLock, 0) + 1 RETURN count(w)",
		map[string]any{"ws": ws})
	if err != nil {
		return err
	} else if n == 0 {
		return notFound("Workspace")
	}
	return nil
}

// mergedPerson explains a person who is not there: merged away (a
// conflict) or never there (not found).
func mergedPerson(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) error {
	l, err := collect(ctx, tx, `MATCH (m:Merge {workspaceId: $ws, absorbedId: $id}) WHERE m.undoneAt IS NULL
		RETURN m {.*} ORDER BY m.at DESC LIMIT 1`, map[string]any{"ws": ws, "id": id}, mergeFrom)
	if err != nil {
		return err
	}
	if len(l) > 0 {
		return &graph.Error{Code: graph.ECONFLICT, Message: "That person was merged into " + l[0].SurvivorID + " meanwhile."}
	}
	return notFound("Person")
}

func findPersonOrMerged(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (*graph.Person, error) {
	p, err := findPerson(ctx, tx, ws, id)
	if graph.ErrorCode(err) == graph.ENOTFOUND {
		return nil, mergedPerson(ctx, tx, ws, id)
	}
	return p, err
}

// MergePeople merges absorbed into survivor in one transaction: the
// absorbed person's ties (combined with the survivor's to the same people),
// interactions, introductions, notes, positions and member link move to the
// survivor, the fields are combined (graph.MergePeople), the absorbed person
// is deleted, and a Merge keeps what an unmerge needs.
func (s *Store) MergePeople(ctx context.Context, ws, survivorID, absorbedID string, opt graph.MergeOptions) (*graph.Merge, error) {
	if survivorID == absorbedID {
		return nil, graph.FieldErrorf("absorbed_id", "A person cannot be merged with themselves.")
	}
	if !graph.ValidID(survivorID) || !graph.ValidID(absorbedID) {
		return nil, notFound("Person")
	}
	now := s.Now()
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Merge, error) {
		if err := lockMerges(ctx, tx, ws); err != nil {
			return nil, err
		}
		a, err := findPersonOrMerged(ctx, tx, ws, survivorID)
		if err != nil {
			return nil, err
		}
		b, err := findPersonOrMerged(ctx, tx, ws, absorbedID)
		if err != nil {
			return nil, err
		}
		if (!opt.SurvivorVersion.IsZero() && !opt.SurvivorVersion.Equal(a.UpdatedAt)) ||
			(!opt.AbsorbedVersion.IsZero() && !opt.AbsorbedVersion.Equal(b.UpdatedAt)) {
			return nil, graph.Errorf(graph.ECONFLICT, "One of the two people changed since the preview; look again before merging.")
		}
		u, err := readMergeUndo(ctx, tx, ws, a, b)
		if err != nil {
			return nil, err
		}
		merged := graph.MergePeople(a, b)
		merged.UpdatedAt = now
		if err := merged.Validate(); err != nil {
			return nil, err
		}
		u.Merged = merged
		m := &graph.Merge{ID: graph.NewID(), WorkspaceID: ws, SurvivorID: a.ID, AbsorbedID: b.ID, AbsorbedName: b.Name,
			By: opt.By, Auto: opt.Auto, At: now}
		if err := applyMerge(ctx, tx, ws, merged, u, &m.Moved); err != nil {
			return nil, err
		}
		if err := createMerge(ctx, tx, m, u); err != nil {
			return nil, err
		}
		changes, err := mergeChanges(ctx, tx, ws, u)
		if err != nil {
			return nil, err
		}
		return m, recordChanges(ctx, tx, ws, changes...)
	})
}

// mergeChanges lists a written merge for the change feed, as the writes it
// is: the absorbed person and their ties, positions and dropped
// introductions go; the survivor, the moved and combined ties, the moved
// positions and the interactions, introductions and members that now name
// the survivor are set. Followers apply them like any write instead of
// reloading the workspace (half a minute at 100,000 people).
func mergeChanges(ctx context.Context, tx neo4j.ManagedTransaction, ws string, u *mergeUndo) ([]graph.Change, error) {
	a, b := u.Survivor.ID, u.Absorbed.ID
	var changes []graph.Change
	var tieIDs []string // of the survivor's ties the merge made or changed
	for _, t := range u.Ties {
		changes = append(changes, graph.TieDeleted(t.Tie))
		if t.Survivor != nil {
			tieIDs = append(tieIDs, t.Survivor.ID)
		} else {
			tieIDs = append(tieIDs, t.Tie.ID)
		}
	}
	if u.Between != nil {
		changes = append(changes, graph.TieDeleted(u.Between))
	}
	for _, e := range u.Positions {
		changes = append(changes, graph.EmploymentDeleted(e))
	}
	for _, in := range u.Dropped {
		changes = append(changes, graph.IntroductionDeleted(in.ID))
	}
	survivor, err := findPerson(ctx, tx, ws, a)
	if err != nil {
		return nil, err
	}
	changes = append(changes, graph.PersonDeleted(b), graph.PersonSet(survivor))
	p := map[string]any{"ws": ws, "a": a, "ties": tieIDs,
		"interactions":  idsOf(u.Interactions, func(i undoInteraction) string { return i.ID }),
		"introductions": idsOf(u.Introductions, func(i undoIntroduction) string { return i.ID })}
	ties, err := collect(ctx, tx, `UNWIND $ties AS id
		MATCH (a:Person)-[t:KNOWS {id: id}]->(b:Person) WHERE a.workspaceId = $ws
		RETURN `+tieReturn, p, tieFrom)
	if err != nil {
		return nil, err
	}
	for _, t := range ties {
		changes = append(changes, graph.TieSet(t))
	}
	for _, e := range u.Positions {
		moved := *e
		moved.PersonID = a
		changes = append(changes, graph.EmploymentSet(&moved))
	}
	inters, err := collect(ctx, tx, `UNWIND $interactions AS id
		MATCH (i:Interaction {id: id}) WHERE i.workspaceId = $ws
		RETURN `+interactionReturn, p, interactionFrom)
	if err != nil {
		return nil, err
	}
	for _, i := range inters {
		changes = append(changes, graph.InteractionSet(i))
	}
	// The introductions that name the survivor now, or its tie in place
	// of the absorbed's.
	intros, err := collect(ctx, tx, `CALL () {
		  UNWIND $introductions AS id
		  MATCH (i:Introduction {id: id}) WHERE i.workspaceId = $ws
		  RETURN i
		  UNION
		  MATCH (i:Introduction {workspaceId: $ws}) WHERE i.tieId IN $ties
		  RETURN i
		}
		RETURN `+introReturn, p, introFrom)
	if err != nil {
		return nil, err
	}
	return appendLinks(ctx, tx, ws, changes, intros, u.Members)
}

// readMergeUndo reads what the absorbed person has, and the survivor's ties
// to the same people.
func readMergeUndo(ctx context.Context, tx neo4j.ManagedTransaction, ws string, a, b *graph.Person) (*mergeUndo, error) {
	u := &mergeUndo{Survivor: a, Absorbed: b}
	p := map[string]any{"ws": ws, "a": a.ID, "b": b.ID}
	members, err := collect(ctx, tx, `MATCH (u:User {workspaceId: $ws})-[:IS]->(p:Person) WHERE p.id IN [$a, $b]
		RETURN {user: u.id, person: p.id}`, p, func(m map[string]any) [2]string { return [2]string{str(m, "user"), str(m, "person")} })
	if err != nil {
		return nil, err
	}
	people := map[string]bool{}
	for _, m := range members {
		people[m[1]] = true
		if m[1] == b.ID {
			u.Members = append(u.Members, m[0])
		}
	}
	if people[a.ID] && people[b.ID] {
		return nil, graph.Errorf(graph.ECONFLICT, "Both are members' own people; a member's person cannot absorb another's.")
	}
	// One pass over the absorbed person's ties, with the survivor's tie to
	// the same person where there is one: a tie that moves as it is needs
	// only its id and ends in the undo record, a combined one all of it.
	type tiePair struct{ theirs, mine *graph.Tie }
	const ends = "t {.*, workspaceId: $ws, personA: p.id, personB: x.id}"
	pairs, err := collect(ctx, tx, `MATCH (q:Person {id: $a}) USING INDEX q:Person(id) WHERE q.workspaceId = $ws
		MATCH (p:Person {id: $b})-[t:KNOWS]-(x:Person) USING INDEX p:Person(id) WHERE p.workspaceId = $ws
		OPTIONAL MATCH (q)-[s:KNOWS]-(x)
		RETURN {theirs: CASE WHEN s IS NULL AND x.id <> $a THEN {id: t.id, workspaceId: $ws, personA: p.id, personB: x.id} ELSE `+ends+` END,
		        mine: CASE WHEN s IS NULL THEN null ELSE s {.*, workspaceId: $ws, personA: q.id, personB: x.id} END}`, p,
		func(m map[string]any) tiePair {
			out := tiePair{theirs: tieFrom(m["theirs"].(map[string]any))}
			if mine, ok := m["mine"].(map[string]any); ok {
				out.mine = tieFrom(mine)
			}
			return out
		})
	if err != nil {
		return nil, err
	}
	for _, t := range pairs {
		if t.theirs.Other(b.ID) == a.ID {
			u.Between = t.theirs
			continue
		}
		u.Ties = append(u.Ties, undoTie{Tie: t.theirs, Survivor: t.mine})
	}
	intros, err := collect(ctx, tx, `MATCH (anchor:Person {id: $b})<-[r:BY|OF|TO]-(i:Introduction) USING INDEX anchor:Person(id) WHERE anchor.workspaceId = $ws AND i.workspaceId = $ws
		RETURN {role: type(r), both: EXISTS { (i)-[:BY|OF|TO]->(:Person {id: $a}) }, intro: `+introReturn+`}`, p,
		func(m map[string]any) map[string]any { return m })
	if err != nil {
		return nil, err
	}
	for _, m := range intros {
		in := introFrom(m["intro"].(map[string]any))
		if both, _ := m["both"].(bool); both {
			u.Dropped = append(u.Dropped, in)
		} else {
			u.Introductions = append(u.Introductions, undoIntroduction{ID: in.ID, Role: str(m, "role")})
		}
	}
	u.Notes, err = collect(ctx, tx, `MATCH (anchor:Person {id: $b})<-[:ABOUT]-(n:Note) USING INDEX anchor:Person(id) WHERE anchor.workspaceId = $ws AND n.workspaceId = $ws RETURN {id: n.id}`, p,
		func(m map[string]any) string { return str(m, "id") })
	if err != nil {
		return nil, err
	}
	u.Positions, err = positionsOf(ctx, tx, ws, b.ID)
	return u, err
}

// combineTies makes one tie of the survivor's and the absorbed's ties to
// the same person: the earlier since, the stronger source (manual, then
// introduced, then imported), the survivor's manual strength or else the
// absorbed's, and both contexts.
func combineTies(mine, theirs *graph.Tie) *graph.Tie {
	c := *mine
	if c.Since.IsZero() || (!theirs.Since.IsZero() && theirs.Since.Before(c.Since)) {
		c.Since = theirs.Since
	}
	rank := map[graph.TieSource]int{graph.TieManual: 3, graph.TieIntroduced: 2, graph.TieImported: 1}
	if rank[theirs.Source] > rank[c.Source] {
		c.Source = theirs.Source
	}
	if c.Strength == nil && theirs.Strength != nil {
		v := *theirs.Strength
		c.Strength = &v
	}
	switch {
	case c.Context == "":
		c.Context = theirs.Context
	case theirs.Context != "" && theirs.Context != c.Context && len(c.Context)+len(theirs.Context)+2 <= graph.MaxTextLen:
		c.Context += "; " + theirs.Context
	}
	return &c
}

// applyMerge writes the merge. Whichever of the two nodes has more
// relationships is kept and takes the survivor's id: moving a relationship
// is a delete and a create, so merging a person with 25,000 into one with
// 50 moves the 50 (and takes the other way round as long).
func applyMerge(ctx context.Context, tx neo4j.ManagedTransaction, ws string, merged *graph.Person, u *mergeUndo, moved *graph.MergeCounts) error {
	a, b := u.Survivor.ID, u.Absorbed.ID
	p := map[string]any{"ws": ws, "a": a, "b": b}
	run := func(q string, params map[string]any) error {
		_, err := tx.Run(ctx, q, params)
		return err
	}
	rec, err := single(ctx, tx, matchSurvivor+matchAbsorbed+"RETURN COUNT { (a)--() } < COUNT { (b)--() }", p)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	keep, gone := "a", "b" // the node kept and the one whose relationships move
	if rec != nil {
		if swap, _ := rec.Values[0].(bool); swap {
			keep, gone = "b", "a"
		}
	}
	// matchBoth finds the kept node as k and the other as g.
	matchBoth := "MATCH (k:Person {id: $" + keep + "}) USING INDEX k:Person(id) WHERE k.workspaceId = $ws\n" +
		"MATCH (g:Person {id: $" + gone + "}) USING INDEX g:Person(id) WHERE g.workspaceId = $ws\n"
	var combine []map[string]any
	var retie []map[string]any // introductions' tieId: absorbed's tie id → the survivor's
	for _, t := range u.Ties {
		if t.Survivor == nil {
			moved.Ties++
			continue
		}
		c := combineTies(t.Survivor, t.Tie)
		combine = append(combine, map[string]any{"x": t.Tie.Other(b), "props": tieParams(c)})
		retie = append(retie, map[string]any{"old": t.Tie.ID, "new": t.Survivor.ID})
	}
	moved.Combined = len(combine)
	// What an unmerge needs of the absorbed person's interactions comes back
	// in one list (not 20,000 records), read while both nodes still have
	// all their links.
	rec, err = single(ctx, tx, matchSurvivor+matchAbsorbed+`MATCH (b)<-[:WITH]-(i:Interaction) WHERE i.workspaceId = $ws
		  WITH i, EXISTS { (i)-[:WITH]->(a) } AS both, coalesce(i.initiatorId = $b, false) AS initiator
		  FOREACH (_ IN CASE WHEN initiator THEN [1] ELSE [] END | SET i.initiatorId = $a)
		  RETURN collect([i.id, both, initiator])`, p)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if rec != nil {
		rows, _ := rec.Values[0].([]any)
		for _, r := range rows {
			v, _ := r.([]any)
			id, _ := v[0].(string)
			bo, _ := v[1].(bool)
			in, _ := v[2].(bool)
			u.Interactions = append(u.Interactions, undoInteraction{ID: id, Both: bo, Initiator: in})
		}
	}
	// The moving node's few links move first, while its relationships are
	// all still there: each query expands it again, and past thousands of
	// deleted ones it would each cost a tenth of a second.
	steps := []struct {
		q      string
		params map[string]any
	}{
		{`UNWIND $ids AS id MATCH (i:Introduction {id: id, workspaceId: $ws}) DETACH DELETE i`,
			with(p, "ids", idsOf(u.Dropped, func(in *graph.Introduction) string { return in.ID }))},
		{matchBoth + `MATCH (g)<-[r:BY|OF|TO]-(i:Introduction) WHERE i.workspaceId = $ws
		  WITH i, r, k, type(r) AS role
		  DELETE r
` + relinkRole("role", "k"), p},
		{matchBoth + `MATCH (g)<-[r:ABOUT]-(n:Note) WHERE n.workspaceId = $ws
		  DELETE r CREATE (n)-[:ABOUT]->(k)`, p},
		{matchBoth + `MATCH (k)<-[:ABOUT]-(n:Note) WHERE n.workspaceId = $ws AND n.personId <> $a
		  SET n.personId = $a`, p},
		{matchBoth + `MATCH (g)-[w:WORKS_AT]->(o:Organization)
		  WITH w, o, k, properties(w) AS props
		  DELETE w
		  CREATE (k)-[n:WORKS_AT]->(o) SET n = props`, p},
		{matchBoth + `MATCH (u:User {workspaceId: $ws})-[r:IS]->(g)
		  DELETE r CREATE (u)-[:IS]->(k)`, p},
		// The moving node's ties to people the kept one does not know move
		// as they are, in one pass; the others (combined, or between the
		// two) go.
		{matchBoth + `MATCH (g)-[t:KNOWS]-(x:Person)
		  WITH k, t, x, $combined[x.id] IS NOT NULL OR x = k AS gone, properties(t) AS props
		  DELETE t
		  FOREACH (_ IN CASE WHEN gone THEN [] ELSE [1] END | CREATE (k)-[n:KNOWS]->(x) SET n = props)`,
			with(p, "combined", setOf(idsOf(combine, func(r map[string]any) string { return r["x"].(string) })))},
		// A combined tie is the kept node's, with the survivor's id.
		{matchBoth + `UNWIND $rows AS row
		  MATCH (x:Person {id: row.x}) USING INDEX x:Person(id) WHERE x.workspaceId = $ws
		  MATCH (k)-[t:KNOWS]-(x)
		  SET t = row.props`, with(p, "rows", combine)},
		{`UNWIND $rows AS row
		  MATCH (i:Introduction {workspaceId: $ws}) WHERE i.tieId IN $olds
		  WITH i, [r IN $rows WHERE r.old = i.tieId][0] AS row
		  SET i.tieId = row.new`, with(with(p, "rows", retie), "olds", idsOf(retie, func(r map[string]any) string { return r["old"].(string) }))},
		// An interaction both took part in keeps the kept node's link.
		{matchBoth + `MATCH (g)<-[w:WITH]-(i:Interaction) WHERE i.workspaceId = $ws
		  WITH k, w, i, EXISTS { (i)-[:WITH]->(k) } AS both
		  DELETE w
		  FOREACH (_ IN CASE WHEN both THEN [] ELSE [1] END | CREATE (i)-[:WITH]->(k))`, p},
		{matchBoth + "DETACH DELETE g", p},
		{"MATCH (k:Person {id: $" + keep + ", workspaceId: $ws}) SET k = $props", with(p, "props", personParams(merged))},
	}
	for _, st := range steps {
		if err := run(st.q, st.params); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
	}
	moved.Interactions, moved.Introductions = len(u.Interactions), len(u.Introductions)
	moved.Notes, moved.Positions, moved.Members = len(u.Notes), len(u.Positions), len(u.Members)
	return nil
}

// matchSurvivor and matchAbsorbed find the two people of a merge (a, b)
// once at the head of a query, rather than once a row.
const (
	matchSurvivor = "MATCH (a:Person {id: $a}) USING INDEX a:Person(id) WHERE a.workspaceId = $ws\n"
	matchAbsorbed = "MATCH (b:Person {id: $b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws\n"
)

func with(p map[string]any, k string, v any) map[string]any {
	c := make(map[string]any, len(p)+1)
	for x, y := range p {
		c[x] = y
	}
	c[k] = v
	return c
}

// relinkRole links introduction i to person variable to in the role named
// by the expression role (BY, OF or TO); relationship types cannot be
// parameters.
func relinkRole(role, to string) string {
	var b strings.Builder
	for _, t := range []string{"BY", "OF", "TO"} {
		fmt.Fprintf(&b, "\nFOREACH (_ IN CASE %s WHEN '%s' THEN [1] ELSE [] END | CREATE (i)-[:%s]->(%s))", role, t, t, to)
	}
	return b.String()
}

// setOf is a set of ids as a map parameter: $set[x.id] is a hash lookup.
func setOf(ids []string) map[string]any {
	m := make(map[string]any, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// idsOf maps a list to its ids.
func idsOf[T any](l []T, id func(T) string) []string {
	ids := make([]string, len(l))
	for i, v := range l {
		ids[i] = id(v)
	}
	return ids
}

func createMerge(ctx context.Context, tx neo4j.ManagedTransaction, m *graph.Merge, u *mergeUndo) error {
	undo, err := packUndo(u)
	if err != nil {
		return err
	}
	moved, _ := json.Marshal(m.Moved)
	_, err = tx.Run(ctx, "CREATE (m:Merge) SET m = $props", map[string]any{"props": sparse(map[string]any{
		"id": m.ID, "workspaceId": m.WorkspaceID, "survivorId": m.SurvivorID, "absorbedId": m.AbsorbedID,
		"absorbedName": m.AbsorbedName, "by": m.By, "auto": m.Auto, "at": tparam(m.At), "moved": string(moved),
		"undoGz": undo,
	})})
	return err
}

// packUndo is the undo record as stored: gzipped JSON. A merge of a person
// with 20,000 interactions keeps 2 MB of JSON, 200 KB gzipped, and every
// byte stored is written at commit.
func packUndo(u *mergeUndo) ([]byte, error) {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if err := json.NewEncoder(zw).Encode(u); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// unpackUndo reads the undo record of a merge: gzipped (undoGz), or plain
// JSON as merges made before kept it (undo).
func unpackUndo(props map[string]any) (*mergeUndo, error) {
	u := &mergeUndo{}
	gz, ok := props["undoGz"].([]byte)
	if !ok {
		return u, json.Unmarshal([]byte(str(props, "undo")), u)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	return u, json.NewDecoder(zr).Decode(u)
}

// FindMerges lists a workspace's merges, newest first.
func (s *Store) FindMerges(ctx context.Context, ws string, f graph.MergeFilter) ([]*graph.Merge, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	params := map[string]any{"ws": ws, "person": f.PersonID, "offset": f.Offset, "limit": f.Limit}
	match := "MATCH (m:Merge {workspaceId: $ws}) WHERE $person = '' OR $person IN [m.survivorId, m.absorbedId]"
	type page struct {
		l     []*graph.Merge
		total int
	}
	res, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (page, error) {
		total, err := count(ctx, tx, match+" RETURN count(m)", params)
		if err != nil {
			return page{}, err
		}
		l, err := collect(ctx, tx, match+" RETURN m {.*, undo: null, undoGz: null} ORDER BY m.at DESC, m.id SKIP $offset LIMIT $limit",
			params, mergeFrom)
		return page{l, total}, err
	})
	return res.l, res.total, err
}

// FindMerge returns a merge.
func (s *Store) FindMerge(ctx context.Context, ws, id string) (*graph.Merge, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Merge, error) {
		m, _, err := findMerge(ctx, tx, ws, id)
		return m, err
	})
}

func findMerge(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (*graph.Merge, *mergeUndo, error) {
	if !graph.ValidID(id) {
		return nil, nil, notFound("Merge")
	}
	rec, err := single(ctx, tx, "MATCH (m:Merge {id: $id, workspaceId: $ws}) RETURN m {.*}", map[string]any{"id": id, "ws": ws})
	if err != nil {
		return nil, nil, err
	} else if rec == nil {
		return nil, nil, notFound("Merge")
	}
	props, _ := rec.Values[0].(map[string]any)
	u, err := unpackUndo(props)
	if err != nil {
		return nil, nil, fmt.Errorf("merge %s: read undo: %w", id, err)
	}
	return mergeFrom(props), u, nil
}

// UnmergePeople undoes a merge in one transaction: the absorbed person
// comes back with what they had (fields, ties, interactions,
// introductions, notes, positions, member link), the survivor gets back its
// fields and its own ties as they were, and what was added to the survivor
// since the merge stays with it or goes to the absorbed (opt.NewTo).
func (s *Store) UnmergePeople(ctx context.Context, ws, id string, opt graph.UnmergeOptions) (*graph.Merge, error) {
	switch opt.NewTo {
	case "":
		opt.NewTo = graph.KeepSurvivor
	case graph.KeepSurvivor, graph.KeepAbsorbed:
	default:
		return nil, graph.FieldErrorf("new_to", "new_to must be survivor or absorbed.")
	}
	now := s.Now()
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*graph.Merge, error) {
		if err := lockMerges(ctx, tx, ws); err != nil {
			return nil, err
		}
		m, u, err := findMerge(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		if !m.UndoneAt.IsZero() {
			return nil, graph.Errorf(graph.ECONFLICT, "This merge was undone already.")
		}
		current, err := findPerson(ctx, tx, ws, m.SurvivorID)
		if graph.ErrorCode(err) == graph.ENOTFOUND {
			if later := mergedPerson(ctx, tx, ws, m.SurvivorID); graph.ErrorCode(later) == graph.ECONFLICT {
				return nil, graph.Errorf(graph.ECONFLICT, "The merged person was merged again since; undo that merge first.")
			}
			return nil, graph.Errorf(graph.ECONFLICT, "The merged person was deleted since; the merge cannot be undone.")
		} else if err != nil {
			return nil, err
		}
		survivor, absorbed := splitSince(u, current, opt.NewTo)
		survivor.UpdatedAt, absorbed.UpdatedAt = now, now
		knew, err := knownBy(ctx, tx, ws, m.SurvivorID)
		if err != nil {
			return nil, err
		}
		if err := applyUnmerge(ctx, tx, ws, m, u, survivor, absorbed, opt.NewTo); err != nil {
			return nil, err
		}
		m.UndoneAt, m.UndoneBy = now, opt.By
		if _, err = tx.Run(ctx, "MATCH (m:Merge {id: $id}) SET m.undoneAt = $at, m.undoneBy = $by",
			map[string]any{"id": m.ID, "at": tparam(now), "by": opt.By}); err != nil {
			return nil, err
		}
		changes, err := unmergeChanges(ctx, tx, ws, m, u, knew)
		if err != nil {
			return nil, err
		}
		return m, recordChanges(ctx, tx, ws, changes...)
	})
}

// appendLinks adds to the changes of a merge or an unmerge the
// introductions and the members (ids) whose links to people it moved.
func appendLinks(ctx context.Context, tx neo4j.ManagedTransaction, ws string, changes []graph.Change,
	intros []*graph.Introduction, members []string) ([]graph.Change, error) {
	for _, in := range intros {
		changes = append(changes, graph.IntroductionSet(in))
	}
	for _, id := range members {
		m, err := findUser(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		changes = append(changes, graph.MemberSet(m))
	}
	return changes, nil
}

// knownBy returns the ids of the people a person has ties with.
func knownBy(ctx context.Context, tx neo4j.ManagedTransaction, ws, id string) (map[string]bool, error) {
	l, err := collect(ctx, tx, `MATCH (a:Person {id: $a}) USING INDEX a:Person(id) WHERE a.workspaceId = $ws
		MATCH (a)-[:KNOWS]-(x:Person) RETURN {id: x.id}`, map[string]any{"ws": ws, "a": id},
		func(m map[string]any) string { return str(m, "id") })
	out := make(map[string]bool, len(l))
	for _, x := range l {
		out[x] = true
	}
	return out, err
}

// unmergeChanges lists a written unmerge for the change feed, read as it
// stands: the two people; the survivor's ties to the people it knew before
// (knew) and knows no longer go; the absorbed person's ties, positions,
// interactions and introductions, and the survivor's restored ties, are
// set; so are the members who are the absorbed person again.
func unmergeChanges(ctx context.Context, tx neo4j.ManagedTransaction, ws string, m *graph.Merge, u *mergeUndo,
	knew map[string]bool) ([]graph.Change, error) {
	a, b := m.SurvivorID, m.AbsorbedID
	knows, err := knownBy(ctx, tx, ws, a)
	if err != nil {
		return nil, err
	}
	var changes []graph.Change
	for x := range knew {
		if !knows[x] {
			changes = append(changes, graph.TieDeleted(&graph.Tie{WorkspaceID: ws, PersonA: a, PersonB: x}))
		}
	}
	for _, id := range []string{a, b} {
		p, err := findPerson(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		changes = append(changes, graph.PersonSet(p))
	}
	var restored []string // the survivor's ties as they were before being combined
	for _, t := range u.Ties {
		if t.Survivor != nil {
			restored = append(restored, t.Survivor.ID)
		}
	}
	p := map[string]any{"ws": ws, "a": a, "b": b, "restored": restored}
	ties, err := collect(ctx, tx, `CALL () {
		  MATCH (p:Person {id: $b}) USING INDEX p:Person(id) WHERE p.workspaceId = $ws
		  MATCH (p)-[t:KNOWS]-(:Person)
		  RETURN t
		  UNION
		  UNWIND $restored AS id
		  MATCH ()-[t:KNOWS {id: id}]->()
		  RETURN t
		}
		MATCH (a:Person)-[t]->(b:Person) WHERE a.workspaceId = $ws
		RETURN `+tieReturn, p, tieFrom)
	if err != nil {
		return nil, err
	}
	for _, t := range ties {
		changes = append(changes, graph.TieSet(t))
	}
	jobs, err := positionsOf(ctx, tx, ws, b)
	if err != nil {
		return nil, err
	}
	for _, e := range jobs {
		changes = append(changes, graph.EmploymentSet(e))
	}
	inters, err := interactionsWith(ctx, tx, ws, b)
	if err != nil {
		return nil, err
	}
	for _, i := range inters {
		changes = append(changes, graph.InteractionSet(i))
	}
	intros, err := collect(ctx, tx, `MATCH (anchor:Person {id: $b})<-[:BY|OF|TO]-(i:Introduction) USING INDEX anchor:Person(id)
		WHERE anchor.workspaceId = $ws AND i.workspaceId = $ws
		WITH DISTINCT i RETURN `+introReturn, p, introFrom)
	if err != nil {
		return nil, err
	}
	return appendLinks(ctx, tx, ws, changes, intros, u.Members)
}

// splitSince returns the two people an unmerge writes: each as they were,
// with what changed on the merged person since the merge given to keep.
func splitSince(u *mergeUndo, current *graph.Person, keep string) (survivor, absorbed *graph.Person) {
	survivor, absorbed = clonePerson(u.Survivor), clonePerson(u.Absorbed)
	to := survivor
	if keep == graph.KeepAbsorbed {
		to = absorbed
	}
	was := u.Merged
	scalar := []struct{ now, then *string }{{&current.Name, &was.Name}, {&current.FirstName, &was.FirstName},
		{&current.LastName, &was.LastName}, {&current.Title, &was.Title}, {&current.Location, &was.Location}}
	targets := []*string{&to.Name, &to.FirstName, &to.LastName, &to.Title, &to.Location}
	for i, f := range scalar {
		if *f.now != *f.then {
			*targets[i] = *f.now
		}
	}
	lists := []struct{ now, then, dst *[]string }{{&current.Emails, &was.Emails, &to.Emails},
		{&current.Phones, &was.Phones, &to.Phones}, {&current.URLs, &was.URLs, &to.URLs},
		{&current.Tags, &was.Tags, &to.Tags}, {&current.Skills, &was.Skills, &to.Skills},
		{&current.Needs, &was.Needs, &to.Needs}, {&current.UserEdited, &was.UserEdited, &to.UserEdited}}
	for _, l := range lists {
		for _, v := range *l.now {
			if !slices.Contains(*l.then, v) {
				*l.dst = graph.CleanList(append(*l.dst, v))
			}
		}
	}
	if current.LinkedInURL != was.LinkedInURL {
		to.LinkedInURL = current.LinkedInURL
	}
	return survivor, absorbed
}

func clonePerson(p *graph.Person) *graph.Person {
	c := *p
	for _, l := range []*[]string{&c.Emails, &c.Phones, &c.URLs, &c.Tags, &c.Skills, &c.Needs, &c.UserEdited, &c.MatchKeys} {
		*l = slices.Clone(*l)
	}
	c.Company = ""
	return &c
}

// applyUnmerge writes an unmerge.
func applyUnmerge(ctx context.Context, tx neo4j.ManagedTransaction, ws string, m *graph.Merge, u *mergeUndo,
	survivor, absorbed *graph.Person, keep string) error {
	a, b := m.SurvivorID, m.AbsorbedID
	p := map[string]any{"ws": ws, "a": a, "b": b, "at": tparam(m.At)}
	// The ties the absorbed had: a moved one (now the survivor's, same id,
	// maybe changed since) goes back as it is now; a combined one goes back
	// as the absorbed had it, and the survivor's is as it was.
	var moveBack []string
	var recreate, restore []map[string]any
	for _, t := range u.Ties {
		if t.Survivor == nil {
			moveBack = append(moveBack, t.Tie.ID)
			continue
		}
		recreate = append(recreate, map[string]any{"x": t.Tie.Other(b), "props": tieParams(t.Tie)})
		restore = append(restore, map[string]any{"x": t.Tie.Other(b), "props": tieParams(t.Survivor), "old": t.Tie.ID, "new": t.Survivor.ID})
	}
	if u.Between != nil {
		recreate = append(recreate, map[string]any{"x": a, "props": tieParams(u.Between)})
	}
	var ints, both, initiated []string
	for _, i := range u.Interactions {
		ints = append(ints, i.ID)
		if i.Both {
			both = append(both, i.ID)
		}
		if i.Initiator {
			initiated = append(initiated, i.ID)
		}
	}
	var intros []map[string]any
	for _, in := range u.Introductions {
		intros = append(intros, map[string]any{"id": in.ID, "role": in.Role})
	}
	var dropped []map[string]any
	for _, in := range u.Dropped {
		dropped = append(dropped, map[string]any{"id": in.ID, "by": in.IntroducerID, "of": in.PersonID, "to": in.TargetID,
			"props": introParams(in)})
	}
	positions := idsOf(u.Positions, func(e *graph.Employment) string { return e.ID })
	steps := []struct {
		q      string
		params map[string]any
	}{
		{"CREATE (b:Person) SET b = $props", with(p, "props", personParams(absorbed))},
		{"MATCH (a:Person {id: $a, workspaceId: $ws}) SET a = $props", with(p, "props", personParams(survivor))},
		// The moved ties go back in one pass over the survivor's ties.
		{matchAbsorbed + matchSurvivor + `MATCH (a)-[t:KNOWS]-(x:Person) WHERE $ids[t.id]
		  WITH t, x, b, properties(t) AS props
		  DELETE t
		  CREATE (b)-[n:KNOWS]->(x) SET n = props`, with(p, "ids", setOf(moveBack))},
		{matchSurvivor + `UNWIND $rows AS row
		  MATCH (x:Person {id: row.x}) USING INDEX x:Person(id) WHERE x.workspaceId = $ws
		  MATCH (a)-[t:KNOWS]-(x)
		  SET t = row.props`, with(p, "rows", restore)},
		{matchAbsorbed + `UNWIND $rows AS row
		  MATCH (x:Person {id: row.x}) USING INDEX x:Person(id) WHERE x.workspaceId = $ws
		  MERGE (b)-[t:KNOWS]-(x) ON CREATE SET t = row.props`, with(p, "rows", recreate)},
		{`UNWIND $moved AS id
		  MATCH (i:Introduction {id: id}) WHERE i.workspaceId = $ws
		  WITH i, [r IN $rows WHERE r.new = i.tieId][0] AS row
		  WHERE row IS NOT NULL
		  SET i.tieId = row.old`,
			with(with(p, "rows", restore), "moved", idsOf(u.Introductions, func(in undoIntroduction) string { return in.ID }))},
		{`UNWIND $rows AS row
		  MATCH (i:Introduction {id: row.id}) WHERE i.workspaceId = $ws
		  MATCH (i)-[r]->(:Person {id: $a}) WHERE type(r) = row.role
		  MATCH (b:Person {id: $b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws
		  DELETE r
` + relinkRole("row.role", "b"), with(p, "rows", intros)},
		{`UNWIND $rows AS row
		  MATCH (by:Person {id: row.by}) USING INDEX by:Person(id) WHERE by.workspaceId = $ws
		  MATCH (of:Person {id: row.of}) USING INDEX of:Person(id) WHERE of.workspaceId = $ws
		  MATCH (to:Person {id: row.to}) USING INDEX to:Person(id) WHERE to.workspaceId = $ws
		  CREATE (i:Introduction)-[:BY]->(by) SET i = row.props
		  CREATE (i)-[:OF]->(of), (i)-[:TO]->(to)`, with(p, "rows", dropped)},
		{`UNWIND $ids AS id
		  MATCH (n:Note {id: id})-[r:ABOUT]->(:Person {id: $a}) WHERE n.workspaceId = $ws
		  MATCH (b:Person {id: $b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws
		  DELETE r CREATE (n)-[:ABOUT]->(b) SET n.personId = $b`, with(p, "ids", u.Notes)},
		{`UNWIND $ids AS id
		  MATCH (:Person {id: $a, workspaceId: $ws})-[w:WORKS_AT {id: id}]->(o:Organization)
		  MATCH (b:Person {id: $b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws
		  WITH w, o, b, properties(w) AS props
		  DELETE w
		  CREATE (b)-[n:WORKS_AT]->(o) SET n = props`, with(p, "ids", positions)},
		{`UNWIND $ids AS id
		  MATCH (u:User {id: id, workspaceId: $ws})-[r:IS]->(:Person {id: $a})
		  MATCH (b:Person {id: $b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws
		  DELETE r CREATE (u)-[:IS]->(b)`, with(p, "ids", u.Members)},
	}
	if keep == graph.KeepAbsorbed {
		steps = append(steps, sinceSteps(p)...)
	}
	for _, st := range steps {
		if _, err := tx.Run(ctx, st.q, st.params); err != nil {
			return fmt.Errorf("unmerge: %w", err)
		}
	}
	if err := unmergeInteractions(ctx, tx, p, ints, both, initiated); err != nil {
		return fmt.Errorf("unmerge: %w", err)
	}
	return nil
}

// unmergeInteractions gives the absorbed person back its interactions
// (ids), in one pass over the survivor's: the survivor's link goes unless
// it took part before the merge (both), and the absorbed is the initiator
// again where it was (initiated).
func unmergeInteractions(ctx context.Context, tx neo4j.ManagedTransaction, p map[string]any, ids, both, initiated []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.Run(ctx, matchAbsorbed+matchSurvivor+`MATCH (a)<-[w:WITH]-(i:Interaction) WHERE $ids[i.id]
		  WITH b, w, i, $both[i.id] IS NOT NULL AS both, $initiated[i.id] IS NOT NULL AS initiated
		  FOREACH (_ IN CASE WHEN both THEN [] ELSE [1] END | DELETE w)
		  CREATE (i)-[:WITH]->(b)
		  FOREACH (_ IN CASE WHEN initiated THEN [1] ELSE [] END | SET i.initiatorId = $b)`,
		with(with(with(p, "ids", setOf(ids)), "both", setOf(both)), "initiated", setOf(initiated)))
	return err
}

// sinceSteps move to the absorbed person what the merged person got after
// the merge: ties and positions created since, interactions and notes
// created since, introductions requested since.
func sinceSteps(p map[string]any) []struct {
	q      string
	params map[string]any
} {
	return []struct {
		q      string
		params map[string]any
	}{
		{`MATCH (a:Person {id: $a, workspaceId: $ws})-[t:KNOWS]-(x:Person) WHERE t.createdAt > $at AND x.id <> $b
		  MATCH (b:Person {id: $b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws
		  WITH t, x, b, properties(t) AS props
		  WHERE NOT EXISTS { (b)-[:KNOWS]-(x) }
		  DELETE t
		  CREATE (b)-[n:KNOWS]->(x) SET n = props`, p},
		{`MATCH (anchor:Person {id: $a})<-[w:WITH]-(i:Interaction) USING INDEX anchor:Person(id) WHERE anchor.workspaceId = $ws AND i.workspaceId = $ws AND i.createdAt > $at
		  MATCH (b:Person {id: $b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws
		  DELETE w
		  MERGE (i)-[:WITH]->(b)
		  SET i.initiatorId = CASE WHEN i.initiatorId = $a THEN $b ELSE i.initiatorId END`, p},
		{`MATCH (anchor:Person {id: $a})<-[r:ABOUT]-(n:Note) USING INDEX anchor:Person(id) WHERE anchor.workspaceId = $ws AND n.workspaceId = $ws AND n.createdAt > $at
		  MATCH (b:Person {id: $b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws
		  DELETE r CREATE (n)-[:ABOUT]->(b) SET n.personId = $b`, p},
		{`MATCH (:Person {id: $a, workspaceId: $ws})-[w:WORKS_AT]->(o:Organization) WHERE w.createdAt > $at
		  MATCH (b:Person {id: $b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws
		  WITH w, o, b, properties(w) AS props
		  DELETE w
		  CREATE (b)-[n:WORKS_AT]->(o) SET n = props`, p},
		{`MATCH (anchor:Person {id: $a})<-[r:BY|OF|TO]-(i:Introduction) USING INDEX anchor:Person(id) WHERE anchor.workspaceId = $ws AND i.workspaceId = $ws AND i.createdAt > $at
		    AND NOT EXISTS { (i)-[:BY|OF|TO]->(:Person {id: $b}) }
		  MATCH (b:Person {id: $b}) USING INDEX b:Person(id) WHERE b.workspaceId = $ws
		  WITH i, r, b, type(r) AS role
		  DELETE r
` + relinkRole("role", "b"), p},
	}
}
