package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
)

// End-to-end tests of every endpoint: the real server on the real Neo4j,
// through the contract-checking transport (contract_test.go).

// quietLogs keeps request logs out of the test output.
func quietLogs(o *api.Options) { o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil)) }

// in returns the client reporting to tb, for use inside a subtest.
func (c *client) in(tb testing.TB) *client {
	cp := *c
	cp.tb = tb
	return &cp
}

// raw sends body as it is, with the given headers (and the client's token
// unless the headers set Authorization), and returns the status and body.
func (c *client) raw(method, path string, body io.Reader, header map[string]string) (int, http.Header, []byte) {
	c.tb.Helper()
	req, err := http.NewRequest(method, c.url+path, body)
	if err != nil {
		c.tb.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.tb.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// call sends body as JSON (a string or []byte as it is) and returns the
// status and the raw answer.
func (c *client) call(method, path string, body any) (int, []byte) {
	c.tb.Helper()
	var r io.Reader
	h := map[string]string{}
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.tb.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	if r != nil {
		h["Content-Type"] = "application/json"
	}
	code, _, raw := c.raw(method, path, r, h)
	return code, raw
}

// must calls and fails unless the answer has status want; it decodes the
// answer into out when out is not nil.
func (c *client) must(want int, method, path string, body, out any) {
	c.tb.Helper()
	code, raw := c.call(method, path, body)
	if code != want {
		c.tb.Fatalf("%s %s: got %d %s, want %d", method, path, code, raw, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.tb.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
}

// fails calls and fails unless the answer is the error shape with status
// want and that status's code; it returns the error.
func (c *client) fails(want int, method, path string, body any) apiError {
	c.tb.Helper()
	code, raw := c.call(method, path, body)
	var e apiError
	if err := json.Unmarshal(raw, &e); err != nil || code != want || e.Error.Code != codeOf[want] || e.Error.Message == "" {
		c.tb.Fatalf("%s %s: got %d %s, want %d with code %s", method, path, code, raw, want, codeOf[want])
	}
	return e
}

// codeOf is errors.go's table read backwards.
var codeOf = map[int]string{400: "bad_request", 401: graph.EUNAUTHORIZED, 403: graph.EFORBIDDEN, 404: graph.ENOTFOUND,
	405: "method_not_allowed", 409: graph.ECONFLICT, 413: graph.ETOOLARGE, 422: graph.EINVALID, 429: graph.ERATELIMITED}

// member adds a member with a role through the API and returns their client.
func (c *client) member(name string, role graph.Role) *client {
	c.tb.Helper()
	var u graph.User
	c.must(201, "POST", "/api/v1/members", map[string]any{"name": name, "role": role}, &u)
	var tok struct{ Secret string }
	c.must(201, "POST", "/api/v1/tokens", map[string]any{"name": "e2e", "user_id": u.ID}, &tok)
	cp := *c
	cp.token, cp.user = tok.Secret, &u
	return &cp
}

func (c *client) person(fields map[string]any) graph.Person {
	c.tb.Helper()
	var p graph.Person
	c.must(201, "POST", "/api/v1/people", fields, &p)
	return p
}

func (c *client) tie(a, b string) graph.Tie {
	c.tb.Helper()
	var t graph.Tie
	c.must(201, "POST", "/api/v1/ties", map[string]any{"person_a": a, "person_b": b}, &t)
	return t
}

// unknownID has the shape of an id and names nothing.
func unknownID() string { return graph.NewID() }

func TestE2EOperations(t *testing.T) {
	c := newServer(t, quietLogs)
	anon := *c
	anon.token = ""
	var ready struct{ Status string }
	anon.must(200, "GET", "/readyz", nil, &ready)
	if ready.Status != "ready" {
		t.Errorf("readyz: got %q, want ready", ready.Status)
	}
	// Metrics are the scraper's: no token, a member's token or a wrong
	// one is 401; a server without a metrics token serves none (404).
	for _, auth := range []string{"", "Bearer " + c.token, "Bearer not-the-metrics-token"} {
		if code, _, body := anon.raw("GET", "/metrics", nil, map[string]string{"Authorization": auth}); code != 401 ||
			bytes.Contains(body, []byte("nexo_http_requests_total")) {
			t.Errorf("metrics with %q: got %d %.100s, want 401", auth, code, body)
		}
	}
	if code, _, body := newServer(t, quietLogs, func(o *api.Options) { o.MetricsToken = "" }).raw("GET", "/metrics", nil,
		map[string]string{"Authorization": "Bearer " + metricsToken}); code != 404 {
		t.Errorf("metrics without NEXO_METRICS_TOKEN: got %d %.100s, want 404", code, body)
	}
	code, h, body := anon.raw("GET", "/metrics", nil, map[string]string{"Authorization": "Bearer " + metricsToken})
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") ||
		!bytes.Contains(body, []byte(`nexo_http_requests_total{method="GET",route="/readyz",status="200"} 1`)) {
		t.Errorf("metrics: got %d %s, want the readyz request counted by route", code, h.Get("Content-Type"))
	}
	if bytes.Contains(body, []byte(c.ws.ID)) {
		t.Error("metrics carry a workspace id")
	}
	var doc struct{ OpenAPI string }
	anon.must(200, "GET", "/api/v1/openapi.json", nil, &doc)
	if doc.OpenAPI == "" {
		t.Error("openapi.json: no openapi version")
	}
	code, h, _ = c.raw("GET", "/api/v1/me", nil, map[string]string{"X-Request-Id": "trace-me-42"})
	if code != 200 || h.Get("X-Request-Id") != "trace-me-42" {
		t.Errorf("request id: got %d %q, want the client's id echoed", code, h.Get("X-Request-Id"))
	}

	t.Run("ErrUnknownRoute", func(t *testing.T) {
		c := c.in(t)
		c.fails(404, "GET", "/api/v1/nothing-here", nil)
		c.fails(404, "GET", "/nothing-here", nil)
		c.fails(404, "GET", "/api/v1/people/"+unknownID()+"/nothing", nil)
	})
	t.Run("ErrMethodNotAllowed", func(t *testing.T) {
		c := c.in(t)
		c.fails(405, "PUT", "/api/v1/people", `{}`)
		c.fails(405, "DELETE", "/api/v1/people", nil)
	})
}

func TestE2EAuth(t *testing.T) {
	c := newServer(t, quietLogs)
	for name, header := range map[string]string{
		"ErrNoToken":   "",
		"ErrNotBearer": "Basic dXNlcjpwYXNz",
		"ErrNoPrefix":  "Bearer " + strings.Repeat("a", 57),
		"ErrUnknown":   "Bearer nexo_" + strings.Repeat("z", 52),
		"ErrTooLong":   "Bearer nexo_" + strings.Repeat("z", 300),
	} {
		t.Run(name, func(t *testing.T) {
			c := c.in(t)
			code, h, body := c.raw("GET", "/api/v1/people", nil, map[string]string{"Authorization": header})
			if code != 401 || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") || !bytes.Contains(body, []byte(`"unauthorized"`)) {
				t.Fatalf("got %d %q %s, want 401 with a Bearer challenge", code, h.Get("WWW-Authenticate"), body)
			}
		})
	}
	t.Run("ErrRevoked", func(t *testing.T) {
		c := c.in(t)
		var tok struct{ ID, Secret string }
		c.must(201, "POST", "/api/v1/tokens", map[string]string{"name": "short-lived"}, &tok)
		other := *c
		other.token = tok.Secret
		other.must(200, "GET", "/api/v1/me", nil, nil)
		c.must(204, "DELETE", "/api/v1/tokens/"+tok.ID, nil, nil)
		other.fails(401, "GET", "/api/v1/me", nil)
		c.fails(404, "DELETE", "/api/v1/tokens/"+unknownID(), nil)
		c.fails(404, "DELETE", "/api/v1/tokens/not-an-id", nil)
	})
	t.Run("ErrMemberRemoved", func(t *testing.T) {
		c := c.in(t)
		m := c.member("Leaving Soon", graph.RoleMember)
		m.must(200, "GET", "/api/v1/me", nil, nil)
		c.must(204, "DELETE", "/api/v1/members/"+m.user.ID, nil, nil)
		m.fails(401, "GET", "/api/v1/me", nil)
	})
}

func TestE2ERateLimit(t *testing.T) {
	c := newServer(t, quietLogs, func(o *api.Options) { o.RateLimit = 1 }) // burst 3
	limited := 0
	for range 8 {
		code, h, body := c.raw("GET", "/api/v1/me", nil, nil)
		if code == 429 {
			limited++
			if h.Get("Retry-After") == "" || !bytes.Contains(body, []byte(`"rate_limited"`)) {
				t.Fatalf("429 without Retry-After or code: %v %s", h, body)
			}
		} else if code != 200 {
			t.Fatalf("got %d %s", code, body)
		}
	}
	if limited == 0 {
		t.Fatal("8 requests at once with a limit of 1/s (burst 3): got no 429")
	}
	// The limit is per token: another token of the same workspace goes on.
	other := c.as(c.user)
	other.must(200, "GET", "/api/v1/me", nil, nil)
}

func TestE2EBodyLimits(t *testing.T) {
	c := newServer(t, quietLogs, func(o *api.Options) { o.MaxBodyBytes = 1024 })
	big := `{"name": "` + strings.Repeat("x", 2000) + `"}`
	t.Run("ErrTooLargeDeclared", func(t *testing.T) {
		c.in(t).fails(413, "POST", "/api/v1/people", big)
	})
	t.Run("ErrTooLargeChunked", func(t *testing.T) {
		c := c.in(t)
		// No Content-Length: the limit bites while the body is read.
		code, _, body := c.raw("POST", "/api/v1/people", io.MultiReader(strings.NewReader(big)),
			map[string]string{"Content-Type": "application/json"})
		if code != 413 || !bytes.Contains(body, []byte(`"too_large"`)) {
			t.Fatalf("got %d %s, want 413", code, body)
		}
	})
	var people graph.Person
	c.must(201, "POST", "/api/v1/people", map[string]string{"name": "Small Enough"}, &people)
	var l struct{ Total int }
	c.must(200, "GET", "/api/v1/people?name="+url.QueryEscape("x"), nil, &l)
	if l.Total != 0 {
		t.Errorf("a refused body was stored: %d people named x…", l.Total)
	}
	// The default limit is 1 MiB.
	d := newServer(t, quietLogs)
	d.fails(413, "POST", "/api/v1/people", `{"name": "`+strings.Repeat("y", 1<<20)+`"}`)
}

func TestE2EMembersAndTokens(t *testing.T) {
	c := newServer(t, quietLogs)
	var me struct {
		User      graph.User
		Person    graph.Person
		Workspace graph.Workspace
		Token     graph.Token
	}
	c.must(200, "GET", "/api/v1/me", nil, &me)
	if me.User.ID != c.user.ID || me.Workspace.ID != c.ws.ID || me.Person.ID != c.user.PersonID || me.Token.UserID != c.user.ID {
		t.Fatalf("me: got %+v", me)
	}
	m := c.member("Bea Santos", graph.RoleMember)
	v := c.member("Vic Viewer", graph.RoleViewer)
	if m.user.PersonID == "" {
		t.Fatal("a new member got no own person")
	}
	var members struct {
		Items []graph.User
		Total int
	}
	v.must(200, "GET", "/api/v1/members", nil, &members)
	if members.Total != 3 || len(members.Items) != 3 {
		t.Fatalf("members: got %d, want 3", members.Total)
	}
	var got graph.User
	m.must(200, "GET", "/api/v1/members/"+v.user.ID, nil, &got)
	if got.Role != graph.RoleViewer {
		t.Errorf("viewer's role: got %s", got.Role)
	}
	var own graph.Person
	c.must(200, "GET", "/api/v1/people/"+m.user.PersonID, nil, &own)
	if own.Name != "Bea Santos" {
		t.Errorf("member's own person: got %q", own.Name)
	}

	t.Run("UpdateOwnProfile", func(t *testing.T) {
		m := m.in(t)
		var u graph.User
		m.must(200, "PATCH", "/api/v1/members/"+m.user.ID, map[string]any{"time_zone": "Europe/Madrid", "locale": "es"}, &u)
		if u.TimeZone != "Europe/Madrid" || u.Locale != "es" || u.Role != graph.RoleMember {
			t.Fatalf("got %+v", u)
		}
		m.fails(422, "PATCH", "/api/v1/members/"+m.user.ID, map[string]any{"time_zone": "Mars/Olympus"})
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		m := m.in(t)
		m.fails(403, "POST", "/api/v1/members", map[string]any{"name": "Sneaky"})
		m.fails(403, "DELETE", "/api/v1/members/"+v.user.ID, nil)
		m.fails(403, "PATCH", "/api/v1/members/"+v.user.ID, map[string]any{"name": "Renamed"})
		m.fails(403, "PATCH", "/api/v1/members/"+m.user.ID, map[string]any{"role": "owner"})
		m.fails(403, "POST", "/api/v1/tokens", map[string]any{"name": "for vic", "user_id": v.user.ID})
		v.in(t).fails(403, "POST", "/api/v1/members", map[string]any{"name": "Sneaky"})
	})
	t.Run("Tokens", func(t *testing.T) {
		c, m := c.in(t), m.in(t)
		var mine struct {
			Items []graph.Token
			Total int
		}
		m.must(200, "GET", "/api/v1/tokens", nil, &mine)
		if mine.Total != 1 || mine.Items[0].UserID != m.user.ID {
			t.Fatalf("member's tokens: got %+v, want only their own", mine)
		}
		var all struct{ Total int }
		c.must(200, "GET", "/api/v1/tokens", nil, &all)
		c.must(200, "GET", "/api/v1/tokens?user_id="+m.user.ID, nil, &mine)
		if all.Total < 3 || mine.Total != 1 {
			t.Fatalf("owner's view: %d tokens, %d of the member; want ≥ 3 and 1", all.Total, mine.Total)
		}
		// A member cannot revoke someone else's token; it is not found.
		var owners struct{ Items []graph.Token }
		c.must(200, "GET", "/api/v1/tokens?user_id="+c.user.ID, nil, &owners)
		m.fails(404, "DELETE", "/api/v1/tokens/"+owners.Items[0].ID, nil)
		c.fails(404, "POST", "/api/v1/tokens", map[string]any{"name": "ghost", "user_id": unknownID()})
		c.fails(422, "POST", "/api/v1/tokens", map[string]any{"name": " "})
	})
	t.Run("Roles", func(t *testing.T) {
		c := c.in(t)
		var u graph.User
		c.must(200, "PATCH", "/api/v1/members/"+v.user.ID, map[string]any{"role": "member"}, &u)
		v.in(t).must(201, "POST", "/api/v1/people", map[string]any{"name": "Now I Can Write"}, nil)
		c.must(200, "PATCH", "/api/v1/members/"+v.user.ID, map[string]any{"role": "viewer"}, &u)
		v.in(t).fails(403, "POST", "/api/v1/people", map[string]any{"name": "Not Any More"})
	})
	t.Run("ErrLastOwner", func(t *testing.T) {
		c := c.in(t)
		c.fails(409, "PATCH", "/api/v1/members/"+c.user.ID, map[string]any{"role": "member"})
		c.fails(409, "DELETE", "/api/v1/members/"+c.user.ID, nil)
		// With a second owner, the first may step down.
		o2 := c.member("Second Owner", graph.RoleOwner)
		o2.must(200, "PATCH", "/api/v1/members/"+c.user.ID, map[string]any{"role": "member"}, nil)
		o2.fails(409, "DELETE", "/api/v1/members/"+o2.user.ID, nil)
		o2.must(200, "PATCH", "/api/v1/members/"+c.user.ID, map[string]any{"role": "owner"}, nil)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		c := c.in(t)
		c.fails(404, "GET", "/api/v1/members/"+unknownID(), nil)
		c.fails(404, "GET", "/api/v1/members/xyz", nil)
		c.fails(404, "PATCH", "/api/v1/members/"+unknownID(), map[string]any{"name": "x"})
		c.fails(404, "DELETE", "/api/v1/members/"+unknownID(), nil)
		c.fails(404, "POST", "/api/v1/members", map[string]any{"name": "Ghost", "person_id": unknownID()})
	})
	t.Run("Remove", func(t *testing.T) {
		c := c.in(t)
		gone := c.member("Short Stay", graph.RoleViewer)
		c.must(204, "DELETE", "/api/v1/members/"+gone.user.ID, nil, nil)
		c.fails(404, "GET", "/api/v1/members/"+gone.user.ID, nil)
	})
}

func TestE2EPeople(t *testing.T) {
	c := newServer(t, quietLogs)
	ana := c.person(map[string]any{"name": "Ana García", "emails": []string{" Ana@Globex.Example "},
		"title": "Data Lead", "location": "Madrid", "tags": []string{"investor"}, "skills": []string{"data analysis"},
		"linkedin_url": "http://es.linkedin.com/in/AnaG/?trk=x"})
	if ana.Emails[0] != "ana@globex.example" || ana.LinkedInURL != "https://www.linkedin.com/in/anag" || ana.Source != "manual" {
		t.Errorf("create normalises: got %+v", ana)
	}
	cleo := c.person(map[string]any{"first_name": "Cleo", "last_name": "Okafor", "title": "CTO", "company": "Globex"})
	if cleo.Name != "Cleo Okafor" || cleo.Company != "Globex" {
		t.Errorf("create with company: got %+v", cleo)
	}
	var emp struct{ Items []graph.Employment }
	c.must(200, "GET", "/api/v1/employment?person_id="+cleo.ID, nil, &emp)
	if len(emp.Items) != 1 || emp.Items[0].Title != "CTO" {
		t.Errorf("create with company records a position: got %+v", emp.Items)
	}
	// The same company again reuses the organisation.
	c.person(map[string]any{"name": "Dev Globex", "company": " globex "})
	var orgs struct{ Total int }
	c.must(200, "GET", "/api/v1/organizations?name=globex", nil, &orgs)
	if orgs.Total != 1 {
		t.Errorf("organizations named Globex: got %d, want 1", orgs.Total)
	}

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"q=globex", []string{"Ana García", "Cleo Okafor", "Dev Globex"}},
		{"name=cleo", []string{"Cleo Okafor"}},
		{"email=ana@", []string{"Ana García"}},
		{"company=Globex", []string{"Cleo Okafor", "Dev Globex"}},
		{"title=cto", []string{"Cleo Okafor"}},
		{"location=madrid", []string{"Ana García"}},
		{"tag=investor", []string{"Ana García"}},
		{"skill=data+analysis", []string{"Ana García"}},
		{"q=nobody-like-this", nil},
		{"q=globex&limit=1&offset=1", []string{"Cleo Okafor"}},
	} {
		var l struct {
			Items                []graph.Person
			Total, Offset, Limit int
		}
		c.must(200, "GET", "/api/v1/people?"+tc.query, nil, &l)
		var names []string
		for _, p := range l.Items {
			names = append(names, p.Name)
		}
		if strings.Join(names, "|") != strings.Join(tc.want, "|") {
			t.Errorf("people?%s: got %v, want %v", tc.query, names, tc.want)
		}
	}
	var page struct{ Total, Offset, Limit int }
	c.must(200, "GET", "/api/v1/people?q=globex&limit=1&offset=1", nil, &page)
	if page.Total != 3 || page.Offset != 1 || page.Limit != 1 {
		t.Errorf("page: got %+v, want total 3 offset 1 limit 1", page)
	}

	var upd graph.Person
	c.must(200, "PATCH", "/api/v1/people/"+ana.ID, map[string]any{"title": "Head of Data", "tags": []string{}}, &upd)
	if upd.Title != "Head of Data" || len(upd.Tags) != 0 || upd.Name != "Ana García" || len(upd.UserEdited) != 2 {
		t.Errorf("patch: got %+v", upd)
	}
	var again graph.Person
	c.must(200, "GET", "/api/v1/people/"+ana.ID, nil, &again)
	if again.Title != "Head of Data" {
		t.Errorf("get after patch: title %q", again.Title)
	}

	t.Run("ErrBadRequest", func(t *testing.T) {
		c := c.in(t)
		c.fails(400, "POST", "/api/v1/people", `{"name": "Unclosed"`)
		if e := c.fails(400, "POST", "/api/v1/people", `{"name": ["a"]}`); e.Error.Field != "name" {
			t.Errorf("wrong type: field %q, want name", e.Error.Field)
		}
		if e := c.fails(400, "POST", "/api/v1/people", `{"name": "A", "nickname": "B"}`); e.Error.Field != "nickname" {
			t.Errorf("unknown field: field %q, want nickname", e.Error.Field)
		}
		c.fails(400, "POST", "/api/v1/people", `{"name": "A"} {"name": "B"}`)
		c.fails(400, "POST", "/api/v1/people", nil)
		code, _, body := c.raw("POST", "/api/v1/people", strings.NewReader(`{"name": "Typed"}`),
			map[string]string{"Content-Type": "text/plain"})
		if code != 400 {
			t.Errorf("text/plain body: got %d %s, want 400", code, body)
		}
		for _, q := range []string{"limit=abc", "offset=-x", "limit=1.5"} {
			c.fails(400, "GET", "/api/v1/people?"+q, nil)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		c := c.in(t)
		tooMany := make([]string, 101)
		for i := range tooMany {
			tooMany[i] = fmt.Sprintf("skill %d", i)
		}
		for _, body := range []map[string]any{
			{"name": "  "},
			{"name": strings.Repeat("n", 201)},
			{"name": "A", "emails": []string{"not-an-email"}},
			{"name": "A", "title": strings.Repeat("t", 501)},
			{"name": "A", "skills": tooMany},
		} {
			if e := c.fails(422, "POST", "/api/v1/people", body); e.Error.Field == "" {
				t.Errorf("%.80v: no field named", body)
			}
		}
		for _, q := range []string{"limit=0", "limit=1001", "offset=-1"} {
			c.fails(422, "GET", "/api/v1/people?"+q, nil)
		}
		c.fails(422, "PATCH", "/api/v1/people/"+ana.ID, map[string]any{"name": "Kept", "emails": []string{"@@"}})
		var p graph.Person
		c.must(200, "GET", "/api/v1/people/"+ana.ID, nil, &p)
		if p.Name != "Ana García" {
			t.Errorf("a refused patch changed the name to %q", p.Name)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		c := c.in(t)
		for _, id := range []string{unknownID(), "short", strings.Repeat("i", 26), "..%2F..%2Fetc"} {
			c.fails(404, "GET", "/api/v1/people/"+id, nil)
			c.fails(404, "PATCH", "/api/v1/people/"+id, map[string]any{"name": "x"})
			c.fails(404, "DELETE", "/api/v1/people/"+id, nil)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		v := c.in(t).member("Read Only", graph.RoleViewer)
		v.must(200, "GET", "/api/v1/people/"+ana.ID, nil, nil)
		v.must(200, "GET", "/api/v1/people", nil, nil)
		v.fails(403, "POST", "/api/v1/people", map[string]any{"name": "Nope"})
		v.fails(403, "PATCH", "/api/v1/people/"+ana.ID, map[string]any{"name": "Nope"})
		v.fails(403, "DELETE", "/api/v1/people/"+ana.ID, nil)
	})
	t.Run("ErrConflict", func(t *testing.T) {
		c.in(t).fails(409, "DELETE", "/api/v1/people/"+c.user.PersonID, nil)
	})
	t.Run("NoPartialWrite", func(t *testing.T) {
		c := c.in(t)
		// The person is valid, the organisation is not: nothing is written.
		c.fails(422, "POST", "/api/v1/people", map[string]any{"name": "Half Written", "company": strings.Repeat("C", 201)})
		var l struct{ Total int }
		c.must(200, "GET", "/api/v1/people?name=half+written", nil, &l)
		var o struct{ Total int }
		c.must(200, "GET", "/api/v1/organizations?name=CCCCCCCCCC", nil, &o)
		if l.Total != 0 || o.Total != 0 {
			t.Fatalf("a failed create left %d people and %d organizations", l.Total, o.Total)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		c := c.in(t)
		gone := c.person(map[string]any{"name": "Gone Soon"})
		c.tie(gone.ID, ana.ID)
		c.must(201, "POST", "/api/v1/people/"+gone.ID+"/notes", map[string]any{"body": "bye"}, nil)
		c.must(204, "DELETE", "/api/v1/people/"+gone.ID, nil, nil)
		c.fails(404, "GET", "/api/v1/people/"+gone.ID, nil)
		c.fails(404, "GET", "/api/v1/people/"+gone.ID+"/notes", nil)
		c.fails(404, "GET", "/api/v1/ties?person_id="+gone.ID, nil)
		var ties struct{ Total int }
		c.must(200, "GET", "/api/v1/ties?person_id="+ana.ID, nil, &ties)
		if ties.Total != 0 {
			t.Errorf("a deleted person's tie to Ana is still there: Ana has %d ties", ties.Total)
		}
	})
}

func TestE2ENotes(t *testing.T) {
	c := newServer(t, quietLogs)
	ana := c.person(map[string]any{"name": "Ana Notes"})
	var n graph.Note
	c.must(201, "POST", "/api/v1/people/"+ana.ID+"/notes", map[string]any{"body": "  Owner's secret about Ana  "}, &n)
	if n.Body != "Owner's secret about Ana" || n.AuthorID != c.user.ID || n.PersonID != ana.ID {
		t.Fatalf("create: got %+v", n)
	}
	c.must(200, "GET", "/api/v1/notes/"+n.ID, nil, nil)
	var l struct {
		Items []graph.Note
		Total int
	}
	c.must(200, "GET", "/api/v1/people/"+ana.ID+"/notes", nil, &l)
	if l.Total != 1 || l.Items[0].ID != n.ID {
		t.Fatalf("list: got %+v", l)
	}
	c.must(200, "PATCH", "/api/v1/notes/"+n.ID, map[string]any{"body": "Rewritten"}, &n)
	if n.Body != "Rewritten" {
		t.Errorf("patch: body %q", n.Body)
	}

	t.Run("Private", func(t *testing.T) {
		m := c.in(t).member("Nosy Colleague", graph.RoleMember)
		m.fails(404, "GET", "/api/v1/notes/"+n.ID, nil)
		m.fails(404, "PATCH", "/api/v1/notes/"+n.ID, map[string]any{"body": "mine now"})
		m.fails(404, "DELETE", "/api/v1/notes/"+n.ID, nil)
		code, raw := m.call("GET", "/api/v1/people/"+ana.ID+"/notes", nil)
		if code != 200 || bytes.Contains(raw, []byte("Rewritten")) || bytes.Contains(raw, []byte(n.ID)) {
			t.Fatalf("colleague's list: got %d %s, want 200 without the owner's note", code, raw)
		}
		var mine struct{ Total int }
		if json.Unmarshal(raw, &mine); mine.Total != 0 {
			t.Fatalf("colleague's list: total %d, want 0", mine.Total)
		}
		// Viewers may keep private notes of their own.
		v := c.in(t).member("Quiet Viewer", graph.RoleViewer)
		var vn graph.Note
		v.must(201, "POST", "/api/v1/people/"+ana.ID+"/notes", map[string]any{"body": "viewer's own"}, &vn)
		c.in(t).fails(404, "GET", "/api/v1/notes/"+vn.ID, nil)
		v.must(204, "DELETE", "/api/v1/notes/"+vn.ID, nil, nil)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		c := c.in(t)
		c.fails(422, "POST", "/api/v1/people/"+ana.ID+"/notes", map[string]any{"body": "   "})
		c.fails(422, "POST", "/api/v1/people/"+ana.ID+"/notes", map[string]any{"body": strings.Repeat("b", 20001)})
		c.fails(422, "PATCH", "/api/v1/notes/"+n.ID, map[string]any{"body": ""})
		c.fails(400, "POST", "/api/v1/people/"+ana.ID+"/notes", map[string]any{"body": 7})
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		c := c.in(t)
		c.fails(404, "POST", "/api/v1/people/"+unknownID()+"/notes", map[string]any{"body": "about no one"})
		c.fails(404, "GET", "/api/v1/people/"+unknownID()+"/notes", nil)
		c.fails(404, "GET", "/api/v1/notes/"+unknownID(), nil)
		c.fails(404, "GET", "/api/v1/notes/bad", nil)
	})
	c.must(204, "DELETE", "/api/v1/notes/"+n.ID, nil, nil)
	c.fails(404, "GET", "/api/v1/notes/"+n.ID, nil)
}

func TestE2EOrganizationsAndEmployment(t *testing.T) {
	c := newServer(t, quietLogs)
	var acme, initech graph.Organization
	c.must(201, "POST", "/api/v1/organizations", map[string]any{"name": "Acme Corp", "domain": "ACME.example"}, &acme)
	if acme.Domain != "acme.example" {
		t.Errorf("domain: got %q", acme.Domain)
	}
	c.must(201, "POST", "/api/v1/organizations", map[string]any{"name": "Initech"}, &initech)
	c.fails(409, "POST", "/api/v1/organizations", map[string]any{"name": "  acme   corp "})
	c.fails(409, "PATCH", "/api/v1/organizations/"+initech.ID, map[string]any{"name": "ACME CORP"})
	c.fails(422, "POST", "/api/v1/organizations", map[string]any{"name": ""})
	c.fails(422, "POST", "/api/v1/organizations", map[string]any{"name": "Bad Domain", "domain": "a b/c"})
	var l struct {
		Items []graph.Organization
		Total int
	}
	c.must(200, "GET", "/api/v1/organizations?domain=acme.example", nil, &l)
	if l.Total != 1 || l.Items[0].ID != acme.ID {
		t.Errorf("by domain: got %+v", l)
	}
	c.must(200, "GET", "/api/v1/organizations?limit=1", nil, &l)
	if l.Total != 2 || len(l.Items) != 1 {
		t.Errorf("paged: got total %d, %d items", l.Total, len(l.Items))
	}
	var o graph.Organization
	c.must(200, "PATCH", "/api/v1/organizations/"+initech.ID, map[string]any{"domain": "initech.example"}, &o)
	c.must(200, "GET", "/api/v1/organizations/"+initech.ID, nil, &o)
	if o.Domain != "initech.example" || o.Name != "Initech" {
		t.Errorf("after patch: %+v", o)
	}

	p := c.person(map[string]any{"name": "Pat Worker"})
	var e graph.Employment
	c.must(201, "POST", "/api/v1/employment", map[string]any{"person_id": p.ID, "organization_id": acme.ID,
		"title": "Engineer", "start": "2020-01-15", "end": "2023-06-30T00:00:00Z"}, &e)
	if e.Start.Format("2006-01-02") != "2020-01-15" || e.End.IsZero() {
		t.Errorf("create employment: %+v", e)
	}
	var cur graph.Employment
	c.must(201, "POST", "/api/v1/employment", map[string]any{"person_id": p.ID, "organization_id": initech.ID,
		"title": "Staff Engineer", "start": "2023-07-01"}, &cur)
	var el struct {
		Items []graph.Employment
		Total int
	}
	c.must(200, "GET", "/api/v1/employment?person_id="+p.ID, nil, &el)
	if el.Total != 2 {
		t.Errorf("positions: got %d, want 2", el.Total)
	}
	c.must(200, "GET", "/api/v1/employment?person_id="+p.ID+"&current=true", nil, &el)
	if el.Total != 1 || el.Items[0].ID != cur.ID {
		t.Errorf("current positions: got %+v", el.Items)
	}
	c.must(200, "GET", "/api/v1/employment?organization_id="+acme.ID, nil, &el)
	if el.Total != 1 || el.Items[0].ID != e.ID {
		t.Errorf("positions at Acme: got %+v", el.Items)
	}
	var who graph.Person
	c.must(200, "GET", "/api/v1/people/"+p.ID, nil, &who)
	if who.Company != "Initech" {
		t.Errorf("company follows the current position: got %q", who.Company)
	}
	c.must(200, "GET", "/api/v1/employment/"+e.ID, nil, nil)
	c.must(200, "PATCH", "/api/v1/employment/"+e.ID, map[string]any{"title": "Senior Engineer"}, &e)
	if e.Title != "Senior Engineer" {
		t.Errorf("patch title: %q", e.Title)
	}

	t.Run("Errors", func(t *testing.T) {
		c := c.in(t)
		c.fails(400, "GET", "/api/v1/employment", nil)
		c.fails(422, "POST", "/api/v1/employment", map[string]any{"person_id": p.ID, "organization_id": acme.ID,
			"start": "2022-01-01", "end": "2021-01-01"})
		c.fails(422, "PATCH", "/api/v1/employment/"+e.ID, map[string]any{"end": "1999-01-01"})
		c.fails(400, "POST", "/api/v1/employment", map[string]any{"person_id": p.ID, "organization_id": acme.ID,
			"start": "next tuesday"})
		c.fails(404, "POST", "/api/v1/employment", map[string]any{"person_id": unknownID(), "organization_id": acme.ID})
		c.fails(404, "POST", "/api/v1/employment", map[string]any{"person_id": p.ID, "organization_id": unknownID()})
		c.fails(422, "POST", "/api/v1/employment", map[string]any{"person_id": p.ID})
		for _, path := range []string{"/api/v1/employment/", "/api/v1/organizations/"} {
			c.fails(404, "GET", path+unknownID(), nil)
			c.fails(404, "PATCH", path+unknownID(), `{}`)
			c.fails(404, "DELETE", path+unknownID(), nil)
		}
		v := c.member("Org Viewer", graph.RoleViewer)
		v.fails(403, "POST", "/api/v1/organizations", map[string]any{"name": "Viewer Inc"})
		v.fails(403, "PATCH", "/api/v1/organizations/"+acme.ID, map[string]any{"name": "Viewer Inc"})
		v.fails(403, "DELETE", "/api/v1/organizations/"+acme.ID, nil)
		v.fails(403, "POST", "/api/v1/employment", map[string]any{"person_id": p.ID, "organization_id": acme.ID})
		v.fails(403, "PATCH", "/api/v1/employment/"+e.ID, map[string]any{"title": "x"})
		v.fails(403, "DELETE", "/api/v1/employment/"+e.ID, nil)
	})

	c.must(204, "DELETE", "/api/v1/employment/"+e.ID, nil, nil)
	c.fails(404, "GET", "/api/v1/employment/"+e.ID, nil)
	c.must(204, "DELETE", "/api/v1/organizations/"+initech.ID, nil, nil)
	c.fails(404, "GET", "/api/v1/employment/"+cur.ID, nil)
}

func TestE2ETiesAndLedger(t *testing.T) {
	c := newServer(t, quietLogs)
	me := c.user.PersonID
	ana := c.person(map[string]any{"name": "Ana Ties"})
	bo := c.person(map[string]any{"name": "Bo Ties"})
	var tie graph.Tie
	c.must(201, "POST", "/api/v1/ties", map[string]any{"person_a": ana.ID, "person_b": me, "since": "2019-05-01",
		"strength": 0.8, "context": "worked together at Acme"}, &tie)
	if tie.PersonA > tie.PersonB || tie.Source != graph.TieManual || tie.Strength == nil || *tie.Strength != 0.8 {
		t.Errorf("create: got %+v", tie)
	}
	c.fails(409, "POST", "/api/v1/ties", map[string]any{"person_a": me, "person_b": ana.ID})
	c.fails(422, "POST", "/api/v1/ties", map[string]any{"person_a": ana.ID, "person_b": ana.ID})
	c.fails(422, "POST", "/api/v1/ties", map[string]any{"person_a": ana.ID, "person_b": bo.ID, "strength": 1.5})
	c.fails(422, "POST", "/api/v1/ties", map[string]any{"person_a": ana.ID, "person_b": bo.ID, "strength": 0})
	c.fails(404, "POST", "/api/v1/ties", map[string]any{"person_a": ana.ID, "person_b": unknownID()})
	c.fails(422, "POST", "/api/v1/ties", map[string]any{"person_a": ana.ID})
	boTie := c.tie(bo.ID, ana.ID)

	var l struct {
		Items []graph.Tie
		Total int
	}
	c.must(200, "GET", "/api/v1/ties?person_id="+ana.ID, nil, &l)
	if l.Total != 2 {
		t.Errorf("ana's ties: got %d, want 2", l.Total)
	}
	c.must(200, "GET", "/api/v1/ties?person_id="+ana.ID+"&other_id="+bo.ID, nil, &l)
	if l.Total != 1 || l.Items[0].ID != boTie.ID {
		t.Errorf("tie between ana and bo: got %+v", l.Items)
	}
	c.must(200, "GET", "/api/v1/ties/"+tie.ID, nil, nil)
	var upd graph.Tie
	c.must(200, "PATCH", "/api/v1/ties/"+tie.ID, map[string]any{"clear_strength": true, "context": "old friends"}, &upd)
	if upd.Strength != nil || upd.Context != "old friends" {
		t.Errorf("patch: got %+v", upd)
	}
	c.fails(422, "PATCH", "/api/v1/ties/"+tie.ID, map[string]any{"strength": -1})

	// Favours: two given by me, one received from Ana.
	for _, kind := range []string{"favour_given", "favour_given", "favour_received"} {
		c.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": kind, "with": []string{ana.ID},
			"at": "2026-10-01", "notes": "owner's favour notes"}, nil)
	}
	var ledger api.Ledger
	c.must(200, "GET", "/api/v1/ties/"+tie.ID+"/ledger", nil, &ledger)
	byMe := ledger.ByA
	if tie.PersonB == me {
		byMe = ledger.ByB
	}
	if len(ledger.Favours) != 3 || byMe != 2 || ledger.ByA+ledger.ByB != 3 || ledger.Summary == "balanced" {
		t.Errorf("tie ledger: got %+v, want 3 favours, 2 by me", ledger)
	}
	if ledger.Favours[0].Notes != "owner's favour notes" {
		t.Errorf("own favour notes: got %q", ledger.Favours[0].Notes)
	}
	var mine struct {
		Ledger []struct {
			PersonID                 string `json:"person_id"`
			Given, Received, Balance int
		}
	}
	c.must(200, "GET", "/api/v1/ledger", nil, &mine)
	if len(mine.Ledger) != 1 || mine.Ledger[0].PersonID != ana.ID || mine.Ledger[0].Given != 2 ||
		mine.Ledger[0].Received != 1 || mine.Ledger[0].Balance != 1 {
		t.Errorf("my ledger: got %+v, want Ana: given 2, received 1", mine.Ledger)
	}

	t.Run("ColleagueSeesNoNotes", func(t *testing.T) {
		m := c.in(t).member("Ledger Reader", graph.RoleMember)
		code, raw := m.call("GET", "/api/v1/ties/"+tie.ID+"/ledger", nil)
		if code != 200 || bytes.Contains(raw, []byte("owner's favour notes")) {
			t.Fatalf("got %d %s, want the ledger without the owner's notes", code, raw)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		c := c.in(t)
		c.fails(404, "GET", "/api/v1/ties/"+unknownID(), nil)
		c.fails(404, "GET", "/api/v1/ties/"+unknownID()+"/ledger", nil)
		c.fails(404, "PATCH", "/api/v1/ties/"+unknownID(), map[string]any{"context": "x"})
		c.fails(404, "DELETE", "/api/v1/ties/nope", nil)
		c.fails(400, "GET", "/api/v1/ties?limit=many", nil)
		c.fails(422, "GET", "/api/v1/ties?limit=0", nil)
		v := c.member("Tie Viewer", graph.RoleViewer)
		v.fails(403, "POST", "/api/v1/ties", map[string]any{"person_a": me, "person_b": bo.ID})
		v.fails(403, "PATCH", "/api/v1/ties/"+tie.ID, map[string]any{"context": "x"})
		v.fails(403, "DELETE", "/api/v1/ties/"+tie.ID, nil)
	})
	c.must(204, "DELETE", "/api/v1/ties/"+boTie.ID, nil, nil)
	c.fails(404, "GET", "/api/v1/ties/"+boTie.ID, nil)
}

func TestE2EInteractions(t *testing.T) {
	c := newServer(t, quietLogs)
	me := c.user.PersonID
	ana := c.person(map[string]any{"name": "Ana Touch"})
	bo := c.person(map[string]any{"name": "Bo Touch"})
	var coffee graph.Interaction
	c.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": "coffee", "with": []string{ana.ID},
		"at": "2026-11-20", "initiated_by": "me", "notes": "PRIVATE: talked about her move"}, &coffee)
	if len(coffee.ParticipantIDs) != 2 || coffee.InitiatorID != me || coffee.LoggedBy != c.user.ID {
		t.Errorf("create: got %+v", coffee)
	}
	// Logging implies the tie.
	var ties struct{ Total int }
	c.must(200, "GET", "/api/v1/ties?person_id="+me+"&other_id="+ana.ID, nil, &ties)
	if ties.Total != 1 {
		t.Errorf("the coffee implies a tie: got %d", ties.Total)
	}
	var meeting graph.Interaction
	c.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": "meeting",
		"participant_ids": []string{ana.ID, bo.ID}, "initiated_by": bo.ID, "at": "2025-01-10T09:00:00Z"}, &meeting)
	var received graph.Interaction
	c.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": "favour_received", "with": []string{bo.ID}}, &received)
	if received.InitiatorID != bo.ID {
		t.Errorf("favour_received: initiator %q, want Bo", received.InitiatorID)
	}

	for _, tc := range []struct {
		query string
		want  int
	}{
		{"", 3},
		{"person_id=" + ana.ID, 2},
		{"person_id=" + ana.ID + "&other_id=" + bo.ID, 1},
		{"kind=coffee", 1},
		{"since=2026-01-01", 2},
		{"until=2025-12-31", 1},
		{"since=2026-11-19T12:00:00Z&until=2026-11-21", 1},
		{"limit=1", 3},
	} {
		var l struct {
			Items []graph.Interaction
			Total int
		}
		c.must(200, "GET", "/api/v1/interactions?"+tc.query, nil, &l)
		if l.Total != tc.want {
			t.Errorf("interactions?%s: got %d, want %d", tc.query, l.Total, tc.want)
		}
	}

	t.Run("PrivateNotes", func(t *testing.T) {
		m := c.in(t).member("Curious Colleague", graph.RoleMember)
		var got graph.Interaction
		m.must(200, "GET", "/api/v1/interactions/"+coffee.ID, nil, &got)
		if got.Notes != "" || got.Kind != "coffee" {
			t.Errorf("colleague's view: got %+v, want the coffee without its notes", got)
		}
		code, raw := m.call("GET", "/api/v1/interactions?person_id="+ana.ID, nil)
		if code != 200 || bytes.Contains(raw, []byte("PRIVATE")) {
			t.Errorf("colleague's list: got %d %s", code, raw)
		}
		m.fails(403, "PATCH", "/api/v1/interactions/"+coffee.ID, map[string]any{"notes": "overwritten"})
		m.fails(403, "DELETE", "/api/v1/interactions/"+coffee.ID, nil)
		// The colleague's own interaction is theirs to change, and an owner may too.
		var theirs graph.Interaction
		m.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": "call", "with": []string{bo.ID},
			"notes": "colleague's notes"}, &theirs)
		m.must(200, "PATCH", "/api/v1/interactions/"+theirs.ID, map[string]any{"kind": "email"}, &theirs)
		var byOwner graph.Interaction
		c.in(t).must(200, "PATCH", "/api/v1/interactions/"+theirs.ID, map[string]any{"at": "2026-11-01"}, &byOwner)
		if byOwner.Notes != "" || byOwner.Kind != "email" {
			t.Errorf("owner's patch of a colleague's interaction: got %+v, want notes hidden", byOwner)
		}
		m.must(204, "DELETE", "/api/v1/interactions/"+theirs.ID, nil, nil)
	})
	var upd graph.Interaction
	c.must(200, "PATCH", "/api/v1/interactions/"+coffee.ID, map[string]any{"notes": "PRIVATE: rewritten",
		"initiator_id": ana.ID}, &upd)
	if upd.Notes != "PRIVATE: rewritten" || upd.InitiatorID != ana.ID {
		t.Errorf("patch: got %+v", upd)
	}

	t.Run("Errors", func(t *testing.T) {
		c := c.in(t)
		for _, body := range []map[string]any{
			{"kind": "telepathy", "with": []string{ana.ID}},
			{"kind": "coffee"},
			{"kind": "coffee", "with": []string{ana.ID}, "participant_ids": []string{ana.ID, bo.ID}},
			{"kind": "coffee", "with": []string{ana.ID, bo.ID}, "initiated_by": "them"},
			{"kind": "coffee", "participant_ids": []string{ana.ID, bo.ID}, "initiated_by": me},
			{"kind": "favour_given", "with": []string{ana.ID}, "initiated_by": ana.ID},
		} {
			c.fails(422, "POST", "/api/v1/interactions", body)
		}
		c.fails(400, "POST", "/api/v1/interactions", map[string]any{"kind": "coffee", "with": []string{ana.ID}, "at": "soon"})
		c.fails(422, "PATCH", "/api/v1/interactions/"+coffee.ID, map[string]any{"initiator_id": bo.ID})
		c.fails(422, "PATCH", "/api/v1/interactions/"+coffee.ID, map[string]any{"kind": "séance"})
		c.fails(400, "GET", "/api/v1/interactions?since=yesterday", nil)
		c.fails(422, "GET", "/api/v1/interactions?kind=telepathy", nil)
		c.fails(404, "GET", "/api/v1/interactions/"+unknownID(), nil)
		c.fails(404, "PATCH", "/api/v1/interactions/"+unknownID(), map[string]any{"notes": "x"})
		c.fails(404, "DELETE", "/api/v1/interactions/bad-id", nil)
		v := c.member("Touch Viewer", graph.RoleViewer)
		v.fails(403, "POST", "/api/v1/interactions", map[string]any{"kind": "coffee", "with": []string{ana.ID}})
		v.fails(403, "PATCH", "/api/v1/interactions/"+coffee.ID, map[string]any{"notes": "x"})
		v.fails(403, "DELETE", "/api/v1/interactions/"+coffee.ID, nil)
	})
	t.Run("NoPartialWrite", func(t *testing.T) {
		c := c.in(t)
		carl := c.person(map[string]any{"name": "Carl Untouched"})
		c.fails(404, "POST", "/api/v1/interactions", map[string]any{"kind": "meeting",
			"participant_ids": []string{carl.ID, bo.ID, unknownID()}})
		var l struct{ Total int }
		c.must(200, "GET", "/api/v1/ties?person_id="+carl.ID, nil, &l)
		if l.Total != 0 {
			t.Fatalf("a refused interaction left %d ties", l.Total)
		}
		c.must(200, "GET", "/api/v1/interactions?person_id="+carl.ID, nil, &l)
		if l.Total != 0 {
			t.Fatalf("a refused interaction was stored")
		}
	})
	c.must(204, "DELETE", "/api/v1/interactions/"+meeting.ID, nil, nil)
	c.fails(404, "GET", "/api/v1/interactions/"+meeting.ID, nil)
}

