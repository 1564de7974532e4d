// Package storetest gives tests a real, migrated store: a temporary SQLite
// file, or, when ADVISING_TEST_POSTGRES_URL names a PostgreSQL database, a
// fresh schema of its own in that database. Each call makes a new
// database, so tests may run in parallel.
//
// Run a suite on PostgreSQL with, for example,
//
//	ADVISING_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/advising_test?sslmode=disable' go test ./...
//
// The URL's user must be allowed to create schemas in that database.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for creating and dropping schemas

	"advising/internal/store"
)

// PostgresEnv is the variable that points the tests at a PostgreSQL
// database.
const PostgresEnv = "ADVISING_TEST_POSTGRES_URL"

// Postgres reports whether the tests run on PostgreSQL.
func Postgres() bool { return os.Getenv(PostgresEnv) != "" }

// New opens and migrates a fresh store and closes it when the test ends:
// an SQLite file in t.TempDir, or a new schema in the PostgreSQL database
// of ADVISING_TEST_POSTGRES_URL, dropped when the test ends.
func New(t testing.TB) *store.Store {
	t.Helper()
	return Open(t, URL(t))
}

// Open opens and migrates the store at dbURL (one from URL, perhaps with
// WithParam) and closes it when the test ends.
func Open(t testing.TB, dbURL string) *store.Store {
	t.Helper()
	st, err := store.Open(dbURL)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("store.Migrate: %v", err)
	}
	return st
}

// WithParam returns a PostgreSQL URL from URL with the query parameter key
// set to value (a libpq parameter, or the store's pool_max_conns). An
// SQLite URL takes no parameters and is returned as it is.
func WithParam(t testing.TB, dbURL, key, value string) string {
	t.Helper()
	if !Postgres() {
		return dbURL
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("%s is not a URL: %v", dbURL, err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// DB opens a plain database/sql handle on the database of dbURL (one from
// URL), beside the store, for what a test must ask the database itself;
// it is closed when the test ends.
func DB(t testing.TB, dbURL string) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite3", strings.TrimPrefix(dbURL, "file:")
	if Postgres() {
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatalf("%s is not a URL: %v", dbURL, err)
		}
		q := u.Query()
		q.Del("pool_max_conns") // the store's own parameter, not the server's
		u.RawQuery = q.Encode()
		driver, dsn = "pgx", u.String()
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dbURL, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// CountStatements counts, from now on, the statements of st whose SQL
// match accepts (see store.TraceStatements).
func CountStatements(st *store.Store, match func(sql string) bool) *atomic.Int64 {
	var n atomic.Int64
	st.TraceStatements(func(sql string) {
		if match(sql) {
			n.Add(1)
		}
	})
	return &n
}

// NewSQLite is New on an SQLite file whatever the environment says, for
// tests of what only SQLite has (its files, PRAGMAs, backups).
func NewSQLite(t testing.TB) *store.Store {
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

// URL returns the ADVISING_DATABASE_URL of a new, empty database for the
// test (nothing is migrated yet): file: and a path in t.TempDir, or a
// PostgreSQL URL whose search_path is a new schema, dropped when the test
// ends. Register it before anything that opens the database, so that the
// schema is dropped after that is closed.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		return "file:" + filepath.Join(t.TempDir(), "advising.db")
	}
	admin, err := adminDB(base)
	if err != nil {
		t.Fatalf("connect to %s: %v", PostgresEnv, err)
	}
	buf := make([]byte, 8)
	_, _ = rand.Read(buf)
	schema := "test_" + hex.EncodeToString(buf)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s is not a URL: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	if q.Get("pool_max_conns") == "" {
		// Many tests run at once, each with its own pool; keep the server's
		// connection count down.
		q.Set("pool_max_conns", "8")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

var (
	adminOnce sync.Once
	admin     *sql.DB
	adminErr  error
)

// adminDB is one small pool per test process for creating and dropping
// schemas.
func adminDB(base string) (*sql.DB, error) {
	adminOnce.Do(func() {
		admin, adminErr = sql.Open("pgx", base)
		if adminErr == nil {
			admin.SetMaxOpenConns(4)
			adminErr = admin.Ping()
		}
	})
	return admin, adminErr
}
