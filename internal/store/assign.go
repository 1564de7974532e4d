package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"advising/internal/advising"
)

// SetCaseAdvisor assigns the case to advisorID, or unassigns it when
// advisorID is nil, and bumps the case's version. It does not check that the
// advisor is an enabled advisor: the use case does. A missing case is
// not-found.
func (s *Store) SetCaseAdvisor(ctx context.Context, caseID string, advisorID *string, now time.Time) error {
	res := s.w.WithContext(ctx).Table("cases").Where("id = ?", caseID).
		Updates(map[string]any{"advisor_id": advisorID, "updated_at": now, "version": gorm.Expr("version + 1")})
	if res.Error != nil {
		return mapErr(res.Error, "assign case")
	}
	if res.RowsAffected == 0 {
		return advising.Errorf(advising.CodeNotFound, "case not found")
	}
	return nil
}
