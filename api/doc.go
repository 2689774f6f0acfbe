// Package api is Nexo's HTTP surface: the JSON API under /api/v1 (Gin), its
// OpenAPI document, token authentication scoped to a workspace, health and
// metrics endpoints, and the web page. It is the only package that imports
// Gin; renderings come from api/render.
package api
