package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"

	"advising/internal/advising"
)

// CaseByID returns a case with its summary, whole profile and
// recommendation (work samples are read separately), or not-found. Inside
// Tx it reads the transaction's own view.
func (s *Store) CaseByID(ctx context.Context, id string) (advising.Case, error) {
	var q query
	q.add("c.id = ?", id)
	cs, err := s.appendSummaries(ctx, make([]advising.Case, 0, 1), q, "", 1)
	if err == nil {
		err = s.fillAdvisors(ctx, cs)
	}
	if err != nil {
		return advising.Case{}, err
	}
	if len(cs) == 0 {
		return advising.Case{}, advising.Errorf(advising.CodeNotFound, "case not found")
	}
	c := cs[0]
	if c.Profile, err = s.ProfileByApplicant(ctx, c.ApplicantID); err != nil {
		return advising.Case{}, err
	}
	var (
		pathway, rationale, by sql.NullString
		at                     sql.NullTime
	)
	err = s.db.WithContext(ctx).Raw("SELECT rec_pathway, rec_rationale, rec_decided_by, rec_decided_at FROM cases WHERE id = ?", id).
		Row().Scan(&pathway, &rationale, &by, &at)
	if err != nil {
		return advising.Case{}, mapSQLErr(err, "case")
	}
	if pathway.Valid {
		c.Recommendation = &advising.Recommendation{Pathway: advising.Pathway(pathway.String),
			Rationale: rationale.String, DecidedBy: by.String, DecidedAt: at.Time.UTC()}
	}
	return c, nil
}

// CaseAccess is what the record rules need to know about a case.
type CaseAccess struct {
	ID          string
	ApplicantID string
	AdvisorID   *string
	Status      advising.Status
	Version     int
	UpdatedAt   time.Time
}

// CaseAccessByID returns who a case belongs to, or not-found.
func (s *Store) CaseAccessByID(ctx context.Context, id string) (CaseAccess, error) {
	return s.caseAccess(ctx, "id", id)
}

// CaseAccessByApplicant returns who an applicant's case belongs to, or not-found.
func (s *Store) CaseAccessByApplicant(ctx context.Context, applicantID string) (CaseAccess, error) {
	return s.caseAccess(ctx, "applicant_id", applicantID)
}

func (s *Store) caseAccess(ctx context.Context, col, v string) (CaseAccess, error) {
	var (
		ca      CaseAccess
		advisor sql.NullString
		status  string
	)
	err := s.db.WithContext(ctx).Raw("SELECT id, applicant_id, advisor_id, status, version, updated_at FROM cases WHERE "+col+" = ?", v).
		Row().Scan(&ca.ID, &ca.ApplicantID, &advisor, &status, &ca.Version, &ca.UpdatedAt)
	if err != nil {
		return CaseAccess{}, mapSQLErr(err, "case")
	}
	if advisor.Valid {
		ca.AdvisorID = &advisor.String
	}
	ca.Status, ca.UpdatedAt = advising.Status(status), ca.UpdatedAt.UTC()
	return ca, nil
}

// CaseChanges are the fields UpdateCase may set. A nil Status leaves the
// status alone; SetFollowUp says whether NextFollowUpAt (nil to clear) applies.
type CaseChanges struct {
	Status         *advising.Status
	SetFollowUp    bool
	NextFollowUpAt *time.Time
}

// UpdateCase applies ch to a case, bumps its version and updated_at, and
// records now as status_changed_at when the status changes. Not-found when
// there is no such case.
func (s *Store) UpdateCase(ctx context.Context, id string, ch CaseChanges, now time.Time) error {
	set := map[string]any{"updated_at": now, "version": gorm.Expr("version + 1")}
	if ch.Status != nil {
		set["status"] = string(*ch.Status)
		set["status_changed_at"] = now
	}
	if ch.SetFollowUp {
		if ch.NextFollowUpAt != nil {
			set["next_follow_up_at"] = ch.NextFollowUpAt.UTC()
		} else {
			set["next_follow_up_at"] = nil
		}
	}
	return s.updateCase(ctx, id, set)
}

