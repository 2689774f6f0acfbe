package api

import "github.com/nexohq/nexo/graph/live"

// The analytics networks come from graph/live, which follows each
// workspace's change feed: a write through this server, another replica or
// a CLI import reaches the answers within a poll (Freshness says how fresh).

// Freshness tells how current an analytics answer is.
type Freshness = live.Freshness

// Analytics returns the service the server answers analytics from.
func (s *Server) Analytics() *live.Service { return s.live }

// changed tells the analytics that this server wrote to the workspace, so
// that they check the feed now rather than at their next poll.
func (s *Server) changed(ws string) { s.live.Poke(ws) }
