package store_test

import (
	"context"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

// newApplicantCase registers an applicant with an open case straight in the
// store and returns the applicant's and the case's IDs.
func newApplicantCase(t *testing.T, st *store.Store, email string, now time.Time) (applicantID, caseID string) {
	t.Helper()
	ctx := context.Background()
	u, err := st.CreateUser(ctx, advising.User{Email: email, FullName: "Applicant " + email, Role: advising.RoleApplicant,
		PasswordHash: "x", CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	caseID, err = st.OpenCase(ctx, u.ID, now)
	if err != nil {
		t.Fatalf("OpenCase(%s): %v", u.ID, err)
	}
	return u.ID, caseID
}

// The borderline marker is stored with every classification write, and the
// case counts the borderline samples no advisor has overridden: a count that
// follows inserts, overrides, their removal and new classifications.
func TestBorderlineIsStoredAndCounted(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	applicantID, caseID := newApplicantCase(t, st, "b@example.org", now)
	class := func(l advising.Label, borderline bool) advising.Classification {
		return advising.Classification{Label: l, DeliverableType: "other", Rationale: "fixture", Version: "test", Borderline: borderline}
	}
	insert := func(c advising.Classification) advising.WorkSample {
		t.Helper()
		w, err := st.InsertWorkSampleFixture(ctx, advising.WorkSample{ApplicantID: applicantID, CaseID: caseID,
			Title: "Sample", Description: "A fixture.", Classification: c}, now)
		if err != nil {
			t.Fatalf("InsertWorkSampleFixture: %v", err)
		}
		return w
	}
	awaiting := func(what string, want int) {
		t.Helper()
		if err := st.RefreshEvidence(ctx, caseID, now); err != nil {
			t.Fatalf("RefreshEvidence: %v", err)
		}
		ev, _, err := st.CaseEvidence(ctx, caseID)
		if err != nil || ev.AwaitingReview != want {
			t.Errorf("after %s, CaseEvidence(%s).AwaitingReview = %d, %v; want %d", what, caseID, ev.AwaitingReview, err, want)
		}
		cs, err := st.ListCases(ctx, store.CaseFilter{Sort: store.SortCreatedAsc, Limit: 10})
		if err != nil || len(cs) != 1 || cs[0].Evidence.AwaitingReview != want {
			t.Errorf("after %s, ListCases = %+v, %v; want one case awaiting review of %d", what, cs, err, want)
		}
	}

	a := insert(class(advising.LabelHybrid, true))
	b := insert(class(advising.LabelTechnologyManagement, true))
	insert(class(advising.LabelTechnologyManagement, false))
	if got, err := st.WorkSampleByID(ctx, a.ID); err != nil || !got.Classification.Borderline || !got.NeedsReview() {
		t.Errorf("WorkSampleByID(%s) = %+v, %v; want a borderline sample awaiting review", a.ID, got.Classification, err)
	}
	awaiting("three inserts, two borderline", 2)

	a.Override = &advising.Override{Label: advising.LabelEngineeringManagement, Reason: "read it", By: applicantID, At: now}
	if err := st.UpdateWorkSample(ctx, a); err != nil {
		t.Fatalf("UpdateWorkSample(override): %v", err)
	}
	awaiting("an override of one borderline sample", 1)

	a.Override = nil
	a.Classification = class(advising.LabelHybrid, false)
	if err := st.UpdateWorkSample(ctx, a); err != nil {
		t.Fatalf("UpdateWorkSample(new text, not borderline): %v", err)
	}
	if got, _ := st.WorkSampleByID(ctx, a.ID); got.Classification.Borderline {
		t.Errorf("after UpdateWorkSample with a plain classification, sample %s is still borderline", a.ID)
	}
	awaiting("revising a borderline sample into a plain one", 1)

	if err := st.SetClassification(ctx, b.ID, class(advising.LabelTechnologyManagement, false)); err != nil {
		t.Fatalf("SetClassification: %v", err)
	}
	awaiting("reclassifying the last borderline sample as plain", 0)
	if err := st.SetClassification(ctx, a.ID, class(advising.LabelHybrid, true)); err != nil {
		t.Fatalf("SetClassification: %v", err)
	}
	if got, _ := st.WorkSampleByID(ctx, a.ID); !got.Classification.Borderline {
		t.Errorf("after SetClassification(borderline), sample %s is not borderline", a.ID)
	}
	awaiting("reclassifying a sample as borderline", 1)
}
