package analytics

import (
	"cmp"
	"math"
	"slices"
	"sync"
)

// Path limits.
const (
	DefaultMaxHops = 4
	DefaultK       = 5
	// MaxPathHops bounds PathOptions.MaxHops: beyond a handful of steps a
	// "warm" introduction is no longer warm, and the search grows with
	// degree^hops.
	MaxPathHops = 8
)

// PathOptions tunes the intro-path searches. Zero fields take defaults.
type PathOptions struct {
	K       int // paths to return; DefaultK
	MaxHops int // ties per path, at most MaxPathHops; DefaultMaxHops
}

func (o PathOptions) withDefaults() PathOptions {
	if o.K <= 0 {
		o.K = DefaultK
	}
	if o.MaxHops <= 0 {
		o.MaxHops = DefaultMaxHops
	}
	o.MaxHops = min(o.MaxHops, MaxPathHops)
	return o
}

// IntroPath is a chain of ties from a source (me, or a team member) to a
// target, explained tie by tie.
type IntroPath struct {
	Nodes  []int32    `json:"-"`
	People []string   `json:"people"` // person ids, source first
	Names  []string   `json:"names"`
	Score  float64    `json:"score"` // product of the tie strengths
	Hops   int        `json:"hops"`
	Steps  []PathStep `json:"steps"`
}

// PathStep is one tie of an IntroPath and why it is (or is not) warm.
type PathStep struct {
	From     string   `json:"from"`
	To       string   `json:"to"`
	FromName string   `json:"from_name"`
	ToName   string   `json:"to_name"`
	Strength float64  `json:"strength"`
	Reasons  []Reason `json:"reasons"`
}

// IntroPaths returns the k best loopless paths of at most MaxHops ties from
// any of sources to target, best first. A path's score is the product of its
// tie strengths, so the best path minimises Σ −ln w over its ties — the
// ranking of Yen's k shortest paths on −ln w (gonum's
// path.YenKShortestPaths), restricted to MaxHops. Paths do not pass through
// a second source (its own path would be better). Nil when target is a
// source or unreachable within MaxHops.
//
// The search is exact and local: a hop-limited Bellman–Ford from the target
// gives, for every node within MaxHops-1 ties, the cheapest cost of reaching
// the target in each number of remaining hops; a depth-first branch and
// bound from the sources then extends only paths whose cost plus that bound
// can still enter the k best. It touches the target's (MaxHops-1)-ball and a
// few paths, not the whole graph.
func (net *Network) IntroPaths(sources []int32, target int32, opt PathOptions) []IntroPath {
	opt = opt.withDefaults()
	net.checkPerson(target)
	w := net.getWork(opt.MaxHops)
	defer pathPool.Put(w)
	w.markSources(net, sources)
	if w.isSource[target] == w.srcStamp {
		return nil
	}
	net.backwardBounds(w, []int32{target}, opt.MaxHops, math.MaxInt)
	w.best = w.best[:0]
	w.k = opt.K
	for i, s := range sources {
		if s == target || slices.Contains(sources[:i], s) {
			continue
		}
		w.path = append(w.path[:0], s)
		w.onPath[s] = true
		net.branch(w, s, target, 0, 0, opt.MaxHops)
		w.onPath[s] = false
	}
	if len(w.best) == 0 {
		return nil
	}
	out := make([]IntroPath, len(w.best))
	for i, p := range w.best {
		out[i] = net.explainPath(p.nodes)
	}
	return out
}

type foundPath struct {
	cost  float64
	nodes []int32
}

type pathWork struct {
	H        int
	cur      uint32
	lbStamp  []uint32
	lb       []float64 // lb[v*H + r]: cheapest cost from v to the target in ≤ r hops
	srcStamp uint32
	isSource []uint32
	onPath   []bool
	touched  []int32
	front    []int32
	next     []int32
	inNext   []uint32 // == gen when already in next
	gen      uint32
	path     []int32
	cands    [][]cand
	best     []foundPath
	k        int
	// IntroPathsToAny: fv[v*H + h] is the cost of the best walk found from
	// the sources to v in exactly h ties and pred[v*H + h] the node before v
	// on it, set where fStamp[v] is cur; targets are marked in isTarget and,
	// once reached, in found.
	fStamp   []uint32
	fv       []float64
	pred     []int32
	isTarget []uint32
	found    []uint32
	targets  []int32
	heap     []state
	hits     []hit
	// nearestBounds: dj[v] is the cost from v to the nearest target where
	// djStamp[v] is cur, final where it is under rho, and rho bounds the
	// cost from everyone else.
	djStamp []uint32
	dj      []float64
	rho     float64
}

