package outbound_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph/outbound"
)

// refusedDials are addresses the default policy must refuse before any
// connection; each with the reason it gives.
var refusedDials = []struct {
	name, network, addr, reason string
}{
	{"Loopback", "tcp", "127.0.0.1:80", outbound.ReasonLoopback},
	{"LoopbackOther", "tcp", "127.45.6.7:8080", outbound.ReasonLoopback},
	{"LoopbackName", "tcp", "localhost:80", outbound.ReasonLoopback},
	{"LoopbackV6", "tcp", "[::1]:80", outbound.ReasonLoopback},
	{"UnspecifiedV4", "tcp", "0.0.0.0:80", outbound.ReasonUnspecified},
	{"ThisNetwork", "tcp", "0.1.2.3:80", outbound.ReasonUnspecified},
	{"UnspecifiedV6", "tcp", "[::]:80", outbound.ReasonUnspecified},
	{"RFC1918Ten", "tcp", "10.0.0.1:80", outbound.ReasonPrivate},
	{"RFC1918OneSevenTwo", "tcp", "172.16.5.4:80", outbound.ReasonPrivate},
	{"RFC1918OneNineTwo", "tcp4", "192.168.1.1:443", outbound.ReasonPrivate},
	{"ULA", "tcp", "[fd00::1]:80", outbound.ReasonPrivate},
	{"ULAMetadataAWS", "tcp6", "[fd00:ec2::254]:80", outbound.ReasonPrivate},
	{"SiteLocal", "tcp", "[fec0::1]:80", outbound.ReasonPrivate},
	{"Metadata", "tcp", "169.254.169.254:80", outbound.ReasonLinkLocal},
	{"LinkLocalV6", "tcp", "[fe80::1]:80", outbound.ReasonLinkLocal},
	{"LinkLocalV6Zone", "tcp", "[fe80::1%lo]:80", outbound.ReasonLinkLocal},
	{"CGNAT", "tcp", "100.64.0.1:80", outbound.ReasonSharedNAT},
	{"CGNATTop", "tcp", "100.127.255.254:80", outbound.ReasonSharedNAT},
	{"Multicast", "tcp", "224.0.0.1:80", outbound.ReasonMulticast},
	{"MulticastV6", "tcp", "[ff02::1]:80", outbound.ReasonMulticast},
	{"Broadcast", "tcp", "255.255.255.255:80", outbound.ReasonReserved},
	{"Benchmarking", "tcp", "198.18.0.1:80", outbound.ReasonReserved},
	{"MappedLoopback", "tcp", "[::ffff:127.0.0.1]:80", outbound.ReasonLoopback},
	{"MappedLoopbackHex", "tcp", "[::ffff:7f00:1]:80", outbound.ReasonLoopback},
	{"MappedMetadata", "tcp", "[::ffff:169.254.169.254]:80", outbound.ReasonLinkLocal},
	{"MappedPrivate", "tcp", "[::ffff:10.0.0.1]:80", outbound.ReasonPrivate},
	{"CompatibleLoopback", "tcp", "[::127.0.0.1]:80", outbound.ReasonEmbedded},
	{"NAT64Loopback", "tcp", "[64:ff9b::7f00:1]:80", outbound.ReasonEmbedded},
	{"SixToFour", "tcp", "[2002:7f00:1::1]:80", outbound.ReasonEmbedded},
	{"Teredo", "tcp", "[2001:0:7f00:1::1]:80", outbound.ReasonEmbedded},
	// Numbers the C resolver reads as 127.0.0.1 (Go's does not).
	{"Decimal", "tcp", "2130706433:80", outbound.ReasonNumeric},
	{"HexParts", "tcp", "0x7f.1:80", outbound.ReasonNumeric},
	{"Octal", "tcp", "017700000001:80", outbound.ReasonNumeric},
	{"HexWhole", "tcp", "0x7F000001:80", outbound.ReasonNumeric},
	{"ShortDotted", "tcp", "127.1:80", outbound.ReasonNumeric},
	{"OctalDotted", "tcp", "0177.0.0.1:80", outbound.ReasonNumeric},
	{"LeadingZeros", "tcp", "127.000.000.001:80", outbound.ReasonNumeric},
	{"TrailingDot", "tcp", "2130706433.:80", outbound.ReasonNumeric},
	{"MetadataDecimal", "tcp", "2852039166:80", outbound.ReasonNumeric},
	{"UDP", "udp", "8.8.8.8:53", outbound.ReasonNetwork},
	{"Unix", "unix", "/var/run/docker.sock", outbound.ReasonNetwork},
}

