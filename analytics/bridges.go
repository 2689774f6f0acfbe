package analytics

import (
	"fmt"
	"strconv"
	"sync"
)

// Bridge is a tie whose removal disconnects its two ends.
type Bridge struct {
	Tie    int    `json:"tie"`
	A      int32  `json:"-"`
	B      int32  `json:"-"`
	Source string `json:"source"`
	Target string `json:"target"`
}

// Span is the length of the shortest path between a local bridge's ends
// that avoids the bridge itself; NoSpan (marshalled as null) when there is
// none, that is when the local bridge is a bridge.
type Span int

// NoSpan is the Span of a tie with no alternative path.
const NoSpan Span = -1

// MarshalJSON implements json.Marshaler.
func (s Span) MarshalJSON() ([]byte, error) {
	if s < 0 {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, int64(s), 10), nil
}

// UnmarshalJSON implements json.Unmarshaler; null reads as NoSpan.
func (s *Span) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = NoSpan
		return nil
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		return fmt.Errorf("span: %w", err)
	}
	*s = Span(n)
	return nil
}

// LocalBridge is a tie whose ends share no contact (Granovetter 1973, "The
// strength of weak ties", Am. J. Sociol. 78(6)): the shortest other path
// between them has Span ≥ 3 steps, or there is none.
type LocalBridge struct {
	Tie    int    `json:"tie"`
	A      int32  `json:"-"`
	B      int32  `json:"-"`
	Source string `json:"source"`
	Target string `json:"target"`
	Span   Span   `json:"span"`
}

// Bridges returns the ties whose removal would disconnect the network, in
// tie order, found with Tarjan's low-link depth-first search in O(n+m).
func (net *Network) Bridges() []Bridge {
	var out []Bridge
	for _, e := range net.bridgeTies() {
		out = append(out, Bridge{Tie: int(e), A: net.ea[e], B: net.eb[e],
			Source: net.ID(net.ea[e]), Target: net.ID(net.eb[e])})
	}
	return out
}

// bridgeTies returns the edge indexes of the bridges, sorted.
func (net *Network) bridgeTies() []int32 {
	n := net.Len()
	disc := make([]int32, n)
	low := make([]int32, n)
	type frame struct {
		v      int32
		parent int32 // edge we came in by
		next   int32 // next half-edge to look at
	}
	var stack []frame
	isBridge := make([]bool, net.NumTies())
	timer := int32(0)
	for s := 0; s < n; s++ {
		if disc[s] != 0 {
			continue
		}
		timer++
		disc[s], low[s] = timer, timer
		stack = append(stack[:0], frame{int32(s), -1, net.off[s]})
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next < net.off[f.v+1] {
				h := f.next
				f.next++
				w, e := net.adj[h], net.he[h]
				if e == f.parent {
					continue
				}
				if disc[w] == 0 {
					timer++
					disc[w], low[w] = timer, timer
					stack = append(stack, frame{w, e, net.off[w]})
				} else {
					low[f.v] = min(low[f.v], disc[w])
				}
				continue
			}
			v, pe := f.v, f.parent
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				u := stack[len(stack)-1].v
				low[u] = min(low[u], low[v])
				if low[v] > disc[u] {
					isBridge[pe] = true
				}
			}
		}
	}
	var out []int32
	for e, b := range isBridge {
		if b {
			out = append(out, int32(e))
		}
	}
	return out
}

