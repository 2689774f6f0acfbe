// Package api is Nexo's HTTP surface: the JSON API under /api/v1 (Gin), its
// OpenAPI document, token authentication scoped to a workspace, health and
// metrics endpoints, the maps (SVG and PNG drawings of the network, maps.go)
// and the web page (page.go, with its files embedded from web/). It is the
// only package that imports Gin; renderings come from graph/render, fed by
// graph/netmap.
package api
