package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/api"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// dupWorld makes two records of one person (Ana, from Google and from
// LinkedIn, at Umbrella, who both know Xavi) and a stranger.
func dupWorld(t *testing.T, c *client) (ana, ana2, xavi map[string]any) {
	t.Helper()
	for _, p := range []struct {
		body map[string]any
		out  *map[string]any
	}{
		{map[string]any{"name": "Ana García", "emails": []string{"ana@umbrella.example"}, "company": "Umbrella"}, &ana},
		{map[string]any{"name": "Ana Garcia", "linkedin_url": "https://www.linkedin.com/in/ana-garcia-1", "company": "Umbrella", "title": "CTO"}, &ana2},
		{map[string]any{"name": "Xavi Puig"}, &xavi},
	} {
		if code := c.do("POST", "/api/v1/people", p.body, p.out); code != 201 {
			t.Fatalf("create person: %d", code)
		}
	}
	for _, pair := range [][2]any{{ana["id"], xavi["id"]}, {ana2["id"], xavi["id"]}, {c.user.PersonID, ana["id"]}, {c.user.PersonID, ana2["id"]}} {
		if code := c.do("POST", "/api/v1/ties", map[string]any{"person_a": pair[0], "person_b": pair[1]}, nil); code != 201 {
			t.Fatalf("create tie: %d", code)
		}
	}
	return ana, ana2, xavi
}

