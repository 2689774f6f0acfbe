package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nexohq/nexo/graph"
)

// Bad input never gets a 5xx, and never a 2xx: for every POST and PATCH
// route, malformed bodies, and each field of the documented request schema
// in turn given a value the document forbids (a wrong type, too long, too
// many, not one of the allowed values, out of range).

// badBodies cannot be read as a request of any route.
var badBodies = []string{
	``,
	`{`,
	`}`,
	`[]`,
	`[{}]`,
	`null`,
	`"text"`,
	`42`,
	`true`,
	`{}{}`,
	`{} trailing`,
	`{"zz_unknown_field": 1}`,
	`{"a": }`,
	`{'single': 'quotes'}`,
	"\ufeff{}",
	"{\"x\xff\": 1}",
	strings.Repeat("[", 20000),
	`{"nested": ` + strings.Repeat(`{"a": `, 5000) + `1` + strings.Repeat(`}`, 5000) + `}`,
}

// fixtures are one of each thing, so that routes with ids have a target.
type fixtures struct {
	ids  map[string]string // path parameter → id
	base map[string]map[string]any
}

func newFixtures(c *client) fixtures {
	c.tb.Helper()
	p := c.person(map[string]any{"name": "Fuzz Target"})
	q := c.person(map[string]any{"name": "Fuzz Other"})
	var o graph.Organization
	c.must(201, "POST", "/api/v1/organizations", map[string]any{"name": "Fuzz Org"}, &o)
	var e graph.Employment
	c.must(201, "POST", "/api/v1/employment", map[string]any{"person_id": p.ID, "organization_id": o.ID}, &e)
	t := c.tie(p.ID, c.user.PersonID)
	var i graph.Interaction
	c.must(201, "POST", "/api/v1/interactions", map[string]any{"kind": "call", "with": []string{p.ID}}, &i)
	var in graph.Introduction
	c.must(201, "POST", "/api/v1/introductions", map[string]any{"introducer_id": p.ID, "target_id": q.ID}, &in)
	var n graph.Note
	c.must(201, "POST", "/api/v1/people/"+p.ID+"/notes", map[string]any{"body": "fuzz"}, &n)
	m := c.member("Fuzz Member", graph.RoleMember)
	var mg graph.Merge
	c.must(201, "POST", "/api/v1/merges", map[string]any{"survivor_id": c.person(map[string]any{"name": "Fuzz Twin"}).ID,
		"absorbed_id": c.person(map[string]any{"name": "Fuzz Twin"}).ID}, &mg)
	var a graph.Account
	account := map[string]any{"kind": "imap", "host": "127.0.0.1", "port": 1, "username": "fuzz@example.org",
		"password": "secret", "verify": false}
	c.must(201, "POST", "/api/v1/accounts", account, &a)
	account["username"] = "fuzzed@example.org"
	return fixtures{
		ids: map[string]string{"person_id": p.ID, "organization_id": o.ID, "employment_id": e.ID, "tie_id": t.ID,
			"interaction_id": i.ID, "introduction_id": in.ID, "note_id": n.ID, "user_id": m.user.ID, "merge_id": mg.ID,
			"account_id": a.ID},
		// A valid body of each create; one field at a time is spoilt.
		base: map[string]map[string]any{
			"createMember":       {"name": "Fuzzed Member"},
			"createToken":        {"name": "fuzzed"},
			"createPerson":       {"name": "Fuzzed Person"},
			"createNote":         {"body": "fuzzed"},
			"createOrganization": {"name": "Fuzzed Org"},
			"createEmployment":   {"person_id": p.ID, "organization_id": o.ID},
			"createTie":          {"person_a": p.ID, "person_b": q.ID},
			"createInteraction":  {"kind": "call", "with": []string{p.ID}},
			"createIntroduction": {"introducer_id": q.ID, "target_id": p.ID},
			"updateNote":         {"body": "fuzzed"},
			"createMerge":        {"survivor_id": p.ID, "absorbed_id": q.ID},
			"undoMerge":          {"new_to": "survivor"},
			"createAccount":      account,
		},
	}
}

