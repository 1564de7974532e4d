package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
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

// profileRequest is the body of PUT .../profile: the whole profile, every
// member optional. Validation names fields by their JSON paths.
type profileRequest struct {
	YearsExperience   *int                `json:"years_experience" validate:"omitnil,gte=0,lte=60"`
	Sector            *string             `json:"sector" validate:"omitnil,oneof=finance logistics infrastructure manufacturing health_technology education_technology public_services telecommunications software advanced_services other"`
	Responsibilities  []string            `json:"responsibilities" validate:"max=20,dive,notblank,max=500"`
	TargetRole        *string             `json:"target_role" validate:"omitnil,max=500"`
	ProgrammeInterest *string             `json:"programme_interest" validate:"omitnil,oneof=technology_management engineering_management undecided"`
	StudyMode         *string             `json:"study_mode" validate:"omitnil,oneof=part_time blended full_time"`
	TargetIntake      *string             `json:"target_intake" validate:"omitnil,yearmonth"`
	SelfAssessment    *selfAssessmentJSON `json:"self_assessment"`
}

func (r profileRequest) profile() advising.Profile {
	p := advising.Profile{YearsExperience: r.YearsExperience, Sector: r.Sector, Responsibilities: r.Responsibilities,
		TargetRole: r.TargetRole, ProgrammeInterest: r.ProgrammeInterest, StudyMode: r.StudyMode, TargetIntake: r.TargetIntake}
	if sa := r.SelfAssessment; sa != nil {
		p.SelfAssessment = &advising.SelfAssessment{StrategicThinking: sa.StrategicThinking, ProblemSolving: sa.ProblemSolving,
			Communication: sa.Communication, TeamBuilding: sa.TeamBuilding, Adaptability: sa.Adaptability,
			EthicalDataDrivenDecisionMaking: sa.EthicalDataDrivenDecisionMaking}
	}
	return p
}

type applicantResponse struct {
	ID       string          `json:"id"`
	Email    string          `json:"email"`
	FullName string          `json:"full_name"`
	CaseID   string          `json:"case_id"`
	Profile  profileResponse `json:"profile"`
}

// handleApplicantGet serves GET /api/v1/applicants/:applicantID for the
// applicant, their assigned advisor and admin.
func handleApplicantGet(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		ap, err := cw.Applicant(c.Request().Context(), actorFrom(c), c.Param("applicantID"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, applicantResponse{ID: ap.ID, Email: ap.Email, FullName: ap.FullName,
			CaseID: ap.CaseID, Profile: newProfileResponse(ap.Profile)})
	}
}

// handleProfileGet serves GET /api/v1/applicants/:applicantID/profile for
// the applicant, their assigned advisor and admin.
func handleProfileGet(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, err := cw.Profile(c.Request().Context(), actorFrom(c), c.Param("applicantID"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newProfileResponse(p))
	}
}

// handleProfileReplace serves PUT /api/v1/applicants/:applicantID/profile
// for the applicant themself: it replaces the whole profile.
func handleProfileReplace(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		var req profileRequest
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		p, err := cw.ReplaceProfile(c.Request().Context(), actorFrom(c), c.Param("applicantID"), req.profile())
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newProfileResponse(p))
	}
}