func TestE2EIntroductions(t *testing.T) {
	c := newServer(t, quietLogs)
	me := c.user.PersonID
	ana := c.person(map[string]any{"name": "Ana Intro"})
	cleo := c.person(map[string]any{"name": "Cleo Intro"})
	c.tie(me, ana.ID)
	c.tie(ana.ID, cleo.ID)
	var in graph.Introduction
	c.must(201, "POST", "/api/v1/introductions", map[string]any{"introducer_id": ana.ID, "target_id": cleo.ID,
		"reason": "hiring a CTO"}, &in)
	if in.PersonID != me || in.Status != graph.IntroRequested || in.RequestedBy != c.user.ID {
		t.Fatalf("create: got %+v", in)
	}
	c.must(200, "GET", "/api/v1/introductions/"+in.ID, nil, nil)
	var l struct{ Total int }
	c.must(200, "GET", "/api/v1/introductions?status=requested&person_id="+cleo.ID, nil, &l)
	if l.Total != 1 {
		t.Errorf("requested introductions of Cleo: got %d", l.Total)
	}
	c.fails(409, "PATCH", "/api/v1/introductions/"+in.ID, map[string]any{"status": "accepted"})
	var made graph.Introduction
	c.must(200, "PATCH", "/api/v1/introductions/"+in.ID, map[string]any{"status": "made", "at": "2026-11-21"}, &made)
	if made.Status != graph.IntroMade || made.TieID == "" || made.MadeAt.Format("2006-01-02") != "2026-11-21" {
		t.Fatalf("made: got %+v", made)
	}
	var tie graph.Tie
	c.must(200, "GET", "/api/v1/ties/"+made.TieID, nil, &tie)
	if tie.Source != graph.TieIntroduced || tie.Other(me) != cleo.ID {
		t.Errorf("the tie the introduction made: got %+v", tie)
	}
	c.fails(409, "PATCH", "/api/v1/introductions/"+in.ID, map[string]any{"status": "requested"})
	c.must(200, "PATCH", "/api/v1/introductions/"+in.ID, map[string]any{"status": "accepted", "outcome": "coffee next week"}, &made)
	if made.Outcome != "coffee next week" || made.RespondedAt.IsZero() {
		t.Errorf("accepted: got %+v", made)
	}
	c.fails(409, "PATCH", "/api/v1/introductions/"+in.ID, map[string]any{"status": "declined"})
	c.must(200, "GET", "/api/v1/introductions?status=accepted", nil, &l)
	if l.Total != 1 {
		t.Errorf("accepted introductions: got %d", l.Total)
	}

	t.Run("Errors", func(t *testing.T) {
		c := c.in(t)
		c.fails(422, "POST", "/api/v1/introductions", map[string]any{"introducer_id": ana.ID, "target_id": ana.ID})
		c.fails(422, "POST", "/api/v1/introductions", map[string]any{"introducer_id": ana.ID})
		c.fails(404, "POST", "/api/v1/introductions", map[string]any{"introducer_id": ana.ID, "target_id": unknownID()})
		c.fails(422, "PATCH", "/api/v1/introductions/"+in.ID, map[string]any{"status": "maybe"})
		c.fails(422, "GET", "/api/v1/introductions?status=maybe", nil)
		c.fails(404, "GET", "/api/v1/introductions/"+unknownID(), nil)
		c.fails(404, "PATCH", "/api/v1/introductions/"+unknownID(), map[string]any{"outcome": "x"})
		c.fails(404, "DELETE", "/api/v1/introductions/x", nil)
		v := c.member("Intro Viewer", graph.RoleViewer)
		v.fails(403, "POST", "/api/v1/introductions", map[string]any{"introducer_id": ana.ID, "target_id": cleo.ID})
		v.fails(403, "PATCH", "/api/v1/introductions/"+in.ID, map[string]any{"outcome": "x"})
		v.fails(403, "DELETE", "/api/v1/introductions/"+in.ID, nil)
	})
	var declined graph.Introduction
	c.must(201, "POST", "/api/v1/introductions", map[string]any{"introducer_id": cleo.ID, "person_id": ana.ID,
		"target_id": me}, &declined)
	c.must(200, "PATCH", "/api/v1/introductions/"+declined.ID, map[string]any{"status": "declined"}, &declined)
	if declined.TieID != "" {
		t.Errorf("a declined request made a tie")
	}
	c.must(204, "DELETE", "/api/v1/introductions/"+declined.ID, nil, nil)
	c.fails(404, "GET", "/api/v1/introductions/"+declined.ID, nil)
}

