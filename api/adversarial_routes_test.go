package api_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/importer/importertest"
)

// The adversarial walk (issue 12, "Done means"): every route the server
// registers — read from Gin, so that a new route is walked without anyone
// remembering to add it — is tried with no token, with another workspace's
// token and that workspace's ids, and as a viewer writing; owner
// operations are tried as a member; and every import format is sent the
// hostile files of importertest. The restore cases are in
// adversarial_restore_test.go.

// publicRoutes answer without a token; every other route must not.
var publicRoutes = []string{
	"GET /healthz", "GET /readyz", "GET /api/v1/openapi.json",
	"GET /", "GET /app/map", "GET /app/search", "GET /app/dormant", "GET /app/people/:person_id", "GET /assets/:file",
	"GET /app/duplicates", "GET /app/accounts",
}

// viewerWrites are the writes a viewer may make: their own notes, tokens,
// profile and reports, and asking for fresh analytics.
var viewerWrites = []string{
	"POST /api/v1/people/:person_id/notes", "PATCH /api/v1/notes/:note_id", "DELETE /api/v1/notes/:note_id",
	"POST /api/v1/tokens", "DELETE /api/v1/tokens/:token_id", "PATCH /api/v1/members/:user_id",
	"PATCH /api/v1/members/:user_id/report-settings", "POST /api/v1/reports",
	"POST /api/v1/reports/:report_id/deliveries/:delivery_id/retry", "POST /api/v1/analytics/refresh",
}

// routes lists the server's routes as "METHOD /path/:param".
func routes(c *client) []gin.RouteInfo {
	return c.server.Handler().(*gin.Engine).Routes()
}

// fill puts ids into a route's parameters; a parameter it has no id for
// fails the test, so that a new kind of id is added here.
func fill(tb testing.TB, path string, ids map[string]string) string {
	tb.Helper()
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if name, ok := strings.CutPrefix(p, ":"); ok {
			id, ok := ids[name]
			if !ok {
				tb.Fatalf("route %s: no id for :%s; add one to the walk", path, name)
			}
			parts[i] = id
		}
	}
	return strings.Join(parts, "/")
}

// routeIDs are a workspace's ids by route parameter.
func routeIDs(ids map[string]string) map[string]string {
	return map[string]string{"user_id": ids["owner"], "person_id": ids["person"], "note_id": ids["note"],
		"organization_id": ids["org"], "employment_id": ids["employment"], "tie_id": ids["tie"],
		"interaction_id": ids["interaction"], "introduction_id": ids["introduction"], "token_id": ids["token"],
		"job_id": ids["job"], "report_id": ids["report"], "delivery_id": ids["delivery"], "merge_id": ids["merge"],
		"account_id": ids["account"], "file": "app.js"}
}

// addReport makes a report of c's owner with one (email) delivery, and a
// merge, and puts their ids into ids.
func addReport(c *client, v *victim) {
	ids := v.ids
	c.tb.Helper()
	c.must(200, "PATCH", "/api/v1/members/"+c.user.ID+"/report-settings", map[string]any{"email": "owner@private.example"}, nil)
	var rep graph.Report
	c.must(201, "POST", "/api/v1/reports", map[string]any{}, &rep)
	if len(rep.Deliveries) != 1 {
		c.tb.Fatalf("report: %d deliveries, want 1", len(rep.Deliveries))
	}
	ids["report"], ids["delivery"] = rep.ID, rep.Deliveries[0].ID
	// A merge of two people made for it, so the merge routes have an id.
	a, b := c.person(map[string]any{"name": "Merged Twin"}), c.person(map[string]any{"name": "Merged Twin"})
	var m graph.Merge
	c.must(201, "POST", "/api/v1/merges", map[string]any{"survivor_id": a.ID, "absorbed_id": b.ID}, &m)
	ids["merge"] = m.ID
	v.people++ // the survivor
	// A connected account (never synced: its server does not exist).
	var acc graph.Account
	c.must(201, "POST", "/api/v1/accounts", map[string]any{"kind": "imap", "host": "127.0.0.1", "port": 1,
		"username": "victim@private.example", "password": "secret", "verify": false}, &acc)
	ids["account"] = acc.ID
}

