package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/demo"
	"github.com/nexohq/nexo/graph/importer"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// Malicious backups: a backup (Nexo's export) is a file anyone can write. A
// restore is for owners only; it never touches another workspace, gives no
// one a role or a voice the restoring owner could not give them, and refuses
// ids and dates that could not have come from Nexo.

// restoreJob is an import job with its report.
type restoreJob struct {
	ID, State string
	Result    importer.Report
	Error     *struct{ Code, Message string }
}

// backup downloads the caller's backup of their workspace.
func (c *client) backup() []byte {
	c.tb.Helper()
	code, _, b := c.raw("GET", "/api/v1/export", nil, nil)
	if code != 200 {
		c.tb.Fatalf("export: got %d %s", code, b)
	}
	return b
}

// restoreFile uploads a backup and waits for its job to end.
func (c *client) restoreFile(data []byte) restoreJob {
	c.tb.Helper()
	var j restoreJob
	if code := c.upload("backup.jsonl", data, nil, &j); code != 202 {
		c.tb.Fatalf("upload: got %d %+v", code, j)
	}
	c.wait(j.ID)
	c.must(200, "GET", "/api/v1/jobs/"+j.ID, nil, &j)
	return j
}

// backupLines splits a backup into its lines; editBackup writes them back
// with the end line's counts made to match, as a forger would.
func backupLines(tb testing.TB, data []byte) []map[string]any {
	tb.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			tb.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func editBackup(tb testing.TB, data []byte, edit func(lines []map[string]any) []map[string]any) []byte {
	tb.Helper()
	lines := backupLines(tb, data)
	lines = edit(lines[:len(lines)-1]) // without the end line
	counts := map[string]int{}
	var b bytes.Buffer
	for i, l := range lines {
		if i > 0 {
			counts[l["type"].(string)]++
		}
		j, _ := json.Marshal(l)
		b.Write(append(j, '\n'))
	}
	j, _ := json.Marshal(map[string]any{"type": "end", "counts": counts})
	b.Write(append(j, '\n'))
	return b.Bytes()
}

// entityLine is a backup line for an entity.
func entityLine(typ string, v any) map[string]any {
	j, _ := json.Marshal(v)
	var data map[string]any
	json.Unmarshal(j, &data)
	return map[string]any{"type": typ, "data": data}
}

// findLine returns the data of the line of that type and id.
func findLine(lines []map[string]any, typ, id string) map[string]any {
	for _, l := range lines {
		if d, ok := l["data"].(map[string]any); ok && l["type"] == typ && d["id"] == id {
			return d
		}
	}
	return nil
}

// restoreWorld is two workspaces on one server, each with an owner, a
// member, people, an organisation, ties, an interaction, an introduction
// and a note.
type restoreWorld struct {
	a, b       *client // the owners
	aIDs, bIDs map[string]string
}

func newRestoreWorld(t *testing.T) *restoreWorld {
	a := newServer(t, quietLogs)
	wB, ownerB := neo4jtest.Workspace(t, neo4jtest.Open(t))
	b := a.as(ownerB)
	b.ws = wB
	return &restoreWorld{a: a, b: b, aIDs: seedRestore(a), bIDs: seedRestore(b)}
}

func seedRestore(c *client) map[string]string {
	c.tb.Helper()
	p1 := c.person(map[string]any{"name": "Ilse Marr", "emails": []string{"ilse." + strings.ToLower(graph.NewID()[:8]) + "@example.net"},
		"company": "Marr & Daughters " + graph.NewID()[:6]})
	p2 := c.person(map[string]any{"name": "Odo Fenn"})
	var emp struct{ Items []graph.Employment }
	c.must(200, "GET", "/api/v1/employment?person_id="+p1.ID, nil, &emp)
	t1 := c.tie(p1.ID, p2.ID)
	t2 := c.tie(c.user.PersonID, p1.ID)
	var i graph.Interaction
	c.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": "coffee", "with": []string{p1.ID},
		"notes": "owner's words"}, &i)
	var in graph.Introduction
	c.must(201, "POST", "/api/v1/introductions", map[string]any{"introducer_id": p1.ID, "target_id": p2.ID}, &in)
	var n graph.Note
	c.must(201, "POST", "/api/v1/people/"+p1.ID+"/notes", map[string]any{"body": "owner's private note"}, &n)
	m := c.member("Mina Colleague", graph.RoleMember)
	return map[string]string{"me": c.user.PersonID, "owner": c.user.ID, "person": p1.ID, "other": p2.ID,
		"org": emp.Items[0].OrganizationID, "employment": emp.Items[0].ID, "tie": t1.ID, "tie2": t2.ID,
		"interaction": i.ID, "introduction": in.ID, "note": n.ID, "member": m.user.ID, "member_person": m.user.PersonID}
}