// LocalBridges returns the ties whose ends have no contact in common, in tie
// order, each with its span: the length of the shortest path between the
// ends once the tie is removed (NoSpan when none). Spans come from a
// bidirectional breadth-first search per local bridge, in parallel. This is
// NetworkX's local_bridges(G, with_span=True).
func (net *Network) LocalBridges() []LocalBridge {
	m := net.NumTies()
	var cand []int32
	for e := 0; e < m; e++ {
		if net.sharedNeighbors(net.ea[e], net.eb[e]) == 0 {
			cand = append(cand, int32(e))
		}
	}
	bridge := make(map[int32]bool)
	for _, e := range net.bridgeTies() {
		bridge[e] = true
	}
	out := make([]LocalBridge, len(cand))
	n := net.Len()
	pool := sync.Pool{New: func() any { return newBiBFS(n) }}
	parallelFor(len(cand), func(lo, hi int) {
		b := pool.Get().(*biBFS)
		defer pool.Put(b)
		for i := lo; i < hi; i++ {
			e := cand[i]
			span := NoSpan
			if !bridge[e] {
				span = Span(net.distanceAvoiding(b, net.ea[e], net.eb[e], e))
			}
			out[i] = LocalBridge{Tie: int(e), A: net.ea[e], B: net.eb[e],
				Source: net.ID(net.ea[e]), Target: net.ID(net.eb[e]), Span: span}
		}
	})
	return out
}

type biBFS struct {
	side   []int8 // 1 reached from s, 2 from t, 0 not yet
	dist   []int32
	fs, ft []int32
	next   []int32
	seen   []int32
}

func newBiBFS(n int) *biBFS {
	return &biBFS{side: make([]int8, n), dist: make([]int32, n)}
}

// distanceAvoiding returns the hop distance from s to t not using edge skip,
// or -1, expanding the smaller frontier level by level.
func (net *Network) distanceAvoiding(b *biBFS, s, t int32, skip int32) int {
	defer func() {
		for _, v := range b.seen {
			b.side[v] = 0
		}
		b.seen = b.seen[:0]
	}()
	b.side[s], b.side[t] = 1, 2
	b.dist[s], b.dist[t] = 0, 0
	b.seen = append(b.seen, s, t)
	b.fs = append(b.fs[:0], s)
	b.ft = append(b.ft[:0], t)
	for len(b.fs) > 0 && len(b.ft) > 0 {
		front, mine, other := &b.fs, int8(1), int8(2)
		if len(b.ft) < len(b.fs) {
			front, mine, other = &b.ft, 2, 1
		}
		best := -1
		next := b.next[:0]
		for _, v := range *front {
			for h := net.off[v]; h < net.off[v+1]; h++ {
				if net.he[h] == skip {
					continue
				}
				w := net.adj[h]
				switch b.side[w] {
				case 0:
					b.side[w] = mine
					b.dist[w] = b.dist[v] + 1
					b.seen = append(b.seen, w)
					next = append(next, w)
				case other:
					if d := int(b.dist[v] + 1 + b.dist[w]); best < 0 || d < best {
						best = d
					}
				}
			}
		}
		if best >= 0 {
			return best
		}
		b.next = *front
		*front = next
	}
	return -1
}

// Overlap returns the neighbourhood overlap of tie e (Onnela et al. 2007,
// "Structure and tie strengths in mobile communication networks", PNAS
// 104(18)):
//
//	O_ij = n_ij / ((k_i − 1) + (k_j − 1) − n_ij)
//
// where n_ij is the number of contacts i and j share and k the degrees; 0
// when the denominator is 0 (two people tied only to each other). Low
// overlap marks a weak tie in the structural sense; Onnela et al. found it
// grows with tie strength.
func (net *Network) Overlap(e int) float64 {
	a, b := net.ea[e], net.eb[e]
	shared := net.sharedNeighbors(a, b)
	den := net.Degree(a) - 1 + net.Degree(b) - 1 - shared
	if den <= 0 {
		return 0
	}
	return float64(shared) / float64(den)
}

// Overlaps returns Overlap for every tie, indexed by tie.
func (net *Network) Overlaps() []float64 {
	out := make([]float64, net.NumTies())
	parallelFor(len(out), func(lo, hi int) {
		for e := lo; e < hi; e++ {
			out[e] = net.Overlap(e)
		}
	})
	return out
}
