package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"advising/internal/advising"
)

// Every casework endpoint admits its callers and refuses everyone else with
// the contract's status: anonymous 401, applicant 403, another advisor 404,
// an advisor on an admin-only endpoint 403.
func TestCaseworkEndpointAccess(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor, other := ts.staff(t, advising.RoleAdvisor), ts.staff(t, advising.RoleAdvisor)
	applicant, caseID := ts.advisedCase(t, advisor)
	stranger := ts.applicant(t)

	// Each row creates what it needs so that rows do not depend on each other.
	note := func(author testUser) string {
		var n struct {
			ID string `json:"id"`
		}
		ts.mustDo(t, author, http.MethodPost, "/api/v1/cases/"+caseID+"/notes", `{"body":"a note","visibility":"private"}`, http.StatusCreated, &n)
		return n.ID
	}
	type call struct {
		method, path, body string
	}
	ok := func(method string) int {
		switch method {
		case http.MethodPost:
			return http.StatusCreated
		case http.MethodDelete:
			return http.StatusNoContent
		}
		return http.StatusOK
	}
	const anon, appl, otherAdv, assigned, adm = "anonymous", "applicant", "other advisor", "assigned advisor", "admin"
	users := map[string]testUser{anon: {}, appl: applicant, otherAdv: other, assigned: advisor, adm: admin}
	tests := []struct {
		name string
		call func() call
		want map[string]int // caller → status; callers left out get ok(method)
	}{
		{"list cases", func() call { return call{http.MethodGet, "/api/v1/cases", ""} },
			map[string]int{anon: 401, appl: 403, otherAdv: 200}},
		{"list cases by advisor", func() call { return call{http.MethodGet, "/api/v1/cases?advisor_id=" + advisor.ID, ""} },
			map[string]int{anon: 401, appl: 403, otherAdv: 403, assigned: 403}},
		{"list unassigned cases", func() call { return call{http.MethodGet, "/api/v1/cases?unassigned=true", ""} },
			map[string]int{anon: 401, appl: 403, otherAdv: 403, assigned: 403}},
		{"get case", func() call { return call{http.MethodGet, "/api/v1/cases/" + caseID, ""} },
			map[string]int{anon: 401, appl: 403, otherAdv: 404}},
		{"patch case", func() call { return call{http.MethodPatch, "/api/v1/cases/" + caseID, `{"next_follow_up_at":null}`} },
			map[string]int{anon: 401, appl: 403, otherAdv: 404}},
		{"assign case", func() call {
			return call{http.MethodPut, "/api/v1/cases/" + caseID + "/assignment", fmt.Sprintf(`{"advisor_id":%q}`, advisor.ID)}
		}, map[string]int{anon: 401, appl: 403, otherAdv: 403, assigned: 403}},
		{"recommend", func() call {
			return call{http.MethodPut, "/api/v1/cases/" + caseID + "/recommendation", `{"pathway":"hybrid_syllabus_review","rationale":"x"}`}
		}, map[string]int{anon: 401, appl: 403, otherAdv: 404, assigned: 409, adm: 409}},
		{"list notes", func() call { return call{http.MethodGet, "/api/v1/cases/" + caseID + "/notes", ""} },
			map[string]int{anon: 401, appl: 403, otherAdv: 404}},
		{"add note", func() call { return call{http.MethodPost, "/api/v1/cases/" + caseID + "/notes", `{"body":"hello"}`} },
			map[string]int{anon: 401, appl: 403, otherAdv: 404}},
		{"edit advisor's note", func() call { return call{http.MethodPatch, "/api/v1/notes/" + note(advisor), `{"body":"edited"}`} },
			map[string]int{anon: 401, appl: 403, otherAdv: 404, adm: 403}},
		{"edit admin's note", func() call { return call{http.MethodPatch, "/api/v1/notes/" + note(admin), `{"body":"edited"}`} },
			map[string]int{anon: 401, appl: 403, otherAdv: 404, assigned: 403}},
		{"delete advisor's note", func() call { return call{http.MethodDelete, "/api/v1/notes/" + note(advisor), ""} },
			map[string]int{anon: 401, appl: 403, otherAdv: 404}},
		{"delete admin's note", func() call { return call{http.MethodDelete, "/api/v1/notes/" + note(admin), ""} },
			map[string]int{anon: 401, appl: 403, otherAdv: 404, assigned: 403}},
		{"applicant's case view", func() call { return call{http.MethodGet, "/api/v1/applicants/" + applicant.ID + "/case", ""} },
			map[string]int{anon: 401, otherAdv: 404}},
		{"another applicant's case view", func() call { return call{http.MethodGet, "/api/v1/applicants/" + stranger.ID + "/case", ""} },
			map[string]int{anon: 401, appl: 404, otherAdv: 404, assigned: 404}},
		{"dashboard", func() call { return call{http.MethodGet, "/api/v1/dashboard", ""} },
			map[string]int{anon: 401, appl: 403}},
		{"audit", func() call { return call{http.MethodGet, "/api/v1/audit", ""} },
			map[string]int{anon: 401, appl: 403, otherAdv: 403, assigned: 403}},
		{"unknown case", func() call { return call{http.MethodGet, "/api/v1/cases/no-such-case", ""} },
			map[string]int{anon: 401, appl: 403, otherAdv: 404, assigned: 404, adm: 404}},
		{"unknown note", func() call { return call{http.MethodDelete, "/api/v1/notes/no-such-note", ""} },
			map[string]int{anon: 401, appl: 403, otherAdv: 404, assigned: 404, adm: 404}},
	}
	for _, tt := range tests {
		for _, who := range []string{anon, appl, otherAdv, assigned, adm} {
			c := tt.call()
			want, listed := tt.want[who]
			if !listed {
				want = ok(c.method)
			}
			rec := ts.do(t, users[who], c.method, c.path, c.body)
			if rec.Code != want {
				t.Errorf("%s: %s %s as %s = %d %s; want %d", tt.name, c.method, c.path, who, rec.Code, rec.Body.String(), want)
			}
			if want >= 400 {
				checkProblem(t, tt.name+" as "+who, rec, want)
			}
		}
	}
}

