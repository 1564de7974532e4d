package advising

import (
	"strings"
	"testing"
	"unicode"
)

// TestGuidanceFor: each rule of the guidance, from the effective labels and
// the stated interest, with the sentences that must and must not appear.
func TestGuidanceFor(t *testing.T) {
	ev := func(tm, em, hy, weak int) Evidence {
		return Evidence{WorkSamples: tm + em + hy + weak, TechnologyManagement: tm, EngineeringManagement: em, Hybrid: hy, InsufficientEvidence: weak}
	}
	s := func(v string) *string { return &v }
	tests := []struct {
		name     string
		e        Evidence
		interest *string
		summary  string   // in the summary
		want     []string // each in some next step
		notWant  []string // in no next step
	}{
		{"no samples", ev(0, 0, 0, 0), nil, "not added any work samples",
			[]string{"Add two or three work samples"}, []string{"too short", "interested in"}},
		{"only weak samples", ev(0, 0, 0, 2), nil, "None of your samples shows yet",
			[]string{"Add another work sample", "too short, too general"}, []string{"hybrid"}},
		{"one owned sample", ev(1, 0, 0, 0), s("undecided"), "one of your samples shows work you were accountable for, on the technology management side",
			[]string{"Add another work sample"}, []string{"too short", "points to"}},
		{"one owned engineering sample", ev(0, 1, 0, 1), nil, "on the engineering management side",
			[]string{"Add another work sample", "too short"}, nil},
		{"technology management, interest agrees", ev(2, 0, 0, 0), s("technology_management"), "technology management accountability",
			[]string{"point the same way", "Technology Management's module descriptions"}, []string{"Add another", "none of your samples"}},
		{"engineering management, undecided", ev(0, 3, 0, 0), s("undecided"), "engineering management accountability",
			[]string{"not chosen a programme yet", "points to Engineering Management"}, []string{"Add another"}},
		{"engineering management, no interest given", ev(0, 2, 0, 0), nil, "engineering management accountability",
			[]string{"not chosen a programme yet"}, nil},
		{"interest and evidence disagree", ev(0, 2, 0, 0), s("technology_management"), "engineering management accountability",
			[]string{"none of your samples shows work you owned on that side, such as a technology roadmap",
				"Your stated interest is Technology Management, but your evidence so far points to Engineering Management",
				"work you want to do next"}, []string{"same way"}},
		{"engineering interest, technology evidence", ev(3, 0, 0, 0), s("engineering_management"), "technology management accountability",
			[]string{"on the engineering side, such as a design review record", "points to Technology Management"}, nil},
		{"hybrid with both sides shown", ev(1, 1, 0, 0), s("undecided"), "accountability on both sides",
			[]string{"module descriptions, assessment formats and capstone expectations of both programmes"},
			[]string{"on its own too", "not chosen a programme"}},
		{"hybrid without the engineering side", ev(1, 0, 1, 0), nil, "both sides",
			[]string{"show the engineering side on its own too: a sample where you owned a design review record"},
			[]string{"show the technology management side on its own"}},
		{"hybrid samples only", ev(0, 0, 2, 0), s("engineering_management"), "both sides",
			[]string{"technology management side on its own too", "engineering side on its own too"},
			[]string{"none of your samples shows work you owned"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := GuidanceFor(tt.e, tt.interest)
			all := strings.Join(g.NextSteps, "\n")
			if !strings.Contains(g.Summary, tt.summary) {
				t.Errorf("GuidanceFor(%+v).Summary = %q; want it to contain %q", tt.e, g.Summary, tt.summary)
			}
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("GuidanceFor(%+v).NextSteps =\n%s\nwant one containing %q", tt.e, all, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(all, w) {
					t.Errorf("GuidanceFor(%+v).NextSteps =\n%s\nwant none containing %q", tt.e, all, w)
				}
			}
			// Plain sentences without figures: no digits, each step a sentence.
			for _, line := range append([]string{g.Summary}, g.NextSteps...) {
				if strings.IndexFunc(line, unicode.IsDigit) >= 0 || !strings.HasSuffix(line, ".") {
					t.Errorf("GuidanceFor(%+v): %q is not a plain sentence without figures", tt.e, line)
				}
			}
			if g.NextSteps == nil {
				t.Errorf("GuidanceFor(%+v).NextSteps is nil; want a list", tt.e)
			}
		})
	}
}
