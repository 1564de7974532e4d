package casework

import (
	"context"
	"strings"

	"advising/internal/advising"
	"advising/internal/classify"
	"advising/internal/documents"
	"advising/internal/store"
)

// errApplicantNotFound and errWorkSampleNotFound are the one answer for a
// record that does not exist and for one the caller may not see, so nobody
// learns that another applicant's data exists.
var (
	errApplicantNotFound  = advising.Errorf(advising.CodeNotFound, "applicant not found")
	errWorkSampleNotFound = advising.Errorf(advising.CodeNotFound, "work sample not found")
)

// seeApplicant is the visibility rule of every evidence use case: an
// applicant sees only themselves, an advisor only applicants whose case is
// assigned to them, an admin everyone. Anything else, including an applicant
// that does not exist, is not-found. It returns the applicant's case.
func seeApplicant(ctx context.Context, st *store.Store, a advising.Actor, applicantID string) (store.CaseAccess, error) {
	if a.Role == advising.RoleApplicant && a.UserID != applicantID {
		return store.CaseAccess{}, errApplicantNotFound
	}
	ca, err := st.CaseAccessByApplicant(ctx, applicantID)
	if err != nil {
		if advising.ErrorCode(err) == advising.CodeNotFound {
			return store.CaseAccess{}, errApplicantNotFound
		}
		return store.CaseAccess{}, err
	}
	switch a.Role {
	case advising.RoleAdmin, advising.RoleApplicant:
		return ca, nil
	case advising.RoleAdvisor:
		if ca.AdvisorID != nil && *ca.AdvisorID == a.UserID {
			return ca, nil
		}
	}
	return store.CaseAccess{}, errApplicantNotFound
}

// lockApplicantCase and lockSampleCase take the row lock of the case whose
// evidence a use case changes, as its transaction's first statement
// (store.LockCase); a case or sample that does not exist is not-found, as
// the rules below answer.
func lockApplicantCase(ctx context.Context, tx *store.Store, applicantID string) error {
	if err := tx.LockCaseOfApplicant(ctx, applicantID); err != nil {
		if advising.ErrorCode(err) == advising.CodeNotFound {
			return errApplicantNotFound
		}
		return err
	}
	return nil
}

func lockSampleCase(ctx context.Context, tx *store.Store, sampleID string) error {
	if err := tx.LockCaseOfWorkSample(ctx, sampleID); err != nil {
		if advising.ErrorCode(err) == advising.CodeNotFound {
			return errWorkSampleNotFound
		}
		return err
	}
	return nil
}

// ownEvidence is the rule for changing evidence: only the applicant may
// edit their own profile and work samples. Staff are refused outright
// (CodeForbidden, which the route guard also gives); another applicant's
// records are not-found.
func ownEvidence(ctx context.Context, st *store.Store, a advising.Actor, applicantID string) (store.CaseAccess, error) {
	if a.Role != advising.RoleApplicant {
		return store.CaseAccess{}, advising.Errorf(advising.CodeForbidden, "only the applicant may change their own evidence")
	}
	return seeApplicant(ctx, st, a, applicantID)
}

// reviewEvidence is the rule for overriding labels: the advisor assigned to
// the case or an admin. Applicants are refused (CodeForbidden); an advisor
// outside the case gets not-found.
func reviewEvidence(ctx context.Context, st *store.Store, a advising.Actor, applicantID string) (store.CaseAccess, error) {
	if a.Role != advising.RoleAdvisor && a.Role != advising.RoleAdmin {
		return store.CaseAccess{}, advising.Errorf(advising.CodeForbidden, "only the case's advisor or an admin may override a label")
	}
	return seeApplicant(ctx, st, a, applicantID)
}

// sampleFor loads a work sample and applies rule to its applicant; a sample
// the caller may not see is not-found exactly like a missing one.
func sampleFor(ctx context.Context, st *store.Store, a advising.Actor, id string,
	rule func(context.Context, *store.Store, advising.Actor, string) (store.CaseAccess, error)) (advising.WorkSample, error) {
	if a.Role == "" {
		return advising.WorkSample{}, errWorkSampleNotFound
	}
	w, err := st.WorkSampleByID(ctx, id)
	if err != nil {
		if advising.ErrorCode(err) == advising.CodeNotFound {
			return advising.WorkSample{}, errWorkSampleNotFound
		}
		return advising.WorkSample{}, err
	}
	if _, err := rule(ctx, st, a, w.ApplicantID); err != nil {
		if advising.ErrorCode(err) == advising.CodeNotFound {
			return advising.WorkSample{}, errWorkSampleNotFound
		}
		return advising.WorkSample{}, err
	}
	return w, nil
}

// Applicant is an applicant as the evidence endpoints show them.
type Applicant struct {
	ID       string
	Email    string
	FullName string
	CaseID   string
	Profile  advising.Profile
}

