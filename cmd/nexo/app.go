package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/capture"
	"github.com/nexohq/nexo/graph/jobs"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/outbound"
	"github.com/nexohq/nexo/graph/report"
)

// Main is the running program: configuration, the store, the HTTP server.
// Tests drive it end to end through Open, Run and Close.
type Main struct {
	Config Config
	Logger *slog.Logger
	Store  *neo4j.Store
	API    *api.Server
	// Reports makes, schedules and delivers the periodic reports.
	Reports *report.Service
	// Jobs keeps the jobs (imports, refreshes) in Neo4j, shared by replicas.
	Jobs *jobs.Tracker
	// Capture connects and syncs members' mailboxes and calendars.
	Capture *capture.Service

	// StopLocalNeo4j makes Close stop the local Neo4j when Open started it,
	// and makes Open take the data folder's lock first (lock.go): one serve
	// per folder.
	StopLocalNeo4j bool
	// DemoPeople is the size of the demo workspace loaded on the first run; 0 for none.
	DemoPeople int

	// Listening is closed once the server serves the API. It accepts
	// connections earlier, from the start of Run, answering /healthz and
	// 503 "starting" (api.Starting) while Neo4j starts and the demo loads.
	Listening chan struct{}

	// scope, set by tests only, narrows the workspaces the schedulers visit
	// to one: the test Neo4j holds every package's workspaces at once.
	scope string

	local     *localNeo4j
	ownsLocal bool      // Open started the local Neo4j (it was not running)
	lock      *dataLock // the data folder's, while serve runs the local Neo4j
	listener  net.Listener
	http      *http.Server
}

// NewMain returns a Main configured from the environment.
func NewMain() *Main {
	cfg := configFromEnv()
	return &Main{Config: cfg, Logger: newLogger(cfg.LogFormat), Listening: make(chan struct{})}
}

// Open connects to Neo4j, first starting the local one when NEO4J_URI is not set.
func (m *Main) Open(ctx context.Context) error {
	cfg := m.Config.Neo4j
	if cfg.URI == "" {
		if m.StopLocalNeo4j && m.lock == nil {
			// Before anything else: a second serve on the folder touches nothing.
			lock, err := lockDataDir(m.Config.DataDir)
			if err != nil {
				return err
			}
			m.lock = lock
		}
		local, err := newLocalNeo4j(m.Config.DataDir)
		if err != nil {
			return fmt.Errorf("NEO4J_URI is not set and the local Neo4j cannot be started: %w", err)
		}
		m.Logger.Info("NEO4J_URI not set: using the local Neo4j", slog.String("data", local.dir))
		m.local = local
		if cfg, m.ownsLocal, err = local.Start(ctx); err != nil {
			return err
		}
	}
	openCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	store, err := neo4j.Open(openCtx, cfg)
	if err != nil {
		return err
	}
	m.Store = store
	return nil
}

// firstRun loads the demo workspace when the database has no workspace yet,
// and writes its owner token to DataDir/demo-token (mode 0600).
func (m *Main) firstRun(ctx context.Context) error {
	if m.DemoPeople == 0 {
		return nil
	}
	ws, err := m.Store.FindWorkspaces(ctx)
	if err != nil || len(ws) > 0 {
		return err
	}
	m.Logger.Info("first run: loading the demo workspace", slog.Int("people", m.DemoPeople))
	res, err := loadDemo(ctx, m.Store, demoOptions{People: m.DemoPeople}, os.Stderr)
	if err != nil {
		return fmt.Errorf("load demo workspace: %w", err)
	}
	path := filepath.Join(m.Config.DataDir, "demo-token")
	if err := os.MkdirAll(m.Config.DataDir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(res.Token+"\n"), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "\nDemo workspace %q ready: %d people, %d ties.\nOwner token (also in %s):\n\n  %s\n\n",
		res.Workspace.Name, res.People, res.Ties, path, res.Token)
	return nil
}

