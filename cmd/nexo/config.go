package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/report"
)

// Config is everything nexo reads from the environment. Flags override it.
type Config struct {
	Neo4j     neo4j.Config // NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE
	Addr      string       // NEXO_ADDR, default 127.0.0.1:8080
	DataDir   string       // NEXO_DATA_DIR, default .data in the Nexo checkout (local Neo4j, first-run token)
	LogFormat string       // NEXO_LOG_FORMAT: text (default) or json
	RateLimit float64      // NEXO_RATE_LIMIT: requests per second per token (default 20; negative: none)

	// Periodic reports: NEXO_REPORTS=off stops the scheduler (the API still
	// makes reports on demand); email goes through NEXO_SMTP_ADDR, _USER,
	// _PASSWORD, _FROM and _TLS (starttls, tls or none); webhooks are signed
	// with NEXO_WEBHOOK_SECRET.
	Reports       bool
	Mail          report.MailConfig
	WebhookSecret string

	// OutboundAllow is NEXO_OUTBOUND_ALLOW: the hosts, addresses and CIDR
	// prefixes that webhooks and connectors may reach although they are
	// loopback, private or link-local (graph/outbound), comma-separated.
	OutboundAllow string

	// TrustedProxies is NEXO_TRUSTED_PROXIES: the addresses or CIDR
	// prefixes of the reverse proxies (HAProxy) whose X-Forwarded-For is
	// believed, comma-separated; by default none.
	TrustedProxies string

	// MetricsToken is NEXO_METRICS_TOKEN: the bearer token a Prometheus
	// scraper sends to GET /metrics; unset, /metrics is off.
	MetricsToken string

	// Replicas and graceful stops (README "Several replicas"): on SIGTERM
	// /readyz answers 503 for NEXO_DRAIN_DELAY (default 0; behind a load
	// balancer, longer than its health checks take to notice), then the
	// server stops accepting and gives requests and jobs NEXO_DRAIN_TIMEOUT
	// (default 30s) to finish. NEXO_MAX_IMPORTS caps the imports one
	// workspace runs at once across replicas (default 2). NEXO_REPLICA_NAME
	// names this replica (default host@address) so that a restarted replica
	// ends the jobs its previous run left.
	DrainDelay   time.Duration
	DrainTimeout time.Duration
	MaxImports   int
	ReplicaName  string
	// Connected accounts (capture.go): NEXO_SECRET_KEY seals their passwords
	// (else DataDir/secret.key, made on first start); NEXO_SYNC=off stops
	// the scheduled syncs, NEXO_SYNC_INTERVAL spaces them (default 15m);
	// their servers are reached through OutboundAllow's policy;
	// NEXO_CAPTURE_CA names a PEM file of more certificate authorities to
	// trust (a mail server with a private CA).
	SecretKey    string
	Sync         bool
	SyncInterval time.Duration
	CaptureCA    string
}

func configFromEnv() Config {
	c := Config{
		Neo4j: neo4j.Config{URI: os.Getenv("NEO4J_URI"), User: os.Getenv("NEO4J_USER"),
			Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE")},
		Addr:      envOr("NEXO_ADDR", "127.0.0.1:8080"),
		DataDir:   os.Getenv("NEXO_DATA_DIR"),
		LogFormat: envOr("NEXO_LOG_FORMAT", "text"),
	}
	c.Reports = os.Getenv("NEXO_REPORTS") != "off"
	c.Mail = report.MailConfig{Addr: os.Getenv("NEXO_SMTP_ADDR"), Username: os.Getenv("NEXO_SMTP_USER"),
		Password: os.Getenv("NEXO_SMTP_PASSWORD"), From: os.Getenv("NEXO_SMTP_FROM"), TLS: envOr("NEXO_SMTP_TLS", report.TLSStartTLS)}
	c.WebhookSecret = os.Getenv("NEXO_WEBHOOK_SECRET")
	c.OutboundAllow = os.Getenv("NEXO_OUTBOUND_ALLOW")
	c.TrustedProxies = os.Getenv("NEXO_TRUSTED_PROXIES")
	c.MetricsToken = os.Getenv("NEXO_METRICS_TOKEN")

	c.SecretKey = os.Getenv("NEXO_SECRET_KEY")
	c.Sync = os.Getenv("NEXO_SYNC") != "off"
	c.SyncInterval = 15 * time.Minute
	if d, err := time.ParseDuration(os.Getenv("NEXO_SYNC_INTERVAL")); err == nil && d >= time.Minute {
		c.SyncInterval = d
	}
	c.CaptureCA = os.Getenv("NEXO_CAPTURE_CA")
	if v, err := strconv.ParseFloat(os.Getenv("NEXO_RATE_LIMIT"), 64); err == nil {
		c.RateLimit = v
	}
	c.DrainDelay = envDuration("NEXO_DRAIN_DELAY", 0)
	c.DrainTimeout = envDuration("NEXO_DRAIN_TIMEOUT", 30*time.Second)
	c.MaxImports = api.DefaultMaxImports
	if v, err := strconv.Atoi(os.Getenv("NEXO_MAX_IMPORTS")); err == nil && v > 0 {
		c.MaxImports = v
	}
	c.ReplicaName = os.Getenv("NEXO_REPLICA_NAME")
	if c.Neo4j.User == "" {
		c.Neo4j.User = "neo4j"
	}
	if c.DataDir == "" {
		if root, err := repoRoot(); err == nil {
			c.DataDir = filepath.Join(root, ".data")
		} else {
			c.DataDir = ".data"
		}
	}
	return c
}

// parsePrefixes reads a comma-separated list of addresses (each its own
// prefix) and CIDR prefixes.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, e := range strings.Split(list, ",") {
		if e = strings.TrimSpace(e); e == "" {
			continue
		}
		if p, err := netip.ParsePrefix(e); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(e); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		} else {
			return nil, fmt.Errorf("%q is not an IP address or CIDR prefix", e)
		}
	}
	return out, nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// envDuration reads a duration ("30s", "1m"); a bare number is seconds.
