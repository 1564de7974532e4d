package advising_test

import (
	"errors"
	"strings"
	"testing"

	"advising/internal/advising"
)

func TestSafeFilename(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plan.txt", "plan.txt"},
		{"../../etc/passwd", "passwd"},
		{`..\..\windows\system.ini`, "system.ini"},
		{`C:\Users\me\notes.md`, "notes.md"},
		{"/abs/path/x.md", "x.md"},
		{"dir/", "dir"},
		{"..", "upload"},
		{".", "upload"},
		{"", "upload"},
		{"a\x00b\r\nc.txt", "abc.txt"},
		{"bad\xffutf8.txt", "badutf8.txt"},
		{"  spaced.txt  ", "spaced.txt"},
		{strings.Repeat("é", 300) + ".txt", strings.Repeat("é", 255)},
	}
	for _, tt := range tests {
		if got := advising.SafeFilename(tt.in); got != tt.want {
			t.Errorf("SafeFilename(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestProfileCheck(t *testing.T) {
	n := func(i int) *int { return &i }
	s := func(v string) *string { return &v }
	tests := []struct {
		name  string
		p     advising.Profile
		field string // "" for valid
	}{
		{"empty", advising.Profile{}, ""},
		{"full", advising.Profile{YearsExperience: n(0), Sector: s("other"), Responsibilities: []string{"Ran it"},
			TargetRole: s(""), ProgrammeInterest: s("undecided"), StudyMode: s("blended"), TargetIntake: s("2027-01"),
			SelfAssessment: &advising.SelfAssessment{Adaptability: n(5)}}, ""},
		{"years", advising.Profile{YearsExperience: n(61)}, "years_experience"},
		{"sector", advising.Profile{Sector: s("mining")}, "sector"},
		{"responsibilities", advising.Profile{Responsibilities: make([]string, 21)}, "responsibilities"},
		{"responsibility", advising.Profile{Responsibilities: []string{"ok", " "}}, "responsibilities[1]"},
		{"target role", advising.Profile{TargetRole: s(strings.Repeat("r", 501))}, "target_role"},
		{"intake", advising.Profile{TargetIntake: s("2027-00")}, "target_intake"},
		{"score", advising.Profile{SelfAssessment: &advising.SelfAssessment{TeamBuilding: n(0)}}, "self_assessment.team_building"},
	}
	for _, tt := range tests {
		err := tt.p.Check()
		var e *advising.Error
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("Check(%s) = %v; want nil", tt.name, err)
		case tt.field != "" && (!errors.As(err, &e) || e.Code != advising.CodeInvalid || e.Fields[0].Field != tt.field):
			t.Errorf("Check(%s) = %v; want invalid %s", tt.name, err, tt.field)
		}
	}
}
