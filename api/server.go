package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/ask"
	"github.com/nexohq/nexo/graph/capture"
	"github.com/nexohq/nexo/graph/jobs"
	"github.com/nexohq/nexo/graph/live"
	"github.com/nexohq/nexo/graph/report"
)

// Options configure a Server.
type Options struct {
	Store   graph.Store
	Logger  *slog.Logger
	Version string
	// MaxBodyBytes bounds request bodies other than imports; default 1 MiB.
	MaxBodyBytes int64
	// MaxImportBytes bounds an uploaded import file; default 64 MiB.
	MaxImportBytes int64
	// RateLimit is the requests per second allowed per token (burst: twice
	// that); 0 means the default of 20, a negative value none.
	RateLimit float64
	// Reports makes and delivers the periodic reports (graph/report); nil
	// gives one without email or webhook settings, owned by the server.
	Reports *report.Service
	// TrustedProxies are the reverse proxies (HAProxy) whose
	// X-Forwarded-For names the client; from any other peer the header is
	// ignored and the client is the socket's address. It is what failed
	// authentications are counted by (authlimit.go).
	TrustedProxies []netip.Prefix
	// Jobs keeps the jobs in the store (graph/jobs); nil gives one owned by
	// the server, which lets a workspace run DefaultMaxImports imports at once.
	Jobs *jobs.Tracker
	// Capture connects and syncs accounts (graph/capture); nil gives one
	// that imports mail files but cannot connect accounts (no key).
	Capture *capture.Service
	// Analytics keeps the workspaces' analytics networks (graph/live); nil
	// gives one owned by the server, reporting its loads as the server's jobs.
	Analytics *live.Service
	// MetricsToken is the bearer token /metrics asks for (a Prometheus
	// scraper's, not a member's); empty turns /metrics off (404).
	MetricsToken string
}

// DefaultMaxImports is how many imports one workspace may run at once.
const DefaultMaxImports = 2

// Server serves Nexo's HTTP API.
type Server struct {
	store   graph.Store
	logger  *slog.Logger
	version string
	maxBody int64
	// maxImport bounds import uploads.
	maxImport int64
	engine    *gin.Engine
	started   time.Time

	auth       *auth
	live       *live.Service
	ownLive    bool // the server made live and closes it
	ask        *ask.Service
	jobs       *jobs.Tracker
	ownJobs    bool // the server made jobs and closes it
	metricsSet *metricsSet
	candidates *candidateCache // the duplicates list (duplicates.go)
	// metricsToken is what /metrics asks for (Options.MetricsToken).
	metricsToken string
	draining     atomic.Bool // /readyz answers 503 (Drain)

	reports    *report.Service
	ownReports bool // the server made reports and closes it

	mcpOnce    sync.Once
	mcpHandler http.Handler // /mcp (mcp.go), made on first use
	capture    *capture.Service

	renderer *lazyRenderer // started by the first map (maps.go)
}