func TestDuplicatesAndMerge(t *testing.T) {
	c := newServer(t)
	if code := c.do("GET", "/app/duplicates", nil, nil); code != 200 {
		t.Errorf("the page: %d", code)
	}
	ana, ana2, _ := dupWorld(t, c)
	if code := c.do("POST", "/api/v1/people/"+ana2["id"].(string)+"/notes", map[string]any{"body": "Owner's private note."}, nil); code != 201 {
		t.Fatalf("note: %d", code)
	}

	type dupList struct {
		Items []struct {
			A, B     map[string]any
			Score    float64
			Evidence []map[string]any
		}
		Total int
		Stale bool
	}
	var dups dupList
	// fresh lists the duplicates once they are found at the workspace's
	// version (after a write, the last list comes first, stale).
	fresh := func(what string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if dups = (dupList{}); c.do("GET", "/api/v1/duplicates/people", nil, &dups) != 200 {
				t.Fatalf("duplicates %s: %+v", what, dups)
			}
			if !dups.Stale {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("duplicates %s: still stale after 20 s", what)
			}
		}
	}
	if code := c.do("GET", "/api/v1/duplicates/people", nil, &dups); code != 200 || dups.Total != 1 {
		t.Fatalf("duplicates: %d %+v", code, dups)
	}
	if p := dups.Items[0]; !(p.A["id"] == ana["id"] || p.B["id"] == ana["id"]) || p.Score < 0.5 || len(p.Evidence) < 2 {
		t.Errorf("pair %+v", p)
	}
	for _, o := range []map[string]any{{"name": "Acme"}, {"name": "ACME Inc."}} {
		if code := c.do("POST", "/api/v1/organizations", o, nil); code != 201 {
			t.Fatalf("org: %d", code)
		}
	}
	var orgs struct {
		Total int
		Items []struct{ Score float64 }
	}
	if code := c.do("GET", "/api/v1/duplicates/organizations", nil, &orgs); code != 200 || orgs.Total != 1 {
		t.Fatalf("organisation duplicates: %d %+v", code, orgs)
	}

	// min_score keeps the pairs scoring at least that, and their clusters.
	above := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	for _, tc := range []struct {
		path  string
		score float64
	}{{"/api/v1/duplicates/people", dups.Items[0].Score}, {"/api/v1/duplicates/organizations", orgs.Items[0].Score}} {
		var at, over struct {
			Total    int
			Clusters []any
		}
		if code := c.do("GET", tc.path+"?min_score="+above(tc.score), nil, &at); code != 200 || at.Total != 1 {
			t.Errorf("%s at its pair's score %v: %d %+v, want the pair", tc.path, tc.score, code, at)
		}
		if tc.score < 1 {
			if code := c.do("GET", tc.path+"?min_score="+above(tc.score+0.001), nil, &over); code != 200 || over.Total != 0 ||
				len(over.Clusters) != 0 {
				t.Errorf("%s over its pair's score: %d %+v, want none", tc.path, code, over)
			}
		}
		if e := c.fails(400, "GET", tc.path+"?min_score=high", nil); e.Error.Field != "min_score" {
			t.Errorf("%s min_score=high: %+v", tc.path, e)
		}
		if e := c.fails(422, "GET", tc.path+"?min_score=1.5", nil); e.Error.Field != "min_score" ||
			!strings.Contains(e.Error.Message, "between 0 and 1") {
			t.Errorf("%s min_score=1.5: %+v", tc.path, e)
		}
	}

	// A member who is not the owner sees the preview without the owner's
	// note, and may not merge the owner's contacts.
	member := &graph.User{WorkspaceID: c.ws.ID, Name: "Teammate", Role: graph.RoleMember}
	if err := neo4jtest.Open(t).CreateUser(context.Background(), member); err != nil {
		t.Fatal(err)
	}
	m := c.as(member)
	q := "/api/v1/merges/preview?survivor_id=" + ana["id"].(string) + "&absorbed_id=" + ana2["id"].(string)
	var preview struct {
		Result  map[string]any
		Moves   map[string]int
		Allowed bool
	}
	if code := m.do("GET", q, nil, &preview); code != 200 || preview.Allowed || preview.Moves["your_notes"] != 0 {
		t.Errorf("member's preview: %d %+v", code, preview)
	}
	var raw map[string]any
	m.do("GET", q, nil, &raw)
	if b := strings.ToLower(fmtJSON(raw)); strings.Contains(b, "private note") {
		t.Errorf("the preview shows a teammate's note: %s", b)
	}
	var e apiError
	if code := m.do("POST", "/api/v1/merges", map[string]any{"survivor_id": ana["id"], "absorbed_id": ana2["id"]}, &e); code != 403 {
		t.Errorf("member merges the owner's contacts: %d %+v", code, e)
	}

	if code := c.do("GET", q, nil, &preview); code != 200 || !preview.Allowed || preview.Moves["your_notes"] != 1 ||
		preview.Moves["combined"] != 2 || preview.Result["title"] != "CTO" {
		t.Fatalf("owner's preview: %d %+v", code, preview)
	}
	var merge map[string]any
	if code := c.do("POST", "/api/v1/merges", map[string]any{"survivor_id": ana["id"], "absorbed_id": ana2["id"]}, &merge); code != 201 {
		t.Fatalf("merge: %d %+v", code, merge)
	}
	if code := c.do("GET", "/api/v1/people/"+ana2["id"].(string), nil, nil); code != 404 {
		t.Errorf("absorbed person: %d", code)
	}
	var hist struct{ Items []map[string]any }
	if code := c.do("GET", "/api/v1/merges?person_id="+ana["id"].(string), nil, &hist); code != 200 || len(hist.Items) != 1 {
		t.Errorf("history: %d %+v", code, hist)
	}
	id := merge["id"].(string)
	if code := c.do("GET", "/api/v1/merges/"+id, nil, nil); code != 200 {
		t.Errorf("get merge: %d", code)
	}
	// At once, from the last list: the merged pair is gone.
	if dups = (dupList{}); c.do("GET", "/api/v1/duplicates/people", nil, &dups) != 200 || dups.Total != 0 || !dups.Stale {
		t.Errorf("duplicates right after the merge: %+v, want none, stale", dups)
	}
	if fresh("after the merge"); dups.Total != 0 {
		t.Errorf("duplicates after the merge: %+v", dups)
	}
	if code := m.do("POST", "/api/v1/merges/"+id+"/undo", map[string]any{}, &e); code != 403 {
		t.Errorf("a member undoes the owner's merge: %d", code)
	}
	if code := c.do("POST", "/api/v1/merges/"+id+"/undo", map[string]any{"new_to": "absorbed"}, &merge); code != 200 || merge["undone_at"] == nil {
		t.Fatalf("undo: %d %+v", code, merge)
	}
	if code := c.do("GET", "/api/v1/people/"+ana2["id"].(string), nil, nil); code != 200 {
		t.Errorf("absorbed person after undo: %d", code)
	}
	// The list is kept between requests only while the workspace does not
	// change: after the undo the pair is back, and an edit shows at once.
	if fresh("after the undo"); dups.Total != 1 {
		t.Errorf("duplicates after the undo: %+v", dups)
	}
	// An edit shows at once, in the last list read afresh.
	if code := c.do("PATCH", "/api/v1/people/"+ana2["id"].(string), map[string]any{"title": "Chief Technology Officer"}, nil); code != 200 {
		t.Fatalf("edit: %d", code)
	}
	if dups = (dupList{}); c.do("GET", "/api/v1/duplicates/people", nil, &dups) != 200 || dups.Total != 1 || !dups.Stale ||
		(dups.Items[0].A["title"] != "Chief Technology Officer" && dups.Items[0].B["title"] != "Chief Technology Officer") {
		t.Errorf("duplicates right after an edit: %+v", dups)
	}
	if fresh("after an edit"); dups.Total != 1 {
		t.Errorf("duplicates after an edit: %+v", dups)
	}
	if code := c.do("POST", "/api/v1/merges/"+id+"/undo", map[string]any{}, &e); code != 409 {
		t.Errorf("second undo: %d %+v", code, e)
	}
}

