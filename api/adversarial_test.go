package api_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// The adversarial test: two workspaces on one server, each full of things
// with distinctive names. Each side's owner tries to read, change or delete
// the other's people, ties, interactions, introductions, notes,
// organizations, employment, jobs, tokens and members, by id, by search and
// through the questions (intro paths, job search ...). Every attempt must
// fail exactly as it would for an id that exists nowhere (404 for an id),
// or find nothing; and no response — body or header — may carry one byte of
// the other side's data that the request did not itself contain.

// victim is a workspace seen from outside: its ids, its secrets and a client.
type victim struct {
	c       *client
	word    string            // distinctive, in every name, email and text
	ids     map[string]string // what → id
	secrets []string          // every name, email, text and id of the workspace
	viewer  string            // the token of its viewer ("member")
	people  int               // how many people it has
}

// seedVictim fills c's workspace with one of each thing.
func seedVictim(c *client) *victim {
	c.tb.Helper()
	w := strings.ToLower(graph.NewID()[:10])
	v := &victim{c: c, word: "qx" + w, ids: map[string]string{}}
	name := "Zephyrine Quill" + v.word
	email := "zephyrine." + v.word + "@private.example"
	org := "Quillfeather " + v.word + " Dynamics"
	p1 := c.person(map[string]any{"name": name, "emails": []string{email}, "title": "Chief " + v.word + " Officer",
		"company": org, "tags": []string{"tag-" + v.word}, "skills": []string{"skill-" + v.word},
		"needs": []string{"need-" + v.word}, "location": "Town-" + v.word})
	p2 := c.person(map[string]any{"name": "Oberon Vanta" + v.word, "emails": []string{"oberon." + v.word + "@private.example"}})
	var o2 graph.Organization
	c.must(201, "POST", "/api/v1/organizations", map[string]any{"name": "Vanta " + v.word + " Labs",
		"domain": v.word + ".example"}, &o2)
	var emp struct{ Items []graph.Employment }
	c.must(200, "GET", "/api/v1/employment?person_id="+p1.ID, nil, &emp)
	var t1 graph.Tie
	c.must(201, "POST", "/api/v1/ties", map[string]any{"person_a": p1.ID, "person_b": p2.ID,
		"context": "tie-context-" + v.word}, &t1)
	t2 := c.tie(c.user.PersonID, p1.ID)
	var i graph.Interaction
	c.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": "favour_given", "with": []string{p1.ID},
		"notes": "interaction-notes-" + v.word}, &i)
	var in graph.Introduction
	c.must(201, "POST", "/api/v1/introductions", map[string]any{"introducer_id": p1.ID, "target_id": p2.ID,
		"reason": "intro-reason-" + v.word}, &in)
	var n graph.Note
	c.must(201, "POST", "/api/v1/people/"+p1.ID+"/notes", map[string]any{"body": "private-note-" + v.word}, &n)
	var m graph.User
	c.must(201, "POST", "/api/v1/members", map[string]any{"name": "Ysolde " + v.word,
		"email": "ysolde." + v.word + "@private.example", "role": "viewer"}, &m)
	var tok struct{ ID, Prefix, Secret string }
	c.must(201, "POST", "/api/v1/tokens", map[string]any{"name": "token-" + v.word, "user_id": m.ID}, &tok)
	c.must(200, "GET", "/api/v1/intro-paths?to="+p2.ID, nil, nil) // builds the analytics
	var job struct{ ID string }
	c.must(202, "POST", "/api/v1/analytics/refresh", nil, &job)
	v.ids = map[string]string{"workspace": c.ws.ID, "me": c.user.PersonID, "owner": c.user.ID, "person": p1.ID,
		"other": p2.ID, "org": emp.Items[0].OrganizationID, "org2": o2.ID, "employment": emp.Items[0].ID,
		"tie": t1.ID, "tie2": t2.ID, "interaction": i.ID, "introduction": in.ID, "note": n.ID, "member": m.ID,
		"member_person": m.PersonID, "token": tok.ID, "job": job.ID}
	v.secrets = []string{v.word, name, email, org, tok.Secret, tok.Prefix}
	v.viewer, v.people = tok.Secret, 4
	for _, id := range v.ids {
		v.secrets = append(v.secrets, id)
	}
	return v
}

