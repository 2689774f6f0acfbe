package outbound

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Policy decides which outbound connections Nexo may make. The zero value
// refuses every forbidden address; NewPolicy adds the operator's allow-list.
// A Policy is safe for concurrent use.
type Policy struct {
	hosts map[string]bool // allowed host names, lower case, no trailing dot
	nets  []netip.Prefix  // allowed addresses

	// lookup resolves a host name; nil is net.DefaultResolver. Tests replace
	// it to play a rebinding DNS server.
	lookup func(ctx context.Context, network, host string) ([]netip.Addr, error)
	// dialTimeout bounds one connect; 0 is 10 seconds.
	dialTimeout time.Duration
}

// NewPolicy returns a Policy that also allows the listed host names, IP
// addresses and CIDR prefixes ("hooks.internal", "10.0.0.7", "10.1.0.0/16",
// "fd00::/8"). An entry that is none of these is an error naming it.
func NewPolicy(allow []string) (*Policy, error) {
	p := &Policy{hosts: map[string]bool{}}
	for _, e := range allow {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if pre, err := netip.ParsePrefix(e); err == nil {
			p.nets = append(p.nets, pre.Masked())
			continue
		}
		if a, err := netip.ParseAddr(e); err == nil {
			a = a.Unmap().WithZone("")
			p.nets = append(p.nets, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		h := strings.TrimSuffix(strings.ToLower(e), ".")
		if !validHostName(h) || numericHost(h) {
			return nil, fmt.Errorf("outbound allow-list: %q is not a host name, an IP address or a CIDR prefix", e)
		}
		p.hosts[h] = true
	}
	return p, nil
}

// ParseAllowList is NewPolicy over a comma-separated list, the form of
// NEXO_OUTBOUND_ALLOW.
func ParseAllowList(list string) (*Policy, error) {
	return NewPolicy(strings.Split(list, ","))
}

// Error is a connection the Policy refused. Reason is a short category
// ("loopback", "private network", ...) fit to show a user; Addr, when set,
// is the refused address, fit only for the operator's logs (it would tell a
// user what an internal name resolves to).
type Error struct {
	Host   string
	Addr   netip.Addr
	Reason string
}

func (e *Error) Error() string {
	if e.Addr.IsValid() && e.Addr.String() != e.Host {
		return fmt.Sprintf("outbound: %s refused: it resolves to %s, %s", e.Host, e.Addr, e.Reason)
	}
	return fmt.Sprintf("outbound: %s refused: %s", e.Host, e.Reason)
}

// IsRefused reports whether err is, or wraps, a connection the Policy refused.
func IsRefused(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// Reasons, the categories of Error.Reason.
const (
	ReasonLoopback    = "a loopback address"
	ReasonUnspecified = "an unspecified address"
	ReasonPrivate     = "a private-network address"
	ReasonLinkLocal   = "a link-local address (where cloud metadata services live)"
	ReasonSharedNAT   = "a carrier-grade NAT address"
	ReasonMulticast   = "a multicast or broadcast address"
	ReasonReserved    = "a reserved or special-purpose address"
	ReasonEmbedded    = "an IPv6 address that carries an IPv4 one"
	ReasonNumeric     = "a host written as a number; write the address as a dotted quad"
	ReasonScheme      = "not an http or https URL"
	ReasonNetwork     = "not a TCP connection"
)

// special lists the blocks refused beyond what netip.Addr's predicates
// know, with why. IPv4-mapped addresses are unmapped before any check.
var special = []struct {
	prefix netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), ReasonUnspecified}, // "this network": connects to the local host on Linux
	{netip.MustParsePrefix("100.64.0.0/10"), ReasonSharedNAT},
	{netip.MustParsePrefix("192.0.0.0/24"), ReasonReserved},
	{netip.MustParsePrefix("192.0.2.0/24"), ReasonReserved},
	{netip.MustParsePrefix("198.18.0.0/15"), ReasonReserved},
	{netip.MustParsePrefix("198.51.100.0/24"), ReasonReserved},
	{netip.MustParsePrefix("203.0.113.0/24"), ReasonReserved},
	{netip.MustParsePrefix("240.0.0.0/4"), ReasonReserved}, // includes 255.255.255.255
	{netip.MustParsePrefix("::/96"), ReasonEmbedded},       // IPv4-compatible (:: and ::1 are caught first)
	{netip.MustParsePrefix("64:ff9b::/96"), ReasonEmbedded},
	{netip.MustParsePrefix("64:ff9b:1::/48"), ReasonEmbedded},
	{netip.MustParsePrefix("2002::/16"), ReasonEmbedded},
	{netip.MustParsePrefix("2001::/32"), ReasonEmbedded},
	{netip.MustParsePrefix("100::/64"), ReasonReserved}, // discard-only
	{netip.MustParsePrefix("2001:db8::/32"), ReasonReserved},
	{netip.MustParsePrefix("fec0::/10"), ReasonPrivate}, // deprecated site-local
}

// Forbidden returns why a is refused by default, or "" when it is an
// ordinary public address.
func Forbidden(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return ReasonReserved
	case a.IsLoopback():
		return ReasonLoopback
	case a.IsUnspecified():
		return ReasonUnspecified
	case a.IsPrivate():
		return ReasonPrivate
	case a.IsLinkLocalUnicast():
		return ReasonLinkLocal
	case a.IsMulticast(), a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast():
		return ReasonMulticast
	}
	for _, s := range special {
		if s.prefix.Contains(a.WithZone("")) {
			return s.reason
		}
	}
	return ""
}

