// Package graph is Nexo's domain: the people, organisations, ties,
// interactions and introductions of a workspace, the coded Error type, and the
// Store interface that persists them. It imports only the standard library;
// storage lives in graph/neo4j, computations in analytics.
//
// The packages under graph/ are the services built around the domain, each
// named for what it is and each the only importer of its outside dependency
// (after github.com/benbjohnson/wtf, whose root package is the domain and whose
// subpackages implement it):
//
//	graph/neo4j     the Store on Neo4j (the only importer of the driver)
//	graph/importer  LinkedIn, Google, vCard, iCalendar and backup files in, backups out
//	graph/demo      the generated demo workspace
//	graph/netmap    which people and ties a map draws, and how each looks
//	graph/render    maps drawn with Graphviz (the only importer of go-graphviz)
//	graph/report    the periodic report: built, formatted, scheduled, delivered
//
// analytics computes on what the Store loads and does no I/O; api is the HTTP
// layer over all of these; cmd/nexo wires them together.
//
// Everything belongs to exactly one Workspace. Ties are undirected: a Tie
// joins two people who know each other, stored with PersonA < PersonB.
package graph
