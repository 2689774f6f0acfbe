package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/fogleman/gg"
)

// PNGs are drawn here from the SVG that Graphviz wrote, rather than by
// go-graphviz's PNG renderer, which (v0.2.10) strokes no edge or outline
// (goccy/go-graphviz#106), calls back from WebAssembly into Go for every
// attribute of every shape (seconds for a map of 500 people), and looks fonts
// up through fontconfig. Graphviz's SVG uses a handful of elements (polygon,
// ellipse, path, polyline, text), so drawing it is short; the PNG is then the
// SVG's twin, laid out once, its text shaped and drawn by fonts.go, and it is
// rasterized outside the Graphviz lock.

// PNG size: 96 dpi, scaled down so that no side exceeds pngMaxSide pixels.
const (
	pngDPI     = 96
	pngMaxSide = 1600
)

// rasterizer draws one SVG.
type rasterizer struct {
	dc    *gg.Context
	scale float64 // SVG user units to pixels
	tx    float64 // the translation of the graph's <g>
	ty    float64
}

// rasterize draws the SVG that Graphviz produced as a PNG.
func rasterize(svg []byte) ([]byte, error) {
	r := &rasterizer{}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = false
	var text *xml.StartElement
	var content strings.Builder
	// Groups of labels shown only when the page is zoomed in (zoomClasses)
	// are left out, as a browser showing the SVG on its own leaves them out.
	var hidden []bool
	skip := func() bool { return len(hidden) > 0 && hidden[len(hidden)-1] }
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read svg: %w", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			a := attrs(el)
			if el.Name.Local == "g" {
				hidden = append(hidden, skip() || zoomOnly(a["class"]))
			}
			if skip() {
				continue
			}
			switch el.Name.Local {
			case "svg":
				if err := r.begin(a); err != nil {
					return nil, err
				}
			case "g":
				if t := a["transform"]; t != "" {
					r.transform(t)
				}
			case "polygon":
				r.shape(a, func() { r.polyline(a["points"], true) })
			case "polyline":
				r.shape(a, func() { r.polyline(a["points"], false) })
			case "ellipse":
				r.shape(a, func() {
					x, y := r.point(num64(a["cx"]), num64(a["cy"]))
					r.dc.DrawEllipse(x, y, num64(a["rx"])*r.scale, num64(a["ry"])*r.scale)
				})
			case "path":
				r.shape(a, func() { r.path(a["d"]) })
			case "text":
				el := el.Copy()
				text = &el
				content.Reset()
			}
		case xml.CharData:
			if text != nil {
				content.Write(el)
			}
		case xml.EndElement:
			if el.Name.Local == "g" && len(hidden) > 0 {
				hidden = hidden[:len(hidden)-1]
			}
			if el.Name.Local == "text" && text != nil {
				r.text(attrs(*text), content.String())
				text = nil
			}
		}
	}
	if r.dc == nil {
		return nil, errors.New("render: no <svg> element to rasterize")
	}
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&out, r.dc.Image()); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return out.Bytes(), nil
}

func attrs(el xml.StartElement) map[string]string {
	m := make(map[string]string, len(el.Attr))
	for _, a := range el.Attr {
		m[a.Name.Local] = a.Value
	}
	return m
}

// begin sizes the canvas from the SVG's width and height in points.
func (r *rasterizer) begin(a map[string]string) error {
	w, h := num64(strings.TrimSuffix(a["width"], "pt")), num64(strings.TrimSuffix(a["height"], "pt"))
	if w <= 0 || h <= 0 {
		return fmt.Errorf("render: svg size %q×%q", a["width"], a["height"])
	}
	r.scale = min(pngDPI/72.0, pngMaxSide/max(w, h))
	r.dc = gg.NewContext(int(math.Ceil(w*r.scale)), int(math.Ceil(h*r.scale)))
	r.dc.SetRGB(1, 1, 1)
	r.dc.Clear()
	// Round caps, gg's default, cost two thirds of the time on every dash.
	r.dc.SetLineCap(gg.LineCapButt)
	r.dc.SetLineJoin(gg.LineJoinBevel)
	return nil
}

// transform applies Graphviz's "scale(s s) rotate(0) translate(x y)".
func (r *rasterizer) transform(t string) {
	var s, s2, rot, x, y float64
	if _, err := fmt.Sscanf(t, "scale(%g %g) rotate(%g) translate(%g %g)", &s, &s2, &rot, &x, &y); err == nil {
		r.scale *= s
		r.tx, r.ty = x, y
	}
}

func (r *rasterizer) point(x, y float64) (float64, float64) {
	return (x + r.tx) * r.scale, (y + r.ty) * r.scale
}