// SetRecommendation records a recommendation and moves the case to
// recommended, bumping its version. Not-found when there is no such case.
func (s *Store) SetRecommendation(ctx context.Context, id string, r advising.Recommendation, now time.Time) error {
	return s.updateCase(ctx, id, map[string]any{
		"rec_pathway": string(r.Pathway), "rec_rationale": r.Rationale, "rec_decided_by": r.DecidedBy,
		"rec_decided_at": r.DecidedAt.UTC(), "status": string(advising.StatusRecommended), "status_changed_at": now,
		"updated_at": now, "version": gorm.Expr("version + 1")})
}

// BackdateStatusChange sets when a case reached its current status, for
// demo data that needs cases of different ages. It changes nothing else.
func (s *Store) BackdateStatusChange(ctx context.Context, id string, at time.Time) error {
	return s.updateCase(ctx, id, map[string]any{"status_changed_at": at.UTC()})
}

func (s *Store) updateCase(ctx context.Context, id string, set map[string]any) error {
	res := s.w.WithContext(ctx).Table("cases").Where("id = ?", id).Updates(set)
	if res.Error != nil {
		return fmt.Errorf("update case: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return advising.Errorf(advising.CodeNotFound, "case not found")
	}
	return nil
}

// Row locks. On PostgreSQL, transactions of different instances (and of
// one) run side by side, so a use case that reads a case and then writes
// it must hold the case's row for the whole transaction: LockCase* is then
// its first statement. It is an UPDATE that changes nothing, the portable
// way to take a row lock (no SELECT ... FOR UPDATE, which SQLite lacks):
// a second transaction's LockCase waits until the first commits, and since
// each statement of a READ COMMITTED transaction reads what is committed
// when it starts, everything read after the lock is the latest. Under
// SQLite's single writer the lock is already held and this costs one
// statement. Not-found when there is no such case.

// LockCase holds the case's row until the transaction ends.
func (s *Store) LockCase(ctx context.Context, id string) error {
	return s.lockCase(ctx, "UPDATE cases SET version = version WHERE id = ?", id)
}

// LockCaseOfApplicant holds the row of the applicant's case.
func (s *Store) LockCaseOfApplicant(ctx context.Context, applicantID string) error {
	return s.lockCase(ctx, "UPDATE cases SET version = version WHERE applicant_id = ?", applicantID)
}

// LockCaseOfWorkSample holds the row of the case a work sample belongs to;
// not-found also when there is no such sample.
func (s *Store) LockCaseOfWorkSample(ctx context.Context, sampleID string) error {
	return s.lockCase(ctx, "UPDATE cases SET version = version WHERE id = (SELECT case_id FROM work_samples WHERE id = ?)", sampleID)
}

func (s *Store) lockCase(ctx context.Context, q, arg string) error {
	res := s.w.WithContext(ctx).Exec(q, arg)
	if res.Error != nil {
		return mapErr(res.Error, "lock case")
	}
	if res.RowsAffected == 0 {
		return advising.Errorf(advising.CodeNotFound, "case not found")
	}
	return nil
}

// LockEnabledAdvisor holds the row of the user id if it is an advisor and
// not disabled, and reports whether it is. Holding it orders an assignment
// against a concurrent disable: the disable waits for the assignment to
// commit, or the assignment, coming second, sees the advisor disabled.
func (s *Store) LockEnabledAdvisor(ctx context.Context, id string) (bool, error) {
	res := s.w.WithContext(ctx).Exec("UPDATE users SET role = role WHERE id = ? AND role = ? AND disabled = ?",
		id, string(advising.RoleAdvisor), false)
	if res.Error != nil {
		return false, mapErr(res.Error, "lock advisor")
	}
	return res.RowsAffected == 1, nil
}
