package render

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"sort"

	"github.com/goccy/go-graphviz"

	"github.com/nexohq/nexo/graph"
)

// gvLock serializes every call into Graphviz. go-graphviz instantiates one
// WebAssembly module per process and every graphviz.Graphviz shares it, so a
// pool of instances would not make concurrent renderings safe; a lock held by
// whichever Renderer renders does. It is a channel so that waiting for it
// honours the caller's context.
var gvLock = make(chan struct{}, 1)

func lock(ctx context.Context) error {
	if err := ctx.Err(); err != nil { // select would pick at random if both were ready
		return fmt.Errorf("wait for renderer: %w", err)
	}
	select {
	case gvLock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for renderer: %w", ctx.Err())
	}
}

func unlock() { <-gvLock }

// ErrClosed is returned by the methods of a closed Renderer.
var ErrClosed = errors.New("render: renderer is closed")

// Renderer draws maps. It holds one Graphviz context, which is costly to
// create, for its lifetime. A Renderer is safe for concurrent use: layouts run
// one at a time, process-wide; PNGs are rasterized concurrently.
type Renderer struct {
	gv *graphviz.Graphviz // nil once closed; guarded by gvLock
}

// New returns a Renderer. ctx bounds only the wait for other renderings; its
// cancellation is never passed on to Graphviz.
func New(ctx context.Context) (*Renderer, error) {
	if err := lock(ctx); err != nil {
		return nil, err
	}
	defer unlock()
	bg := context.WithoutCancel(ctx)
	gv, err := graphviz.New(bg)
	if err != nil {
		return nil, fmt.Errorf("start graphviz: %w", err)
	}
	return &Renderer{gv: gv}, nil
}

// reset is laid out, by the same engine, before every rendering. A layout
// leaves state behind in the WebAssembly module (a random generator, it seems)
// that changes the next sfdp layout of the same input despite the seed: the
// first overview drawn after another map came out different from the second.
// Laying out this tiny graph first puts the state back to the same point
// whatever was drawn before, for about a millisecond.
const reset = `graph { a -- b }`

// Close releases the Graphviz context. It waits for a rendering in progress.
func (r *Renderer) Close() error {
	gvLock <- struct{}{}
	defer unlock()
	if r.gv == nil {
		return nil
	}
	// gvFreeContext answers with the warnings Graphviz gave during the
	// context's life ("39 out of 40 exterior labels positioned"), which
	// go-graphviz turns into an error; they were no failure to render then and
	// are none to close now.
	_ = r.gv.Close()
	r.gv = nil
	return nil
}

// job is one rendering: DOT text, the layout engine, the nodes whose label
// must be empty, and the metadata written into the output.
type job struct {
	kind    string
	dot     string
	layout  graphviz.Layout
	format  Format
	meta    Meta
	facts   map[string]string // computed metadata such as counts, merged into meta.Fields
	noLabel []string
}

func checkFormat(f Format) error {
	if f != SVG && f != PNG {
		return graph.FieldErrorf("format", "Unknown format %q: use svg or png.", string(f))
	}
	return nil
}

func (r *Renderer) render(ctx context.Context, j job) ([]byte, error) {
	if err := lock(ctx); err != nil {
		return nil, err
	}
	if r.gv == nil {
		unlock()
		return nil, ErrClosed
	}
	out, err := r.renderLocked(j)
	unlock()
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", j.kind, err)
	}
	md := metadata(j)
	if j.format == PNG {
		p, err := rasterize(out)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", j.kind, err)
		}
		return pngWithText(p, j.meta, md)
	}
	return svgWithMetadata(out, j.meta, md)
}

