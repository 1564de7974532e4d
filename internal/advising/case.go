package advising

import "time"

// Status is where a case stands in the office's process.
type Status string

// Case statuses, in their usual order.
const (
	StatusNew                Status = "new"
	StatusEvidenceCollection Status = "evidence_collection"
	StatusUnderReview        Status = "under_review"
	StatusRecommended        Status = "recommended"
	StatusClosed             Status = "closed"
)

// Statuses lists every status in process order.
var Statuses = []Status{StatusNew, StatusEvidenceCollection, StatusUnderReview, StatusRecommended, StatusClosed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// transitions is the office's status machine for PATCH. Moving to
// recommended happens only through Recommend, so it is absent here.
var transitions = map[Status][]Status{
	StatusNew:                {StatusEvidenceCollection, StatusClosed},
	StatusEvidenceCollection: {StatusUnderReview, StatusClosed},
	StatusUnderReview:        {StatusEvidenceCollection, StatusClosed},
	StatusRecommended:        {StatusClosed},
	StatusClosed:             {StatusUnderReview},
}

// CanTransition reports whether a case may move from one status to another
// by a status change (not by a recommendation).
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// CanRecommend reports whether a recommendation may be recorded in status s.
func CanRecommend(s Status) bool {
	return s == StatusEvidenceCollection || s == StatusUnderReview
}

// Pathway is a programme recommendation.
type Pathway string

// Recommendation pathways, and the extra suggested-pathway value for too
// little evidence.
const (
	PathwayTechnologyManagement  Pathway = "technology_management"
	PathwayEngineeringManagement Pathway = "engineering_management"
	PathwayHybridSyllabusReview  Pathway = "hybrid_syllabus_review"
	PathwayInsufficientEvidence  Pathway = "insufficient_evidence"
)

// Recommendation is an advisor's final programme advice.
type Recommendation struct {
	Pathway   Pathway
	Rationale string
	DecidedBy string
	DecidedAt time.Time
}

// Evidence counts a case's work samples by effective label, and those that
// await an advisor's reading.
type Evidence struct {
	WorkSamples           int
	TechnologyManagement  int
	EngineeringManagement int
	Hybrid                int
	InsufficientEvidence  int
	// AwaitingReview counts the samples whose classification is borderline
	// and has no override (WorkSample.NeedsReview).
	AwaitingReview int
}

// SuggestedPathway applies the office rule: fewer than two samples with a
// programme label means insufficient evidence; otherwise a side wins only when
// it outnumbers the other two labels together.
func (e Evidence) SuggestedPathway() Pathway {
	tm, em, hy := e.TechnologyManagement, e.EngineeringManagement, e.Hybrid
	switch {
	case tm+em+hy < 2:
		return PathwayInsufficientEvidence
	case tm > em+hy:
		return PathwayTechnologyManagement
	case em > tm+hy:
		return PathwayEngineeringManagement
	default:
		return PathwayHybridSyllabusReview
	}
}

// UserRef is the short form of a person inside another resource.
type UserRef struct {
	ID       string
	FullName string
}

// Case is one applicant's advising case.
type Case struct {
	ID              string
	ApplicantID     string
	Applicant       ApplicantRef
	Advisor         *UserRef
	Status          Status
	StatusChangedAt time.Time
	NextFollowUpAt  *time.Time
	Recommendation  *Recommendation
	Evidence        Evidence
	Profile         Profile
	Version         int
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// ApplicantRef is the short form of an applicant inside a case summary.
type ApplicantRef struct {
	ID       string
	FullName string
	Email    string
}
