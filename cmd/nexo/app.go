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
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j"
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

	// StopLocalNeo4j makes Close stop the local Neo4j when Open started it.
	StopLocalNeo4j bool
	// DemoPeople is the size of the demo workspace loaded on the first run; 0 for none.
	DemoPeople int

	// Listening is closed once the server accepts connections.
	Listening chan struct{}

	local    *localNeo4j
	listener net.Listener
	http     *http.Server
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
		local, err := newLocalNeo4j(m.Config.DataDir)
		if err != nil {
			return fmt.Errorf("NEO4J_URI is not set and the local Neo4j cannot be started: %w", err)
		}
		m.Logger.Info("NEO4J_URI not set: using the local Neo4j", slog.String("data", local.dir))
		if cfg, err = local.Start(ctx); err != nil {
			return err
		}
		m.local = local
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

// Run opens everything, serves HTTP until ctx ends, then shuts down gracefully.
func (m *Main) Run(ctx context.Context) error {
	if m.Store == nil {
		if err := m.Open(ctx); err != nil {
			return err
		}
	}
	if err := m.firstRun(ctx); err != nil {
		return err
	}
	// Periodic reports (graph/report): one service for the API and the
	// scheduler, which runs beside the server and stops with it.
	if err := m.Config.Mail.Check(); err != nil {
		return err
	}
	m.Reports = report.NewService(report.Config{Store: m.Store, Logger: m.Logger, Mail: m.Config.Mail,
		Webhook: report.WebhookConfig{Secret: m.Config.WebhookSecret},
		// Reports use the API's analytics (graph/live), not a snapshot of their own.
		Networks: func(ctx context.Context, ws string) (*analytics.Network, error) {
			return m.API.Analytics().Current(ctx, ws)
		}})
	m.API = api.New(api.Options{Store: m.Store, Logger: m.Logger, Version: version, RateLimit: m.Config.RateLimit,
		Reports: m.Reports})
	if m.Config.Reports {
		sched := report.NewScheduler(m.Reports, report.SchedulerOptions{})
		sched.Start(ctx)
		defer sched.Stop() // after the HTTP shutdown: a report being sent is finished first
		m.Logger.Info("report scheduler on", slog.Bool("email", m.Config.Mail.Addr != ""),
			slog.Bool("webhook", m.Config.WebhookSecret != ""))
	}
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.listener = ln
	m.http = &http.Server{Handler: m.API.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 5 * time.Minute, WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	m.Logger.Info("nexo serving", slog.String("addr", "http://"+ln.Addr().String()), slog.String("version", version))
	errc := make(chan error, 1)
	go func() { errc <- m.http.Serve(ln) }()
	close(m.Listening)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	m.Logger.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := m.http.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Addr returns the address the server listens on, once Run has started.
func (m *Main) Addr() string {
	if m.listener == nil {
		return ""
	}
	return m.listener.Addr().String()
}

// Close releases everything Open and Run took, stopping the local Neo4j if
// StopLocalNeo4j is set and Open started it.
func (m *Main) Close() error {
	var errs []error
	if m.API != nil {
		errs = append(errs, m.API.Close())
	}
	if m.Reports != nil {
		errs = append(errs, m.Reports.Close())
	}
	if m.Store != nil {
		errs = append(errs, m.Store.Close(context.Background()))
	}
	if m.local != nil && m.StopLocalNeo4j {
		errs = append(errs, m.local.Stop())
	}
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
