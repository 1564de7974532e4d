package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

// The note writer and the auth reader keep a connection each on
// PostgreSQL. When the server drops every connection (a restart, a
// failover, an administrator's pg_terminate_backend), the next lookups and
// notes still succeed: kept connections are replaced, and no note is lost.
func TestKeptConnectionsReplaced(t *testing.T) {
	t.Parallel()
	dbURL := storetest.URL(t)
	app := fmt.Sprintf("kept_%d", time.Now().UnixNano())
	if storetest.Postgres() {
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("application_name", app)
		u.RawQuery = q.Encode()
		dbURL = u.String()
	}
	st, err := store.Open(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	advisors, applicants := variedOffice(t, st, now, 12)
	mine := advisors[0].ID
	sid, err := st.CreateSession(ctx, mine, now, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var cases []string
	for _, a := range applicants {
		id, err := st.CaseIDByApplicant(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, id)
	}

	written := 0
	round := func(name string) { written += notesAndLookups(t, st, mine, sid, cases, now, name) }
	round("before")
	if storetest.Postgres() {
		killed := terminateBackends(t, dbURL, app)
		if killed == 0 {
			t.Fatal("no connection of the store's was found to end")
		}
	}
	round("after")
	counts, err := st.CountOffice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if int(counts.Notes) < written || written != 240 {
		t.Errorf("%d notes acknowledged, %d in the database (with the office's own); want all 240 acknowledged and stored", written, counts.Notes)
	}
}

// notesAndLookups runs 120 session lookups and 120 notes at once, fails the
// test for any that does not succeed, and returns how many notes were
// acknowledged.
func notesAndLookups(t *testing.T, st *store.Store, mine, sid string, cases []string, now time.Time, name string) int {
	t.Helper()
	const n = 120
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan string, 2*n)
	var mu sync.Mutex
	written := 0
	for i := range n {
		wg.Go(func() {
			if u, err := st.AuthSession(ctx, sid, mine); err != nil || u.Role != advising.RoleAdvisor {
				errs <- fmt.Sprintf("lookup: %+v, %v", u, err)
			}
		})
		wg.Go(func() {
			caseID := cases[i%len(cases)]
			role := advising.RoleAdmin
			ev := advising.AuditEvent{At: now, ActorID: &mine, ActorRole: &role, Action: "note.created", EntityType: "note", CaseID: &caseID}
			_, ok, err := st.CreateNoteAudited(ctx, advising.Note{CaseID: caseID, Author: advising.UserRef{ID: mine},
				Body: fmt.Sprintf("%s note %d", name, i), Visibility: advising.VisibilityPrivate, CreatedAt: now, UpdatedAt: now}, "", ev)
			if err != nil || !ok {
				errs <- fmt.Sprintf("note on %s: written %v, %v", caseID, ok, err)
				return
			}
			mu.Lock()
			written++
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("%s: %s", name, e)
	}
	return written
}

// A pool too small to spare two connections keeps none: with one or two
// connections, lookups and notes still all get through.
func TestSmallPoolsKeepNoConnection(t *testing.T) {
	t.Parallel()
	for _, size := range []string{"1", "2"} {
		t.Run("pool_max_conns="+size, func(t *testing.T) {
			t.Parallel()
			dbURL := storetest.URL(t)
			if storetest.Postgres() {
				u, err := url.Parse(dbURL)
				if err != nil {
					t.Fatal(err)
				}
				q := u.Query()
				q.Set("pool_max_conns", size)
				u.RawQuery = q.Encode()
				dbURL = u.String()
			}
			st, err := store.Open(dbURL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			ctx := context.Background()
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
			advisors, applicants := variedOffice(t, st, now, 6)
			sid, err := st.CreateSession(ctx, advisors[0].ID, now, now.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			var cases []string
			for _, a := range applicants {
				id, err := st.CaseIDByApplicant(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				cases = append(cases, id)
			}
			if n := notesAndLookups(t, st, advisors[0].ID, sid, cases, now, "small pool"); n != 120 {
				t.Errorf("%d notes acknowledged; want 120", n)
			}
		})
	}
}

// terminateBackends ends every server connection whose application_name is
// app, from a connection of its own, and reports how many it ended.
func terminateBackends(t *testing.T, dbURL, app string) int {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Del("pool_max_conns") // the store's own parameter, not the server's
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND pid <> pg_backend_pid()`, app).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