// attack is one request of the attacker about the victim's things.
type attack struct {
	method, path string
	body         any
	want         int  // 404 for ids, 200 for searches and lists
	search       bool // must find nothing
}

func (v *victim) attacks(own *victim) []attack {
	id, w := v.ids, v.word
	q := url.QueryEscape
	var out []attack
	byID := func(path string, patch any) {
		out = append(out, attack{"GET", path, nil, 404, false}, attack{"PATCH", path, patch, 404, false}, attack{"DELETE", path, nil, 404, false})
	}
	byID("/api/v1/people/"+id["person"], map[string]any{"name": "Pwned"})
	byID("/api/v1/notes/"+id["note"], map[string]any{"body": "pwned"})
	byID("/api/v1/organizations/"+id["org"], map[string]any{"name": "Pwned Inc"})
	byID("/api/v1/employment/"+id["employment"], map[string]any{"title": "Pwned"})
	byID("/api/v1/ties/"+id["tie"], map[string]any{"context": "pwned"})
	byID("/api/v1/interactions/"+id["interaction"], map[string]any{"notes": "pwned"})
	byID("/api/v1/introductions/"+id["introduction"], map[string]any{"status": "made"})
	byID("/api/v1/members/"+id["member"], map[string]any{"name": "Pwned"})
	byID("/api/v1/members/"+id["owner"], map[string]any{"role": "viewer"})
	out = append(out,
		attack{"GET", "/api/v1/people/" + id["person"] + "/strengths", nil, 404, false},
		attack{"GET", "/api/v1/people/" + id["person"] + "/notes", nil, 404, false},
		attack{"POST", "/api/v1/people/" + id["person"] + "/notes", map[string]any{"body": "planted"}, 404, false},
		attack{"GET", "/api/v1/ties/" + id["tie"] + "/ledger", nil, 404, false},
		attack{"DELETE", "/api/v1/tokens/" + id["token"], nil, 404, false},
		attack{"GET", "/api/v1/jobs/" + id["job"], nil, 404, false},
		attack{"DELETE", "/api/v1/jobs/" + id["job"], nil, 404, false},

		// Their ids inside my writes.
		attack{"POST", "/api/v1/ties", map[string]any{"person_a": id["person"], "person_b": id["other"]}, 404, false},
		attack{"POST", "/api/v1/ties", map[string]any{"person_a": own.ids["me"], "person_b": id["person"]}, 404, false},
		attack{"POST", "/api/v1/employment", map[string]any{"person_id": own.ids["person"], "organization_id": id["org"]}, 404, false},
		attack{"POST", "/api/v1/employment", map[string]any{"person_id": id["person"], "organization_id": own.ids["org"]}, 404, false},
		attack{"POST", "/api/v1/interactions", map[string]any{"kind": "coffee", "with": []string{id["person"]}}, 404, false},
		attack{"POST", "/api/v1/interactions", map[string]any{"kind": "meeting",
			"participant_ids": []string{id["person"], id["other"]}}, 404, false},
		attack{"POST", "/api/v1/introductions", map[string]any{"introducer_id": id["person"], "target_id": id["other"]}, 404, false},
		attack{"POST", "/api/v1/introductions", map[string]any{"introducer_id": own.ids["person"], "target_id": id["person"]}, 404, false},
		attack{"POST", "/api/v1/members", map[string]any{"name": "Mole", "person_id": id["person"]}, 404, false},
		attack{"POST", "/api/v1/tokens", map[string]any{"name": "stolen", "user_id": id["owner"]}, 404, false},
		attack{"PATCH", "/api/v1/members/" + own.ids["owner"], map[string]any{"person_id": id["person"]}, 404, false},
		// Following an organization that is not there is a rule violation.
		attack{"PATCH", "/api/v1/members/" + own.ids["owner"], map[string]any{"follows": []string{id["org"]}}, 422, false},

		// Their people as filters and targets.
		attack{"GET", "/api/v1/ties?person_id=" + id["person"], nil, 404, false},
		attack{"GET", "/api/v1/interactions?person_id=" + id["person"], nil, 404, false},
		attack{"GET", "/api/v1/weak-ties?person_id=" + id["person"], nil, 404, false},
		attack{"GET", "/api/v1/intro-paths?to=" + id["person"], nil, 404, false},
		attack{"GET", "/api/v1/intro-paths?to=" + id["person"] + "&from=team", nil, 404, false},
		attack{"GET", "/api/v1/intro-paths?org=" + id["org"], nil, 404, false},
		attack{"GET", "/api/v1/intro-paths?org=" + q("Quillfeather "+w+" Dynamics"), nil, 404, false},
		attack{"GET", "/api/v1/intro-paths?org=" + w, nil, 404, false},
		attack{"GET", "/api/v1/job-search?org=" + q("Vanta "+w+" Labs"), nil, 404, false},
		attack{"GET", "/api/v1/job-search?org=" + id["org2"], nil, 404, false},
	)
	// Searches find nothing.
	for _, s := range []string{
		"/api/v1/people?q=" + w, "/api/v1/people?q=" + q("Zephyrine Quill"+w), "/api/v1/people?name=" + w,
		"/api/v1/people?email=" + q("zephyrine."+w+"@private.example"), "/api/v1/people?company=" + w,
		"/api/v1/people?title=" + w, "/api/v1/people?tag=tag-" + w, "/api/v1/people?skill=skill-" + w,
		"/api/v1/people?location=town-" + w, "/api/v1/organizations?name=" + w, "/api/v1/organizations?domain=" + w + ".example",
		"/api/v1/introductions?person_id=" + id["person"], "/api/v1/employment?person_id=" + id["person"],
		"/api/v1/employment?organization_id=" + id["org"], "/api/v1/tokens?user_id=" + id["owner"],
		"/api/v1/tokens?user_id=" + id["member"],
		"/api/v1/intro-paths?q=" + w, "/api/v1/intro-paths?q=" + w + "&from=team", "/api/v1/intro-paths?title=" + w,
		"/api/v1/intro-paths?tag=tag-" + w, "/api/v1/intro-paths?skill=skill-" + w, "/api/v1/intro-paths?location=town-" + w,
	} {
		out = append(out, attack{"GET", s, nil, 200, true})
	}
	// Everything the attacker may list of their own.
	for _, s := range []string{"/api/v1/me", "/api/v1/people", "/api/v1/organizations", "/api/v1/ties",
		"/api/v1/interactions", "/api/v1/introductions", "/api/v1/members", "/api/v1/tokens", "/api/v1/jobs",
		"/api/v1/ledger", "/api/v1/brokers", "/api/v1/weak-ties", "/api/v1/communities", "/api/v1/dormant?days=1",
		"/api/v1/broker-opportunities?from=team", "/api/v1/analytics", "/api/v1/export",
		"/api/v1/people/" + own.ids["person"] + "/strengths", "/api/v1/intro-paths?to=" + own.ids["person"]} {
		out = append(out, attack{"GET", s, nil, 200, false})
	}
	return out
}

