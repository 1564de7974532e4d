package advising

import "time"

// Sectors lists the sectors an applicant may work in.
var Sectors = []string{"finance", "logistics", "infrastructure", "manufacturing", "health_technology",
	"education_technology", "public_services", "telecommunications", "software", "advanced_services", "other"}

// Programme interests and study modes accepted in a profile.
var (
	ProgrammeInterests = []string{"technology_management", "engineering_management", "undecided"}
	StudyModes         = []string{"part_time", "blended", "full_time"}
)

// SelfAssessment holds the six self-rated skills, each 1 to 5 when present.
type SelfAssessment struct {
	StrategicThinking               *int
	ProblemSolving                  *int
	Communication                   *int
	TeamBuilding                    *int
	Adaptability                    *int
	EthicalDataDrivenDecisionMaking *int
}

// Profile is what an applicant tells the office about themselves. Every
// field is optional; UpdatedAt is zero until the profile is first saved.
type Profile struct {
	YearsExperience   *int
	Sector            *string
	Responsibilities  []string
	TargetRole        *string
	ProgrammeInterest *string
	StudyMode         *string
	TargetIntake      *string // YYYY-MM
	SelfAssessment    *SelfAssessment
	UpdatedAt         time.Time
}
