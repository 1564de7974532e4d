package advising

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on an applicant's evidence, as the contract fixes them. Lengths
// are in characters (Unicode code points), not bytes.
const (
	MaxYearsExperience   = 60
	MaxResponsibilities  = 20
	MaxResponsibilityLen = 500
	MaxTargetRoleLen     = 500
	MaxTitleLen          = 200
	MaxDescriptionLen    = 20000
	MaxOverrideReasonLen = 2000
	MaxFilenameLen       = 255
)

var yearMonth = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// Check returns a CodeInvalid error naming every field of p that breaks the
// profile rules, by its JSON name (responsibilities[2],
// self_assessment.communication), or nil.
func (p Profile) Check() error {
	var v Validator
	if p.YearsExperience != nil {
		v.Check(*p.YearsExperience >= 0 && *p.YearsExperience <= MaxYearsExperience, "years_experience", "must be between 0 and 60")
	}
	checkEnum(&v, "sector", p.Sector, Sectors)
	v.Check(len(p.Responsibilities) <= MaxResponsibilities, "responsibilities", "must have at most 20 items")
	for i, r := range p.Responsibilities {
		field := fmt.Sprintf("responsibilities[%d]", i)
		v.Check(strings.TrimSpace(r) != "", field, "must not be blank")
		v.Check(utf8.RuneCountInString(r) <= MaxResponsibilityLen, field, "must be at most 500 characters")
	}
	if p.TargetRole != nil {
		v.Check(utf8.RuneCountInString(*p.TargetRole) <= MaxTargetRoleLen, "target_role", "must be at most 500 characters")
	}
	checkEnum(&v, "programme_interest", p.ProgrammeInterest, ProgrammeInterests)
	checkEnum(&v, "study_mode", p.StudyMode, StudyModes)
	if p.TargetIntake != nil {
		v.Check(yearMonth.MatchString(*p.TargetIntake), "target_intake", "must be a month as YYYY-MM")
	}
	if sa := p.SelfAssessment; sa != nil {
		for _, s := range []struct {
			name  string
			score *int
		}{
			{"strategic_thinking", sa.StrategicThinking}, {"problem_solving", sa.ProblemSolving},
			{"communication", sa.Communication}, {"team_building", sa.TeamBuilding},
			{"adaptability", sa.Adaptability}, {"ethical_data_driven_decision_making", sa.EthicalDataDrivenDecisionMaking},
		} {
			if s.score != nil {
				v.Check(*s.score >= 1 && *s.score <= 5, "self_assessment."+s.name, "must be between 1 and 5")
			}
		}
	}
	return v.Err()
}

func checkEnum(v *Validator, field string, value *string, allowed []string) {
	if value != nil && !slices.Contains(allowed, *value) {
		v.Add(field, "must be one of: "+strings.Join(allowed, ", "))
	}
}

// CheckWorkSampleText returns a CodeInvalid error when a work sample's title
// (1 to 200 characters) or description (1 to 20,000 characters) is blank or
// too long, naming the field descriptionField for the description (it is
// "file" for an upload, whose content becomes the description).
func CheckWorkSampleText(title, description, descriptionField string) error {
	var v Validator
	v.Check(strings.TrimSpace(title) != "", "title", "must not be blank")
	v.Check(utf8.RuneCountInString(title) <= MaxTitleLen, "title", "must be at most 200 characters")
	v.Check(strings.TrimSpace(description) != "", descriptionField, "must not be blank")
	v.Check(utf8.RuneCountInString(description) <= MaxDescriptionLen, descriptionField, "must be at most 20000 characters")
	return v.Err()
}

// SafeFilename reduces an uploaded file's name to a harmless base name: no
// folders (either slash), no control characters, no "." or "..", at most
// 255 characters. The name is only ever shown back, never used as a path,
// but clients may save files under it. An empty result becomes "upload".
func SafeFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.TrimSpace(name)
	if name == "." || name == ".." || name == "/" || name == "" {
		return "upload"
	}
	if utf8.RuneCountInString(name) > MaxFilenameLen {
		name = string([]rune(name)[:MaxFilenameLen])
	}
	return name
}
