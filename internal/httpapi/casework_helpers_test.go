package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"advising/internal/advising"
)

// caseSummary is a case_summary as clients read it.
type caseSummary struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Applicant struct {
		ID       string `json:"id"`
		FullName string `json:"full_name"`
		Email    string `json:"email"`
	} `json:"applicant"`
	Advisor *struct {
		ID       string `json:"id"`
		FullName string `json:"full_name"`
	} `json:"advisor"`
	Evidence struct {
		WorkSamples           int    `json:"work_samples"`
		TechnologyManagement  int    `json:"technology_management"`
		EngineeringManagement int    `json:"engineering_management"`
		Hybrid                int    `json:"hybrid"`
		InsufficientEvidence  int    `json:"insufficient_evidence"`
		SuggestedPathway      string `json:"suggested_pathway"`
	} `json:"evidence"`
	Flags          []string   `json:"flags"`
	NextFollowUpAt *time.Time `json:"next_follow_up_at"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	Version        int        `json:"version"`
}

func (c caseSummary) hasFlag(f advising.Flag) bool {
	for _, g := range c.Flags {
		if g == string(f) {
			return true
		}
	}
	return false
}

// caseBody is a case as clients read it.
type caseBody struct {
	caseSummary
	Profile        map[string]any    `json:"profile"`
	WorkSamples    []json.RawMessage `json:"work_samples"`
	Recommendation *struct {
		Pathway   string    `json:"pathway"`
		Rationale string    `json:"rationale"`
		DecidedBy string    `json:"decided_by"`
		DecidedAt time.Time `json:"decided_at"`
	} `json:"recommendation"`
	StatusChangedAt time.Time `json:"status_changed_at"`
}

type caseList struct {
	Items      []caseSummary `json:"items"`
	NextCursor *string       `json:"next_cursor"`
}

// caseOf returns the ID of an applicant's case, read as admin.
func (ts *testServer) caseOf(t testing.TB, applicantID string) string {
	t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	ts.mustDo(t, ts.firstAdmin(t), http.MethodGet, "/api/v1/applicants/"+applicantID+"/case", "", http.StatusOK, &out)
	return out.ID
}

// assign gives a case to an advisor as the first admin.
func (ts *testServer) assign(t testing.TB, caseID, advisorID string) {
	t.Helper()
	ts.mustDo(t, ts.firstAdmin(t), http.MethodPut, "/api/v1/cases/"+caseID+"/assignment",
		fmt.Sprintf(`{"advisor_id":%q}`, advisorID), http.StatusOK, nil)
}

// advisedCase registers an applicant and assigns their case to advisor.
func (ts *testServer) advisedCase(t testing.TB, advisor testUser) (applicant testUser, caseID string) {
	t.Helper()
	applicant = ts.applicant(t)
	caseID = ts.caseOf(t, applicant.ID)
	ts.assign(t, caseID, advisor.ID)
	return applicant, caseID
}

// bulkCases creates n applicants with cases straight in the store (no
// password hashing, no tokens), assigned to advisorID unless it is "".
func (ts *testServer) bulkCases(t testing.TB, n int, advisorID string) []string {
	t.Helper()
	ctx := context.Background()
	ids := make([]string, n)
	for i := range n {
		k := ts.seq.Add(1)
		now := ts.clock.Now()
		u, err := ts.st.CreateUser(ctx, advising.User{Email: fmt.Sprintf("bulk%d@example.org", k), FullName: fmt.Sprintf("Bulk Applicant %d", k),
			Role: advising.RoleApplicant, PasswordHash: "-", CreatedAt: now, UpdatedAt: now})
		if err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		if ids[i], err = ts.st.OpenCase(ctx, u.ID, now); err != nil {
			t.Fatalf("OpenCase: %v", err)
		}
		if advisorID != "" {
			if err := ts.st.SetCaseAdvisor(ctx, ids[i], &advisorID, now); err != nil {
				t.Fatalf("SetCaseAdvisor: %v", err)
			}
		}
	}
	return ids
}

// samples stores classified work samples with the given effective labels.
func (ts *testServer) samples(t testing.TB, applicantID, caseID string, labels ...advising.Label) {
	t.Helper()
	for i, l := range labels {
		_, err := ts.st.InsertWorkSampleFixture(context.Background(), advising.WorkSample{ApplicantID: applicantID, CaseID: caseID,
			Title: fmt.Sprintf("Sample %d", i+1), Description: "A fixture work sample.",
			Classification: advising.Classification{Label: l, DeliverableType: "other", Rationale: "fixture", Version: "test"}},
			ts.clock.Now().UTC().Truncate(time.Microsecond))
		if err != nil {
			t.Fatalf("InsertWorkSampleFixture: %v", err)
		}
	}
}

// profile replaces an applicant's profile straight in the store.
func (ts *testServer) profile(t testing.TB, applicantID string, p advising.Profile) {
	t.Helper()
	p.UpdatedAt = ts.clock.Now().UTC()
	if err := ts.st.ReplaceProfile(context.Background(), applicantID, p); err != nil {
		t.Fatalf("ReplaceProfile: %v", err)
	}
}

// patchCase sends PATCH /cases/:id and fails unless the status is want.
func (ts *testServer) patchCase(t testing.TB, u testUser, caseID, body string, want int) caseBody {
	t.Helper()
	var out caseBody
	if want != http.StatusOK {
		checkProblem(t, "PATCH case "+body, ts.do(t, u, http.MethodPatch, "/api/v1/cases/"+caseID, body), want)
		return out
	}
	ts.mustDo(t, u, http.MethodPatch, "/api/v1/cases/"+caseID, body, http.StatusOK, &out)
	return out
}

// moveTo walks a new case along legal transitions to status.
func (ts *testServer) moveTo(t testing.TB, u testUser, caseID string, status advising.Status) {
	t.Helper()
	path := map[advising.Status][]string{
		advising.StatusNew:                nil,
		advising.StatusEvidenceCollection: {"evidence_collection"},
		advising.StatusUnderReview:        {"evidence_collection", "under_review"},
		advising.StatusRecommended:        {"evidence_collection", "under_review", "recommend"},
		advising.StatusClosed:             {"closed"},
	}[status]
	for _, step := range path {
		if step == "recommend" {
			ts.mustDo(t, u, http.MethodPut, "/api/v1/cases/"+caseID+"/recommendation",
				`{"pathway":"technology_management","rationale":"Platform adoption evidence throughout."}`, http.StatusOK, nil)
			continue
		}
		ts.patchCase(t, u, caseID, fmt.Sprintf(`{"status":%q}`, step), http.StatusOK)
	}
}

func ptr[T any](v T) *T { return &v }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