type cand struct {
	v     int32
	cost  float64
	bound float64
}

var pathPool sync.Pool

func (net *Network) getWork(hops int) *pathWork {
	n := net.Len()
	w, _ := pathPool.Get().(*pathWork)
	if w == nil || len(w.lbStamp) != n {
		w = &pathWork{lbStamp: make([]uint32, n), isSource: make([]uint32, n),
			onPath: make([]bool, n), inNext: make([]uint32, n)}
	}
	if w.H < hops+1 {
		w.H = hops + 1
		w.lb = make([]float64, n*w.H)
		w.fv = nil
		w.pred = nil
		w.cur = 0
	}
	if len(w.cands) < hops+1 {
		w.cands = make([][]cand, hops+1)
	}
	w.cur++
	if w.cur <= 1 { // new, resized or wrapped: start the stamps afresh
		clear(w.lbStamp)
		clear(w.isSource)
		clear(w.fStamp)
		clear(w.isTarget)
		clear(w.found)
		clear(w.djStamp)
		w.cur = 1
	}
	return w
}

func (w *pathWork) nextGen() uint32 {
	w.gen++
	if w.gen == 0 {
		clear(w.inNext)
		w.gen = 1
	}
	return w.gen
}

func (w *pathWork) markSources(net *Network, sources []int32) {
	w.srcStamp = w.cur
	for _, s := range sources {
		net.checkPerson(s)
		w.isSource[s] = w.cur
	}
}

// touch makes v's row of the backward bounds current, and lists v among
// the people the bounds reach.
func (w *pathWork) touch(v int32) {
	if w.stampRow(w.lbStamp, w.lb, v) {
		w.touched = append(w.touched, v)
	}
}

// touchF makes v's row of the forward costs current.
func (w *pathWork) touchF(v int32) { w.stampRow(w.fStamp, w.fv, v) }

// stampRow starts v's row of vals (H entries) afresh, all +Inf, the first
// time this query reaches v, and reports whether it did.
func (w *pathWork) stampRow(stamp []uint32, vals []float64, v int32) bool {
	if stamp[v] == w.cur {
		return false
	}
	stamp[v] = w.cur
	row := vals[int(v)*w.H : int(v)*w.H+w.H]
	for i := range row {
		row[i] = math.Inf(1)
	}
	return true
}

// backwardBounds fills w.lb with the hop-limited costs to the nearest of
// targets for r = 0..hops-1 by layered Bellman–Ford, relaxing only from nodes
// that improved in the previous layer. It stops before a layer that would
// take the number of ties relaxed past budget and returns the last layer
// done: w.lb[v*H + r] holds for r up to it.
func (net *Network) backwardBounds(w *pathWork, targets []int32, hops, budget int) int {
	H := w.H
	w.touched = w.touched[:0]
	w.front = w.front[:0]
	for _, t := range targets {
		if w.lbStamp[t] == w.cur {
			continue
		}
		w.touch(t)
		for r := 0; r < hops; r++ {
			w.lb[int(t)*H+r] = 0
		}
		w.front = append(w.front, t)
	}
	work := 0
	for r := 1; r < hops; r++ {
		for _, x := range w.front {
			work += int(net.off[x+1] - net.off[x])
		}
		if work += len(w.touched); work > budget {
			return r - 1
		}
		gen := w.nextGen()
		for _, v := range w.touched {
			w.lb[int(v)*H+r] = w.lb[int(v)*H+r-1]
		}
		w.next = w.next[:0]
		for _, x := range w.front {
			bx := w.lb[int(x)*H+r-1]
			for h := net.off[x]; h < net.off[x+1]; h++ {
				v := net.adj[h]
				w.touch(v)
				c := bx + net.hc[h]
				if c < w.lb[int(v)*H+r] {
					w.lb[int(v)*H+r] = c
					if w.inNext[v] != gen {
						w.inNext[v] = gen
						w.next = append(w.next, v)
					}
				}
			}
		}
		w.front, w.next = w.next, w.front
	}
	return hops - 1
}

