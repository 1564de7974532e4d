package store

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm/clause"

	"advising/internal/advising"
)

// Office is a whole office of pre-built records for InsertOffice. Every
// record carries its own ID. A case's Profile is stored as its applicant's
// profile, and its Evidence as the case's counters, so the caller must keep
// the counters in step with WorkSamples.
type Office struct {
	Users       []advising.User
	Cases       []advising.Case
	WorkSamples []advising.WorkSample
	Notes       []advising.Note
}

// insertBatch is how many rows go into one INSERT: a few hundred rows amortise
// the statement cost while staying under every database's bound-parameter
// limit (22 columns x 500 rows is below SQLite's 32,766 and PostgreSQL's 65,535).
const insertBatch = 500

// InsertOffice inserts o as it is, in one transaction: IDs are kept, no rule
// is checked and no audit event is written. It exists to fill a scratch
// database quickly for the benchmark (and, later, bulk imports); everything
// else goes through casework. A duplicate ID or email is a conflict error.
func (s *Store) InsertOffice(ctx context.Context, o Office) error {
	users := make([]userRow, len(o.Users))
	for i, u := range o.Users {
		users[i] = userRow{ID: u.ID, Email: u.Email, FullName: u.FullName, Role: string(u.Role),
			PasswordHash: u.PasswordHash, Disabled: u.Disabled, TokenVersion: u.TokenVersion,
			CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	}
	profiles := make([]profileRow, len(o.Cases))
	cases := make([]caseRow, len(o.Cases))
	for i, c := range o.Cases {
		profiles[i] = newProfileRow(c.ApplicantID, c.Profile)
		r := caseRow{ID: c.ID, ApplicantID: c.ApplicantID, Status: string(c.Status),
			StatusChangedAt: c.StatusChangedAt, NextFollowUpAt: c.NextFollowUpAt,
			WsTotal: c.Evidence.WorkSamples, WsTm: c.Evidence.TechnologyManagement, WsEm: c.Evidence.EngineeringManagement,
			WsHybrid: c.Evidence.Hybrid, WsInsufficient: c.Evidence.InsufficientEvidence, WsReview: c.Evidence.AwaitingReview,
			ProgrammeInterest: c.Profile.ProgrammeInterest, YearsExperience: c.Profile.YearsExperience,
			TargetIntake: c.Profile.TargetIntake, SearchText: searchText(c.Applicant.FullName, c.Applicant.Email),
			Version: max(c.Version, 1), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
		if c.Advisor != nil {
			id := c.Advisor.ID
			r.AdvisorID = &id
		}
		if rec := c.Recommendation; rec != nil {
			pathway, rationale, by, at := string(rec.Pathway), rec.Rationale, rec.DecidedBy, rec.DecidedAt
			r.RecPathway, r.RecRationale, r.RecDecidedBy, r.RecDecidedAt = &pathway, &rationale, &by, &at
		}
		cases[i] = r
	}
	caseIDs := make([]string, len(cases))
	for i, c := range cases {
		caseIDs[i] = c.ID
	}
	samples := make([]workSampleRow, len(o.WorkSamples))
	for i, w := range o.WorkSamples {
		samples[i] = newWorkSampleRow(w)
	}
	// The notes table's row type belongs to the notes code; this one only inserts.
	type noteInsert struct {
		ID         string
		CaseID     string
		AuthorID   string
		Body       string
		Visibility string
		CreatedAt  time.Time
		UpdatedAt  time.Time
	}
	notes := make([]noteInsert, len(o.Notes))
	for i, n := range o.Notes {
		notes[i] = noteInsert{ID: n.ID, CaseID: n.CaseID, AuthorID: n.Author.ID, Body: n.Body,
			Visibility: string(n.Visibility), CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
	}

	return s.Tx(ctx, func(tx *Store) error {
		insert := func(table string, rows any, n int) error {
			if n == 0 {
				return nil
			}
			err := tx.w.WithContext(ctx).Table(table).Omit(clause.Associations).CreateInBatches(rows, insertBatch).Error
			return mapErr(err, "insert "+table)
		}
		if err := insert("users", &users, len(users)); err != nil {
			return err
		}
		if err := insert("profiles", &profiles, len(profiles)); err != nil {
			return err
		}
		if err := insert("cases", &cases, len(cases)); err != nil {
			return err
		}
		if err := insert("work_samples", &samples, len(samples)); err != nil {
			return err
		}
		if err := insert("notes", &notes, len(notes)); err != nil {
			return err
		}
		for ids := range slices.Chunk(caseIDs, insertBatch) {
			if err := tx.refreshStaticFlags(ctx, "c.id IN ?", ids); err != nil {
				return err
			}
		}
		return nil
	})
}

// OfficeCounts is how many records of each kind the database holds.
type OfficeCounts struct {
	Users, Cases, WorkSamples, Notes int64
}

// CountOffice counts the office's users, cases, work samples and notes.
func (s *Store) CountOffice(ctx context.Context) (OfficeCounts, error) {
	var c OfficeCounts
	err := s.db.WithContext(ctx).Raw(`SELECT
		(SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM cases),
		(SELECT COUNT(*) FROM work_samples), (SELECT COUNT(*) FROM notes)`).
		Row().Scan(&c.Users, &c.Cases, &c.WorkSamples, &c.Notes)
	if err != nil {
		return OfficeCounts{}, mapSQLErr(err, "count office")
	}
	return c, nil
}
