package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"advising/internal/advising"
	"advising/internal/store"
)

// Texts the tests submit. The classifier decides their labels; tests ask it
// what it says instead of hard-coding its answers.
const (
	tmTitle = "Three-year cloud data roadmap for an insurer"
	tmText  = "I led the three-year technology roadmap for moving our policy administration and claims reporting onto a cloud data platform. I ran workshops with underwriting, finance and compliance to rank the capabilities we needed, wrote the business case that the executive committee approved, and set up the quarterly governance review that tracks adoption by each business unit."
	emTitle = "Design review records for a baggage hall extension"
	emText  = "As engineering lead for the baggage hall extension at a regional airport, I chaired the 21-day design review cycle with the conveyor supplier, the fire engineer and airport operations. I kept the design review records, chased every action to close-out and signed off the changes that went into the 60% and 90% design packages."
)

// workSampleBody is a work_sample as clients decode it.
type workSampleBody struct {
	ID             string  `json:"id"`
	ApplicantID    string  `json:"applicant_id"`
	Title          string  `json:"title"`
	Description    string  `json:"description"`
	Source         string  `json:"source"`
	Filename       *string `json:"filename"`
	Classification struct {
		Label           string `json:"label"`
		DeliverableType string `json:"deliverable_type"`
		Indicators      struct {
			TechnologyManagement  []string `json:"technology_management"`
			EngineeringManagement []string `json:"engineering_management"`
		} `json:"indicators"`
		Rationale         string `json:"rationale"`
		Borderline        bool   `json:"borderline"`
		ClassifierVersion string `json:"classifier_version"`
	} `json:"classification"`
	Override *struct {
		Label  string `json:"label"`
		Reason string `json:"reason"`
		By     string `json:"by"`
	} `json:"override"`
	EffectiveLabel string `json:"effective_label"`
}

// evidenceFixture is an office with one applicant (the owner) whose case is
// assigned to an advisor, plus everyone who must not see the owner's data.
type evidenceFixture struct {
	ts                *testServer
	owner, other      testUser
	advisor, stranger testUser
	admin             testUser
	caseID            string
}

func newEvidenceFixture(t testing.TB) *evidenceFixture {
	t.Helper()
	ts := newTestServer(t)
	f := &evidenceFixture{ts: ts, admin: ts.firstAdmin(t), owner: ts.applicant(t), other: ts.applicant(t),
		advisor: ts.staff(t, advising.RoleAdvisor), stranger: ts.staff(t, advising.RoleAdvisor)}
	f.caseID = ts.caseOf(t, f.owner.ID)
	ts.assign(t, f.caseID, f.advisor.ID)
	return f
}

// submit posts a text work sample as u for the applicant and returns it.
func (ts *testServer) submit(t testing.TB, u testUser, applicantID, title, text string) workSampleBody {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"title": title, "description": text})
	var w workSampleBody
	ts.mustDo(t, u, http.MethodPost, "/api/v1/applicants/"+applicantID+"/work-samples", string(body), http.StatusCreated, &w)
	return w
}

// evidence returns a case's evidence counters and version from the store.
func (ts *testServer) evidence(t testing.TB, caseID string) (advising.Evidence, int) {
	t.Helper()
	ev, version, err := ts.st.CaseEvidence(context.Background(), caseID)
	if err != nil {
		t.Fatalf("CaseEvidence(%s): %v", caseID, err)
	}
	return ev, version
}

// auditActions returns the actions audited for a case since it was opened,
// oldest first.
func (ts *testServer) auditActions(t testing.TB, caseID string) []string {
	t.Helper()
	evs, err := ts.st.ListAudit(context.Background(), store.AuditFilter{CaseID: caseID, Limit: 100})
	if err != nil {
		t.Fatalf("ListAudit(case %s): %v", caseID, err)
	}
	out := []string{}
	for i := len(evs) - 1; i >= 0; i-- {
		if a := evs[i].Action; a != "user.registered" && a != "case.opened" {
			out = append(out, a)
		}
	}
	return out
}

