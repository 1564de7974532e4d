package web

import (
	"testing"

	"advising/internal/advising"
)

// Every code the domain can produce has words, so no page ever shows a raw
// code or an empty cell when the domain grows.
func TestEveryCodeHasWords(t *testing.T) {
	for _, s := range advising.Statuses {
		if statusWords[s] == "" {
			t.Errorf("statusWords[%q] is missing", s)
		}
	}
	for _, f := range advising.Flags {
		if flagNames[f] == "" || flagSentences[f] == "" {
			t.Errorf("flagNames or flagSentences[%q] is missing", f)
		}
	}
	for _, l := range allLabels {
		if !l.Valid() || labelWords[l] == "" {
			t.Errorf("labelWords[%q] is missing", l)
		}
	}
	for _, p := range []advising.Pathway{advising.PathwayTechnologyManagement, advising.PathwayEngineeringManagement,
		advising.PathwayHybridSyllabusReview, advising.PathwayInsufficientEvidence} {
		if pathwayWords[p] == "" {
			t.Errorf("pathwayWords[%q] is missing", p)
		}
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		in   advising.FieldError
		want string
	}{
		{advising.FieldError{Field: "full_name", Message: "is required"}, "Full name is required."},
		{advising.FieldError{Field: "responsibilities[2]", Message: "must not be blank"}, "Responsibilities, line 3 must not be blank."},
		{advising.FieldError{Field: "self_assessment.team_building", Message: "must be between 1 and 5"}, "Team building must be between 1 and 5."},
		{advising.FieldError{Field: "years_experience", Message: "must be between 0 and 60"}, "Years of experience must be between 0 and 60."},
		{advising.FieldError{Field: "pathway", Message: "must be one of: technology_management, engineering_management, hybrid_syllabus_review"},
			"Pathway must be one of: Technology Management, Engineering Management, Hybrid (syllabus-level review)."},
		{advising.FieldError{Field: "study_mode", Message: "must be one of: part_time, blended, full_time"},
			"Study mode must be one of: part time, blended, full time."},
		{advising.FieldError{Field: "next_follow_up_at", Message: "must not be in the past: choose today or a later date"},
			"The follow-up date must not be in the past: choose today or a later date."},
	}
	for _, tt := range tests {
		if got := fieldSentence(tt.in); got != tt.want {
			t.Errorf("fieldSentence(%+v) = %q; want %q", tt.in, got, tt.want)
		}
	}
	if got := sentence("a case cannot move from new to under_review"); got != "A case cannot move from new to under review." {
		t.Errorf("sentence(a transition) = %q", got)
	}
	if got := sentence("no_such_code stays as it is"); got != "No_such_code stays as it is." {
		t.Errorf("sentence(an unknown code) = %q", got)
	}
	if got := sentence("the email or password is incorrect"); got != "The email or password is incorrect." {
		t.Errorf("sentence = %q", got)
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/cases?status=new": "/cases?status=new", "": "", "https://evil.example/": "", "//evil.example": "",
		"/\\evil.example": "", "javascript:alert(1)": "", "/ok\r\nSet-Cookie: x=y": "",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q; want %q", in, got, want)
		}
	}
}
