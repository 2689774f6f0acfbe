package graph

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. The api package maps each to one HTTP status.
const (
	EBADREQUEST   = "bad_request"  // the request cannot be read: malformed, a parameter missing, several where one goes
	ECONFLICT     = "conflict"     // the request contradicts stored state (duplicate, bad transition)
	EINTERNAL     = "internal"     // a fault of ours; the message is not shown to users
	EINVALID      = "invalid"      // the input is malformed or violates a rule
	ENOTFOUND     = "not_found"    // no such thing in this workspace
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EFORBIDDEN    = "forbidden"    // valid credentials, not allowed
	ETOOLARGE     = "too_large"    // the input exceeds a size limit
	ERATELIMITED  = "rate_limited" // too many requests
	EUNAVAILABLE  = "unavailable"  // a dependency (Neo4j) cannot be reached
)

// Error is Nexo's application error. Code is one of the E* constants, Message is
// safe to show to the user, and Field names the input field at fault, if any.
type Error struct {
	Code    string
	Message string
	Field   string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("nexo error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("nexo error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound is the one wording of ENOTFOUND: "Person not found." for
// NotFound("person"); detail, when given, follows after a colon.
func NotFound(what string, detail ...string) *Error {
	msg := strings.ToUpper(what[:1]) + what[1:] + " not found"
	if len(detail) > 0 && detail[0] != "" {
		msg += ": " + strings.Join(detail, " ")
	}
	return &Error{Code: ENOTFOUND, Message: msg + "."}
}

// FieldErrorf returns an EINVALID *Error about one input field.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain, or a generic message for any other error, so that internal details
// never reach a client.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the field named by the first *Error in err's chain, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