// Applicant returns an applicant with their profile to the applicant, their
// assigned advisor or an admin; anyone else gets CodeNotFound.
func (s *Service) Applicant(ctx context.Context, a advising.Actor, applicantID string) (Applicant, error) {
	ca, err := seeApplicant(ctx, s.st, a, applicantID)
	if err != nil {
		return Applicant{}, err
	}
	u, err := s.st.UserByID(ctx, applicantID)
	if err != nil {
		return Applicant{}, err
	}
	p, err := s.st.ProfileByApplicant(ctx, applicantID)
	if err != nil {
		return Applicant{}, err
	}
	return Applicant{ID: u.ID, Email: u.Email, FullName: u.FullName, CaseID: ca.ID, Profile: p}, nil
}

// Profile returns an applicant's profile to the applicant, their assigned
// advisor or an admin; anyone else gets CodeNotFound.
func (s *Service) Profile(ctx context.Context, a advising.Actor, applicantID string) (advising.Profile, error) {
	if _, err := seeApplicant(ctx, s.st, a, applicantID); err != nil {
		return advising.Profile{}, err
	}
	return s.st.ProfileByApplicant(ctx, applicantID)
}

// ReplaceProfile stores p as the applicant's whole profile (omitted fields
// are cleared) and bumps the case's version, as flags depend on the profile.
// Only the applicant may call it: staff get CodeForbidden, other applicants
// CodeNotFound; a rule broken is CodeInvalid.
func (s *Service) ReplaceProfile(ctx context.Context, a advising.Actor, applicantID string, p advising.Profile) (advising.Profile, error) {
	if err := p.Check(); err != nil {
		return advising.Profile{}, err
	}
	if p.Responsibilities == nil {
		p.Responsibilities = []string{}
	}
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		if err := lockApplicantCase(ctx, tx, applicantID); err != nil {
			return err
		}
		now := s.clock() // after the case's lock: its times follow commit order
		ca, err := ownEvidence(ctx, tx, a, applicantID)
		if err != nil {
			return err
		}
		p.UpdatedAt = now
		if err := tx.ReplaceProfile(ctx, applicantID, p); err != nil {
			return err
		}
		if err := tx.TouchCase(ctx, ca.ID, now); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "profile.updated", "profile", applicantID, ca.ID)
	})
	if err != nil {
		return advising.Profile{}, err
	}
	return p, nil
}

// Work-sample sources.
const (
	SourceText   = "text"
	SourceUpload = "upload"
)

// NewWorkSample is what an applicant submits: text typed in, or a file
// whose text becomes the description.
type NewWorkSample struct {
	Title       string
	Description string
	Upload      *Upload // nil for typed text
}

// Upload is a work-sample file as the applicant sent it.
type Upload struct {
	Filename string
	Content  []byte
}

// classification runs the classifier over a sample's text. Every write of
// a classification (submit, revise, reclassify, and the demo office, which
// submits) takes it from here, borderline marker included.
func classification(title, description string) advising.Classification {
	r := classify.Classify(title, description)
	return advising.Classification{Label: advising.Label(r.Label), DeliverableType: string(r.DeliverableType),
		TechnologyManagement: nonNil(r.Indicators.TechnologyManagement), EngineeringManagement: nonNil(r.Indicators.EngineeringManagement),
		Rationale: r.Rationale, Version: r.Version, Borderline: r.Borderline}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SubmitWorkSample adds a work sample for the applicant, classified at
// once, and refreshes the case's evidence counts. An uploaded file is read
// by its content (PDF, .docx, .odt, plain text or Markdown), its text
// becomes the description and the original is kept. Only the applicant may
// call it (staff: CodeForbidden; another applicant: CodeNotFound). A blank
// or too long title or text, a 21st sample, or a file that cannot be read
// is CodeInvalid; a file of another format is CodeUnsupportedMedia.
func (s *Service) SubmitWorkSample(ctx context.Context, a advising.Actor, applicantID string, in NewWorkSample) (advising.WorkSample, error) {
	in.Title = strings.TrimSpace(in.Title)
	descField := "description"
	source := SourceText
	var (
		filename *string
		file     *advising.WorkSampleFile
	)
	if in.Upload != nil {
		// Reading a document costs far more than these checks, so the
		// caller's right to add a sample is checked first (and again in
		// the transaction).
		if _, err := ownEvidence(ctx, s.st, a, applicantID); err != nil {
			return advising.WorkSample{}, err
		}
		if err := checkRoom(ctx, s.st, applicantID); err != nil {
			return advising.WorkSample{}, err
		}
		doc, err := documents.Read(ctx, in.Upload.Content, in.Upload.Filename)
		if err != nil {
			return advising.WorkSample{}, err
		}
		if strings.TrimSpace(doc.Text) == "" {
			return advising.WorkSample{}, advising.Invalid(advising.FieldError{Field: "file",
				Message: "has no text in it. Check that you chose the right file, or type the text into the description"})
		}
		name := advising.SafeFilename(in.Upload.Filename)
		descField, source, filename, in.Description = "file", SourceUpload, &name, doc.Text
		file = &advising.WorkSampleFile{ContentType: doc.Kind.ContentType(), Content: in.Upload.Content}
	}
	if err := advising.CheckWorkSampleText(in.Title, in.Description, descField); err != nil {
		return advising.WorkSample{}, err
	}
	c := classification(in.Title, in.Description)
	var w advising.WorkSample
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		if err := lockApplicantCase(ctx, tx, applicantID); err != nil {
			return err
		}
		now := s.clock() // after the case's lock: its times follow commit order
		ca, err := ownEvidence(ctx, tx, a, applicantID)
		if err != nil {
			return err
		}
		// Counted under the case's lock: concurrent submissions, from any
		// instance, queue on it and cannot pass the cap.
		if err := checkRoom(ctx, tx, applicantID); err != nil {
			return err
		}
		w, err = tx.CreateWorkSample(ctx, advising.WorkSample{ApplicantID: applicantID, CaseID: ca.ID, Title: in.Title,
			Description: in.Description, Source: source, Filename: filename, Classification: c, CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		if file != nil {
			file.WorkSampleID, file.CreatedAt = w.ID, now
			if err := tx.CreateWorkSampleFile(ctx, *file); err != nil {
				return err
			}
		}
		if err := tx.RefreshEvidence(ctx, ca.ID, now); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "work_sample.created", "work_sample", w.ID, ca.ID)
	})
	if err != nil {
		return advising.WorkSample{}, err
	}
	return w, nil
}

