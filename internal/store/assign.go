package store

import (
	"context"
	"time"

	"advising/internal/advising"
)

// SetCaseAdvisor assigns a case to an advisor, or unassigns it when
// advisorID is nil, and bumps its version. Not-found when there is no such
// case. Checking that the advisor may take cases is the caller's job.
func (s *Store) SetCaseAdvisor(ctx context.Context, caseID string, advisorID *string, now time.Time) error {
	res := s.w.WithContext(ctx).Exec("UPDATE cases SET advisor_id = ?, updated_at = ?, version = version + 1 WHERE id = ?",
		advisorID, now, caseID)
	if res.Error != nil {
		return mapErr(res.Error, "assign case")
	}
	if res.RowsAffected == 0 {
		return advising.Errorf(advising.CodeNotFound, "case not found")
	}
	return nil
}
