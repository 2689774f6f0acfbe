package api_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
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

// lookupCounter is the real store, counting token lookups.
type lookupCounter struct {
	graph.Store
	n *atomic.Int64
}

func (s lookupCounter) FindTokenByHash(ctx context.Context, hash string) (*graph.Token, error) {
	s.n.Add(1)
	return s.Store.FindTokenByHash(ctx, hash)
}

// guessFrom sends n guessed tokens as the client at xff (through the
// trusted proxy, when one is configured) and returns how many were
// answered 401 and 429, and the last Retry-After.
func (c *client) guessFrom(xff string, n int) (refused, limited int, retry string) {
	c.tb.Helper()
	for range n {
		h := map[string]string{"Authorization": "Bearer nexo_" + strings.ToLower(graph.NewID()+graph.NewID())}
		if xff != "" {
			h["X-Forwarded-For"] = xff
		}
		code, hdr, body := c.send("GET", "/api/v1/me", "", h)
		switch code {
		case 401:
			refused++
		case 429:
			limited++
			retry = hdr.Get("Retry-After")
		default:
			c.tb.Fatalf("a guessed token: got %d %s, want 401 or 429", code, body)
		}
	}
	return refused, limited, retry
}

// TestAuthFailureLimit: failed authentications are limited per client
// address, and past the limit cost no token lookup (issue 12 item 8).
func TestAuthFailureLimit(t *testing.T) {
	var lookups atomic.Int64
	c := newServer(t, func(o *api.Options) {
		o.Store = lookupCounter{Store: o.Store, n: &lookups}
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} // the test client is the proxy
	})
	start := time.Now()
	refused, limited, retry := c.guessFrom("203.0.113.5", 40)
	// The burst, plus what the address regains while the test runs.
	allowed := api.AuthFailureBurst + int(time.Since(start).Seconds()*api.AuthFailureRate) + 1
	if refused > allowed || limited < 40-allowed || retry == "" || retry == "0" {
		t.Fatalf("40 guesses from one address: %d refused, %d limited (Retry-After %q); want at most %d refused, the rest 429 with Retry-After",
			refused, limited, retry, allowed)
	}
	if int(lookups.Load()) != refused {
		t.Fatalf("%d token lookups for %d refused guesses; a limited guess must not reach the store", lookups.Load(), refused)
	}

	t.Run("OtherAddress", func(t *testing.T) {
		c := c.in(t)
		if refused, limited, _ := c.guessFrom("203.0.113.6", 1); refused != 1 || limited != 0 {
			t.Fatalf("another address: %d refused, %d limited; want 401", refused, limited)
		}
	})
	t.Run("SameIPv6Network", func(t *testing.T) {
		c := c.in(t)
		c.guessFrom("2001:db8:5::1", api.AuthFailureBurst+5)
		if _, limited, _ := c.guessFrom("2001:db8:5::2", 1); limited != 1 {
			t.Fatal("another address of the same /64 was not limited")
		}
		if refused, _, _ := c.guessFrom("2001:db8:6::1", 1); refused != 1 {
			t.Fatal("another /64 was limited")
		}
	})
	t.Run("GoodTokenFromLimitedAddress", func(t *testing.T) {
		c := c.in(t)
		owner := map[string]string{"Authorization": "Bearer " + c.token, "X-Forwarded-For": "203.0.113.5"}
		fresh := map[string]string{"Authorization": "Bearer " + tokenFor(t, c.user), "X-Forwarded-For": "203.0.113.5"}
		c.send("GET", "/api/v1/me", "", map[string]string{"Authorization": "Bearer " + c.token}) // in use: cached
		if _, limited, _ := c.guessFrom("203.0.113.5", 1); limited != 1 {
			t.Skip("the address regained a try while the test ran; nothing to check")
		}
		// A token in use keeps working (no lookup); one not seen lately waits.
		if code, _, body := c.send("GET", "/api/v1/me", "", owner); code != 200 {
			t.Fatalf("a token in use from a limited address: got %d %s, want 200", code, body)
		}
		if code, _, _ := c.send("GET", "/api/v1/me", "", fresh); code != 429 {
			t.Fatalf("a token not seen lately from a limited address: got %d, want 429", code)
		}
	})
}

// TestForwardedForUntrusted: without a trusted proxy, X-Forwarded-For is
// the client's own word and changes nothing.
func TestForwardedForUntrusted(t *testing.T) {
	c := newServer(t)
	start := time.Now()
	refused := 0
	for i := range 30 {
		r, _, _ := c.guessFrom(fmt.Sprintf("198.51.100.%d", i), 1)
		refused += r
	}
	if allowed := api.AuthFailureBurst + int(time.Since(start).Seconds()*api.AuthFailureRate) + 1; refused > allowed {
		t.Fatalf("30 guesses with a new X-Forwarded-For each: %d refused, want at most %d (the header ignored)", refused, allowed)
	}
}