// analyticsNet builds me – Ana – Cleo (CTO at Globex), me – Bo, Bo – Dee:
// Ana bridges me to Globex; Bo needs what Ana offers.
func analyticsNet(c *client) (ana, bo, cleo graph.Person) {
	ana = c.person(map[string]any{"name": "Ana Paths", "skills": []string{"data analysis"}})
	bo = c.person(map[string]any{"name": "Bo Paths", "needs": []string{"data analysis"}})
	cleo = c.person(map[string]any{"name": "Cleo Paths", "title": "CTO", "company": "Globex", "tags": []string{"vc"}})
	dee := c.person(map[string]any{"name": "Dee Paths", "location": "Lisbon"})
	c.tie(ana.ID, cleo.ID)
	c.tie(bo.ID, dee.ID)
	for _, i := range []map[string]any{
		{"kind": "coffee", "with": []string{ana.ID}, "at": time.Now().AddDate(0, 0, -3).Format("2006-01-02")},
		{"kind": "meeting", "with": []string{bo.ID}, "at": "2023-02-01"},
		{"kind": "meeting", "with": []string{bo.ID}, "at": "2023-03-01"},
		{"kind": "favour_given", "with": []string{bo.ID}, "at": "2023-03-02"},
	} {
		c.must(201, "POST", "/api/v1/interactions", i, nil)
	}
	return ana, bo, cleo
}