func dump(tb testing.TB, c *client) string {
	tb.Helper()
	return neo4jtest.Dump(tb, neo4jtest.Open(tb), c.ws.ID)
}

// TestRestoreForeignIDs restores, into B, B's own backup carrying ids of A:
// an employment, a tie, a person, an interaction, an introduction, a note, a
// member. Every restore fails with 409 and writes nothing, and A stays byte
// for byte as it was. (Before, A's employment was deleted.)
func TestRestoreForeignIDs(t *testing.T) {
	w := newRestoreWorld(t)
	a, b := w.aIDs, w.bIDs
	base := w.b.backup()
	now := time.Now().UTC().Add(-time.Hour)
	beforeA, beforeB := dump(t, w.a), dump(t, w.b)
	tests := []struct {
		name string
		line map[string]any
	}{
		{"Employment", entityLine("employment", graph.Employment{ID: a["employment"], PersonID: b["person"], OrganizationID: b["org"]})},
		{"Tie", entityLine("tie", graph.Tie{ID: a["tie"], PersonA: b["person"], PersonB: b["member_person"], Source: graph.TieManual})},
		{"Person", entityLine("person", graph.Person{ID: a["person"], Name: "Hijacked", Source: "manual"})},
		{"Interaction", entityLine("interaction", graph.Interaction{ID: a["interaction"], Kind: graph.KindCall, At: now,
			ParticipantIDs: []string{b["me"], b["person"]}, Notes: "rewritten"})},
		{"Introduction", entityLine("introduction", graph.Introduction{ID: a["introduction"], IntroducerID: b["me"],
			PersonID: b["person"], TargetID: b["other"], Status: graph.IntroRequested})},
		{"Note", entityLine("note", graph.Note{ID: a["note"], PersonID: b["person"], AuthorID: b["owner"], Body: "wiped"})},
		{"User", entityLine("user", graph.User{ID: a["member"], Name: "Taken over", Role: graph.RoleOwner})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := w.b.in(t)
			data := editBackup(t, base, func(l []map[string]any) []map[string]any { return append(l, tt.line) })
			j := c.restoreFile(data)
			if j.State != api.JobFailed || j.Error == nil || j.Error.Code != graph.ECONFLICT ||
				!strings.Contains(j.Error.Message, "another workspace") {
				t.Fatalf("got %+v, want a failed job saying the id belongs to another workspace", j)
			}
			if after := dump(t, w.a); after != beforeA {
				t.Fatalf("A changed:\nbefore\n%s\nafter\n%s", beforeA, after)
			}
			if after := dump(t, w.b); after != beforeB {
				t.Fatalf("a failed restore changed B:\nbefore\n%s\nafter\n%s", beforeB, after)
			}
		})
	}
}

// TestRestoreOwnersOnly uploads a backup as a member and as a viewer: 403 at
// once, however the format is named, and nothing changes. (Before, a
// member's restore went through.)
func TestRestoreOwnersOnly(t *testing.T) {
	w := newRestoreWorld(t)
	member := w.b.as(&graph.User{ID: w.bIDs["member"], WorkspaceID: w.b.ws.ID})
	viewer := w.b.member("Vera Viewer", graph.RoleViewer)
	data := w.b.backup()
	before := dump(t, w.b)
	for _, c := range []*client{member, viewer} {
		for _, fields := range []map[string]string{nil, {"format": "nexo"}, {"format": "auto", "charset": "utf-8"}} {
			var e apiError
			if code := c.upload("backup.jsonl", data, fields, &e); code != 403 || e.Error.Code != graph.EFORBIDDEN {
				t.Errorf("%s, %v: got %d %+v, want 403", c.user.ID, fields, code, e)
			}
		}
	}
	if after := dump(t, w.b); after != before {
		t.Fatalf("a refused restore changed the workspace")
	}
	// A member still imports contacts.
	var j restoreJob
	csv := "date,person,kind\n2025-03-01,Odo Fenn,call\n"
	if code := member.upload("i.csv", []byte(csv), nil, &j); code != 202 {
		t.Fatalf("a member's interactions import: got %d", code)
	}
}

