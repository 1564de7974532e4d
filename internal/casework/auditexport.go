package casework

import (
	"context"

	"advising/internal/advising"
	"advising/internal/store"
)

// AuditNames are what an audit page shows instead of record IDs: the names
// of the people who acted (or who were given a case), and the applicant of
// each case. An erased applicant has no entry in either.
type AuditNames struct {
	People map[string]string           // user ID → full name
	Cases  map[string]advising.UserRef // case ID → its applicant
}

// NameAudit returns the names behind events: their actors, the people
// their changes name (advisor_id, an export's person filter), and the
// applicants of their cases (and of an export's case filter). Only admin
// may ask (CodeForbidden), as only admin reads the trail.
func (s *Service) NameAudit(ctx context.Context, a advising.Actor, events []advising.AuditEvent) (AuditNames, error) {
	if !a.IsAdmin() {
		return AuditNames{}, advising.Errorf(advising.CodeForbidden, "only admin may read the audit trail")
	}
	return s.nameAudit(ctx, s.st, events)
}

func (s *Service) nameAudit(ctx context.Context, st *store.Store, events []advising.AuditEvent) (AuditNames, error) {
	var people, cases []string
	for _, e := range events {
		if e.ActorID != nil {
			people = append(people, *e.ActorID)
		}
		if e.CaseID != nil {
			cases = append(cases, *e.CaseID)
		}
		for _, ch := range e.Changes {
			for _, v := range []*string{ch.Old, ch.New} {
				switch {
				case v == nil:
				case ch.Field == "advisor_id" || ch.Field == "filter_actor_id":
					people = append(people, *v)
				case ch.Field == "filter_case_id":
					cases = append(cases, *v)
				}
			}
		}
	}
	var n AuditNames
	var err error
	if n.People, err = st.UserNames(ctx, people); err != nil {
		return AuditNames{}, err
	}
	if n.Cases, err = st.CaseApplicants(ctx, cases); err != nil {
		return AuditNames{}, err
	}
	return n, nil
}

// maxIDLen is the length of every record ID (a UUID).
const maxIDLen = 36

// auditExportPage is how many events one step of an export reads.
const auditExportPage = MaxLimit

// ExportAudit hands every audit event q selects, newest first, to yield a
// page at a time with the page's names, so memory stays bounded however
// long the trail is; q's Cursor and Limit are ignored. The export is itself
// recorded first (audit.exported), since it hands out who did what in
// bulk. Only admin may export (CodeForbidden); q's filters are checked as
// ListAudit checks them (CodeInvalid). It stops at yield's first error and
// returns it.
func (s *Service) ExportAudit(ctx context.Context, a advising.Actor, q AuditQuery, yield func([]advising.AuditEvent, AuditNames) error) error {
	q.Cursor, q.Limit = "", auditExportPage
	first, err := s.ListAudit(ctx, a, q) // checks the caller and the filters before anything is recorded
	if err != nil {
		return err
	}
	var v advising.Validator // the filters are recorded: IDs fit the audit trail's columns
	v.Check(len(q.CaseID) <= maxIDLen, "case_id", "must be a case id")
	v.Check(len(q.ActorID) <= maxIDLen, "actor_id", "must be a person's id")
	if err := v.Err(); err != nil {
		return err
	}
	var ch []advising.FieldChange
	for _, f := range []struct{ field, value string }{{"case_id", q.CaseID}, {"actor_id", q.ActorID}, {"action", q.Action}} {
		if f.value != "" {
			ch = append(ch, change("filter_"+f.field, nil, f.value))
		}
	}
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		return audit(ctx, tx, a, s.clock(), "audit.exported", "audit_trail", "office", q.CaseID, ch...)
	})
	if err != nil {
		return err
	}
	for p := first; ; {
		names, err := s.nameAudit(ctx, s.st, p.Items)
		if err != nil {
			return err
		}
		if err := yield(p.Items, names); err != nil {
			return err
		}
		if p.NextCursor == nil {
			return nil
		}
		q.Cursor = *p.NextCursor
		if p, err = s.ListAudit(ctx, a, q); err != nil {
			return err
		}
	}
}
