package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"

	"advising/internal/advising"
)

// maxJSONBody is the largest JSON request body, 1 MiB.
const maxJSONBody = 1 << 20

func badRequest(format string, args ...any) error {
	return advising.Errorf(advising.CodeBadRequest, format, args...)
}

// decodeJSON reads exactly one JSON value from the body into dst and then
// validates dst's `validate` tags. Invalid UTF-8, malformed JSON, a wrong
// type or trailing data is a 400; a body over 1 MiB is a 413; failed
// validation is a 422 naming each field by its JSON name. Unknown members are
// ignored, as the contract does not forbid them (see docs/adr).
func decodeJSON(c echo.Context, dst any) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badRequest("the request body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("the request body must be a JSON object")
	}
	if !utf8.Valid(body) {
		return badRequest("the request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(dst); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field != "":
			return badRequest("field %q must be %s", te.Field, jsonKind(te.Type))
		case errors.As(err, &te):
			return badRequest("the request body must be a JSON object")
		case errors.As(err, &se):
			return badRequest("the request body is not valid JSON (at byte %d)", se.Offset)
		default:
			return badRequest("the request body is not valid JSON")
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("the request body must hold a single JSON value")
	}
	if n, ok := dst.(normalizer); ok {
		n.normalize()
	}
	return validate(dst)
}

// normalizer is implemented by request types that tidy their fields (trim,
// lower-case) before validation.
type normalizer interface{ normalize() }

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Slice:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "of another type"
}

var (
	validate  = newValidator()
	yearMonth = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)
)

// newValidator returns a validation function over go-playground/validator
// that reports JSON field names and plain-language messages.
func newValidator() func(any) error {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	_ = v.RegisterValidation("notblank", func(fl validator.FieldLevel) bool {
		return strings.TrimSpace(fl.Field().String()) != ""
	})
	_ = v.RegisterValidation("yearmonth", func(fl validator.FieldLevel) bool {
		return yearMonth.MatchString(fl.Field().String())
	})
	return func(s any) error {
		err := v.Struct(s)
		var ves validator.ValidationErrors
		if err == nil || !errors.As(err, &ves) {
			return nil
		}
		fields := make([]advising.FieldError, 0, len(ves))
		for _, fe := range ves {
			fields = append(fields, advising.FieldError{Field: fieldPath(fe), Message: fieldMessage(fe)})
		}
		return advising.Invalid(fields...)
	}
}

// fieldPath is the JSON path of a field without the top-level struct name,
// e.g. "self_assessment.communication" or "responsibilities[2]".
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return fe.Field()
}

func fieldMessage(fe validator.FieldError) string {
	p := fe.Param()
	isString := fe.Kind() == reflect.String
	switch fe.Tag() {
	case "required":
		return "is required"
	case "email":
		return "must be a valid email address"
	case "min":
		if isString {
			return fmt.Sprintf("must be at least %s characters", p)
		}
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("must have at least %s items", p)
		}
		return "must be at least " + p
	case "max":
		if isString {
			return fmt.Sprintf("must be at most %s characters", p)
		}
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("must have at most %s items", p)
		}
		return "must be at most " + p
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(p, " ", ", ")
	case "notblank":
		return "must not be blank"
	case "yearmonth":
		return "must be a month as YYYY-MM"
	case "gte":
		return "must be at least " + p
	case "lte":
		return "must be at most " + p
	}
	return "is invalid"
}
