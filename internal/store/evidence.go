package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"advising/internal/advising"
)

type profileRow struct {
	ApplicantID                       string
	YearsExperience                   *int
	Sector                            *string
	Responsibilities                  string
	TargetRole                        *string
	ProgrammeInterest                 *string
	StudyMode                         *string
	TargetIntake                      *string
	SaStrategicThinking               *int
	SaProblemSolving                  *int
	SaCommunication                   *int
	SaTeamBuilding                    *int
	SaAdaptability                    *int
	SaEthicalDataDrivenDecisionMaking *int
	HasSelfAssessment                 bool
	UpdatedAt                         *time.Time `gorm:"autoUpdateTime:false"`
}

func (profileRow) TableName() string { return "profiles" }

func (r profileRow) profile() advising.Profile {
	p := advising.Profile{YearsExperience: r.YearsExperience, Sector: r.Sector, TargetRole: r.TargetRole,
		ProgrammeInterest: r.ProgrammeInterest, StudyMode: r.StudyMode, TargetIntake: r.TargetIntake,
		Responsibilities: []string{}}
	_ = json.Unmarshal([]byte(r.Responsibilities), &p.Responsibilities) // written only by newProfileRow
	if r.HasSelfAssessment {
		p.SelfAssessment = &advising.SelfAssessment{StrategicThinking: r.SaStrategicThinking, ProblemSolving: r.SaProblemSolving,
			Communication: r.SaCommunication, TeamBuilding: r.SaTeamBuilding, Adaptability: r.SaAdaptability,
			EthicalDataDrivenDecisionMaking: r.SaEthicalDataDrivenDecisionMaking}
	}
	if r.UpdatedAt != nil {
		p.UpdatedAt = r.UpdatedAt.UTC()
	}
	return p
}

func newProfileRow(applicantID string, p advising.Profile) profileRow {
	resp := p.Responsibilities
	if resp == nil {
		resp = []string{}
	}
	b, _ := json.Marshal(resp) // a string slice always marshals
	r := profileRow{ApplicantID: applicantID, YearsExperience: p.YearsExperience, Sector: p.Sector,
		Responsibilities: string(b), TargetRole: p.TargetRole, ProgrammeInterest: p.ProgrammeInterest,
		StudyMode: p.StudyMode, TargetIntake: p.TargetIntake}
	if sa := p.SelfAssessment; sa != nil {
		r.HasSelfAssessment = true
		r.SaStrategicThinking, r.SaProblemSolving, r.SaCommunication = sa.StrategicThinking, sa.ProblemSolving, sa.Communication
		r.SaTeamBuilding, r.SaAdaptability, r.SaEthicalDataDrivenDecisionMaking = sa.TeamBuilding, sa.Adaptability, sa.EthicalDataDrivenDecisionMaking
	}
	if !p.UpdatedAt.IsZero() {
		t := p.UpdatedAt
		r.UpdatedAt = &t
	}
	return r
}

// ProfileByApplicant returns an applicant's profile, or not-found.
func (s *Store) ProfileByApplicant(ctx context.Context, applicantID string) (advising.Profile, error) {
	var row profileRow
	if err := s.db.WithContext(ctx).Where("applicant_id = ?", applicantID).Take(&row).Error; err != nil {
		return advising.Profile{}, mapErr(err, "profile")
	}
	return row.profile(), nil
}

// ReplaceProfile stores p as the applicant's whole profile, and the fields
// flags depend on in the applicant's case. Call it inside a transaction.
func (s *Store) ReplaceProfile(ctx context.Context, applicantID string, p advising.Profile) error {
	row := newProfileRow(applicantID, p)
	res := s.w.WithContext(ctx).Model(&profileRow{}).Where("applicant_id = ?", applicantID).Select("*").Updates(&row)
	if res.Error != nil {
		return mapErr(res.Error, "update profile")
	}
	if res.RowsAffected == 0 {
		return advising.Errorf(advising.CodeNotFound, "profile not found")
	}
	// The case's copy of the fields its flags depend on (see migration 00002).
	err := s.w.WithContext(ctx).Exec("UPDATE cases SET programme_interest = ?, years_experience = ?, target_intake = ? WHERE applicant_id = ?",
		p.ProgrammeInterest, p.YearsExperience, p.TargetIntake, applicantID).Error
	if err != nil {
		return mapErr(err, "update case flag facts")
	}
	return s.refreshStaticFlags(ctx, "c.applicant_id = ?", applicantID)
}