// Run opens everything, serves HTTP until ctx ends, then shuts down
// gracefully. It listens first: until the API is ready (Neo4j started, the
// demo loaded) the server answers that it is starting and what it is doing.
func (m *Main) Run(ctx context.Context) error {
	if m.Store == nil && m.Config.Neo4j.URI == "" && m.StopLocalNeo4j && m.lock == nil {
		// Before listening: a second serve on the folder says so and touches nothing.
		lock, err := lockDataDir(m.Config.DataDir)
		if err != nil {
			return err
		}
		m.lock = lock
	}
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.listener = ln
	var phase atomic.Value
	phase.Store("starting Neo4j")
	handler := &swapHandler{}
	handler.set(api.Starting(version, func() string { return phase.Load().(string) }))
	m.http = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 5 * time.Minute, WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- m.http.Serve(ln) }()
	m.Logger.Info("nexo listening; starting", slog.String("addr", "http://"+ln.Addr().String()))
	stop, err := m.start(ctx, &phase)
	if err != nil {
		_ = m.http.Close()
		return err
	}
	defer stop() // after the drain: a report being sent, a sync, are finished first
	handler.set(m.API.Handler())
	m.Logger.Info("nexo serving", slog.String("addr", "http://"+ln.Addr().String()), slog.String("version", version))
	close(m.Listening)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	return m.drain()
}

// swapHandler serves with a handler that can be replaced while it serves:
// the starting answers, then the API.
type swapHandler struct{ h atomic.Pointer[http.Handler] }

func (s *swapHandler) set(h http.Handler) { s.h.Store(&h) }

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load()).ServeHTTP(w, r)
}

// start opens the store, loads the demo on a first run and builds the API
// with its background services (the schedulers), saying in phase what it is
// doing. stop stops the schedulers.
func (m *Main) start(ctx context.Context, phase *atomic.Value) (stop func(), err error) {
	var stops []func()
	stop = func() {
		for _, f := range stops {
			f()
		}
	}
	if m.Store == nil {
		if err := m.Open(ctx); err != nil {
			return nil, err
		}
	}
	phase.Store("loading the demo workspace")
	if err := m.firstRun(ctx); err != nil {
		return nil, err
	}
	phase.Store("starting the services")
	// Periodic reports (graph/report): one service for the API and the
	// scheduler, which runs beside the server and stops with it.
	if err := m.Config.Mail.Check(); err != nil {
		return nil, err
	}
	out, err := outbound.ParseAllowList(m.Config.OutboundAllow)
	if err != nil {
		return nil, fmt.Errorf("NEXO_OUTBOUND_ALLOW: %w", err)
	}
	m.Reports = report.NewService(report.Config{Store: m.schedulerStore(), Logger: m.Logger, Mail: m.Config.Mail,
		Webhook: report.WebhookConfig{Secret: m.Config.WebhookSecret}, Outbound: out,
		// Reports use the API's analytics (graph/live), not a snapshot of their own.
		Networks: func(ctx context.Context, ws string) (*analytics.Network, error) {
			return m.API.Analytics().Current(ctx, ws)
		}})
	proxies, err := parsePrefixes(m.Config.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("NEXO_TRUSTED_PROXIES: %w", err)
	}
	// The listener names this replica: no other live process can hold it.
	m.Jobs = jobs.New(jobs.Options{Store: m.Store, Logger: m.Logger, Replica: m.replicaName(),
		Limits: map[string]int{graph.JobImport: m.Config.MaxImports}})
	// Connected accounts (graph/capture): one service for the API and the
	// sync scheduler, reaching mail servers through the same outbound policy.
	cs, err := newCaptureService(m, out, true)
	if err != nil {
		return nil, err
	}
	m.Capture = cs
	m.API = api.New(api.Options{Store: m.Store, Logger: m.Logger, Version: version, RateLimit: m.Config.RateLimit,
		Reports: m.Reports, TrustedProxies: proxies, Jobs: m.Jobs, Capture: m.Capture,
		MetricsToken: m.Config.MetricsToken})
	if m.Config.Sync {
		syncs := capture.NewScheduler(m.Capture, capture.SchedulerOptions{Interval: m.Config.SyncInterval})
		syncs.Start(ctx)
		stops = append(stops, syncs.Stop)
	}
	if m.Config.Reports {
		sched := report.NewScheduler(m.Reports, report.SchedulerOptions{})
		sched.Start(ctx)
		stops = append(stops, sched.Stop)
		m.Logger.Info("report scheduler on", slog.Bool("email", m.Config.Mail.Addr != ""),
			slog.Bool("webhook", m.Config.WebhookSecret != ""))
	}
	return stop, nil
}