// TestAdversarialRoutes walks every route without a token and with another
// workspace's.
func TestAdversarialRoutes(t *testing.T) {
	a, va, vb := twoVictims(t)
	addReport(a, va)
	va.secrets = append(va.secrets, va.ids["report"], va.ids["delivery"], "owner@private.example")
	all := routes(a)
	if len(all) < 70 {
		t.Fatalf("only %d routes read from the engine", len(all))
	}

	t.Run("NoToken", func(t *testing.T) {
		anon := a.in(t)
		for _, r := range all {
			key := r.Method + " " + r.Path
			if slices.Contains(publicRoutes, key) {
				continue
			}
			code, _, body := anon.send(r.Method, fill(t, r.Path, routeIDs(va.ids)), "{}", nil)
			var e apiError
			if json.Unmarshal([]byte(body), &e); code != 401 || e.Error.Code != graph.EUNAUTHORIZED {
				t.Errorf("%s without a token: got %d %.200s, want 401", key, code, body)
			}
			if containsFold([]byte(body), va.word) {
				t.Errorf("%s without a token: the answer carries the workspace's data: %.300s", key, body)
			}
		}
	})

	t.Run("OtherWorkspace", func(t *testing.T) {
		attacker := vb.c.in(t)
		for _, r := range all {
			key := r.Method + " " + r.Path
			path := fill(t, r.Path, routeIDs(va.ids))
			code, header, body := attacker.raw(r.Method, path, strings.NewReader("{}"), map[string]string{"Content-Type": "application/json"})
			sent, _ := url.PathUnescape(path)
			headers, _ := json.Marshal(header)
			for _, s := range va.secrets {
				if !containsFold([]byte(sent), s) && (containsFold(body, s) || containsFold(headers, s)) {
					t.Errorf("%s with another workspace's token: the answer carries its %q: %.300s", key, s, body)
				}
			}
			if !strings.HasPrefix(r.Path, "/api/v1/") || !strings.Contains(r.Path, ":") {
				continue
			}
			// Refused exactly as ids that exist nowhere are.
			unknown := map[string]string{}
			for k := range routeIDs(va.ids) {
				unknown[k] = graph.NewID()
			}
			tcode, _, tbody := attacker.raw(r.Method, fill(t, r.Path, unknown), strings.NewReader("{}"),
				map[string]string{"Content-Type": "application/json"})
			if code < 400 || code >= 500 || code != tcode || string(body) != string(tbody) {
				t.Errorf("%s with another workspace's token and ids: got %d %.200s; with unknown ids %d %.200s; "+
					"want the same refusal", key, code, body, tcode, tbody)
			}
		}
		va.mustBeIntact(t)
	})
}

