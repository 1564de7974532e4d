// Package advising holds the office's domain: users and roles, cases and their
// status machine, notes, recommendations, flags, and the one Error type every
// layer returns. It imports only the standard library.
package advising

import (
	"errors"
	"fmt"
)

// Code classifies an Error; httpapi maps each code to one HTTP status.
type Code string

// The error codes. Anything that is not an *Error is an internal failure.
const (
	CodeInvalid            Code = "invalid"
	CodeBadRequest         Code = "bad-request"
	CodeNotFound           Code = "not-found"
	CodeConflict           Code = "conflict"
	CodeUnauthenticated    Code = "unauthenticated"
	CodeForbidden          Code = "forbidden"
	CodePreconditionFailed Code = "precondition-failed"
	CodeUnsupportedMedia   Code = "unsupported-media-type"
	CodeTooLarge           Code = "too-large"
	CodeRateLimited        Code = "rate-limited"
	// CodeUnavailable: the service cannot store data right now (its storage
	// is full, read-only or damaged). Nothing was changed; try again later.
	CodeUnavailable Code = "unavailable"
)

// FieldError names one invalid field by its JSON name.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the error type of the whole service. Detail and Fields are shown to
// the client, so they never carry SQL, stack traces or another person's data;
// Err keeps the cause for the logs.
type Error struct {
	Code       Code
	Detail     string
	Fields     []FieldError
	RetryAfter int // seconds; for CodeRateLimited and CodeUnavailable
	Err        error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Detail, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Detail)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted detail.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...)}
}

// Invalid returns a CodeInvalid error listing the given field problems.
func Invalid(fields ...FieldError) error {
	return &Error{Code: CodeInvalid, Detail: "the request has invalid fields", Fields: fields}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, else "".
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Validator collects field problems; its Err is nil when none were found.
type Validator struct{ fields []FieldError }

// Check records message for field when ok is false.
func (v *Validator) Check(ok bool, field, message string) {
	if !ok {
		v.fields = append(v.fields, FieldError{Field: field, Message: message})
	}
}

// Add records a field problem.
func (v *Validator) Add(field, message string) {
	v.fields = append(v.fields, FieldError{Field: field, Message: message})
}

// Err returns a CodeInvalid *Error with every recorded problem, or nil.
func (v *Validator) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return Invalid(v.fields...)
}
