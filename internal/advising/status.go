package advising

import (
	"errors"
	"net/http"
)

// statusByCode is the one table from error codes to HTTP statuses. Both
// front doors, the JSON API's problem details and the browser's error
// pages and forms, take their status from it, so a code means the same
// answer whichever door it leaves by.
var statusByCode = map[Code]int{
	CodeInvalid:            http.StatusUnprocessableEntity,
	CodeBadRequest:         http.StatusBadRequest,
	CodeNotFound:           http.StatusNotFound,
	CodeConflict:           http.StatusConflict,
	CodeUnauthenticated:    http.StatusUnauthorized,
	CodeForbidden:          http.StatusForbidden,
	CodePreconditionFailed: http.StatusPreconditionFailed,
	CodeUnsupportedMedia:   http.StatusUnsupportedMediaType,
	CodeTooLarge:           http.StatusRequestEntityTooLarge,
	CodeRateLimited:        http.StatusTooManyRequests,
	CodeUnavailable:        http.StatusServiceUnavailable,
}

// HTTPStatus is the HTTP status an error with code c is answered with;
// an unknown code is an internal failure, 500.
func (c Code) HTTPStatus() int {
	if s, ok := statusByCode[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// TooLargeDetail is the detail of a request body over a limit, whoever
// noticed it.
const TooLargeDetail = "the request is too large: uploads may be at most 10 MiB, JSON bodies 1 MiB"

// Explain returns the *Error a front door answers err with: the one err is
// or wraps, when its code is known, or CodeTooLarge for a body cut off by
// http.MaxBytesReader. Anything else is an internal failure, for which it
// returns nil: the caller logs err and answers 500 without detail. (Storage
// faults are mapped below, by casework.StorageFault, before this is asked.)
func Explain(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) && statusByCode[ae.Code] != 0 {
		return ae
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &Error{Code: CodeTooLarge, Detail: TooLargeDetail, Err: err}
	}
	return nil
}

// RetryAfterSeconds is the Retry-After a response to e carries, in seconds,
// or 0 for none: every rate-limited answer says how long to wait (at least
// a second), and an unavailable service says so when it knows.
func (e *Error) RetryAfterSeconds() int {
	if e.Code == CodeRateLimited {
		return max(1, e.RetryAfter)
	}
	return max(0, e.RetryAfter)
}
