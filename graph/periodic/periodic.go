// Package periodic runs work beside the server at a steady pace: the report
// scheduler (graph/report) and the account sync scheduler (graph/capture)
// poll with it.
package periodic

import (
	"context"
	"sync"
	"time"
)

// Loop calls a function at once and then every poll, in one goroutine,
// until Stop or its context ends. The zero value is ready to use.
type Loop struct {
	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// Start runs fn in the background; a second Start does nothing. fn gets a
// context that ends with Stop, and finishes what it must before returning.
func (l *Loop) Start(ctx context.Context, poll time.Duration, fn func(ctx context.Context)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done != nil {
		return
	}
	ctx, l.cancel = context.WithCancel(ctx)
	l.done = make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		t := time.NewTimer(0)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			fn(ctx)
			t.Reset(poll)
		}
	}(l.done)
}

// Stop ends the loop and waits for the call under way to return.
func (l *Loop) Stop() {
	l.mu.Lock()
	cancel, done := l.cancel, l.done
	l.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}
