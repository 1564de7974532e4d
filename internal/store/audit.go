package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
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
	Changes    *string
}

func (auditRow) TableName() string { return "audit_events" }

func (r auditRow) event() advising.AuditEvent {
	ev := advising.AuditEvent{ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, Action: r.Action,
		EntityType: r.EntityType, EntityID: r.EntityID, CaseID: r.CaseID}
	if r.ActorRole != nil {
		role := advising.Role(*r.ActorRole)
		ev.ActorRole = &role
	}
	if r.Changes != nil {
		ev.Changes = decodeChanges(*r.Changes)
	}
	return ev
}

// changeJSON is one stored field change; the column holds an object of
// them keyed by field name.
type changeJSON struct {
	Old *string `json:"old"`
	New *string `json:"new"`
}

// encodeChanges returns the changes column for cs: NULL when there are none.
func encodeChanges(cs []advising.FieldChange) *string {
	if len(cs) == 0 {
		return nil
	}
	m := make(map[string]changeJSON, len(cs))
	for _, c := range cs {
		m[c.Field] = changeJSON{Old: c.Old, New: c.New}
	}
	b, _ := json.Marshal(m) // strings only
	s := string(b)
	return &s
}

// decodeChanges reads the changes column, in field-name order.
func decodeChanges(s string) []advising.FieldChange {
	var m map[string]changeJSON
	if json.Unmarshal([]byte(s), &m) != nil { // written only by encodeChanges
		return nil
	}
	out := make([]advising.FieldChange, 0, len(m))
	for k, v := range m {
		out = append(out, advising.FieldChange{Field: k, Old: v.Old, New: v.New})
	}
	slices.SortFunc(out, func(a, b advising.FieldChange) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// auditColumns are the columns of an audit event as auditArgs gives them.
const auditColumns = "id, at, actor_id, actor_role, action, entity_type, entity_id, case_id, changes"

const insertAuditSQL = `INSERT INTO audit_events (` + auditColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

// auditArgs are the values of a new audit event's auditColumns.
func auditArgs(ev advising.AuditEvent) []any {
	var role *string
	if ev.ActorRole != nil {
		r := string(*ev.ActorRole)
		role = &r
	}
	return []any{NewID(), ev.At, ev.ActorID, role, ev.Action, ev.EntityType, ev.EntityID, ev.CaseID, encodeChanges(ev.Changes)}
}

// RecordAudit writes one audit event. Call it inside the transaction of the
// change it records.
func (s *Store) RecordAudit(ctx context.Context, ev advising.AuditEvent) error {
	// A plain INSERT rather than Create: every mutation writes one of these
	// inside its transaction, so it is on the path of every write.
	if _, err := s.execHot(ctx, insertAuditSQL, auditArgs(ev)...); err != nil {
		return mapErr(err, "insert audit event")
	}
	return nil
}

// AuditFilter selects audit events, newest first.
type AuditFilter struct {
	CaseID  string
	ActorID string
	Action  string
	Since   *time.Time // events at or after
	Until   *time.Time // events before
	Before  string     // keyset: events with a smaller ID
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
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.Since != nil {
		q = q.Where("at >= ?", f.Since.UTC())
	}
	if f.Until != nil {
		q = q.Where("at < ?", f.Until.UTC())
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
		out[i] = r.event()
	}
	return out, nil
}

// MaxAuditAbout bounds how many audit events AuditAbout returns, so one
// export costs bounded memory whatever the trail holds.
const MaxAuditAbout = 10000

// AuditAbout returns, oldest first, the audit events about an applicant:
// those on their case, about their account, or done by them. At most
// MaxAuditAbout are returned (the newest are kept).
func (s *Store) AuditAbout(ctx context.Context, applicantID, caseID string) ([]advising.AuditEvent, error) {
	var rows []auditRow
	err := s.db.WithContext(ctx).Where("case_id = ? OR entity_id = ? OR actor_id = ?", caseID, applicantID, applicantID).
		Order("id DESC").Limit(MaxAuditAbout).Find(&rows).Error
	if err != nil {
		return nil, mapErr(err, "list audit events")
	}
	out := make([]advising.AuditEvent, len(rows))
	for i, r := range rows {
		out[len(rows)-1-i] = r.event()
	}
	return out, nil
}

// PurgeAuditBefore deletes the audit events recorded before cutoff and
// returns how many went. Call it inside a transaction.
func (s *Store) PurgeAuditBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	res := s.w.WithContext(ctx).Exec("DELETE FROM audit_events WHERE at < ?", cutoff.UTC())
	if res.Error != nil {
		return 0, fmt.Errorf("purge audit events: %w", res.Error)
	}
	return res.RowsAffected, nil
}
