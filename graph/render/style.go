package render

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// palette is Paul Tol's "muted" scheme (2021, "Colour schemes", SRON/EPS/TN/
// 09-002), nine colours told apart by colour-blind readers too. Black is
// kept for me and local bridges, grey for people in no drawn circle.
var palette = []string{
	"#332288", // indigo
	"#88CCEE", // cyan
	"#44AA99", // teal
	"#117733", // green
	"#999933", // olive
	"#DDCC77", // sand
	"#CC6677", // rose
	"#882255", // wine
	"#AA4499", // purple
}

// shapes extend the palette: the circles of one picture take the colours in
// turn, then the colours again in the next shape, so no two circles drawn
// together share a colour and a shape. glyph is the legend's mark.
var shapes = []struct{ shape, glyph string }{
	{"circle", "●"},
	{"square", "■"},
	{"diamond", "◆"},
	{"triangle", "▲"},
}

// maxStyles is how many circles one picture tells apart; the others are
// drawn in otherColor.
var maxStyles = len(palette) * len(shapes)

const (
	otherColor     = "#BBBBBB"
	edgeColor      = "#7F7F7F"
	weakEdgeColor  = "#A6A6A6"
	bridgeColor    = "#000000:#FFFFFF:#000000" // three parallel strokes: a double line
	textColor      = "#222222"
	labelColor     = "#111111"
	fontName       = "Helvetica"
	boldFontName   = "Helvetica-Bold"
	minFontPt      = 9 // 12 px in a PNG at its default 96 dpi
	nameFontPt     = 10
	circleFontPt   = 12
	legendFontPt   = 10
	legendTitlePt  = 18
	legendDetailPt = 11
)

// BrokerThreshold is the brokerage from which a person gets the "broker" class
// and counts as a broker in aggregated overviews.
const BrokerThreshold = 0.5

// circleStyle is how one circle is drawn in one picture.
type circleStyle struct {
	color, shape, glyph string
}

var noStyle = circleStyle{color: otherColor, shape: "circle", glyph: "●"}

// styles assigns the circles of one picture their colour and shape, the
// circle with most people drawn first (then the lower index): the first nine
// circles get the nine colours as dots, the next nine the colours as squares,
// and so on; past maxStyles, grey. Circles below 0 (none) are grey too.
type styles map[int]circleStyle

func assignStyles(count map[int]int) styles {
	cs := make([]int, 0, len(count))
	for c := range count {
		if c >= 0 {
			cs = append(cs, c)
		}
	}
	slices.SortFunc(cs, func(a, b int) int { return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(a, b)) })
	st := make(styles, len(cs))
	for k, c := range cs[:min(len(cs), maxStyles)] {
		sh := shapes[k/len(palette)]
		st[c] = circleStyle{color: palette[k%len(palette)], shape: sh.shape, glyph: sh.glyph}
	}
	return st
}

func (st styles) of(c int) circleStyle {
	if s, ok := st[c]; ok {
		return s
	}
	return noStyle
}

func communityClass(c int) string {
	if c < 0 {
		return "community-none"
	}
	return "community-" + strconv.Itoa(c)
}

func communityName(names map[int]string, c int) string {
	if c < 0 {
		return textNoCircle
	}
	if n := clip(names[c], 40); n != "" {
		return n
	}
	return fmt.Sprintf(textCircleN, c+1)
}

// edgeStyle returns the attributes of a tie on the intro-path diagram:
// strong ties 1 to 4.5 points wide by strength, weak ties thin and dashed,
// local bridges a double line.
func edgeStyle(e Edge) []attr {
	a := []attr{}
	switch {
	case e.LocalBridge:
		a = append(a, kv("color", bridgeColor), kvf("penwidth", 1+1.5*e.Strength))
	case e.Weak:
		a = append(a, kv("color", weakEdgeColor))
	default:
		a = append(a, kv("color", edgeColor))
	}
	if e.Weak {
		a = append(a, kv("style", "dashed"), kvf("penwidth", 0.75))
	} else if !e.LocalBridge {
		a = append(a, kvf("penwidth", 1+3.5*e.Strength))
	}
	return a
}

