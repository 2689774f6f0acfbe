package api

import (
	"sync"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/identity"
)

// candidateCache keeps each workspace's last list of people likely to be
// one (graph/identity) with the change-feed version it was found at.
// Finding them reads the whole workspace and compares millions of pairs
// (seconds at 100,000 people); paging through the list, or coming back to
// it, then costs nothing until a write changes the version.
type candidateCache struct {
	mu      sync.Mutex
	entries map[string]*candidates // by workspace
}

// candidates are a workspace's candidate pairs at a version.
type candidates struct {
	version uint64
	res     identity.Result
	people  map[string]*graph.Person // the people of the pairs
}

// candidateCacheSize bounds the workspaces kept; one more evicts another.
const candidateCacheSize = 16

// get returns the workspace's candidates if they were found at version.
func (c *candidateCache) get(ws string, version uint64) *candidates {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[ws]; e != nil && e.version == version {
		return e
	}
	return nil
}

// put keeps the workspace's candidates, unless newer ones are there.
func (c *candidateCache) put(ws string, e *candidates) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]*candidates{}
	}
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
