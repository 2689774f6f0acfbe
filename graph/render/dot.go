package render

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The maps are written as DOT text and parsed by Graphviz in one call, rather
// than built node by node through the bindings: each binding call crosses into
// WebAssembly, and the text is easy to read when a map looks wrong.

// attr is one DOT attribute; html values are written as <...> HTML-like labels
// and must already be escaped with htmlText.
type attr struct {
	key, value string
	html       bool
}

func kv(key, value string) attr { return attr{key: key, value: value} }

func kvf(key string, v float64) attr { return attr{key: key, value: num(v)} }

func kvHTML(key, value string) attr { return attr{key: key, value: value, html: true} }

// num formats v with at most two decimals, so that layouts see the same input
// whatever arithmetic produced v.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// dotWriter accumulates an undirected DOT graph.
type dotWriter struct {
	b strings.Builder
}

func newDOT(name string, graphAttrs ...attr) *dotWriter {
	w := &dotWriter{}
	w.b.WriteString("graph ")
	w.b.WriteString(quote(name))
	w.b.WriteString(" {\n")
	w.stmt("graph", "", graphAttrs)
	return w
}

// defaults sets default attributes for "node" or "edge".
func (w *dotWriter) defaults(kind string, attrs ...attr) { w.stmt(kind, "", attrs) }

func (w *dotWriter) node(name string, attrs ...attr) { w.stmt(quote(name), "", attrs) }

func (w *dotWriter) edge(a, b string, attrs ...attr) {
	w.stmt(quote(a), " -- "+quote(b), attrs)
}

func (w *dotWriter) stmt(head, tail string, attrs []attr) {
	w.b.WriteString("  ")
	w.b.WriteString(head)
	w.b.WriteString(tail)
	if len(attrs) > 0 {
		w.b.WriteString(" [")
		for i, a := range attrs {
			if i > 0 {
				w.b.WriteString(", ")
			}
			w.b.WriteString(a.key)
			w.b.WriteByte('=')
			if a.html {
				w.b.WriteByte('<')
				w.b.WriteString(a.value)
				w.b.WriteByte('>')
			} else {
				w.b.WriteString(quote(a.value))
			}
		}
		w.b.WriteByte(']')
	}
	w.b.WriteString("\n")
}

func (w *dotWriter) String() string { return w.b.String() + "}\n" }

// quote returns s as a DOT double-quoted string whose Graphviz escString value
// is s itself: backslashes are doubled (so "\N" stays literal), quotes escaped,
// newlines become "\n" line breaks and other control characters are dropped.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case unicode.IsControl(r) || r == utf8.RuneError:
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// htmlText escapes s for an HTML-like label and drops control characters.
// Graphviz expands escapes such as \N in HTML-like labels too, so backslashes
// are doubled.
func htmlText(s string) string { return strings.ReplaceAll(xmlText(s), `\`, `\\`) }

// xmlText escapes s for XML text and attributes and drops control characters.
func xmlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case unicode.IsControl(r) || r == utf8.RuneError:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// plainText escapes the ampersands of a plain (not HTML-like) label or
// tooltip: Graphviz reads entities such as &amp; in them.
func plainText(s string) string { return strings.ReplaceAll(s, "&", "&amp;") }

// nodeTip escapes the backslashes of a node's tooltip once more than
// quote does: Graphviz expands escapes in node tooltips twice.
func nodeTip(s string) string { return plainText(strings.ReplaceAll(s, `\`, `\\`)) }

// clip shortens s to at most n runes, ending with an ellipsis when cut, and
// folds runs of white space (including newlines) into one space.
func clip(s string, n int) string {
	if len(s) <= n && plain(s) {
		return s // the common case, kept cheap for inputs of 100,000 people
	}
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// classes joins the non-empty class names.
func classes(names ...string) string {
	out := names[:0:0]
	for _, n := range names {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, " ")
}

// plain reports whether s is printable ASCII with no leading, trailing or
// doubled spaces.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || c == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' ') {
			return false
		}
	}
	return true
}