func (r *Renderer) renderLocked(j job) (out []byte, err error) {
	// A Graphviz failure can surface as a panic from the WebAssembly runtime.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("graphviz panicked: %v", p)
		}
	}()
	ctx := context.Background() // never a cancellable one: it would break later calls
	if j.dot != reset {
		if _, err := r.renderLocked(job{dot: reset, layout: j.layout, format: SVG}); err != nil {
			return nil, fmt.Errorf("reset graphviz: %w", err)
		}
	}
	g, err := graphviz.ParseBytes([]byte(j.dot))
	if err != nil {
		return nil, fmt.Errorf("parse dot: %w", err)
	}
	defer g.Close()
	// go-graphviz gives every node with an empty label its name as label.
	for _, name := range j.noLabel {
		n, err := g.NodeByName(name)
		if err != nil {
			return nil, fmt.Errorf("find node: %w", err)
		}
		if n != nil {
			n.SetLabel("")
		}
	}
	r.gv.SetLayout(j.layout)
	var buf bytes.Buffer
	if err := r.gv.Render(ctx, g, graphviz.SVG, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// metadata merges the caller's fields with the computed facts; the facts win.
func metadata(j job) map[string]string {
	md := make(map[string]string, len(j.meta.Fields)+len(j.facts)+2)
	for k, v := range j.meta.Fields {
		md[k] = v
	}
	for k, v := range j.facts {
		md[k] = v
	}
	md["kind"] = j.kind
	md["title"] = j.meta.Title
	return md
}

// svgWithMetadata adds <title>, <desc> and a JSON <metadata> element as the
// first children of the <svg> element.
func svgWithMetadata(svg []byte, m Meta, md map[string]string) ([]byte, error) {
	start := bytes.Index(svg, []byte("<svg"))
	if start < 0 {
		return nil, errors.New("render: graphviz returned no <svg> element")
	}
	end := bytes.IndexByte(svg[start:], '>')
	if end < 0 {
		return nil, errors.New("render: unterminated <svg> element")
	}
	end += start + 1
	js, err := json.Marshal(md) // sorted keys; escapes <, > and & for XML
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(svg) + len(js) + 256)
	b.Write(svg[:end])
	b.WriteString("\n<title>")
	b.WriteString(xmlText(m.Title))
	b.WriteString("</title>\n")
	if m.Description != "" {
		b.WriteString("<desc>")
		b.WriteString(xmlText(m.Description))
		b.WriteString("</desc>\n")
	}
	b.WriteString(`<metadata id="nexo-metadata">`)
	b.Write(js)
	b.WriteString("</metadata>")
	// Opened on its own, the SVG shows the labels of the default zoom only;
	// the web page's stylesheet, which overrides presentation attributes,
	// shows the others as it zooms in. (A <style> element would break the
	// page's Content-Security-Policy, even removed before use.)
	rest := svg[end:]
	for _, z := range []string{"lz2", "lz4"} {
		rest = bytes.ReplaceAll(rest, []byte(`class="node label `+z+` `), []byte(`display="none" class="node label `+z+` `))
	}
	b.Write(rest)
	return b.Bytes(), nil
}

// pngWithText inserts iTXt chunks (Title, Description, Software and the JSON
// metadata as "nexo:metadata") after the IHDR chunk.
func pngWithText(p []byte, m Meta, md map[string]string) ([]byte, error) {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4 // signature, IHDR length, type, data, CRC
	if len(p) < ihdrEnd || !bytes.HasPrefix(p, pngMagic) || string(p[12:16]) != "IHDR" {
		return nil, errors.New("render: graphviz returned no PNG")
	}
	js, err := json.Marshal(md)
	if err != nil {
		return nil, err
	}
	texts := [][2]string{{"Title", m.Title}, {"Description", m.Description}, {"Software", "Nexo"}, {"nexo:metadata", string(js)}}
	var b bytes.Buffer
	b.Write(p[:ihdrEnd])
	for _, t := range texts {
		if t[1] == "" {
			continue
		}
		// keyword, NUL, compression flag and method, language tag NUL, translated keyword NUL, text
		data := append([]byte(t[0]), 0, 0, 0, 0, 0)
		data = append(data, t[1]...)
		writeChunk(&b, "iTXt", data)
	}
	b.Write(p[ihdrEnd:])
	return b.Bytes(), nil
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

func writeChunk(b *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	b.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	b.WriteString(typ)
	b.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	b.Write(n[:])
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[int]V) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}
