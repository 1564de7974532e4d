package httpapi_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
)

// Flags cross each of the office's boundaries exactly where the contract
// puts them, and the ?flag= filter (evaluated in SQL) always selects exactly
// the cases whose flags (computed in Go) carry that flag.
func TestFlagBoundaries(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	ctx := t.Context()
	day := 24 * time.Hour
	t0 := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

	type fixture struct {
		profile advising.Profile
		labels  []advising.Label
		status  advising.Status
		since   *time.Time // status_changed_at
		follow  *time.Time
		alone   bool // left unassigned
		// borderline adds a borderline sample with this label; overridden
		// has the advisor override it.
		borderline advising.Label
		overridden bool
	}
	fixtures := map[string]fixture{
		"stalled":          {status: advising.StatusEvidenceCollection, since: ptr(t0.Add(-42 * day))},
		"under review":     {status: advising.StatusUnderReview, since: ptr(t0.Add(-100 * day))},
		"intake 2027-08":   {profile: advising.Profile{TargetIntake: ptr("2027-08")}},
		"intake 2027-09":   {profile: advising.Profile{TargetIntake: ptr("2027-09")}},
		"intake 2027-10":   {profile: advising.Profile{TargetIntake: ptr("2027-10")}},
		"intake 2026-12":   {profile: advising.Profile{TargetIntake: ptr("2026-12")}},
		"follow-up":        {follow: ptr(t0.Add(day))},
		"closed follow":    {status: advising.StatusClosed, follow: ptr(t0.Add(-day))},
		"two years":        {profile: advising.Profile{YearsExperience: ptr(2)}},
		"three years":      {profile: advising.Profile{YearsExperience: ptr(3)}},
		"one sample":       {labels: []advising.Label{advising.LabelTechnologyManagement, advising.LabelInsufficientEvidence}},
		"tm":               {labels: []advising.Label{advising.LabelTechnologyManagement, advising.LabelTechnologyManagement}, profile: advising.Profile{ProgrammeInterest: ptr("technology_management")}},
		"hybrid":           {labels: []advising.Label{advising.LabelTechnologyManagement, advising.LabelHybrid}},
		"tm vs em":         {labels: []advising.Label{advising.LabelTechnologyManagement, advising.LabelEngineeringManagement, advising.LabelEngineeringManagement}, profile: advising.Profile{ProgrammeInterest: ptr("technology_management")}},
		"em vs tm":         {labels: []advising.Label{advising.LabelTechnologyManagement, advising.LabelTechnologyManagement}, profile: advising.Profile{ProgrammeInterest: ptr("engineering_management")}},
		"undecided em":     {labels: []advising.Label{advising.LabelEngineeringManagement, advising.LabelEngineeringManagement}, profile: advising.Profile{ProgrammeInterest: ptr("undecided")}},
		"unassigned":       {alone: true},
		"borderline":       {labels: []advising.Label{advising.LabelTechnologyManagement}, borderline: advising.LabelTechnologyManagement},
		"overridden":       {labels: []advising.Label{advising.LabelTechnologyManagement}, borderline: advising.LabelHybrid, overridden: true},
		"borderline alone": {borderline: advising.LabelEngineeringManagement, alone: true},
	}
	caseIDs := map[string]string{}
	for name, f := range fixtures {
		applicant := ts.applicant(t)
		id := ts.caseOf(t, applicant.ID)
		caseIDs[name] = id
		ts.profile(t, applicant.ID, f.profile)
		ts.samples(t, applicant.ID, id, f.labels...)
		var borderlineID string
		if f.borderline != "" {
			borderlineID = ts.borderlineSample(t, applicant.ID, id, f.borderline)
		}
		if f.alone {
			continue
		}
		ts.assign(t, id, advisor.ID)
		ts.moveTo(t, advisor, id, f.status)
		if f.since != nil {
			if err := ts.st.BackdateStatusChange(ctx, id, *f.since); err != nil {
				t.Fatal(err)
			}
		}
		switch {
		case f.follow != nil && f.follow.Before(t0): // the API refuses a past follow-up
			if err := ts.st.UpdateCase(ctx, id, store.CaseChanges{SetFollowUp: true, NextFollowUpAt: f.follow}, t0); err != nil {
				t.Fatal(err)
			}
		case f.follow != nil:
			ts.patchCase(t, advisor, id, `{"next_follow_up_at":"`+f.follow.Format(time.RFC3339Nano)+`"}`, http.StatusOK)
		}
		if f.overridden {
			ts.mustDo(t, advisor, http.MethodPut, "/api/v1/work-samples/"+borderlineID+"/override",
				`{"label":"engineering_management","reason":"Read it: the commissioning was theirs."}`, http.StatusOK, nil)
		}
	}

	const (
		ins      = advising.FlagInsufficientEvidence
		mismatch = advising.FlagInterestEvidenceMismatch
		hyb      = advising.FlagHybridEvidence
		limited  = advising.FlagLimitedTrackRecord
		open     = advising.FlagScreeningWindowOpen
		appr     = advising.FlagScreeningWindowApproaching
		stalled  = advising.FlagStalledEvidenceCollection
		overdue  = advising.FlagFollowUpOverdue
		unasg    = advising.FlagUnassigned
		review   = advising.FlagClassificationReview
	)
	tests := []struct {
		at   time.Time
		name string
		want []advising.Flag // exactly these flags
	}{
		{t0, "stalled", []advising.Flag{ins}}, // 42 days to the microsecond: not yet
		{t0.Add(time.Microsecond), "stalled", []advising.Flag{ins, stalled}},
		{t0, "under review", []advising.Flag{ins}},
		{t0, "intake 2027-08", []advising.Flag{ins, open}},
		{t0, "intake 2026-12", []advising.Flag{ins, open}},
		{time.Date(2026, 11, 30, 23, 59, 59, 999999000, time.UTC), "intake 2026-12", []advising.Flag{ins, open}},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), "intake 2026-12", []advising.Flag{ins}}, // the intake has begun
		{time.Date(2026, 11, 30, 23, 59, 59, 999999000, time.UTC), "intake 2027-09", []advising.Flag{ins, appr}},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), "intake 2027-09", []advising.Flag{ins, open}}, // 9 months before
		{t0, "intake 2027-10", []advising.Flag{ins}},
		{time.Date(2026, 12, 1, 23, 59, 59, 999999000, time.UTC), "intake 2027-10", []advising.Flag{ins}},
		{time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), "intake 2027-10", []advising.Flag{ins, appr}}, // 30 days before 2027-01-01
		{t0, "follow-up", []advising.Flag{ins}},
		{t0.Add(day), "follow-up", []advising.Flag{ins}},
		{t0.Add(day + time.Microsecond), "follow-up", []advising.Flag{ins, overdue}},
		{t0, "closed follow", []advising.Flag{ins}},
		{t0, "two years", []advising.Flag{ins, limited}},
		{t0, "three years", []advising.Flag{ins}},
		{t0, "one sample", []advising.Flag{ins}},
		{t0, "tm", nil},
		{t0, "hybrid", []advising.Flag{hyb}},
		{t0, "tm vs em", []advising.Flag{mismatch}},
		{t0, "em vs tm", []advising.Flag{mismatch}},
		{t0, "undecided em", nil},
		{t0, "unassigned", []advising.Flag{ins, unasg}},
		{t0, "borderline", []advising.Flag{review}},
		{t0, "overridden", []advising.Flag{hyb}}, // TM + EM by override: the override settles the review
		{t0, "borderline alone", []advising.Flag{ins, unasg, review}},
	}
	admin := ts.firstAdmin(t)
	checked := map[time.Time]bool{}
	for _, tt := range tests {
		ts.clock.Set(tt.at)
		admin = ts.login(t, admin.Email, testPassword) // tokens live by the clock too
		var got caseBody
		ts.mustDo(t, admin, http.MethodGet, "/api/v1/cases/"+caseIDs[tt.name], "", http.StatusOK, &got)
		want := make([]string, len(tt.want))
		for i, f := range tt.want {
			want[i] = string(f)
		}
		if !slices.Equal(got.Flags, want) && !(len(got.Flags) == 0 && len(want) == 0) {
			t.Errorf("at %v, flags of %q = %v; want %v", tt.at, tt.name, got.Flags, want)
		}
		if !checked[tt.at] {
			checked[tt.at] = true
			checkFlagFilter(t, ts, admin, tt.at)
		}
	}
}

// checkFlagFilter asserts that for every flag, GET /cases?flag= returns
// exactly the cases whose summaries carry it, and the dashboard counts them.
func checkFlagFilter(t *testing.T, ts *testServer, admin testUser, at time.Time) {
	t.Helper()
	all := ts.listAll(t, admin, "sort=created_at", 100)
	var d dashboardBody
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/dashboard", "", http.StatusOK, &d)
	for _, f := range advising.Flags {
		var want []string
		for _, c := range all {
			if c.hasFlag(f) {
				want = append(want, c.ID)
			}
		}
		got := ids(ts.listAll(t, admin, "sort=created_at&flag="+string(f), 100))
		if !slices.Equal(got, want) {
			t.Errorf("at %v, GET /cases?flag=%s = %v; want the cases flagged so: %v", at, f, got, want)
		}
		if d.Flags[string(f)] != len(want) {
			t.Errorf("at %v, dashboard counts %d cases with %s; want %d", at, d.Flags[string(f)], f, len(want))
		}
	}
}
