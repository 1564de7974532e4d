package casework

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
)

// ExportFormat names the export document's format. A change that renames
// or removes a member gets a new number; new members may be added.
const ExportFormat = "advising-applicant-export/1"

// Export scopes: who asked for the copy.
const (
	ExportScopeApplicant = "applicant" // the applicant's own copy: no private notes, no audit trail
	ExportScopeOffice    = "office"    // admin answering a data-access request: everything
)

// ApplicantExport is everything the office holds about one applicant, as
// one JSON document. Unlike the API's response types it lives here, with
// its JSON names, because it is a file format that both front doors (the
// API and the pages) serve byte for byte the same; docs/openapi.yaml
// (ApplicantExport) describes every member.
type ApplicantExport struct {
	Format        string              `json:"format"`
	Scope         string              `json:"scope"`
	GeneratedAt   time.Time           `json:"generated_at"`
	Account       ExportAccount       `json:"account"`
	Profile       ExportProfile       `json:"profile"`
	Case          ExportCase          `json:"case"`
	StatusHistory []ExportStatus      `json:"status_history"`
	WorkSamples   []ExportWorkSample  `json:"work_samples"`
	UploadedFiles []ExportFile        `json:"uploaded_files"`
	Notes         []ExportNote        `json:"notes"`
	AuditEvents   *[]ExportAuditEvent `json:"audit_events,omitempty"` // office scope only
}

// ExportAccount is the applicant's account, without its password hash.
type ExportAccount struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	FullName  string    `json:"full_name"`
	Role      string    `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ExportProfile is the applicant's profile; unset members are null.
type ExportProfile struct {
	YearsExperience   *int                  `json:"years_experience"`
	Sector            *string               `json:"sector"`
	Responsibilities  []string              `json:"responsibilities"`
	TargetRole        *string               `json:"target_role"`
	ProgrammeInterest *string               `json:"programme_interest"`
	StudyMode         *string               `json:"study_mode"`
	TargetIntake      *string               `json:"target_intake"`
	SelfAssessment    *ExportSelfAssessment `json:"self_assessment"`
	UpdatedAt         *time.Time            `json:"updated_at"`
}

// ExportSelfAssessment is the applicant's rating of six skills (1 to 5).
type ExportSelfAssessment struct {
	StrategicThinking               *int `json:"strategic_thinking"`
	ProblemSolving                  *int `json:"problem_solving"`
	Communication                   *int `json:"communication"`
	TeamBuilding                    *int `json:"team_building"`
	Adaptability                    *int `json:"adaptability"`
	EthicalDataDrivenDecisionMaking *int `json:"ethical_data_driven_decision_making"`
}

// ExportPerson names a member of staff in an export.
type ExportPerson struct {
	ID       string `json:"id"`
	FullName string `json:"full_name"`
}

// ExportCase is the applicant's case and its recommendation.
type ExportCase struct {
	ID              string                `json:"id"`
	Status          string                `json:"status"`
	StatusChangedAt time.Time             `json:"status_changed_at"`
	NextFollowUpAt  *time.Time            `json:"next_follow_up_at"`
	Advisor         *ExportPerson         `json:"advisor"`
	Recommendation  *ExportRecommendation `json:"recommendation"`
	CreatedAt       time.Time             `json:"created_at"`
	UpdatedAt       time.Time             `json:"updated_at"`
}

// ExportRecommendation is the advisor's programme recommendation.
type ExportRecommendation struct {
	Pathway   string    `json:"pathway"`
	Rationale string    `json:"rationale"`
	DecidedBy string    `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

// ExportStatus is one step of the case's status history, from the audit
// trail; From is null for the case's opening.
type ExportStatus struct {
	At   time.Time `json:"at"`
	From *string   `json:"from"`
	To   string    `json:"to"`
}

// ExportWorkSample is one work sample with its classification and override.
type ExportWorkSample struct {
	ID             string               `json:"id"`
	Title          string               `json:"title"`
	Description    string               `json:"description"`
	Source         string               `json:"source"`
	Filename       *string              `json:"filename"`
	Classification ExportClassification `json:"classification"`
	Override       *ExportOverride      `json:"override"`
	EffectiveLabel string               `json:"effective_label"`
	CreatedAt      time.Time            `json:"created_at"`
	UpdatedAt      time.Time            `json:"updated_at"`
}

// ExportClassification is the classifier's reading of a work sample.
type ExportClassification struct {
	Label             string           `json:"label"`
	DeliverableType   string           `json:"deliverable_type"`
	Indicators        ExportIndicators `json:"indicators"`
	Rationale         string           `json:"rationale"`
	Borderline        bool             `json:"borderline"`
	ClassifierVersion string           `json:"classifier_version"`
}

