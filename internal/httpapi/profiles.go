package httpapi

import (
	"time"

	"advising/internal/advising"
)

type selfAssessmentJSON struct {
	StrategicThinking               *int `json:"strategic_thinking,omitempty" validate:"omitnil,gte=1,lte=5"`
	ProblemSolving                  *int `json:"problem_solving,omitempty" validate:"omitnil,gte=1,lte=5"`
	Communication                   *int `json:"communication,omitempty" validate:"omitnil,gte=1,lte=5"`
	TeamBuilding                    *int `json:"team_building,omitempty" validate:"omitnil,gte=1,lte=5"`
	Adaptability                    *int `json:"adaptability,omitempty" validate:"omitnil,gte=1,lte=5"`
	EthicalDataDrivenDecisionMaking *int `json:"ethical_data_driven_decision_making,omitempty" validate:"omitnil,gte=1,lte=5"`
}

// profileResponse is the contract's profile. Unset fields are null;
// updated_at is null until the applicant first saves the profile.
type profileResponse struct {
	YearsExperience   *int                `json:"years_experience"`
	Sector            *string             `json:"sector"`
	Responsibilities  []string            `json:"responsibilities"`
	TargetRole        *string             `json:"target_role"`
	ProgrammeInterest *string             `json:"programme_interest"`
	StudyMode         *string             `json:"study_mode"`
	TargetIntake      *string             `json:"target_intake"`
	SelfAssessment    *selfAssessmentJSON `json:"self_assessment"`
	UpdatedAt         *time.Time          `json:"updated_at"`
}

func newProfileResponse(p advising.Profile) profileResponse {
	r := profileResponse{YearsExperience: p.YearsExperience, Sector: p.Sector, Responsibilities: p.Responsibilities,
		TargetRole: p.TargetRole, ProgrammeInterest: p.ProgrammeInterest, StudyMode: p.StudyMode, TargetIntake: p.TargetIntake}
	if r.Responsibilities == nil {
		r.Responsibilities = []string{}
	}
	if sa := p.SelfAssessment; sa != nil {
		r.SelfAssessment = &selfAssessmentJSON{StrategicThinking: sa.StrategicThinking, ProblemSolving: sa.ProblemSolving,
			Communication: sa.Communication, TeamBuilding: sa.TeamBuilding, Adaptability: sa.Adaptability,
			EthicalDataDrivenDecisionMaking: sa.EthicalDataDrivenDecisionMaking}
	}
	if !p.UpdatedAt.IsZero() {
		t := p.UpdatedAt.UTC()
		r.UpdatedAt = &t
	}
	return r
}