// refused returns why the Policy refuses a, or "" if it may be dialled.
func (p *Policy) refused(a netip.Addr) string {
	a = a.Unmap().WithZone("")
	for _, n := range p.nets {
		if n.Contains(a) {
			return ""
		}
	}
	return Forbidden(a)
}

// CheckURL refuses, before any connection, a URL that the client would
// refuse anyway: a scheme other than http(s), no host, or a host that is a
// refused address written literally (in any numeric form). A host name
// passes; it is checked again, resolved, when dialled. Use it to reject a
// bad setting when it is made rather than when it is first used.
func (p *Policy) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return &Error{Host: raw, Reason: "not a URL with a host"}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return &Error{Host: u.Host, Reason: ReasonScheme}
	}
	return p.checkHost(u.Hostname())
}

// checkHost refuses a literal address the Policy refuses and a numeric
// host form; host names pass.
func (p *Policy) checkHost(host string) error {
	if p.hosts[normHost(host)] {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if r := p.refused(a); r != "" {
			return &Error{Host: host, Addr: a, Reason: r}
		}
		return nil
	}
	if numericHost(host) {
		return &Error{Host: host, Reason: ReasonNumeric}
	}
	return nil
}

// DialContext connects like net.Dialer.DialContext, for TCP only, after
// resolving addr's host and checking every address it resolves to. It
// returns an *Error for a refused host.
func (p *Policy) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, &Error{Host: addr, Reason: ReasonNetwork}
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("outbound: %w", err)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return nil, fmt.Errorf("outbound: bad port %q", port)
	}
	if err := p.checkHost(host); err != nil {
		return nil, err
	}
	allowedName := p.hosts[normHost(host)]
	addrs, err := p.resolve(ctx, network, host)
	if err != nil {
		return nil, err
	}
	if !allowedName {
		for _, a := range addrs {
			if r := p.refused(a); r != "" {
				return nil, &Error{Host: host, Addr: a, Reason: r}
			}
		}
	}
	timeout := p.dialTimeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	d := net.Dialer{Timeout: timeout}
	if !allowedName {
		d.Control = p.control
	}
	var errs []error
	for _, a := range addrs {
		c, err := d.DialContext(ctx, network, netip.AddrPortFrom(a, mustPort(port)).String())
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// control is the last check, on the socket address itself just before
// connect: whatever path led here, a refused address is not connected to.
func (p *Policy) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &Error{Host: address, Reason: ReasonReserved}
	}
	if r := p.refused(ap.Addr()); r != "" {
		return &Error{Host: address, Addr: ap.Addr(), Reason: r}
	}
	return nil
}

// resolve returns host's addresses: the address itself for a literal.
func (p *Policy) resolve(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a.Unmap()}, nil
	}
	ipnet := map[string]string{"tcp": "ip", "tcp4": "ip4", "tcp6": "ip6"}[network]
	lookup := p.lookup
	if lookup == nil {
		lookup = net.DefaultResolver.LookupNetIP
	}
	addrs, err := lookup(ctx, ipnet, host)
	if err != nil {
		return nil, fmt.Errorf("outbound: resolve %s: %w", host, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("outbound: resolve %s: no addresses", host)
	}
	for i := range addrs {
		addrs[i] = addrs[i].Unmap()
	}
	return addrs, nil
}

// HTTPClient returns an HTTP client whose every connection goes through
// DialContext, that refuses URL schemes other than http and https, ignores
// proxy settings, and never follows redirects: a 3xx answer is returned as
// it is. timeout bounds each request, connect to last byte of the body.
func (p *Policy) HTTPClient(timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            p.DialContext,
		ForceAttemptHTTP2:      true,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    10 * time.Second,
		MaxIdleConns:           10,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport: schemeCheck{tr},
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// schemeCheck refuses URL schemes other than http and https before the
// transport sees the request.
type schemeCheck struct{ next http.RoundTripper }

func (s schemeCheck) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme != "http" && r.URL.Scheme != "https" {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, &Error{Host: r.URL.Host, Reason: ReasonScheme}
	}
	return s.next.RoundTrip(r)
}

func normHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

func mustPort(s string) uint16 {
	n, _ := strconv.ParseUint(s, 10, 16)
	return uint16(n)
}

// numericHost reports whether h is a number in a form that inet_aton (and
// so the C resolver, browsers and curl) reads as an IPv4 address: one to
// four dot-separated parts, each decimal, octal (leading 0) or hex (0x).
// Go's parser only reads dotted quads, so a dotted quad is left to it.
func numericHost(h string) bool {
	h = strings.TrimSuffix(h, ".")
	parts := strings.Split(h, ".")
	if len(parts) > 4 || h == "" {
		return false
	}
	for _, s := range parts {
		ls := strings.ToLower(s)
		switch {
		case strings.HasPrefix(ls, "0x"):
			if _, err := strconv.ParseUint(ls[2:], 16, 64); err != nil && ls != "0x" {
				return false
			}
		default:
			if _, err := strconv.ParseUint(ls, 10, 64); err != nil {
				return false
			}
		}
	}
	return true
}

// validHostName reports whether h is a DNS name of letters, digits, hyphens
// and dots (lower case), as an allow-list entry must be.
func validHostName(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
