package store_test

import (
	"context"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

// A caseload's change number goes up with every change a page of it could
// show (its cases written, moved, erased; the applicants' and the staff's
// names) and with nothing else: not with a lock, not with another
// advisor's cases.
func TestCaseloadVersion(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	advisors, applicants := variedOffice(t, st, now, 40)
	mine := store.CaseFilter{AdvisorID: advisors[0].ID}
	theirs := store.CaseFilter{AdvisorID: advisors[1].ID}
	scopes := []store.CaseFilter{mine, theirs, {Unassigned: true}, {}}
	versions := func() []int64 {
		t.Helper()
		out := make([]int64, len(scopes))
		for i, f := range scopes {
			v, err := st.CaseloadVersion(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = v
		}
		return out
	}
	// step runs a change and checks which scopes' numbers went up.
	step := func(what string, change func() error, moved ...bool) {
		t.Helper()
		before := versions()
		if err := change(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		after := versions()
		for i := range scopes {
			if up := after[i] > before[i]; up != moved[i] || after[i] < before[i] {
				t.Errorf("%s: scope %+v went %d → %d; want moved %v", what, scopes[i], before[i], after[i], moved[i])
			}
		}
	}
	caseOf := func(advisor *string) (applicantID, caseID string) {
		t.Helper()
		for _, a := range applicants {
			cid, err := st.CaseIDByApplicant(ctx, a.ID)
			if err != nil {
				continue // erased
			}
			c, err := st.CaseByID(ctx, cid)
			if err != nil {
				t.Fatal(err)
			}
			if (advisor == nil && c.Advisor == nil) || (advisor != nil && c.Advisor != nil && c.Advisor.ID == *advisor) {
				return a.ID, c.ID
			}
		}
		t.Fatal("no such case")
		return "", ""
	}
	app, id := caseOf(&advisors[0].ID)
	st0 := advising.StatusClosed
	step("status change", func() error { return st.UpdateCase(ctx, id, store.CaseChanges{Status: &st0}, now) }, true, false, false, true)
	step("lock", func() error { return st.Tx(ctx, func(tx *store.Store) error { return tx.LockCase(ctx, id) }) }, false, false, false, false)
	step("reassign", func() error { return st.SetCaseAdvisor(ctx, id, &advisors[1].ID, now) }, true, true, false, true)
	name := "Renamed Applicant"
	step("applicant renamed", func() error {
		_, err := st.UpdateUser(ctx, app, store.UserChanges{FullName: &name}, now)
		return err
	}, false, true, false, true)
	staff := "Renamed Advisor"
	step("advisor renamed", func() error {
		_, err := st.UpdateUser(ctx, advisors[1].ID, store.UserChanges{FullName: &staff}, now)
		return err
	}, true, true, true, true)
	app, id = caseOf(nil)
	step("unassigned case erased", func() error {
		return st.Tx(ctx, func(tx *store.Store) error { _, err := tx.EraseApplicant(ctx, app, id); return err })
	}, false, false, true, true)
}