func TestDialRefused(t *testing.T) {
	p, err := outbound.NewPolicy(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range refusedDials {
		t.Run(tt.name, func(t *testing.T) {
			c, err := p.DialContext(context.Background(), tt.network, tt.addr)
			if err == nil {
				c.Close()
				t.Fatalf("DialContext(%s, %s) connected, want refused", tt.network, tt.addr)
			}
			var e *outbound.Error
			if !errors.As(err, &e) || e.Reason != tt.reason {
				t.Fatalf("DialContext(%s, %s) = %v, want an *outbound.Error with reason %q", tt.network, tt.addr, err, tt.reason)
			}
		})
	}
}

// TestGoParsers records why numericHost exists: Go's own parsers do not
// read these forms as addresses, so without it they would reach a resolver
// (the C one reads them as 127.0.0.1 and 169.254.169.254).
func TestGoParsers(t *testing.T) {
	for _, h := range []string{"2130706433", "0x7f.1", "017700000001", "0x7F000001", "127.1", "0177.0.0.1", "127.000.000.001"} {
		if ip := net.ParseIP(h); ip != nil {
			t.Errorf("net.ParseIP(%q) = %v; the numeric-host check may be redundant", h, ip)
		}
		if _, err := netip.ParseAddr(h); err == nil {
			t.Errorf("netip.ParseAddr(%q) succeeded; the numeric-host check may be redundant", h)
		}
	}
}

var forbiddenAddrs = []struct {
	addr, reason string
}{
	{"8.8.8.8", ""},
	{"1.1.1.1", ""},
	{"93.184.216.34", ""},
	{"100.63.255.255", ""},
	{"100.128.0.0", ""},
	{"172.32.0.1", ""},
	{"2606:4700:4700::1111", ""},
	{"127.0.0.1", outbound.ReasonLoopback},
	{"169.254.0.1", outbound.ReasonLinkLocal},
	{"172.31.255.255", outbound.ReasonPrivate},
	{"::ffff:192.168.0.1", outbound.ReasonPrivate},
	{"239.255.255.250", outbound.ReasonMulticast},
	{"192.0.2.1", outbound.ReasonReserved},
}

func TestForbidden(t *testing.T) {
	for _, tt := range forbiddenAddrs {
		if got := outbound.Forbidden(netip.MustParseAddr(tt.addr)); got != tt.reason {
			t.Errorf("Forbidden(%s) = %q, want %q", tt.addr, got, tt.reason)
		}
	}
}

var checkURLs = []struct {
	url    string
	reason string // "" for accepted
}{
	{"https://hooks.example.com/nexo", ""},
	{"http://93.184.216.34:8080/x", ""},
	{"https://[2606:4700:4700::1111]/", ""},
	{"http://127.0.0.1:7474/", outbound.ReasonLoopback},
	{"http://localhost./", ""}, // a name: refused when dialled, after resolving
	{"http://[::1]/", outbound.ReasonLoopback},
	{"http://[::ffff:127.0.0.1]/", outbound.ReasonLoopback},
	{"http://169.254.169.254/latest/meta-data/", outbound.ReasonLinkLocal},
	{"http://2130706433/", outbound.ReasonNumeric},
	{"http://0x7f.1/", outbound.ReasonNumeric},
	{"http://017700000001/", outbound.ReasonNumeric},
	{"http://10.0.0.1/", outbound.ReasonPrivate},
	{"http://100.100.100.200/", outbound.ReasonSharedNAT},
	{"ftp://hooks.example.com/", outbound.ReasonScheme},
	{"file:///etc/passwd", "not a URL with a host"},
	{"gopher://hooks.example.com:70/", outbound.ReasonScheme},
	{"javascript:alert(1)", "not a URL with a host"},
}

func TestCheckURL(t *testing.T) {
	p, _ := outbound.NewPolicy(nil)
	for _, tt := range checkURLs {
		err := p.CheckURL(tt.url)
		var e *outbound.Error
		switch {
		case tt.reason == "" && err != nil:
			t.Errorf("CheckURL(%q) = %v, want nil", tt.url, err)
		case tt.reason != "" && (!errors.As(err, &e) || e.Reason != tt.reason):
			t.Errorf("CheckURL(%q) = %v, want reason %q", tt.url, err, tt.reason)
		}
	}
}

var allowLists = []struct {
	name, list, addr string
}{
	{"Address", "127.0.0.1", "127.0.0.1"},
	{"CIDR", "10.9.0.0/16, 127.0.0.0/8", "127.0.0.1"},
	{"Name", "localhost", "localhost"},
	{"NameCase", "LocalHost.", "localhost"},
}

// TestAllowList dials a real listener on 127.0.0.1 through policies that
// allow it by address, prefix and name.
func TestAllowList(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	for _, tt := range allowLists {
		t.Run(tt.name, func(t *testing.T) {
			p, err := outbound.ParseAllowList(tt.list)
			if err != nil {
				t.Fatal(err)
			}
			c, err := p.DialContext(context.Background(), "tcp4", net.JoinHostPort(tt.addr, port))
			if err != nil {
				t.Fatalf("allow %q: dial %s: %v", tt.list, tt.addr, err)
			}
			c.Close()
			// What the list does not name stays refused.
			if _, err := p.DialContext(context.Background(), "tcp", "169.254.169.254:80"); !outbound.IsRefused(err) {
				t.Fatalf("allow %q: dial metadata = %v, want refused", tt.list, err)
			}
		})
	}
}

func TestParseAllowListErrors(t *testing.T) {
	for _, bad := range []string{"http://x.example", "10.0.0.0/33", "ex ample.com", "-bad.example", "2130706433", "a..b"} {
		if _, err := outbound.ParseAllowList(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseAllowList(%q) = %v, want an error naming the entry", bad, err)
		}
	}
	if _, err := outbound.ParseAllowList(" , ,"); err != nil {
		t.Errorf("ParseAllowList of blanks = %v, want nil", err)
	}
}

// TestHTTPClient checks the client against real servers on 127.0.0.1: the
// default policy does not reach them at all; one that allows 127.0.0.1
// does, but never follows a redirect, even to an allowed place.
func TestHTTPClient(t *testing.T) {
	var hits, followed atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) { hits.Add(1); io.WriteString(w, "ok") })
	mux.HandleFunc("/redirect-meta", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/redirect-here", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, "/followed", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/followed", func(w http.ResponseWriter, r *http.Request) { followed.Add(1) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	t.Run("DefaultRefusesLoopback", func(t *testing.T) {
		p, _ := outbound.NewPolicy(nil)
		resp, err := p.HTTPClient(5 * time.Second).Get(srv.URL + "/hook")
		if err == nil {
			resp.Body.Close()
		}
		if !outbound.IsRefused(err) || hits.Load() != 0 {
			t.Fatalf("GET %s = %v (server hits %d), want refused and no hit", srv.URL, err, hits.Load())
		}
	})
	allowed, _ := outbound.NewPolicy([]string{"127.0.0.1"})
	client := allowed.HTTPClient(5 * time.Second)
	t.Run("AllowedOK", func(t *testing.T) {
		resp, err := client.Get(srv.URL + "/hook")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("status %d, want 200", resp.StatusCode)
		}
	})
	for _, path := range []string{"/redirect-meta", "/redirect-here"} {
		t.Run("NoRedirect"+path, func(t *testing.T) {
			resp, err := client.Post(srv.URL+path, "application/json", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode/100 != 3 || followed.Load() != 0 {
				t.Fatalf("status %d, followed %d; want the 3xx itself and nothing followed", resp.StatusCode, followed.Load())
			}
		})
	}
	for _, u := range []string{"ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1:70/"} {
		t.Run("Scheme", func(t *testing.T) {
			req := &http.Request{Method: "GET", URL: mustURL(t, u), Header: http.Header{}}
			resp, err := client.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			if !outbound.IsRefused(err) {
				t.Fatalf("GET %s = %v, want refused", u, err)
			}
		})
	}
}

func mustURL(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