// Every from→to pair of the status machine: legal moves are 200 and record
// the change; everything else, PATCH to recommended included, is 409.
func TestCaseStatusTransitions(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	allowed := map[advising.Status][]advising.Status{
		advising.StatusNew:                {advising.StatusEvidenceCollection, advising.StatusClosed},
		advising.StatusEvidenceCollection: {advising.StatusUnderReview, advising.StatusClosed},
		advising.StatusUnderReview:        {advising.StatusEvidenceCollection, advising.StatusClosed},
		advising.StatusRecommended:        {advising.StatusClosed},
		advising.StatusClosed:             {advising.StatusUnderReview},
	}
	for _, from := range advising.Statuses {
		for _, to := range advising.Statuses {
			_, caseID := ts.advisedCase(t, advisor)
			ts.moveTo(t, advisor, caseID, from)
			want := http.StatusConflict
			for _, s := range allowed[from] {
				if s == to {
					want = http.StatusOK
				}
			}
			var before caseBody
			ts.mustDo(t, advisor, http.MethodGet, "/api/v1/cases/"+caseID, "", http.StatusOK, &before)
			ts.clock.Advance(time.Minute)
			got := ts.patchCase(t, advisor, caseID, fmt.Sprintf(`{"status":%q}`, to), want)
			if want != http.StatusOK {
				continue
			}
			if got.Status != string(to) || got.Version != before.Version+1 || !got.StatusChangedAt.Equal(ts.clock.Now()) ||
				!got.UpdatedAt.Equal(ts.clock.Now()) {
				t.Errorf("PATCH %s→%s = status %s version %d status_changed_at %v updated_at %v; want %s, version %d, both %v",
					from, to, got.Status, got.Version, got.StatusChangedAt, got.UpdatedAt, to, before.Version+1, ts.clock.Now())
			}
		}
	}
}

