package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestProfileValidation: each rule of the profile is a 422 naming the field
// by its JSON path; nothing is stored.
func TestProfileValidation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.applicant(t)
	path := "/api/v1/applicants/" + owner.ID + "/profile"
	tooMany, _ := json.Marshal(map[string]any{"responsibilities": slices.Repeat([]string{"Ran the depot rollout"}, 21)})
	tests := []struct {
		name  string
		body  string
		field string
	}{
		{"negative years", `{"years_experience": -1}`, "years_experience"},
		{"too many years", `{"years_experience": 61}`, "years_experience"},
		{"unknown sector", `{"sector": "space"}`, "sector"},
		{"empty sector", `{"sector": ""}`, "sector"},
		{"21 responsibilities", string(tooMany), "responsibilities"},
		{"blank responsibility", `{"responsibilities": ["Led the rollout", "ok", "  "]}`, "responsibilities[2]"},
		{"empty responsibility", `{"responsibilities": [""]}`, "responsibilities[0]"},
		{"long responsibility", `{"responsibilities": ["` + strings.Repeat("é", 501) + `"]}`, "responsibilities[0]"},
		{"long target role", `{"target_role": "` + strings.Repeat("x", 501) + `"}`, "target_role"},
		{"unknown programme", `{"programme_interest": "mba"}`, "programme_interest"},
		{"unknown study mode", `{"study_mode": "evenings"}`, "study_mode"},
		{"intake month 13", `{"target_intake": "2027-13"}`, "target_intake"},
		{"intake not YYYY-MM", `{"target_intake": "09/2027"}`, "target_intake"},
		{"intake with a day", `{"target_intake": "2027-09-01"}`, "target_intake"},
		{"score 0", `{"self_assessment": {"communication": 0}}`, "self_assessment.communication"},
		{"score 6", `{"self_assessment": {"ethical_data_driven_decision_making": 6}}`, "self_assessment.ethical_data_driven_decision_making"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := checkProblem(t, "PUT profile "+tt.body, ts.do(t, owner, http.MethodPut, path, tt.body), http.StatusUnprocessableEntity)
			var fields []string
			for _, e := range p.Errors {
				fields = append(fields, e.Field)
				if e.Message == "" {
					t.Errorf("PUT profile %s: field %s has no message", tt.name, e.Field)
				}
			}
			if !slices.Contains(fields, tt.field) {
				t.Errorf("PUT profile %s: error fields %v; want %q among them", tt.name, fields, tt.field)
			}
		})
	}
	var got map[string]any
	ts.mustDo(t, owner, http.MethodGet, path, "", http.StatusOK, &got)
	if got["updated_at"] != nil {
		t.Errorf("GET profile after only invalid PUTs: updated_at = %v; want null", got["updated_at"])
	}
	// Wrong JSON types are malformed requests, not validation failures.
	checkProblem(t, "PUT profile with a string for years", ts.do(t, owner, http.MethodPut, path, `{"years_experience": "7"}`), http.StatusBadRequest)
}

// TestProfileReplace: PUT replaces the whole profile, omitted fields are
// cleared, the case's version moves and one audit event is written each time.
func TestProfileReplace(t *testing.T) {
	t.Parallel()
	f := newEvidenceFixture(t)
	ts, path := f.ts, "/api/v1/applicants/"+f.owner.ID+"/profile"
	_, v0 := ts.evidence(t, f.caseID)

	full := `{"years_experience": 7, "sector": "logistics", "responsibilities": ["Ran the rollout of a warehouse platform", "Chaired the data governance board"],
		"target_role": "Lead digital transformation", "programme_interest": "undecided", "study_mode": "part_time",
		"target_intake": "2027-09", "self_assessment": {"strategic_thinking": 4, "problem_solving": 4, "communication": 3,
		"team_building": 3, "adaptability": 5, "ethical_data_driven_decision_making": 2}}`
	var saved map[string]any
	ts.mustDo(t, f.owner, http.MethodPut, path, full, http.StatusOK, &saved)
	if saved["sector"] != "logistics" || saved["target_intake"] != "2027-09" || saved["updated_at"] == nil {
		t.Errorf("PUT full profile = %v; want it echoed with updated_at", saved)
	}
	_, v1 := ts.evidence(t, f.caseID)
	if v1 <= v0 {
		t.Errorf("case version after a profile change = %d; want more than %d", v1, v0)
	}

	ts.mustDo(t, f.owner, http.MethodPut, path, `{"sector": "finance"}`, http.StatusOK, nil)
	var got struct {
		ID      string         `json:"id"`
		Email   string         `json:"email"`
		CaseID  string         `json:"case_id"`
		Profile map[string]any `json:"profile"`
	}
	ts.mustDo(t, f.advisor, http.MethodGet, "/api/v1/applicants/"+f.owner.ID, "", http.StatusOK, &got)
	if got.ID != f.owner.ID || got.Email != f.owner.Email || got.CaseID != f.caseID {
		t.Errorf("GET applicant = %+v; want id %s, email %s, case %s", got, f.owner.ID, f.owner.Email, f.caseID)
	}
	p := got.Profile
	if p["sector"] != "finance" || p["years_experience"] != nil || p["target_intake"] != nil || p["self_assessment"] != nil {
		t.Errorf("profile after PUT {sector} = %v; want only sector set", p)
	}
	if r, ok := p["responsibilities"].([]any); !ok || len(r) != 0 {
		t.Errorf("profile responsibilities after PUT {sector} = %v; want []", p["responsibilities"])
	}
	if want := []string{"case.assigned", "profile.updated", "profile.updated"}; !slices.Equal(ts.auditActions(t, f.caseID), want) {
		t.Errorf("audit actions = %v; want %v", ts.auditActions(t, f.caseID), want)
	}
}
