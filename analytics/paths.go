package analytics

import (
	"cmp"
	"math"
	"slices"
	"strings"
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
	Reasons  []string `json:"reasons"`
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
	net.backwardBounds(w, target, opt.MaxHops)
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
	// forward search
	fv   []float64
	pred []int32
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
		clear(w.lbStamp)
		w.cur = 0
	}
	if len(w.cands) < hops+1 {
		w.cands = make([][]cand, hops+1)
	}
	w.cur++
	if w.cur == 0 { // wrapped: start the stamps afresh
		clear(w.lbStamp)
		clear(w.isSource)
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

func (w *pathWork) touch(v int32) {
	if w.lbStamp[v] != w.cur {
		w.lbStamp[v] = w.cur
		row := w.lb[int(v)*w.H : int(v)*w.H+w.H]
		for i := range row {
			row[i] = math.Inf(1)
		}
		w.touched = append(w.touched, v)
	}
}

// backwardBounds fills w.lb with the hop-limited costs to t for r = 0..H-1
// by layered Bellman–Ford, relaxing only from nodes that improved in the
// previous layer.
func (net *Network) backwardBounds(w *pathWork, t int32, hops int) {
	w.touched = w.touched[:0]
	w.touch(t)
	for r := 0; r < hops; r++ {
		w.lb[int(t)*w.H+r] = 0
	}
	w.front = append(w.front[:0], t)
	H := w.H
	for r := 1; r < hops; r++ {
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
				c := bx - math.Log(net.hw[h])
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
		step := -math.Log(net.hw[x])
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
// It runs one hop-limited Bellman–Ford forward from all sources at once
// (MaxHops layers, relaxing only from nodes that improved), so its cost
// does not grow with the number of targets.
func (net *Network) IntroPathsToAny(sources, targets []int32, opt PathOptions) []IntroPath {
	opt = opt.withDefaults()
	w := net.getWork(opt.MaxHops)
	defer pathPool.Put(w)
	w.markSources(net, sources)
	H := w.H             // stride of fv and pred
	L := opt.MaxHops + 1 // layers 0..MaxHops
	n := net.Len()
	if len(w.fv) != n*H {
		w.fv = make([]float64, n*H)
		w.pred = make([]int32, n*H)
	}
	w.touched = w.touched[:0]
	touch := func(v int32) {
		if w.lbStamp[v] != w.cur {
			w.lbStamp[v] = w.cur
			for r := 0; r < L; r++ {
				w.fv[int(v)*H+r] = math.Inf(1)
				w.pred[int(v)*H+r] = -1
			}
			w.touched = append(w.touched, v)
		}
	}
	w.front = w.front[:0]
	for _, s := range sources {
		touch(s)
		if w.fv[int(s)*H] != 0 {
			w.fv[int(s)*H] = 0
			w.front = append(w.front, s)
		}
	}
	const inherited = -2
	for r := 1; r < L; r++ {
		gen := w.nextGen()
		for _, v := range w.touched {
			w.fv[int(v)*H+r] = w.fv[int(v)*H+r-1]
			w.pred[int(v)*H+r] = inherited
		}
		w.next = w.next[:0]
		for _, x := range w.front {
			if r > 1 && w.isSource[x] == w.srcStamp {
				continue
			}
			fx := w.fv[int(x)*H+r-1]
			for h := net.off[x]; h < net.off[x+1]; h++ {
				v := net.adj[h]
				touch(v)
				c := fx - math.Log(net.hw[h])
				if c < w.fv[int(v)*H+r] {
					w.fv[int(v)*H+r] = c
					w.pred[int(v)*H+r] = x
					if w.inNext[v] != gen {
						w.inNext[v] = gen
						w.next = append(w.next, v)
					}
				}
			}
		}
		w.front, w.next = w.next, w.front
	}
	type hit struct {
		t    int32
		cost float64
	}
	var hits []hit
	seen := map[int32]bool{}
	for _, t := range targets {
		net.checkPerson(t)
		if seen[t] || w.isSource[t] == w.srcStamp || w.lbStamp[t] != w.cur {
			continue
		}
		seen[t] = true
		if c := w.fv[int(t)*H+L-1]; !math.IsInf(c, 1) {
			hits = append(hits, hit{t, c})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		if c := cmp.Compare(a.cost, b.cost); c != 0 {
			return c
		}
		return cmp.Compare(a.t, b.t)
	})
	hits = hits[:min(len(hits), opt.K)]
	out := make([]IntroPath, 0, len(hits))
	for _, ht := range hits {
		var rev []int32
		v, r := ht.t, L-1
		rev = append(rev, v)
		for r > 0 {
			p := w.pred[int(v)*H+r]
			r--
			if p == inherited || p < 0 {
				continue
			}
			v = p
			rev = append(rev, v)
		}
		slices.Reverse(rev)
		out = append(out, net.explainPath(shortcut(rev)))
	}
	return out
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

// PersonQuery selects people for IntroPathsToMatches. Text matches any of
// name, title, location, tags, skills, needs and current organisations as a
// case-insensitive substring; Title and Location match as substrings, Tag and
// Skill whole entries, Org an organisation id of a current job. All set
// fields must match.
type PersonQuery struct {
	Text     string `json:"text,omitempty"`
	Title    string `json:"title,omitempty"`
	Tag      string `json:"tag,omitempty"`
	Skill    string `json:"skill,omitempty"`
	Location string `json:"location,omitempty"`
	Org      string `json:"org,omitempty"`
}

// Match returns the people matching q, in index order. An empty query
// matches nobody.
func (net *Network) Match(q PersonQuery) []int32 {
	if q == (PersonQuery{}) {
		return nil
	}
	lc := strings.ToLower
	text, title, loc := lc(strings.TrimSpace(q.Text)), lc(q.Title), lc(q.Location)
	org := int32(-1)
	if q.Org != "" {
		if org = net.org(q.Org); org < 0 {
			return nil
		}
	}
	var out []int32
	for i := range net.snap.People {
		p := &net.snap.People[i]
		if title != "" && !strings.Contains(lc(p.Title), title) ||
			loc != "" && !strings.Contains(lc(p.Location), loc) ||
			q.Tag != "" && !containsFold(p.Tags, q.Tag) ||
			q.Skill != "" && !containsFold(p.Skills, q.Skill) ||
			org >= 0 && !worksAt(p.Jobs, org) ||
			text != "" && !net.textMatch(p, text) {
			continue
		}
		out = append(out, int32(i))
	}
	return out
}

func (net *Network) textMatch(p *graphPerson, text string) bool {
	lc := strings.ToLower
	if strings.Contains(lc(p.Name), text) || strings.Contains(lc(p.Title), text) ||
		strings.Contains(lc(p.Location), text) {
		return true
	}
	for _, l := range [][]string{p.Tags, p.Skills, p.Needs} {
		for _, v := range l {
			if strings.Contains(lc(v), text) {
				return true
			}
		}
	}
	for _, j := range p.Jobs {
		if j.End == 0 && j.Org >= 0 && int(j.Org) < len(net.snap.Organizations) &&
			strings.Contains(lc(net.snap.Organizations[j.Org].Name), text) {
			return true
		}
	}
	return false
}

func containsFold(list []string, v string) bool {
	v = strings.TrimSpace(v)
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(strings.TrimSpace(x), v) })
}

func worksAt(jobs []graphJob, org int32) bool {
	return slices.ContainsFunc(jobs, func(j graphJob) bool { return j.Org == org && j.End == 0 })
}

// PeopleAt returns the people with a current job at the organisation with the
// given id (any job, past ones included, unless currentOnly), in index order.
func (net *Network) PeopleAt(orgID string, currentOnly bool) []int32 {
	org := net.org(orgID)
	if org < 0 {
		return nil
	}
	var out []int32
	for i := range net.snap.People {
		if slices.ContainsFunc(net.snap.People[i].Jobs, func(j graphJob) bool {
			return j.Org == org && (!currentOnly || j.End == 0)
		}) {
			out = append(out, int32(i))
		}
	}
	return out
}

// IntroPathsToOrg returns the best path to each person currently at the
// organisation, ranked (IntroPathsToAny).
func (net *Network) IntroPathsToOrg(sources []int32, orgID string, opt PathOptions) []IntroPath {
	return net.IntroPathsToAny(sources, net.PeopleAt(orgID, true), opt)
}

// IntroPathsToMatches returns the best path to each person matching q,
// ranked (IntroPathsToAny): "¿conoces a alguien que…?".
func (net *Network) IntroPathsToMatches(sources []int32, q PersonQuery, opt PathOptions) []IntroPath {
	return net.IntroPathsToAny(sources, net.Match(q), opt)
}
