package store_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"sync"
	"testing"

	"advising/internal/store"
	"advising/migrations"
)

// Servers starting together over one new SQLite file take turns to
// migrate: every one succeeds and the migrations run once.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "advising.db")
	const n = 4
	stores := make([]*store.Store, n)
	for i := range stores {
		st, err := store.Open(path)
		if err != nil {
			t.Fatalf("store.Open #%d: %v", i, err)
		}
		t.Cleanup(func() { _ = st.Close() })
		stores[i] = st
	}
	applied := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, st := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = st.Migrate(context.Background())
		}()
	}
	wg.Wait()
	total := 0
	for i := range stores {
		if errs[i] != nil {
			t.Errorf("Migrate on store %d: %v", i, errs[i])
		}
		total += applied[i]
	}
	again, err := stores[0].Migrate(context.Background())
	if err != nil || again != 0 {
		t.Errorf("Migrate after all = %d, %v; want 0 applied", again, err)
	}
	files, _ := fs.Glob(migrations.For(migrations.SQLite), "*.sql")
	if total != len(files) {
		t.Errorf("migrations applied per store = %v; want the %d migrations applied once in all", applied, len(files))
	}
}