func envDuration(k string, def time.Duration) time.Duration {
	v := os.Getenv(k)
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 {
		return time.Duration(n * float64(time.Second))
	}
	return def
}

func newLogger(format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}

// repoRoot finds the Nexo checkout (for scripts/neo4j/neo4j.sh): NEXO_HOME, or
// the nearest folder above the working directory that has the script.
func repoRoot() (string, error) {
	if h := os.Getenv("NEXO_HOME"); h != "" {
		return h, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "scripts", "neo4j", "neo4j.sh")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("scripts/neo4j/neo4j.sh not found above the working directory; " +
				"run nexo from the Nexo checkout, set NEXO_HOME to it, or set NEO4J_URI to use your own Neo4j")
		}
		dir = parent
	}
}

// localNeo4j drives scripts/neo4j/neo4j.sh for the Neo4j that nexo starts
// itself when NEO4J_URI is not set.
type localNeo4j struct {
	script string
	dir    string
}

func newLocalNeo4j(dataDir string) (*localNeo4j, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	return &localNeo4j{script: filepath.Join(root, "scripts", "neo4j", "neo4j.sh"), dir: filepath.Join(dataDir, "neo4j")}, nil
}

func (l *localNeo4j) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "bash", append([]string{l.script}, append(args, "--dir", l.dir)...)...)
	cmd.Stderr = os.Stderr
	// Never kill the server with our process group on Ctrl-C: Close stops it cleanly.
	cmd.WaitDelay = 5 * time.Second
	return cmd.Output()
}

// Start starts Neo4j (or finds it running) and returns how to connect, and
// whether it started it: a Neo4j found running (started by nexo neo4j
// start, or by a command) is someone else's to stop.
func (l *localNeo4j) Start(ctx context.Context) (_ neo4j.Config, started bool, _ error) {
	// status exits 0 when Neo4j runs or is starting, 3 when it is stopped.
	_, err := l.run(ctx, "status", "--mode", "dev")
	started = err != nil
	if _, err := l.run(ctx, "start", "--mode", "dev"); err != nil {
		return neo4j.Config{}, false, fmt.Errorf("start local neo4j: %w", err)
	}
	cfg, err := l.env(ctx)
	return cfg, started, err
}

// env reads how to connect to the running Neo4j.
func (l *localNeo4j) env(ctx context.Context) (neo4j.Config, error) {
	out, err := l.run(ctx, "env", "--mode", "dev")
	if err != nil {
		return neo4j.Config{}, fmt.Errorf("local neo4j env: %w", err)
	}
	cfg := neo4j.Config{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch k {
		case "NEO4J_URI":
			cfg.URI = v
		case "NEO4J_USER":
			cfg.User = v
		case "NEO4J_PASSWORD":
			cfg.Password = v
		}
	}
	if cfg.URI == "" {
		return cfg, errors.New("local neo4j: no URI in neo4j.sh env")
	}
	return cfg, nil
}

// Stop shuts the local Neo4j down cleanly.
func (l *localNeo4j) Stop() error {
	_, err := l.run(context.Background(), "stop", "--mode", "dev")
	return err
}
