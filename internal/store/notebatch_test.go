package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

// Notes written at the same moment share a transaction and one insert per
// table, and each caller still gets its own outcome: written on a case of
// their own, refused on another advisor's case or a missing one, refused
// when the case is erased meanwhile, and every note written has exactly
// its audit event.
func TestNotesWrittenTogether(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	inserts := storetest.CountStatements(st, func(sql string) bool { return strings.HasPrefix(sql, "INSERT INTO notes") })
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	advisors, applicants := variedOffice(t, st, now, 30)
	mine := advisors[0].ID
	type target struct {
		caseID, applicantID, advisor string
	}
	var targets []target
	for _, a := range applicants {
		id, err := st.CaseIDByApplicant(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := st.CaseByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		adv := ""
		if c.Advisor != nil {
			adv = c.Advisor.ID
		}
		targets = append(targets, target{id, a.ID, adv})
	}
	erased := targets[0]

	const writers = 240
	type outcome struct {
		caseID  string
		written bool
		err     error
		note    advising.Note
	}
	out := make([]outcome, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			tg := targets[i%len(targets)]
			caseID := tg.caseID
			if i%17 == 5 {
				caseID = store.NewID() // no such case
			}
			role := advising.RoleAdvisor
			ev := advising.AuditEvent{At: now, ActorID: &mine, ActorRole: &role, Action: "note.created", EntityType: "note", CaseID: &caseID}
			n, ok, err := st.CreateNoteAudited(ctx, advising.Note{CaseID: caseID, Author: advising.UserRef{ID: mine},
				Body: fmt.Sprintf("note %d", i), Visibility: advising.VisibilityPrivate, CreatedAt: now, UpdatedAt: now}, mine, ev)
			out[i] = outcome{caseID, ok, err, n}
		})
		if i == writers/2 {
			if err := st.Tx(ctx, func(tx *store.Store) error {
				_, err := tx.EraseApplicant(ctx, erased.applicantID, erased.caseID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	wg.Wait()

	written := 0
	for i, o := range out {
		tg := targets[i%len(targets)]
		mayWrite := o.caseID == tg.caseID && tg.advisor == mine
		switch {
		case o.err != nil:
			t.Errorf("note %d: %v", i, o.err)
		case o.written && (!mayWrite || o.note.ID == ""):
			t.Errorf("note %d on case %s (advisor %q) written as %q; it may not be", i, o.caseID, tg.advisor, o.note.ID)
		case !o.written && mayWrite && tg != erased:
			t.Errorf("note %d on the advisor's own case %s not written", i, o.caseID)
		}
		if !o.written {
			continue
		}
		written++
		if tg == erased {
			continue // written before the erasure, and erased with the case
		}
		notes, err := st.ListNotes(ctx, store.NoteFilter{CaseID: o.caseID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(notes, func(n advising.Note) bool { return n.ID == o.note.ID && n.Body == fmt.Sprintf("note %d", i) }) {
			t.Errorf("note %d (%s) reported written but not stored", i, o.note.ID)
		}
		events, err := st.ListAudit(ctx, store.AuditFilter{CaseID: o.caseID, Action: "note.created", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if c := slices.IndexFunc(events, func(e advising.AuditEvent) bool { return e.EntityID == o.note.ID }); c < 0 {
			t.Errorf("note %d (%s) has no audit event", i, o.note.ID)
		}
	}
	if written == 0 {
		t.Fatal("no note was written")
	}
	if n := inserts.Load(); n >= int64(written) {
		t.Errorf("%d notes took %d inserts; want notes written together", written, n)
	}
}
