package httpapi

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// encoding/json matches object member names to struct fields
// case-insensitively (and with Unicode folding: "ſ" matches "s"), so
// {"email": "a@x", "EMAIL": "b@y"} would decode as b@y. Member names are
// part of the contract and must match exactly. exactMembers rewrites every
// member name that is not exactly one of the destination struct's JSON
// names to "", which matches no field, so such a member is an unknown member
// and ignored like any other (docs/adr/0002). Nested objects and arrays are
// followed through the destination's types.

type span struct{ start, end int }

// exactMembers returns body, with the names of inexact members blanked,
// for decoding into a value of type t. A body that is not JSON is returned
// as it is, for the decoder to report.
func exactMembers(body []byte, t reflect.Type) []byte {
	if !mayFoldMatch(body, t) {
		return body
	}
	return blankInexact(body, t)
}

// blankInexact walks body and blanks the names of members that are not
// exactly a field of t.
func blankInexact(body []byte, t reflect.Type) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	var fix []span
	if walkJSON(dec, body, t, &fix) != nil || len(fix) == 0 {
		return body
	}
	out := make([]byte, 0, len(body))
	last := 0
	for _, f := range fix {
		out = append(out, body[last:f.start]...)
		out = append(out, `""`...)
		last = f.end
	}
	return append(out, body[last:]...)
}

var (
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// walkJSON reads one JSON value from dec, recording in fix the name spans of
// members that do not exactly name a field of t (nil: any value goes).
func walkJSON(dec *json.Decoder, body []byte, t reflect.Type, fix *[]span) error {
	t = matchedType(t)
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		var fields map[string]reflect.Type
		if t != nil && t.Kind() == reflect.Struct {
			fields = jsonFields(t)
		}
		for dec.More() {
			before := dec.InputOffset()
			key, err := dec.Token()
			if err != nil {
				return err
			}
			name, _ := key.(string)
			var elem reflect.Type
			switch {
			case fields != nil:
				ft, ok := fields[name]
				if !ok {
					start := before + int64(bytes.IndexByte(body[before:], '"'))
					*fix = append(*fix, span{int(start), int(dec.InputOffset())})
				}
				elem = ft
			case t != nil && t.Kind() == reflect.Map:
				elem = t.Elem()
			}
			if err := walkJSON(dec, body, elem, fix); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for dec.More() {
			if err := walkJSON(dec, body, elem, fix); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	}
	return nil
}

// matchedType is t without its pointers, or nil for a type that decodes
// itself (its members are not ours to match).
func matchedType(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (t == rawMessageType || reflect.PointerTo(t).Implements(unmarshalerType) ||
		reflect.PointerTo(t).Implements(textUnmarshaler) || t.Kind() == reflect.Interface) {
		return nil
	}
	return t
}

// mayFoldMatch reports whether body may hold a member name that names one
// of the fields reachable from t only when case is ignored, so that
// exactMembers must walk it. Most bodies cannot, and a scan costs a fraction
// of the walk: in plain ASCII without escapes, such a name would be a
// case-insensitive occurrence of a quoted field name ("Body" for "body")
// that is not an exact one. Any other body is walked. (Names that match no
// field at all are blanked by the walk too, but encoding/json ignores them
// anyway.)
func mayFoldMatch(body []byte, t reflect.Type) bool {
	for _, c := range body {
		if c >= utf8.RuneSelf || c == '\\' {
			return true
		}
	}
	names := reachableNames(t)
	if len(names) == 0 {
		return false
	}
	lower := bytes.ToLower(body)
	for _, n := range names {
		for at := 0; ; {
			i := bytes.Index(lower[at:], n.lower)
			if i < 0 {
				break
			}
			at += i
			if !bytes.Equal(body[at:at+len(n.exact)], n.exact) {
				return true
			}
			at += len(n.exact)
		}
	}
	return false
}

// quotedName is a field's JSON name in quotes, as it is and in lower case.
type quotedName struct{ exact, lower []byte }

var namesCache sync.Map // reflect.Type → []quotedName

// reachableNames returns the quoted JSON names of every field that a value
// of type t may hold, at any depth, as walkJSON would match them.
func reachableNames(t reflect.Type) []quotedName {
	if v, ok := namesCache.Load(t); ok {
		return v.([]quotedName)
	}
	seen := map[reflect.Type]bool{}
	names := map[string]bool{}
	var visit func(reflect.Type)
	visit = func(t reflect.Type) {
		t = matchedType(t)
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Struct:
			for name, ft := range jsonFields(t) {
				names[name] = true
				visit(ft)
			}
		case reflect.Slice, reflect.Array, reflect.Map:
			visit(t.Elem())
		}
	}
	visit(t)
	out := make([]quotedName, 0, len(names))
	for name := range names {
		q := []byte(strconv.Quote(name))
		out = append(out, quotedName{exact: q, lower: bytes.ToLower(q)})
	}
	namesCache.Store(t, out)
	return out
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields returns the JSON names of t's fields (those of embedded
// structs promoted, as encoding/json does) with their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	collectFields(t, m, 0)
	fieldCache.Store(t, m)
	return m
}

func collectFields(t reflect.Type, m map[string]reflect.Type, depth int) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct && depth < 8 {
				collectFields(et, m, depth+1)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, taken := m[name]; !taken || depth == 0 {
			m[name] = ft
		}
	}
}