// part is one multipart part; a non-empty filename makes it a file part.
type part struct {
	name, filename, contentType string
	content                     []byte
}

// multipartBody encodes parts and returns the body and its Content-Type.
func multipartBody(t testing.TB, parts ...part) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		disp := fmt.Sprintf(`form-data; name=%q`, p.name)
		if p.filename != "" {
			disp += fmt.Sprintf(`; filename=%q`, p.filename)
		}
		h.Set("Content-Disposition", disp)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatalf("CreatePart: %v", err)
		}
		_, _ = w.Write(p.content)
	}
	if err := mw.Close(); err != nil {
		t.Fatalf("close multipart writer: %v", err)
	}
	return &buf, mw.FormDataContentType()
}

// TestEvidenceAccess runs every evidence endpoint as every kind of caller.
// Each row gets its own office, so rows run in parallel and mutations in one
// row cannot disturb another.
func TestEvidenceAccess(t *testing.T) {
	t.Parallel()
	const (
		owner    = "owner"
		other    = "other applicant"
		advisor  = "assigned advisor"
		stranger = "unassigned advisor"
		admin    = "admin"
		anon     = "anonymous"
	)
	profileBody := `{"years_experience": 6, "sector": "logistics"}`
	sampleBody := `{"title": "Revised plan", "description": "I wrote the quality plan and led the test campaign for the new conveyor line."}`
	overrideBody := `{"label": "hybrid", "reason": "Both sides are substantial."}`
	type row struct {
		caller string
		want   int
	}
	endpoints := []struct {
		method, path, body string // path placeholders: {applicant}, {sample}
		rows               []row
	}{
		{http.MethodGet, "/api/v1/applicants/{applicant}", "",
			[]row{{owner, 200}, {other, 404}, {advisor, 200}, {stranger, 404}, {admin, 200}, {anon, 401}}},
		{http.MethodGet, "/api/v1/applicants/{applicant}/profile", "",
			[]row{{owner, 200}, {other, 404}, {advisor, 200}, {stranger, 404}, {admin, 200}, {anon, 401}}},
		{http.MethodPut, "/api/v1/applicants/{applicant}/profile", profileBody,
			[]row{{owner, 200}, {other, 404}, {advisor, 403}, {stranger, 403}, {admin, 403}, {anon, 401}}},
		{http.MethodPost, "/api/v1/applicants/{applicant}/work-samples", sampleBody,
			[]row{{owner, 201}, {other, 404}, {advisor, 403}, {stranger, 403}, {admin, 403}, {anon, 401}}},
		{http.MethodGet, "/api/v1/applicants/{applicant}/work-samples", "",
			[]row{{owner, 200}, {other, 404}, {advisor, 200}, {stranger, 404}, {admin, 200}, {anon, 401}}},
		{http.MethodGet, "/api/v1/work-samples/{sample}", "",
			[]row{{owner, 200}, {other, 404}, {advisor, 200}, {stranger, 404}, {admin, 200}, {anon, 401}}},
		{http.MethodPut, "/api/v1/work-samples/{sample}", sampleBody,
			[]row{{owner, 200}, {other, 404}, {advisor, 403}, {stranger, 403}, {admin, 403}, {anon, 401}}},
		{http.MethodDelete, "/api/v1/work-samples/{sample}", "",
			[]row{{owner, 204}, {other, 404}, {advisor, 403}, {stranger, 403}, {admin, 403}, {anon, 401}}},
		{http.MethodPut, "/api/v1/work-samples/{sample}/override", overrideBody,
			[]row{{owner, 403}, {other, 403}, {advisor, 200}, {stranger, 404}, {admin, 200}, {anon, 401}}},
		{http.MethodDelete, "/api/v1/work-samples/{sample}/override", "",
			[]row{{owner, 403}, {other, 403}, {advisor, 204}, {stranger, 404}, {admin, 204}, {anon, 401}}},
		{http.MethodPost, "/api/v1/admin/reclassify", "",
			[]row{{owner, 403}, {advisor, 403}, {admin, 200}, {anon, 401}}},
		{http.MethodPost, "/api/v1/admin/reclassify?dry_run=true", "",
			[]row{{owner, 403}, {advisor, 403}, {admin, 200}, {anon, 401}}},
		{http.MethodPost, "/api/v1/admin/reclassify?dry_run=yes", "",
			[]row{{owner, 403}, {advisor, 403}, {admin, 422}, {anon, 401}}},
	}
	for _, ep := range endpoints {
		for _, r := range ep.rows {
			t.Run(ep.method+" "+ep.path+" as "+r.caller, func(t *testing.T) {
				t.Parallel()
				f := newEvidenceFixture(t)
				callers := map[string]testUser{owner: f.owner, other: f.other, advisor: f.advisor,
					stranger: f.stranger, admin: f.admin, anon: {}}
				sample := f.ts.submit(t, f.owner, f.owner.ID, tmTitle, tmText)
				path := strings.NewReplacer("{applicant}", f.owner.ID, "{sample}", sample.ID).Replace(ep.path)
				before := len(f.ts.auditActions(t, f.caseID))
				rec := f.ts.do(t, callers[r.caller], ep.method, path, ep.body)
				if r.want >= 400 {
					checkProblem(t, ep.method+" "+path+" as "+r.caller, rec, r.want)
				} else if rec.Code != r.want {
					t.Fatalf("%s %s as %s = %d %s; want %d", ep.method, path, r.caller, rec.Code, rec.Body.String(), r.want)
				}
				// A refused call changes nothing; above all it leaves no trace.
				if after := len(f.ts.auditActions(t, f.caseID)); r.want >= 400 && after != before {
					t.Errorf("%s %s as %s was refused but wrote %d audit events", ep.method, path, r.caller, after-before)
				}
				if r.want == http.StatusNotFound && strings.Contains(rec.Body.String(), f.owner.Email) {
					t.Errorf("%s %s as %s: 404 body reveals the applicant: %s", ep.method, path, r.caller, rec.Body.String())
				}
			})
		}
	}
}

