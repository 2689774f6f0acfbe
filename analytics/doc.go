// Package analytics computes Nexo's network measures over a graph.Snapshot:
// tie strength with its explanation, weak ties (bridges, local bridges with
// span, neighbourhood overlap), brokerage (Burt's constraint, effective size,
// efficiency and hierarchy; Brandes betweenness, exact or sampled),
// communities, warm-introduction paths, broker opportunities, dormant ties and
// a job-search ranking.
//
// Build a Network once per snapshot and query it many times:
//
//	net, err := analytics.NewNetwork(snap, time.Now(), nil)
//	holes := net.StructuralHoles()                     // per person
//	paths := net.IntroPaths([]int32{me}, target, analytics.PathOptions{K: 5})
//
// A Network is immutable after NewNetwork and safe for concurrent use; the
// results it caches (communities, betweenness) are computed once, on first use.
// People are addressed by their index in the snapshot (graph.Snapshot.Index);
// results carry the person ids as well, for JSON.
//
// The package does no I/O. The graph it expects is undirected and simple:
// NewNetwork drops self-loops and merges duplicate ties (see NewNetwork).
package analytics
