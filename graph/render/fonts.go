package render

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"unicode"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Text in PNGs is shaped (HarfBuzz's rules, through go-text/typesetting:
// Arabic letters joined, right-to-left runs in visual order, emoji
// sequences) and drawn in Go. The Go fonts, embedded in the binary, draw
// Latin text; every other script comes from a fallback font found on the
// machine at run time, Debian's Noto fonts first (fonts-noto-core,
// fonts-noto-cjk, fonts-noto-color-emoji), then DejaVu Sans. A character no
// font has is drawn as the Go font's empty box, never dropped. Label
// placement measures text the same way, so that what fits in the PNG is what
// was measured.

// fallbackFamily is a font looked for on the machine, with the characters it
// is consulted for (so that a Latin map never opens the CJK font).
type fallbackFamily struct {
	regular, bold string // file names; bold may be empty
	covers        func(r rune) bool
	index         int // face in a collection (.ttc)
}

func inRanges(r rune, ranges ...rune) bool {
	for i := 0; i+1 < len(ranges); i += 2 {
		if r >= ranges[i] && r <= ranges[i+1] {
			return true
		}
	}
	return false
}

func isEmoji(r rune) bool {
	return inRanges(r, 0x1F000, 0x1FAFF, 0x2600, 0x27BF, 0x2B00, 0x2BFF, 0xFE0F, 0xFE0F, 0x200D, 0x200D, 0xE0020, 0xE007F)
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo) ||
		inRanges(r, 0x3000, 0x303F, 0xFF00, 0xFFEF, 0x3200, 0x33FF)
}

var fallbackFamilies = []fallbackFamily{
	{regular: "NotoSans-Regular.ttf", bold: "NotoSans-Bold.ttf", covers: func(r rune) bool {
		return unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic) || inRanges(r, 0x2000, 0x206F, 0x20A0, 0x20CF)
	}},
	{regular: "NotoSansArabic-Regular.ttf", bold: "NotoSansArabic-Bold.ttf", covers: func(r rune) bool { return unicode.Is(unicode.Arabic, r) }},
	{regular: "NotoSansHebrew-Regular.ttf", bold: "NotoSansHebrew-Bold.ttf", covers: func(r rune) bool { return unicode.Is(unicode.Hebrew, r) }},
	{regular: "NotoSansDevanagari-Regular.ttf", bold: "NotoSansDevanagari-Bold.ttf", covers: func(r rune) bool { return unicode.Is(unicode.Devanagari, r) }},
	{regular: "NotoSansBengali-Regular.ttf", bold: "NotoSansBengali-Bold.ttf", covers: func(r rune) bool { return unicode.Is(unicode.Bengali, r) }},
	{regular: "NotoSansTamil-Regular.ttf", bold: "NotoSansTamil-Bold.ttf", covers: func(r rune) bool { return unicode.Is(unicode.Tamil, r) }},
	{regular: "NotoSansThai-Regular.ttf", bold: "NotoSansThai-Bold.ttf", covers: func(r rune) bool { return unicode.Is(unicode.Thai, r) }},
	{regular: "NotoSansGeorgian-Regular.ttf", bold: "NotoSansGeorgian-Bold.ttf", covers: func(r rune) bool { return unicode.Is(unicode.Georgian, r) }},
	{regular: "NotoSansArmenian-Regular.ttf", bold: "NotoSansArmenian-Bold.ttf", covers: func(r rune) bool { return unicode.Is(unicode.Armenian, r) }},
	{regular: "NotoSansEthiopic-Regular.ttf", bold: "NotoSansEthiopic-Bold.ttf", covers: func(r rune) bool { return unicode.Is(unicode.Ethiopic, r) }},
	{regular: "NotoSansCJK-Regular.ttc", bold: "NotoSansCJK-Bold.ttc", covers: isCJK},
	{regular: "NotoColorEmoji.ttf", covers: isEmoji},
	{regular: "NotoSansSymbols2-Regular.ttf", covers: func(r rune) bool { return r >= 0x2000 }},
	{regular: "DejaVuSans.ttf", bold: "DejaVuSans-Bold.ttf", covers: func(rune) bool { return true }},
}

// FontDirs are the folders searched, with their subfolders, for the fallback
// fonts, in order.
var FontDirs = []string{"/usr/share/fonts", "/usr/local/share/fonts"}

// textFonts holds the faces text is drawn in. go-text's faces cache glyphs
// and are not safe for concurrent use, so everything that touches them holds
// mu.
type textFonts struct {
	mu       sync.Mutex
	goFaces  [2]*font.Face // regular, bold
	files    map[string]string
	loaded   map[[2]int]*font.Face // (family, bold) → face; nil when missing
	widths   map[widthKey]float64  // per unit of size
	shaper   shaping.HarfbuzzShaper
	seg      shaping.Segmenter
	resolver fontResolver
}