// shape builds a path with build, then fills and strokes it as the element's
// fill, stroke, stroke-width and stroke-dasharray say.
func (r *rasterizer) shape(a map[string]string, build func()) {
	if r.dc == nil {
		return
	}
	fill, okFill := svgColor(a["fill"], "black")
	stroke, okStroke := svgColor(a["stroke"], "none")
	fill.A = opacity(fill.A, a["fill-opacity"])
	stroke.A = opacity(stroke.A, a["stroke-opacity"])
	if !okFill && !okStroke {
		return
	}
	r.dc.NewSubPath()
	build()
	if okFill {
		r.dc.SetColor(fill)
		if okStroke {
			r.dc.FillPreserve()
		} else {
			r.dc.Fill()
		}
	}
	if okStroke {
		width := 1.0
		if w := a["stroke-width"]; w != "" {
			width = num64(w)
		}
		r.dc.SetColor(stroke)
		r.dc.SetLineWidth(width * r.scale)
		var dash []float64
		for _, d := range strings.Split(a["stroke-dasharray"], ",") {
			if v := num64(d); v > 0 {
				dash = append(dash, v*r.scale)
			}
		}
		r.dc.SetDash(dash...)
		r.dc.Stroke()
	}
	r.dc.ClearPath()
}

func (r *rasterizer) polyline(points string, closed bool) {
	for i, p := range strings.Fields(points) {
		xs, ys, _ := strings.Cut(p, ",")
		x, y := r.point(num64(xs), num64(ys))
		if i == 0 {
			r.dc.MoveTo(x, y)
		} else {
			r.dc.LineTo(x, y)
		}
	}
	if closed {
		r.dc.ClosePath()
	}
}

// path draws Graphviz's path data: absolute M, C and L commands.
func (r *rasterizer) path(d string) {
	var cmd byte
	var nums []float64
	flush := func() {
		for i := 0; i+1 < len(nums); {
			switch cmd {
			case 'M', 'L':
				x, y := r.point(nums[i], nums[i+1])
				if cmd == 'M' {
					r.dc.MoveTo(x, y)
					cmd = 'L' // further pairs are lines
				} else {
					r.dc.LineTo(x, y)
				}
				i += 2
			case 'C':
				if i+5 >= len(nums) {
					return
				}
				x1, y1 := r.point(nums[i], nums[i+1])
				x2, y2 := r.point(nums[i+2], nums[i+3])
				x3, y3 := r.point(nums[i+4], nums[i+5])
				r.dc.CubicTo(x1, y1, x2, y2, x3, y3)
				i += 6
			default:
				return
			}
		}
	}
	for i := 0; i < len(d); {
		c := d[i]
		switch {
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			flush()
			cmd, nums = c, nums[:0]
			i++
		case c == '-' || c == '+' || c == '.' || c >= '0' && c <= '9':
			j := i + 1
			for j < len(d) && (d[j] == '.' || d[j] >= '0' && d[j] <= '9') {
				j++
			}
			nums = append(nums, num64(d[i:j]))
			i = j
		default: // separators
			i++
		}
	}
	flush()
}

// text draws one line of text at its baseline.
func (r *rasterizer) text(a map[string]string, s string) {
	s = strings.TrimSpace(s)
	if r.dc == nil || s == "" {
		return
	}
	size := num64(a["font-size"])
	if size <= 0 {
		size = 14
	}
	c, ok := svgColor(a["fill"], "black")
	if !ok {
		return
	}
	glyphs, width, err := layoutText(s, size*r.scale, a["font-weight"] == "bold")
	if err != nil {
		return // the shapes still tell a lot; a missing text is no reason to fail
	}
	x, y := r.point(num64(a["x"]), num64(a["y"]))
	switch a["text-anchor"] {
	case "middle":
		x -= width / 2
	case "end":
		x -= width
	}
	drawText(r.dc.Image().(draw.Image), glyphs, x, y, c)
}

// opacity scales an alpha by an SVG opacity attribute.
func opacity(alpha uint8, attr string) uint8 {
	if attr == "" {
		return alpha
	}
	return uint8(math.Round(float64(alpha) * min(1, max(0, num64(attr)))))
}

// svgColor parses the colours Graphviz writes: #rrggbb, #rrggbbaa and a few
// names. ok is false for none and transparent.
func svgColor(s, def string) (c color.NRGBA, ok bool) {
	if s == "" {
		s = def
	}
	switch s {
	case "none", "transparent":
		return c, false
	case "black":
		return color.NRGBA{0, 0, 0, 255}, true
	case "white":
		return color.NRGBA{255, 255, 255, 255}, true
	case "lightgrey", "lightgray":
		return color.NRGBA{211, 211, 211, 255}, true
	}
	if len(s) == 7 || len(s) == 9 {
		if v, err := strconv.ParseUint(s[1:], 16, 32); err == nil && s[0] == '#' {
			if len(s) == 7 {
				v = v<<8 | 0xff
			}
			return color.NRGBA{uint8(v >> 24), uint8(v >> 16), uint8(v >> 8), uint8(v)}, v&0xff != 0
		}
	}
	return color.NRGBA{0, 0, 0, 255}, true
}

func num64(s string) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0
	}
	return v
}