// checkRoom refuses a sample past the applicant's cap (CodeInvalid).
func checkRoom(ctx context.Context, st *store.Store, applicantID string) error {
	n, err := st.CountWorkSamples(ctx, applicantID)
	if err != nil {
		return err
	}
	if n >= advising.MaxWorkSamples {
		return advising.Errorf(advising.CodeInvalid, "an applicant may hold at most %d work samples; delete one first", advising.MaxWorkSamples)
	}
	return nil
}

// WorkSampleFile returns an uploaded sample's original file, with the
// sample, to the applicant, their assigned advisor or an admin; anyone
// else, and a typed sample, gets CodeNotFound.
func (s *Service) WorkSampleFile(ctx context.Context, a advising.Actor, id string) (advising.WorkSample, advising.WorkSampleFile, error) {
	w, err := sampleFor(ctx, s.st, a, id, seeApplicant)
	if err != nil {
		return advising.WorkSample{}, advising.WorkSampleFile{}, err
	}
	if w.Source != SourceUpload {
		return advising.WorkSample{}, advising.WorkSampleFile{}, advising.Errorf(advising.CodeNotFound, "this work sample was typed in, so it has no file")
	}
	f, err := s.st.WorkSampleFile(ctx, id)
	if err != nil {
		if advising.ErrorCode(err) == advising.CodeNotFound {
			// Uploads from before files were kept have only their text.
			err = advising.Errorf(advising.CodeNotFound, "the original file of this work sample was not kept")
		}
		return advising.WorkSample{}, advising.WorkSampleFile{}, err
	}
	return w, f, nil
}

type workSampleCursor struct {
	ID string `json:"id"`
}

// WorkSamples lists an applicant's work samples, oldest first, to the
// applicant, their assigned advisor or an admin (others: CodeNotFound). An
// applicant holds at most 20, so the list is paged in memory.
func (s *Service) WorkSamples(ctx context.Context, a advising.Actor, applicantID, cursor string, limit int) (Page[advising.WorkSample], error) {
	limit, err := checkLimit(limit)
	if err != nil {
		return Page[advising.WorkSample]{}, err
	}
	var cur workSampleCursor
	if err := decodeCursor(cursor, &cur); err != nil {
		return Page[advising.WorkSample]{}, err
	}
	if _, err := seeApplicant(ctx, s.st, a, applicantID); err != nil {
		return Page[advising.WorkSample]{}, err
	}
	all, err := s.st.WorkSamplesByApplicant(ctx, applicantID)
	if err != nil {
		return Page[advising.WorkSample]{}, err
	}
	rows := make([]advising.WorkSample, 0, len(all))
	for _, w := range all {
		if w.ID > cur.ID {
			rows = append(rows, w)
		}
	}
	return paginate(rows, limit, func(w advising.WorkSample) any { return workSampleCursor{ID: w.ID} }), nil
}

// WorkSample returns one work sample to its applicant, their assigned
// advisor or an admin; anyone else gets CodeNotFound.
func (s *Service) WorkSample(ctx context.Context, a advising.Actor, id string) (advising.WorkSample, error) {
	return sampleFor(ctx, s.st, a, id, seeApplicant)
}

