package render

import "strings"

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
