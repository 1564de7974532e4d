package casework

import (
	"context"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
)

type auditCursor struct {
	ID string `json:"id"`
}

// AuditQuery is what a caller asks the audit trail for; every member is
// optional and they combine with AND.
type AuditQuery struct {
	CaseID  string
	ActorID string
	Action  string     // e.g. "applicant.erased"
	Since   *time.Time // at or after
	Until   *time.Time // before
	Cursor  string
	Limit   int
}

// MaxAuditActionLen bounds the action filter; every action is far shorter.
const MaxAuditActionLen = 64

// ListAudit returns a page of the audit trail, newest first, filtered by
// q. Only admin may read it (CodeForbidden); a bad limit or cursor, an
// over-long action or a since after until is CodeInvalid.
func (s *Service) ListAudit(ctx context.Context, a advising.Actor, q AuditQuery) (Page[advising.AuditEvent], error) {
	if !a.IsAdmin() {
		return Page[advising.AuditEvent]{}, advising.Errorf(advising.CodeForbidden, "only admin may read the audit trail")
	}
	limit, err := checkLimit(q.Limit)
	if err != nil {
		return Page[advising.AuditEvent]{}, err
	}
	var v advising.Validator
	v.Check(len(q.Action) <= MaxAuditActionLen, "action", "must be at most 64 characters")
	v.Check(q.Since == nil || q.Until == nil || q.Since.Before(*q.Until), "until", "must be after since")
	if err := v.Err(); err != nil {
		return Page[advising.AuditEvent]{}, err
	}
	var cur auditCursor
	if err := decodeCursor(q.Cursor, &cur); err != nil {
		return Page[advising.AuditEvent]{}, err
	}
	rows, err := s.st.ListAudit(ctx, store.AuditFilter{CaseID: q.CaseID, ActorID: q.ActorID, Action: q.Action,
		Since: q.Since, Until: q.Until, Before: cur.ID, Limit: limit})
	if err != nil {
		return Page[advising.AuditEvent]{}, err
	}
	return paginate(rows, limit, func(e advising.AuditEvent) any { return auditCursor{ID: e.ID} }), nil
}

// CaseHistory is a case's audit trail as its advisor reads it: the events,
// newest first, and the names of the people they mention.
type CaseHistory struct {
	Events []advising.AuditEvent
	// Names maps the ids of the staff who acted, and of advisors the case
	// was assigned to, to their names. The applicant is not in it (pages
	// say "the applicant"), nor is anyone since erased.
	Names       map[string]string
	ApplicantID string
	More        bool // older events exist beyond these
}

// MaxCaseHistory is how many events CaseActivity returns at most.
const MaxCaseHistory = 100

// CaseActivity returns the newest limit (1 to MaxCaseHistory) events of a
// case's audit trail for its assigned advisor or admin: who did what and
// when, with the fields changed (never personal text). A case the caller
// may not see is CodeNotFound; applicants get CodeForbidden.
func (s *Service) CaseActivity(ctx context.Context, a advising.Actor, caseID string, limit int) (CaseHistory, error) {
	if err := officeOnly(a); err != nil {
		return CaseHistory{}, err
	}
	if limit < 1 || limit > MaxCaseHistory {
		return CaseHistory{}, advising.Invalid(advising.FieldError{Field: "limit", Message: "must be between 1 and 100"})
	}
	ca, err := s.st.CaseAccessByID(ctx, caseID)
	if err != nil {
		return CaseHistory{}, err
	}
	if !advising.OfficeMaySee(a, ca.AdvisorID) {
		return CaseHistory{}, errCaseNotFound
	}
	rows, err := s.st.ListAudit(ctx, store.AuditFilter{CaseID: ca.ID, Limit: limit})
	if err != nil {
		return CaseHistory{}, err
	}
	h := CaseHistory{ApplicantID: ca.ApplicantID, More: len(rows) > limit}
	h.Events = rows[:min(len(rows), limit)]
	// One lookup for the page: the staff who acted and the advisors the
	// assignments name. The applicant is "the applicant", never a name.
	var ids []string
	for _, e := range h.Events {
		if e.ActorID != nil {
			ids = append(ids, *e.ActorID)
		}
		for _, ch := range e.Changes {
			if ch.Field != "advisor_id" {
				continue
			}
			for _, v := range []*string{ch.Old, ch.New} {
				if v != nil {
					ids = append(ids, *v)
				}
			}
		}
	}
	if h.Names, err = s.st.StaffNames(ctx, ids); err != nil {
		return CaseHistory{}, err
	}
	return h, nil
}
