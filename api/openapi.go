package api

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openapiJSON is the API's contract; tests validate real responses against it.
//
//go:embed openapi.json
var openapiJSON []byte

func (s *Server) openapi(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", openapiJSON)
}
