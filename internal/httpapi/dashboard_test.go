package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
)

type dashboardBody struct {
	GeneratedAt time.Time `json:"generated_at"`
	Caseload    struct {
		Total    int            `json:"total"`
		ByStatus map[string]int `json:"by_status"`
	} `json:"caseload"`
	Flags     map[string]int  `json:"flags"`
	Attention []caseSummary   `json:"attention"`
	Advisors  json.RawMessage `json:"advisors"`
}

// The dashboard counts the caller's caseload by status and flag, lists the
// most urgent open cases in the contract's order, and (for admin only) each
// advisor's open caseload.
func TestDashboard(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor, other := ts.staff(t, advising.RoleAdvisor), ts.staff(t, advising.RoleAdvisor)
	ctx := t.Context()
	now := ts.clock.Now()
	day := 24 * time.Hour
	mk := func(status advising.Status, since, follow *time.Time, intake string) string {
		applicant, id := ts.advisedCase(t, advisor)
		if intake != "" {
			ts.profile(t, applicant.ID, advising.Profile{TargetIntake: &intake})
		}
		ts.moveTo(t, advisor, id, status)
		if since != nil {
			if err := ts.st.BackdateStatusChange(ctx, id, *since); err != nil {
				t.Fatal(err)
			}
		}
		if follow != nil {
			if err := ts.st.UpdateCase(ctx, id, store.CaseChanges{SetFollowUp: true, NextFollowUpAt: follow}, now); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	ec := advising.StatusEvidenceCollection
	overdueLate := mk(advising.StatusNew, nil, ptr(now.Add(-time.Hour)), "")
	overdueEarly := mk(ec, ptr(now.Add(-90*day)), ptr(now.Add(-48*time.Hour)), "2027-05") // also stalled and window open
	stalledShort := mk(ec, ptr(now.Add(-43*day)), nil, "")
	stalledLong := mk(ec, ptr(now.Add(-60*day)), ptr(now.Add(day)), "")
	openLate := mk(advising.StatusUnderReview, nil, nil, "2027-08")
	openEarly := mk(advising.StatusNew, nil, nil, "2027-01")
	approaching := mk(advising.StatusNew, nil, nil, "2027-09")
	mk(advising.StatusClosed, nil, ptr(now.Add(-day)), "2027-03")      // closed: never needs attention
	mk(advising.StatusRecommended, nil, ptr(now.Add(-day)), "2027-03") // finished: flagged, but not for attention
	ts.advisedCase(t, other)
	ts.applicant(t) // unassigned
	// A borderline sample awaiting review counts, but is not urgent enough
	// for the attention list on its own.
	reviewApplicant, review := ts.advisedCase(t, advisor)
	ts.borderlineSample(t, reviewApplicant.ID, review, advising.LabelHybrid)

	var d dashboardBody
	ts.mustDo(t, advisor, http.MethodGet, "/api/v1/dashboard", "", http.StatusOK, &d)
	wantStatus := map[string]int{"new": 4, "evidence_collection": 3, "under_review": 1, "recommended": 1, "closed": 1}
	if d.Caseload.Total != 10 || !mapsEqual(d.Caseload.ByStatus, wantStatus) || !d.GeneratedAt.Equal(now) {
		t.Errorf("advisor dashboard caseload = %+v at %v; want total 10, %v at %v", d.Caseload, d.GeneratedAt, wantStatus, now)
	}
	wantFlags := map[string]int{"insufficient_evidence": 10, "interest_evidence_mismatch": 0, "hybrid_evidence": 0,
		"limited_track_record": 0, "screening_window_open": 5, "screening_window_approaching": 1,
		"stalled_evidence_collection": 3, "follow_up_overdue": 3, "unassigned": 0, "classification_review": 1}
	if !mapsEqual(d.Flags, wantFlags) {
		t.Errorf("advisor dashboard flags = %v; want %v", d.Flags, wantFlags)
	}
	wantOrder := []string{overdueEarly, overdueLate, stalledLong, stalledShort, openEarly, openLate, approaching}
	if got := ids(d.Attention); !slices.Equal(got, wantOrder) {
		t.Errorf("advisor dashboard attention = %v; want %v", got, wantOrder)
	}
	if d.Advisors != nil {
		t.Errorf("advisor dashboard has advisors %s; want the key left out", d.Advisors)
	}

	ts.bulkCases(t, 30, "")
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/dashboard", "", http.StatusOK, &d)
	var loads []struct {
		ID        string `json:"id"`
		FullName  string `json:"full_name"`
		OpenCases int    `json:"open_cases"`
	}
	if err := json.Unmarshal(d.Advisors, &loads); err != nil {
		t.Fatalf("admin dashboard advisors %s: %v", d.Advisors, err)
	}
	if d.Caseload.Total != 42 || d.Flags["unassigned"] != 31 || len(d.Attention) != 7 || len(loads) != 2 ||
		loads[0].ID != advisor.ID || loads[0].OpenCases != 9 || loads[1].ID != other.ID || loads[1].OpenCases != 1 {
		t.Errorf("admin dashboard = total %d, unassigned %d, %d attention, advisors %+v; want 42, 31, 7, [%s 9, %s 1]",
			d.Caseload.Total, d.Flags["unassigned"], len(d.Attention), loads, advisor.Name, other.Name)
	}

	// Thirty overdue cases: the list stops at 20.
	for _, id := range ts.bulkCases(t, 30, other.ID) {
		if err := ts.st.UpdateCase(ctx, id, store.CaseChanges{SetFollowUp: true, NextFollowUpAt: ptr(now.Add(-time.Minute))}, now); err != nil {
			t.Fatal(err)
		}
	}
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/dashboard", "", http.StatusOK, &d)
	if len(d.Attention) != 20 || d.Attention[0].ID != overdueEarly || d.Flags["follow_up_overdue"] != 33 {
		t.Errorf("admin dashboard with 33 overdue = %d attention starting %v, %d overdue; want 20 starting %s, 33",
			len(d.Attention), ids(d.Attention)[:1], d.Flags["follow_up_overdue"], overdueEarly)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// Every casework mutation writes one audit event with the right action,
// actor and case; the trail pages newest first and filters by case and actor.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	applicant := ts.applicant(t)
	caseID := ts.caseOf(t, applicant.ID)

	type step struct {
		who    testUser
		method string
		path   string
		body   string
		action string
		entity string
	}
	var noteID string
	steps := []step{
		{admin, http.MethodPut, "/api/v1/cases/" + caseID + "/assignment", `{"advisor_id":"` + advisor.ID + `"}`, "case.assigned", "case"},
		{advisor, http.MethodPatch, "/api/v1/cases/" + caseID, `{"next_follow_up_at":"2026-12-01T09:00:00Z"}`, "case.updated", "case"},
		{advisor, http.MethodPatch, "/api/v1/cases/" + caseID, `{"status":"evidence_collection"}`, "case.status_changed", "case"},
		{advisor, http.MethodPut, "/api/v1/cases/" + caseID + "/recommendation", `{"pathway":"hybrid_syllabus_review","rationale":"Both sides."}`, "case.recommended", "case"},
		{advisor, http.MethodPost, "/api/v1/cases/" + caseID + "/notes", `{"body":"n"}`, "note.created", "note"},
		{advisor, http.MethodPatch, "/api/v1/notes/{note}", `{"body":"m"}`, "note.updated", "note"},
		{admin, http.MethodDelete, "/api/v1/notes/{note}", "", "note.deleted", "note"},
		{admin, http.MethodPut, "/api/v1/cases/" + caseID + "/assignment", `{"advisor_id":null}`, "case.unassigned", "case"},
	}
	type event struct {
		ID         string  `json:"id"`
		At         string  `json:"at"`
		ActorID    *string `json:"actor_id"`
		ActorRole  *string `json:"actor_role"`
		Action     string  `json:"action"`
		EntityType string  `json:"entity_type"`
		EntityID   string  `json:"entity_id"`
		CaseID     *string `json:"case_id"`
	}
	var trail struct {
		Items      []event `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}
	for _, s := range steps {
		path := s.path
		if noteID != "" {
			path = strings.ReplaceAll(path, "{note}", noteID)
		}
		rec := ts.do(t, s.who, s.method, path, s.body)
		if rec.Code >= 300 {
			t.Fatalf("%s %s = %d %s", s.method, path, rec.Code, rec.Body.String())
		}
		if s.action == "note.created" {
			var n noteBody
			_ = json.Unmarshal(rec.Body.Bytes(), &n)
			noteID = n.ID
		}
		ts.mustDo(t, admin, http.MethodGet, "/api/v1/audit?limit=1&case_id="+caseID, "", http.StatusOK, &trail)
		e := trail.Items[0]
		wantEntity := caseID
		if s.entity == "note" {
			wantEntity = noteID
		}
		if e.Action != s.action || e.EntityType != s.entity || e.EntityID != wantEntity || e.CaseID == nil || *e.CaseID != caseID ||
			e.ActorID == nil || *e.ActorID != s.who.ID || e.ActorRole == nil || *e.ActorRole != string(s.who.Role) {
			t.Errorf("after %s %s, newest audit event = %+v; want %s on %s %s by %s", s.method, path, e, s.action, s.entity, wantEntity, s.who.ID)
		}
	}
	// A PATCH that changes nothing writes nothing.
	ts.mustDo(t, admin, http.MethodPatch, "/api/v1/cases/"+caseID, `{}`, http.StatusOK, nil)
	all := func(query string) []event {
		var out []event
		cursor := ""
		for {
			path := "/api/v1/audit?limit=3&" + query
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			ts.mustDo(t, admin, http.MethodGet, path, "", http.StatusOK, &trail)
			out = append(out, trail.Items...)
			if trail.NextCursor == nil {
				return out
			}
			cursor = *trail.NextCursor
		}
	}
	byCase := all("case_id=" + caseID)
	var actions []string
	for _, e := range byCase {
		actions = append(actions, e.Action)
	}
	want := []string{"case.unassigned", "note.deleted", "note.updated", "note.created", "case.recommended",
		"case.status_changed", "case.updated", "case.assigned", "case.opened", "user.registered"}
	if !slices.Equal(actions, want) {
		t.Errorf("audit for the case, paged by 3 = %v; want %v", actions, want)
	}
	for _, e := range all("actor_id=" + advisor.ID) {
		if e.ActorID == nil || *e.ActorID != advisor.ID {
			t.Errorf("audit?actor_id=%s returned %+v", advisor.ID, e)
		}
	}
	if n := len(all("actor_id=" + advisor.ID + "&case_id=" + caseID)); n != 5 {
		t.Errorf("audit by the advisor on the case = %d events; want 5", n)
	}
	checkProblem(t, "audit with a bad cursor", ts.do(t, admin, http.MethodGet, "/api/v1/audit?cursor=not-a-cursor", ""), http.StatusUnprocessableEntity)
}
