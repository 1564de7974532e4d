package advising

import "time"

// Flag names something about a case that deserves an advisor's attention.
// Flags are computed from the case and the clock whenever a case is read.
type Flag string

// The flags, in the order they are reported.
const (
	FlagInsufficientEvidence       Flag = "insufficient_evidence"
	FlagInterestEvidenceMismatch   Flag = "interest_evidence_mismatch"
	FlagHybridEvidence             Flag = "hybrid_evidence"
	FlagLimitedTrackRecord         Flag = "limited_track_record"
	FlagScreeningWindowOpen        Flag = "screening_window_open"
	FlagScreeningWindowApproaching Flag = "screening_window_approaching"
	FlagStalledEvidenceCollection  Flag = "stalled_evidence_collection"
	FlagFollowUpOverdue            Flag = "follow_up_overdue"
	FlagUnassigned                 Flag = "unassigned"
	// FlagClassificationReview: some work sample is borderline and has no
	// override, so an advisor should read it before relying on its label.
	FlagClassificationReview Flag = "classification_review"
)

// Flags lists every flag in report order.
var Flags = []Flag{FlagInsufficientEvidence, FlagInterestEvidenceMismatch, FlagHybridEvidence,
	FlagLimitedTrackRecord, FlagScreeningWindowOpen, FlagScreeningWindowApproaching,
	FlagStalledEvidenceCollection, FlagFollowUpOverdue, FlagUnassigned, FlagClassificationReview}

// Valid reports whether f is a known flag.
func (f Flag) Valid() bool {
	for _, v := range Flags {
		if v == f {
			return true
		}
	}
	return false
}

// Timing rules from the office's guidance.
const (
	// StalledAfter: applicants need four to six weeks to map their evidence;
	// still collecting after six weeks means the case has stalled.
	StalledAfter = 42 * 24 * time.Hour
	// ScreeningWindowMonths: screening may open nine months before the intake.
	ScreeningWindowMonths = 9
	// ApproachingWindow is how long before the window opens it is "approaching".
	ApproachingWindow = 30 * 24 * time.Hour
	// LimitedTrackRecordYears: under three years of experience needs attention.
	LimitedTrackRecordYears = 3
)

// FlagFacts is what flags are computed from.
type FlagFacts struct {
	Evidence          Evidence
	ProgrammeInterest *string
	YearsExperience   *int
	TargetIntake      *string // YYYY-MM
	Status            Status
	StatusChangedAt   time.Time
	NextFollowUpAt    *time.Time
	Assigned          bool
}

// Window is a half-open range of target intakes, as YYYY-MM strings: an
// intake is inside when After < intake <= Through. Both the Go flag code and
// the store's flag filter compare intakes this way, so they cannot disagree.
type Window struct{ After, Through string }

// Contains reports whether the YYYY-MM intake lies in the window.
func (w Window) Contains(intake string) bool { return intake > w.After && intake <= w.Through }

// ScreeningWindows returns, for the instant now, the target intakes whose
// screening window is open (from the first day of the intake month minus nine
// months, until the intake) and those whose window opens within 30 days.
func ScreeningWindows(now time.Time) (open, approaching Window) {
	month := func(t time.Time) time.Time {
		t = t.UTC()
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	ym := func(t time.Time) string { return t.Format("2006-01") }
	thisMonth := month(now)
	// Open: intake-9m <= now < intake  <=>  ym(now) < intake <= ym(now)+9m.
	open = Window{After: ym(thisMonth), Through: ym(thisMonth.AddDate(0, ScreeningWindowMonths, 0))}
	// Approaching: now < intake-9m <= now+30d.
	approaching = Window{After: open.Through, Through: ym(month(now.Add(ApproachingWindow)).AddDate(0, ScreeningWindowMonths, 0))}
	return open, approaching
}

// Clock values a flag computation needs, derived once per request.
type FlagClock struct {
	Now               time.Time
	Open, Approaching Window
	StalledBefore     time.Time
}

// NewFlagClock derives the flag boundaries for the instant now.
func NewFlagClock(now time.Time) FlagClock {
	open, appr := ScreeningWindows(now)
	return FlagClock{Now: now, Open: open, Approaching: appr, StalledBefore: now.Add(-StalledAfter)}
}

// ComputeFlags returns the flags that hold for a case at the clock's instant.
func (fc FlagClock) ComputeFlags(f FlagFacts) []Flag {
	flags := make([]Flag, 0, 4)
	pathway := f.Evidence.SuggestedPathway()
	if pathway == PathwayInsufficientEvidence {
		flags = append(flags, FlagInsufficientEvidence)
	}
	if f.ProgrammeInterest != nil {
		pi := Pathway(*f.ProgrammeInterest)
		if (pi == PathwayTechnologyManagement && pathway == PathwayEngineeringManagement) ||
			(pi == PathwayEngineeringManagement && pathway == PathwayTechnologyManagement) {
			flags = append(flags, FlagInterestEvidenceMismatch)
		}
	}
	if pathway == PathwayHybridSyllabusReview {
		flags = append(flags, FlagHybridEvidence)
	}
	if f.YearsExperience != nil && *f.YearsExperience < LimitedTrackRecordYears {
		flags = append(flags, FlagLimitedTrackRecord)
	}
	if f.TargetIntake != nil {
		if fc.Open.Contains(*f.TargetIntake) {
			flags = append(flags, FlagScreeningWindowOpen)
		}
		if fc.Approaching.Contains(*f.TargetIntake) {
			flags = append(flags, FlagScreeningWindowApproaching)
		}
	}
	if f.Status == StatusEvidenceCollection && f.StatusChangedAt.Before(fc.StalledBefore) {
		flags = append(flags, FlagStalledEvidenceCollection)
	}
	if f.NextFollowUpAt != nil && f.NextFollowUpAt.Before(fc.Now) && f.Status != StatusClosed {
		flags = append(flags, FlagFollowUpOverdue)
	}
	if !f.Assigned {
		flags = append(flags, FlagUnassigned)
	}
	if f.Evidence.AwaitingReview > 0 {
		flags = append(flags, FlagClassificationReview)
	}
	return flags
}

// FlagsHoldUntil returns an instant after fc.Now up to which (not
// including it) the flags of f stay as ComputeFlags(f) gives them at fc.Now;
// at that instant they may change. The clock moves a
// case's flags when a follow-up date passes, when evidence collection
// reaches StalledAfter, and when the screening windows move on (at the
// start of a month, for the open window and for the approaching one).
func (fc FlagClock) FlagsHoldUntil(f FlagFacts) time.Time {
	nextMonth := func(t time.Time) time.Time {
		t = t.UTC()
		return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	}
	until := nextMonth(fc.Now)
	if t := nextMonth(fc.Now.Add(ApproachingWindow)).Add(-ApproachingWindow); t.Before(until) {
		until = t
	}
	earlier := func(t time.Time) {
		if t.After(fc.Now) && t.Before(until) {
			until = t
		}
	}
	// Stalled once StatusChangedAt < t-StalledAfter, overdue once the date
	// < t: both still hold at the boundary itself.
	if f.Status == StatusEvidenceCollection {
		earlier(f.StatusChangedAt.Add(StalledAfter + time.Nanosecond))
	}
	if f.NextFollowUpAt != nil && f.Status != StatusClosed {
		earlier(f.NextFollowUpAt.Add(time.Nanosecond))
	}
	return until
}
