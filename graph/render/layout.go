package render

import (
	"cmp"
	"math"
	"slices"
)

// The maps of people are laid out here, in Go, and handed to Graphviz as
// fixed positions (its nop engine, "neato -n"): sfdp and twopi cannot be told
// to keep a circle together, to leave room for labels, or to stay legible at
// 1,000 people, and they take a second where this takes milliseconds.
//
// The layout is a clustered force-directed one. Groups (circles) are first
// placed as discs, sized by their members, by a force layout of the group
// graph (groups tied by many ties pull together, discs never overlap); their
// members are then seeded on a sunflower inside their disc, the best
// connected in the middle, and moved by Fruchterman and Reingold's forces
// (1991, "Graph drawing by force-directed placement", Softw. Pract. Exp. 21:
// ties pull as d²/k, nearby people push as k²/d, counted on a grid so that a
// step is linear) with a pull towards their group's centre; overlaps are
// finally removed. People with no tie at all are set apart in rows at the
// bottom edge.

// body is one node to place: its radius, in points, and its group (-1: no
// tie, placed at the edge).
type body struct {
	x, y  float64
	r     float64
	group int
	key   int // orders the bodies without ties (their circle's style)
}

// spring is a tie between two bodies, w in (0, 1].
type spring struct {
	a, b int
	w    float64
}

// golden is the golden angle, which spreads points evenly on a sunflower.
var golden = math.Pi * (3 - math.Sqrt(5))

// clusterLayout places bodies so that groups form separate clusters, ties
// are short, and no two bodies are closer than their radii plus gap. side is
// the longest side the cluster part may take; it is shrunk to the bodies'
// natural spacing on small maps.
func clusterLayout(bodies []body, springs []spring, gap, side float64) {
	side = min(side, 60*math.Sqrt(float64(len(bodies))))
	if len(bodies) == 0 {
		return
	}
	groups := 0
	for _, b := range bodies {
		groups = max(groups, b.group+1)
	}
	members := make([][]int, groups)
	var loose []int
	for i, b := range bodies {
		if b.group < 0 {
			loose = append(loose, i)
		} else {
			members[b.group] = append(members[b.group], i)
		}
	}
	// A disc per group, its area the members' with their gaps.
	radius := make([]float64, groups)
	for g, ms := range members {
		a := 0.0
		for _, i := range ms {
			d := 2*bodies[i].r + 2*gap
			a += d * d
		}
		radius[g] = math.Sqrt(a/math.Pi) * 1.25
	}
	centres := placeGroups(radius, members, bodies, springs, gap)
	degree := make([]int, len(bodies))
	for _, s := range springs {
		if bodies[s.a].group == bodies[s.b].group {
			degree[s.a]++
			degree[s.b]++
		}
	}
	for g, ms := range members {
		ms = slices.Clone(ms)
		slices.SortStableFunc(ms, func(a, b int) int { return cmp.Compare(degree[b], degree[a]) })
		for k, i := range ms {
			rr := radius[g] * math.Sqrt((float64(k)+0.5)/float64(len(ms))) * 0.9
			bodies[i].x = centres[g][0] + rr*math.Cos(float64(k)*golden)
			bodies[i].y = centres[g][1] + rr*math.Sin(float64(k)*golden)
		}
	}
	tied := make([]int, 0, len(bodies)-len(loose))
	var crowd []int // bodies in clusters of two or more: the ones forces move
	for i, b := range bodies {
		if b.group >= 0 {
			tied = append(tied, i)
			if len(members[b.group]) > 1 {
				crowd = append(crowd, i)
			}
		}
	}
	forces(bodies, crowd, springs, centres, radius, gap)
	// Spread the clusters out to side, keeping the radii, to leave room for
	// names.
	x0, y0, x1, y1 := extent(bodies, tied)
	if w := max(x1-x0, y1-y0); w > 0 && w < side && len(tied) > 1 {
		k := side / w
		for _, i := range tied {
			bodies[i].x = x0 + (bodies[i].x-x0)*k
			bodies[i].y = y0 + (bodies[i].y-y0)*k
		}
	}
	removeOverlaps(bodies, tied, gap)
	placeLoose(bodies, loose, tied, gap)
	// A layout larger than side (large circles drawn as one node each) is
	// zoomed out whole, radii too, so nothing comes to overlap.
	x0, y0, x1, y1 = extent(bodies, allIndexes(len(bodies)))
	if w := max(x1-x0, y1-y0); w > side*1.05 {
		k := side / w
		for i := range bodies {
			bodies[i].x, bodies[i].y, bodies[i].r = x0+(bodies[i].x-x0)*k, y0+(bodies[i].y-y0)*k, bodies[i].r*k
		}
	}
}

