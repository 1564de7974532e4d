package store

import (
	"context"
	"time"

	"advising/internal/advising"
)

// InsertWorkSampleFixture stores an already classified work sample as it is,
// without the classifier, and recounts its case's evidence. It exists for
// tests and demo data that need evidence of a known shape; the product's
// own work-sample writes go through the evidence use cases.
func (s *Store) InsertWorkSampleFixture(ctx context.Context, w advising.WorkSample, now time.Time) (advising.WorkSample, error) {
	if w.ID == "" {
		w.ID = NewID()
	}
	if w.CreatedAt.IsZero() {
		w.CreatedAt, w.UpdatedAt = now, now
	}
	if w.Source == "" {
		w.Source = "text"
	}
	err := s.Tx(ctx, func(tx *Store) error {
		row := newWorkSampleRow(w)
		if err := tx.w.WithContext(ctx).Create(&row).Error; err != nil {
			return mapErr(err, "insert work sample")
		}
		return tx.RefreshEvidence(ctx, w.CaseID, now)
	})
	return w, err
}