// ExportIndicators are the indicators found on each side.
type ExportIndicators struct {
	TechnologyManagement  []string `json:"technology_management"`
	EngineeringManagement []string `json:"engineering_management"`
}

// ExportOverride is an advisor's label override.
type ExportOverride struct {
	Label  string    `json:"label"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// ExportFile is an uploaded work-sample file: its name and the text read
// from it.
type ExportFile struct {
	WorkSampleID string `json:"work_sample_id"`
	Filename     string `json:"filename"`
	Text         string `json:"text"`
}

// ExportNote is a note on the case: shared notes in the applicant's copy,
// every note in the office's.
type ExportNote struct {
	ID         string       `json:"id"`
	Author     ExportPerson `json:"author"`
	Body       string       `json:"body"`
	Visibility string       `json:"visibility"`
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
}

// ExportAuditEvent is one audit event about the applicant, as
// GET /api/v1/audit shows it.
type ExportAuditEvent struct {
	ID         string                  `json:"id"`
	At         time.Time               `json:"at"`
	ActorID    *string                 `json:"actor_id"`
	ActorRole  *string                 `json:"actor_role"`
	Action     string                  `json:"action"`
	EntityType string                  `json:"entity_type"`
	EntityID   string                  `json:"entity_id"`
	CaseID     *string                 `json:"case_id"`
	Changes    map[string]ExportChange `json:"changes"`
}

// ExportChange is one field an audited change changed.
type ExportChange struct {
	Old *string `json:"old"`
	New *string `json:"new"`
}

// mayHoldData is the rule for the privacy endpoints (export and erasure):
// the applicant themselves or admin. An advisor is refused outright
// (CodeForbidden), another applicant gets not-found.
func mayHoldData(a advising.Actor, applicantID string) error {
	switch {
	case a.IsAdmin():
		return nil
	case a.Role == advising.RoleApplicant && a.UserID == applicantID:
		return nil
	case a.Role == advising.RoleApplicant:
		return errApplicantNotFound
	}
	return advising.Errorf(advising.CodeForbidden, "only the applicant or an admin may export or erase an applicant's data")
}

// Export returns everything the office holds about an applicant, to the
// applicant (ExportScopeApplicant: no private notes, no audit trail) or to
// admin (ExportScopeOffice: also private notes and the audit events about
// them). Advisors get CodeForbidden; another applicant, or an id that is
// not an applicant's, CodeNotFound. The document is read in one
// transaction, so its parts agree with each other.
func (s *Service) Export(ctx context.Context, a advising.Actor, applicantID string) (ApplicantExport, error) {
	if err := mayHoldData(a, applicantID); err != nil {
		return ApplicantExport{}, err
	}
	var doc ApplicantExport
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		var err error
		doc, err = s.export(ctx, tx, a, applicantID)
		return err
	})
	return doc, err
}

func (s *Service) export(ctx context.Context, tx *store.Store, a advising.Actor, applicantID string) (ApplicantExport, error) {
	u, err := tx.UserByID(ctx, applicantID)
	if advising.ErrorCode(err) == advising.CodeNotFound || (err == nil && u.Role != advising.RoleApplicant) {
		return ApplicantExport{}, errApplicantNotFound
	}
	if err != nil {
		return ApplicantExport{}, err
	}
	ca, err := tx.CaseAccessByApplicant(ctx, applicantID)
	if err != nil {
		return ApplicantExport{}, err
	}
	c, err := tx.CaseByID(ctx, ca.ID)
	if err != nil {
		return ApplicantExport{}, err
	}
	samples, err := tx.WorkSamplesByApplicant(ctx, applicantID)
	if err != nil {
		return ApplicantExport{}, err
	}
	office := a.IsAdmin()
	notes, err := tx.ListNotes(ctx, store.NoteFilter{CaseID: ca.ID, SharedOnly: !office})
	if err != nil {
		return ApplicantExport{}, err
	}
	events, err := tx.AuditAbout(ctx, applicantID, ca.ID)
	if err != nil {
		return ApplicantExport{}, err
	}

	doc := ApplicantExport{Format: ExportFormat, Scope: ExportScopeApplicant, GeneratedAt: s.clock(),
		Account: ExportAccount{ID: u.ID, Email: u.Email, FullName: u.FullName, Role: string(u.Role), Disabled: u.Disabled,
			CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC()},
		Profile:       exportProfile(c.Profile),
		Case:          exportCase(c),
		StatusHistory: statusHistory(events, ca.ID),
		WorkSamples:   make([]ExportWorkSample, 0, len(samples)),
		UploadedFiles: []ExportFile{},
		Notes:         make([]ExportNote, 0, len(notes)),
	}
	for _, w := range samples {
		doc.WorkSamples = append(doc.WorkSamples, exportWorkSample(w))
		if w.Source == SourceUpload && w.Filename != nil {
			doc.UploadedFiles = append(doc.UploadedFiles, ExportFile{WorkSampleID: w.ID, Filename: *w.Filename, Text: w.Description})
		}
	}
	for i := len(notes) - 1; i >= 0; i-- { // oldest first, like the rest of the document
		n := notes[i]
		doc.Notes = append(doc.Notes, ExportNote{ID: n.ID, Author: ExportPerson{ID: n.Author.ID, FullName: n.Author.FullName},
			Body: n.Body, Visibility: string(n.Visibility), CreatedAt: n.CreatedAt.UTC(), UpdatedAt: n.UpdatedAt.UTC()})
	}
	if office {
		doc.Scope = ExportScopeOffice
		list := make([]ExportAuditEvent, 0, len(events))
		for _, e := range events {
			list = append(list, exportAuditEvent(e))
		}
		doc.AuditEvents = &list
	}
	return doc, nil
}

func exportProfile(p advising.Profile) ExportProfile {
	out := ExportProfile{YearsExperience: p.YearsExperience, Sector: p.Sector, Responsibilities: nonNil(p.Responsibilities),
		TargetRole: p.TargetRole, ProgrammeInterest: p.ProgrammeInterest, StudyMode: p.StudyMode, TargetIntake: p.TargetIntake}
	if sa := p.SelfAssessment; sa != nil {
		out.SelfAssessment = &ExportSelfAssessment{StrategicThinking: sa.StrategicThinking, ProblemSolving: sa.ProblemSolving,
			Communication: sa.Communication, TeamBuilding: sa.TeamBuilding, Adaptability: sa.Adaptability,
			EthicalDataDrivenDecisionMaking: sa.EthicalDataDrivenDecisionMaking}
	}
	if !p.UpdatedAt.IsZero() {
		t := p.UpdatedAt.UTC()
		out.UpdatedAt = &t
	}
	return out
}

func exportCase(c advising.Case) ExportCase {
	out := ExportCase{ID: c.ID, Status: string(c.Status), StatusChangedAt: c.StatusChangedAt.UTC(),
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
	if c.NextFollowUpAt != nil {
		t := c.NextFollowUpAt.UTC()
		out.NextFollowUpAt = &t
	}
	if c.Advisor != nil {
		out.Advisor = &ExportPerson{ID: c.Advisor.ID, FullName: c.Advisor.FullName}
	}
	if r := c.Recommendation; r != nil {
		out.Recommendation = &ExportRecommendation{Pathway: string(r.Pathway), Rationale: r.Rationale,
			DecidedBy: r.DecidedBy, DecidedAt: r.DecidedAt.UTC()}
	}
	return out
}

// statusHistory reads the case's status changes out of its audit events.
func statusHistory(events []advising.AuditEvent, caseID string) []ExportStatus {
	out := []ExportStatus{}
	for _, e := range events {
		if e.CaseID == nil || *e.CaseID != caseID || e.EntityType != "case" {
			continue
		}
		for _, ch := range e.Changes {
			if ch.Field == "status" && ch.New != nil {
				out = append(out, ExportStatus{At: e.At.UTC(), From: ch.Old, To: *ch.New})
			}
		}
	}
	return out
}

func exportWorkSample(w advising.WorkSample) ExportWorkSample {
	c := w.Classification
	out := ExportWorkSample{ID: w.ID, Title: w.Title, Description: w.Description, Source: w.Source, Filename: w.Filename,
		Classification: ExportClassification{Label: string(c.Label), DeliverableType: c.DeliverableType,
			Indicators: ExportIndicators{TechnologyManagement: nonNil(c.TechnologyManagement),
				EngineeringManagement: nonNil(c.EngineeringManagement)},
			Rationale: c.Rationale, Borderline: c.Borderline, ClassifierVersion: c.Version},
		EffectiveLabel: string(w.EffectiveLabel()), CreatedAt: w.CreatedAt.UTC(), UpdatedAt: w.UpdatedAt.UTC()}
	if o := w.Override; o != nil {
		out.Override = &ExportOverride{Label: string(o.Label), Reason: o.Reason, By: o.By, At: o.At.UTC()}
	}
	return out
}

func exportAuditEvent(e advising.AuditEvent) ExportAuditEvent {
	out := ExportAuditEvent{ID: e.ID, At: e.At.UTC(), ActorID: e.ActorID, Action: e.Action, EntityType: e.EntityType,
		EntityID: e.EntityID, CaseID: e.CaseID, Changes: map[string]ExportChange{}}
	if e.ActorRole != nil {
		r := string(*e.ActorRole)
		out.ActorRole = &r
	}
	for _, ch := range e.Changes {
		out.Changes[ch.Field] = ExportChange{Old: ch.Old, New: ch.New}
	}
	return out
}

// EraseApplicant erases an applicant: their account, profile, work samples
// (with any uploaded file's text), the case and every note on it, in one
// transaction. Their tokens and logins fail from then on, and every endpoint
// answers not-found for them. The audit trail keeps its events, by id only,
// without field changes, plus one "applicant.erased" event.
//
// The applicant themselves must give their password: a wrong one is
// CodeInvalid (field "password") and counts as a failed sign-in for their
// email, so the lockout applies (CodeRateLimited). Admin needs none.
// Advisors get CodeForbidden; another applicant, or an id that is not an
// applicant's, CodeNotFound.
func (s *Service) EraseApplicant(ctx context.Context, a advising.Actor, applicantID, password string) error {
	if err := mayHoldData(a, applicantID); err != nil {
		return err
	}
	if !a.IsAdmin() {
		if err := s.checkOwnPassword(ctx, a.UserID, password); err != nil {
			return err
		}
	}
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		// The case's lock first, as every evidence change takes it: an
		// upload racing the erasure either commits before it (and is
		// erased) or finds no case.
		if err := lockApplicantCase(ctx, tx, applicantID); err != nil {
			return err
		}
		now := s.clock()
		u, err := tx.UserByID(ctx, applicantID)
		if advising.ErrorCode(err) == advising.CodeNotFound || (err == nil && u.Role != advising.RoleApplicant) {
			return errApplicantNotFound
		}
		if err != nil {
			return err
		}
		ca, err := tx.CaseAccessByApplicant(ctx, applicantID)
		if err != nil {
			return err
		}
		if _, err := tx.EraseApplicant(ctx, applicantID, ca.ID); err != nil {
			return err
		}
		// The lockout's rows name the email only by a keyed hash, but they
		// are the applicant's all the same: they go too.
		if err := tx.ForgetLoginFailures(ctx, s.emailKey(u.Email)); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "applicant.erased", "user", applicantID, ca.ID)
	})
	if err != nil {
		return err
	}
	// The rows are gone and their pages overwritten; now empty the
	// write-ahead log, which still holds the pages as they were. If readers
	// keep it busy, SQLite's automatic checkpoint empties it later: the
	// erasure itself has happened, so this is not the caller's failure.
	_ = s.st.Checkpoint(ctx)
	return nil
}

// checkOwnPassword checks a signed-in user's password for an action that
// needs it again. A wrong password is CodeInvalid on the field "password"
// and a failed sign-in for the user's email; a locked email is
// CodeRateLimited, whatever the password.
func (s *Service) checkOwnPassword(ctx context.Context, userID, password string) error {
	u, err := s.st.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	attempt, err := s.beginAttempt(ctx, u.Email)
	if err != nil {
		return err
	}
	ok, err := s.matches(ctx, u.PasswordHash, password)
	if err != nil || ok {
		s.forgetAttempt(ctx, attempt)
		return err
	}
	return advising.Invalid(advising.FieldError{Field: "password", Message: "is not your password"})
}

// PurgeAudit deletes the audit events older than retention and, when it
// deleted any, records one "audit.purged" event naming the cutoff; it
// reports how many went. It is the system's own task (the zero Actor, as
// run() calls it) or admin's; anyone else gets CodeForbidden.
func (s *Service) PurgeAudit(ctx context.Context, a advising.Actor, retention time.Duration) (int64, error) {
	if !a.IsAdmin() && a != (advising.Actor{}) {
		return 0, advising.Errorf(advising.CodeForbidden, "only an admin may purge the audit trail")
	}
	if retention <= 0 {
		return 0, advising.Invalid(advising.FieldError{Field: "retention", Message: "must be positive"})
	}
	var n int64
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		now := s.clock()
		cutoff := now.Add(-retention)
		var err error
		if n, err = tx.PurgeAuditBefore(ctx, cutoff); err != nil || n == 0 {
			return err
		}
		return audit(ctx, tx, a, now, "audit.purged", "audit_trail", cutoff.Format(time.RFC3339), "")
	})
	if err != nil {
		return 0, err
	}
	if n > 0 {
		_ = s.st.Checkpoint(ctx) // as after an erasure
	}
	return n, nil
}

// EncodeExport writes an export document as indented JSON, the form both
// front doors serve.
func EncodeExport(doc ApplicantExport) ([]byte, error) {
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode export: %w", err)
	}
	return append(b, '\n'), nil
}

// ExportDisposition is the Content-Disposition of an export download: an
// attachment named by the applicant's id and the day, never their name.
func ExportDisposition(doc ApplicantExport) string {
	return fmt.Sprintf(`attachment; filename="advising-export-%s-%s.json"`, doc.Account.ID, doc.GeneratedAt.Format("2006-01-02"))
}
