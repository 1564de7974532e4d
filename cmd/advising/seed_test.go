package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"advising/internal/advising"
	"advising/internal/auth"
	"advising/internal/casework"
	"advising/internal/classify"
	"advising/internal/store"
	"advising/internal/store/storetest"
	"advising/seeds"
)

func newService(t *testing.T) *casework.Service {
	t.Helper()
	return casework.New(casework.Options{Store: storetest.New(t),
		Tokens: auth.NewTokens([]byte("seed-test-secret-that-is-32-bytes-long"), time.Hour, time.Now),
		Hasher: auth.Hasher{Cost: bcrypt.MinCost}})
}

// TestLoadOfficeEvidence: a demo applicant's profile, work samples and
// overrides are loaded through the use cases.
func TestLoadOfficeEvidence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cw := newService(t)
	six := 6
	o := seeds.Office{Password: "demo-password-123", Admin: seeds.Person{Email: "admin@demo.example", FullName: "Admin"},
		Applicants: []seeds.Applicant{{
			Person:         seeds.Person{Email: "ada@demo.example", FullName: "Ada"},
			Profile:        json.RawMessage(`{"years_experience": 7, "sector": "finance", "target_intake": "2001-01", "self_assessment": {"communication": 4}}`),
			IntakeInMonths: &six,
			WorkSamples: []seeds.WorkSample{
				{Title: "Roadmap", Description: "I led the three-year technology roadmap and the business case for a cloud data platform."},
				{Title: "Design reviews", Description: "I chaired the 21-day design review cycle and signed off the design packages."},
			},
			Overrides: []seeds.Override{{Sample: 1, Label: "hybrid", Reason: "Both sides."}},
		}, {
			Person: seeds.Person{Email: "bo@demo.example", FullName: "Bo"}, // nothing but an account
		}}}
	if err := loadOffice(ctx, cw, o); err != nil {
		t.Fatalf("loadOffice: %v", err)
	}
	s, err := cw.Login(ctx, "", "admin@demo.example", o.Password)
	if err != nil {
		t.Fatalf("admin login: %v", err)
	}
	admin := advising.Actor{UserID: s.User.ID, Role: advising.RoleAdmin}
	ada, err := cw.Login(ctx, "", "ada@demo.example", o.Password)
	if err != nil {
		t.Fatalf("applicant login: %v", err)
	}
	p, err := cw.Profile(ctx, admin, ada.User.ID)
	if err != nil {
		t.Fatalf("Profile: %v", err)
	}
	now := time.Now().UTC()
	wantIntake := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 6, 0).Format("2006-01")
	if p.YearsExperience == nil || *p.YearsExperience != 7 || p.TargetIntake == nil || *p.TargetIntake != wantIntake ||
		p.SelfAssessment == nil || *p.SelfAssessment.Communication != 4 {
		t.Errorf("seeded profile = %+v; want 7 years, intake %s, communication 4", p, wantIntake)
	}
	page, err := cw.WorkSamples(ctx, admin, ada.User.ID, "", 0)
	if err != nil {
		t.Fatalf("WorkSamples: %v", err)
	}
	if len(page.Items) != 2 || page.Items[0].Override != nil || page.Items[1].EffectiveLabel() != advising.LabelHybrid {
		t.Errorf("seeded work samples = %+v; want two, the second overridden to hybrid", page.Items)
	}
}

// TestLoadOfficeRefusesBadEvidence: a broken fixture fails loudly.
func TestLoadOfficeRefusesBadEvidence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ap   seeds.Applicant
		want string
	}{
		{"misspelt profile field", seeds.Applicant{Profile: json.RawMessage(`{"years": 3}`)}, "profile"},
		{"invalid profile", seeds.Applicant{Profile: json.RawMessage(`{"years_experience": 99}`)}, "profile"},
		{"override of a missing sample", seeds.Applicant{Overrides: []seeds.Override{{Sample: 0, Label: "hybrid", Reason: "r"}}}, "override"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.ap.Person = seeds.Person{Email: "ada@demo.example", FullName: "Ada"}
			o := seeds.Office{Password: "demo-password-123", Admin: seeds.Person{Email: "admin@demo.example", FullName: "Admin"},
				Applicants: []seeds.Applicant{tt.ap}}
			err := loadOffice(context.Background(), newService(t), o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("loadOffice with %s = %v; want an error about the %s", tt.name, err, tt.want)
			}
		})
	}
}

