package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
)

// codes maps graph error codes to HTTP statuses; the one place that does.
var codes = map[string]int{
	graph.ECONFLICT:     http.StatusConflict,
	graph.EINVALID:      http.StatusUnprocessableEntity,
	graph.ENOTFOUND:     http.StatusNotFound,
	graph.EUNAUTHORIZED: http.StatusUnauthorized,
	graph.EFORBIDDEN:    http.StatusForbidden,
	graph.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	graph.ERATELIMITED:  http.StatusTooManyRequests,
	graph.EUNAVAILABLE:  http.StatusServiceUnavailable,
	graph.EINTERNAL:     http.StatusInternalServerError,
	ebadrequest:         http.StatusBadRequest,
}

// unavailableRetryAfter is the Retry-After of a 503, in seconds.
const unavailableRetryAfter = "2"

// ebadrequest is for requests that cannot be read at all (malformed JSON, a
// query parameter of the wrong type), as opposed to EINVALID for readable
// requests that break a rule.
const ebadrequest = graph.EBADREQUEST

// errorBody is the one JSON shape of every error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// badRequest is an error for an unreadable request.
func badRequest(format string, args ...any) error {
	return graph.Errorf(ebadrequest, format, args...)
}

// requestIDKey is where the request's id (server.go's requestID) is kept
// in the gin context, for logs.
const requestIDKey = "request_id"

// writeError writes err as the JSON error body with its status. Internal
// errors are logged to logger (without request data) and shown only as
// "Internal error.".
func writeError(c *gin.Context, logger *slog.Logger, err error) {
	code := graph.ErrorCode(err)
	status, ok := codes[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status == http.StatusServiceUnavailable {
		// Neo4j is away; the store probes it every second.
		c.Header("Retry-After", unavailableRetryAfter)
	}
	if code == graph.EINTERNAL || status == http.StatusServiceUnavailable {
		logger.Error("request failed", slog.String("request_id", c.GetString(requestIDKey)),
			slog.String("route", c.FullPath()), slog.String("error", err.Error()))
	}
	var ge *graph.Error
	field := ""
	if errors.As(err, &ge) {
		field = ge.Field
	}
	c.AbortWithStatusJSON(status, errorBody{errorDetail{Code: code, Message: graph.ErrorMessage(err), Field: field}})
}
