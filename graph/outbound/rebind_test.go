package outbound

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
)

// fakeDNS answers every name with the same addresses, as a hostile DNS
// server would, and counts the questions.
type fakeDNS struct {
	addrs []netip.Addr
	asked int
}

func (f *fakeDNS) lookup(_ context.Context, _, _ string) ([]netip.Addr, error) {
	f.asked++
	return append([]netip.Addr(nil), f.addrs...), nil
}

var rebinds = []struct {
	name   string
	addrs  []string
	reason string
}{
	{"Loopback", []string{"127.0.0.1"}, ReasonLoopback},
	{"PublicThenLoopback", []string{"93.184.216.34", "127.0.0.1"}, ReasonLoopback},
	{"MappedMetadata", []string{"::ffff:169.254.169.254"}, ReasonLinkLocal},
	{"Private", []string{"10.1.2.3"}, ReasonPrivate},
}

// TestRebinding plays a DNS server that answers a public-looking name with
// internal addresses: the check is on what the name resolves to when
// dialled, not on the name.
func TestRebinding(t *testing.T) {
	for _, tt := range rebinds {
		t.Run(tt.name, func(t *testing.T) {
			dns := &fakeDNS{}
			for _, a := range tt.addrs {
				dns.addrs = append(dns.addrs, netip.MustParseAddr(a))
			}
			p, _ := NewPolicy(nil)
			p.lookup = dns.lookup
			_, err := p.DialContext(context.Background(), "tcp", "hooks.example.com:443")
			var e *Error
			if !errors.As(err, &e) || e.Reason != tt.reason || dns.asked != 1 {
				t.Fatalf("dial = %v (asked %d), want reason %q after one lookup", err, dns.asked, tt.reason)
			}
		})
	}
}

// TestNumericNeverResolved: the numeric forms are refused before any
// resolver is asked (the C resolver would read them as addresses).
func TestNumericNeverResolved(t *testing.T) {
	dns := &fakeDNS{addrs: []netip.Addr{netip.MustParseAddr("93.184.216.34")}}
	p, _ := NewPolicy(nil)
	p.lookup = dns.lookup
	for _, h := range []string{"2130706433", "0x7f.1", "017700000001", "127.1"} {
		if _, err := p.DialContext(context.Background(), "tcp", h+":80"); !IsRefused(err) {
			t.Errorf("dial %s = %v, want refused", h, err)
		}
	}
	if dns.asked != 0 {
		t.Fatalf("resolver asked %d times, want 0", dns.asked)
	}
}

// TestAllowedNameResolvesAnywhere: a host name on the allow-list may
// resolve to an internal address (the operator named it).
func TestAllowedNameResolvesAnywhere(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	p, _ := NewPolicy([]string{"caldav.internal"})
	p.lookup = (&fakeDNS{addrs: []netip.Addr{netip.MustParseAddr("127.0.0.1")}}).lookup
	c, err := p.DialContext(context.Background(), "tcp", "caldav.internal:"+port)
	if err != nil {
		t.Fatalf("dial an allowed name: %v", err)
	}
	c.Close()
	if _, err := p.DialContext(context.Background(), "tcp", "other.internal:"+port); !IsRefused(err) {
		t.Fatalf("dial a name not on the list = %v, want refused", err)
	}
}

// TestControl checks the last line: the socket hook refuses what the
// resolver step would have, whatever got it there.
func TestControl(t *testing.T) {
	p, _ := NewPolicy([]string{"10.0.0.0/8"})
	for addr, want := range map[string]bool{"127.0.0.1:80": false, "[::ffff:127.0.0.1]:80": false,
		"169.254.169.254:80": false, "10.2.3.4:80": true, "93.184.216.34:443": true} {
		if err := p.control("tcp4", addr, nil); (err == nil) != want {
			t.Errorf("control(%s) = %v, want allowed %v", addr, err, want)
		}
	}
}
