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
