package casework

import (
	"encoding/base64"
	"encoding/json"

	"advising/internal/advising"
)

// Page is one page of a list; NextCursor is nil on the last page.
type Page[T any] struct {
	Items      []T
	NextCursor *string
}

// List limits, as the contract fixes them.
const (
	DefaultLimit = 50
	MaxLimit     = 100
	// MaxCursorLen bounds ?cursor=: the cursors the lists hand out are a
	// keyset position (a time and an id or two), far shorter.
	MaxCursorLen = 1024
)

// encodeCursor makes an opaque cursor from a keyset position.
func encodeCursor(v any) *string {
	b, _ := json.Marshal(v) // keyset structs hold only strings
	s := base64.RawURLEncoding.EncodeToString(b)
	return &s
}

// decodeCursor reads a cursor made by encodeCursor into v; an empty cursor
// leaves v untouched.
func decodeCursor(cursor string, v any) error {
	if cursor == "" {
		return nil
	}
	if len(cursor) > MaxCursorLen { // refused before any decoding work
		return advising.Invalid(advising.FieldError{Field: "cursor", Message: "is not a cursor this list returned"})
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || json.Unmarshal(b, v) != nil {
		return advising.Invalid(advising.FieldError{Field: "cursor", Message: "is not a cursor this list returned"})
	}
	return nil
}

// checkLimit applies the default and the bounds of ?limit=.
func checkLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return DefaultLimit, nil
	case limit < 1 || limit > MaxLimit:
		return 0, advising.Invalid(advising.FieldError{Field: "limit", Message: "must be between 1 and 100"})
	}
	return limit, nil
}

// paginate trims the extra row a store query fetched and builds the next
// cursor from the last item kept.
func paginate[T any](rows []T, limit int, key func(T) any) Page[T] {
	if rows == nil {
		rows = []T{}
	}
	if len(rows) <= limit {
		return Page[T]{Items: rows}
	}
	rows = rows[:limit]
	return Page[T]{Items: rows, NextCursor: encodeCursor(key(rows[len(rows)-1]))}
}
