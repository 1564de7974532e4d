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
	// Derived columns (migration 00010): the applicant's lower-cased name
	// and email, and the static flags' bits (casefacts.go).
	SearchText  string
	StaticFlags int
	Version     int
	CreatedAt   time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt   time.Time `gorm:"autoUpdateTime:false"`
}

func (caseRow) TableName() string { return "cases" }

// OpenCase creates the case of a newly registered applicant: status new, no
// advisor, and an empty profile. Call it inside the transaction that
// created the applicant.
func (s *Store) OpenCase(ctx context.Context, applicantID string, now time.Time) (string, error) {
	var name, email string
	err := s.w.WithContext(ctx).Raw("SELECT full_name, email FROM users WHERE id = ?", applicantID).Row().Scan(&name, &email)
	if err != nil {
		return "", mapSQLErr(err, "applicant")
	}
	row := caseRow{ID: NewID(), ApplicantID: applicantID, Status: string(advising.StatusNew),
		StatusChangedAt: now, Version: 1, CreatedAt: now, UpdatedAt: now, SearchText: searchText(name, email)}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		return "", mapErr(err, "insert case")
	}
	if err := s.refreshStaticFlags(ctx, "c.id = ?", row.ID); err != nil {
		return "", err
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
