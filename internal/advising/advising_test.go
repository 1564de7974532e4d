package advising

import (
	"slices"
	"testing"
	"time"
)

func TestCanTransition(t *testing.T) {
	allowed := map[[2]Status]bool{
		{StatusNew, StatusEvidenceCollection}:         true,
		{StatusEvidenceCollection, StatusUnderReview}: true,
		{StatusUnderReview, StatusEvidenceCollection}: true,
		{StatusRecommended, StatusClosed}:             true,
		{StatusClosed, StatusUnderReview}:             true,
		{StatusNew, StatusClosed}:                     true,
		{StatusEvidenceCollection, StatusClosed}:      true,
		{StatusUnderReview, StatusClosed}:             true,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			if got := CanTransition(from, to); got != allowed[[2]Status{from, to}] {
				t.Errorf("CanTransition(%s, %s) = %v; want %v", from, to, got, !got)
			}
		}
	}
	for _, s := range Statuses {
		if want := s == StatusEvidenceCollection || s == StatusUnderReview; CanRecommend(s) != want {
			t.Errorf("CanRecommend(%s) = %v; want %v", s, !want, want)
		}
	}
}

func TestSuggestedPathway(t *testing.T) {
	tests := []struct {
		e    Evidence
		want Pathway
	}{
		{Evidence{}, PathwayInsufficientEvidence},
		{Evidence{TechnologyManagement: 1, InsufficientEvidence: 5}, PathwayInsufficientEvidence},
		{Evidence{TechnologyManagement: 2}, PathwayTechnologyManagement},
		{Evidence{EngineeringManagement: 2, InsufficientEvidence: 3}, PathwayEngineeringManagement},
		{Evidence{TechnologyManagement: 2, EngineeringManagement: 1, Hybrid: 1}, PathwayHybridSyllabusReview},
		{Evidence{TechnologyManagement: 3, EngineeringManagement: 1, Hybrid: 1}, PathwayTechnologyManagement},
		{Evidence{Hybrid: 2}, PathwayHybridSyllabusReview},
		{Evidence{TechnologyManagement: 1, EngineeringManagement: 1}, PathwayHybridSyllabusReview},
	}
	for _, tt := range tests {
		if got := tt.e.SuggestedPathway(); got != tt.want {
			t.Errorf("%+v.SuggestedPathway() = %s; want %s", tt.e, got, tt.want)
		}
	}
}

func TestScreeningWindows(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	tests := []struct {
		now               time.Time
		intake            string
		open, approaching bool
	}{
		// Intake 2027-09: the window opens 2026-12-01 and closes 2027-09-01.
		{day(2026, 11, 30), "2027-09", false, true},
		{day(2026, 11, 1), "2027-09", false, true}, // exactly 30 days before 12-01
		{day(2026, 10, 31), "2027-09", false, false},
		{day(2026, 12, 1), "2027-09", true, false},
		{day(2027, 8, 31), "2027-09", true, false},
		{day(2027, 9, 1), "2027-09", false, false},
		{day(2026, 11, 22), "2026-11", false, false},
		{day(2026, 11, 22), "2026-12", true, false},
	}
	for _, tt := range tests {
		open, appr := ScreeningWindows(tt.now)
		if open.Contains(tt.intake) != tt.open || appr.Contains(tt.intake) != tt.approaching {
			t.Errorf("ScreeningWindows(%s) for intake %s: open %v approaching %v; want %v %v",
				tt.now.Format(time.DateOnly), tt.intake, open.Contains(tt.intake), appr.Contains(tt.intake), tt.open, tt.approaching)
		}
	}
}

func TestComputeFlags(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	fc := NewFlagClock(now)
	str := func(s string) *string { return &s }
	num := func(n int) *int { return &n }
	past, future := now.Add(-time.Minute), now.Add(time.Minute)
	two := Evidence{TechnologyManagement: 2}
	tests := []struct {
		name string
		f    FlagFacts
		want []Flag
	}{
		{"no evidence, unassigned", FlagFacts{Status: StatusNew}, []Flag{FlagInsufficientEvidence, FlagUnassigned}},
		{"mismatch", FlagFacts{Evidence: two, ProgrammeInterest: str("engineering_management"), Assigned: true}, []Flag{FlagInterestEvidenceMismatch}},
		{"undecided is no mismatch", FlagFacts{Evidence: two, ProgrammeInterest: str("undecided"), Assigned: true}, []Flag{}},
		{"hybrid", FlagFacts{Evidence: Evidence{Hybrid: 2}, Assigned: true}, []Flag{FlagHybridEvidence}},
		{"limited track record", FlagFacts{Evidence: two, YearsExperience: num(2), Assigned: true}, []Flag{FlagLimitedTrackRecord}},
		{"three years is enough", FlagFacts{Evidence: two, YearsExperience: num(3), Assigned: true}, []Flag{}},
		{"stalled", FlagFacts{Evidence: two, Status: StatusEvidenceCollection, StatusChangedAt: now.Add(-StalledAfter - time.Second), Assigned: true}, []Flag{FlagStalledEvidenceCollection}},
		{"not yet stalled", FlagFacts{Evidence: two, Status: StatusEvidenceCollection, StatusChangedAt: now.Add(-StalledAfter + time.Second), Assigned: true}, []Flag{}},
		{"overdue", FlagFacts{Evidence: two, Status: StatusUnderReview, NextFollowUpAt: &past, Assigned: true}, []Flag{FlagFollowUpOverdue}},
		{"due later", FlagFacts{Evidence: two, Status: StatusUnderReview, NextFollowUpAt: &future, Assigned: true}, []Flag{}},
		{"closed is never overdue", FlagFacts{Evidence: two, Status: StatusClosed, NextFollowUpAt: &past, Assigned: true}, []Flag{}},
		{"window open", FlagFacts{Evidence: two, TargetIntake: str("2027-06"), Assigned: true}, []Flag{FlagScreeningWindowOpen}},
		{"window approaching", FlagFacts{Evidence: two, TargetIntake: str("2027-09"), Assigned: true}, []Flag{FlagScreeningWindowApproaching}},
		{"a borderline sample awaits review", FlagFacts{Evidence: Evidence{TechnologyManagement: 2, AwaitingReview: 1}, Assigned: true}, []Flag{FlagClassificationReview}},
		{"review comes after every other flag", FlagFacts{Evidence: Evidence{Hybrid: 1, AwaitingReview: 1}}, []Flag{FlagInsufficientEvidence, FlagUnassigned, FlagClassificationReview}},
	}
	for _, tt := range tests {
		if got := fc.ComputeFlags(tt.f); !slices.Equal(got, tt.want) {
			t.Errorf("%s: ComputeFlags(%+v) = %v; want %v", tt.name, tt.f, got, tt.want)
		}
	}
}

