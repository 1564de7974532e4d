package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

// bigUser is a write that needs about a page of its own, so a full
// database refuses it.
func bigUser(i int) advising.User {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	return advising.User{Email: fmt.Sprintf("u%d@example.org", i), FullName: strings.Repeat("n", 3000),
		Role: advising.RoleAdvisor, PasswordHash: "x", CreatedAt: now, UpdatedAt: now}
}

func createUser(ctx context.Context, st *store.Store, i int) error {
	return st.Tx(ctx, func(tx *store.Store) error {
		_, err := tx.CreateUser(ctx, bigUser(i))
		return err
	})
}

// pageCount is the database's current size in pages.
func pageCount(t *testing.T, st *store.Store) int {
	t.Helper()
	n, err := st.PageCount(context.Background())
	if err != nil {
		t.Fatalf("PageCount: %v", err)
	}
	return n
}

// A full database (PRAGMA max_page_count stands in for a full disk) fails
// concurrent writes honestly: every transaction either commits and hears nil,
// or hears CodeUnavailable with a Retry-After and is not there; readiness says
// the database cannot be written; once room is made, writes work again
// without reopening, and nothing acknowledged is lost.
func TestFullDatabaseFailsWritesAndRecovers(t *testing.T) {
	t.Parallel()
	st := storetest.NewSQLite(t) // PRAGMAs are SQLite's
	ctx := context.Background()
	for i := range 5 {
		if err := createUser(ctx, st, i); err != nil {
			t.Fatalf("write %d before the disk fills = %v", i, err)
		}
	}
	if err := st.SetWriterPragma(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pageCount(t, st))); err != nil {
		t.Fatalf("limit the database size: %v", err)
	}
	const n = 40
	results := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = createUser(ctx, st, 100+i) }()
	}
	wg.Wait()
	failed := 0
	for i, err := range results {
		_, lookErr := st.UserByEmail(ctx, fmt.Sprintf("u%d@example.org", 100+i))
		if committed := lookErr == nil; committed != (err == nil) {
			t.Errorf("write %d on a full database returned %v but committed = %v", i, err, committed)
		}
		if err == nil {
			continue
		}
		failed++
		var ae *advising.Error
		if !asError(err, &ae) || ae.Code != advising.CodeUnavailable || ae.RetryAfter <= 0 {
			t.Errorf("write %d on a full database = %v; want CodeUnavailable with RetryAfter", i, err)
		}
	}
	if failed == 0 {
		t.Fatalf("every write on a full database succeeded; the size limit did not apply")
	}
	if err := st.Writable(ctx); advising.ErrorCode(err) != advising.CodeUnavailable {
		t.Errorf("Writable on a full database = %v; want CodeUnavailable", err)
	}

	// Space is freed: the same store writes again.
	if err := st.SetWriterPragma(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatalf("lift the size limit: %v", err)
	}
	if err := createUser(ctx, st, 1000); err != nil {
		t.Fatalf("write after space is freed = %v; want nil", err)
	}
	if err := st.Writable(ctx); err != nil {
		t.Errorf("Writable after space is freed = %v; want nil", err)
	}
	for i := range 5 {
		if _, err := st.UserByEmail(ctx, fmt.Sprintf("u%d@example.org", i)); err != nil {
			t.Errorf("user %d written before the disk filled: %v; want it kept", i, err)
		}
	}
}

// A database that refuses writes (PRAGMA query_only, as a read-only file
// does) answers CodeUnavailable for writes and readiness, and reads go on.
func TestReadOnlyDatabase(t *testing.T) {
	t.Parallel()
	st := storetest.NewSQLite(t) // PRAGMAs are SQLite's
	ctx := context.Background()
	if err := createUser(ctx, st, 1); err != nil {
		t.Fatalf("first write: %v", err)
	}
	if err := st.SetWriterPragma(ctx, "PRAGMA query_only = 1"); err != nil {
		t.Fatalf("make the database read-only: %v", err)
	}
	if err := createUser(ctx, st, 2); advising.ErrorCode(err) != advising.CodeUnavailable {
		t.Errorf("write to a read-only database = %v; want CodeUnavailable", err)
	}
	if err := st.Writable(ctx); advising.ErrorCode(err) != advising.CodeUnavailable {
		t.Errorf("Writable on a read-only database = %v; want CodeUnavailable", err)
	}
	if _, err := st.UserByEmail(ctx, "u1@example.org"); err != nil {
		t.Errorf("read from a read-only database = %v; want the user", err)
	}
	if err := st.SetWriterPragma(ctx, "PRAGMA query_only = 0"); err != nil {
		t.Fatalf("make the database writable: %v", err)
	}
	if err := createUser(ctx, st, 3); err != nil {
		t.Errorf("write once writable again = %v; want nil", err)
	}
}

// damage overwrites every page of the database file after the first two
// with bytes that are not a b-tree, leaving the header intact.
func damage(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read database: %v", err)
	}
	if len(b) < 8*4096 {
		t.Fatalf("database is only %d bytes; want a few pages to damage", len(b))
	}
	for i := 2 * 4096; i < len(b); i++ {
		b[i] = byte(i*7 + 3)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatalf("write damaged database: %v", err)
	}
}

// A database with damaged pages behind an intact header is found out by the
// quick check start-up runs, in one line that says so.
func TestQuickCheckFindsDamage(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "advising.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	for i := range 20 {
		if err := createUser(ctx, st, i); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if err := st.QuickCheck(ctx); err != nil {
		t.Fatalf("QuickCheck on a sound database = %v; want nil", err)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	damage(t, path)
	st, err = store.Open(path)
	if err == nil {
		t.Cleanup(func() { _ = st.Close() })
		err = st.QuickCheck(ctx)
	}
	if err == nil || !strings.Contains(err.Error(), "damaged") || strings.Contains(err.Error(), "\n") {
		t.Errorf("opening and checking a damaged database = %v; want one line saying it is damaged", err)
	}
}

// The database, its WAL and shared-memory files and the lock file are
// private to the service's account.
func TestDatabaseFilesArePrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "advising.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if err := createUser(ctx, st, 1); err != nil {
		t.Fatalf("write: %v", err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + ".lock"} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("stat %s = %v, %v; want a file with mode 0600", p, fi.Mode().Perm(), err)
		}
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("stat data folder = %v, %v; want mode 0700", fi.Mode().Perm(), err)
	}
}

// An existing database readable by others is made private when opened.
func TestOpenTightensModes(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "advising.db")
	st := open(t, path)
	_ = st.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	st = open(t, path)
	defer st.Close()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after reopening a 0644 database = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
}

func open(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return st
}