// placeGroups lays the group discs out: groups joined by many ties attract,
// discs repel when they overlap, everything is drawn to the middle. Groups
// start on a sunflower, the largest in the middle.
func placeGroups(radius []float64, members [][]int, bodies []body, springs []spring, gap float64) [][2]float64 {
	n := len(radius)
	pos := make([][2]float64, n)
	if n == 0 {
		return pos
	}
	order := make([]int, n)
	for g := range order {
		order[g] = g
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(radius[b], radius[a]) })
	mean := 0.0
	for _, r := range radius {
		mean += r
	}
	mean /= float64(n)
	for k, g := range order {
		rr := 1.5 * mean * math.Sqrt(float64(k))
		pos[g] = [2]float64{rr * math.Cos(float64(k)*golden), rr * math.Sin(float64(k)*golden)}
	}
	if n == 1 {
		return pos
	}
	type link struct {
		a, b int
		w    float64
	}
	weight := map[[2]int]float64{}
	for _, s := range springs {
		ga, gb := bodies[s.a].group, bodies[s.b].group
		if ga >= 0 && gb >= 0 && ga != gb {
			weight[[2]int{min(ga, gb), max(ga, gb)}] += s.w
		}
	}
	links := make([]link, 0, len(weight))
	top := 0.0
	for k, w := range weight {
		links = append(links, link{k[0], k[1], w})
		top = max(top, w)
	}
	slices.SortFunc(links, func(x, y link) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
	sep := 2 * gap
	pinned := order[0] // the largest group stays in the middle
	const steps = 220
	for step := range steps {
		t := 1 - float64(step)/steps // cooling
		move := make([][2]float64, n)
		for _, l := range links {
			dx, dy := pos[l.b][0]-pos[l.a][0], pos[l.b][1]-pos[l.a][1]
			d := math.Hypot(dx, dy)
			want := radius[l.a] + radius[l.b] + sep
			if d <= want {
				continue
			}
			f := 0.08 * t * (l.w / top) * (d - want) / d
			move[l.a][0] += f * dx
			move[l.a][1] += f * dy
			move[l.b][0] -= f * dx
			move[l.b][1] -= f * dy
		}
		for g := range pos {
			// Gravity: what repels no more comes together.
			f := 0.05 * t
			move[g][0] -= f * pos[g][0]
			move[g][1] -= f * pos[g][1]
		}
		for g := range pos {
			if g != pinned {
				pos[g][0] += move[g][0]
				pos[g][1] += move[g][1]
			}
		}
		// Discs never overlap: push every overlapping pair apart.
		for a := range n {
			for b := a + 1; b < n; b++ {
				dx, dy := pos[b][0]-pos[a][0], pos[b][1]-pos[a][1]
				d := math.Hypot(dx, dy)
				want := radius[a] + radius[b] + sep
				if d >= want {
					continue
				}
				if d < 1e-9 {
					dx, dy, d = 1, 0, 1
				}
				push := (want - d) / 2 / d
				pa, pb := push, push
				switch pinned {
				case a:
					pa, pb = 0, 2*push
				case b:
					pa, pb = 2*push, 0
				}
				pos[a][0] -= pa * dx
				pos[a][1] -= pa * dy
				pos[b][0] += pb * dx
				pos[b][1] += pb * dy
			}
		}
	}
	return pos
}

// forces moves the tied bodies by Fruchterman and Reingold's forces with a
// pull to their group's centre, for a fixed number of cooling steps, each
// kept inside its group's disc so that clusters never run into each other.
func forces(bodies []body, idx []int, springs []spring, centres [][2]float64, radius []float64, gap float64) {
	if len(idx) < 2 {
		return
	}
	meanR := 0.0
	for _, i := range idx {
		meanR += bodies[i].r
	}
	meanR /= float64(len(idx))
	k := 2*meanR + 2*gap // the natural distance between two people
	const steps = 60
	disp := make([][2]float64, len(bodies))
	moves := make([]bool, len(bodies))
	for _, i := range idx {
		moves[i] = true
	}
	g := newGrid(2 * k)
	for step := range steps {
		temp := k * (1 - float64(step)/steps)
		for _, i := range idx {
			disp[i] = [2]float64{}
		}
		g.reset()
		for _, i := range idx {
			g.add(i, bodies[i].x, bodies[i].y)
		}
		for _, i := range idx {
			bi := &bodies[i]
			g.near(bi.x, bi.y, func(j int) {
				if j <= i {
					return
				}
				dx, dy := bi.x-bodies[j].x, bi.y-bodies[j].y
				d2 := dx*dx + dy*dy
				if d2 > 4*k*k {
					return
				}
				if d2 < 1e-6 {
					dx, dy, d2 = 0.01*float64(i-j), 0.01, 1e-4
				}
				f := k * k / d2 // k²/d along the unit vector: k²/d² times (dx, dy)
				disp[i][0] += f * dx
				disp[i][1] += f * dy
				disp[j][0] -= f * dx
				disp[j][1] -= f * dy
			})
		}
		for _, s := range springs {
			a, b := &bodies[s.a], &bodies[s.b]
			if !moves[s.a] && !moves[s.b] {
				continue
			}
			w := s.w
			if a.group != b.group {
				w *= 0.15 // ties across circles bend towards each other, they do not merge them
			}
			dx, dy := a.x-b.x, a.y-b.y
			d := math.Hypot(dx, dy)
			f := w * d / k // d²/k along the unit vector
			disp[s.a][0] -= f * dx
			disp[s.a][1] -= f * dy
			disp[s.b][0] += f * dx
			disp[s.b][1] += f * dy
		}
		for _, i := range idx {
			b := &bodies[i]
			c := centres[b.group]
			disp[i][0] -= 0.08 * (b.x - c[0])
			disp[i][1] -= 0.08 * (b.y - c[1])
			d := math.Hypot(disp[i][0], disp[i][1])
			if d > temp {
				disp[i][0] *= temp / d
				disp[i][1] *= temp / d
			}
			b.x += disp[i][0]
			b.y += disp[i][1]
			if dx, dy := b.x-c[0], b.y-c[1]; math.Hypot(dx, dy) > radius[b.group]-b.r {
				k := max(0, radius[b.group]-b.r) / math.Hypot(dx, dy)
				b.x, b.y = c[0]+dx*k, c[1]+dy*k
			}
		}
	}
}