// A sample awaits review exactly when it is borderline and not overridden.
func TestNeedsReview(t *testing.T) {
	o := &Override{Label: LabelHybrid, Reason: "read it"}
	tests := []struct {
		borderline bool
		override   *Override
		want       bool
	}{{false, nil, false}, {true, nil, true}, {true, o, false}, {false, o, false}}
	for _, tt := range tests {
		w := WorkSample{Classification: Classification{Borderline: tt.borderline}, Override: tt.override}
		if got := w.NeedsReview(); got != tt.want {
			t.Errorf("NeedsReview(borderline %v, override %v) = %v; want %v", tt.borderline, tt.override != nil, got, tt.want)
		}
	}
}

func TestFollowUpAllowed(t *testing.T) {
	hk, err := time.LoadLocation("Asia/Hong_Kong")
	if err != nil {
		t.Fatal(err)
	}
	// 20:00 UTC on 1 December is already 04:00 on 2 December in Hong Kong.
	now := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		at   time.Time
		loc  *time.Location
		want bool
	}{
		{"earlier today, UTC", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), time.UTC, true},
		{"yesterday, UTC", time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC), time.UTC, false},
		{"tomorrow", time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC), time.UTC, true},
		{"today in UTC is yesterday in Hong Kong", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), hk, false},
		{"start of the Hong Kong day", time.Date(2026, 12, 2, 0, 0, 0, 0, hk), hk, true},
		{"no zone means UTC", time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), nil, false},
	}
	for _, tt := range tests {
		if got := FollowUpAllowed(tt.at, now, tt.loc); got != tt.want {
			t.Errorf("%s: FollowUpAllowed(%v, %v, %v) = %v; want %v", tt.name, tt.at, now, tt.loc, got, tt.want)
		}
	}
}

// The flags FlagsHoldUntil promises stay the same up to the instant it
// returns, and that instant is the next change: a follow-up date passing,
// a stalled threshold reached, or a screening window moving on.
func TestFlagsHoldUntil(t *testing.T) {
	day := 24 * time.Hour
	base := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	changed := 0
	for i := range 3000 {
		now := base.Add(time.Duration(i*7919) * time.Minute)
		fc := NewFlagClock(now)
		f := FlagFacts{Status: Statuses[i%len(Statuses)], StatusChangedAt: now.Add(-StalledAfter + time.Duration(i%97-48)*time.Hour),
			Assigned: i%3 > 0}
		if i%2 == 0 {
			at := now.Add(time.Duration(i%61-20) * 11 * time.Hour)
			f.NextFollowUpAt = &at
		}
		intake := now.AddDate(0, i%13-1, 0).Format("2006-01")
		f.TargetIntake = &intake
		until := fc.FlagsHoldUntil(f)
		if !until.After(now) || until.After(now.Add(32*day)) {
			t.Fatalf("case %d at %s: holds until %s; want within the month after", i, now, until)
		}
		want := fc.ComputeFlags(f)
		span := until.Sub(now)
		for _, at := range []time.Time{now, until.Add(-time.Nanosecond), now.Add(span / 2), now.Add(span / 7)} {
			if got := NewFlagClock(at).ComputeFlags(f); !slices.Equal(got, want) {
				t.Fatalf("case %d: flags at %s = %v; at %s they were %v, said to hold until %s", i, at, got, now, want, until)
			}
		}
		if !slices.Equal(NewFlagClock(until).ComputeFlags(f), want) {
			changed++
		}
	}
	if changed < 300 {
		t.Errorf("flags changed right at the returned instant in %d of 3000 cases; want it to be the next change, often", changed)
	}

	// Exactly: just after a follow-up later today, just after evidence
	// stalls tomorrow, and otherwise the first of next month.
	now := base
	later := now.Add(5 * time.Hour)
	fc := NewFlagClock(now)
	if got := fc.FlagsHoldUntil(FlagFacts{Status: StatusUnderReview, NextFollowUpAt: &later}); !got.Equal(later.Add(time.Nanosecond)) {
		t.Errorf("follow-up at %s: holds until %s", later, got)
	}
	stalls := now.Add(day)
	if got := fc.FlagsHoldUntil(FlagFacts{Status: StatusEvidenceCollection, StatusChangedAt: stalls.Add(-StalledAfter)}); !got.Equal(stalls.Add(time.Nanosecond)) {
		t.Errorf("stalls at %s: holds until %s", stalls, got)
	}
	if got, want := fc.FlagsHoldUntil(FlagFacts{Status: StatusClosed, NextFollowUpAt: &later}), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("a closed case: holds until %s; want %s", got, want)
	}
}