// jsonRoute is a documented operation with a JSON body.
type jsonRoute struct {
	method, path, id string
	schema           *openapi3.Schema
}

func jsonRoutes(tb testing.TB, ids map[string]string) []jsonRoute {
	var out []jsonRoute
	for path, item := range contract.doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil {
				continue
			}
			if path == "/mcp" {
				continue // JSON-RPC, whose bad input the MCP tests send (mcp_test.go)
			}
			concrete := path
			for name, id := range ids {
				concrete = strings.ReplaceAll(concrete, "{"+name+"}", id)
			}
			if strings.Contains(concrete, "{") {
				tb.Fatalf("no fixture for %s", path)
			}
			out = append(out, jsonRoute{method, concrete, op.OperationID,
				op.RequestBody.Value.Content.Get("application/json").Schema.Value})
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].id < out[b].id })
	return out
}

// spoilt returns values the schema forbids, each with what is wrong with it.
func spoilt(s *openapi3.Schema) map[string]any {
	out := map[string]any{"wrong type: object": map[string]any{"x": 1}}
	if s.Type.Is("object") {
		// An object field (an account's settings) is spoilt from inside.
		out = map[string]any{"an unknown field inside": map[string]any{"x": 1}, "wrong type: string": "a"}
	}
	switch {
	case s.Type.Is("string"):
		out["wrong type: number"] = 12345
		out["wrong type: list"] = []string{"a"}
		if s.MaxLength != nil {
			out["too long"] = strings.Repeat("x", int(*s.MaxLength)+1)
		}
		if len(s.Enum) > 0 {
			out["not allowed"] = "zz-not-allowed"
		}
		if s.Pattern != "" {
			out["malformed"] = "next tuesday"
		}
	case s.Type.Is("number"), s.Type.Is("integer"):
		out["wrong type: string"] = "1"
		if s.Max != nil {
			out["above the maximum"] = *s.Max + 0.5
		}
		if s.Min != nil {
			out["below the minimum"] = *s.Min - 0.5
			if b := s.ExclusiveMin.Bool; b != nil && *b {
				out["at the exclusive minimum"] = *s.Min
			}
		}
	case s.Type.Is("boolean"):
		out["wrong type: string"] = "true"
		out["wrong type: number"] = 1
	case s.Type.Is("array"):
		out["wrong type: string"] = "a"
		out["wrong type: list of numbers"] = []int{1, 2}
		if s.MaxItems != nil {
			l := make([]string, *s.MaxItems+1)
			for i := range l {
				l[i] = fmt.Sprintf("%s%d", graph.NewID()[:20], i)
			}
			out["too many"] = l
		}
		if it := s.Items.Value; it.MaxLength != nil {
			out["an entry too long"] = []string{strings.Repeat("x", int(*it.MaxLength)+1)}
		}
	}
	return out
}

