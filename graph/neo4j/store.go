// Package neo4j implements graph.Store on Neo4j 5 through the official Go
// driver. It is the only package that imports the driver.
//
// The model is plain Neo4j: (:Person)-[:KNOWS]->(:Person) for ties (stored
// once per pair, the direction carries no meaning), (:Person)-[:WORKS_AT]->
// (:Organization), (:Interaction)-[:WITH]->(:Person),
// (:Introduction)-[:BY|OF|TO]->(:Person), (:Note)-[:ABOUT]->(:Person) and
// (:User)-[:IS]->(:Person). Every node carries its workspaceId; every query
// filters on it.
package neo4j

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

var _ graph.Store = (*Store)(nil)

// Config says how to reach Neo4j.
type Config struct {
	URI      string // bolt://127.0.0.1:7687 or neo4j://...
	User     string
	Password string
	Database string // default "neo4j"
}

// Store is a graph.Store backed by Neo4j.
type Store struct {
	driver neo4j.DriverWithContext
	db     string
	// probe is a driver of one connection for the breaker's probes, apart
	// from the pool the calls may have exhausted; brk fails calls fast
	// while Neo4j is unreachable (breaker.go).
	probe neo4j.DriverWithContext
	brk   *breaker
	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// Open connects to Neo4j, waits until it answers (up to the context's
// deadline) and creates the schema if it is missing.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, fmt.Errorf("open neo4j: no URI")
	}
	if cfg.Database == "" {
		cfg.Database = "neo4j"
	}
	auth := neo4j.BasicAuth(cfg.User, cfg.Password, "")
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *neo4j.Config) {
		c.MaxConnectionPoolSize = 64
		// Bounded waits, so that a call fails in seconds, not minutes, when
		// Neo4j is away (issue 12 item 9); the breaker does the rest.
		c.ConnectionAcquisitionTimeout = 5 * time.Second
		c.SocketConnectTimeout = 2 * time.Second
		c.MaxTransactionRetryTime = 10 * time.Second
		// A connection idle for a while is checked before use, so that
		// after Neo4j restarts the dead ones are dropped at once instead of
		// each costing a retry with its back-off.
		c.ConnectionLivenessCheckTimeout = 2 * time.Second
	})
	if err != nil {
		return nil, fmt.Errorf("open neo4j %s: %w", cfg.URI, err)
	}
	probe, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *neo4j.Config) {
		c.MaxConnectionPoolSize = 1
		c.ConnectionAcquisitionTimeout = probeTimeout
		c.SocketConnectTimeout = probeTimeout
	})
	if err != nil {
		_ = driver.Close(context.Background())
		return nil, fmt.Errorf("open neo4j %s: %w", cfg.URI, err)
	}
	s := &Store{driver: driver, probe: probe, db: cfg.Database, Now: func() time.Time { return time.Now().UTC() }}
	s.brk = newBreaker(s.probeOnce)
	if err := s.waitReady(ctx); err != nil {
		_ = s.Close(context.Background())
		return nil, err
	}
	if err := s.createSchema(ctx); err != nil {
		_ = s.Close(context.Background())
		return nil, err
	}
	return s, nil
}

// probeOnce asks Neo4j for RETURN 1 on the probe driver, without the
// retries of a managed transaction: an answer or an error now. A second try
// follows a failure at once, as the first may have met a connection that
// died while idle in the pool.
func (s *Store) probeOnce(ctx context.Context) error {
	try := func() error {
		sess := s.probe.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeRead})
		defer sess.Close(context.Background())
		res, err := sess.Run(ctx, "RETURN 1", nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		return err
	}
	if err := try(); err == nil || ctx.Err() != nil {
		return err
	}
	return try()
}

