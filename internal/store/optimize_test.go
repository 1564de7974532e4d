package store_test

import (
	"context"
	"testing"
	"time"

	"advising/internal/store/storetest"
)

// Optimize leaves the planner statistics of a freshly loaded office in a
// PostgreSQL database (a row estimate, -1 for a table never vacuumed or
// analyzed), and leaves SQLite without any (no sqlite_stat1 table), so its
// plans stay those the queries were written for.
func TestOptimizeGathersStatistics(t *testing.T) {
	t.Parallel()
	dbURL := storetest.URL(t)
	st := storetest.Open(t, dbURL)
	ctx := context.Background()
	variedOffice(t, st, time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC), 12)

	db := storetest.DB(t, dbURL)
	query := "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'"
	if storetest.Postgres() {
		query = "SELECT reltuples FROM pg_class WHERE oid = 'cases'::regclass"
	}
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
