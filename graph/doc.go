// Package graph is Nexo's domain: the people, organisations, ties,
// interactions and introductions of a workspace, the coded Error type, and the
// Store interface that persists them. It imports only the standard library;
// storage lives in graph/neo4j, computations in analytics.
//
// Everything belongs to exactly one Workspace. Ties are undirected: a Tie
// joins two people who know each other, stored with PersonA < PersonB.
package graph
