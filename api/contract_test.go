package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/api"
)

// The contract: api/openapi.json. TestMain puts a validating transport under
// http.DefaultClient, which every test client of this package uses, so each
// request an end-to-end test makes is also checked against the document:
//
//   - the response's status must be documented for the operation, and its
//     body must match the documented schema;
//   - a request the document rejects must be answered 4xx (the server may not
//     accept what the contract forbids);
//   - no response may be a 5xx: every request of the tests is either valid or
//     bad input, and bad input is never a server error;
//   - a request to no documented route must get the error shape with 404 (or
//     405 for a documented path with another method).
//
// A violation makes the request fail, so the test that made it fails.

// contract is the loaded document and its router.
var contract struct {
	doc    *openapi3.T
	router routers.Router
	err    error

	mu   sync.Mutex
	seen map[string]map[int]bool // "METHOD /path/{template}" → statuses answered
}

func loadContract() (*openapi3.T, routers.Router, error) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		return nil, nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("load openapi.json: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, nil, fmt.Errorf("openapi.json is not a valid OpenAPI 3.0 document: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("route openapi.json: %w", err)
	}
	return doc, router, nil
}

func TestMain(m *testing.M) {
	flag.Parse()
	openapi3filter.RegisterBodyDecoder("application/x-ndjson", openapi3filter.PlainBodyDecoder)
	contract.doc, contract.router, contract.err = loadContract()
	contract.seen = map[string]map[int]bool{}
	http.DefaultClient = &http.Client{Transport: contractTransport{next: http.DefaultTransport}}
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && !testing.Short() {
		code = checkCoverage()
	}
	os.Exit(code)
}

// checkCoverage fails a full run of the package's tests unless every
// documented operation was answered with its success status at least once:
// every endpoint has an end-to-end test. It says nothing when the tests
// skipped for want of Neo4j (nothing was called at all).
func checkCoverage() int {
	contract.mu.Lock()
	defer contract.mu.Unlock()
	if len(contract.seen) == 0 || contract.doc == nil {
		return 0
	}
	var missing []string
	for path, item := range contract.doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			ok := false
			for status := range contract.seen[key] {
				ok = ok || (status < 300 && op.Responses.Status(status) != nil)
			}
			if !ok {
				missing = append(missing, key)
			}
		}
	}
	if len(missing) == 0 {
		return 0
	}
	sort.Strings(missing)
	fmt.Fprintf(os.Stderr, "FAIL: no test got a success answer from %d documented operations:\n  %s\n",
		len(missing), strings.Join(missing, "\n  "))
	return 1
}

// contractTransport validates every request and response against the document.
type contractTransport struct{ next http.RoundTripper }

func (t contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if contract.err != nil {
		return nil, contract.err
	}
	var reqBody []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	route, params, routeErr := contract.router.FindRoute(req)

	var input *openapi3filter.RequestValidationInput
	var reqErr error
	if routeErr == nil {
		check := req.Clone(req.Context())
		check.Body = io.NopCloser(bytes.NewReader(reqBody))
		input = &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: bearerPresent, SchemaValidationOptions: brief}}
		reqErr = openapi3filter.ValidateRequest(req.Context(), input)
	}

	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	what := req.Method + " " + req.URL.RequestURI()
	fail := func(format string, args ...any) (*http.Response, error) {
		return nil, fmt.Errorf("contract: %s → %d %.300s: %.600s", what, resp.StatusCode, respBody, fmt.Sprintf(format, args...))
	}

	if resp.StatusCode >= 500 {
		return fail("a server error; the tests send valid requests or bad input, and neither may give a 5xx")
	}
	switch {
	case errors.Is(routeErr, routers.ErrPathNotFound), errors.Is(routeErr, routers.ErrMethodNotAllowed):
		want := http.StatusNotFound
		if errors.Is(routeErr, routers.ErrMethodNotAllowed) {
			want = http.StatusMethodNotAllowed
		}
		if resp.StatusCode != want && !isRedirect(resp.StatusCode) {
			return fail("no documented operation (%v), so want %d", routeErr, want)
		}
		if !isRedirect(resp.StatusCode) {
			if err := matchSchema("Error", respBody); err != nil {
				return fail("error body: %v", err)
			}
		}
		return resp, nil
	case routeErr != nil:
		return fail("route: %v", routeErr)
	}
	record(route, resp.StatusCode)
	if reqErr != nil && resp.StatusCode < 400 {
		return fail("the document rejects this request (%v) but the server accepted it", reqErr)
	}
	if err := openapi3filter.ValidateResponse(req.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(respBody)), Options: &openapi3filter.Options{IncludeResponseStatus: true, SchemaValidationOptions: brief},
	}); err != nil {
		return fail("response does not match the document: %v", err)
	}
	return resp, nil
}

