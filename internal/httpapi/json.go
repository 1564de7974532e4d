package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
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
// validates dst's `validate` tags. A Content-Type other than
// application/json (UTF-8) is a 415, so a cross-site form post cannot reach
// a JSON endpoint; invalid UTF-8, malformed JSON, a wrong type or trailing
// data is a 400; a body over 1 MiB is a 413; failed validation is a 422
// naming each field by its JSON name, as is a control character in a text
// field (see checkText). Member names match exactly (see exactMembers);
// unknown members are ignored, as the contract does not forbid them (see
// docs/adr).
func decodeJSON(c echo.Context, dst any) error {
	if err := requireJSON(c.Request()); err != nil {
		return err
	}
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
	dec := json.NewDecoder(bytes.NewReader(exactMembers(body, reflect.TypeOf(dst))))
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
	var v advising.Validator
	checkText(reflect.ValueOf(dst), "", false, &v)
	if err := v.Err(); err != nil {
		return err
	}
	return validate(dst)
}

// requireJSON is a 415 unless the request says its body is application/json
// (a charset, if given, must be UTF-8).
func requireJSON(r *http.Request) error {
	mt, params, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err == nil && mt == echo.MIMEApplicationJSON {
		if cs, ok := params["charset"]; !ok || strings.EqualFold(cs, "utf-8") {
			return nil
		}
	}
	return &advising.Error{Code: advising.CodeUnsupportedMedia,
		Detail: "send the request body as JSON with Content-Type: application/json"}
}

// checkText records a field problem for every string in v holding a control
// character: NUL and the rest of C0, DEL and C1. A struct field tagged
// text:"multiline" (descriptions, note bodies) may hold line breaks and
// tabs; one tagged text:"any" (passwords, never shown) is not checked.
// Fields are named by their JSON path, as validation names them.
func checkText(v reflect.Value, path string, multiline bool, out *advising.Validator) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkText(v.Elem(), path, multiline, out)
		}
	case reflect.String:
		if advising.ControlCharacter(v.String(), multiline) {
			out.Add(path, advising.ControlMessage(multiline))
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 { // json.RawMessage, []byte: decoded later
			return
		}
		for i := range v.Len() {
			checkText(v.Index(i), fmt.Sprintf("%s[%d]", path, i), multiline, out)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			checkText(v.MapIndex(k), joinPath(path, fmt.Sprint(k.Interface())), multiline, out)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous {
				continue
			}
			mode := f.Tag.Get("text")
			if mode == "any" {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			fp := path
			if !f.Anonymous || name != "" {
				if name == "" {
					name = f.Name
				}
				fp = joinPath(path, name)
			}
			checkText(v.Field(i), fp, mode == "multiline", out)
		}
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
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