// ReviseWorkSample replaces a sample's title and description, classifies it
// again and removes any override, since the advisor judged other text. Only
// the applicant may call it (staff: CodeForbidden; others: CodeNotFound).
func (s *Service) ReviseWorkSample(ctx context.Context, a advising.Actor, id, title, description string) (advising.WorkSample, error) {
	title = strings.TrimSpace(title)
	if err := advising.CheckWorkSampleText(title, description, "description"); err != nil {
		return advising.WorkSample{}, err
	}
	c := classification(title, description)
	var w advising.WorkSample
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		if err := lockSampleCase(ctx, tx, id); err != nil {
			return err
		}
		now := s.clock() // after the case's lock: its times follow commit order
		var err error
		if w, err = sampleFor(ctx, tx, a, id, ownEvidence); err != nil {
			return err
		}
		w.Title, w.Description, w.Classification, w.Override, w.UpdatedAt = title, description, c, nil, now
		if err := tx.UpdateWorkSample(ctx, w); err != nil {
			return err
		}
		if err := tx.RefreshEvidence(ctx, w.CaseID, now); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "work_sample.updated", "work_sample", w.ID, w.CaseID)
	})
	if err != nil {
		return advising.WorkSample{}, err
	}
	return w, nil
}

// DeleteWorkSample removes a work sample and refreshes the case's evidence
// counts. Only the applicant may call it (staff: CodeForbidden; others:
// CodeNotFound).
func (s *Service) DeleteWorkSample(ctx context.Context, a advising.Actor, id string) error {
	return s.st.Tx(ctx, func(tx *store.Store) error {
		if err := lockSampleCase(ctx, tx, id); err != nil {
			return err
		}
		now := s.clock() // after the case's lock: its times follow commit order
		w, err := sampleFor(ctx, tx, a, id, ownEvidence)
		if err != nil {
			return err
		}
		if err := tx.DeleteWorkSample(ctx, w.ID); err != nil {
			return err
		}
		if err := tx.RefreshEvidence(ctx, w.CaseID, now); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "work_sample.deleted", "work_sample", w.ID, w.CaseID)
	})
}

// OverrideLabel sets the effective label of a work sample, with a reason,
// beside the automatic label. The case's advisor or an admin may call it
// (applicants: CodeForbidden; other advisors: CodeNotFound). An unknown
// label or a blank or too long reason is CodeInvalid.
func (s *Service) OverrideLabel(ctx context.Context, a advising.Actor, id string, label advising.Label, reason string) (advising.WorkSample, error) {
	var v advising.Validator
	v.Check(label.Valid(), "label", "must be one of: technology_management, engineering_management, hybrid, insufficient_evidence")
	v.Check(strings.TrimSpace(reason) != "", "reason", "must not be blank")
	v.Check(len([]rune(reason)) <= advising.MaxOverrideReasonLen, "reason", "must be at most 2000 characters")
	if err := v.Err(); err != nil {
		return advising.WorkSample{}, err
	}
	var w advising.WorkSample
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		if err := lockSampleCase(ctx, tx, id); err != nil {
			return err
		}
		now := s.clock() // after the case's lock: its times follow commit order
		var err error
		if w, err = sampleFor(ctx, tx, a, id, reviewEvidence); err != nil {
			return err
		}
		was := string(w.EffectiveLabel())
		w.Override = &advising.Override{Label: label, Reason: reason, By: a.UserID, At: now}
		w.UpdatedAt = now
		if err := tx.UpdateWorkSample(ctx, w); err != nil {
			return err
		}
		if err := tx.RefreshEvidence(ctx, w.CaseID, now); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "work_sample.override_set", "work_sample", w.ID, w.CaseID,
			change("effective_label", &was, string(label)))
	})
	if err != nil {
		return advising.WorkSample{}, err
	}
	return w, nil
}

// RemoveOverride removes a work sample's override so the automatic label is
// effective again. Removing an override that is not there succeeds and
// changes (and audits) nothing. Callers as for OverrideLabel.
func (s *Service) RemoveOverride(ctx context.Context, a advising.Actor, id string) error {
	return s.st.Tx(ctx, func(tx *store.Store) error {
		if err := lockSampleCase(ctx, tx, id); err != nil {
			return err
		}
		now := s.clock() // after the case's lock: its times follow commit order
		w, err := sampleFor(ctx, tx, a, id, reviewEvidence)
		if err != nil || w.Override == nil {
			return err
		}
		w.Override, w.UpdatedAt = nil, now
		if err := tx.UpdateWorkSample(ctx, w); err != nil {
			return err
		}
		if err := tx.RefreshEvidence(ctx, w.CaseID, now); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "work_sample.override_removed", "work_sample", w.ID, w.CaseID)
	})
}
