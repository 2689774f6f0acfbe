// Package netmap turns a workspace's analytics.Network into the input model of
// graph/render: which people a map draws, and how each person and tie looks
// (circle, brokerage, me, dormant, strength bands, local bridges, the reason
// for a tie). The API's map routes and the weekly report's ego map share it,
// so a person and a tie read the same wherever they are drawn.
//
// The mappers pass the renderer only what it draws, or what it needs to
// count: an ego map gets the neighbourhood cut to render.MaxEgoNodes by the
// renderer's own rule, an overview of a large network gets every person but
// only the ties that cross circles (and those among the likely brokers), and
// a drill-down gets the circle and the people tied to it. This keeps every
// rendering of a 100,000-person workspace within a few seconds.
package netmap
