package advising

import "time"

// Label is a work sample's classification label.
type Label string

// The four labels of DOMAIN.md.
const (
	LabelTechnologyManagement  Label = "technology_management"
	LabelEngineeringManagement Label = "engineering_management"
	LabelHybrid                Label = "hybrid"
	LabelInsufficientEvidence  Label = "insufficient_evidence"
)

// Valid reports whether l is one of the four labels.
func (l Label) Valid() bool {
	switch l {
	case LabelTechnologyManagement, LabelEngineeringManagement, LabelHybrid, LabelInsufficientEvidence:
		return true
	}
	return false
}

// MaxWorkSamples is how many work samples one applicant may hold.
const MaxWorkSamples = 20

// Classification is the classifier's reading of a work sample.
type Classification struct {
	Label                 Label
	DeliverableType       string
	TechnologyManagement  []string
	EngineeringManagement []string
	Rationale             string
	Version               string
	// Borderline: another label was close, so an advisor should read the
	// sample before relying on the label. A yes/no marker, never a score.
	Borderline bool
}

// NeedsReview reports whether the sample awaits an advisor's reading: its
// classification is borderline and no advisor has overridden the label.
func (w WorkSample) NeedsReview() bool {
	return w.Classification.Borderline && w.Override == nil
}

// Override is an advisor's correction of the automatic label.
type Override struct {
	Label  Label
	Reason string
	By     string
	At     time.Time
}

// WorkSample is a description of an applicant's work, with its classification.
type WorkSample struct {
	ID             string
	ApplicantID    string
	CaseID         string
	Title          string
	Description    string
	Source         string // "text" or "upload"
	Filename       *string
	Classification Classification
	Override       *Override
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// EffectiveLabel is the override's label when there is one, else the automatic label.
func (w WorkSample) EffectiveLabel() Label {
	if w.Override != nil {
		return w.Override.Label
	}
	return w.Classification.Label
}

// WorkSampleFile is the original file of an uploaded work sample, kept
// byte for byte; its text is the sample's description.
type WorkSampleFile struct {
	WorkSampleID string
	ContentType  string
	Content      []byte
	CreatedAt    time.Time
}

// Visibility says who may read a note.
type Visibility string

// Private notes are for the office only; shared notes are also shown to the applicant.
const (
	VisibilityPrivate Visibility = "private"
	VisibilityShared  Visibility = "shared"
)

// Valid reports whether v is private or shared.
func (v Visibility) Valid() bool { return v == VisibilityPrivate || v == VisibilityShared }

// Note is an advisor's note on a case.
type Note struct {
	ID         string
	CaseID     string
	Author     UserRef
	Body       string
	Visibility Visibility
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// AuditEvent records one successful mutation.
type AuditEvent struct {
	ID         string
	At         time.Time
	ActorID    *string
	ActorRole  *Role
	Action     string
	EntityType string
	EntityID   string
	CaseID     *string
	// Changes are the fields the mutation changed, in a fixed order; empty
	// when it records none. They never hold personal text (names, emails,
	// notes, samples, rationales): only statuses, pathways and ids.
	Changes []FieldChange
}

// FieldChange is one field an audited mutation changed, from Old to New
// (nil for no value).
type FieldChange struct {
	Field string
	Old   *string
	New   *string
}