// branch extends the path ending at v (h ties, cost c) towards t.
func (net *Network) branch(w *pathWork, v, t int32, h int, c float64, hops int) {
	rem := hops - h - 1 // hops left after the next step
	cs := w.cands[h][:0]
	for x := net.off[v]; x < net.off[v+1]; x++ {
		u := net.adj[x]
		if w.onPath[u] || w.lbStamp[u] != w.cur {
			continue
		}
		if u != t && (rem == 0 || w.isSource[u] == w.srcStamp) {
			continue
		}
		step := net.hc[x]
		b := c + step + w.lb[int(u)*w.H+rem]
		if math.IsInf(b, 1) || (len(w.best) == w.k && b >= w.best[len(w.best)-1].cost) {
			continue
		}
		cs = append(cs, cand{u, c + step, b})
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return cmp.Compare(a.bound, b.bound) })
	w.cands[h] = cs
	for i := range cs {
		cd := w.cands[h][i]
		if len(w.best) == w.k && cd.bound >= w.best[len(w.best)-1].cost {
			break
		}
		if cd.v == t {
			w.path = append(w.path, t)
			w.record(cd.cost)
			w.path = w.path[:len(w.path)-1]
			continue
		}
		w.onPath[cd.v] = true
		w.path = append(w.path, cd.v)
		net.branch(w, cd.v, t, h+1, cd.cost, hops)
		w.path = w.path[:len(w.path)-1]
		w.onPath[cd.v] = false
	}
}

func (w *pathWork) record(cost float64) {
	i := sort2(w.best, cost)
	if i >= w.k {
		return
	}
	p := foundPath{cost, slices.Clone(w.path)}
	if len(w.best) < w.k {
		w.best = append(w.best, foundPath{})
	}
	copy(w.best[i+1:], w.best[i:len(w.best)-1])
	w.best[i] = p
}

// sort2 returns where a path of the given cost goes: after equal costs.
func sort2(best []foundPath, cost float64) int {
	i, _ := slices.BinarySearchFunc(best, cost, func(p foundPath, c float64) int {
		if p.cost <= c {
			return -1
		}
		return 1
	})
	return i
}

func (net *Network) explainPath(nodes []int32) IntroPath {
	p := IntroPath{Nodes: nodes, Score: 1, Hops: len(nodes) - 1}
	for _, v := range nodes {
		p.People = append(p.People, net.ID(v))
		p.Names = append(p.Names, net.Name(v))
	}
	for i := 0; i+1 < len(nodes); i++ {
		e := net.TieBetween(nodes[i], nodes[i+1])
		ts := net.ExplainTie(e)
		p.Score *= ts.Strength
		p.Steps = append(p.Steps, PathStep{From: net.ID(nodes[i]), To: net.ID(nodes[i+1]),
			FromName: net.Name(nodes[i]), ToName: net.Name(nodes[i+1]),
			Strength: ts.Strength, Reasons: ts.Reasons})
	}
	return p
}

