package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/mattn/go-sqlite3"

	"advising/internal/advising"
)

// Fault recognises SQLite's storage faults however they are wrapped, and
// nothing else: a constraint failure or a domain error stays what it is.
func TestFaultRecognisesStorageFaults(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"full", fmt.Errorf("list cases: %w", sqlite3.Error{Code: sqlite3.ErrFull}), true},
		{"read-only", sqlite3.Error{Code: sqlite3.ErrReadonly}, true},
		{"damaged", fmt.Errorf("scan: %w", sqlite3.Error{Code: sqlite3.ErrCorrupt}), true},
		{"not a database", sqlite3.Error{Code: sqlite3.ErrNotADB}, true},
		{"I/O", sqlite3.Error{Code: sqlite3.ErrIoErr}, true},
		{"busy", sqlite3.Error{Code: sqlite3.ErrBusy}, true},
		{"already mapped", fmt.Errorf("x: %w", &advising.Error{Code: advising.CodeUnavailable, Detail: "d", RetryAfter: 5}), true},
		{"constraint", sqlite3.Error{Code: sqlite3.ErrConstraint}, false},
		{"conflict", &advising.Error{Code: advising.CodeConflict, Err: sqlite3.Error{Code: sqlite3.ErrConstraint}}, false},
		{"other", errors.New("boom"), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		err := Fault(tt.err)
		var ae *advising.Error
		got := errors.As(err, &ae) && ae.Code == advising.CodeUnavailable && ae.RetryAfter > 0 && ae.Detail != ""
		if got != tt.want || (err == nil) == tt.want {
			t.Errorf("Fault(%s: %v) = %v; want a CodeUnavailable error with a Retry-After: %v", tt.name, tt.err, err, tt.want)
		}
	}
}