// TestRestoreGivesNoRoles restores a backup whose member lines make a
// stranger an owner and the existing member an owner: the stranger comes in
// as a member, the member is unchanged, and the workspace has one owner.
// (Before, the stranger became an owner.)
func TestRestoreGivesNoRoles(t *testing.T) {
	w := newRestoreWorld(t)
	stranger := graph.NewID()
	data := editBackup(t, w.b.backup(), func(l []map[string]any) []map[string]any {
		d := findLine(l, "user", w.bIDs["member"])
		d["role"], d["name"] = "owner", "Promoted"
		return append(l, entityLine("user", graph.User{ID: stranger, Name: "Eve Stranger", Role: graph.RoleOwner}))
	})
	j := w.b.restoreFile(data)
	if j.State != api.JobSucceeded {
		t.Fatalf("restore: %+v", j)
	}
	var members struct{ Items []graph.User }
	w.b.must(200, "GET", "/api/v1/members", nil, &members)
	owners := 0
	for _, u := range members.Items {
		if u.Role == graph.RoleOwner {
			owners++
		}
		switch u.ID {
		case w.bIDs["member"]:
			if u.Role != graph.RoleMember || u.Name != "Mina Colleague" {
				t.Errorf("the member was changed: %+v", u)
			}
		case stranger:
			if u.Role != graph.RoleMember {
				t.Errorf("the stranger came in as %s, want member", u.Role)
			}
		}
	}
	if owners != 1 {
		t.Errorf("%d owners after the restore, want 1", owners)
	}
	if !hasDetail(j.Result, importer.Warning, "not an owner") {
		t.Errorf("the report does not say the stranger was not made an owner: %+v", j.Result.Details)
	}
}

func hasDetail(r importer.Report, o importer.Outcome, reason string) bool {
	for _, d := range r.Details {
		if d.Outcome == o && strings.Contains(d.Reason, reason) {
			return true
		}
	}
	return false
}

// TestRestoreGivesNoVoice has the owner restore a backup that rewrites an
// interaction a member logged, wipes the member's private note, and plants
// a note and an interaction "by" the member. The member's things stay as
// they were, and what was planted is the owner's. (Before, the member's
// notes were rewritten and the planted note was theirs.)
func TestRestoreGivesNoVoice(t *testing.T) {
	w := newRestoreWorld(t)
	ids := w.bIDs
	mina := w.b.as(&graph.User{ID: ids["member"], WorkspaceID: w.b.ws.ID, PersonID: ids["member_person"]})
	var mine graph.Interaction
	mina.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": "meeting",
		"participant_ids": []string{ids["member_person"], ids["person"]}, "notes": "Mina's secret"}, &mine)
	var note graph.Note
	mina.must(201, "POST", "/api/v1/people/"+ids["person"]+"/notes", map[string]any{"body": "Mina's private note"}, &note)
	planted, plantedI := graph.NewID(), graph.NewID()
	data := editBackup(t, w.b.backup(), func(l []map[string]any) []map[string]any {
		d := findLine(l, "interaction", mine.ID)
		d["notes"], d["kind"] = "rewritten by the owner", "call"
		return append(l,
			entityLine("note", graph.Note{ID: note.ID, PersonID: ids["person"], AuthorID: ids["member"], Body: "wiped"}),
			entityLine("note", graph.Note{ID: planted, PersonID: ids["person"], AuthorID: ids["member"], Body: "planted as Mina"}),
			entityLine("interaction", graph.Interaction{ID: plantedI, Kind: graph.KindCall, At: time.Now().UTC().Add(-time.Hour),
				ParticipantIDs: []string{ids["member_person"], ids["other"]}, LoggedBy: ids["member"], Notes: "planted as Mina"}))
	})
	if j := w.b.restoreFile(data); j.State != api.JobSucceeded {
		t.Fatalf("restore: %+v", j)
	}
	var got graph.Interaction
	mina.must(200, "GET", "/api/v1/interactions/"+mine.ID, nil, &got)
	if got.Notes != "Mina's secret" || got.Kind != graph.KindMeeting || got.LoggedBy != ids["member"] {
		t.Errorf("Mina's interaction: %+v", got)
	}
	var n graph.Note
	mina.must(200, "GET", "/api/v1/notes/"+note.ID, nil, &n)
	if n.Body != "Mina's private note" {
		t.Errorf("Mina's note: %q", n.Body)
	}
	mina.fails(404, "GET", "/api/v1/notes/"+planted, nil)
	w.b.must(200, "GET", "/api/v1/notes/"+planted, nil, &n)
	if n.AuthorID != ids["owner"] {
		t.Errorf("planted note authored by %s, want the owner", n.AuthorID)
	}
	var p graph.Interaction
	mina.must(200, "GET", "/api/v1/interactions/"+plantedI, nil, &p)
	if p.LoggedBy != ids["owner"] || p.Notes != "" {
		t.Errorf("planted interaction as Mina sees it: %+v", p)
	}
}