// unknownTwin is the attack with every id of the victim replaced by an id
// that exists nowhere.
func (v *victim) unknownTwin(a attack) attack {
	b, _ := json.Marshal(a.body)
	path, body := a.path, string(b)
	for _, id := range v.ids {
		fresh := graph.NewID()
		path = strings.ReplaceAll(path, id, fresh)
		body = strings.ReplaceAll(body, id, fresh)
	}
	twin := a
	twin.path = path
	if a.body != nil {
		twin.body = body
	}
	return twin
}

// twoVictims starts a server with two seeded workspaces and returns the
// client of the first's owner and both.
func twoVictims(t *testing.T) (*client, *victim, *victim) {
	t.Helper()
	a := newServer(t, quietLogs, withCapture(t, nil))
	wB, ownerB := neo4jtest.Workspace(t, neo4jtest.Open(t))
	b := a.as(ownerB)
	b.ws = wB
	return a, seedVictim(a), seedVictim(b)
}

func TestAdversarial(t *testing.T) {
	_, va, vb := twoVictims(t)
	for _, side := range []struct {
		name             string
		attacker, target *victim
	}{{"BAttacksA", vb, va}, {"AAttacksB", va, vb}} {
		t.Run(side.name, func(t *testing.T) {
			c, target := side.attacker.c.in(t), side.target
			for _, at := range target.attacks(side.attacker) {
				reqText, _ := json.Marshal(at.body)
				sent, _ := url.QueryUnescape(at.path + string(reqText))
				code, header, body := c.raw(at.method, at.path, bodyReader(at.body), map[string]string{"Content-Type": "application/json"})
				what := at.method + " " + at.path
				if code != at.want {
					t.Errorf("%s: got %d %.200s, want %d", what, code, body, at.want)
					continue
				}
				headers, _ := json.Marshal(header)
				for _, s := range target.secrets {
					inRequest := strings.Contains(strings.ToLower(sent), strings.ToLower(s))
					if !inRequest && (containsFold(body, s) || containsFold(headers, s)) {
						t.Errorf("%s: the answer carries the other workspace's %q: %.300s", what, s, body)
					}
				}
				if at.search && !foundNothing(body) {
					t.Errorf("%s: a search for the other workspace's things found %.300s", what, body)
				}
				if code >= 400 {
					// Indistinguishable from an id that exists nowhere.
					twin := target.unknownTwin(at)
					tcode, _, tbody := c.raw(twin.method, twin.path, bodyReader(twin.body), map[string]string{"Content-Type": "application/json"})
					if tcode != code || !bytes.Equal(tbody, body) {
						t.Errorf("%s: got %d %s; for an unknown id %d %s: the difference tells the id exists",
							what, code, body, tcode, tbody)
					}
				}
			}
		})
	}

	// Nothing of either workspace changed.
	va.mustBeIntact(t)
	vb.mustBeIntact(t)
}

