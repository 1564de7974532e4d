package advising

import "time"

// FlagFacts returns what the case's flags are computed from.
func (c Case) FlagFacts() FlagFacts {
	return FlagFacts{Evidence: c.Evidence, ProgrammeInterest: c.Profile.ProgrammeInterest,
		YearsExperience: c.Profile.YearsExperience, TargetIntake: c.Profile.TargetIntake,
		Status: c.Status, StatusChangedAt: c.StatusChangedAt, NextFollowUpAt: c.NextFollowUpAt,
		Assigned: c.Advisor != nil}
}

// OfficeMaySee reports whether a member of the office may read and work on
// a case with the given advisor: admin always, an advisor only on their own
// caseload. Applicants never reach a case through the office's endpoints.
func OfficeMaySee(a Actor, advisorID *string) bool {
	switch a.Role {
	case RoleAdmin:
		return true
	case RoleAdvisor:
		return advisorID != nil && *advisorID == a.UserID
	}
	return false
}

// Open reports whether a case in status s is still being worked on.
func (s Status) Open() bool { return s != StatusClosed }

// Finished reports whether a case in status s needs no more work: a
// recommendation has been recorded, or the case is closed. Finished cases
// are left out of the attention list.
func (s Status) Finished() bool { return s == StatusRecommended || s == StatusClosed }

// FollowUpAllowed reports whether at may be set as a case's next follow-up
// at the instant now: not on a day that is already over in the office's
// time zone loc. Today stays allowed whatever the hour, so "later today"
// is a valid choice; yesterday is a mistake, and an overdue flag the
// moment it is saved would only hide it.
func FollowUpAllowed(at, now time.Time, loc *time.Location) bool {
	if loc == nil {
		loc = time.UTC
	}
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	return !at.Before(today)
}

// SavedView is a named caseload view: filters and an order, without the
// search text (which may name an applicant).
type SavedView struct {
	ID        string
	Name      string
	Statuses  []Status
	Flag      Flag
	Advisor   string // "", "unassigned" or an advisor's id (admin only)
	Sort      string
	CreatedAt time.Time
}
