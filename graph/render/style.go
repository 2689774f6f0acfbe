package render

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// palette is Okabe and Ito's colour-blind-safe set (2008) without black, which
// is kept for "me" and local bridges. Communities past its end reuse the
// colours with another shape, so two communities never look the same.
var palette = []string{
	"#E69F00", // orange
	"#56B4E9", // sky blue
	"#009E73", // bluish green
	"#F0E442", // yellow
	"#0072B2", // blue
	"#D55E00", // vermillion
	"#CC79A7", // reddish purple
}

// shapes follow the colours: community i is palette[i%7] in shapes[i/7%4].
var shapes = []struct{ shape, glyph, name string }{
	{"circle", "●", ""},
	{"square", "■", "squares"},
	{"diamond", "◊", "diamonds"},
	{"triangle", "▲", "triangles"},
}

const (
	noCommunityColor = "#BBBBBB"
	edgeColor        = "#7F7F7F"
	weakEdgeColor    = "#A6A6A6"
	bridgeColor      = "#000000:#FFFFFF:#000000" // three parallel strokes: a double line
	textColor        = "#222222"
	fontName         = "Helvetica"
)

// BrokerThreshold is the brokerage from which a person gets the "broker" class
// and counts as a broker in aggregated overviews.
const BrokerThreshold = 0.5

func communityColor(c int) string {
	if c < 0 {
		return noCommunityColor
	}
	return palette[c%len(palette)]
}

func communityShape(c int) string {
	if c < 0 {
		return shapes[0].shape
	}
	return shapes[c/len(palette)%len(shapes)].shape
}

func communityClass(c int) string {
	if c < 0 {
		return "community-none"
	}
	return "community-" + strconv.Itoa(c)
}

func communityName(names map[int]string, c int) string {
	if c < 0 {
		return "No community"
	}
	if n := clip(names[c], 40); n != "" {
		return n
	}
	return "Community " + strconv.Itoa(c)
}

// nodeWidth is a person's diameter in inches: 0.25 to 0.8 by brokerage.
func nodeWidth(brokerage float64) float64 { return 0.25 + 0.55*brokerage }

// edgeStyle returns the attributes of a tie: strong ties 1 to 4.5 points wide
// by strength, weak ties thin and dashed, local bridges a double line.
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
	s := fmt.Sprintf("%s – %s: strength %.2f", a.Label, b.Label, e.Strength)
	if e.Weak {
		s += ", weak tie"
	}
	if e.LocalBridge {
		s += ", local bridge"
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
		s += "\nDormant tie of high value"
	}
	return s
}

// personLabel is the HTML-like label of a person: the name, bold for me, and
// the subtitle in small grey type under it.
func personLabel(n Node, withSubtitle bool) string {
	name := htmlText(n.Label)
	if n.Me {
		name = "<B>" + name + "</B>"
	}
	if !withSubtitle || n.Subtitle == "" {
		return name
	}
	return name + `<BR/><FONT POINT-SIZE="8" COLOR="#555555">` + htmlText(n.Subtitle) + "</FONT>"
}

// personAttrs are the attributes shared by every drawing of a person; label
// says whether the name is drawn next to the node.
func personAttrs(n Node, label bool, extraClass ...string) []attr {
	broker := ""
	if n.Brokerage >= BrokerThreshold {
		broker = "broker"
	}
	me, dormant := "", ""
	if n.Me {
		me = "me"
	}
	if n.Dormant {
		dormant = "dormant"
	}
	a := []attr{
		kv("id", "p-"+n.ID),
		kv("class", classes(append([]string{"person", communityClass(n.Community), broker, me, dormant}, extraClass...)...)),
		kv("shape", communityShape(n.Community)),
		kv("fillcolor", communityColor(n.Community)),
		kvf("width", nodeWidth(n.Brokerage)),
		kv("tooltip", nodeTip(nodeTooltip(n))),
	}
	switch {
	case n.Me:
		a = append(a, kvf("width", 0.9), kvf("penwidth", 4), kv("color", "#000000"))
	case n.Dormant:
		a = append(a, kv("peripheries", "2"), kvf("penwidth", 1.5), kv("color", "#000000"))
	}
	if label {
		a = append(a, kvHTML("xlabel", personLabel(n, true)))
	}
	if n.URL != "" {
		a = append(a, kv("URL", n.URL))
	}
	return a
}