// TestLoadDemoOffice: the embedded demo office loads.
func TestLoadDemoOffice(t *testing.T) {
	t.Parallel()
	o, err := seeds.Demo()
	if err != nil {
		t.Fatalf("seeds.Demo: %v", err)
	}
	cw := newService(t)
	ctx := context.Background()
	if err := loadOffice(ctx, cw, o); err != nil {
		t.Fatalf("loadOffice(demo office): %v", err)
	}
	// A newcomer's dashboard shows every flag and every status at least
	// once; a classifier change that relabels the demo samples shows here.
	s, err := cw.Login(ctx, "", o.Admin.Email, o.Password)
	if err != nil {
		t.Fatalf("Login(demo admin): %v", err)
	}
	d, err := cw.Dashboard(ctx, advising.Actor{UserID: s.User.ID, Role: advising.RoleAdmin})
	if err != nil {
		t.Fatalf("Dashboard as the demo admin: %v", err)
	}
	now := time.Now().UTC()
	nextMonth := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range advising.Flags {
		// The demo's "approaching" intake has its window open on the first
		// of next month, which on the 1st of a 31-day month is 31 days away.
		if f == advising.FlagScreeningWindowApproaching && nextMonth.Sub(now) > advising.ApproachingWindow {
			continue
		}
		if d.Flags[f] == 0 {
			t.Errorf("demo office dashboard: flag %s never shown; want at least one case with it", f)
		}
	}
	for _, st := range advising.Statuses {
		if d.ByStatus[st] == 0 {
			t.Errorf("demo office dashboard: no case in status %s", st)
		}
	}
}

// TestReclassifyCommand: `advising reclassify -dry-run` reports, per
// "old→new" label, what the current classifier would change without writing;
// `advising reclassify` applies it; both print the API's JSON object.
func TestReclassifyCommand(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "advising.db")
	env := map[string]string{"ADVISING_DATABASE_URL": "file:" + path, "ADVISING_LOG_LEVEL": "error"}
	type summary struct {
		ClassifierVersion *string        `json:"classifier_version"`
		Samples           *int           `json:"samples"`
		Changed           *int           `json:"changed"`
		Changes           map[string]int `json:"changes"`
		SampleIDs         []string       `json:"sample_ids"`
	}
	reclassify := func(args ...string) summary {
		t.Helper()
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"reclassify"}, args...), func(k string) string { return env[k] }, &out); err != nil {
			t.Fatalf("run reclassify %v: %v", args, err)
		}
		var got summary
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil || got.ClassifierVersion == nil ||
			got.Samples == nil || got.Changed == nil || got.Changes == nil || got.SampleIDs == nil {
			t.Fatalf("run reclassify %v printed %q; want the summary object", args, out.String())
		}
		return got
	}
	if got := reclassify("-dry-run"); *got.Samples != 0 || *got.Changed != 0 {
		t.Errorf("reclassify -dry-run on an empty office = %+v; want 0 samples", got)
	}

	// One sample an older classifier labelled differently.
	st, err := store.Open(path)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	u, err := st.CreateUser(ctx, advising.User{Email: "old@example.org", FullName: "Old Sample", Role: advising.RoleApplicant,
		PasswordHash: "x", CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	caseID, err := st.OpenCase(ctx, u.ID, now)
	if err != nil {
		t.Fatalf("OpenCase: %v", err)
	}
	const title, text = "Day off", "I went to the seaside."
	current := classify.Classify(title, text)
	old := advising.LabelHybrid
	if advising.Label(current.Label) == old {
		old = advising.LabelTechnologyManagement
	}
	w, err := st.InsertWorkSampleFixture(ctx, advising.WorkSample{ApplicantID: u.ID, CaseID: caseID, Title: title, Description: text,
		Classification: advising.Classification{Label: old, DeliverableType: "other", Rationale: "old", Version: "0.0.1"}}, now)
	if err != nil {
		t.Fatalf("InsertWorkSampleFixture: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	change := string(old) + "→" + string(current.Label)
	for _, args := range [][]string{{"-dry-run"}, {"-dry-run"}, nil} { // a dry run twice: it wrote nothing
		got := reclassify(args...)
		if *got.Samples != 1 || *got.Changed != 1 || got.Changes[change] != 1 || len(got.SampleIDs) != 1 || got.SampleIDs[0] != w.ID {
			t.Errorf("reclassify %v = %+v; want 1 sample, 1 changed %s: [%s]", args, got, change, w.ID)
		}
	}
	if got := reclassify("-dry-run"); *got.Changed != 0 || len(got.Changes) != 0 {
		t.Errorf("reclassify -dry-run after reclassify = %+v; want nothing left to change", got)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"reclassify", "-dry"}, func(k string) string { return env[k] }, &out); err == nil {
		t.Errorf("run reclassify -dry = nil; want an error naming the unknown flag")
	}
}

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
	s, err := cw.Login(ctx, "", "admin@demo.example", o.Password)
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
