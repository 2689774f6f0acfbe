package neo4j

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/nexohq/nexo/graph"
)

// While Neo4j cannot be reached, the driver's managed transactions retry
// for their whole retry time (30 s by default), and a call took 30 to 66 s
// to fail. The breaker makes calls fail within one to three seconds
// instead, and then at once until Neo4j answers again:
//
//   - a call still running after suspectAfter, or one that failed for want
//     of a connection, has the breaker probe Neo4j (RETURN 1 without
//     retries on a driver of its own, so a busy pool cannot fail the probe,
//     within probeTimeout);
//   - a failed probe opens the breaker: calls in flight stop retrying, and
//     new calls fail with EUNAVAILABLE without touching the driver;
//   - while open, the breaker probes every probeEvery and closes at the
//     first answer.
//
// Queries already sent inside a transaction are not cut short: a killed
// Neo4j resets their connection at once; the breaker stops the retries.
const (
	suspectAfter = time.Second
	probeTimeout = 2 * time.Second
	probeEvery   = time.Second
)

// errOutage is the cause of the calls the breaker stops.
var errOutage = errors.New("neo4j: unreachable (circuit open)")

// unavailable is the error of a call refused or stopped by the breaker.
func unavailable(err error) error {
	ge := &graph.Error{Code: graph.EUNAVAILABLE, Message: "Neo4j cannot be reached; try again in a few seconds."}
	if err == nil {
		return ge
	}
	return errors.Join(ge, err)
}

// breaker tracks whether Neo4j answers.
type breaker struct {
	probe func(ctx context.Context) error

	mu        sync.Mutex
	open      bool
	outage    context.Context // cancelled with errOutage when the breaker opens
	cancel    context.CancelCauseFunc
	probing   bool
	lastProbe time.Time

	done chan struct{}
	wg   sync.WaitGroup
}

func newBreaker(probe func(ctx context.Context) error) *breaker {
	b := &breaker{probe: probe, done: make(chan struct{})}
	b.outage, b.cancel = context.WithCancelCause(context.Background())
	return b
}

// enter starts a call: an error while the breaker is open, else a context
// that ends when ctx does or the breaker opens, and the function that ends
// the call with its error.
func (b *breaker) enter(ctx context.Context) (context.Context, func(error) error, error) {
	b.mu.Lock()
	if b.open {
		b.mu.Unlock()
		return nil, nil, unavailable(nil)
	}
	outage := b.outage
	b.mu.Unlock()
	callCtx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(outage, func() { cancel(context.Cause(outage)) })
	timer := time.AfterFunc(suspectAfter, b.suspect)
	return callCtx, func(err error) error {
		timer.Stop()
		stop()
		stopped := errors.Is(context.Cause(callCtx), errOutage)
		cancel(nil)
		switch {
		case err == nil:
			return nil
		case stopped:
			return unavailable(err)
		case isConnectivity(err):
			b.suspect()
		}
		return err
	}, nil
}

// isConnectivity reports whether err says Neo4j could not be reached or a
// connection was lost (directly, or as the last error of the retries).
func isConnectivity(err error) bool {
	var cerr *neo4j.ConnectivityError
	return errors.As(err, &cerr) || neo4j.IsTransactionExecutionLimit(err)
}

// suspect probes Neo4j in the background, unless a probe runs or ran in
// the last probeEvery, and opens the breaker if it does not answer.
func (b *breaker) suspect() {
	b.mu.Lock()
	if b.open || b.probing || time.Since(b.lastProbe) < probeEvery {
		b.mu.Unlock()
		return
	}
	select {
	case <-b.done:
		b.mu.Unlock()
		return
	default:
	}
	b.probing = true
	b.wg.Add(1)
	b.mu.Unlock()
	go func() {
		defer b.wg.Done()
		err := b.ping()
		b.mu.Lock()
		b.probing, b.lastProbe = false, time.Now()
		b.mu.Unlock()
		if err != nil {
			b.trip()
		}
	}()
}

func (b *breaker) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	return b.probe(ctx)
}

// trip opens the breaker, stops the calls in flight and probes until
// Neo4j answers.
func (b *breaker) trip() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open {
		return
	}
	select {
	case <-b.done:
		return
	default:
	}
	b.open = true
	b.cancel(errOutage)
	b.wg.Add(1)
	go b.recover()
}

func (b *breaker) recover() {
	defer b.wg.Done()
	t := time.NewTicker(probeEvery)
	defer t.Stop()
	for {
		select {
		case <-b.done:
			return
		case <-t.C:
		}
		if b.ping() != nil {
			continue
		}
		b.mu.Lock()
		b.open = false
		b.outage, b.cancel = context.WithCancelCause(context.Background())
		b.mu.Unlock()
		return
	}
}

// close stops the probes.
func (b *breaker) close() {
	b.mu.Lock()
	select {
	case <-b.done:
	default:
		close(b.done)
	}
	b.mu.Unlock()
	b.wg.Wait()
}

// callTx runs every query of a managed transaction, and reads every result,
// with the call's context rather than the one the query is given: the
// store's transaction functions use their method's context, which the
// breaker cannot cancel, so a query waiting on a Neo4j that stopped
// answering would wait for ever. The call's context is that same context,
// also ended when the breaker opens.
type callTx struct {
	neo4j.ManagedTransaction
	ctx context.Context
}

func (t callTx) Run(_ context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error) {
	r, err := t.ManagedTransaction.Run(t.ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return callResult{r, t.ctx}, nil
}

// callResult reads a result with the call's context.
type callResult struct {
	neo4j.ResultWithContext
	ctx context.Context
}

func (r callResult) NextRecord(_ context.Context, rec **neo4j.Record) bool {
	return r.ResultWithContext.NextRecord(r.ctx, rec)
}
func (r callResult) Next(context.Context) bool { return r.ResultWithContext.Next(r.ctx) }
func (r callResult) PeekRecord(_ context.Context, rec **neo4j.Record) bool {
	return r.ResultWithContext.PeekRecord(r.ctx, rec)
}
func (r callResult) Peek(context.Context) bool { return r.ResultWithContext.Peek(r.ctx) }
func (r callResult) Collect(context.Context) ([]*neo4j.Record, error) {
	return r.ResultWithContext.Collect(r.ctx)
}
func (r callResult) Records(context.Context) func(yield func(*neo4j.Record, error) bool) {
	return r.ResultWithContext.Records(r.ctx)
}
func (r callResult) Single(context.Context) (*neo4j.Record, error) {
	return r.ResultWithContext.Single(r.ctx)
}
func (r callResult) Consume(context.Context) (neo4j.ResultSummary, error) {
	return r.ResultWithContext.Consume(r.ctx)
}
