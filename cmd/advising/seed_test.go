package main

import (
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"advising/internal/advising"
	"advising/internal/auth"
	"advising/internal/casework"
	"advising/internal/store/storetest"
	"advising/seeds"
)

// The demo office's cases reach their statuses by legal moves, with their
// advisor, dates, follow-ups, notes and recommendations.
func TestLoadOfficeCasework(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	cw := casework.New(casework.Options{Store: storetest.New(t),
		Tokens: auth.NewTokens([]byte("test-secret-that-is-at-least-32-bytes-long"), time.Hour, time.Now),
		Hasher: auth.Hasher{Cost: bcrypt.MinCost}})
	in := func(n int) *int { return &n }
	o := seeds.Office{Password: "demo-password-1", Admin: seeds.Person{Email: "admin@demo.example", FullName: "Admin"},
		Advisors: []seeds.Person{{Email: "ada@demo.example", FullName: "Ada Advisor"}},
		Applicants: []seeds.Applicant{
			{Person: seeds.Person{Email: "new@demo.example", FullName: "New One"}},
			{Person: seeds.Person{Email: "stalled@demo.example", FullName: "Stalled One"}, Advisor: "ada@demo.example",
				Status: "evidence_collection", StatusDaysAgo: 50, FollowUpInDays: in(-2),
				Notes: []seeds.Note{{Visibility: "private", Body: "Chased twice."}, {Visibility: "shared", Body: "Please add a sample."}}},
			{Person: seeds.Person{Email: "closed@demo.example", FullName: "Closed One"}, Advisor: "ada@demo.example", Status: "closed",
				Recommendation: &seeds.Recommendation{Pathway: "engineering_management", Rationale: "Owns the quality plan."}},
			{Person: seeds.Person{Email: "rec@demo.example", FullName: "Rec One"}, Advisor: "ada@demo.example", Status: "recommended",
				Recommendation: &seeds.Recommendation{Pathway: "technology_management", Rationale: "Platform adoption."}},
		}}
	if err := loadOffice(ctx, cw, o); err != nil {
		t.Fatalf("loadOffice: %v", err)
	}
	s, err := cw.Login(ctx, "admin@demo.example", o.Password)
	if err != nil {
		t.Fatal(err)
	}
	admin := advising.Actor{UserID: s.User.ID, Role: advising.RoleAdmin}
	page, err := cw.ListCases(ctx, admin, casework.CaseQuery{Sort: "created_at"})
	if err != nil {
		t.Fatal(err)
	}
	byEmail := map[string]casework.CaseView{}
	for _, v := range page.Items {
		full, err := cw.Case(ctx, admin, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		full.Flags = v.Flags
		byEmail[v.Applicant.Email] = full
	}
	want := map[string]advising.Status{"new@demo.example": advising.StatusNew, "stalled@demo.example": advising.StatusEvidenceCollection,
		"closed@demo.example": advising.StatusClosed, "rec@demo.example": advising.StatusRecommended}
	for email, st := range want {
		if got := byEmail[email].Status; got != st {
			t.Errorf("demo case of %s has status %s; want %s", email, got, st)
		}
	}
	stalled := byEmail["stalled@demo.example"]
	if stalled.Advisor == nil || stalled.Advisor.FullName != "Ada Advisor" || stalled.NextFollowUpAt == nil ||
		time.Since(stalled.StatusChangedAt) < 49*24*time.Hour {
		t.Errorf("stalled demo case = %+v; want Ada's, with a follow-up, status 50 days old", stalled.Case)
	}
	flags := map[advising.Flag]bool{}
	for _, f := range stalled.Flags {
		flags[f] = true
	}
	if !flags[advising.FlagStalledEvidenceCollection] || !flags[advising.FlagFollowUpOverdue] {
		t.Errorf("stalled demo case flags = %v; want stalled and overdue", stalled.Flags)
	}
	notes, err := cw.ListNotes(ctx, admin, stalled.ID, "", 0)
	if err != nil || len(notes.Items) != 2 {
		t.Errorf("stalled demo case notes = %d, %v; want 2", len(notes.Items), err)
	}
	if r := byEmail["closed@demo.example"].Recommendation; r == nil || r.Pathway != advising.PathwayEngineeringManagement {
		t.Errorf("closed demo case recommendation = %+v; want engineering_management", r)
	}
	if byEmail["new@demo.example"].Advisor != nil {
		t.Errorf("new demo case has an advisor; want none")
	}
}
