package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/nexohq/nexo/graph"
)

// Starting is what the server answers while it starts, before the API is
// ready: it listens at once, so that a user or a load balancer learns that
// it is starting rather than meeting a refused connection. /healthz answers
// 200 with status "starting" and the phase; every other request, /readyz
// among them, 503 with Retry-After and the phase in the error's words
// ("Nexo is starting: loading the demo workspace.").
func Starting(version string, phase func() string) http.Handler {
	started := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if r.URL.Path == "/healthz" {
			_ = json.NewEncoder(w).Encode(map[string]any{"status": "starting", "phase": phase(), "version": version,
				"neo4j": "unknown", "uptime_seconds": int(time.Since(started).Seconds())})
			return
		}
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = json.NewEncoder(w).Encode(errorBody{errorDetail{Code: graph.EUNAVAILABLE,
			Message: "Nexo is starting: " + phase() + "."}})
	})
}