// TestRestoreRefusesImpossible restores backups with ids that are not Nexo
// ids and an interaction dated 9999: each fails with 422 naming the line, and
// nothing is written. The API refuses the date too.
func TestRestoreRefusesImpossible(t *testing.T) {
	w := newRestoreWorld(t)
	ids := w.bIDs
	base := w.b.backup()
	before := dump(t, w.b)
	tests := []struct {
		name, want string
		line       map[string]any
	}{
		{"PathID", "not a Nexo id", entityLine("person", graph.Person{ID: "../../x", Name: "Dots", Source: "manual"})},
		{"PathReference", "not a Nexo id", entityLine("employment", graph.Employment{ID: graph.NewID(), PersonID: "../../x", OrganizationID: ids["org"]})},
		{"Year9999", "impossible", entityLine("interaction", graph.Interaction{ID: graph.NewID(), Kind: graph.KindCall,
			At: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), ParticipantIDs: []string{ids["me"], ids["person"]}})},
		{"Year1066", "impossible", entityLine("interaction", graph.Interaction{ID: graph.NewID(), Kind: graph.KindCall,
			At: time.Date(1066, 10, 14, 0, 0, 0, 0, time.UTC), ParticipantIDs: []string{ids["me"], ids["person"]}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := w.b.in(t)
			data := editBackup(t, base, func(l []map[string]any) []map[string]any { return append(l, tt.line) })
			j := c.restoreFile(data)
			if j.State != api.JobFailed || j.Error == nil || j.Error.Code != graph.EINVALID ||
				!strings.Contains(j.Error.Message, "Line ") || !strings.Contains(j.Error.Message, tt.want) {
				t.Fatalf("got %+v, want a failed job naming the line and %q", j, tt.want)
			}
			if after := dump(t, w.b); after != before {
				t.Fatalf("a failed restore changed the workspace")
			}
		})
	}
	t.Run("API", func(t *testing.T) {
		c := w.b.in(t)
		for _, at := range []string{"9999-01-01", "1899-12-31", time.Now().AddDate(1, 1, 0).Format(time.DateOnly)} {
			e := c.fails(422, "POST", "/api/v1/interactions", map[string]any{"kind": "call", "with": []string{ids["person"]}, "at": at})
			if e.Error.Field != "at" {
				t.Errorf("%s: field %q, want at", at, e.Error.Field)
			}
		}
		c.fails(422, "PATCH", "/api/v1/interactions/"+ids["interaction"], map[string]any{"at": "9999-01-01"})
		c.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": "meeting", "with": []string{ids["person"]},
			"at": time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}, nil)
	})
}

