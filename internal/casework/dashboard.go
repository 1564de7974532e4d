package casework

import (
	"context"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
)

// AttentionLimit is how many cases the dashboard lists as needing attention.
const AttentionLimit = 20

// AdvisorLoad is one advisor's open caseload.
type AdvisorLoad = store.AdvisorLoad

// Dashboard is the office's overview of a caseload.
type Dashboard struct {
	GeneratedAt time.Time
	Total       int
	ByStatus    map[advising.Status]int // every status, zeros included
	Flags       map[advising.Flag]int   // every flag, zeros included
	Attention   []CaseView              // most urgent first
	Advisors    []AdvisorLoad           // admin only; nil for an advisor
}

// Dashboard returns an advisor's overview of their own caseload, or admin's
// of the whole office (with every advisor's open caseload). Applicants get
// CodeForbidden. The store counts with the flag filter's predicates, which
// tests hold equal to advising.FlagClock.ComputeFlags, so the counts, the
// attention list and ListCases agree.
func (s *Service) Dashboard(ctx context.Context, a advising.Actor) (Dashboard, error) {
	if err := officeOnly(a); err != nil {
		return Dashboard{}, err
	}
	now := s.clock()
	fc := advising.NewFlagClock(now)
	scope := ""
	if a.Role == advising.RoleAdvisor {
		scope = a.UserID
	}
	counts, err := s.st.CountCaseload(ctx, scope, fc)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{GeneratedAt: now, ByStatus: make(map[advising.Status]int, len(advising.Statuses)),
		Flags: make(map[advising.Flag]int, len(advising.Flags))}
	for _, st := range advising.Statuses {
		d.ByStatus[st] = counts.ByStatus[st]
		d.Total += counts.ByStatus[st]
	}
	for _, f := range advising.Flags {
		d.Flags[f] = counts.ByFlag[f]
	}
	cs, err := s.st.AttentionCases(ctx, scope, fc, AttentionLimit)
	if err != nil {
		return Dashboard{}, err
	}
	d.Attention = s.views(cs, fc)
	if a.IsAdmin() {
		if d.Advisors, err = s.st.AdvisorLoads(ctx, counts.OpenByAdvisor); err != nil {
			return Dashboard{}, err
		}
	}
	return d, nil
}
