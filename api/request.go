package api

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
)

// bind decodes a JSON body into v, rejecting unknown fields and trailing data.
func bind(c *gin.Context, v any) error {
	if ct := c.ContentType(); ct != "" && ct != "application/json" {
		return badRequest("Content-Type must be application/json.")
	}
	// Decode leaves v as it is for null, which would make a PATCH of nothing.
	br := bufio.NewReader(c.Request.Body)
	if b, err := firstNonSpace(br); err == nil && b != '{' {
		return badRequest("Request body must be a JSON object.")
	}
	dec := json.NewDecoder(br)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case errors.As(err, &tooLarge):
			return graph.Errorf(graph.ETOOLARGE, "Request body larger than %d bytes.", tooLarge.Limit)
		case errors.Is(err, io.EOF):
			return badRequest("Request body required.")
		case errors.As(err, &typeErr):
			return &graph.Error{Code: ebadrequest, Field: typeErr.Field,
				Message: "Field " + typeErr.Field + " must be " + typeErr.Type.String() + "."}
		case errors.As(err, &syntaxErr):
			return badRequest("Malformed JSON at byte %d.", syntaxErr.Offset)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &graph.Error{Code: ebadrequest, Field: f, Message: "Unknown field " + f + "."}
		default:
			return badRequest("Malformed JSON: %v.", err)
		}
	}
	if dec.More() {
		return badRequest("Request body has data after the JSON value.")
	}
	return nil
}

// firstNonSpace returns the first byte of r that is not JSON white space,
// leaving it unread.
func firstNonSpace(r *bufio.Reader) (byte, error) {
	for {
		b, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
			return b, r.UnreadByte()
		}
	}
}

// idParam returns the path parameter name when it has the shape of an id;
// anything else cannot exist and is ENOTFOUND.
func idParam(c *gin.Context, name string) (string, error) {
	id := c.Param(name)
	if !graph.ValidID(id) {
		return "", graph.NotFound(strings.ReplaceAll(strings.TrimSuffix(name, "_id"), "_", " "))
	}
	return id, nil
}

// queryInt reads an integer query parameter within [lo, hi], or def.
func queryInt(c *gin.Context, name string, def, lo, hi int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, &graph.Error{Code: ebadrequest, Field: name, Message: name + " must be an integer."}
	}
	if n < lo || n > hi {
		return 0, &graph.Error{Code: graph.EINVALID, Field: name,
			Message: name + " must be between " + strconv.Itoa(lo) + " and " + strconv.Itoa(hi) + "."}
	}
	return n, nil
}

// queryFloat reads a number between lo and hi, def when absent.
func queryFloat(c *gin.Context, name string, def, lo, hi float64) (float64, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(n) {
		return 0, &graph.Error{Code: ebadrequest, Field: name, Message: name + " must be a number."}
	}
	if n < lo || n > hi {
		return 0, &graph.Error{Code: graph.EINVALID, Field: name, Message: name + " must be between " +
			strconv.FormatFloat(lo, 'g', -1, 64) + " and " + strconv.FormatFloat(hi, 'g', -1, 64) + "."}
	}
	return n, nil
}

// queryTime reads an RFC 3339 time or a YYYY-MM-DD date.
func queryTime(c *gin.Context, name string) (time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return time.Time{}, nil
	}
	return parseTime(name, v)
}

func parseTime(field, v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	return time.Time{}, &graph.Error{Code: ebadrequest, Field: field, Message: field + " must be RFC 3339 or YYYY-MM-DD."}
}

// page reads offset and limit.
func page(c *gin.Context) (offset, limit int, err error) {
	if offset, err = queryInt(c, "offset", 0, 0, 1_000_000); err != nil {
		return
	}
	limit, err = queryInt(c, "limit", graph.DefaultLimit, 1, graph.MaxLimit)
	return
}

// List is the JSON shape of every paged list; clients decode into it.
type List[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

func newList[T any](items []T, total, offset, limit int) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items, Total: total, Offset: offset, Limit: limit}
}

// Date is a JSON time that also accepts a bare date ("2026-11-25").
type Date struct{ time.Time }

// UnmarshalJSON accepts RFC 3339 or YYYY-MM-DD.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := parseTime("date", s)
	if err != nil {
		return errors.New("want RFC 3339 or YYYY-MM-DD")
	}
	d.Time = t
	return nil
}

func datePtr(d *Date) *time.Time {
	if d == nil {
		return nil
	}
	return &d.Time
}