// brief makes schema errors say what is wrong without dumping the schema.
var brief = []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()}

func isRedirect(status int) bool { return status >= 300 && status < 400 }

// bearerPresent is the document's bearer scheme as a client sees it: an
// Authorization header with a bearer token, whatever its value; the scheme's
// name is case-insensitive (RFC 9110 11.1).
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme, _, ok := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return errors.New("no bearer token")
	}
	return nil
}

func record(route *routers.Route, status int) {
	contract.mu.Lock()
	defer contract.mu.Unlock()
	key := route.Method + " " + route.Path
	if contract.seen[key] == nil {
		contract.seen[key] = map[int]bool{}
	}
	contract.seen[key][status] = true
}

// matchSchema checks a JSON body against a component schema.
func matchSchema(name string, body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	return contract.doc.Components.Schemas[name].Value.VisitJSON(v)
}

func TestOpenAPIDocument(t *testing.T) {
	doc, _, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
		t.Errorf("openapi: got %s, want 3.0.x (kin-openapi validates 3.0 best)", doc.OpenAPI)
	}

	t.Run("Served", func(t *testing.T) {
		file, _ := os.ReadFile("openapi.json")
		rec := serve(api.New(quiet()), "GET", "/api/v1/openapi.json")
		if rec.code != 200 || !bytes.Equal(rec.body, file) {
			t.Fatalf("GET /api/v1/openapi.json: got %d and %d bytes, want 200 and openapi.json (%d bytes)",
				rec.code, len(rec.body), len(file))
		}
	})

	// Both ways: every route the server has is documented, and every
	// documented operation is a route of the server.
	t.Run("EveryRoute", func(t *testing.T) {
		srv := api.New(quiet())
		defer srv.Close()
		engine := srv.Handler().(*gin.Engine)
		param := regexp.MustCompile(`:([a-z_]+)`)
		served := map[string]bool{}
		for _, r := range engine.Routes() {
			key := r.Method + " " + param.ReplaceAllString(r.Path, "{$1}")
			served[key] = true
			if item := doc.Paths.Value(param.ReplaceAllString(r.Path, "{$1}")); item == nil || item.GetOperation(r.Method) == nil {
				t.Errorf("route %s is not in openapi.json", key)
			}
		}
		for path, item := range doc.Paths.Map() {
			for method := range item.Operations() {
				if !served[method+" "+path] {
					t.Errorf("openapi.json documents %s %s, which the server does not serve", method, path)
				}
			}
		}
	})

	// Every operation can answer with the shared error shape, and every
	// /api/v1 operation but this document's own (and /mcp and /metrics)
	// needs a token.
	t.Run("Operations", func(t *testing.T) {
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				if op.OperationID == "" || op.Summary == "" {
					t.Errorf("%s %s: no operationId or summary", method, path)
				}
				public := op.Security != nil && len(*op.Security) == 0
				v1 := strings.HasPrefix(path, "/api/v1/") && path != "/api/v1/openapi.json" || path == "/mcp" ||
					path == "/metrics" // the operator's scraper token, not a member's
				if public == v1 {
					t.Errorf("%s %s: public %v, want %v", method, path, public, !v1)
				}
				if v1 && (op.Responses.Status(401) == nil || op.Responses.Status(429) == nil) {
					t.Errorf("%s %s: 401 and 429 not documented", method, path)
				}
				if strings.Contains(path, "{") && op.Responses.Status(404) == nil {
					t.Errorf("%s %s: has ids but no 404", method, path)
				}
				if op.RequestBody != nil && (op.Responses.Status(400) == nil || op.Responses.Status(413) == nil) {
					t.Errorf("%s %s: takes a body but documents no 400 or 413", method, path)
				}
			}
		}
	})

	// The documented examples are valid inputs.
	t.Run("Examples", func(t *testing.T) {
		for name, s := range doc.Components.Schemas {
			if s.Value.Example == nil {
				continue
			}
			if err := s.Value.VisitJSON(s.Value.Example); err != nil {
				t.Errorf("%s example: %v", name, err)
			}
		}
	})
}