// waitReady retries connectivity until Neo4j answers or ctx ends; a database
// that is still starting refuses connections for a while.
func (s *Store) waitReady(ctx context.Context) error {
	for {
		err := s.driver.VerifyConnectivity(ctx)
		if err == nil {
			return nil
		}
		var authErr *neo4j.InvalidAuthenticationError
		var nerr *neo4j.Neo4jError
		if errors.As(err, &authErr) || (errors.As(err, &nerr) && strings.Contains(nerr.Code, "Security")) {
			return fmt.Errorf("connect to neo4j: wrong user or password: %w", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("connect to neo4j: %w (last error: %v)", ctx.Err(), err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// Close stops the breaker's probes and closes the drivers' connections.
func (s *Store) Close(ctx context.Context) error {
	s.brk.close()
	return errors.Join(s.probe.Close(ctx), s.driver.Close(ctx))
}

// schema lists the constraints and indexes; each statement is idempotent.
var schema = []string{
	"CREATE CONSTRAINT workspace_id IF NOT EXISTS FOR (n:Workspace) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT user_id IF NOT EXISTS FOR (n:User) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT token_id IF NOT EXISTS FOR (n:Token) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT token_hash IF NOT EXISTS FOR (n:Token) REQUIRE n.hash IS UNIQUE",
	"CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT organization_id IF NOT EXISTS FOR (n:Organization) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT organization_name IF NOT EXISTS FOR (n:Organization) REQUIRE (n.workspaceId, n.nameKey) IS UNIQUE",
	"CREATE CONSTRAINT interaction_id IF NOT EXISTS FOR (n:Interaction) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT introduction_id IF NOT EXISTS FOR (n:Introduction) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT note_id IF NOT EXISTS FOR (n:Note) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT knows_id IF NOT EXISTS FOR ()-[r:KNOWS]-() REQUIRE r.id IS UNIQUE",
	"CREATE CONSTRAINT works_at_id IF NOT EXISTS FOR ()-[r:WORKS_AT]-() REQUIRE r.id IS UNIQUE",
	"CREATE INDEX user_workspace IF NOT EXISTS FOR (n:User) ON (n.workspaceId)",
	"CREATE INDEX person_workspace IF NOT EXISTS FOR (n:Person) ON (n.workspaceId)",
	// No query orders by the raw name (search orders by toLower(name)), and
	// every index costs each person written: an early index is dropped.
	"DROP INDEX person_workspace_name IF EXISTS",
	"CREATE INDEX organization_workspace IF NOT EXISTS FOR (n:Organization) ON (n.workspaceId)",
	"CREATE INDEX organization_domain IF NOT EXISTS FOR (n:Organization) ON (n.workspaceId, n.domain)",
	"CREATE INDEX interaction_workspace IF NOT EXISTS FOR (n:Interaction) ON (n.workspaceId, n.at)",
	"CREATE INDEX introduction_workspace IF NOT EXISTS FOR (n:Introduction) ON (n.workspaceId)",
	"CREATE INDEX note_workspace IF NOT EXISTS FOR (n:Note) ON (n.workspaceId)",
	"CREATE INDEX token_workspace IF NOT EXISTS FOR (n:Token) ON (n.workspaceId)",
	// Reports (report.go): one per member and period, which is how a
	// restarted scheduler knows a slot is done.
	"CREATE CONSTRAINT report_id IF NOT EXISTS FOR (n:Report) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT report_period IF NOT EXISTS FOR (n:Report) REQUIRE (n.workspaceId, n.userId, n.period) IS UNIQUE",
	"CREATE INDEX report_workspace IF NOT EXISTS FOR (n:Report) ON (n.workspaceId, n.generatedAt)",
	"CREATE CONSTRAINT delivery_id IF NOT EXISTS FOR (n:Delivery) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX delivery_workspace IF NOT EXISTS FOR (n:Delivery) ON (n.workspaceId, n.state)",
	// Jobs (job.go): listed per workspace newest first; the running ones
	// are scanned for lost leases, the ended ones for pruning.
	"CREATE CONSTRAINT job_id IF NOT EXISTS FOR (n:Job) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX job_workspace IF NOT EXISTS FOR (n:Job) ON (n.workspaceId, n.startedAt)",
	"CREATE INDEX job_state IF NOT EXISTS FOR (n:Job) ON (n.state)",
	"CREATE INDEX job_finished IF NOT EXISTS FOR (n:Job) ON (n.finishedAt)",
	// Merges (merge.go): looked up by id, and by the person they absorbed.
	"CREATE CONSTRAINT merge_id IF NOT EXISTS FOR (n:Merge) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX merge_workspace IF NOT EXISTS FOR (n:Merge) ON (n.workspaceId, n.absorbedId)",
	// Connected accounts and capture: accountSchema (account.go) is appended.
	// The change feed (feed.go): entries read by version, replicas by workspace.
	"CREATE INDEX feed_entry IF NOT EXISTS FOR (n:FeedEntry) ON (n.workspaceId, n.version)",
	"CREATE INDEX feed_replica IF NOT EXISTS FOR (n:FeedReplica) ON (n.workspaceId)",
	"CREATE INDEX feed_checkpoint IF NOT EXISTS FOR (n:FeedCheckpoint) ON (n.workspaceId)",
}

// createSchema creates constraints and indexes and waits until they are online.
func (s *Store) createSchema(ctx context.Context) error {
	for _, q := range schema {
		_, err := neo4j.ExecuteQuery(ctx, s.driver, q, nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(s.db))
		var nerr *neo4j.Neo4jError
		if errors.As(err, &nerr) && strings.HasPrefix(nerr.Code, "Neo.ClientError.Schema.") &&
			strings.HasSuffix(nerr.Code, "AlreadyExists") {
			// Another process created the same rule between IF NOT EXISTS and
			// the creation: it is there, which is all we need.
			err = nil
		}
		if err != nil {
			return fmt.Errorf("create schema (%s): %w", q, err)
		}
	}
	if _, err := neo4j.ExecuteQuery(ctx, s.driver, "CALL db.awaitIndexes(300)", nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.db)); err != nil {
		return fmt.Errorf("await indexes: %w", err)
	}
	return nil
}

// Ping reports whether Neo4j answers. The schema is in place since Open
// created it and waited for its indexes.
// While the breaker is open it answers at once, without a query.
func (s *Store) Ping(ctx context.Context) error {
	callCtx, end, err := s.brk.enter(ctx)
	if err != nil {
		return err
	}
	_, err = neo4j.ExecuteQuery(callCtx, s.driver, "RETURN 1", nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithReadersRouting())
	if err = end(err); err != nil {
		return fmt.Errorf("%w: %w", &graph.Error{Code: graph.EUNAVAILABLE, Message: "Neo4j does not answer."}, err)
	}
	return nil
}

// sessionConfig configures every session of the store. They share the
// driver's bookmark manager, so that a read sees every write this process
// made before it: on a cluster (neo4j:// or neo4j+s:// URIs) reads go to
// followers, which may trail the leader by a few milliseconds.
func (s *Store) sessionConfig(mode neo4j.AccessMode) neo4j.SessionConfig {
	return neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode, BookmarkManager: s.driver.ExecuteQueryBookmarkManager()}
}

// read runs fn in a managed read transaction (retried by the driver on
// transient errors) and maps driver errors to graph errors.
// While the breaker is open it fails at once with EUNAVAILABLE.
func read[T any](ctx context.Context, s *Store, fn func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	var t T
	callCtx, end, err := s.brk.enter(ctx)
	if err != nil {
		return t, err
	}
	sess := s.driver.NewSession(callCtx, s.sessionConfig(neo4j.AccessModeRead))
	defer sess.Close(context.Background())
	v, err := sess.ExecuteRead(callCtx, func(tx neo4j.ManagedTransaction) (any, error) { return fn(callTx{tx, callCtx}) })
	t, _ = v.(T) // v is nil after an error, or for T = any when fn returns nil
	return t, mapErr(end(err))
}

// write runs fn in a managed write transaction.
func write[T any](ctx context.Context, s *Store, fn func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	var t T
	callCtx, end, err := s.brk.enter(ctx)
	if err != nil {
		return t, err
	}
	sess := s.driver.NewSession(callCtx, s.sessionConfig(neo4j.AccessModeWrite))
	defer sess.Close(context.Background())
	v, err := sess.ExecuteWrite(callCtx, func(tx neo4j.ManagedTransaction) (any, error) { return fn(callTx{tx, callCtx}) })
	t, _ = v.(T)
	return t, mapErr(end(err))
}

// mapErr turns Neo4j's errors into graph errors: constraint violations are
// conflicts, an unreachable server is unavailable; graph errors pass through.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var gerr *graph.Error
	if errors.As(err, &gerr) {
		return err
	}
	var nerr *neo4j.Neo4jError
	if errors.As(err, &nerr) && nerr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed" {
		return &graph.Error{Code: graph.ECONFLICT, Message: "That already exists."}
	}
	var cerr *neo4j.ConnectivityError
	if errors.As(err, &cerr) || neo4j.IsTransactionExecutionLimit(err) {
		return fmt.Errorf("%w: %w", &graph.Error{Code: graph.EUNAVAILABLE, Message: "Neo4j cannot be reached."}, err)
	}
	return err
}

// single runs a query and returns its only record, or nil when there is none.
func single(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any) (*neo4j.Record, error) {
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return recs[0], nil
}

// collect runs a query and maps every record's first value with fn.
func collect[T any](ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any,
	fn func(map[string]any) T) ([]T, error) {
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return nil, err
	}
	var out []T
	for res.Next(ctx) {
		m, _ := res.Record().Values[0].(map[string]any)
		out = append(out, fn(m))
	}
	return out, res.Err()
}