// New returns a server with every route registered.
func New(opt Options) *Server {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.MaxBodyBytes == 0 {
		opt.MaxBodyBytes = 1 << 20
	}
	if opt.MaxImportBytes == 0 {
		opt.MaxImportBytes = 64 << 20
	}
	switch {
	case opt.RateLimit == 0:
		opt.RateLimit = 20
	case opt.RateLimit < 0:
		opt.RateLimit = 0
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{store: opt.Store, logger: opt.Logger, version: opt.Version, maxBody: opt.MaxBodyBytes,
		maxImport: opt.MaxImportBytes, engine: gin.New(), started: time.Now(), auth: newAuth(opt.Store, opt.Logger, opt.RateLimit, int(2*opt.RateLimit)+1),
		metricsSet: newMetrics(), renderer: &lazyRenderer{}, metricsToken: opt.MetricsToken,
		candidates: newCandidateCache()}
	s.jobs, s.ownJobs = opt.Jobs, opt.Jobs == nil
	if s.ownJobs {
		s.jobs = jobs.New(jobs.Options{Store: opt.Store, Logger: opt.Logger,
			Limits: map[string]int{graph.JobImport: DefaultMaxImports}})
	}
	s.live, s.ownLive = opt.Analytics, opt.Analytics == nil
	if s.ownLive {
		s.live = live.New(live.Config{Store: opt.Store, Logger: opt.Logger, Jobs: newLiveJobs(s.jobs)})
	}
	s.ask = ask.New(s.live)
	s.reports, s.ownReports = opt.Reports, opt.Reports == nil
	if s.ownReports {
		s.reports = report.NewService(report.Config{Store: opt.Store, Logger: opt.Logger, Networks: s.live.Current})
	}
	s.capture = opt.Capture
	if s.capture == nil {
		s.capture = capture.NewService(capture.Config{Store: opt.Store, Logger: opt.Logger})
	}
	s.engine.ContextWithFallback = true
	trustProxies(s.engine, opt.TrustedProxies)
	s.engine.Use(s.recoverer, s.requestID, s.accessLog, s.metricsSet.observe, noStore)
	s.routes()
	return s
}

// trustProxies makes c.ClientIP() the socket's address, or the address a
// trusted proxy puts in X-Forwarded-For (the last one not itself a trusted
// proxy). Gin trusts every peer's header unless told otherwise.
func trustProxies(e *gin.Engine, proxies []netip.Prefix) {
	var list []string
	for _, p := range proxies {
		list = append(list, p.String())
	}
	if err := e.SetTrustedProxies(list); err != nil {
		panic("api: trusted proxies: " + err.Error()) // netip.Prefix always parses
	}
	e.ForwardedByClientIP = len(list) > 0
	e.RemoteIPHeaders = []string{"X-Forwarded-For"}
}

// Error writes err as the JSON error body with its status (errors.go).
func (s *Server) Error(c *gin.Context, err error) { writeError(c, s.logger, err) }

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.engine }

// Drain makes /readyz answer 503, so that load balancers stop sending
// requests here; everything else keeps working until the HTTP server shuts
// down. It is the first step of a graceful stop (cmd/nexo).
func (s *Server) Drain() { s.draining.Store(true) }

// Close stops background work.
func (s *Server) Close() error {
	s.candidates.close()
	err := s.renderer.close()
	if s.ownReports {
		err = errors.Join(err, s.reports.Close())
	}
	if s.ownLive {
		err = errors.Join(err, s.live.Close())
	}
	if s.ownJobs {
		err = errors.Join(err, s.jobs.Close())
	}
	return err
}

// requestID gives every request an id, echoed in X-Request-Id, for matching
// logs to a client's report.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-Id")
	if id == "" || len(id) > 64 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Set(requestIDKey, id)
	c.Header("X-Request-Id", id)
	c.Next()
}

// accessLog logs method, route pattern, status and duration: never the path
// with its ids, the query string or bodies, which can carry personal data.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	s.logger.Info("request", slog.String("request_id", c.GetString(requestIDKey)), slog.String("method", c.Request.Method),
		slog.String("route", route), slog.Int("status", c.Writer.Status()),
		slog.Duration("duration", time.Since(start)), slog.String("workspace", c.GetString(workspaceKey)))
}

// recoverer turns a panic into a 500 with the usual error body.
func (s *Server) recoverer(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.logger.Error("panic", slog.String("request_id", c.GetString(requestIDKey)), slog.Any("panic", r))
			s.Error(c, graph.Errorf(graph.EINTERNAL, "Internal error."))
		}
	}()
	c.Next()
}

// health answers liveness, and says whether Neo4j answers: within about a
// second, 200 either way (the store's breaker answers at once while Neo4j
// is known to be away).
func (s *Server) health(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c, time.Second)
	defer cancel()
	neo := "reachable"
	if err := s.store.Ping(ctx); err != nil {
		neo = "unreachable"
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "version": s.version, "neo4j": neo,
		"uptime_seconds": int(time.Since(s.started).Seconds())})
}

// ready answers 200 only when Neo4j answers and the schema is in place, and
// 503 once the server is draining.
func (s *Server) ready(c *gin.Context) {
	if s.draining.Load() {
		// Not through s.Error: load balancers ask every second, and this is
		// no fault to log.
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, errorBody{errorDetail{Code: graph.EUNAVAILABLE,
			Message: "The server is shutting down."}})
		return
	}
	ctx, cancel := context.WithTimeout(c, 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

func (s *Server) noRoute(c *gin.Context) {
	s.Error(c, graph.NotFound("route", c.Request.Method, c.Request.URL.Path))
}

func (s *Server) noMethod(c *gin.Context) {
	c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody{errorDetail{Code: "method_not_allowed",
		Message: "Method " + c.Request.Method + " is not allowed here."}})
}