type workSampleRow struct {
	ID                string
	ApplicantID       string
	CaseID            string
	Title             string
	Description       string
	Source            string
	Filename          *string
	Label             string
	DeliverableType   string
	IndicatorsTm      string
	IndicatorsEm      string
	Rationale         string
	ClassifierVersion string
	Borderline        bool
	OverrideLabel     *string
	OverrideReason    *string
	OverrideBy        *string
	OverrideAt        *time.Time
	CreatedAt         time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt         time.Time `gorm:"autoUpdateTime:false"`
}

func (workSampleRow) TableName() string { return "work_samples" }

func (r workSampleRow) workSample() advising.WorkSample {
	w := advising.WorkSample{ID: r.ID, ApplicantID: r.ApplicantID, CaseID: r.CaseID, Title: r.Title,
		Description: r.Description, Source: r.Source, Filename: r.Filename,
		Classification: advising.Classification{Label: advising.Label(r.Label), DeliverableType: r.DeliverableType,
			Rationale: r.Rationale, Version: r.ClassifierVersion, Borderline: r.Borderline,
			TechnologyManagement: []string{}, EngineeringManagement: []string{}},
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	_ = json.Unmarshal([]byte(r.IndicatorsTm), &w.Classification.TechnologyManagement) // written only by newWorkSampleRow
	_ = json.Unmarshal([]byte(r.IndicatorsEm), &w.Classification.EngineeringManagement)
	if r.OverrideLabel != nil {
		o := &advising.Override{Label: advising.Label(*r.OverrideLabel)}
		if r.OverrideReason != nil {
			o.Reason = *r.OverrideReason
		}
		if r.OverrideBy != nil {
			o.By = *r.OverrideBy
		}
		if r.OverrideAt != nil {
			o.At = r.OverrideAt.UTC()
		}
		w.Override = o
	}
	return w
}

func newWorkSampleRow(w advising.WorkSample) workSampleRow {
	list := func(s []string) string {
		if s == nil {
			s = []string{}
		}
		b, _ := json.Marshal(s) // a string slice always marshals
		return string(b)
	}
	c := w.Classification
	r := workSampleRow{ID: w.ID, ApplicantID: w.ApplicantID, CaseID: w.CaseID, Title: w.Title, Description: w.Description,
		Source: w.Source, Filename: w.Filename, Label: string(c.Label), DeliverableType: c.DeliverableType,
		IndicatorsTm: list(c.TechnologyManagement), IndicatorsEm: list(c.EngineeringManagement), Rationale: c.Rationale,
		ClassifierVersion: c.Version, Borderline: c.Borderline, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	if o := w.Override; o != nil {
		label, reason, by, at := string(o.Label), o.Reason, o.By, o.At
		r.OverrideLabel, r.OverrideReason, r.OverrideBy, r.OverrideAt = &label, &reason, &by, &at
	}
	return r
}

// WorkSampleByID returns a work sample, or not-found.
func (s *Store) WorkSampleByID(ctx context.Context, id string) (advising.WorkSample, error) {
	var row workSampleRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return advising.WorkSample{}, mapErr(err, "work sample")
	}
	return row.workSample(), nil
}

// WorkSamplesByApplicant returns an applicant's work samples, oldest first.
// An applicant holds at most advising.MaxWorkSamples, so there is no paging.
func (s *Store) WorkSamplesByApplicant(ctx context.Context, applicantID string) ([]advising.WorkSample, error) {
	var rows []workSampleRow
	if err := s.db.WithContext(ctx).Where("applicant_id = ?", applicantID).Order("id").Find(&rows).Error; err != nil {
		return nil, mapErr(err, "list work samples")
	}
	out := make([]advising.WorkSample, len(rows))
	for i, r := range rows {
		out[i] = r.workSample()
	}
	return out, nil
}

// RefreshEvidence recounts a case's work samples by effective label, and
// those awaiting an advisor's reading (borderline, no override), into the
// case row and bumps its version. Call it in the transaction of every work
// sample change, so the counters never go stale.
//
// It takes the case's row lock (LockCase) before it counts, so that on
// PostgreSQL two transactions changing one case's samples side by side
// count one after the other and the second sees the first's sample.
func (s *Store) RefreshEvidence(ctx context.Context, caseID string, now time.Time) error {
	if err := s.LockCase(ctx, caseID); err != nil {
		if advising.ErrorCode(err) == advising.CodeNotFound {
			return nil // no case, nothing to count (as before the lock)
		}
		return err
	}
	type count struct {
		Label  string
		N      int
		Review int
	}
	var counts []count
	err := s.w.WithContext(ctx).Raw(`SELECT COALESCE(override_label, label) AS label, COUNT(*) AS n,
		SUM(CASE WHEN borderline AND override_label IS NULL THEN 1 ELSE 0 END) AS review
		FROM work_samples WHERE case_id = ? GROUP BY COALESCE(override_label, label)`, caseID).Scan(&counts).Error
	if err != nil {
		return fmt.Errorf("count evidence: %w", err)
	}
	set := map[string]any{"ws_total": 0, "ws_tm": 0, "ws_em": 0, "ws_hybrid": 0, "ws_insufficient": 0,
		"ws_review": 0, "updated_at": now}
	col := map[string]string{string(advising.LabelTechnologyManagement): "ws_tm", string(advising.LabelEngineeringManagement): "ws_em",
		string(advising.LabelHybrid): "ws_hybrid", string(advising.LabelInsufficientEvidence): "ws_insufficient"}
	total, review := 0, 0
	for _, c := range counts {
		total += c.N
		review += c.Review
		if k, ok := col[c.Label]; ok {
			set[k] = c.N
		}
	}
	set["ws_total"], set["ws_review"] = total, review
	set["version"] = gorm.Expr("version + 1")
	res := s.w.WithContext(ctx).Table("cases").Where("id = ?", caseID).Updates(set)
	if res.Error != nil {
		return fmt.Errorf("update evidence counts: %w", res.Error)
	}
	return s.refreshStaticFlags(ctx, "c.id = ?", caseID)
}

// TouchCase bumps a case's version and updated_at, for changes that live
// outside the cases row but change what the case shows (its profile).
func (s *Store) TouchCase(ctx context.Context, caseID string, now time.Time) error {
	res := s.w.WithContext(ctx).Table("cases").Where("id = ?", caseID).
		Updates(map[string]any{"updated_at": now, "version": gorm.Expr("version + 1")})
	if res.Error != nil {
		return mapErr(res.Error, "touch case")
	}
	if res.RowsAffected == 0 {
		return advising.Errorf(advising.CodeNotFound, "case not found")
	}
	return nil
}

// CountWorkSamples returns how many work samples an applicant holds. Inside a
// transaction it sees the transaction's own writes.
func (s *Store) CountWorkSamples(ctx context.Context, applicantID string) (int, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&workSampleRow{}).Where("applicant_id = ?", applicantID).Count(&n).Error; err != nil {
		return 0, mapErr(err, "count work samples")
	}
	return int(n), nil
}

