package api

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
)

// The web page: one HTML page for every view (map, introductions, dormant
// ties, a person), a stylesheet and a script, embedded in the binary. The
// page holds no data and needs no token to load; the script signs in with a
// token kept in the tab's sessionStorage and reads everything from /api/v1
// with it as a bearer header.

//go:embed web
var webFS embed.FS

var pageTemplate = template.Must(template.ParseFS(webFS, "web/page.html"))

// pagePolicy lets the page load only its own script, stylesheet and images
// and talk only to its own server: no inline script or style, no framing.
const pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// asset is a static file of the page.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// assetTypes are the content types of the page's files, by extension; fixed
// here rather than read from the system's MIME tables, which differ.
var assetTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
}

// assets are the files under web/assets by name.
var assets = func() map[string]asset {
	out := map[string]asset{}
	entries, err := fs.ReadDir(webFS, "web/assets")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		b, err := webFS.ReadFile("web/assets/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		ct, ok := assetTypes[path.Ext(e.Name())]
		if !ok {
			panic("api: no content type for web/assets/" + e.Name())
		}
		out[e.Name()] = asset{body: b, contentType: ct,
			etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	return out
}()

// page serves the page for any of its views; the script picks the view from
// the path. A person's page with a malformed id is not found; whether the
// person exists is for the script to ask with its token.
func (s *Server) page(c *gin.Context) {
	if c.Param("person_id") != "" {
		if _, err := idParam(c, "person_id"); err != nil {
			s.Error(c, err)
			return
		}
	}
	c.Header("Content-Security-Policy", pagePolicy)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "no-referrer")
	c.Header("Cache-Control", "no-cache")
	c.HTML(http.StatusOK, "page.html", gin.H{"Version": s.version})
}

// asset serves a file of the page, revalidated by its ETag.
func (s *Server) asset(c *gin.Context) {
	a, ok := assets[c.Param("file")]
	if !ok {
		s.Error(c, graph.NotFound("file"))
		return
	}
	c.Header("Content-Type", a.contentType)
	c.Header("ETag", a.etag)
	c.Header("Cache-Control", "no-cache")
	c.Header("X-Content-Type-Options", "nosniff")
	http.ServeContent(c.Writer, c.Request, "", time.Time{}, bytes.NewReader(a.body))
}
