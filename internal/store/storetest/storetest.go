// Package storetest gives tests a real, migrated SQLite store in a temporary
// folder. Each call makes a new database, so tests may run in parallel.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"advising/internal/store"
)

// New opens and migrates a fresh store in t.TempDir and closes it when the
// test ends.
func New(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "advising.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("store.Migrate: %v", err)
	}
	return st
}