func TestMergeBadInput(t *testing.T) {
	c := newServer(t)
	ana, ana2, xavi := dupWorld(t, c)
	var e apiError
	if code := c.do("POST", "/api/v1/merges", map[string]any{"survivor_id": ana["id"], "absorbed_id": ana["id"]}, &e); code != 422 {
		t.Errorf("a person with themselves: %d %+v", code, e)
	}
	other := newServer(t)
	var stranger map[string]any
	other.do("POST", "/api/v1/people", map[string]any{"name": "Stranger"}, &stranger)
	if code := c.do("POST", "/api/v1/merges", map[string]any{"survivor_id": ana["id"], "absorbed_id": stranger["id"]}, &e); code != 404 {
		t.Errorf("a person of another workspace: %d %+v", code, e)
	}
	if code := other.do("GET", "/api/v1/people/"+stranger["id"].(string), nil, nil); code != 200 {
		t.Errorf("the other workspace's person: %d", code)
	}
	if code := c.do("GET", "/api/v1/merges/preview?survivor_id="+ana["id"].(string), nil, &e); code != 422 {
		t.Errorf("preview without absorbed: %d", code)
	}
	if code := c.do("POST", "/api/v1/merges/"+graph.NewID()+"/undo", map[string]any{}, &e); code != 404 {
		t.Errorf("undo of no merge: %d", code)
	}

	// A chain: Ana2 into Ana while Ana into Xavi, both from one preview.
	versions := map[string]string{}
	for _, p := range []map[string]any{ana, ana2, xavi} {
		var got map[string]any
		c.do("GET", "/api/v1/people/"+p["id"].(string), nil, &got)
		versions[p["id"].(string)] = got["updated_at"].(string)
	}
	var codes [2]int
	var wg sync.WaitGroup
	for i, pair := range [][2]map[string]any{{ana, ana2}, {xavi, ana}} {
		wg.Go(func() {
			codes[i] = c.do("POST", "/api/v1/merges", map[string]any{"survivor_id": pair[0]["id"], "absorbed_id": pair[1]["id"],
				"survivor_version": versions[pair[0]["id"].(string)], "absorbed_version": versions[pair[1]["id"].(string)]}, nil)
		})
	}
	wg.Wait()
	if !(codes[0] == 201 && codes[1] == 409 || codes[0] == 409 && codes[1] == 201) {
		t.Errorf("concurrent chain: %v, want one 201 and one 409", codes)
	}

	// Unmerge after the merged person was deleted.
	var hist struct{ Items []map[string]any }
	c.do("GET", "/api/v1/merges", nil, &hist)
	if len(hist.Items) != 1 {
		t.Fatalf("history %+v", hist)
	}
	survivor := hist.Items[0]["survivor_id"].(string)
	if code := c.do("DELETE", "/api/v1/people/"+survivor, nil, nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if code := c.do("POST", "/api/v1/merges/"+hist.Items[0]["id"].(string)+"/undo", map[string]any{}, &e); code != 409 ||
		!strings.Contains(e.Error.Message, "deleted") {
		t.Errorf("undo after the merged person was deleted: %d %+v", code, e)
	}
}

func fmtJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestMergeEqualsNeverSplit builds one network twice: once as it is, once
// with Ana split in two records (a LinkedIn one holding part of her ties,
// interactions and her position), and merges the split. Intro paths,
// strengths and the dormant report must then be the same in both.
func TestMergeEqualsNeverSplit(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Hour)
	build := func(split bool) (*client, map[string]string) {
		c := newServer(t)
		ids := map[string]string{"Me": c.user.PersonID}
		for _, n := range []string{"Ana García", "Xavi Puig", "Yolanda Sanz", "Zoe Ortiz"} {
			ids[n] = c.person(map[string]any{"name": n}).ID
		}
		twin := ids["Ana García"]
		if split {
			twin = c.person(map[string]any{"name": "Ana Garcia", "linkedin_url": "https://www.linkedin.com/in/ana-g"}).ID
		}
		var org graph.Organization
		c.must(201, "POST", "/api/v1/organizations", map[string]any{"name": "Umbrella"}, &org)
		c.must(201, "POST", "/api/v1/employment", map[string]any{"person_id": twin, "organization_id": org.ID, "title": "CTO"}, nil)
		c.must(201, "POST", "/api/v1/employment", map[string]any{"person_id": ids["Zoe Ortiz"], "organization_id": org.ID}, nil)
		since := now.AddDate(-3, 0, 0).Format(time.RFC3339)
		strength := 0.9
		for _, tie := range []struct {
			a, b     string
			strength *float64
		}{
			{ids["Me"], ids["Ana García"], &strength}, {ids["Me"], ids["Xavi Puig"], nil},
			{ids["Ana García"], ids["Yolanda Sanz"], nil}, {twin, ids["Zoe Ortiz"], nil}, {ids["Yolanda Sanz"], ids["Zoe Ortiz"], nil},
		} {
			body := map[string]any{"person_a": tie.a, "person_b": tie.b, "since": since}
			if tie.strength != nil {
				body["strength"] = *tie.strength
			}
			c.must(201, "POST", "/api/v1/ties", body, nil)
		}
		if split { // the LinkedIn record's own tie to me, as an import makes it
			c.must(201, "POST", "/api/v1/ties", map[string]any{"person_a": ids["Me"], "person_b": twin, "since": since}, nil)
		}
		for i, days := range []int{400, 300, 250, 200} {
			who := ids["Ana García"]
			if i%2 == 1 {
				who = twin
			}
			c.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": "coffee", "with": []string{who},
				"at": now.AddDate(0, 0, -days).Format(time.RFC3339), "initiated_by": "me"}, nil)
		}
		c.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": "call", "with": []string{ids["Xavi Puig"]},
			"at": now.AddDate(0, 0, -3).Format(time.RFC3339)}, nil)
		if split {
			c.must(201, "POST", "/api/v1/merges", map[string]any{"survivor_id": ids["Ana García"], "absorbed_id": twin}, nil)
		}
		return c, ids
	}
	type answers struct {
		Paths     []string
		Strengths []string
		Dormant   []string
	}
	ask := func(c *client, ids map[string]string) answers {
		var a answers
		var paths struct {
			Paths []struct {
				Names []string
				Score float64
			}
		}
		c.must(200, "GET", "/api/v1/intro-paths?k=5&to="+ids["Zoe Ortiz"], nil, &paths)
		for _, p := range paths.Paths {
			a.Paths = append(a.Paths, fmt.Sprintf("%v %.6f", p.Names[1:], p.Score))
		}
		var st struct {
			Ties []struct {
				Name     string
				Strength float64
				Reasons  []analytics.Reason
			}
		}
		c.must(200, "GET", "/api/v1/people/"+ids["Ana García"]+"/strengths", nil, &st)
		for _, tie := range st.Ties {
			a.Strengths = append(a.Strengths, fmt.Sprintf("%s %.6f %v", tie.Name, tie.Strength, tie.Reasons))
		}
		var dormant struct {
			Dormant []struct {
				Name  string
				Value float64
				Days  int `json:"days_dormant"`
			}
		}
		c.must(200, "GET", "/api/v1/dormant?days=180", nil, &dormant)
		for _, d := range dormant.Dormant {
			a.Dormant = append(a.Dormant, fmt.Sprintf("%s %.6f %d", d.Name, d.Value, d.Days))
		}
		return a
	}
	whole, wholeIDs := build(false)
	merged, mergedIDs := build(true)
	want, got := ask(whole, wholeIDs), ask(merged, mergedIDs)
	if len(want.Paths) == 0 || len(want.Strengths) == 0 || len(want.Dormant) == 0 {
		t.Fatalf("the network asks nothing: %+v", want)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after the merge:\n%+v\nnever split:\n%+v", got, want)
	}
}

