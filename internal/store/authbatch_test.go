package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

// Session lookups asked for together (batched into one query on
// PostgreSQL) each get their own answer: the user of a live session, and
// not-found for an unknown session, a session of someone else, and a
// session ended before the lookup was asked for.
func TestSessionLookupsTogether(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	queries := storetest.CountStatements(st, func(sql string) bool { return strings.Contains(sql, "FROM sessions s JOIN users u") })
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	advisors, applicants := variedOffice(t, st, now, 12)
	users := append(advisors, applicants...)
	sessions := make([]string, len(users))
	for i, u := range users {
		id, err := st.CreateSession(ctx, u.ID, now, now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		sessions[i] = id
	}
	ended := 3
	if err := st.Tx(ctx, func(tx *store.Store) error { return tx.EndSession(ctx, users[ended].ID, sessions[ended]) }); err != nil {
		t.Fatal(err)
	}

	const lookups = 400
	var wg sync.WaitGroup
	errs := make(chan string, lookups)
	for i := range lookups {
		wg.Go(func() {
			k := i % len(users)
			sid, uid, live := sessions[k], users[k].ID, k != ended
			switch i % 7 {
			case 3:
				sid, live = store.NewID(), false // unknown session
			case 5:
				uid, live = users[(k+1)%len(users)].ID, false // someone else's session
			}
			u, err := st.AuthSession(ctx, sid, uid)
			switch {
			case live && (err != nil || u.Role != users[k].Role || u.FullName != users[k].FullName):
				errs <- "lookup of a live session = " + u.FullName + ", " + errString(err)
			case !live && advising.ErrorCode(err) != advising.CodeNotFound:
				errs <- "lookup that must fail = " + u.FullName + ", " + errString(err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := queries.Load(); storetest.Postgres() && n >= lookups {
		t.Errorf("%d lookups took %d queries on PostgreSQL; want lookups together", lookups, n)
	}
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
