//go:build !linux && !darwin

package store

import (
	"math"
	"os"
)

// On other systems the checks below are left to SQLite's own errors.

func writable(string) error { return nil }

func flock(*os.File, bool) error { return nil }

func freeBytes(string) (uint64, error) { return math.MaxUint64, nil }