// A recommendation is accepted only while collecting evidence or under
// review, moves the case to recommended and records who decided.
func TestCaseRecommendation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	for _, from := range advising.Statuses {
		t.Run(string(from), func(t *testing.T) {
			_, caseID := ts.advisedCase(t, advisor)
			ts.moveTo(t, advisor, caseID, from)
			body := `{"pathway":"engineering_management","rationale":"Owns design reviews and the quality plan."}`
			if !advising.CanRecommend(from) {
				checkProblem(t, "recommend from "+string(from), ts.do(t, advisor, http.MethodPut, "/api/v1/cases/"+caseID+"/recommendation", body), http.StatusConflict)
				return
			}
			var got caseBody
			ts.mustDo(t, advisor, http.MethodPut, "/api/v1/cases/"+caseID+"/recommendation", body, http.StatusOK, &got)
			if got.Status != "recommended" || got.Recommendation == nil || got.Recommendation.Pathway != "engineering_management" ||
				got.Recommendation.DecidedBy != advisor.ID || !got.Recommendation.DecidedAt.Equal(ts.clock.Now()) {
				t.Errorf("recommend from %s = %+v %+v; want recommended, engineering_management by %s", from, got.caseSummary, got.Recommendation, advisor.ID)
			}
		})
	}
	_, caseID := ts.advisedCase(t, advisor)
	ts.moveTo(t, advisor, caseID, advising.StatusUnderReview)
	for _, body := range []string{`{"pathway":"insufficient_evidence","rationale":"x"}`, `{"pathway":"technology_management","rationale":""}`,
		`{"pathway":"technology_management","rationale":"` + strings.Repeat("x", 5001) + `"}`, `{"pathway":"technology_management"}`} {
		checkProblem(t, "recommend "+body[:min(len(body), 60)], ts.do(t, advisor, http.MethodPut, "/api/v1/cases/"+caseID+"/recommendation", body), http.StatusUnprocessableEntity)
	}
}

// If-Match: the current ETag (or *) lets a PATCH through and returns the new
// ETag; a stale or foreign one is 412 and changes nothing.
func TestCaseIfMatch(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	_, caseID := ts.advisedCase(t, advisor)
	_, otherID := ts.advisedCase(t, advisor)
	etag := func(id string) string {
		rec := ts.do(t, advisor, http.MethodGet, "/api/v1/cases/"+id, "")
		e := rec.Header().Get("ETag")
		if rec.Code != http.StatusOK || !strings.HasPrefix(e, `"`) || !strings.HasSuffix(e, `"`) {
			t.Fatalf("GET case = %d, ETag %q; want 200 with a strong ETag", rec.Code, e)
		}
		return e
	}
	first := etag(caseID)
	rec := ts.do(t, advisor, http.MethodPatch, "/api/v1/cases/"+caseID, `{"status":"evidence_collection"}`, "If-Match", first)
	second := rec.Header().Get("ETag")
	if rec.Code != http.StatusOK || second == "" || second == first || second != etag(caseID) {
		t.Fatalf("PATCH with current If-Match = %d, ETag %q; want 200 with a new ETag (was %s)", rec.Code, second, first)
	}
	for _, stale := range []string{first, etag(otherID), `W/` + second, `"nonsense"`} {
		rec := ts.do(t, advisor, http.MethodPatch, "/api/v1/cases/"+caseID, `{"status":"under_review"}`, "If-Match", stale)
		checkProblem(t, "PATCH with If-Match "+stale, rec, http.StatusPreconditionFailed)
	}
	if etag(caseID) != second {
		t.Errorf("a refused PATCH changed the ETag")
	}
	rec = ts.do(t, advisor, http.MethodPatch, "/api/v1/cases/"+caseID, `{"next_follow_up_at":"2026-12-01T10:00:00Z"}`, "If-Match", `"x", `+second)
	if rec.Code != http.StatusOK {
		t.Errorf("PATCH with a list holding the current ETag = %d %s; want 200", rec.Code, rec.Body.String())
	}
	rec = ts.do(t, advisor, http.MethodPatch, "/api/v1/cases/"+caseID, `{"status":"under_review"}`, "If-Match", "*")
	if rec.Code != http.StatusOK {
		t.Errorf("PATCH with If-Match * = %d %s; want 200", rec.Code, rec.Body.String())
	}
}