// TestEvidenceNotFound: unknown applicants and samples are 404 for everyone,
// the same 404 an invisible one gets.
func TestEvidenceNotFound(t *testing.T) {
	t.Parallel()
	f := newEvidenceFixture(t)
	sample := f.ts.submit(t, f.owner, f.owner.ID, tmTitle, tmText)
	tests := []struct {
		name   string
		as     testUser
		method string
		path   string
		body   string
	}{
		{"admin reads an unknown applicant", f.admin, http.MethodGet, "/api/v1/applicants/nope", ""},
		{"admin reads a staff member as an applicant", f.admin, http.MethodGet, "/api/v1/applicants/" + f.advisor.ID, ""},
		{"admin lists samples of an unknown applicant", f.admin, http.MethodGet, "/api/v1/applicants/nope/work-samples", ""},
		{"admin reads an unknown sample", f.admin, http.MethodGet, "/api/v1/work-samples/nope", ""},
		{"owner edits an unknown sample", f.owner, http.MethodPut, "/api/v1/work-samples/nope", `{"title":"t","description":"d"}`},
		{"admin overrides an unknown sample", f.admin, http.MethodPut, "/api/v1/work-samples/nope/override", `{"label":"hybrid","reason":"r"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkProblem(t, tt.name, f.ts.do(t, tt.as, tt.method, tt.path, tt.body), http.StatusNotFound)
		})
	}
	// The invisible sample and the missing one read the same.
	hidden := f.ts.do(t, f.other, http.MethodGet, "/api/v1/work-samples/"+sample.ID, "")
	missing := f.ts.do(t, f.other, http.MethodGet, "/api/v1/work-samples/nope", "")
	var ph, pm problemBody
	_ = json.Unmarshal(hidden.Body.Bytes(), &ph)
	_ = json.Unmarshal(missing.Body.Bytes(), &pm)
	if ph.Detail != pm.Detail || ph.Type != pm.Type {
		t.Errorf("another applicant's sample reads %q/%q, a missing one %q/%q; want the same", ph.Type, ph.Detail, pm.Type, pm.Detail)
	}
}
