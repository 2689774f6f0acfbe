package neo4j

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"golang.org/x/sync/errgroup"

	"github.com/nexohq/nexo/graph"
)

// snapshotFetchSize is the number of records pulled per round trip when
// streaming a snapshot; larger batches are several times faster for
// millions of small records.
const snapshotFetchSize = 20000

// stream runs q in a read transaction of its own session and calls fn for
// each record's values, pulling snapshotFetchSize records at a time.
func (s *Store) stream(ctx context.Context, q string, params map[string]any, fn func(v []any) error) error {
	ctx, end, err := s.brk.enter(ctx)
	if err != nil {
		return err
	}
	return mapErr(end(s.streamTx(ctx, q, params, fn)))
}

func (s *Store) streamTx(ctx context.Context, q string, params map[string]any, fn func(v []any) error) error {
	cfg := s.sessionConfig(neo4j.AccessModeRead)
	cfg.FetchSize = snapshotFetchSize
	sess := s.driver.NewSession(ctx, cfg)
	defer sess.Close(context.Background())
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		return mapErr(err)
	}
	defer tx.Close(context.Background())
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return mapErr(err)
	}
	for res.Next(ctx) {
		if err := fn(res.Record().Values); err != nil {
			return err
		}
	}
	if err := res.Err(); err != nil {
		return mapErr(err)
	}
	return mapErr(tx.Commit(ctx))
}

