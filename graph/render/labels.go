package render

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// Labels are placed in Go, where the layout is known: a label goes right,
// left, above or below its person, wherever it overlaps no other label and
// no person, or is not drawn. Text is measured by fonts.go, as the PNG draws
// it. Labels that do not fit at the default size are placed again smaller,
// as the page shows them when zoomed in two or four times (classes lz2 and
// lz4, hidden until then; the default ones are lz1): at every zoom, the
// labels shown do not overlap.

// zoomLevels are the zooms at which further labels appear.
var zoomLevels = []float64{1, 2, 4}

// zoomOnly reports whether an SVG group's classes mark it as shown only when
// the page is zoomed in.
func zoomOnly(class string) bool {
	for _, c := range strings.Fields(class) {
		if c == "lz2" || c == "lz4" {
			return true
		}
	}
	return false
}

// rect is a box in points, y down.
type rect struct{ x0, y0, x1, y1 float64 }

func (a rect) overlaps(b rect) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

// disc is a drawn person, which labels keep clear of.
type disc struct{ x, y, r float64 }

func (d disc) overlaps(b rect) bool {
	cx, cy := max(b.x0, min(d.x, b.x1)), max(b.y0, min(d.y, b.y1))
	return math.Hypot(d.x-cx, d.y-cy) < d.r
}

// placer remembers the boxes and discs drawn so far, on a grid.
type placer struct {
	cell  float64
	cells map[[2]int][]int // index into boxes (≥ 0) or discs (< 0, as -1-i)
	boxes []rect
	discs []disc
}

func newPlacer(cell float64) *placer {
	return &placer{cell: max(cell, 8), cells: map[[2]int][]int{}}
}

func (p *placer) span(r rect, fn func(k [2]int)) {
	for x := int(math.Floor(r.x0 / p.cell)); x <= int(math.Floor(r.x1/p.cell)); x++ {
		for y := int(math.Floor(r.y0 / p.cell)); y <= int(math.Floor(r.y1/p.cell)); y++ {
			fn([2]int{x, y})
		}
	}
}

func (p *placer) addBox(r rect) {
	i := len(p.boxes)
	p.boxes = append(p.boxes, r)
	p.span(r, func(k [2]int) { p.cells[k] = append(p.cells[k], i) })
}

func (p *placer) addDisc(d disc) {
	i := len(p.discs)
	p.discs = append(p.discs, d)
	p.span(rect{d.x - d.r, d.y - d.r, d.x + d.r, d.y + d.r}, func(k [2]int) { p.cells[k] = append(p.cells[k], -1-i) })
}

// free reports whether r overlaps nothing placed, other than the disc skip
// (the label's own person, which it touches).
func (p *placer) free(r rect, skip int) bool {
	ok := true
	p.span(r, func(k [2]int) {
		for _, i := range p.cells[k] {
			if !ok {
				return
			}
			if i >= 0 {
				ok = !p.boxes[i].overlaps(r)
			} else if -1-i != skip {
				ok = !p.discs[-1-i].overlaps(r)
			}
		}
	})
	return ok
}

// labelCand is a label that may be drawn: text next to the disc of a person
// (or of a circle).
type labelCand struct {
	id, text, class string
	disc            int // index in placer.discs, or -1
	x, y, r         float64
	size            float64 // font size at the default zoom
	bold            bool
	circle          bool // a circle's name: above or below its cluster first
}

// placedLabel is a label with its box and zoom level.
type placedLabel struct {
	labelCand
	box   rect
	level float64
}

// labelHeight is the box height of a line of text at size: ascent and
// descent of the fonts drawn, with a hair of room.
func labelHeight(size float64) float64 { return 1.25 * size }

// placeLabels places the candidates, most important first: up to max at the
// default zoom, the rest at the further zoom levels.
func placeLabels(p *placer, cands []labelCand, maxDefault int) []placedLabel {
	var out []placedLabel
	placed := make([]bool, len(cands))
	for _, z := range zoomLevels {
		n := 0
		for k, c := range cands {
			if placed[k] || z == 1 && n == maxDefault {
				continue
			}
			size := c.size / z
			w, h := textWidth(c.text, size, c.bold)+size*0.3, labelHeight(size)
			if b, ok := p.spot(c, w, h); ok {
				p.addBox(b)
				out = append(out, placedLabel{labelCand: c, box: b, level: z})
				placed[k] = true
				n++
			}
		}
	}
	slices.SortStableFunc(out, func(a, b placedLabel) int { return cmp.Compare(a.level, b.level) })
	return out
}

// spot finds a free box of w×h next to the candidate's disc.
func (p *placer) spot(c labelCand, w, h float64) (rect, bool) {
	gap := 1.5
	var tries [][2]float64 // box centres
	if c.circle {
		tries = append(tries, [2]float64{c.x, c.y - c.r - gap - h/2}, [2]float64{c.x, c.y + c.r + gap + h/2})
	}
	tries = append(tries,
		[2]float64{c.x + c.r + gap + w/2, c.y},               // right
		[2]float64{c.x - c.r - gap - w/2, c.y},               // left
		[2]float64{c.x, c.y - c.r - gap - h/2},               // above
		[2]float64{c.x, c.y + c.r + gap + h/2},               // below
		[2]float64{c.x + c.r*0.7 + w/2, c.y - c.r*0.7 - h/2}, // above right
		[2]float64{c.x - c.r*0.7 - w/2, c.y - c.r*0.7 - h/2}, // above left
		[2]float64{c.x + c.r*0.7 + w/2, c.y + c.r*0.7 + h/2}, // below right
		[2]float64{c.x - c.r*0.7 - w/2, c.y + c.r*0.7 + h/2}, // below left
	)
	for _, t := range tries {
		b := rect{t[0] - w/2, t[1] - h/2, t[0] + w/2, t[1] + h/2}
		if p.free(b, c.disc) {
			return b, true
		}
	}
	if c.circle {
		// A dense cluster leaves no room around it: its name goes over its
		// middle, clear of other names though not of its people.
		b := rect{c.x - w/2, c.y - h/2, c.x + w/2, c.y + h/2}
		if p.freeOfBoxes(b) {
			return b, true
		}
	}
	return rect{}, false
}

// freeOfBoxes reports whether r overlaps no label placed.
func (p *placer) freeOfBoxes(r rect) bool {
	ok := true
	p.span(r, func(k [2]int) {
		for _, i := range p.cells[k] {
			if ok && i >= 0 {
				ok = !p.boxes[i].overlaps(r)
			}
		}
	})
	return ok
}

// levelClass is the class of a label's zoom level.
func levelClass(z float64) string {
	switch {
	case z >= 4:
		return "lz4"
	case z >= 2:
		return "lz2"
	}
	return "lz1"
}
