// Package render draws Nexo's maps with Graphviz: the ego map of a person, the
// whole-network overview (aggregated into communities above a few hundred
// people) with a drill-down into one community, and the diagram of the best
// introduction paths from me to a target. It is the only package that imports
// github.com/goccy/go-graphviz.
//
// The input model (Node, Edge, Meta and the *Input types) is this package's
// own; graph/netmap maps analytics results into it. Every rendering is
// deterministic for the same input, whatever its order: nodes and edges are
// sorted, force-directed layouts are seeded, and state that Graphviz keeps
// between layouts is reset before each one. The output carries the title and
// metadata: in SVG a <title>, a <desc> and a JSON <metadata id="nexo-metadata">
// element as the first children of <svg>; in PNG iTXt chunks (Title,
// Description, Software, nexo:metadata).
//
// SVG elements carry ids and classes that the web page and tests select on:
//
//	<g id="p-<id>" class="node person community-3 broker me dormant ring-1">  a person
//	<g id="t-<a>-<b>" class="edge tie strong bridge">                         a tie (a < b)
//	<g id="c-3" class="node community community-3">                           a circle drawn as one node
//	<g id="c-other" class="node community community-other">                   the circles past the cap
//	<g id="g-<x>-<y>" class="edge group-ties">                                ties between groups or a person and a group
//	<g id="l-<id>" class="node label lz1 person-label">                       a name (lz2, lz4: shown from zoom 2, 4)
//	<g id="n-3" class="node label lz1 circle-name community-3">               a circle's name on its cluster
//	<g id="h-<a>-<b>" class="edge tie strong path-1 path-2">                  a tie on intro paths 1 and 2
//	<g id="a_legend">                                                         title, description and legend
//
// A person with a URL is wrapped in a link; every node and edge has a tooltip
// (xlink:title). Circles are coloured with Paul Tol's colour-blind-safe
// "muted" palette, assigned per picture; past nine they also change shape,
// so no two circles of one picture look alike.
//
// The maps of people (ego, overview, drill-down) are laid out in Go
// (layout.go), their names placed in Go where they overlap nothing
// (labels.go), and drawn by Graphviz's nop engine at those positions
// (scene.go); only the intro-path diagram, a few dozen nodes, is laid out by
// Graphviz (dot). Text is measured and, in PNGs, drawn by fonts.go.
//
// Graphviz runs as WebAssembly inside one process-wide module that is not safe
// for concurrent use (go-graphviz instantiates it once, so a pool of instances
// would share it), so all Renderers serialize their layouts behind one
// package-level lock. A cancelled context never reaches Graphviz (it would
// break later calls); the context only bounds the wait for the lock. Time is
// bounded instead by capping what is drawn (MaxEgoNodes, MaxOverviewPeople,
// MaxCommunityNodes, MaxPaths, ...). PNGs are drawn in Go from the SVG that
// Graphviz wrote (raster.go), outside the lock.
package render