func TestBadInput(t *testing.T) {
	c := newServer(t, quietLogs, withCapture(t, nil))
	fx := newFixtures(c)
	for _, r := range jsonRoutes(t, fx.ids) {
		t.Run(r.id, func(t *testing.T) {
			c := c.in(t)
			for _, body := range badBodies {
				code, raw := c.call(r.method, r.path, body)
				if code < 400 || code > 499 {
					t.Errorf("%s %s with body %.40q: got %d %.200s, want 4xx", r.method, r.path, body, code, raw)
				}
			}
			code, _, raw := c.raw(r.method, r.path, strings.NewReader(`{}`), map[string]string{"Content-Type": "text/csv"})
			if code != 400 {
				t.Errorf("a text/csv body: got %d %.200s, want 400", code, raw)
			}
			fields := make([]string, 0, len(r.schema.Properties))
			for f := range r.schema.Properties {
				fields = append(fields, f)
			}
			sort.Strings(fields)
			for _, field := range fields {
				for what, v := range spoilt(r.schema.Properties[field].Value) {
					body := map[string]any{}
					for k, x := range fx.base[r.id] {
						body[k] = x
					}
					body[field] = v
					if r.schema.VisitJSON(jsonValue(t, body)) == nil {
						t.Fatalf("%s as %s: the document accepts it; the generator is wrong", field, what)
					}
					code, raw := c.call(r.method, r.path, body)
					var e apiError
					json.Unmarshal(raw, &e)
					if code < 400 || code > 499 {
						t.Errorf("%s as %s: got %d %.200s, want 4xx", field, what, code, raw)
					} else if code == 400 && e.Error.Field != field && strings.HasPrefix(what, "wrong type") {
						t.Errorf("%s as %s: got field %q in %s, want %s", field, what, e.Error.Field, raw, field)
					}
				}
			}
		})
	}

	t.Run("createImport", func(t *testing.T) {
		c := c.in(t)
		type upload struct {
			ct   string
			body []byte
			want int
		}
		multi := func(parts map[string]string, file []byte, want int) upload {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			for k, v := range parts {
				mw.WriteField(k, v)
			}
			if file != nil {
				fw, _ := mw.CreateFormFile("file", "contacts.csv")
				fw.Write(file)
			}
			mw.Close()
			return upload{mw.FormDataContentType(), b.Bytes(), want}
		}
		csv := []byte("First Name,Last Name\nAna,García\n")
		for name, tc := range map[string]upload{
			"ErrJSON":       {"application/json", []byte(`{"file": "x"}`), 400},
			"ErrNoBoundary": {"multipart/form-data", csv, 400},
			"ErrTruncated": {"multipart/form-data; boundary=xyz",
				[]byte("--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc"), 400},
			"ErrNoFile":    multi(map[string]string{"format": "google"}, nil, 400),
			"ErrEmptyFile": multi(nil, []byte{}, 422),
			"ErrFormat":    multi(map[string]string{"format": "friendster"}, csv, 422),
		} {
			code, _, raw := c.raw("POST", "/api/v1/imports", bytes.NewReader(tc.body), map[string]string{"Content-Type": tc.ct})
			if code != tc.want {
				t.Errorf("%s: got %d %.200s, want %d", name, code, raw, tc.want)
			}
		}
	})

	// Odd but acceptable text is stored as it is, and odd text in queries
	// (Cypher, regular expressions, NUL, long strings) is only text.
	t.Run("OddText", func(t *testing.T) {
		c := c.in(t)
		odd := []string{
			`Robert'); MATCH (n) DETACH DELETE n; //`,
			`" OR 1=1 --`,
			"${jndi:ldap://x}",
			`.*(?i)[a-`,
			`\u0000 and \\`,
			"Zoë 😀 مرحبا",
			"tab\there\nnewline",
			"nul\x00byte",
		}
		for _, s := range odd {
			var p graph.Person
			c.must(201, "POST", "/api/v1/people", map[string]any{"name": s, "title": s, "tags": []string{s}}, &p)
			if p.Name != strings.TrimSpace(s) {
				t.Errorf("name %q stored as %q", s, p.Name)
			}
		}
		queries := []string{"/api/v1/people?q=%s", "/api/v1/people?name=%s&email=%s&company=%s&title=%s&location=%s&tag=%s&skill=%s",
			"/api/v1/organizations?name=%s&domain=%s", "/api/v1/intro-paths?q=%s", "/api/v1/intro-paths?org=%s",
			"/api/v1/intro-paths?to=%s", "/api/v1/job-search?org=%s", "/api/v1/ties?person_id=%s",
			"/api/v1/interactions?person_id=%s", "/api/v1/introductions?person_id=%s", "/api/v1/employment?person_id=%s",
			"/api/v1/weak-ties?person_id=%s", "/api/v1/tokens?user_id=%s"}
		for _, s := range append(odd, strings.Repeat("x", 5000), "%", "") {
			for _, q := range queries {
				path := strings.ReplaceAll(q, "%s", url.QueryEscape(s))
				if code, raw := c.call("GET", path, nil); code >= 500 || code == 401 || code == 403 {
					t.Errorf("GET %.120s: got %d %.200s", path, code, raw)
				}
			}
		}
	})
}

func jsonValue(tb testing.TB, v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var out any
	json.Unmarshal(b, &out)
	return out
}