// TestDuplicatesFromNetwork: with the workspace's analytics network loaded
// at the workspace's version, the finder takes who knows whom from it
// rather than from Neo4j; the list, evidence included, is the same.
func TestDuplicatesFromNetwork(t *testing.T) {
	c := newServer(t)
	dupWorld(t, c)
	var cold, warm map[string]any
	c.must(200, "GET", "/api/v1/duplicates/people", nil, &cold)
	if b := fmtJSON(cold); !strings.Contains(b, "1 contact both know") {
		t.Fatalf("no shared contact in the evidence: %s", b)
	}
	// A second server on the workspace, its network loaded first.
	srv := api.New(api.Options{Store: neo4jtest.Open(t), RateLimit: -1})
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	defer srv.Close()
	d := *c
	d.url, d.server = hs.URL, srv
	d.must(200, "GET", "/api/v1/communities", nil, nil)
	if f, ok := srv.Analytics().Status(c.ws.ID); !ok || f.Stale {
		t.Fatalf("network not loaded: %+v %v", f, ok)
	}
	d.must(200, "GET", "/api/v1/duplicates/people", nil, &warm)
	if a, b := fmtJSON(cold), fmtJSON(warm); a != b {
		t.Errorf("from Neo4j:\n%s\nfrom the network:\n%s", a, b)
	}
}
