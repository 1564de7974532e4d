package store_test

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"testing"
	"time"

	"advising/internal/store"
	"advising/internal/store/storetest"
)

// Optimize leaves the planner statistics of a freshly loaded office in a
// PostgreSQL database (a row estimate, -1 for a table never vacuumed or
// analyzed), and leaves SQLite without any (no sqlite_stat1 table), so its
// plans stay those the queries were written for.
func TestOptimizeGathersStatistics(t *testing.T) {
	t.Parallel()
	dbURL := storetest.URL(t)
	st, err := store.Open(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	variedOffice(t, st, time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC), 12)

	var db *sql.DB
	var query string
	if storetest.Postgres() {
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Del("pool_max_conns")
		u.RawQuery = q.Encode()
		db, err = sql.Open("pgx", u.String())
		if err != nil {
			t.Fatal(err)
		}
		query = "SELECT reltuples FROM pg_class WHERE oid = 'cases'::regclass"
	} else {
		db, err = sql.Open("sqlite3", strings.TrimPrefix(dbURL, "file:"))
		if err != nil {
			t.Fatal(err)
		}
		query = "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'"
	}
	defer db.Close()
	stats := func() float64 {
		var n float64
		if err := db.QueryRowContext(ctx, query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := stats()
	if err := st.Optimize(ctx); err != nil {
		t.Fatalf("Optimize: %v", err)
	}
	after := stats()
	switch {
	case storetest.Postgres() && (after <= 0 || after == before):
		t.Errorf("row estimate of cases %v before Optimize and %v after; want one from the statistics", before, after)
	case !storetest.Postgres() && after != 0:
		t.Errorf("SQLite has %v sqlite_stat1 tables after Optimize; want none", after)
	}
}
