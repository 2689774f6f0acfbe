package api_test

import (
	"maps"
	"net/http"
	"strings"
	"testing"
)

// send makes one request with exactly the given headers (Authorization
// only if they set it) and returns the status, headers and body.
func (c *client) send(method, path, body string, header map[string]string) (int, http.Header, string) {
	c.tb.Helper()
	h := map[string]string{"Authorization": ""}
	if body != "" {
		h["Content-Type"] = "application/json"
	}
	maps.Copy(h, header)
	code, got, b := c.raw(method, path, strings.NewReader(body), h)
	return code, got, string(b)
}

// TestNoStore: every answer under /api/v1 — data, tokens, maps, errors —
// forbids caching (issue 12 item 10).
func TestNoStore(t *testing.T) {
	c := newServer(t)
	auth := map[string]string{"Authorization": "Bearer " + c.token}
	for _, tt := range []struct {
		method, path, body string
		header             map[string]string
		want               int
	}{
		{"GET", "/api/v1/me", "", auth, 200},
		{"POST", "/api/v1/tokens", `{"name": "laptop"}`, auth, 201},
		{"POST", "/api/v1/members", `{"name": "Bo", "role": "viewer"}`, auth, 201},
		{"GET", "/api/v1/people?q=a", "", auth, 200},
		{"GET", "/api/v1/map.svg", "", auth, 200},
		{"GET", "/api/v1/export", "", auth, 200},
		{"GET", "/api/v1/people", "", nil, 401},
		{"GET", "/api/v1/people/nope", "", auth, 404},
		{"GET", "/api/v1/no-such-route", "", auth, 404},
		{"GET", "/api/v1/openapi.json", "", nil, 200},
	} {
		code, h, body := c.send(tt.method, tt.path, tt.body, tt.header)
		if code != tt.want || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: got %d, Cache-Control %q; want %d, no-store (%.200s)", tt.method, tt.path, code,
				h.Get("Cache-Control"), tt.want, body)
		}
	}
}

// TestBearerScheme: the scheme's name is case-insensitive (RFC 9110 11.1);
// other schemes and a missing secret are still refused.
func TestBearerScheme(t *testing.T) {
	c := newServer(t)
	for _, tt := range []struct {
		header string
		want   int
	}{
		{"Bearer " + c.token, 200},
		{"bearer " + c.token, 200},
		{"BEARER " + c.token, 200},
		{"bEaReR  " + c.token, 200},
		{"Basic " + c.token, 401},
		{"Bearer", 401},
		{"Bearer" + c.token, 401},
		{c.token, 401},
	} {
		if code, _, body := c.send("GET", "/api/v1/me", "", map[string]string{"Authorization": tt.header}); code != tt.want {
			t.Errorf("Authorization: %.12s…: got %d, want %d (%s)", tt.header, code, tt.want, body)
		}
	}
}
