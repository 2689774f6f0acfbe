package api

import (
	"math"
	"net/netip"
	"sync"
	"time"
)

// Failed authentication is limited per client address: a token guesser
// gets AuthFailureBurst tries, then one a second (AuthFailureRate), each
// past that a 429 with Retry-After and no token lookup in Neo4j. A lookup
// that succeeds gives its try back, so members are not slowed down by
// their own requests.
//
// A limited address is not shut out for tokens that authenticated in the
// last seconds (the lookup cache): a member behind the same NAT or proxy
// as a guesser keeps working, and that costs no lookup either. A token
// not in the cache waits like any other.
const (
	AuthFailureRate  = 1  // failed lookups a second, per address, once the burst is spent
	AuthFailureBurst = 10 // failed lookups an address may make at once

	// maxFailureAddrs bounds the addresses remembered; past it, idle ones
	// are forgotten, and if all are busy new ones share one limiter.
	maxFailureAddrs = 10_000
)

// failures holds a token bucket per client address (per /64 for IPv6,
// which one host can fill). A try is taken before a lookup and given back
// after a success; x/time/rate cannot give back a try once taken.
type failures struct {
	mu       sync.Mutex
	buckets  map[netip.Addr]*bucket
	overflow *bucket
	rate     float64 // tries regained a second
	burst    float64
}

// bucket is one address's tries.
type bucket struct {
	tries float64
	at    time.Time // when tries was last brought up to date
}

func newFailures(rate float64, burst int) *failures {
	return &failures{buckets: map[netip.Addr]*bucket{}, overflow: &bucket{tries: float64(burst), at: time.Now()},
		rate: rate, burst: float64(burst)}
}

// refill brings b up to now. Callers hold f.mu.
func (f *failures) refill(b *bucket, now time.Time) {
	b.tries = min(f.burst, b.tries+now.Sub(b.at).Seconds()*f.rate)
	b.at = now
}

// addrKey is the address a client is counted under.
func addrKey(ip string) netip.Addr {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return netip.Addr{} // unparseable: all such share one bucket
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

// bucket returns the address's bucket. Callers hold f.mu.
func (f *failures) bucket(key netip.Addr, now time.Time) *bucket {
	if b, ok := f.buckets[key]; ok {
		return b
	}
	if len(f.buckets) >= maxFailureAddrs {
		for k, b := range f.buckets {
			if f.refill(b, now); b.tries >= f.burst {
				delete(f.buckets, k) // idle: as good as new
			}
		}
		if len(f.buckets) >= maxFailureAddrs {
			return f.overflow
		}
	}
	b := &bucket{tries: f.burst, at: now}
	f.buckets[key] = b
	return b
}

// try takes one try of the address for a token lookup. ok false means the
// address is limited; retry is then how long until its next try. A taken
// try counts as a failure unless refund is called.
func (f *failures) try(ip string) (refund func(), retry time.Duration, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	b := f.bucket(addrKey(ip), now)
	f.refill(b, now)
	if b.tries < 1 {
		return nil, time.Duration((1 - b.tries) / f.rate * float64(time.Second)), false
	}
	b.tries--
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.refill(b, time.Now())
		b.tries = min(f.burst, b.tries+1)
	}, 0, true
}

// retryAfter is a Retry-After value: whole seconds, at least 1.
func retryAfter(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