// IntroPathsToAny returns the best path (as IntroPaths scores it) from the
// sources to each reachable target, ranked by score, at most opt.K of them:
// "who at Acme can I reach, and how". Targets that are sources are skipped;
// a target tied directly to a source comes with a one-tie path.
//
// The search is A* (Hart, Nilsson and Raphael 1968) on costs −ln w over the
// states (person, ties so far), from all sources at once. Its heuristic
// bounds the cost from a person to the nearest target from below in two
// ways, each computed backwards from all targets at once and only as far as
// a small budget of ties allows:
//
//	h(v, i) = max(B(v, MaxHops−i), D(v))
//	B(v, r) = min over targets t of cost(v ⇝ t in ≤ r ties)   hop-limited Bellman–Ford,
//	                                                        for r up to the layers done, else 0
//	D(v)    = min over targets t of cost(v ⇝ t)               Dijkstra, where it settled v,
//	                                                        else the least cost it left unsettled
//
// (D only when B leaves more than two ties unbounded). h is consistent, so
// targets come off the queue best first and the search stops once K have
// and nothing left can tie with the K-th. A state is dropped when its person
// was reached as cheaply in no more ties. Few targets make the bounds reach
// far and the search go straight to them; many make it meet K of them early.
// Either way it touches a small part of the sources' MaxHops-ball, where a
// Bellman–Ford forward would relax every tie in it.
func (net *Network) IntroPathsToAny(sources, targets []int32, opt PathOptions) []IntroPath {
	opt = opt.withDefaults()
	w := net.getWork(opt.MaxHops)
	defer pathPool.Put(w)
	w.markSources(net, sources)
	n := net.Len()
	if w.isTarget == nil {
		w.isTarget = make([]uint32, n)
		w.found = make([]uint32, n)
		w.fStamp = make([]uint32, n)
		w.djStamp = make([]uint32, n)
		w.dj = make([]float64, n)
	}
	w.targets = w.targets[:0]
	for _, t := range targets {
		net.checkPerson(t)
		if w.isTarget[t] != w.cur && w.isSource[t] != w.cur {
			w.isTarget[t] = w.cur
			w.targets = append(w.targets, t)
		}
	}
	if len(w.targets) == 0 {
		return []IntroPath{}
	}
	if len(w.fv) != n*w.H {
		w.fv = make([]float64, n*w.H)
		w.pred = make([]int32, n*w.H)
		clear(w.fStamp)
	}
	depth := net.backwardBounds(w, w.targets, opt.MaxHops, anyBoundBudget)
	w.rho = 0
	if opt.MaxHops-depth > 2 { // long walks with no bound: bound their cost
		net.nearestBounds(w, anyBoundBudget)
	}
	net.searchAny(w, sources, opt.MaxHops, opt.K, depth)
	hits := w.hits
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.cost, b.cost), cmp.Compare(a.t, b.t))
	})
	gen := w.nextGen() // keep each target's best
	hits = slices.DeleteFunc(hits, func(h hit) bool {
		if w.inNext[h.t] == gen {
			return true
		}
		w.inNext[h.t] = gen
		return false
	})
	hits = hits[:min(len(hits), opt.K)]
	out := make([]IntroPath, 0, len(hits))
	for _, ht := range hits {
		v, h := ht.t, int(ht.h)
		walk := make([]int32, h+1)
		for ; h >= 0; h-- {
			walk[h] = v
			v = w.pred[int(v)*w.H+h]
		}
		out = append(out, net.explainPath(shortcut(walk)))
	}
	return out
}

// anyBoundBudget caps the ties each of IntroPathsToAny's backward passes
// relaxes, a few tenths of a millisecond: more costs more than it saves the
// forward search (measured on the 100k graphs). A variable for the tests.
var anyBoundBudget = 1 << 13

type state struct {
	f, g float64 // priority (cost so far plus heuristic) and cost so far
	v    int32
	h    int32 // ties so far
}

type hit struct {
	cost float64
	t    int32
	h    int32
}

// searchAny runs IntroPathsToAny's A* with the heuristic that
// backwardBounds left in w.lb up to depth ties, and collects in w.hits every
// target state it settles: at least the best of each of the k best targets
// and of every target that ties with the k-th.
func (net *Network) searchAny(w *pathWork, sources []int32, hops, k, depth int) {
	H := w.H
	w.heap = w.heap[:0]
	w.hits = w.hits[:0]
	for _, s := range sources {
		if w.fStamp[s] != w.cur {
			w.touchF(s)
			w.fv[int(s)*H] = 0
			w.pred[int(s)*H] = -1
			w.push(state{v: s})
		}
	}
	found := 0
	limit := math.Inf(1)
	for len(w.heap) > 0 {
		st := w.pop()
		if st.f > limit {
			break
		}
		row := w.fv[int(st.v)*H : int(st.v)*H+H]
		if row[st.h] != st.g || dominated(row[:st.h], st.g) {
			continue // superseded since it was queued
		}
		if w.isTarget[st.v] == w.cur {
			w.hits = append(w.hits, hit{st.g, st.v, st.h})
			if w.found[st.v] != w.cur {
				w.found[st.v] = w.cur
				if found++; found == k {
					// Rounding can make the heuristic inconsistent by an ulp
					// or so: a little slack keeps every tie with the k-th.
					limit = st.g + 1e-9*(1+st.g)
				}
			}
		}
		h := int(st.h) + 1
		if h > hops {
			continue
		}
		r := hops - h // ties left after this one
		for x := net.off[st.v]; x < net.off[st.v+1]; x++ {
			u := net.adj[x]
			if w.isSource[u] == w.cur {
				continue
			}
			b := w.nearest(u)
			if math.IsInf(b, 1) {
				continue
			}
			if r <= depth {
				if w.lbStamp[u] != w.cur {
					continue
				}
				lb := w.lb[int(u)*H+r]
				if math.IsInf(lb, 1) {
					continue
				}
				b = max(b, lb)
			}
			g := st.g + net.hc[x]
			f := g + b
			if f > limit {
				continue
			}
			w.touchF(u)
			urow := w.fv[int(u)*H : int(u)*H+H]
			if dominated(urow[:h+1], g) {
				continue
			}
			urow[h] = g
			w.pred[int(u)*H+h] = st.v
			w.push(state{f, g, u, int32(h)})
		}
	}
}