// legendItem is one entry of a legend: a coloured swatch or a glyph, then text.
type legendItem struct {
	swatch, glyph, text string
}

// legend returns the HTML-like table that holds a map's title, description
// and legend rows. Graphviz draws it as the graph label, so it is laid out with
// the map in SVG and PNG alike, and emits it as <g id="a_legend">.
func legend(m Meta, rows ...[]legendItem) string {
	var b strings.Builder
	// Graphviz emits a table's ID only for a link, hence the HREF.
	b.WriteString(`<TABLE ID="legend" HREF="#legend" TOOLTIP="Legend" BORDER="0" CELLSPACING="0" CELLPADDING="2">`)
	if m.Title != "" {
		fmt.Fprintf(&b, `<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="18"><B>%s</B></FONT></TD></TR>`, htmlText(clip(m.Title, 120)))
	}
	if m.Description != "" {
		fmt.Fprintf(&b, `<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="11" COLOR="#444444">%s</FONT></TD></TR>`, htmlText(clip(m.Description, 200)))
	}
	for _, row := range rows {
		if len(row) == 0 {
			continue
		}
		b.WriteString(`<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="2" CELLPADDING="1"><TR>`)
		for _, it := range row {
			switch {
			case it.swatch != "" && it.glyph != "": // Graphviz rejects an empty <FONT>
				fmt.Fprintf(&b, `<TD BGCOLOR="%s" WIDTH="14" HEIGHT="14" FIXEDSIZE="TRUE"><FONT POINT-SIZE="9">%s</FONT></TD>`, it.swatch, htmlText(it.glyph))
			case it.swatch != "":
				fmt.Fprintf(&b, `<TD BGCOLOR="%s" WIDTH="14" HEIGHT="14" FIXEDSIZE="TRUE"></TD>`, it.swatch)
			case it.glyph != "":
				fmt.Fprintf(&b, `<TD><FONT POINT-SIZE="11">%s</FONT></TD>`, htmlText(it.glyph))
			}
			fmt.Fprintf(&b, `<TD ALIGN="LEFT"><FONT POINT-SIZE="10">%s</FONT></TD><TD WIDTH="8"></TD>`, htmlText(it.text))
		}
		b.WriteString(`</TR></TABLE></TD></TR>`)
	}
	b.WriteString(`</TABLE>`)
	return b.String()
}

// maxLegendCommunities bounds the community entries of a legend.
const maxLegendCommunities = 8

// communityLegend lists the communities of the people drawn, largest first.
func communityLegend(nodes []Node, names map[int]string) []legendItem {
	count := map[int]int{}
	for _, n := range nodes {
		count[n.Community]++
	}
	cs := make([]int, 0, len(count))
	for c := range count {
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b int) int {
		if count[a] != count[b] {
			return count[b] - count[a]
		}
		return a - b
	})
	var items []legendItem
	for i, c := range cs {
		if i == maxLegendCommunities {
			items = append(items, legendItem{text: fmt.Sprintf("+%d more communities", len(cs)-i)})
			break
		}
		items = append(items, communityItem(names, c, count[c]))
	}
	return items
}

func communityItem(names map[int]string, c, people int) legendItem {
	it := legendItem{swatch: communityColor(c), text: fmt.Sprintf("%s (%d)", communityName(names, c), people)}
	if c >= 0 {
		if s := shapes[c/len(palette)%len(shapes)]; s.name != "" {
			it.glyph = s.glyph
		}
	}
	return it
}

var (
	personMarks = []legendItem{
		{text: "thick black ring: you"}, // ◯ and ◎ are not in the Go fonts of PNGs
		{text: "double ring: dormant tie of high value"},
		{glyph: "●", text: "larger: more of a broker"},
	}
	tieMarks = []legendItem{
		{glyph: "▬▬", text: "strong tie (wider = stronger)"},
		{glyph: "– – –", text: "weak tie"},
		{glyph: "══", text: "local bridge"},
	}
)

// radius of a circle whose circumference holds the given length.
func circleRadius(length float64) float64 { return length / (2 * math.Pi) }
