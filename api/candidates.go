package api

import (
	"context"
	"sync"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/identity"
)

// candidateCache keeps each workspace's last list of people likely to be
// one (graph/identity) with the change-feed version it was found at.
// Finding them reads the whole workspace and compares millions of pairs
// (seconds at 100,000 people): paging through the list, or coming back to
// it, costs nothing until a write changes the version; after one, the list
// is found again in the background while the last one is served, its
// people read afresh (see Server.peopleCandidates).
type candidateCache struct {
	mu         sync.Mutex
	entries    map[string]*candidates // by workspace
	refreshing map[string]bool
	ctx        context.Context // of the refreshes; ended by close
	cancel     context.CancelFunc
	wg         sync.WaitGroup
}

func newCandidateCache() *candidateCache {
	ctx, cancel := context.WithCancel(context.Background())
	return &candidateCache{entries: map[string]*candidates{}, refreshing: map[string]bool{}, ctx: ctx, cancel: cancel}
}

// candidates are a workspace's candidate pairs at a version.
type candidates struct {
	version uint64
	res     identity.Result
	people  map[string]*graph.Person // the people of the pairs
}

// candidateCacheSize bounds the workspaces kept; one more evicts another.
const candidateCacheSize = 16

// latest returns the workspace's newest candidates, of whatever version.
func (c *candidateCache) latest(ws string) *candidates {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[ws]
}

// put keeps the workspace's candidates, unless newer ones are there.
func (c *candidateCache) put(ws string, e *candidates) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[ws]; old != nil && old.version > e.version {
		return
	}
	if _, ok := c.entries[ws]; !ok && len(c.entries) >= candidateCacheSize {
		for other := range c.entries { // any other: the cache is a convenience
			delete(c.entries, other)
			break
		}
	}
	c.entries[ws] = e
}

// refresh runs find in the background and keeps what it finds, one find
// at a time per workspace; a failure keeps the last list (the next request
// tries again).
func (c *candidateCache) refresh(ws string, find func(ctx context.Context) (*candidates, error)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refreshing[ws] {
		return
	}
	if c.ctx.Err() != nil {
		return // closed
	}
	c.refreshing[ws] = true
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		found, err := find(c.ctx)
		if err == nil {
			c.put(ws, found)
		}
		c.mu.Lock()
		delete(c.refreshing, ws)
		c.mu.Unlock()
	}()
}

// close ends the refreshes under way and waits for them.
func (c *candidateCache) close() {
	c.mu.Lock()
	c.cancel()
	c.mu.Unlock()
	c.wg.Wait()
}
