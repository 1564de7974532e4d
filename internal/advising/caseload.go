package advising

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