type recorded struct {
	code int
	body []byte
}

// serve answers one request in memory, for checks that need no Neo4j.
func serve(s *api.Server, method, path string) recorded {
	defer s.Close()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return recorded{rec.Code, rec.Body.Bytes()}
}

// quiet returns server options without request logs.
func quiet() api.Options { return api.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))} }

// canned answers every request with one response, to check the checker.
type canned struct {
	status int
	body   string
}

func (c canned) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: c.status, Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body: io.NopCloser(strings.NewReader(c.body)), Request: req}, nil
}

// TestContractTransport checks that the validating transport catches what it
// is there to catch.
func TestContractTransport(t *testing.T) {
	if contract.err != nil {
		t.Fatal(contract.err)
	}
	const page = `{"items": [], "total": 0, "offset": 0, "limit": 50}`
	const notFound = `{"error": {"code": "not_found", "message": "Route not found."}}`
	const badRequest = `{"error": {"code": "bad_request", "message": "limit must be an integer.", "field": "limit"}}`
	for _, tc := range []struct {
		name, path string
		token      bool
		answer     canned
		ok         bool
	}{
		{"OK", "/api/v1/people", true, canned{200, page}, true},
		{"ErrWrongShape", "/api/v1/people", true, canned{200, `{"items": "none", "total": 0, "offset": 0, "limit": 50}`}, false},
		{"ErrMissingField", "/api/v1/people", true, canned{200, `{"items": [], "offset": 0, "limit": 50}`}, false},
		{"ErrUndocumentedField", "/api/v1/people", true, canned{200, `{"items": [], "total": 0, "offset": 0, "limit": 50, "next": "x"}`}, false},
		{"ErrUndocumentedStatus", "/api/v1/people", true, canned{418, notFound}, false},
		{"ErrServerError", "/api/v1/people", true, canned{500, `{"error": {"code": "internal", "message": "Internal error."}}`}, false},
		{"ErrErrorShape", "/api/v1/people/" + strings.Repeat("a", 26), true, canned{404, `{"message": "gone"}`}, false},
		{"BadRequestRefused", "/api/v1/people?limit=abc", true, canned{400, badRequest}, true},
		{"ErrBadRequestAccepted", "/api/v1/people?limit=abc", true, canned{200, page}, false},
		{"ErrNoTokenAccepted", "/api/v1/people", false, canned{200, page}, false},
		{"UnknownRouteNotFound", "/api/v1/nowhere", true, canned{404, notFound}, true},
		{"ErrUnknownRouteAnswered", "/api/v1/nowhere", true, canned{200, page}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", "http://127.0.0.1:1"+tc.path, nil)
			if tc.token {
				req.Header.Set("Authorization", "Bearer nexo_x")
			}
			_, err := contractTransport{next: tc.answer}.RoundTrip(req)
			if (err == nil) != tc.ok {
				t.Fatalf("got error %v, want ok %v", err, tc.ok)
			}
		})
	}
}
