package httpapi

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
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
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (t == rawMessageType || reflect.PointerTo(t).Implements(unmarshalerType) ||
		reflect.PointerTo(t).Implements(textUnmarshaler) || t.Kind() == reflect.Interface) {
		t = nil // decodes itself: its members are not ours to match
	}
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