func TestE2EAnalytics(t *testing.T) {
	c := newServer(t, quietLogs)
	var status struct {
		Built     bool
		Freshness api.Freshness
	}
	c.must(200, "GET", "/api/v1/analytics", nil, &status)
	if status.Built {
		t.Errorf("analytics built before any question")
	}
	ana, bo, cleo := analyticsNet(c)
	me := c.user.PersonID

	type paths struct {
		Target map[string]any
		Paths  []struct {
			People []string
			Score  float64
			Hops   int
			Steps  []struct{ Reasons []analytics.Reason }
		}
		Freshness api.Freshness
	}
	var p paths
	c.must(200, "GET", "/api/v1/intro-paths?to="+cleo.ID, nil, &p)
	if len(p.Paths) == 0 || strings.Join(p.Paths[0].People, ",") != me+","+ana.ID+","+cleo.ID || p.Paths[0].Hops != 2 {
		t.Fatalf("to Cleo: got %+v, want me → Ana → Cleo", p.Paths)
	}
	if p.Freshness.People != 5 || p.Target["name"] != "Cleo Paths" {
		t.Errorf("freshness/target: got %+v %v", p.Freshness, p.Target)
	}
	for _, q := range []string{"org=GLOBEX", "q=cto", "title=CTO", "tag=vc", "q=cleo&k=1", "to=" + cleo.ID + "&from=team"} {
		c.must(200, "GET", "/api/v1/intro-paths?"+q, nil, &p)
		if len(p.Paths) == 0 || p.Paths[0].People[len(p.Paths[0].People)-1] != cleo.ID {
			t.Errorf("intro-paths?%s: got %+v, want a path ending at Cleo", q, p.Paths)
		}
	}
	c.must(200, "GET", "/api/v1/intro-paths?to="+cleo.ID+"&max_hops=1", nil, &p)
	if len(p.Paths) != 0 {
		t.Errorf("max_hops=1 to a 2-hop target: got %d paths", len(p.Paths))
	}
	c.must(200, "GET", "/api/v1/intro-paths?skill=data+analysis", nil, &p)

	var brokers struct {
		Brokers []struct {
			PersonID string
			Degree   int
		}
		BetweennessExact bool `json:"betweenness_exact"`
	}
	c.must(200, "GET", "/api/v1/brokers?limit=2", nil, &brokers)
	if len(brokers.Brokers) != 2 || !brokers.BetweennessExact || brokers.Brokers[0].Degree < 2 {
		t.Errorf("brokers: got %+v", brokers)
	}
	var weak struct {
		WeakTies []struct{ Source, Target string } `json:"weak_ties"`
		Total    int
	}
	c.must(200, "GET", "/api/v1/weak-ties", nil, &weak)
	if weak.Total != 4 {
		t.Errorf("weak ties of a tree of 4 ties: got %d", weak.Total)
	}
	c.must(200, "GET", "/api/v1/weak-ties?person_id="+cleo.ID+"&limit=10", nil, &weak)
	if weak.Total != 1 {
		t.Errorf("Cleo's weak ties: got %d, want 1", weak.Total)
	}
	var comm struct {
		Communities []struct{ Size int }
	}
	c.must(200, "GET", "/api/v1/communities", nil, &comm)
	size := 0
	for _, cm := range comm.Communities {
		size += cm.Size
	}
	if size != 5 {
		t.Errorf("communities cover %d people, want 5", size)
	}
	var st struct {
		Ties []struct {
			PersonID string `json:"person_id"`
			Reasons  []analytics.Reason
		}
	}
	c.must(200, "GET", "/api/v1/people/"+ana.ID+"/strengths", nil, &st)
	if len(st.Ties) != 2 {
		t.Errorf("Ana's ties explained: got %d, want 2", len(st.Ties))
	}
	var dormant struct {
		Dormant []struct {
			PersonID string `json:"person_id"`
		}
		ThresholdDays int `json:"threshold_days"`
	}
	c.must(200, "GET", "/api/v1/dormant?days=90&limit=5", nil, &dormant)
	if dormant.ThresholdDays != 90 {
		t.Errorf("dormant threshold: got %d", dormant.ThresholdDays)
	}
	for _, d := range dormant.Dormant {
		if d.PersonID == ana.ID {
			t.Errorf("Ana, seen 3 days ago, is listed dormant")
		}
	}
	c.must(200, "GET", "/api/v1/broker-opportunities?from=team&limit=5", nil, nil)
	var jobs struct {
		Organization struct{ Name string }
		Leads        []struct {
			PersonID string `json:"person_id"`
		}
	}
	c.must(200, "GET", "/api/v1/job-search?org=globex", nil, &jobs)
	if jobs.Organization.Name != "Globex" {
		t.Errorf("job search: org %q", jobs.Organization.Name)
	}
	var ledger struct {
		Ledger []struct {
			PersonID string `json:"person_id"`
		}
	}
	c.must(200, "GET", "/api/v1/ledger", nil, &ledger)
	if len(ledger.Ledger) != 1 || ledger.Ledger[0].PersonID != bo.ID {
		t.Errorf("ledger: got %+v, want Bo", ledger.Ledger)
	}

	t.Run("Errors", func(t *testing.T) {
		c := c.in(t)
		for _, q := range []string{"", "to=" + cleo.ID + "&org=globex", "to=" + cleo.ID + "&q=cto", "to=" + cleo.ID + "&k=x",
			"to=" + cleo.ID + "&from=everyone", "to=" + cleo.ID + "&max_hops=two"} {
			c.fails(400, "GET", "/api/v1/intro-paths?"+q, nil)
		}
		for _, q := range []string{"k=0", "k=21", "max_hops=0", "max_hops=9"} {
			c.fails(422, "GET", "/api/v1/intro-paths?to="+cleo.ID+"&"+q, nil)
		}
		c.fails(404, "GET", "/api/v1/intro-paths?to="+unknownID(), nil)
		c.fails(404, "GET", "/api/v1/intro-paths?to=not-an-id", nil)
		c.fails(404, "GET", "/api/v1/intro-paths?org=Umbrella", nil)
		c.fails(400, "GET", "/api/v1/brokers?limit=lots", nil)
		c.fails(422, "GET", "/api/v1/brokers?limit=501", nil)
		c.fails(404, "GET", "/api/v1/weak-ties?person_id="+unknownID(), nil)
		c.fails(422, "GET", "/api/v1/weak-ties?limit=0", nil)
		c.fails(422, "GET", "/api/v1/dormant?days=0", nil)
		c.fails(400, "GET", "/api/v1/dormant?days=ninety", nil)
		c.fails(400, "GET", "/api/v1/broker-opportunities?from=nobody", nil)
		c.fails(422, "GET", "/api/v1/broker-opportunities?limit=201", nil)
		c.fails(400, "GET", "/api/v1/job-search", nil)
		c.fails(404, "GET", "/api/v1/job-search?org=Umbrella", nil)
		c.fails(422, "GET", "/api/v1/job-search?org=globex&limit=0", nil)
		c.fails(404, "GET", "/api/v1/people/"+unknownID()+"/strengths", nil)
		c.fails(404, "GET", "/api/v1/people/bad/strengths", nil)
	})
	t.Run("ErrNoOwnPerson", func(t *testing.T) {
		c := c.in(t)
		m := c.member("No Self", graph.RoleMember)
		c.must(200, "PATCH", "/api/v1/members/"+m.user.ID, map[string]any{"person_id": ""}, nil)
		m.fails(422, "GET", "/api/v1/intro-paths?to="+cleo.ID, nil)
		m.must(200, "GET", "/api/v1/intro-paths?to="+cleo.ID+"&from=team", nil, nil)
		m.fails(409, "GET", "/api/v1/dormant", nil)
		m.fails(409, "GET", "/api/v1/ledger", nil)
		m.fails(409, "GET", "/api/v1/job-search?org=globex", nil)
		m.fails(422, "GET", "/api/v1/broker-opportunities", nil)
		m.fails(422, "POST", "/api/v1/interactions", map[string]any{"kind": "coffee", "with": []string{ana.ID}})
	})
	t.Run("Refresh", func(t *testing.T) {
		c := c.in(t)
		code, h, raw := c.raw("POST", "/api/v1/analytics/refresh", nil, nil)
		var job api.Job
		if err := json.Unmarshal(raw, &job); err != nil || code != 202 || h.Get("Location") != "/api/v1/jobs/"+job.ID ||
			job.Kind != "analytics_refresh" {
			t.Fatalf("refresh: got %d %q %s", code, h.Get("Location"), raw)
		}
		deadline := time.Now().Add(30 * time.Second)
		for job.State == api.JobRunning && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			c.must(200, "GET", "/api/v1/jobs/"+job.ID, nil, &job)
		}
		if job.State != api.JobSucceeded || job.FinishedAt.IsZero() {
			t.Fatalf("refresh job: got %+v", job)
		}
		var l struct {
			Items []api.Job
			Total int
		}
		c.must(200, "GET", "/api/v1/jobs", nil, &l)
		if l.Total == 0 || l.Items[0].ID != job.ID {
			t.Errorf("jobs: got %+v, want the refresh first", l.Items)
		}
		c.must(200, "GET", "/api/v1/analytics", nil, &status)
		if !status.Built || status.Freshness.People != 6 {
			t.Errorf("status after refresh: got %+v, want built with 6 people", status)
		}
		c.fails(404, "GET", "/api/v1/jobs/"+unknownID(), nil)
		c.fails(404, "GET", "/api/v1/jobs/zzz", nil)
	})
}