// CreateWorkSample inserts w, giving it an ID, and returns it as stored.
func (s *Store) CreateWorkSample(ctx context.Context, w advising.WorkSample) (advising.WorkSample, error) {
	w.ID = NewID()
	row := newWorkSampleRow(w)
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrForeignKeyViolated) {
			// The applicant or case was erased after the caller read it
			// (possible on PostgreSQL, where writers run side by side).
			return advising.WorkSample{}, &advising.Error{Code: advising.CodeNotFound, Detail: "case not found", Err: err}
		}
		return advising.WorkSample{}, mapErr(err, "insert work sample")
	}
	return row.workSample(), nil
}

// UpdateWorkSample writes w's title, description, classification, override
// and updated_at over the stored sample. A missing sample is not-found.
func (s *Store) UpdateWorkSample(ctx context.Context, w advising.WorkSample) error {
	row := newWorkSampleRow(w)
	res := s.w.WithContext(ctx).Model(&workSampleRow{}).Where("id = ?", w.ID).
		Select("title", "description", "label", "deliverable_type", "indicators_tm", "indicators_em", "rationale",
			"classifier_version", "borderline", "override_label", "override_reason", "override_by", "override_at", "updated_at").
		Updates(&row)
	if res.Error != nil {
		return mapErr(res.Error, "update work sample")
	}
	if res.RowsAffected == 0 {
		return advising.Errorf(advising.CodeNotFound, "work sample not found")
	}
	return nil
}

// SetClassification replaces only a sample's automatic classification; its
// text, override and updated_at stay as they are.
func (s *Store) SetClassification(ctx context.Context, id string, c advising.Classification) error {
	row := newWorkSampleRow(advising.WorkSample{ID: id, Classification: c})
	res := s.w.WithContext(ctx).Model(&workSampleRow{}).Where("id = ?", id).
		Select("label", "deliverable_type", "indicators_tm", "indicators_em", "rationale", "classifier_version", "borderline").
		Updates(&row)
	if res.Error != nil {
		return mapErr(res.Error, "update classification")
	}
	if res.RowsAffected == 0 {
		return advising.Errorf(advising.CodeNotFound, "work sample not found")
	}
	return nil
}

