package neo4j_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/analytics/analyticstest"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// feedSeeds is how many random write sequences TestFeedReplay tries; a few
// in the normal run, more when hunting (go test -run FeedReplay -feed.seeds 200).
var feedSeeds = flag.Int("feed.seeds", 6, "TestFeedReplay: number of random write sequences")

// feedNow is the time the networks of the feed tests are seen at.
var feedNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// writer makes random writes through every write path of the store, for
// the property test of the change feed.
type writer struct {
	tb    testing.TB
	s     *neo4j.Store
	ws    string
	owner string
	rng   *rand.Rand
	made  []string // what it did, for the failure message
}

func (w *writer) pick(l []string) string { return l[w.rng.IntN(len(l))] }

func (w *writer) people() []string {
	w.tb.Helper()
	ps, _, err := w.s.FindPeople(ctx, w.ws, graph.PersonFilter{Limit: graph.MaxLimit})
	if err != nil {
		w.tb.Fatal(err)
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

func (w *writer) orgs() []string {
	w.tb.Helper()
	os, _, err := w.s.FindOrganizations(ctx, w.ws, graph.OrganizationFilter{Limit: graph.MaxLimit})
	if err != nil {
		w.tb.Fatal(err)
	}
	ids := make([]string, len(os))
	for i, o := range os {
		ids[i] = o.ID
	}
	return ids
}

var (
	feedTitles = []string{"Data engineer", "Product manager", "Designer", "Data scientist", "Founder"}
	feedPlaces = []string{"Madrid", "Lisbon", "Berlin", ""}
	feedSkills = []string{"python", "sql", "design", "sales", "go"}
	feedKinds  = []graph.InteractionKind{graph.KindMeeting, graph.KindCoffee, graph.KindCall, graph.KindEmail,
		graph.KindMessage, graph.KindFavourGiven}
)

func (w *writer) newPerson(id string) *graph.Person {
	return &graph.Person{ID: id, WorkspaceID: w.ws, Name: fmt.Sprintf("Person %d", w.rng.IntN(1000)),
		Title: w.pick(feedTitles), Location: w.pick(feedPlaces), Skills: []string{w.pick(feedSkills)},
		Tags: []string{w.pick(feedSkills)}, Needs: []string{w.pick(feedSkills)}, Source: "manual"}
}

func (w *writer) day() time.Time {
	return feedNow.AddDate(0, 0, -w.rng.IntN(900)).Truncate(time.Second)
}

func (w *writer) interaction(ps []string) *graph.Interaction {
	n := 2 + w.rng.IntN(2)
	w.rng.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
	in := &graph.Interaction{WorkspaceID: w.ws, Kind: w.pick2(feedKinds), At: w.day(), ParticipantIDs: slices.Clone(ps[:n])}
	if in.Kind.IsFavour() || w.rng.IntN(2) == 0 {
		in.InitiatorID = in.ParticipantIDs[w.rng.IntN(n)]
	}
	return in
}

func (w *writer) pick2(l []graph.InteractionKind) graph.InteractionKind { return l[w.rng.IntN(len(l))] }

// step makes one random write; writes the store refuses (a tie that
// exists, a member's own person) are skipped.
func (w *writer) step() {
	w.tb.Helper()
	ps := w.people()
	var err error
	op := w.rng.IntN(27)
	switch {
	case op < 3 || len(ps) < 4:
		p := w.newPerson("")
		err = w.s.CreatePerson(ctx, p)
		w.made = append(w.made, "create person")
	case op == 3:
		title := w.pick(feedTitles)
		_, err = w.s.UpdatePerson(ctx, w.ws, w.pick(ps), graph.PersonUpdate{Title: &title, Skills: &[]string{w.pick(feedSkills)}}, true)
		w.made = append(w.made, "update person")
	case op == 4:
		err = w.s.DeletePerson(ctx, w.ws, w.pick(ps))
		w.made = append(w.made, "delete person")
	case op == 5:
		o := &graph.Organization{WorkspaceID: w.ws, Name: fmt.Sprintf("Org %d", w.rng.IntN(100000))}
		err = w.s.CreateOrganization(ctx, o)
		w.made = append(w.made, "create organization")
	case op == 6:
		if os := w.orgs(); len(os) > 0 {
			if w.rng.IntN(2) == 0 {
				name := fmt.Sprintf("Renamed %d", w.rng.IntN(100000))
				_, err = w.s.UpdateOrganization(ctx, w.ws, w.pick(os), graph.OrganizationUpdate{Name: &name})
				w.made = append(w.made, "rename organization")
			} else {
				err = w.s.DeleteOrganization(ctx, w.ws, w.pick(os))
				w.made = append(w.made, "delete organization")
			}
		}
	case op < 9:
		if os := w.orgs(); len(os) > 0 {
			e := &graph.Employment{WorkspaceID: w.ws, PersonID: w.pick(ps), OrganizationID: w.pick(os),
				Title: w.pick(feedTitles), Start: w.day()}
			if w.rng.IntN(3) == 0 {
				e.End = e.Start.AddDate(0, 6, 0)
			}
			err = w.s.CreateEmployment(ctx, e)
			w.made = append(w.made, "create employment")
		}
	case op == 9:
		es, ferr := w.s.FindEmployments(ctx, w.ws, graph.EmploymentFilter{})
		if ferr == nil && len(es) > 0 {
			e := es[w.rng.IntN(len(es))]
			if w.rng.IntN(2) == 0 {
				end := w.day()
				_, err = w.s.UpdateEmployment(ctx, w.ws, e.ID, graph.EmploymentUpdate{End: &end})
				w.made = append(w.made, "update employment")
			} else {
				err = w.s.DeleteEmployment(ctx, w.ws, e.ID)
				w.made = append(w.made, "delete employment")
			}
		}
	case op < 13:
		a, b := w.pick(ps), w.pick(ps)
		if a != b {
			t := &graph.Tie{WorkspaceID: w.ws, PersonA: a, PersonB: b, Source: graph.TieManual, Since: w.day()}
			if w.rng.IntN(3) == 0 {
				v := 0.1 + 0.8*w.rng.Float64()
				t.Strength = &v
			}
			err = w.s.CreateTie(ctx, t)
			w.made = append(w.made, "create tie")
		}
	case op == 13:
		ts, _, ferr := w.s.FindTies(ctx, w.ws, graph.TieFilter{Limit: graph.MaxLimit})
		if ferr == nil && len(ts) > 0 {
			t := ts[w.rng.IntN(len(ts))]
			switch w.rng.IntN(3) {
			case 0:
				v := 0.2 + 0.7*w.rng.Float64()
				_, err = w.s.UpdateTie(ctx, w.ws, t.ID, graph.TieUpdate{Strength: &v})
				w.made = append(w.made, "update tie strength")
			case 1:
				_, err = w.s.UpdateTie(ctx, w.ws, t.ID, graph.TieUpdate{ClearStrength: true})
				w.made = append(w.made, "clear tie strength")
			default:
				err = w.s.DeleteTie(ctx, w.ws, t.ID)
				w.made = append(w.made, "delete tie")
			}
		}
	case op < 17:
		in := w.interaction(ps)
		err = w.s.CreateInteraction(ctx, in)
		w.made = append(w.made, "create interaction")
	case op == 17:
		is, _, ferr := w.s.FindInteractions(ctx, w.ws, graph.InteractionFilter{Limit: graph.MaxLimit})
		if ferr == nil && len(is) > 0 {
			in := is[w.rng.IntN(len(is))]
			if w.rng.IntN(2) == 0 {
				at := w.day()
				_, err = w.s.UpdateInteraction(ctx, w.ws, in.ID, graph.InteractionUpdate{At: &at})
				w.made = append(w.made, "update interaction")
			} else {
				err = w.s.DeleteInteraction(ctx, w.ws, in.ID)
				w.made = append(w.made, "delete interaction")
			}
		}
	case op == 18:
		in := &graph.Introduction{WorkspaceID: w.ws, IntroducerID: ps[0], PersonID: ps[1], TargetID: w.pick(ps[2:]),
			Status: graph.IntroRequested}
		if err = w.s.CreateIntroduction(ctx, in); err == nil && w.rng.IntN(2) == 0 {
			st := graph.IntroMade
			_, err = w.s.UpdateIntroduction(ctx, w.ws, in.ID, graph.IntroductionUpdate{Status: &st})
		}
		w.made = append(w.made, "introduction")
	case op == 19:
		// A member joins, with an own person, or an existing one changes theirs.
		p := w.pick(ps)
		if w.rng.IntN(2) == 0 {
			err = w.s.CreateUser(ctx, &graph.User{WorkspaceID: w.ws, Name: "Member", Role: graph.RoleMember, PersonID: p})
			w.made = append(w.made, "create member")
		} else {
			_, err = w.s.UpdateUser(ctx, w.ws, w.owner, graph.UserUpdate{PersonID: &p})
			w.made = append(w.made, "relink member")
		}
	case op == 22 || op == 23:
		// A step of a mail sync: a new correspondent, and messages with
		// existing people, some captured before (same key), the member
		// tied to each.
		u, uerr := w.s.FindUser(ctx, w.ws, w.owner)
		if uerr != nil || u.PersonID == "" {
			break
		}
		c := &graph.Capture{UserID: u.ID, PersonID: u.PersonID, People: []*graph.Person{w.newPerson(graph.NewID())}}
		for k := range 2 {
			other := w.pick(append(slices.Clone(ps), c.People[0].ID))
			if other == u.PersonID {
				continue
			}
			key := fmt.Sprintf("msg-%d", w.rng.IntN(6)) // repeats: a message seen again
			c.Interactions = append(c.Interactions, &graph.Interaction{ID: graph.NewID(), Kind: graph.KindEmail,
				At: w.day(), ParticipantIDs: []string{u.PersonID, other}, InitiatorID: []string{u.PersonID, other}[k%2],
				LoggedBy: u.ID, Source: "imap", CaptureKey: "imap:" + key})
		}
		if w.rng.IntN(3) == 0 {
			c.Deleted = []string{fmt.Sprintf("imap:msg-%d", w.rng.IntN(6))}
		}
		_, err = w.s.CommitCapture(ctx, w.ws, c)
		w.made = append(w.made, "capture step")
	case op >= 24:
		// A merge of two people (not members' own), sometimes undone: three
		// chances in 27, for the feed lists both change by change.
		a, b := w.pick(ps), w.pick(ps)
		if a == b {
			break
		}
		var m *graph.Merge
		if m, err = w.s.MergePeople(ctx, w.ws, a, b, graph.MergeOptions{By: w.owner}); err == nil && w.rng.IntN(2) == 0 {
			_, err = w.s.UnmergePeople(ctx, w.ws, m.ID, graph.UnmergeOptions{By: w.owner, NewTo: graph.KeepSurvivor})
			w.made = append(w.made, "merge and undo")
		} else {
			w.made = append(w.made, "merge")
		}
	default:
		// An import: new and existing people, positions, ties (existing
		// pairs keep their ids) and interactions, in one Upsert.
		b := &graph.Batch{}
		for range 3 {
			b.People = append(b.People, w.newPerson(graph.NewID()))
		}
		existing := w.pick(ps)
		b.People = append(b.People, w.newPerson(existing))
		all := append(slices.Clone(ps), b.People[0].ID, b.People[1].ID, b.People[2].ID)
		for range 4 {
			a, c := w.pick(all), w.pick(all)
			if a != c {
				b.Ties = append(b.Ties, &graph.Tie{ID: graph.NewID(), PersonA: a, PersonB: c, Source: graph.TieImported,
					Since: w.day(), Context: "imported"})
			}
		}
		if os := w.orgs(); len(os) > 0 {
			b.Employments = append(b.Employments, &graph.Employment{ID: graph.NewID(), PersonID: b.People[0].ID,
				OrganizationID: w.pick(os), Title: "Engineer", Source: "linkedin"})
		}
		in := w.interaction(all)
		in.ID = graph.NewID()
		b.Interactions = append(b.Interactions, in)
		// Ties of one batch must be distinct pairs.
		seen := map[[2]string]bool{}
		b.Ties = slices.DeleteFunc(b.Ties, func(t *graph.Tie) bool {
			k := [2]string{min(t.PersonA, t.PersonB), max(t.PersonA, t.PersonB)}
			dup := seen[k]
			seen[k] = true
			return dup
		})
		err = w.s.Upsert(ctx, w.ws, b, nil)
		w.made = append(w.made, "upsert batch")
	}
	if err != nil {
		switch graph.ErrorCode(err) {
		case graph.ECONFLICT, graph.ENOTFOUND, graph.EINVALID:
			w.made[len(w.made)-1] += " (refused)"
		default:
			w.tb.Fatalf("%s: %v", w.made[len(w.made)-1], err)
		}
	}
}

// edit makes a random write that removes nothing the network is built of
// (a tie's strength, a person's title, an interaction between two people
// who have a tie, an organisation's name, a new contact with a tie): what
// Apply's fast and growing paths take.
func (w *writer) edit() {
	w.tb.Helper()
	ts, _, err := w.s.FindTies(ctx, w.ws, graph.TieFilter{Limit: graph.MaxLimit})
	if err != nil {
		w.tb.Fatal(err)
	}
	if len(ts) == 0 {
		w.step()
		return
	}
	t := ts[w.rng.IntN(len(ts))]
	switch w.rng.IntN(7) {
	case 5, 6:
		// A new contact, and a tie and an interaction with them (the
		// growing path of Apply).
		p := w.newPerson("")
		if err = w.s.CreatePerson(ctx, p); err == nil {
			err = w.s.CreateTie(ctx, &graph.Tie{WorkspaceID: w.ws, PersonA: t.PersonA, PersonB: p.ID, Source: graph.TieManual,
				Since: w.day()})
		}
		if err == nil && w.rng.IntN(2) == 0 {
			err = w.s.CreateInteraction(ctx, &graph.Interaction{WorkspaceID: w.ws, Kind: w.pick2(feedKinds), At: w.day(),
				ParticipantIDs: []string{t.PersonA, p.ID}, InitiatorID: p.ID})
		}
		w.made = append(w.made, "new contact")
	case 0, 1:
		v := 0.1 + 0.8*w.rng.Float64()
		_, err = w.s.UpdateTie(ctx, w.ws, t.ID, graph.TieUpdate{Strength: &v})
		w.made = append(w.made, "edit tie")
	case 2:
		title := w.pick(feedTitles)
		_, err = w.s.UpdatePerson(ctx, w.ws, t.PersonA, graph.PersonUpdate{Title: &title}, true)
		w.made = append(w.made, "edit person")
	case 3:
		in := &graph.Interaction{WorkspaceID: w.ws, Kind: w.pick2(feedKinds), At: w.day(),
			ParticipantIDs: []string{t.PersonA, t.PersonB}, InitiatorID: t.PersonB}
		err = w.s.CreateInteraction(ctx, in)
		w.made = append(w.made, "interaction of a tie")
	default:
		if os := w.orgs(); len(os) > 0 {
			name := fmt.Sprintf("Renamed %d", w.rng.IntN(100000))
			_, err = w.s.UpdateOrganization(ctx, w.ws, w.pick(os), graph.OrganizationUpdate{Name: &name})
			w.made = append(w.made, "rename organization")
		}
	}
	if err != nil && graph.ErrorCode(err) != graph.ECONFLICT {
		w.tb.Fatalf("%s: %v", w.made[len(w.made)-1], err)
	}
}

// catchUp applies the feed after net's version to net.
func catchUp(tb testing.TB, s *neo4j.Store, ws string, net *analytics.Network, limit int) *analytics.Network {
	tb.Helper()
	for {
		r, err := s.ReadFeed(ctx, ws, net.Snapshot().Version, limit)
		if err != nil {
			tb.Fatal(err)
		}
		if r.Gap {
			tb.Fatalf("feed gap after version %d", net.Snapshot().Version)
		}
		if r.Through == net.Snapshot().Version {
			return net
		}
		if slices.ContainsFunc(r.Changes, func(c graph.Change) bool { return c.Kind == graph.ChangeReload }) {
			// A write too large to list (a merge): reload, as graph/live does.
			net = loadNetwork(tb, s, ws)
			continue
		}
		if net, err = net.Apply(r.Through, r.Changes); err != nil {
			tb.Fatal(err)
		}
	}
}

func loadNetwork(tb testing.TB, s *neo4j.Store, ws string) *analytics.Network {
	tb.Helper()
	snap, err := s.LoadSnapshot(ctx, ws, graph.SnapshotOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	net, err := analytics.NewNetwork(snap, feedNow, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return net
}

// TestFeedReplay is the property test of the change feed: after a random
// sequence of writes through every write path, a network kept current by
// applying the feed (in batches of random size, with communities carried
// and settled on the way) answers every question as one loaded afresh; so
// does a snapshot loaded late, replaying changes it already holds.
func TestFeedReplay(t *testing.T) {
	s := neo4jtest.Open(t)
	for seed := uint64(1); seed <= uint64(*feedSeeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			ws, owner := neo4jtest.Workspace(t, s)
			w := &writer{tb: t, s: s, ws: ws.ID, owner: owner.ID, rng: rand.New(rand.NewPCG(seed, 7))}
			for range 6 {
				w.step()
			}
			net := loadNetwork(t, s, ws.ID)
			start := net.Snapshot().Version
			var mid uint64
			for i := range 60 {
				if i%3 == 2 {
					w.edit()
				} else {
					w.step()
				}
				// Edits alone take Apply's fast path: apply them often alone.
				if w.rng.IntN(4) == 0 || (i%3 == 2 && w.rng.IntN(2) == 0) {
					net = catchUp(t, s, ws.ID, net, 1+w.rng.IntN(3000))
					switch w.rng.IntN(3) {
					case 0:
						net.Settle() // later networks carry these
					case 1:
						// Not only the last network must be right: a full
						// rebuild later would hide a wrong one.
						if d := analyticstest.Diff(net, loadNetwork(t, s, ws.ID), 10); len(d) > 0 {
							t.Fatalf("after %v:\n%s", w.made, join(d))
						}
					}
				}
				if i == 30 {
					mid = net.Snapshot().Version
					net = catchUp(t, s, ws.ID, net, 0)
					if wrote, err := s.WriteCheckpoint(ctx, ws.ID, net.Snapshot()); err != nil || !wrote {
						t.Fatalf("write checkpoint: %v, %v", wrote, err)
					}
					if wrote, err := s.WriteCheckpoint(ctx, ws.ID, net.Snapshot()); err != nil || wrote {
						t.Fatalf("write the same checkpoint again: got %v, %v, want false", wrote, err)
					}
				}
			}
			net = catchUp(t, s, ws.ID, net, 0)
			fresh := loadNetwork(t, s, ws.ID)
			if got, want := net.Snapshot().Version, fresh.Snapshot().Version; got != want || got <= start {
				t.Fatalf("got version %d, want %d (> %d)", got, want, start)
			}
			if d := analyticstest.Diff(net, fresh, 10); len(d) > 0 {
				t.Errorf("after %v:\n%s", w.made, join(d))
			}

			// A snapshot taken while writes land holds some changes after
			// its version; replaying them must change nothing.
			late := loadNetwork(t, s, ws.ID)
			late.Snapshot().Version = mid
			late = catchUp(t, s, ws.ID, late, 0)
			if d := analyticstest.Diff(late, fresh, 10); len(d) > 0 {
				t.Errorf("replayed on a late snapshot, after %v:\n%s", w.made, join(d))
			}

			// A replica starting from the checkpoint replays the rest.
			snap, err := s.LoadSnapshot(ctx, ws.ID, graph.SnapshotOptions{Checkpoint: true})
			if err != nil {
				t.Fatal(err)
			}
			cp, err := analytics.NewNetwork(snap, feedNow, nil)
			if err != nil {
				t.Fatal(err)
			}
			if cp.Snapshot().Version == fresh.Snapshot().Version {
				t.Fatalf("the checkpoint is at the workspace's version %d: nothing to replay", cp.Snapshot().Version)
			}
			cp = catchUp(t, s, ws.ID, cp, 0)
			if d := analyticstest.Diff(cp, fresh, 10); len(d) > 0 {
				t.Errorf("from the checkpoint, after %v:\n%s", w.made, join(d))
			}
		})
	}
}

func join(l []string) string {
	out := ""
	for _, s := range l {
		out += "  " + s + "\n"
	}
	return out
}
