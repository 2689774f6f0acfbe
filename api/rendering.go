package api

import (
	"context"
	"fmt"
	"sync"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/render"
)

// lazyRenderer is the server's Renderer, started on first use: starting
// Graphviz costs tens of milliseconds that most servers' tests never need.
type lazyRenderer struct {
	mu     sync.Mutex
	r      *render.Renderer
	closed bool
}

// get returns the renderer, starting it if it is the first map.
func (l *lazyRenderer) get(ctx context.Context) (*render.Renderer, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, graph.Errorf(graph.EUNAVAILABLE, "The server is shutting down.")
	}
	if l.r == nil {
		r, err := render.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("start renderer: %w", err)
		}
		l.r = r
	}
	return l.r, nil
}

// close releases the renderer; later maps are EUNAVAILABLE.
func (l *lazyRenderer) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.r == nil {
		return nil
	}
	return l.r.Close()
}