func edgeClass(e Edge) string {
	strength := "strong"
	if e.Weak {
		strength = "weak"
	}
	bridge := ""
	if e.LocalBridge {
		bridge = "bridge"
	}
	return classes("tie", strength, bridge)
}

func edgeTooltip(a, b Node, e Edge) string {
	s := fmt.Sprintf(textTieTip, a.Label, b.Label, e.Strength)
	if e.Weak {
		s += textTipWeak
	}
	if e.LocalBridge {
		s += textTipBridge
	}
	if e.Reason != "" {
		s += "\n" + e.Reason
	}
	return s
}

func nodeTooltip(n Node) string {
	s := n.Label
	if n.Subtitle != "" {
		s += "\n" + n.Subtitle
	}
	if n.Dormant {
		s += "\n" + textTipDormant
	}
	return s
}

// personLabel is the HTML-like label of a person in a box: the name, bold
// for me, and the subtitle in grey type under it.
func personLabel(n Node, withSubtitle bool) string {
	name := htmlText(n.Label)
	if n.Me {
		name = "<B>" + name + "</B>"
	}
	if !withSubtitle || n.Subtitle == "" {
		return name
	}
	return name + `<BR/><FONT POINT-SIZE="9" COLOR="#555555">` + htmlText(n.Subtitle) + "</FONT>"
}

// legendItem is one entry of a legend: a coloured swatch or a glyph, then text.
type legendItem struct {
	swatch, glyph, text string
}

// legend returns the HTML-like table that holds a map's title, description
// and legend rows. Graphviz draws it as the graph label, so it is laid out with
// the map in SVG and PNG alike, and emits it as <g id="a_legend">. Every
// cell that holds text is as wide as fonts.go measures the text, not as
// Graphviz estimates it (narrower than the fonts that draw PNGs, which made
// the words of a row overlap); rows and the description wrap at wrap points.
func legend(m Meta, wrap float64, rows ...[]legendItem) string {
	wrap = max(wrap, 360)
	var b strings.Builder
	// Graphviz emits a table's ID only for a link, hence the HREF.
	b.WriteString(`<TABLE ID="legend" HREF="#legend" TOOLTIP="Legend" BORDER="0" CELLSPACING="0" CELLPADDING="2">`)
	line := func(text string, size float64, bold bool, color string) {
		w := textWidth(text, size, bold)
		t := htmlText(text)
		if bold {
			t = "<B>" + t + "</B>"
		}
		fmt.Fprintf(&b, `<TR><TD ALIGN="LEFT" BALIGN="LEFT" WIDTH="%d" HEIGHT="%d" FIXEDSIZE="TRUE"><FONT POINT-SIZE="%s" COLOR="%s">%s</FONT></TD></TR>`,
			cellWidth(w), int(math.Ceil(size*1.35)), num(size), color, t)
	}
	if m.Title != "" {
		for _, l := range wrapText(clip(m.Title, 120), legendTitlePt, true, wrap) {
			line(l, legendTitlePt, true, textColor)
		}
	}
	if m.Description != "" {
		for _, l := range wrapText(clip(m.Description, 300), legendDetailPt, false, wrap) {
			line(l, legendDetailPt, false, "#444444")
		}
	}
	for _, row := range rows {
		for len(row) > 0 {
			n, used := 0, 0.0
			for n < len(row) {
				w := itemWidth(row[n])
				if n > 0 && used+w > wrap {
					break
				}
				used += w
				n++
			}
			writeLegendRow(&b, row[:n])
			row = row[n:]
		}
	}
	b.WriteString(`</TABLE>`)
	return b.String()
}

const (
	swatchPt = 14
	itemGap  = 16
)

func cellWidth(w float64) int { return int(math.Ceil(w)) + 4 }