// Walk streams every entity of the chosen kinds.
func (s *Store) Walk(ctx context.Context, ws string, what graph.Kinds, fn func(v any) error) error {
	if _, err := s.FindWorkspace(ctx, ws); err != nil {
		return err
	}
	p := map[string]any{"ws": ws}
	kinds := []struct {
		kind graph.Kinds
		q    string
		from func(map[string]any) any
	}{
		{graph.KindPeople, "MATCH (p:Person {workspaceId: $ws}) RETURN " + personReturn + " ORDER BY p.id",
			func(m map[string]any) any { return personFrom(m) }},
		{graph.KindOrganizations, "MATCH (o:Organization {workspaceId: $ws}) RETURN o {.*} ORDER BY o.id",
			func(m map[string]any) any { return orgFrom(m) }},
		{graph.KindEmployments, "MATCH (p:Person {workspaceId: $ws})-[w:WORKS_AT]->(o:Organization) RETURN " +
			employmentReturn + " ORDER BY w.id", func(m map[string]any) any { return employmentFrom(m) }},
		{graph.KindTies, "MATCH (a:Person {workspaceId: $ws})-[t:KNOWS]->(b:Person) RETURN " + tieReturn + " ORDER BY t.id",
			func(m map[string]any) any { return tieFrom(m) }},
		{graph.KindMemberTies, `MATCH (:User {workspaceId: $ws})-[:IS]->(:Person)-[t:KNOWS]-(:Person)
			WITH DISTINCT t MATCH (a:Person)-[t]->(b:Person) RETURN ` + tieReturn + " ORDER BY t.id",
			func(m map[string]any) any { return tieFrom(m) }},
		{graph.KindInteractions, "MATCH (i:Interaction {workspaceId: $ws}) RETURN " + interactionReturn + " ORDER BY i.id",
			func(m map[string]any) any { return interactionFrom(m) }},
		{graph.KindIntroductions, "MATCH (i:Introduction {workspaceId: $ws}) RETURN " + introReturn + " ORDER BY i.id",
			func(m map[string]any) any { return introFrom(m) }},
		{graph.KindNotes, "MATCH (n:Note {workspaceId: $ws}) RETURN n {.*} ORDER BY n.id",
			func(m map[string]any) any { return noteFrom(m) }},
	}
	if what&graph.KindTies != 0 {
		what &^= graph.KindMemberTies
	}
	for _, k := range kinds {
		if what&k.kind == 0 {
			continue
		}
		err := s.stream(ctx, k.q, p, func(v []any) error {
			m, _ := v[0].(map[string]any)
			return fn(k.from(m))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// LoadSnapshot reads the workspace's graph, or the neighbourhood of a person,
// as a compact graph.Snapshot in canonical order (see graph.Snapshot). It
// streams its queries (people, organisations, jobs, ties, interactions,
// members) without building intermediate maps per record. Consistency
// across the queries is that of separate reads: a write landing in between
// may show up partly. The snapshot's Version is read first, so replaying
// the change feed after it repairs that (changes carry whole entities).
func (s *Store) LoadSnapshot(ctx context.Context, ws string, opt graph.SnapshotOptions) (*graph.Snapshot, error) {
	version, err := s.FeedVersion(ctx, ws)
	if err != nil {
		return nil, err
	}
	if opt.Checkpoint && opt.Center == "" {
		if snap, err := s.loadCheckpoint(ctx, ws); err != nil || snap != nil {
			return snap, err
		}
	}
	snap := &graph.Snapshot{WorkspaceID: ws, Version: version, LoadedAt: s.Now()}
	params := map[string]any{"ws": ws}
	// people restricts every query to the chosen people; "true" for all.
	people := "true"
	if opt.Center != "" {
		hops := opt.Hops
		if hops == 0 {
			hops = 2
		}
		if hops < 1 || hops > 3 {
			return nil, graph.FieldErrorf("hops", "Hops must be 1, 2 or 3.")
		}
		ids, err := s.neighbourhood(ctx, ws, opt.Center, hops)
		if err != nil {
			return nil, err
		}
		params["ids"] = ids
		people = "p.id IN $ids"
	}
	read := 0
	tick := func() {
		read++
		if opt.Progress != nil && read%50000 == 0 {
			opt.Progress(read)
		}
	}
	// People in id order: the same data gives the same indexes, so seeded
	// analytics (Louvain's node order) give the same answers after a reload.
	index := map[string]int32{}
	err = s.stream(ctx, `MATCH (p:Person {workspaceId: $ws}) WHERE `+people+`
		RETURN p.id, p.name, p.title, p.location, p.tags, p.skills, p.needs ORDER BY p.id`, params, func(v []any) error {
		id, _ := v[0].(string)
		index[id] = int32(len(snap.People))
		snap.People = append(snap.People, graph.SnapPerson{ID: id, Name: vstr(v[1]), Title: vstr(v[2]),
			Location: vstr(v[3]), Tags: vstrs(v[4]), Skills: vstrs(v[5]), Needs: vstrs(v[6])})
		tick()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load people: %w", err)
	}
	personIndex := func(id string) int32 {
		if i, ok := index[id]; ok {
			return i
		}
		return -1
	}

	// Ties and interactions are the bulk of a snapshot: one record per person
	// (with their ties) and per interaction (with its participants) costs far
	// less than a record per pair.
	peopleA := sub(people, "p.", "a.")
	// Jobs, ties and interactions stream at the same time; each fills fields
	// of its own.
	var g errgroup.Group
	g.Go(func() error {
		orgIndex := map[string]int32{}
		err := s.stream(ctx, `MATCH (p:Person {workspaceId: $ws})-[w:WORKS_AT]->(o:Organization) WHERE `+people+`
		RETURN p.id, o.id, o.name, o.domain, w.title, w.start, w.end, w.id`, params, func(v []any) error {
			pi, ok := index[vstr(v[0])]
			if !ok {
				return nil
			}
			oid := vstr(v[1])
			oi, ok := orgIndex[oid]
			if !ok {
				oi = int32(len(snap.Organizations))
				orgIndex[oid] = oi
				snap.Organizations = append(snap.Organizations, graph.SnapOrganization{ID: oid, Name: vstr(v[2]), Domain: vstr(v[3])})
			}
			snap.People[pi].Jobs = append(snap.People[pi].Jobs, graph.SnapJob{ID: vstr(v[7]), Org: oi, Title: vstr(v[4]),
				Start: vunix(v[5]), End: vunix(v[6])})
			return nil
		})
		if err != nil {
			return fmt.Errorf("load jobs: %w", err)
		}
		if opt.Center == "" {
			// Organisations nobody works at still count (followed ones, for instance).
			err = s.stream(ctx, `MATCH (o:Organization {workspaceId: $ws}) RETURN o.id, o.name, o.domain`, params,
				func(v []any) error {
					if _, ok := orgIndex[vstr(v[0])]; !ok {
						orgIndex[vstr(v[0])] = int32(len(snap.Organizations))
						snap.Organizations = append(snap.Organizations, graph.SnapOrganization{ID: vstr(v[0]), Name: vstr(v[1]), Domain: vstr(v[2])})
					}
					return nil
				})
			if err != nil {
				return fmt.Errorf("load organizations: %w", err)
			}
		}
		canonicalOrgs(snap)
		return nil
	})

	type pair struct{ a, b int32 }
	var tieIndex map[pair]int32
	g.Go(func() error {
		err := s.stream(ctx, `MATCH (a:Person {workspaceId: $ws}) WHERE `+peopleA+`
			RETURN a.id, [(a)-[t:KNOWS]->(b:Person) WHERE `+sub(people, "p.", "b.")+` |
				[b.id, t.since.epochSeconds, t.source, t.strength, t.context]]`, params, func(v []any) error {
			a, ok := index[vstr(v[0])]
			if !ok {
				return nil
			}
			for _, x := range v[1].([]any) {
				t := x.([]any)
				b, ok := index[vstr(t[0])]
				if !ok || a == b {
					continue
				}
				strength, _ := t[3].(float64)
				since, _ := t[1].(int64)
				lo, hi := min(a, b), max(a, b)
				snap.Ties = append(snap.Ties, graph.SnapTie{A: lo, B: hi, Since: since, Source: internSource(vstr(t[2])),
					Override: strength, Context: vstr(t[4])})
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("load ties: %w", err)
		}
		// A second KNOWS between the same pair (written outside Nexo) is dropped.
		tieIndex = make(map[pair]int32, len(snap.Ties))
		ties := snap.Ties[:0]
		for _, t := range snap.Ties {
			if _, dup := tieIndex[pair{t.A, t.B}]; !dup {
				tieIndex[pair{t.A, t.B}] = int32(len(ties))
				ties = append(ties, t)
			}
		}
		snap.Ties = ties
		return nil
	})
	g.Go(func() error {
		err := s.stream(ctx, `MATCH (i:Interaction {workspaceId: $ws})
			WITH i, [(i)-[:WITH]->(p:Person) WHERE `+people+` | p.id] AS ps WHERE size(ps) > 1
			RETURN i.id, i.at.epochSeconds, i.kind, i.initiatorId, ps, i.captureKey IS NOT NULL`, params, func(v []any) error {
			at, _ := v[1].(int64)
			captured, _ := v[5].(bool)
			in := graph.SnapInteraction{ID: vstr(v[0]), At: at, Kind: internKind(vstr(v[2])), Captured: captured}
			// The people's own id strings: one copy of each in memory.
			if p := personIndex(vstr(v[3])); p >= 0 {
				in.Initiator = snap.People[p].ID
			}
			for _, x := range v[4].([]any) {
				if p, ok := index[vstr(x)]; ok {
					in.People = append(in.People, snap.People[p].ID)
				}
			}
			if in.People = graph.SortedIDs(in.People); len(in.People) > 1 {
				snap.Interactions = append(snap.Interactions, in)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("load interactions: %w", err)
		}
		slices.SortFunc(snap.Interactions, func(a, b graph.SnapInteraction) int { return strings.Compare(a.ID, b.ID) })
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	read += len(snap.Ties)
	tieOf := func(a, b int32) int32 {
		if t, ok := tieIndex[pair{a, b}]; ok {
			return t
		}
		return -1
	}
	for k := range snap.Interactions {
		snap.Events = graph.AppendEvents(snap.Events, int32(k), &snap.Interactions[k], personIndex, tieOf)
	}
	read += len(snap.Events)

	err = s.stream(ctx, `MATCH (u:User {workspaceId: $ws}) OPTIONAL MATCH (u)-[:IS]->(p:Person)
		RETURN u.id, p.id ORDER BY u.id`, params, func(v []any) error {
		snap.Members = append(snap.Members, graph.SnapMember{UserID: vstr(v[0]), Person: personIndex(vstr(v[1]))})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load members: %w", err)
	}
	if opt.Progress != nil {
		opt.Progress(read)
	}
	return snap, nil
}

// canonicalOrgs puts the snapshot's organisations in id order, and every
// person's jobs too.
func canonicalOrgs(snap *graph.Snapshot) {
	order := make([]int32, len(snap.Organizations))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		return strings.Compare(snap.Organizations[a].ID, snap.Organizations[b].ID)
	})
	orgs := make([]graph.SnapOrganization, len(order))
	remap := make([]int32, len(order))
	for i, o := range order {
		orgs[i] = snap.Organizations[o]
		remap[o] = int32(i)
	}
	snap.Organizations = orgs
	for i := range snap.People {
		jobs := snap.People[i].Jobs
		for j := range jobs {
			jobs[j].Org = remap[jobs[j].Org]
		}
		if len(jobs) > 1 {
			slices.SortFunc(jobs, func(a, b graph.SnapJob) int { return strings.Compare(a.ID, b.ID) })
		}
	}
}

// neighbourhood returns the ids of the people within hops ties of center.
func (s *Store) neighbourhood(ctx context.Context, ws, center string, hops int) ([]string, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]string, error) {
		if err := requirePeople(ctx, tx, ws, center); err != nil {
			return nil, err
		}
		// hops is 1..3, checked by the caller; a variable-length bound cannot be a parameter.
		rec, err := single(ctx, tx, fmt.Sprintf(`MATCH (c:Person {id: $id, workspaceId: $ws})
			MATCH (c)-[:KNOWS*0..%d]-(p:Person) RETURN collect(DISTINCT p.id)`, hops),
			map[string]any{"id": center, "ws": ws})
		if err != nil {
			return nil, err
		}
		return vstrs(rec.Values[0]), nil
	})
}

// sub rewrites the people condition for another variable name.
func sub(cond, from, to string) string {
	if cond == "true" {
		return cond
	}
	return to + cond[len(from):]
}

func vunix(v any) int64 {
	if t, ok := v.(time.Time); ok {
		return t.Unix()
	}
	return 0
}

// internKind returns the constant for a kind so a snapshot of millions of
// events does not hold millions of copies of the same few strings.
func internKind(k string) graph.InteractionKind {
	for _, c := range graph.InteractionKinds {
		if string(c) == k {
			return c
		}
	}
	return graph.InteractionKind(k)
}

func internSource(s string) graph.TieSource {
	for _, c := range []graph.TieSource{graph.TieImported, graph.TieIntroduced, graph.TieManual} {
		if string(c) == s {
			return c
		}
	}
	return graph.TieSource(s)
}
