package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/outbound"
)

// apiClient is how the CLI does what a user does: through the API. With
// --server (or NEXO_URL) it talks to a running server over HTTP; otherwise it
// runs the same API in-process against the store, so both paths run the
// same code.
type apiClient struct {
	base  string
	token string
	lang  string // the language of answers; "": the member's own
	http  *http.Client
	close func()
}

// clientFlags are the connection flags of every API-backed command.
type clientFlags struct {
	server string
	token  string
	format string
	lang   string
}

func (f *clientFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.server, "server", "", "URL of a running nexo server (default $NEXO_URL; none: use the store directly)")
	cmd.Flags().StringVar(&f.token, "token", "", "API token (default $NEXO_TOKEN, then .data/demo-token)")
	cmd.Flags().StringVar(&f.format, "format", "table", "output: table or json")
	cmd.Flags().StringVar(&f.lang, "lang", "", "language of the reasons: en or es (default $NEXO_LANG, else your member locale)")
}

func (f *clientFlags) connect(ctx context.Context, stderr io.Writer) (*apiClient, error) {
	if f.format != "table" && f.format != "json" {
		return nil, graph.FieldErrorf("format", "--format must be table or json.")
	}
	lang := f.lang
	if lang == "" {
		lang = os.Getenv("NEXO_LANG")
	}
	if lang != "" && lang != "en" && lang != "es" {
		return nil, graph.FieldErrorf("lang", "--lang must be en or es.")
	}
	token, err := findToken(f.token, stderr)
	if err != nil {
		return nil, err
	}
	server := f.server
	if server == "" {
		server = os.Getenv("NEXO_URL")
	}
	if server != "" {
		return &apiClient{base: strings.TrimRight(server, "/"), token: token, lang: lang,
			http: &http.Client{Timeout: 5 * time.Minute}, close: func() {}}, nil
	}
	m, err := storeCommand(ctx)
	if err != nil {
		return nil, err
	}
	out, err := outbound.ParseAllowList(m.Config.OutboundAllow)
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("NEXO_OUTBOUND_ALLOW: %w", err)
	}
	cs, err := newCaptureService(m, out, false)
	if err != nil {
		m.Close()
		return nil, err
	}
	srv := api.New(api.Options{Store: m.Store, Logger: m.Logger, Version: version, RateLimit: -1, Capture: cs})
	h := srv.Handler()
	return &apiClient{base: "http://in-process", token: token, lang: lang,
		http: &http.Client{Transport: handlerTransport{h}},
		close: func() {
			srv.Close()
			m.Close()
		}}, nil
}

// findToken is the API token to use: the flag's, else $NEXO_TOKEN, else the
// demo owner's from the data folder (saying so on stderr).
func findToken(flag string, stderr io.Writer) (string, error) {
	token := flag
	if token == "" {
		token = os.Getenv("NEXO_TOKEN")
	}
	if token == "" {
		path := filepath.Join(configFromEnv().DataDir, "demo-token")
		if b, err := os.ReadFile(path); err == nil {
			token = strings.TrimSpace(string(b))
			fmt.Fprintf(stderr, "(using the demo owner's token from %s)\n", path)
		}
	}
	if token == "" {
		return "", fmt.Errorf("no API token: pass --token, set NEXO_TOKEN, or create one with `nexo token create`")
	}
	return token, nil
}

// handlerTransport serves requests with an http.Handler, without a socket.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	return rec.Result(), nil
}

// do sends a request and decodes a JSON answer into out. An error answer
// becomes a *graph.Error with the server's code and message.
func (c *apiClient) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		return apiError(resp.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

func (c *apiClient) Close() { c.close() }

// apiError turns an error answer into a *graph.Error with the server's code
// and message.
func apiError(status int, raw []byte) error {
	var e struct {
		Error struct{ Code, Message, Field string }
	}
	if json.Unmarshal(raw, &e) == nil && e.Error.Message != "" {
		return &graph.Error{Code: e.Error.Code, Message: e.Error.Message, Field: e.Error.Field}
	}
	return fmt.Errorf("HTTP %d", status)
}

// resolvePerson finds a person by id or by name (exact, case-insensitive,
// else the only match).
func (c *apiClient) resolvePerson(ctx context.Context, key string) (*graph.Person, error) {
	if graph.ValidID(key) {
		var p graph.Person
		if err := c.do(ctx, "GET", "/api/v1/people/"+key, nil, nil, &p); err == nil {
			return &p, nil
		}
	}
	var l api.List[graph.Person]
	if err := c.do(ctx, "GET", "/api/v1/people", url.Values{"name": {key}, "limit": {"20"}}, nil, &l); err != nil {
		return nil, err
	}
	var exact []graph.Person
	for _, p := range l.Items {
		if strings.EqualFold(p.Name, key) {
			exact = append(exact, p)
		}
	}
	switch {
	case len(exact) == 1:
		return &exact[0], nil
	case len(exact) == 0 && len(l.Items) == 1:
		return &l.Items[0], nil
	case len(l.Items) == 0:
		return nil, fmt.Errorf("nobody called %q", key)
	}
	cands := exact
	if len(cands) == 0 {
		cands = l.Items
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%q matches %d people; use an id:", key, l.Total)
	for _, p := range cands[:min(10, len(cands))] {
		fmt.Fprintf(&b, "\n  %s  %s  %s %s", p.ID, p.Name, p.Title, p.Company)
	}
	return nil, fmt.Errorf("%s", b.String())
}