var theFonts = sync.OnceValues(func() (*textFonts, error) {
	tf := &textFonts{loaded: map[[2]int]*font.Face{}, widths: map[widthKey]float64{}}
	for i, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := font.ParseTTF(bytes.NewReader(ttf))
		if err != nil {
			return nil, err
		}
		tf.goFaces[i] = f
	}
	tf.resolver.tf = tf
	return tf, nil
})

// fontFiles maps the base names of the font files under FontDirs to their
// paths, the first found winning.
func fontFiles() map[string]string {
	files := map[string]string{}
	for _, dir := range FontDirs {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // an unreadable folder has no fonts for us
			}
			if !d.IsDir() {
				if _, ok := files[d.Name()]; !ok {
					files[d.Name()] = path
				}
			}
			return nil
		})
	}
	return files
}

// face returns the fallback family's face, loading it on first use; nil when
// the machine lacks it.
func (tf *textFonts) face(family int, bold bool) *font.Face {
	k := [2]int{family, btoi(bold)}
	if f, ok := tf.loaded[k]; ok {
		return f
	}
	fam := fallbackFamilies[family]
	name := fam.regular
	if bold && fam.bold != "" {
		name = fam.bold
	}
	if tf.files == nil {
		tf.files = fontFiles()
	}
	var f *font.Face
	if path, ok := tf.files[name]; ok {
		f = loadFace(path, fam.index)
	}
	if f == nil && bold {
		f = tf.face(family, false)
	}
	tf.loaded[k] = f
	return f
}

func loadFace(path string, index int) *font.Face {
	// The file stays open: go-text reads glyphs from it as they are needed,
	// which keeps the large CJK and emoji fonts out of memory.
	file, err := os.Open(path)
	if err != nil {
		return nil
	}
	faces, err := font.ParseTTC(file)
	if err != nil || index >= len(faces) {
		file.Close()
		return nil
	}
	return faces[index]
}

// fontResolver picks, for each character, the first face that has it.
type fontResolver struct {
	tf   *textFonts
	bold bool
}

func (fr *fontResolver) ResolveFace(r rune) *font.Face {
	primary := fr.tf.goFaces[btoi(fr.bold)]
	if _, ok := primary.NominalGlyph(r); ok || unicode.IsControl(r) {
		return primary
	}
	for i, fam := range fallbackFamilies {
		if !fam.covers(r) {
			continue
		}
		if f := fr.tf.face(i, fr.bold); f != nil {
			if _, ok := f.NominalGlyph(r); ok {
				return f
			}
		}
	}
	return primary // its .notdef box: visibly missing, not silently dropped
}

// textRun is one shaped run of a line of text, in visual order.
type textRun struct {
	out shaping.Output
}

// shapeLocked shapes one line of text at size pixels into runs in visual
// order; tf.mu must be held.
func (tf *textFonts) shapeLocked(s string, size float64, bold bool) []textRun {
	text := []rune(s)
	if len(text) == 0 {
		return nil
	}
	tf.resolver.bold = bold
	in := shaping.Input{Text: text, RunStart: 0, RunEnd: len(text), Direction: di.DirectionLTR,
		Size: fixed.Int26_6(size * 64), Language: language.NewLanguage("en")}
	inputs := tf.seg.Split(in, &tf.resolver)
	runs := make([]textRun, len(inputs))
	for i, part := range inputs {
		runs[i] = textRun{out: tf.shaper.Shape(part)}
	}
	// Visual order: each sequence of right-to-left runs is reversed
	// (Unicode's rule L2 for two levels) in a left-to-right line, as SVG
	// text is laid out by default, so that the PNG reads as the SVG does.
	rtl := func(r textRun) bool { return r.out.Direction.Progression() == di.TowardTopLeft }
	for i := 0; i < len(runs); {
		j := i
		for j < len(runs) && rtl(runs[j]) {
			j++
		}
		reverse(runs, i, j)
		i = j + 1
	}
	return runs
}