// drain stops gracefully: /readyz answers 503 first, for Config.DrainDelay,
// so that a load balancer takes this replica out while it still serves; then
// the server stops accepting, and in-flight requests and running jobs get
// Config.DrainTimeout to finish. Jobs still running then are stopped and
// recorded as failed ("the server stopped before the job finished"), so a
// client polling one learns it, from any replica, after any restart.
func (m *Main) drain() error {
	m.Logger.Info("shutting down", slog.Duration("drain_delay", m.Config.DrainDelay),
		slog.Duration("drain_timeout", m.Config.DrainTimeout))
	m.API.Drain()
	time.Sleep(m.Config.DrainDelay)
	ctx, cancel := context.WithTimeout(context.Background(), m.Config.DrainTimeout)
	defer cancel()
	jobsDone := make(chan error, 1)
	go func() { jobsDone <- m.Jobs.Drain(ctx) }()
	err := m.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		m.Logger.Warn("requests still running when the drain timeout ran out; closing their connections")
		err = m.http.Close()
	}
	if jerr := <-jobsDone; jerr != nil {
		m.Logger.Warn("drain: "+jerr.Error(), slog.String("reason", graph.ErrJobLost.Message))
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	m.Logger.Info("stopped")
	return nil
}

// replicaName names this replica among those sharing the store:
// NEXO_REPLICA_NAME, or the host name and the address it listens on.
func (m *Main) replicaName() string {
	if m.Config.ReplicaName != "" {
		return m.Config.ReplicaName
	}
	host, _ := os.Hostname()
	return host + "@" + m.listener.Addr().String()
}

// Addr returns the address the server listens on, once Run has started.
func (m *Main) Addr() string {
	if m.listener == nil {
		return ""
	}
	return m.listener.Addr().String()
}

// Close releases everything Open and Run took, stopping the local Neo4j if
// StopLocalNeo4j is set and Open started it: never one it found running.
func (m *Main) Close() error {
	var errs []error
	if m.API != nil {
		errs = append(errs, m.API.Close())
	}
	if m.Jobs != nil {
		errs = append(errs, m.Jobs.Close())
	}
	if m.Reports != nil {
		errs = append(errs, m.Reports.Close())
	}
	if m.Store != nil {
		errs = append(errs, m.Store.Close(context.Background()))
	}
	if m.local != nil && m.StopLocalNeo4j && m.ownsLocal {
		errs = append(errs, m.local.Stop())
	}
	errs = append(errs, m.lock.release())
	m.lock = nil
	return errors.Join(errs...)
}

// storeCommand opens the store for a one-shot CLI command. A local Neo4j it
// starts is left running for the next command (nexo neo4j stop stops it).
func storeCommand(ctx context.Context) (*Main, error) {
	m := NewMain()
	// A command's output is its answer; only warnings and errors are logged.
	m.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := m.Open(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

var _ graph.Store = (*neo4j.Store)(nil)

// schedulerStore is the store the services with a scheduler use: the whole
// store, or with Main.scope one workspace as far as FindWorkspaces tells.
func (m *Main) schedulerStore() graph.Store {
	if m.scope == "" {
		return m.Store
	}
	return scopedStore{m.Store, m.scope}
}

// scopedStore is a store whose FindWorkspaces lists one workspace.
type scopedStore struct {
	*neo4j.Store
	ws string
}

func (s scopedStore) FindWorkspaces(ctx context.Context) ([]*graph.Workspace, error) {
	w, err := s.FindWorkspace(ctx, s.ws)
	if err != nil {
		return nil, err
	}
	return []*graph.Workspace{w}, nil
}
