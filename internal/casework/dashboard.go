package casework

import (
	"cmp"
	"context"
	"slices"
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

// attention groups, most urgent first. A case counts in its most urgent group.
const (
	groupOverdue = iota
	groupStalled
	groupWindowOpen
	groupWindowApproaching
	groupNone
)

type attentionItem struct {
	id    string
	group int
	at    time.Time // overdue: the follow-up; stalled: when collection began
	month string    // screening windows: the target intake
}

// Dashboard returns an advisor's overview of their own caseload, or admin's
// of the whole office (with every advisor's open caseload). Applicants get
// CodeForbidden. Flags are computed here from one lean read of the
// caseload's facts, so the counts and the list agree with ListCases.
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
	facts, err := s.st.CaseloadFacts(ctx, scope)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{GeneratedAt: now, Total: len(facts), ByStatus: make(map[advising.Status]int, len(advising.Statuses)),
		Flags: make(map[advising.Flag]int, len(advising.Flags))}
	for _, st := range advising.Statuses {
		d.ByStatus[st] = 0
	}
	for _, f := range advising.Flags {
		d.Flags[f] = 0
	}
	var items []attentionItem
	for _, cf := range facts {
		d.ByStatus[cf.Facts.Status]++
		group := groupNone
		for _, f := range fc.ComputeFlags(cf.Facts) {
			d.Flags[f]++
			switch f {
			case advising.FlagFollowUpOverdue:
				group = min(group, groupOverdue)
			case advising.FlagStalledEvidenceCollection:
				group = min(group, groupStalled)
			case advising.FlagScreeningWindowOpen:
				group = min(group, groupWindowOpen)
			case advising.FlagScreeningWindowApproaching:
				group = min(group, groupWindowApproaching)
			}
		}
		if group == groupNone || !cf.Facts.Status.Open() {
			continue
		}
		it := attentionItem{id: cf.ID, group: group}
		switch group {
		case groupOverdue:
			it.at = *cf.Facts.NextFollowUpAt
		case groupStalled:
			it.at = cf.Facts.StatusChangedAt
		default:
			it.month = *cf.Facts.TargetIntake
		}
		items = append(items, it)
	}
	slices.SortFunc(items, func(x, y attentionItem) int {
		return cmp.Or(cmp.Compare(x.group, y.group), x.at.Compare(y.at), cmp.Compare(x.month, y.month), cmp.Compare(x.id, y.id))
	})
	items = items[:min(len(items), AttentionLimit)]
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.id
	}
	cs, err := s.st.CaseSummariesByID(ctx, ids)
	if err != nil {
		return Dashboard{}, err
	}
	byID := make(map[string]advising.Case, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
	}
	d.Attention = make([]CaseView, 0, len(ids))
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			d.Attention = append(d.Attention, CaseView{Case: c, Flags: fc.ComputeFlags(c.FlagFacts())})
		}
	}
	if a.IsAdmin() {
		if d.Advisors, err = s.st.AdvisorLoads(ctx); err != nil {
			return Dashboard{}, err
		}
	}
	return d, nil
}
