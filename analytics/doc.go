// Package analytics computes Nexo's network measures over a graph.Snapshot:
// tie strength with its explanation, weak ties (bridges, local bridges with
// span, neighbourhood overlap), brokerage (Burt's constraint, effective size,
// efficiency and hierarchy; Brandes betweenness, exact or sampled),
// communities, warm-introduction paths, broker opportunities, dormant ties and
// a job-search ranking.
//
// Build a Network once per snapshot — strengths are computed then — and
// query it many times; it is immutable and safe for concurrent use, and it
// caches what is costly (communities, betweenness) on first use:
//
//	net, err := analytics.NewNetwork(snap, time.Now(), nil)
//
// To follow a workspace's change feed, apply its changes (apply.go): Apply
// returns a new network of the changed graph, equal to one built afresh,
// computing again only the strengths the changes touch; communities and
// betweenness carry over until Settle:
//
//	next, err := net.Apply(version, changes)
//
// Entry points, by caller:
//
//	tie strengths     net.Tie(e), net.Strength(a, b), net.ExplainTie(e)
//	weak ties         net.Bridges(), net.LocalBridges(), net.Overlap(e), net.Overlaps()
//	brokerage         net.StructuralHoles(), net.Betweenness(), net.CirclesBridged(i)
//	communities       net.Communities(), net.Louvain(resolution, seed), net.Modularity(of, γ)
//	intro paths       net.IntroPaths(sources, target, opt)
//	                  net.IntroPathsToOrg(sources, orgID, opt)
//	                  net.IntroPathsToMatches(sources, query, opt)
//	                  net.IntroPathsToAny(sources, targets, opt)
//	weekly report     net.DormantTies(me, opt), net.BrokerOpportunities(egos, opt),
//	                  net.JobSearch(me, orgID, opt)
//	gonum algorithms  net.Gonum() (a zero-copy gonum undirected, weighted graph)
//	edge lists        NetworkFromEdges(nodes, edges)
//
// People are addressed by their index in the snapshot (net.Index(id));
// results carry person ids too, and marshal to JSON with snake_case keys.
// Undefined values (the constraint of an isolated person) are NaN in a
// Float and marshal as null.
//
// The package does no I/O. The graph it expects is undirected and simple:
// NewNetwork drops self-loops and merges duplicate ties (see NewNetwork).
package analytics