// ReclassifyWorkSample replaces w's automatic classification with c, as
// SetClassification does, but only while the sample still has w's title and
// text; it reports whether it did. A sample revised (and so classified
// afresh) or deleted since w was read is left alone, so a reclassification
// running beside an edit never labels the new text by the old.
func (s *Store) ReclassifyWorkSample(ctx context.Context, w advising.WorkSample, c advising.Classification) (bool, error) {
	row := newWorkSampleRow(advising.WorkSample{ID: w.ID, Classification: c})
	res := s.w.WithContext(ctx).Model(&workSampleRow{}).Where("id = ? AND title = ? AND description = ?", w.ID, w.Title, w.Description).
		Select("label", "deliverable_type", "indicators_tm", "indicators_em", "rationale", "classifier_version", "borderline").
		Updates(&row)
	if res.Error != nil {
		return false, mapErr(res.Error, "update classification")
	}
	return res.RowsAffected == 1, nil
}

// DeleteWorkSample removes a work sample. A missing sample is not-found.
func (s *Store) DeleteWorkSample(ctx context.Context, id string) error {
	res := s.w.WithContext(ctx).Where("id = ?", id).Delete(&workSampleRow{})
	if res.Error != nil {
		return mapErr(res.Error, "delete work sample")
	}
	if res.RowsAffected == 0 {
		return advising.Errorf(advising.CodeNotFound, "work sample not found")
	}
	return nil
}

// ListWorkSamples returns up to limit work samples of every applicant with
// an ID greater than after, in ID order: a keyset walk over all samples.
func (s *Store) ListWorkSamples(ctx context.Context, after string, limit int) ([]advising.WorkSample, error) {
	var rows []workSampleRow
	q := s.db.WithContext(ctx).Order("id").Limit(limit)
	if after != "" {
		q = q.Where("id > ?", after)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, mapErr(err, "list work samples")
	}
	out := make([]advising.WorkSample, len(rows))
	for i, r := range rows {
		out[i] = r.workSample()
	}
	return out, nil
}

// CaseEvidence returns a case's evidence counters and its version, or
// not-found.
func (s *Store) CaseEvidence(ctx context.Context, caseID string) (advising.Evidence, int, error) {
	var row caseRow
	if err := s.db.WithContext(ctx).Select("ws_total", "ws_tm", "ws_em", "ws_hybrid", "ws_insufficient", "ws_review", "version").
		Where("id = ?", caseID).Take(&row).Error; err != nil {
		return advising.Evidence{}, 0, mapErr(err, "case")
	}
	return advising.Evidence{WorkSamples: row.WsTotal, TechnologyManagement: row.WsTm, EngineeringManagement: row.WsEm,
		Hybrid: row.WsHybrid, InsufficientEvidence: row.WsInsufficient, AwaitingReview: row.WsReview}, row.Version, nil
}

type workSampleFileRow struct {
	WorkSampleID string
	ContentType  string
	Size         int
	Content      []byte
	CreatedAt    time.Time `gorm:"autoCreateTime:false"`
}

func (workSampleFileRow) TableName() string { return "work_sample_files" }

// CreateWorkSampleFile keeps the original file of an uploaded sample. Call
// it in the transaction that creates the sample.
func (s *Store) CreateWorkSampleFile(ctx context.Context, f advising.WorkSampleFile) error {
	row := workSampleFileRow{WorkSampleID: f.WorkSampleID, ContentType: f.ContentType, Size: len(f.Content),
		Content: f.Content, CreatedAt: f.CreatedAt}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		return mapErr(err, "insert work sample file")
	}
	return nil
}

// WorkSampleFile returns the original file of an uploaded sample, or
// not-found (also for a typed sample, which has none).
func (s *Store) WorkSampleFile(ctx context.Context, sampleID string) (advising.WorkSampleFile, error) {
	var row workSampleFileRow
	if err := s.db.WithContext(ctx).Where("work_sample_id = ?", sampleID).Take(&row).Error; err != nil {
		return advising.WorkSampleFile{}, mapErr(err, "work sample file")
	}
	return advising.WorkSampleFile{WorkSampleID: row.WorkSampleID, ContentType: row.ContentType,
		Content: row.Content, CreatedAt: row.CreatedAt.UTC()}, nil
}
