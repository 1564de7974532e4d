package store_test

import (
	"context"
	"fmt"
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
	app := fmt.Sprintf("kept_%d", time.Now().UnixNano())
	dbURL := storetest.WithParam(t, storetest.URL(t), "application_name", app)
	st := storetest.Open(t, dbURL)
	o := newNoteOffice(t, st, 12)
	written := o.notesAndLookups(t, "before")
	if storetest.Postgres() {
		if killed := terminateBackends(t, dbURL, app); killed == 0 {
			t.Fatal("no connection of the store's was found to end")
		}
	}
	written += o.notesAndLookups(t, "after")
	counts, err := st.CountOffice(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if int(counts.Notes) < written || written != 240 {
		t.Errorf("%d notes acknowledged, %d in the database (with the office's own); want all 240 acknowledged and stored", written, counts.Notes)
	}
}

// A pool too small to spare two connections keeps none: with one or two
// connections, lookups and notes still all get through.
func TestSmallPoolsKeepNoConnection(t *testing.T) {
	t.Parallel()
	for _, size := range []string{"1", "2"} {
		t.Run("pool_max_conns="+size, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, storetest.WithParam(t, storetest.URL(t), "pool_max_conns", size))
			if n := newNoteOffice(t, st, 6).notesAndLookups(t, "small pool"); n != 120 {
				t.Errorf("%d notes acknowledged; want 120", n)
			}
		})
	}
}

// noteOffice is an office to write notes in: an advisor with a session,
// and the office's cases.
type noteOffice struct {
	st        *store.Store
	now       time.Time
	mine, sid string
	cases     []string
}

func newNoteOffice(t *testing.T, st *store.Store, n int) noteOffice {
	t.Helper()
	ctx := context.Background()
	o := noteOffice{st: st, now: time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)}
	advisors, applicants := variedOffice(t, st, o.now, n)
	o.mine = advisors[0].ID
	var err error
	if o.sid, err = st.CreateSession(ctx, o.mine, o.now, o.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, a := range applicants {
		id, err := st.CaseIDByApplicant(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		o.cases = append(o.cases, id)
	}
	return o
}

// notesAndLookups runs 120 session lookups and 120 notes at once, fails the
// test for any that does not succeed, and returns how many notes were
// acknowledged.
func (o noteOffice) notesAndLookups(t *testing.T, name string) int {
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
			if u, err := o.st.AuthSession(ctx, o.sid, o.mine); err != nil || u.Role != advising.RoleAdvisor {
				errs <- fmt.Sprintf("lookup: %+v, %v", u, err)
			}
		})
		wg.Go(func() {
			caseID := o.cases[i%len(o.cases)]
			role := advising.RoleAdmin
			ev := advising.AuditEvent{At: o.now, ActorID: &o.mine, ActorRole: &role, Action: "note.created", EntityType: "note", CaseID: &caseID}
			_, ok, err := o.st.CreateNoteAudited(ctx, advising.Note{CaseID: caseID, Author: advising.UserRef{ID: o.mine},
				Body: fmt.Sprintf("%s note %d", name, i), Visibility: advising.VisibilityPrivate, CreatedAt: o.now, UpdatedAt: o.now}, "", ev)
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

// terminateBackends ends every server connection whose application_name is
// app, from a connection of its own, and reports how many it ended.
func terminateBackends(t *testing.T, dbURL, app string) int {
	t.Helper()
	var n int
	err := storetest.DB(t, dbURL).QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND pid <> pg_backend_pid()`, app).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