// PATCH tells an absent next_follow_up_at from null, and validates it.
func TestCasePatchFollowUp(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	_, caseID := ts.advisedCase(t, advisor)
	got := ts.patchCase(t, advisor, caseID, `{"next_follow_up_at":"2026-12-01T10:00:00+02:00"}`, http.StatusOK)
	want := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	if got.NextFollowUpAt == nil || !got.NextFollowUpAt.Equal(want) {
		t.Fatalf("PATCH next_follow_up_at = %v; want %v", got.NextFollowUpAt, want)
	}
	version := got.Version
	got = ts.patchCase(t, advisor, caseID, `{}`, http.StatusOK)
	if got.NextFollowUpAt == nil || got.Version != version {
		t.Errorf("PATCH {} = follow-up %v version %d; want unchanged %v, version %d", got.NextFollowUpAt, got.Version, want, version)
	}
	got = ts.patchCase(t, advisor, caseID, `{"status":"evidence_collection"}`, http.StatusOK)
	if got.NextFollowUpAt == nil {
		t.Errorf("PATCH without next_follow_up_at cleared it")
	}
	got = ts.patchCase(t, advisor, caseID, `{"next_follow_up_at":null}`, http.StatusOK)
	if got.NextFollowUpAt != nil {
		t.Errorf("PATCH next_follow_up_at null = %v; want null", got.NextFollowUpAt)
	}
	// The test clock reads 2026-11-22 09:00 UTC: earlier today is still a
	// follow-up to make; yesterday is refused, and the case keeps its date.
	ts.patchCase(t, advisor, caseID, `{"next_follow_up_at":"2026-11-22T01:00:00Z"}`, http.StatusOK)
	rec := ts.do(t, advisor, http.MethodPatch, "/api/v1/cases/"+caseID, `{"next_follow_up_at":"2026-11-21T23:59:59Z"}`)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `"field":"next_follow_up_at"`) ||
		!strings.Contains(rec.Body.String(), "must not be in the past") {
		t.Errorf("PATCH a follow-up yesterday = %d %s; want 422 naming next_follow_up_at", rec.Code, rec.Body)
	}
	ts.mustDo(t, advisor, http.MethodGet, "/api/v1/cases/"+caseID, "", http.StatusOK, &got)
	if got.NextFollowUpAt == nil || !got.NextFollowUpAt.Equal(time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("after a refused follow-up, next_follow_up_at = %v; want the earlier date kept", got.NextFollowUpAt)
	}
	ts.patchCase(t, advisor, caseID, `{"next_follow_up_at":null}`, http.StatusOK)
	for body, want := range map[string]int{
		`{"next_follow_up_at":"tomorrow"}`: http.StatusUnprocessableEntity,
		`{"next_follow_up_at":12}`:         http.StatusBadRequest,
		`{"status":"archived"}`:            http.StatusUnprocessableEntity,
		`{"status":3}`:                     http.StatusBadRequest,
		`{"status":"closed"} {}`:           http.StatusBadRequest,
		`{"status":"recommended"}`:         http.StatusConflict,
	} {
		ts.patchCase(t, advisor, caseID, body, want)
	}
}