// TestRestoreBesideOriginal restores the backup of a demo workspace into a
// new workspace of another owner: the original is untouched, and the copy is
// the same graph — the same counts, the same tie strengths, and the same
// intro paths from the restoring owner as from the original owner. A second
// restore of the same file changes nothing. (Before, it was refused: 409.)
func TestRestoreBesideOriginal(t *testing.T) {
	a := newServer(t, quietLogs)
	store := neo4jtest.Open(t)
	ctx := context.Background()
	meID, err := demo.Generate(demo.Options{People: 60, AsOf: time.Now().UTC().Truncate(24 * time.Hour)}, a.user.ID,
		func(b *graph.Batch) error { return store.Upsert(ctx, a.ws.ID, b, nil) })
	if err != nil {
		t.Fatal(err)
	}
	a.must(200, "PATCH", "/api/v1/members/"+a.user.ID, map[string]any{"person_id": meID}, nil)
	data := a.backup()
	beforeA := dump(t, a)

	wB, ownerB := neo4jtest.Workspace(t, store)
	b := a.as(ownerB)
	b.ws = wB
	j := b.restoreFile(data)
	if j.State != api.JobSucceeded {
		t.Fatalf("restore beside the original: %+v", j)
	}
	if after := dump(t, a); after != beforeA {
		t.Fatal("the original workspace changed")
	}
	// id maps an id of A to the one it has in B.
	id := func(x string) string {
		if x == meID {
			return ownerB.PersonID
		}
		return importer.RestoredID(wB.ID, x)
	}
	if ca, cb := kindCounts(t, a), kindCounts(t, b); ca != cb {
		t.Errorf("counts: original %+v, copy %+v", ca, cb)
	}
	var people struct{ Items []graph.Person }
	a.must(200, "GET", "/api/v1/people?limit=12", nil, &people)
	for _, p := range append(people.Items, graph.Person{ID: meID}) {
		sa, sb := strengthsOf(t, a, p.ID), strengthsOf(t, b, id(p.ID))
		if len(sa) != len(sb) {
			t.Errorf("%s: %d ties in the original, %d in the copy", p.ID, len(sa), len(sb))
		}
		// Strength decays with the time since the last interaction, about
		// 5e-8 a second, and the two workspaces are asked seconds apart.
		for other, s := range sa {
			if got, ok := sb[id(other)]; !ok || math.Abs(got-s) > 1e-6 {
				t.Errorf("%s–%s: strength %v in the original, %v in the copy", p.ID, other, s, got)
			}
		}
	}
	for _, q := range []string{"q=" + url.QueryEscape("Ana García"), "q=" + url.QueryEscape("Marta López"), "org=Globex",
		"skill=" + url.QueryEscape("data analysis")} {
		pa, pb := introPaths(t, a, q), introPaths(t, b, q)
		if len(pa) == 0 || len(pa) != len(pb) {
			t.Fatalf("%s: %d paths in the original, %d in the copy", q, len(pa), len(pb))
		}
		for i := range pa {
			mapped := make([]string, len(pa[i].People))
			for k, x := range pa[i].People {
				mapped[k] = id(x)
			}
			if strings.Join(mapped, ",") != strings.Join(pb[i].People, ",") || math.Abs(pa[i].Score-pb[i].Score) > 1e-6 {
				t.Errorf("%s path %d: original %v (%v) → %v, copy %v (%v)", q, i, pa[i].People, pa[i].Score, mapped, pb[i].People, pb[i].Score)
			}
		}
	}
	beforeB := dump(t, b)
	if j := b.restoreFile(data); j.State != api.JobSucceeded {
		t.Fatalf("second restore: %+v", j)
	}
	if after := dump(t, b); after != beforeB {
		t.Error("a second restore of the same file changed the copy")
	}
}

type counts struct{ People, Orgs, Jobs, Ties, Interactions, Introductions, Notes int }

func kindCounts(tb testing.TB, c *client) counts {
	tb.Helper()
	var n counts
	err := neo4jtest.Open(tb).Walk(context.Background(), c.ws.ID, graph.AllKinds, func(v any) error {
		switch v.(type) {
		case *graph.Person:
			n.People++
		case *graph.Organization:
			n.Orgs++
		case *graph.Employment:
			n.Jobs++
		case *graph.Tie:
			n.Ties++
		case *graph.Interaction:
			n.Interactions++
		case *graph.Introduction:
			n.Introductions++
		case *graph.Note:
			n.Notes++
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func strengthsOf(tb testing.TB, c *client, person string) map[string]float64 {
	tb.Helper()
	var res struct {
		Ties []struct {
			PersonID string  `json:"person_id"`
			Strength float64 `json:"strength"`
		}
	}
	c.must(200, "GET", "/api/v1/people/"+person+"/strengths", nil, &res)
	out := map[string]float64{}
	for _, t := range res.Ties {
		out[t.PersonID] = t.Strength
	}
	return out
}

type introPath struct {
	People []string
	Score  float64
}

func introPaths(tb testing.TB, c *client, q string) []introPath {
	tb.Helper()
	var res struct{ Paths []introPath }
	c.must(200, "GET", "/api/v1/intro-paths?k=10&"+q, nil, &res)
	return res.Paths
}
