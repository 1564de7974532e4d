package casework

import (
	"context"

	"advising/internal/advising"
	"advising/internal/store"
)

type auditCursor struct {
	ID string `json:"id"`
}

// ListAudit returns a page of the audit trail, newest first, optionally only
// about one case and/or by one actor. Only admin may read it
// (CodeForbidden); a bad limit or cursor is CodeInvalid.
func (s *Service) ListAudit(ctx context.Context, a advising.Actor, caseID, actorID, cursor string, limit int) (Page[advising.AuditEvent], error) {
	if !a.IsAdmin() {
		return Page[advising.AuditEvent]{}, advising.Errorf(advising.CodeForbidden, "only admin may read the audit trail")
	}
	limit, err := checkLimit(limit)
	if err != nil {
		return Page[advising.AuditEvent]{}, err
	}
	var cur auditCursor
	if err := decodeCursor(cursor, &cur); err != nil {
		return Page[advising.AuditEvent]{}, err
	}
	rows, err := s.st.ListAudit(ctx, store.AuditFilter{CaseID: caseID, ActorID: actorID, Before: cur.ID, Limit: limit})
	if err != nil {
		return Page[advising.AuditEvent]{}, err
	}
	return paginate(rows, limit, func(e advising.AuditEvent) any { return auditCursor{ID: e.ID} }), nil
}
