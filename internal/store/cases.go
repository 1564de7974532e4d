package store

import (
	"context"
	"time"

	"advising/internal/advising"
)

type caseRow struct {
	ID              string
	ApplicantID     string
	AdvisorID       *string
	Status          string
	StatusChangedAt time.Time
	NextFollowUpAt  *time.Time
	RecPathway      *string
	RecRationale    *string
	RecDecidedBy    *string
	RecDecidedAt    *time.Time
	WsTotal         int
	WsTm            int
	WsEm            int
	WsHybrid        int
	WsInsufficient  int
	WsReview        int // borderline samples without an override
	// The profile fields flags depend on, kept in step by ReplaceProfile.
	ProgrammeInterest *string
	YearsExperience   *int
	TargetIntake      *string
	Version           int
	CreatedAt         time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt         time.Time `gorm:"autoUpdateTime:false"`
}

func (caseRow) TableName() string { return "cases" }

// OpenCase creates the case of a newly registered applicant: status new, no
// advisor, and an empty profile.
func (s *Store) OpenCase(ctx context.Context, applicantID string, now time.Time) (string, error) {
	row := caseRow{ID: NewID(), ApplicantID: applicantID, Status: string(advising.StatusNew),
		StatusChangedAt: now, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		return "", mapErr(err, "insert case")
	}
	if err := s.w.WithContext(ctx).Exec("INSERT INTO profiles (applicant_id) VALUES (?)", applicantID).Error; err != nil {
		return "", mapErr(err, "insert profile")
	}
	return row.ID, nil
}

// CaseIDByApplicant returns the ID of an applicant's case, or not-found.
func (s *Store) CaseIDByApplicant(ctx context.Context, applicantID string) (string, error) {
	var id string
	err := s.db.WithContext(ctx).Raw("SELECT id FROM cases WHERE applicant_id = ?", applicantID).Row().Scan(&id)
	if err != nil {
		return "", mapSQLErr(err, "case")
	}
	return id, nil
}
