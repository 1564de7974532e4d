package store_test

import (
	"context"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

func TestInsertOffice(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	user := func(role advising.Role, email string) advising.User {
		return advising.User{ID: store.NewID(), Email: email, FullName: "Name " + email, Role: role,
			PasswordHash: "x", CreatedAt: now, UpdatedAt: now}
	}
	advisor, applicant := user(advising.RoleAdvisor, "adv@example.edu"), user(advising.RoleApplicant, "app@example.com")
	years, intake := 2, "2026-09"
	c := advising.Case{ID: store.NewID(), ApplicantID: applicant.ID, Advisor: &advising.UserRef{ID: advisor.ID},
		Status: advising.StatusUnderReview, StatusChangedAt: now, CreatedAt: now, UpdatedAt: now,
		Evidence: advising.Evidence{WorkSamples: 1, TechnologyManagement: 1},
		Profile:  advising.Profile{YearsExperience: &years, TargetIntake: &intake, Responsibilities: []string{"budget"}}}
	w := advising.WorkSample{ID: store.NewID(), ApplicantID: applicant.ID, CaseID: c.ID, Title: "Roadmap",
		Description: "A roadmap.", Source: "text", CreatedAt: now, UpdatedAt: now,
		Classification: advising.Classification{Label: advising.LabelTechnologyManagement, DeliverableType: "technology_roadmap",
			TechnologyManagement: []string{"roadmap"}, Rationale: "TM.", Version: "bench"}}
	n := advising.Note{ID: store.NewID(), CaseID: c.ID, Author: advising.UserRef{ID: advisor.ID}, Body: "Called.",
		Visibility: advising.VisibilityPrivate, CreatedAt: now, UpdatedAt: now}
	o := store.Office{Users: []advising.User{advisor, applicant}, Cases: []advising.Case{c},
		WorkSamples: []advising.WorkSample{w}, Notes: []advising.Note{n}}

	if err := st.InsertOffice(ctx, o); err != nil {
		t.Fatalf("InsertOffice(one case) = %v; want nil", err)
	}
	got, err := st.CountOffice(ctx)
	want := store.OfficeCounts{Users: 2, Cases: 1, WorkSamples: 1, Notes: 1}
	if err != nil || got != want {
		t.Errorf("CountOffice() = %+v, %v; want %+v, nil", got, err, want)
	}
	p, err := st.ProfileByApplicant(ctx, applicant.ID)
	if err != nil || p.YearsExperience == nil || *p.YearsExperience != 2 || p.TargetIntake == nil || *p.TargetIntake != intake {
		t.Errorf("ProfileByApplicant(%s) = %+v, %v; want 2 years and intake %s", applicant.ID, p, err, intake)
	}
	ws, err := st.WorkSampleByID(ctx, w.ID)
	if err != nil || ws.Classification.Label != advising.LabelTechnologyManagement || ws.CaseID != c.ID {
		t.Errorf("WorkSampleByID(%s) = %+v, %v; want the inserted sample", w.ID, ws, err)
	}
	if err := st.InsertOffice(ctx, store.Office{Users: []advising.User{advisor}}); advising.ErrorCode(err) != advising.CodeConflict {
		t.Errorf("InsertOffice(same user again) = %v; want a conflict error", err)
	}
}
