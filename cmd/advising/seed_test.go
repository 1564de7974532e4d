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
	s, err := cw.Login(ctx, "admin@demo.example", o.Password)
	if err != nil {
		t.Fatalf("admin login: %v", err)
	}
	admin := advising.Actor{UserID: s.User.ID, Role: advising.RoleAdmin}
	ada, err := cw.Login(ctx, "ada@demo.example", o.Password)
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
	if err := loadOffice(context.Background(), newService(t), o); err != nil {
		t.Fatalf("loadOffice(demo office): %v", err)
	}
}

// TestReclassifyCommand: `advising reclassify` prints its summary as JSON.
func TestReclassifyCommand(t *testing.T) {
	t.Parallel()
	env := map[string]string{"ADVISING_DATABASE_URL": "file:" + filepath.Join(t.TempDir(), "advising.db"), "ADVISING_LOG_LEVEL": "error"}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"reclassify"}, func(k string) string { return env[k] }, &out); err != nil {
		t.Fatalf("run reclassify: %v", err)
	}
	var got struct {
		ClassifierVersion *string `json:"classifier_version"`
		Samples           *int    `json:"samples"`
		Changed           *int    `json:"changed"`
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil || got.ClassifierVersion == nil ||
		got.Samples == nil || *got.Samples != 0 || got.Changed == nil {
		t.Errorf("run reclassify printed %q; want a summary with 0 samples", out.String())
	}
}