func reverse[T any](s []T, i, j int) {
	for j--; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// textWidth returns the width, in the unit of size, of one line of text.
// Widths are shaped once at widthSize and scaled (text is not hinted), and
// remembered: label placement measures the same names at several sizes.
func textWidth(s string, size float64, bold bool) float64 {
	tf, err := theFonts()
	if err != nil {
		return 0.6 * size * float64(len([]rune(s))) // the Go fonts are embedded: this does not happen
	}
	tf.mu.Lock()
	defer tf.mu.Unlock()
	k := widthKey{s, bold}
	w, ok := tf.widths[k]
	if !ok {
		adv := fixed.Int26_6(0)
		for _, r := range tf.shapeLocked(s, widthSize, bold) {
			adv += r.out.Advance
		}
		w = float64(adv) / 64 / widthSize
		if len(tf.widths) >= maxWidths {
			clear(tf.widths)
		}
		tf.widths[k] = w
	}
	return w * size
}

// widthSize is the size text is measured at; maxWidths bounds the widths
// remembered.
const (
	widthSize = 64
	maxWidths = 50_000
)

type widthKey struct {
	text string
	bold bool
}

// glyphDraw is a glyph ready to draw outside the font lock: an outline in
// pixels, or a bitmap with its box.
type glyphDraw struct {
	outline []ot.Segment // in pixels, y down, relative to the text's origin
	bitmap  image.Image
	box     image.Rectangle
}

// layoutText shapes s and returns its glyphs placed on a baseline at y = 0,
// starting at x = 0, and its width.
func layoutText(s string, size float64, bold bool) ([]glyphDraw, float64, error) {
	tf, err := theFonts()
	if err != nil {
		return nil, 0, err
	}
	tf.mu.Lock()
	defer tf.mu.Unlock()
	var out []glyphDraw
	x := 0.0
	for _, run := range tf.shapeLocked(s, size, bold) {
		face := run.out.Face
		scale := size / float64(face.Upem())
		for _, g := range run.out.Glyphs {
			gx := x + float64(g.XOffset)/64
			gy := -float64(g.YOffset) / 64
			switch data := face.GlyphData(g.GlyphID).(type) {
			case font.GlyphOutline:
				segs := make([]ot.Segment, len(data.Segments))
				for k, sg := range data.Segments {
					segs[k].Op = sg.Op
					for a, p := range sg.Args {
						segs[k].Args[a] = ot.SegmentPoint{X: float32(gx + float64(p.X)*scale), Y: float32(gy - float64(p.Y)*scale)}
					}
				}
				out = append(out, glyphDraw{outline: segs})
			case font.GlyphBitmap:
				if data.Format != font.PNG {
					break
				}
				img, err := png.Decode(bytes.NewReader(data.Data))
				if err != nil {
					break
				}
				x0, y0 := gx+float64(g.XBearing)/64, gy-float64(g.YBearing)/64
				w, h := float64(g.Width)/64, -float64(g.Height)/64
				if w <= 0 || h <= 0 {
					w, h = float64(g.Advance)/64, size
					y0 = gy - 0.8*size
				}
				out = append(out, glyphDraw{bitmap: img, box: image.Rect(int(x0+0.5), int(y0+0.5), int(x0+w+0.5), int(y0+h+0.5))})
			}
			x += float64(g.Advance) / 64
		}
	}
	return out, x, nil
}

// drawText draws one line of text on dst with its baseline at y and its
// start at x, in pixels.
func drawText(dst draw.Image, glyphs []glyphDraw, x, y float64, c color.NRGBA) {
	b := dst.Bounds()
	src := image.NewUniform(c)
	for _, g := range glyphs {
		if g.bitmap != nil {
			r := g.box.Add(image.Pt(int(x+0.5), int(y+0.5)))
			xdraw.ApproxBiLinear.Scale(dst, r, g.bitmap, g.bitmap.Bounds(), xdraw.Over, nil)
			continue
		}
		if len(g.outline) == 0 {
			continue
		}
		minX, minY, maxX, maxY := float32(1e9), float32(1e9), float32(-1e9), float32(-1e9)
		for _, s := range g.outline {
			for _, p := range s.ArgsSlice() {
				minX, minY, maxX, maxY = min(minX, p.X), min(minY, p.Y), max(maxX, p.X), max(maxY, p.Y)
			}
		}
		ox, oy := int(x+float64(minX))-1, int(y+float64(minY))-1
		w, h := int(float64(maxX-minX))+3, int(float64(maxY-minY))+3
		r := image.Rect(ox, oy, ox+w, oy+h)
		if !r.Overlaps(b) || w > 4096 || h > 4096 {
			continue
		}
		ras := vector.NewRasterizer(w, h)
		dx, dy := float32(x)-float32(ox), float32(y)-float32(oy)
		for k, s := range g.outline {
			a := s.Args
			switch s.Op {
			case ot.SegmentOpMoveTo:
				if k > 0 {
					ras.ClosePath() // vector does not close a contour on MoveTo
				}
				ras.MoveTo(a[0].X+dx, a[0].Y+dy)
			case ot.SegmentOpLineTo:
				ras.LineTo(a[0].X+dx, a[0].Y+dy)
			case ot.SegmentOpQuadTo:
				ras.QuadTo(a[0].X+dx, a[0].Y+dy, a[1].X+dx, a[1].Y+dy)
			case ot.SegmentOpCubeTo:
				ras.CubeTo(a[0].X+dx, a[0].Y+dy, a[1].X+dx, a[1].Y+dy, a[2].X+dx, a[2].Y+dy)
			}
		}
		ras.ClosePath()
		ras.DrawOp = draw.Over
		ras.Draw(dst, r, src, image.Point{})
	}
}
