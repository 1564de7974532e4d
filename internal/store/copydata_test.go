package store_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

// An office moves from an SQLite file to the test database (PostgreSQL
// when ADVISING_TEST_POSTGRES_URL is set) and back with nothing lost or
// changed: every table's rows, booleans, NULLs, times to the microsecond
// and an uploaded file's bytes; a target that is not empty is refused.
func TestCopyData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := storetest.NewSQLite(t)
	now := time.Date(2026, 12, 1, 9, 30, 15, 123456000, time.UTC)
	var caseID, sampleID, advisorID string
	file := append([]byte("%PDF-1.7\x00\xff binary\r\n"), bytes.Repeat([]byte{0, 1, 2, 254}, 1000)...)
	err := src.Tx(ctx, func(tx *store.Store) error {
		adv, err := tx.CreateUser(ctx, advising.User{Email: "adv@example.org", FullName: "Ada Advisor", Role: advising.RoleAdvisor,
			PasswordHash: "h1", Disabled: true, CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		advisorID = adv.ID
		app, err := tx.CreateUser(ctx, advising.User{Email: "app@example.org", FullName: "Ápplicant Ünicode", Role: advising.RoleApplicant,
			PasswordHash: "h2", CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		if caseID, err = tx.OpenCase(ctx, app.ID, now); err != nil {
			return err
		}
		years, interest := 7, string(advising.PathwayTechnologyManagement)
		if err := tx.ReplaceProfile(ctx, app.ID, advising.Profile{YearsExperience: &years, ProgrammeInterest: &interest,
			Responsibilities: []string{"budget", "people"}, UpdatedAt: now}); err != nil {
			return err
		}
		if err := tx.SetCaseAdvisor(ctx, caseID, &advisorID, now); err != nil {
			return err
		}
		name := "roadmap.pdf"
		w, err := tx.CreateWorkSample(ctx, advising.WorkSample{ApplicantID: app.ID, CaseID: caseID, Title: "Roadmap",
			Description: "I owned the roadmap.", Source: "upload", Filename: &name, CreatedAt: now, UpdatedAt: now,
			Classification: advising.Classification{Label: advising.LabelTechnologyManagement, DeliverableType: "roadmap",
				TechnologyManagement: []string{"roadmap"}, Rationale: "r", Version: "v1", Borderline: true}})
		if err != nil {
			return err
		}
		sampleID = w.ID
		if err := tx.CreateWorkSampleFile(ctx, advising.WorkSampleFile{WorkSampleID: w.ID, ContentType: "application/pdf",
			Content: file, CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.RefreshEvidence(ctx, caseID, now); err != nil {
			return err
		}
		for i, vis := range []advising.Visibility{advising.VisibilityPrivate, advising.VisibilityShared} {
			at := now.Add(time.Duration(i) * time.Second)
			if _, _, err := tx.CreateNote(ctx, advising.Note{CaseID: caseID, Author: advising.UserRef{ID: adv.ID},
				Body: "note " + string(vis), Visibility: vis, CreatedAt: at, UpdatedAt: at}, ""); err != nil {
				return err
			}
		}
		if err := tx.RecordAudit(ctx, advising.AuditEvent{At: now, ActorID: &adv.ID, Action: "case.assigned", EntityType: "case",
			EntityID: caseID, CaseID: &caseID, Changes: []advising.FieldChange{{Field: "advisor_id", New: &adv.ID}}}); err != nil {
			return err
		}
		_, err = tx.CreateSession(ctx, app.ID, now, now.Add(time.Hour))
		return err
	})
	if err != nil {
		t.Fatalf("fill the source: %v", err)
	}

	dst := storetest.New(t)
	counts, err := store.CopyData(ctx, src, dst, nil)
	if err != nil {
		t.Fatalf("CopyData(SQLite → test database) = %v", err)
	}
	want := map[string]int64{"users": 2, "profiles": 1, "cases": 1, "work_samples": 1, "work_sample_files": 1, "notes": 2, "audit_events": 1, "sessions": 1}
	if len(counts) != len(store.CopyTables) {
		t.Errorf("CopyData copied %d tables; want %d", len(counts), len(store.CopyTables))
	}
	for _, c := range counts {
		if c.Rows != want[c.Table] {
			t.Errorf("CopyData copied %d rows of %s; want %d", c.Rows, c.Table, want[c.Table])
		}
	}
	same := func(what string, get func(*store.Store) (any, error)) {
		t.Helper()
		a, errA := get(src)
		b, errB := get(dst)
		if errA != nil || errB != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("%s: source %+v (%v), target %+v (%v); want the same", what, a, errA, b, errB)
		}
	}
	same("case", func(s *store.Store) (any, error) { return s.CaseByID(ctx, caseID) })
	same("work sample", func(s *store.Store) (any, error) { return s.WorkSampleByID(ctx, sampleID) })
	same("file", func(s *store.Store) (any, error) { return s.WorkSampleFile(ctx, sampleID) })
	same("notes", func(s *store.Store) (any, error) { return s.ListNotes(ctx, store.NoteFilter{CaseID: caseID}) })
	same("audit", func(s *store.Store) (any, error) { return s.ListAudit(ctx, store.AuditFilter{Limit: 10}) })
	same("advisor", func(s *store.Store) (any, error) { return s.UserByID(ctx, advisorID) })
	// The dashboards' counters are the target's own, kept as the cases came in.
	fc := advising.NewFlagClock(now)
	same("office counts", func(s *store.Store) (any, error) { return s.CountCaseload(ctx, "", fc) })
	same("caseload counts", func(s *store.Store) (any, error) { return s.CountCaseload(ctx, advisorID, fc) })
	if f, err := dst.WorkSampleFile(ctx, sampleID); err != nil || !bytes.Equal(f.Content, file) {
		t.Errorf("copied file = %d bytes, %v; want the %d bytes uploaded", len(f.Content), err, len(file))
	}

	if _, err := store.CopyData(ctx, src, dst, nil); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("CopyData into a target that holds the office = %v; want a refusal asking for an empty database", err)
	}

	back := storetest.NewSQLite(t)
	if _, err := store.CopyData(ctx, dst, back, nil); err != nil {
		t.Fatalf("CopyData(test database → SQLite) = %v", err)
	}
	same2 := func(what string, get func(*store.Store) (any, error)) {
		t.Helper()
		a, errA := get(src)
		b, errB := get(back)
		if errA != nil || errB != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("%s after the round trip: %+v (%v), then %+v (%v); want the same", what, a, errA, b, errB)
		}
	}
	same2("case", func(s *store.Store) (any, error) { return s.CaseByID(ctx, caseID) })
	same2("file", func(s *store.Store) (any, error) { return s.WorkSampleFile(ctx, sampleID) })
}