// TestAdversarialRoles: a viewer's every write is refused, and so are a
// member's owner operations; nothing changes.
func TestAdversarialRoles(t *testing.T) {
	owner := newServer(t, quietLogs, withCapture(t, nil))
	v := seedVictim(owner)
	addReport(owner, v)
	var tok struct{ ID string }
	owner.must(201, "POST", "/api/v1/tokens", map[string]any{"name": "owner-laptop"}, &tok)
	v.ids["owner_token"] = tok.ID
	viewer := *owner
	viewer.token = v.viewer
	all := routes(owner)

	t.Run("ViewerWrites", func(t *testing.T) {
		viewer := viewer.in(t)
		n := 0
		for _, r := range all {
			key := r.Method + " " + r.Path
			if r.Method == "GET" || !strings.HasPrefix(r.Path, "/api/v1/") || slices.Contains(viewerWrites, key) {
				continue
			}
			n++
			code, _, body := viewer.raw(r.Method, fill(t, r.Path, routeIDs(v.ids)), strings.NewReader("{}"),
				map[string]string{"Content-Type": "application/json"})
			if code != 403 {
				t.Errorf("%s as a viewer: got %d %.200s, want 403", key, code, body)
			}
		}
		if n < 20 {
			t.Fatalf("only %d writes tried", n)
		}
	})

	t.Run("MemberOwnerOperations", func(t *testing.T) {
		member := owner.member("Mallory Member", graph.RoleMember).in(t)
		v.people++ // the member's own person
		id := v.ids
		for _, tt := range []struct {
			method, path string
			body         any
			want         int
		}{
			{"POST", "/api/v1/members", map[string]any{"name": "Mole", "role": "owner"}, 403},
			{"POST", "/api/v1/members", map[string]any{"name": "Mole", "role": "viewer"}, 403},
			{"DELETE", "/api/v1/members/" + id["owner"], nil, 403},
			{"DELETE", "/api/v1/members/" + id["member"], nil, 403},
			{"PATCH", "/api/v1/members/" + id["owner"], map[string]any{"role": "viewer"}, 403},
			{"PATCH", "/api/v1/members/" + id["member"], map[string]any{"role": "owner"}, 403},
			{"PATCH", "/api/v1/members/" + member.user.ID, map[string]any{"role": "owner"}, 403},
			{"POST", "/api/v1/tokens", map[string]any{"name": "stolen", "user_id": id["owner"]}, 403},
			{"DELETE", "/api/v1/tokens/" + id["owner_token"], nil, 404},
			{"DELETE", "/api/v1/tokens/" + id["token"], nil, 404},
			{"GET", "/api/v1/members/" + id["owner"] + "/report-settings", nil, 403},
			{"PATCH", "/api/v1/members/" + id["owner"] + "/report-settings", map[string]any{"email": "mallory@example.com"}, 403},
			{"GET", "/api/v1/reports?member=" + id["owner"], nil, 403},
			{"GET", "/api/v1/notes/" + id["note"], nil, 404},
			{"PATCH", "/api/v1/notes/" + id["note"], map[string]any{"body": "pwned"}, 404},
			{"PATCH", "/api/v1/interactions/" + id["interaction"], map[string]any{"notes": "pwned"}, 403},
			{"DELETE", "/api/v1/interactions/" + id["interaction"], nil, 403},
		} {
			code, raw := member.call(tt.method, tt.path, tt.body)
			if code != tt.want {
				t.Errorf("%s %s as a member: got %d %.200s, want %d", tt.method, tt.path, code, raw, tt.want)
			}
		}
		for _, p := range []string{"/api/v1/reports/" + id["report"],
			"/api/v1/reports/" + id["report"] + "/deliveries/" + id["delivery"] + "/retry"} {
			method := "GET"
			if strings.HasSuffix(p, "/retry") {
				method = "POST"
			}
			if code, raw := member.call(method, p, nil); code < 400 || code >= 500 {
				t.Errorf("%s %s (the owner's report) as a member: got %d %.200s, want it refused", method, p, code, raw)
			}
		}
	})
	v.mustBeIntact(t)
	var toks struct{ Items []graph.Token }
	owner.must(200, "GET", "/api/v1/tokens", nil, &toks)
	if !slices.ContainsFunc(toks.Items, func(k graph.Token) bool { return k.ID == tok.ID && k.RevokedAt.IsZero() }) {
		t.Errorf("the owner's token was revoked: %+v", toks.Items)
	}
}

// TestAdversarialImports sends each hostile file to POST /imports: each
// import must fail with a 4xx-class error that says why, within 2 s of CPU
// (upload included), and write nothing.
func TestAdversarialImports(t *testing.T) {
	c := newServer(t, quietLogs)
	for _, f := range importertest.Malicious() {
		t.Run(f.Name, func(t *testing.T) {
			c := c.in(t)
			data := f.Data()
			fields := map[string]string{}
			if f.Format != "" {
				fields["format"] = f.Format
			}
			start := importertest.CPU(t)
			var j job
			if code := c.upload(f.Name, data, fields, &j); code != 202 {
				t.Fatalf("upload: got %d, want 202", code)
			}
			j = c.wait(j.ID)
			took := importertest.CPU(t) - start
			if j.State != api.JobFailed || j.Error == nil || (j.Error.Code != graph.EINVALID && j.Error.Code != graph.ETOOLARGE) ||
				!strings.Contains(j.Error.Message, f.Want) {
				t.Fatalf("job: %+v, want failed with an invalid or too_large error saying %q", j, f.Want)
			}
			if took > importertest.MaxCPU {
				t.Errorf("refusing it took %v of CPU, want under %v", took, importertest.MaxCPU)
			}
		})
	}
	var people struct{ Total int }
	c.must(200, "GET", "/api/v1/people", nil, &people)
	if people.Total != 1 {
		t.Errorf("%d people after the hostile imports, want 1 (me)", people.Total)
	}
}
