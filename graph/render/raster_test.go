package render

import (
	"bytes"
	"image/color"
	"image/png"
	"os"
	"testing"
)

var colorTests = []struct {
	in   string
	want color.NRGBA
	ok   bool
}{
	{"#e69f00", color.NRGBA{0xe6, 0x9f, 0x00, 0xff}, true},
	{"#E69F0080", color.NRGBA{0xe6, 0x9f, 0x00, 0x80}, true},
	{"#00000000", color.NRGBA{}, false},
	{"none", color.NRGBA{}, false},
	{"transparent", color.NRGBA{}, false},
	{"white", color.NRGBA{0xff, 0xff, 0xff, 0xff}, true},
	{"lightgrey", color.NRGBA{211, 211, 211, 0xff}, true},
	{"", color.NRGBA{0, 0, 0, 0xff}, true}, // the default, black
}

func TestSVGColor(t *testing.T) {
	for _, tc := range colorTests {
		got, ok := svgColor(tc.in, "black")
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("svgColor(%q): got %v, %v, want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestRasterize draws what Graphviz writes: a transformed group, a path with
// the command letters glued to the numbers, a polygon and text.
func TestRasterize(t *testing.T) {
	svg := []byte(`<svg width="100pt" height="60pt" viewBox="0.00 0.00 100.00 60.00">
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(0 60)">
<polygon fill="white" stroke="none" points="0,0 0,-60 100,-60 100,0 0,0"/>
<path fill="none" stroke="#000000" stroke-width="4" d="M10,-40C30,-40 60,-40 90,-40"/>
<polygon fill="#0072b2" stroke="black" points="10,-5 10,-15 20,-15 20,-5 10,-5"/>
<text text-anchor="middle" x="60" y="-8" font-family="Helvetica,sans-Serif" font-weight="bold" font-size="10.00">Text &amp; more</text>
</g>
</svg>`)
	p, err := rasterize(svg)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(p))
	if err != nil {
		t.Fatal(err)
	}
	const k = pngDPI / 72.0
	if got, want := img.Bounds().Dx(), 134; got != want { // ceil(100 pt at 96 dpi)
		t.Errorf("width: got %d, want %d", got, want)
	}
	at := func(x, y float64) color.NRGBA {
		return color.NRGBAModel.Convert(img.At(int(x*k), int(y*k))).(color.NRGBA)
	}
	if c := at(50, 20); c.R > 0x40 {
		t.Errorf("path: got %v at its middle, want black", c)
	}
	if c := at(15, 50); c != (color.NRGBA{0x00, 0x72, 0xb2, 0xff}) {
		t.Errorf("polygon: got %v inside, want #0072b2", c)
	}
	dark := 0
	for x := 40.0; x < 80; x += 0.5 {
		for y := 44.0; y < 54; y += 0.5 {
			if at(x, y).R < 0x80 {
				dark++
			}
		}
	}
	if dark < 20 {
		t.Errorf("text: got %d dark samples, want the text drawn", dark)
	}
}

// scriptTests are names in scripts the Go fonts lack, and the font file that
// must draw them.
var scriptTests = []struct {
	name, text, font string
	color            bool // drawn in colour, not in the text's black
}{
	{"Arabic", "محمد الأحمد", "NotoSansArabic-Regular.ttf", false},
	{"Hebrew", "דוד כהן", "NotoSansHebrew-Regular.ttf", false},
	{"CJK", "王小明", "NotoSansCJK-Regular.ttc", false},
	{"Emoji", "🎉", "NotoColorEmoji.ttf", true},
}

// TestRasterizeScripts draws names in Arabic, Hebrew, Chinese and an emoji:
// PNGs used to leave them out ("Who can introduce you to  ?").
func TestRasterizeScripts(t *testing.T) {
	files := fontFiles()
	for _, tc := range scriptTests {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := files[tc.font]; !ok {
				if os.Getenv("CI") == "true" {
					t.Fatalf("font %s not found under %v (scripts/test.sh installs Debian's fonts-noto packages)", tc.font, FontDirs)
				}
				t.Skipf("font %s not found under %v: install fonts-noto-core, fonts-noto-cjk, fonts-noto-color-emoji", tc.font, FontDirs)
			}
			svg := []byte(`<svg width="200pt" height="40pt" viewBox="0.00 0.00 200.00 40.00">
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(0 40)">
<text text-anchor="start" x="10" y="-12" font-family="Helvetica,sans-Serif" font-size="18.00">` + tc.text + `</text>
</g>
</svg>`)
			p, err := rasterize(svg)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(p))
			if err != nil {
				t.Fatal(err)
			}
			ink, colour := 0, 0
			b := img.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
					if c.R < 0x80 || c.G < 0x80 || c.B < 0x80 {
						ink++
					}
					if max(c.R, c.G, c.B)-min(c.R, c.G, c.B) > 0x40 {
						colour++
					}
				}
			}
			if ink < 40 {
				t.Errorf("%q: got %d dark pixels, want the text drawn", tc.text, ink)
			}
			if tc.color && colour < 40 {
				t.Errorf("%q: got %d coloured pixels, want a colour emoji", tc.text, colour)
			}
		})
	}
}