// nearestBounds runs Dijkstra back from all targets at once, with no hop
// limit, until it has relaxed budget ties: the costs to the nearest target
// it settles, and the least it has not, bound the cost of reaching any target
// from anyone (w.nearest).
func (net *Network) nearestBounds(w *pathWork, budget int) {
	w.heap = w.heap[:0]
	for _, t := range w.targets {
		w.djStamp[t] = w.cur
		w.dj[t] = 0
		w.heap = append(w.heap, state{v: t}) // all 0: a heap
	}
	w.rho = math.Inf(1)
	for len(w.heap) > 0 {
		st := w.pop()
		if st.f > w.dj[st.v] {
			continue
		}
		if budget <= 0 {
			w.rho = st.f
			return
		}
		budget -= int(net.off[st.v+1] - net.off[st.v])
		for x := net.off[st.v]; x < net.off[st.v+1]; x++ {
			u := net.adj[x]
			d := st.f + net.hc[x]
			if w.djStamp[u] != w.cur || d < w.dj[u] {
				w.djStamp[u] = w.cur
				w.dj[u] = d
				w.push(state{f: d, v: u})
			}
		}
	}
}

// nearest is the bound nearestBounds left on the cost from v to a target.
func (w *pathWork) nearest(v int32) float64 {
	if w.djStamp[v] == w.cur {
		return min(w.dj[v], w.rho)
	}
	return w.rho
}

// dominated reports whether a walk of the given cost is no better than one
// already found in as few ties or fewer (costs[i] for i ties).
func dominated(costs []float64, cost float64) bool {
	for _, c := range costs {
		if c <= cost {
			return true
		}
	}
	return false
}

// push and pop keep w.heap a binary min-heap on f.
func (w *pathWork) push(s state) {
	w.heap = append(w.heap, s)
	hp := w.heap
	i := len(hp) - 1
	for i > 0 {
		p := (i - 1) / 2
		if hp[p].f <= s.f {
			break
		}
		hp[i] = hp[p]
		i = p
	}
	hp[i] = s
}

func (w *pathWork) pop() state {
	hp := w.heap
	top := hp[0]
	last := hp[len(hp)-1]
	hp = hp[:len(hp)-1]
	w.heap = hp
	if len(hp) == 0 {
		return top
	}
	i := 0
	for {
		c := 2*i + 1
		if c >= len(hp) {
			break
		}
		if c+1 < len(hp) && hp[c+1].f < hp[c].f {
			c++
		}
		if last.f <= hp[c].f {
			break
		}
		hp[i] = hp[c]
		i = c
	}
	hp[i] = last
	return top
}

// shortcut removes cycles from a walk (possible only through ties of
// strength 1, which cost nothing), keeping it a path of no greater cost.
func shortcut(walk []int32) []int32 {
	at := map[int32]int{}
	out := walk[:0:0]
	for _, v := range walk {
		if i, ok := at[v]; ok {
			for _, u := range out[i+1:] {
				delete(at, u)
			}
			out = out[:i+1]
			continue
		}
		at[v] = len(out)
		out = append(out, v)
	}
	return out
}

// IntroPathsToOrg returns the best path to each person currently at the
// organisation, ranked (IntroPathsToAny).
func (net *Network) IntroPathsToOrg(sources []int32, orgID string, opt PathOptions) []IntroPath {
	var at []int32
	if org := net.org(orgID); org >= 0 {
		at = net.peopleIndex().at(org, true)
	}
	return net.IntroPathsToAny(sources, at, opt)
}

// IntroPathsToMatches returns the best path to each person matching q,
// ranked (IntroPathsToAny): "¿conoces a alguien que…?".
func (net *Network) IntroPathsToMatches(sources []int32, q PersonQuery, opt PathOptions) []IntroPath {
	return net.IntroPathsToAny(sources, net.Match(q), opt)
}