// removeOverlaps pushes apart every two bodies closer than their radii and
// gap, in a few rounds.
func removeOverlaps(bodies []body, idx []int, gap float64) {
	maxR := 0.0
	for _, i := range idx {
		maxR = max(maxR, bodies[i].r)
	}
	g := newGrid(2*maxR + gap)
	for range 40 {
		g.reset()
		for _, i := range idx {
			g.add(i, bodies[i].x, bodies[i].y)
		}
		moved := false
		for _, i := range idx {
			a := &bodies[i]
			g.near(a.x, a.y, func(j int) {
				if j <= i {
					return
				}
				b := &bodies[j]
				want := a.r + b.r + gap
				dx, dy := b.x-a.x, b.y-a.y
				d := math.Hypot(dx, dy)
				if d >= want {
					return
				}
				if d < 1e-9 {
					dx, dy, d = math.Cos(float64(i+j)), math.Sin(float64(i+j)), 1
				}
				push := (want - d) / 2 / d * 1.05
				a.x -= push * dx
				a.y -= push * dy
				b.x += push * dx
				b.y += push * dy
				moved = true
			})
		}
		if !moved {
			return
		}
	}
}

// placeLoose sets the bodies without ties in rows under the others.
func placeLoose(bodies []body, loose, tied []int, gap float64) {
	if len(loose) == 0 {
		return
	}
	x0, _, x1, y1 := extent(bodies, tied)
	if len(tied) == 0 {
		x0, x1, y1 = 0, 0, 0
	}
	maxR := 0.0
	for _, i := range loose {
		maxR = max(maxR, bodies[i].r)
	}
	loose = slices.Clone(loose)
	slices.SortStableFunc(loose, func(a, b int) int { return cmp.Compare(bodies[a].key, bodies[b].key) })
	step := 2*maxR + 2*gap
	perRow := max(1, int(math.Sqrt(float64(len(loose))*3)))
	if w := x1 - x0; w > step {
		perRow = max(perRow, int(w/step)+1)
	}
	perRow = min(perRow, len(loose))
	left := (x0+x1)/2 - float64(perRow-1)*step/2
	top := y1 + 3*step
	for k, i := range loose {
		bodies[i].x = left + float64(k%perRow)*step
		bodies[i].y = top + float64(k/perRow)*step
	}
}

// extent is the box around the bodies' discs.
func extent(bodies []body, idx []int) (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, i := range idx {
		b := bodies[i]
		x0, y0 = min(x0, b.x-b.r), min(y0, b.y-b.r)
		x1, y1 = max(x1, b.x+b.r), max(y1, b.y+b.r)
	}
	return
}

// grid finds the items near a point: a spatial hash of square cells.
type grid struct {
	cell  float64
	cells map[[2]int][]int
}

func newGrid(cell float64) *grid {
	return &grid{cell: max(cell, 1e-6), cells: map[[2]int][]int{}}
}

func (g *grid) reset() { clear(g.cells) }

func (g *grid) key(x, y float64) [2]int {
	return [2]int{int(math.Floor(x / g.cell)), int(math.Floor(y / g.cell))}
}

func (g *grid) add(i int, x, y float64) {
	k := g.key(x, y)
	g.cells[k] = append(g.cells[k], i)
}

// near calls fn with every item in the 3×3 cells around (x, y), in a fixed
// order.
func (g *grid) near(x, y float64, fn func(int)) {
	k := g.key(x, y)
	for dx := -1; dx <= 1; dx++ {
		for dy := -1; dy <= 1; dy++ {
			for _, i := range g.cells[[2]int{k[0] + dx, k[1] + dy}] {
				fn(i)
			}
		}
	}
}
