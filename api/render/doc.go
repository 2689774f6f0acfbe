// Package render draws Nexo's maps with Graphviz: the ego map of a person, the
// whole-network overview (aggregated into communities above a few hundred
// people) with a drill-down into one community, and the diagram of the best
// introduction paths from me to a target. It is the only package that imports
// github.com/goccy/go-graphviz.
//
// The input model (Node, Edge, Meta and the *Input types) is this package's
// own; the API maps analytics results into it. Every rendering is
// deterministic for the same input: nodes and edges are sorted, force-directed
// layouts are seeded, and the output carries the title and metadata (SVG
// <title>, <desc> and a JSON <metadata id="nexo-metadata"> element; PNG iTXt
// chunks).
//
// SVG elements carry ids and classes the web page and tests can select on:
//
//	<g id="p-<person id>" class="node person community-3 broker me dormant ring-1">
//	<g id="t-<a>-<b>" class="edge tie strong bridge">
//	<g id="c-3" class="node community community-3">      (aggregated overview)
//	<g id="a_legend">                                     (title and legend)
//
// Graphviz runs as WebAssembly inside one process-wide module that is not safe
// for concurrent use, so every Renderer serializes its renderings behind one
// package-level lock, and a cancelled context never reaches Graphviz (it would
// break later calls): the context only bounds the wait for the lock. Time is
// bounded instead by capping what is drawn (MaxEgoNodes, MaxOverviewPeople, ...)
// and by choosing layouts that stay fast at those caps: twopi for ego maps,
// sfdp for people-level overviews, neato for aggregated overviews and dot only
// for the small intro-path diagrams.
package render
