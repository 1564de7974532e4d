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

// Invalid returns a CodeInvalid error listing the given field problems, at
// most MaxFieldErrors of them.
func Invalid(fields ...FieldError) error {
	if len(fields) > MaxFieldErrors {
		fields = fields[:MaxFieldErrors:MaxFieldErrors]
	}
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
		v.Add(field, message)
	}
}

// Add records a field problem. Past MaxFieldErrors problems it records
// nothing more: the error reports that many at most.
func (v *Validator) Add(field, message string) {
	if len(v.fields) < MaxFieldErrors {
		v.fields = append(v.fields, FieldError{Field: field, Message: message})
	}
}

// Err returns a CodeInvalid *Error with every recorded problem, or nil.
func (v *Validator) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return Invalid(v.fields...)
}

// MaxFieldErrors caps how many field problems one error reports: enough to
// correct a form, never a body that grows with the input.
const MaxFieldErrors = 20

// ControlCharacter reports whether s holds a control character (C0, DEL or
// C1, NUL included). In multiline text, line feeds, carriage returns and
// tabs are allowed; nowhere else.
func ControlCharacter(s string, multiline bool) bool {
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			if multiline && (r == '\n' || r == '\r' || r == '\t') {
				continue
			}
			return true
		}
	}
	return false
}

// ControlMessage is the field message for text with a control character.
func ControlMessage(multiline bool) string {
	if multiline {
		return "must not contain control characters (line breaks and tabs are fine)"
	}
	return "must not contain control characters, line breaks or tabs"
}
