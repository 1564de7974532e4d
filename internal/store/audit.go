package store

import (
	"context"
	"time"

	"advising/internal/advising"
)

type auditRow struct {
	ID         string
	At         time.Time
	ActorID    *string
	ActorRole  *string
	Action     string
	EntityType string
	EntityID   string
	CaseID     *string
}

func (auditRow) TableName() string { return "audit_events" }

const insertAuditSQL = `INSERT INTO audit_events (id, at, actor_id, actor_role, action, entity_type, entity_id, case_id)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// RecordAudit writes one audit event. Call it inside the transaction of the
// change it records.
func (s *Store) RecordAudit(ctx context.Context, ev advising.AuditEvent) error {
	var role *string
	if ev.ActorRole != nil {
		r := string(*ev.ActorRole)
		role = &r
	}
	// A plain INSERT rather than Create: every mutation writes one of these
	// inside its transaction, so it is on the path of every write.
	_, err := s.execHot(ctx, insertAuditSQL, NewID(), ev.At, ev.ActorID, role, ev.Action, ev.EntityType, ev.EntityID, ev.CaseID)
	if err != nil {
		return mapErr(err, "insert audit event")
	}
	return nil
}

// AuditFilter selects audit events, newest first.
type AuditFilter struct {
	CaseID  string
	ActorID string
	Before  string // keyset: events with a smaller ID
	Limit   int
}

// ListAudit returns up to Limit+1 audit events, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]advising.AuditEvent, error) {
	q := s.db.WithContext(ctx).Order("id DESC").Limit(f.Limit + 1)
	if f.CaseID != "" {
		q = q.Where("case_id = ?", f.CaseID)
	}
	if f.ActorID != "" {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.Before != "" {
		q = q.Where("id < ?", f.Before)
	}
	var rows []auditRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, mapErr(err, "list audit events")
	}
	out := make([]advising.AuditEvent, len(rows))
	for i, r := range rows {
		out[i] = advising.AuditEvent{ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, Action: r.Action,
			EntityType: r.EntityType, EntityID: r.EntityID, CaseID: r.CaseID}
		if r.ActorRole != nil {
			role := advising.Role(*r.ActorRole)
			out[i].ActorRole = &role
		}
	}
	return out, nil
}
