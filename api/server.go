package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/live"
	"github.com/nexohq/nexo/graph/render"
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
	// Analytics keeps the workspaces' analytics networks (graph/live); nil
	// gives one owned by the server, reporting its loads as the server's jobs.
	Analytics *live.Service
}

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
	jobs       *jobs
	metricsSet *metricsSet

	reports    *report.Service
	ownReports bool // the server made reports and closes it

	renderMu     sync.Mutex
	rend         *render.Renderer // started by the first map (maps.go)
	renderClosed bool
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
		maxImport: opt.MaxImportBytes, engine: gin.New(), started: time.Now(), auth: newAuth(opt.RateLimit, int(2*opt.RateLimit)+1),
		jobs: newJobs(), metricsSet: newMetrics()}
	s.live, s.ownLive = opt.Analytics, opt.Analytics == nil
	if s.ownLive {
		s.live = live.New(live.Config{Store: opt.Store, Logger: opt.Logger, Jobs: liveJobs{s.jobs}})
	}
	s.reports, s.ownReports = opt.Reports, opt.Reports == nil
	if s.ownReports {
		s.reports = report.NewService(report.Config{Store: opt.Store, Logger: opt.Logger, Networks: s.live.Current})
	}
	s.engine.ContextWithFallback = true
	s.engine.SetHTMLTemplate(pageTemplate)
	s.engine.Use(s.recoverer, s.requestID, s.accessLog, s.observe)
	s.routes()
	return s
}

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.engine }

// Close stops background work.
func (s *Server) Close() error {
	err := s.closeRenderer()
	if s.ownReports {
		err = errors.Join(err, s.reports.Close())
	}
	if s.ownLive {
		err = errors.Join(err, s.live.Close())
	}
	return err
}

const requestIDKey = "request_id"

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

const workspaceKey = "workspace"

// health answers liveness, and says whether Neo4j answers.
func (s *Server) health(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c, 5*time.Second)
	defer cancel()
	neo := "reachable"
	if err := s.store.Ping(ctx); err != nil {
		neo = "unreachable"
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "version": s.version, "neo4j": neo,
		"uptime_seconds": int(time.Since(s.started).Seconds())})
}

// ready answers 200 only when Neo4j answers and the schema is in place.
func (s *Server) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c, 5*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