// Assignment: admin gives a case to an enabled advisor or takes it back;
// anyone else as advisor_id is 422.
func TestCaseAssignment(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor, disabled := ts.staff(t, advising.RoleAdvisor), ts.staff(t, advising.RoleAdvisor)
	otherAdmin := ts.staff(t, advising.RoleAdmin)
	ts.mustDo(t, admin, http.MethodPatch, "/api/v1/users/"+disabled.ID, `{"disabled":true}`, http.StatusOK, nil)
	applicant := ts.applicant(t)
	caseID := ts.caseOf(t, applicant.ID)
	path := "/api/v1/cases/" + caseID + "/assignment"

	var got caseBody
	ts.mustDo(t, admin, http.MethodPut, path, fmt.Sprintf(`{"advisor_id":%q}`, advisor.ID), http.StatusOK, &got)
	if got.Advisor == nil || got.Advisor.ID != advisor.ID || got.Advisor.FullName != advisor.Name || got.hasFlag(advising.FlagUnassigned) {
		t.Errorf("assign = advisor %+v flags %v; want %s (%s) and no unassigned flag", got.Advisor, got.Flags, advisor.ID, advisor.Name)
	}
	version := got.Version
	ts.mustDo(t, admin, http.MethodPut, path, fmt.Sprintf(`{"advisor_id":%q}`, advisor.ID), http.StatusOK, &got)
	if got.Version != version {
		t.Errorf("assigning the same advisor again bumped the version %d → %d", version, got.Version)
	}
	ts.mustDo(t, advisor, http.MethodGet, "/api/v1/cases/"+caseID, "", http.StatusOK, nil)
	ts.mustDo(t, admin, http.MethodPut, path, `{"advisor_id":null}`, http.StatusOK, &got)
	if got.Advisor != nil || !got.hasFlag(advising.FlagUnassigned) {
		t.Errorf("unassign = advisor %+v flags %v; want null and unassigned", got.Advisor, got.Flags)
	}
	checkProblem(t, "former advisor reads the case", ts.do(t, advisor, http.MethodGet, "/api/v1/cases/"+caseID, ""), http.StatusNotFound)
	for name, body := range map[string]string{
		"disabled advisor": fmt.Sprintf(`{"advisor_id":%q}`, disabled.ID),
		"admin":            fmt.Sprintf(`{"advisor_id":%q}`, otherAdmin.ID),
		"applicant":        fmt.Sprintf(`{"advisor_id":%q}`, applicant.ID),
		"unknown":          `{"advisor_id":"nobody"}`,
		"missing":          `{}`,
	} {
		p := checkProblem(t, "assign "+name, ts.do(t, admin, http.MethodPut, path, body), http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != "advisor_id" {
			t.Errorf("assign %s: errors %+v; want one for advisor_id", name, p.Errors)
		}
	}
	checkProblem(t, "assign a number", ts.do(t, admin, http.MethodPut, path, `{"advisor_id":7}`), http.StatusBadRequest)
	checkProblem(t, "assign unknown case", ts.do(t, admin, http.MethodPut, "/api/v1/cases/nope/assignment",
		fmt.Sprintf(`{"advisor_id":%q}`, advisor.ID)), http.StatusNotFound)
}

// The case carries the profile, the work samples and the evidence counts.
func TestCaseDetail(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	applicant, caseID := ts.advisedCase(t, advisor)
	ts.profile(t, applicant.ID, advising.Profile{YearsExperience: ptr(7), ProgrammeInterest: ptr("technology_management"),
		TargetIntake: ptr("2027-09"), Responsibilities: []string{"runs the vendor evaluation"}})
	ts.samples(t, applicant.ID, caseID, advising.LabelTechnologyManagement, advising.LabelTechnologyManagement,
		advising.LabelEngineeringManagement, advising.LabelInsufficientEvidence)
	var got caseBody
	ts.mustDo(t, advisor, http.MethodGet, "/api/v1/cases/"+caseID, "", http.StatusOK, &got)
	e := got.Evidence
	if e.WorkSamples != 4 || e.TechnologyManagement != 2 || e.EngineeringManagement != 1 || e.InsufficientEvidence != 1 ||
		e.SuggestedPathway != "technology_management" || len(got.WorkSamples) != 4 {
		t.Errorf("case evidence = %+v with %d samples; want 4 samples, 2 TM, 1 EM, 1 insufficient, technology_management", e, len(got.WorkSamples))
	}
	if got.Profile["years_experience"] != float64(7) || got.Profile["target_intake"] != "2027-09" {
		t.Errorf("case profile = %v; want years_experience 7 and target_intake 2027-09", got.Profile)
	}
	if got.Applicant.ID != applicant.ID || got.Applicant.Email != applicant.Email || got.Recommendation != nil || got.Status != "new" {
		t.Errorf("case = %+v; want applicant %s, status new, no recommendation", got.caseSummary, applicant.ID)
	}
}
