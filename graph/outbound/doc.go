// Package outbound is the one way Nexo connects to servers a user names:
// report webhooks today, and the mail, calendar and contacts connectors
// (IMAP, CalDAV, CardDAV). A member who can type a URL must not be able to
// make the server talk to itself, to the machines on its private network or
// to a cloud metadata service (server-side request forgery).
//
// A Policy holds the operator's allow-list (host names, addresses and CIDR
// prefixes; cmd/nexo reads it from NEXO_OUTBOUND_ALLOW) and hands out the
// guarded dialer and HTTP client:
//
//	p, err := outbound.NewPolicy([]string{"hooks.internal", "10.1.2.0/24"})
//	client := p.HTTPClient(time.Minute)  // HTTP(S): webhooks, CalDAV, CardDAV
//	conn, err := p.DialContext(ctx, "tcp", "imap.example.com:993") // other protocols
//
// The check happens when connecting, on the address actually dialled: the
// host name is resolved once, every address it resolves to is checked, and
// only those addresses are dialled, so a name that answers a public address
// to a validator and 127.0.0.1 to the connection (DNS rebinding) cannot get
// through. A host that resolves to any refused address is refused as a
// whole. A socket-level hook checks the address once more just before the
// connect system call.
//
// Refused, unless the allow-list names the host or covers the address:
//
//   - loopback (127.0.0.0/8, ::1) and unspecified (0.0.0.0/8, ::)
//   - private networks: RFC 1918 (10/8, 172.16/12, 192.168/16) and IPv6
//     unique local addresses (fc00::/7)
//   - link-local (169.254.0.0/16, fe80::/10), which holds the cloud metadata
//     services (169.254.169.254, fd00:ec2::254 is in fc00::/7)
//   - shared address space for carrier-grade NAT (100.64.0.0/10)
//   - multicast, broadcast and the reserved and special-purpose IPv4 blocks
//     (192.0.0.0/24, 198.18.0.0/15, 240.0.0.0/4, the documentation blocks)
//   - IPv6 forms that carry an IPv4 address: IPv4-mapped (::ffff:0:0/96,
//     checked as the IPv4 address it maps), IPv4-compatible (::/96), NAT64
//     (64:ff9b::/96, 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo (2001::/32)
//   - host names written as numbers other than a dotted quad: 2130706433,
//     0x7f.1, 017700000001, 127.1 — the C resolver reads them as 127.0.0.1,
//     Go's does not, so they are refused before any resolver sees them
//   - any network but TCP, and any URL scheme but http and https.
//
// The HTTP client never follows a redirect: a 3xx answer comes back to the
// caller as it is (the Location could point anywhere), and it ignores the
// HTTP_PROXY environment, which would route around the check.
package outbound