func itemWidth(it legendItem) float64 {
	w := float64(cellWidth(textWidth(it.text, legendFontPt, false))) + itemGap + 4
	switch {
	case it.swatch != "":
		w += swatchPt + 4
	case it.glyph != "":
		w += float64(cellWidth(textWidth(it.glyph, legendFontPt+1, false))) + 4
	}
	return w
}

func writeLegendRow(b *strings.Builder, row []legendItem) {
	// The row's table is as wide as its items: else Graphviz spreads them
	// over the legend's width.
	w := 0.0
	for _, it := range row {
		w += itemWidth(it)
	}
	h := int(math.Ceil(legendFontPt * 1.4))
	fmt.Fprintf(b, `<TR><TD ALIGN="LEFT"><TABLE ALIGN="LEFT" BORDER="0" CELLSPACING="2" CELLPADDING="1" WIDTH="%d" HEIGHT="%d" FIXEDSIZE="TRUE"><TR>`, int(math.Ceil(w)), h+6)
	for _, it := range row {
		switch {
		case it.swatch != "" && it.glyph != "": // Graphviz rejects an empty <FONT>
			fmt.Fprintf(b, `<TD BGCOLOR="%s" WIDTH="%d" HEIGHT="%d" FIXEDSIZE="TRUE"><FONT POINT-SIZE="%d" COLOR="#FFFFFF">%s</FONT></TD>`,
				it.swatch, swatchPt, swatchPt, legendFontPt, htmlText(it.glyph))
		case it.swatch != "":
			fmt.Fprintf(b, `<TD BGCOLOR="%s" WIDTH="%d" HEIGHT="%d" FIXEDSIZE="TRUE"></TD>`, it.swatch, swatchPt, swatchPt)
		case it.glyph != "":
			fmt.Fprintf(b, `<TD WIDTH="%d" HEIGHT="%d" FIXEDSIZE="TRUE"><FONT POINT-SIZE="%d">%s</FONT></TD>`,
				cellWidth(textWidth(it.glyph, legendFontPt+1, false)), h, legendFontPt+1, htmlText(it.glyph))
		}
		fmt.Fprintf(b, `<TD ALIGN="LEFT" WIDTH="%d" HEIGHT="%d" FIXEDSIZE="TRUE"><FONT POINT-SIZE="%d">%s</FONT></TD><TD WIDTH="%d"></TD>`,
			cellWidth(textWidth(it.text, legendFontPt, false)), h, legendFontPt, htmlText(it.text), itemGap)
	}
	b.WriteString(`</TR></TABLE></TD></TR>`)
}

// wrapText breaks text into lines no wider than width at size, at spaces.
func wrapText(text string, size float64, bold bool, width float64) []string {
	words := strings.Fields(text)
	var lines []string
	cur := ""
	for _, w := range words {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if cur != "" && textWidth(next, size, bold) > width {
			lines = append(lines, cur)
			next = w
		}
		cur = next
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// maxLegendCircles bounds the circle entries of a legend.
const maxLegendCircles = 12

// circleLegend lists the circles of a picture, most people first, with their
// colour and shape.
func circleLegend(count map[int]int, st styles, names map[int]string) []legendItem {
	cs := make([]int, 0, len(count))
	for c := range count {
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b int) int {
		_, sa := st[a]
		_, sb := st[b]
		return cmp.Or(cmpBool(sa, sb), cmp.Compare(count[b], count[a]), cmp.Compare(a, b))
	})
	var items []legendItem
	rest, restPeople := 0, 0
	for _, c := range cs {
		s, styled := st[c]
		if len(items) == maxLegendCircles || !styled {
			rest++
			restPeople += count[c]
			continue
		}
		it := legendItem{swatch: s.color, text: fmt.Sprintf("%s (%d)", communityName(names, c), count[c])}
		if s.shape != "circle" {
			it.glyph = s.glyph
		}
		items = append(items, it)
	}
	if rest > 0 {
		items = append(items, legendItem{text: fmt.Sprintf(textMoreCircles, rest, restPeople)})
	}
	return items
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}