// count runs a query whose only value is a count.
func count(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any) (int, error) {
	rec, err := single(ctx, tx, q, params)
	if err != nil || rec == nil {
		return 0, err
	}
	n, _ := rec.Values[0].(int64)
	return int(n), nil
}

// notFound is the ENOTFOUND error for a kind of thing.
func notFound(what string) error { return graph.NotFound(what) }

// Property conversion between Go values and Neo4j maps.

func tparam(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// Readers of property values: a missing or mistyped value reads as zero.

func str(m map[string]any, k string) string { return vstr(m[k]) }

func strs(m map[string]any, k string) []string { return vstrs(m[k]) }

func vstr(v any) string {
	s, _ := v.(string)
	return s
}

func vstrs(v any) []string {
	l, _ := v.([]any)
	if len(l) == 0 {
		return nil
	}
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func tm(m map[string]any, k string) time.Time {
	switch v := m[k].(type) {
	case time.Time:
		return v.UTC()
	case neo4j.LocalDateTime:
		return v.Time().UTC()
	case neo4j.Date:
		return v.Time().UTC()
	}
	return time.Time{}
}

func fptr(m map[string]any, k string) *float64 {
	if v, ok := m[k].(float64); ok {
		return &v
	}
	return nil
}

// list makes a list property; sparse drops it when empty.
func list(l []string) []string { return l }

// sparse drops empty strings, empty lists and nulls from a property map, so
// that nodes carry only the properties they have: every stored property costs
// a write, and an import writes tens of thousands of nodes. Readers treat a
// missing property as empty; Cypher predicates over lists use coalesce.
func sparse(m map[string]any) map[string]any {
	for k, v := range m {
		switch x := v.(type) {
		case nil:
			delete(m, k)
		case string:
			if x == "" {
				delete(m, k)
			}
		case []string:
			if len(x) == 0 {
				delete(m, k)
			}
		}
	}
	return m
}

// validID rejects ids that cannot exist, so they are ENOTFOUND without a query.

// RunReadOnly runs a Cypher query in a read transaction and discards its
// records; it checks that documented queries keep working.
func (s *Store) RunReadOnly(ctx context.Context, q string) error {
	_, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, q, nil)
		if err != nil {
			return nil, err
		}
		_, err = res.Consume(ctx)
		return nil, err
	})
	return err
}