// mustBeIntact fails tb unless the victim's things are as seedVictim left
// them.
func (v *victim) mustBeIntact(tb testing.TB) {
	tb.Helper()
	c := v.c.in(tb)
	var p graph.Person
	c.must(200, "GET", "/api/v1/people/"+v.ids["person"], nil, &p)
	var n graph.Note
	c.must(200, "GET", "/api/v1/notes/"+v.ids["note"], nil, &n)
	var i graph.Interaction
	c.must(200, "GET", "/api/v1/interactions/"+v.ids["interaction"], nil, &i)
	var in graph.Introduction
	c.must(200, "GET", "/api/v1/introductions/"+v.ids["introduction"], nil, &in)
	var u graph.User
	c.must(200, "GET", "/api/v1/members/"+v.ids["owner"], nil, &u)
	var tie graph.Tie
	c.must(200, "GET", "/api/v1/ties/"+v.ids["tie"], nil, &tie)
	var toks struct{ Items []graph.Token }
	c.must(200, "GET", "/api/v1/tokens?user_id="+v.ids["member"], nil, &toks)
	var people struct{ Total int }
	c.must(200, "GET", "/api/v1/people", nil, &people)
	if p.Name != "Zephyrine Quill"+v.word || n.Body != "private-note-"+v.word || i.Notes != "interaction-notes-"+v.word ||
		in.Status != graph.IntroRequested || u.Role != graph.RoleOwner || u.PersonID != v.ids["me"] ||
		tie.Context != "tie-context-"+v.word || len(toks.Items) != 1 || !toks.Items[0].RevokedAt.IsZero() || people.Total != v.people {
		tb.Errorf("workspace %s changed: %+v %+v %+v %+v %+v %+v %+v, %d people", v.ids["workspace"], p, n, i, in, u, tie,
			toks.Items, people.Total)
	}
}

func bodyReader(body any) *bytes.Reader {
	switch b := body.(type) {
	case nil:
		return bytes.NewReader(nil)
	case string:
		return bytes.NewReader([]byte(b))
	default:
		j, _ := json.Marshal(b)
		return bytes.NewReader(j)
	}
}

func containsFold(b []byte, s string) bool {
	return bytes.Contains(bytes.ToLower(b), []byte(strings.ToLower(s)))
}

// foundNothing reports whether a list or an intro-paths answer is empty.
func foundNothing(body []byte) bool {
	var r struct {
		Items *[]any
		Total *int
		Paths *[]any
	}
	if json.Unmarshal(body, &r) != nil {
		return false
	}
	switch {
	case r.Items != nil:
		return len(*r.Items) == 0 && r.Total != nil && *r.Total == 0
	case r.Paths != nil:
		return len(*r.Paths) == 0
	}
	return false
}
