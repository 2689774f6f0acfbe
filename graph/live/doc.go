// Package live keeps the analytics network of every workspace a process
// serves current with the workspace's change feed (graph.Change), and owns
// everything that takes: the networks, one follower per active workspace
// that polls the workspace's version and applies new changes
// (analytics.Network.Apply), full reloads (on start, on a gap in the feed, on
// demand), the recomputation of communities and betweenness on a CPU
// budget, the replica's heartbeat and the compaction of the feed. Its Close
// stops them and waits for them.
//
// Both the HTTP API and the periodic report ask it for networks, so a
// process holds one network per workspace, and a write through any process
// (another replica, a CLI import, a sync job) reaches the answers of all of
// them within a poll or two, without a reload.
//
// Why a package of its own, under graph/: it is a service of the domain
// (like graph/report and graph/importer), it does I/O through the Store
// interface and computes through analytics, and it has two callers that must
// not depend on each other (api and graph/report); it knows nothing of HTTP
// (it does not import Gin). Long work reports through the small Jobs
// interface, which the API's job tracker implements.
//
// How fresh an answer is: Freshness says which version of the workspace the
// network holds, when it was applied, whether a newer version is known (then
// it is being applied, or a reload is under way), and which versions the
// communities and betweenness are of — they cost seconds on large networks,
// so they are recomputed in the background, no more often than the budget
// allows, and answers use the last ones meanwhile (adjusted to people added
// or removed since).
package live
