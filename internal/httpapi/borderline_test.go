package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
)

// borderlineSample stores a work sample whose classification is borderline
// (as the learned classifier marks a text close to another label) and
// returns its ID, so store, flag and insight rules can be tested on any
// label without depending on which texts the model finds close.
func (ts *testServer) borderlineSample(t testing.TB, applicantID, caseID string, l advising.Label) string {
	t.Helper()
	w, err := ts.st.InsertWorkSampleFixture(context.Background(), advising.WorkSample{ApplicantID: applicantID, CaseID: caseID,
		Title: "A borderline sample", Description: "I owned the roadmap and half of the commissioning.",
		Classification: advising.Classification{Label: l, DeliverableType: "other", Rationale: "fixture", Version: "test", Borderline: true}},
		ts.clock.Now().UTC().Truncate(time.Microsecond))
	if err != nil {
		t.Fatalf("InsertWorkSampleFixture(borderline): %v", err)
	}
	return w.ID
}

// Every work_sample carries classification.borderline: in the sample, the
// applicant's list and the office's case, for everyone who may see it; a
// revision classifies again and stores the new marker.
func TestWorkSampleBorderline(t *testing.T) {
	t.Parallel()
	f := newEvidenceFixture(t)
	ts := f.ts
	id := ts.borderlineSample(t, f.owner.ID, f.caseID, advising.LabelHybrid)
	plain := ts.submit(t, f.owner, f.owner.ID, tmTitle, tmText)
	if plain.Classification.Borderline {
		t.Errorf("POST work sample %q: borderline = true; want false", tmTitle)
	}
	for _, u := range []testUser{f.owner, f.advisor, f.admin} {
		var w workSampleBody
		ts.mustDo(t, u, http.MethodGet, "/api/v1/work-samples/"+id, "", http.StatusOK, &w)
		if !w.Classification.Borderline {
			t.Errorf("GET /work-samples/%s as %s: borderline = false; want true", id, u.Role)
		}
		var list struct {
			Items []workSampleBody `json:"items"`
		}
		ts.mustDo(t, u, http.MethodGet, "/api/v1/applicants/"+f.owner.ID+"/work-samples", "", http.StatusOK, &list)
		got := map[string]bool{}
		for _, w := range list.Items {
			got[w.ID] = w.Classification.Borderline
		}
		if len(got) != 2 || !got[id] || got[plain.ID] {
			t.Errorf("GET work-samples as %s: borderline by id = %v; want %s true and %s false", u.Role, got, id, plain.ID)
		}
	}
	var c caseBody
	ts.mustDo(t, f.advisor, http.MethodGet, "/api/v1/cases/"+f.caseID, "", http.StatusOK, &c)
	found := false
	for _, raw := range c.WorkSamples {
		var w workSampleBody
		if err := json.Unmarshal(raw, &w); err != nil {
			t.Fatalf("decode case work sample %s: %v", raw, err)
		}
		found = found || (w.ID == id && w.Classification.Borderline)
	}
	if !found {
		t.Errorf("GET /cases/%s: work_samples has no borderline sample %s", f.caseID, id)
	}

	// The applicant's data export carries the marker too.
	var export struct {
		WorkSamples []workSampleBody `json:"work_samples"`
	}
	ts.mustDo(t, f.owner, http.MethodGet, "/api/v1/applicants/"+f.owner.ID+"/export", "", http.StatusOK, &export)
	marked := 0
	for _, w := range export.WorkSamples {
		if w.Classification.Borderline {
			marked++
		}
	}
	if len(export.WorkSamples) != 2 || marked != 1 {
		t.Errorf("GET export: %d work samples, %d borderline; want 2, 1", len(export.WorkSamples), marked)
	}

	// The applicant rewrites the text; the classifier reads it again and
	// its marker (the plain TM text is not borderline) replaces the old one.
	var revised workSampleBody
	ts.mustDo(t, f.owner, http.MethodPut, "/api/v1/work-samples/"+id,
		`{"title":"`+tmTitle+`","description":"`+tmText+`"}`, http.StatusOK, &revised)
	if revised.Classification.Borderline {
		t.Errorf("PUT /work-samples/%s: borderline = true; want the new classification's false", id)
	}
	if ev, _ := ts.evidence(t, f.caseID); ev.AwaitingReview != 0 {
		t.Errorf("after the revision, the case counts %d samples awaiting review; want 0", ev.AwaitingReview)
	}
}

// Reclassification stores the current classifier's marker even when the
// label stays, and the case's count of samples awaiting review follows.
func TestReclassifyUpdatesBorderline(t *testing.T) {
	t.Parallel()
	f := newEvidenceFixture(t)
	ts := f.ts
	w := ts.submit(t, f.owner, f.owner.ID, tmTitle, tmText)
	stale := advising.Classification{Label: advising.Label(w.Classification.Label), DeliverableType: w.Classification.DeliverableType,
		Rationale: "old", Version: "0.0.1", Borderline: true}
	if err := ts.st.SetClassification(context.Background(), w.ID, stale); err != nil {
		t.Fatalf("SetClassification: %v", err)
	}
	if err := ts.st.RefreshEvidence(context.Background(), f.caseID, ts.clock.Now()); err != nil {
		t.Fatalf("RefreshEvidence: %v", err)
	}
	if ev, _ := ts.evidence(t, f.caseID); ev.AwaitingReview != 1 {
		t.Fatalf("before reclassify, the case counts %d samples awaiting review; want 1", ev.AwaitingReview)
	}
	ts.mustDo(t, f.admin, http.MethodPost, "/api/v1/admin/reclassify", "", http.StatusOK, nil)
	var got workSampleBody
	ts.mustDo(t, f.owner, http.MethodGet, "/api/v1/work-samples/"+w.ID, "", http.StatusOK, &got)
	if got.Classification.Borderline || got.Classification.Label != w.Classification.Label {
		t.Errorf("after reclassify, sample %s = %+v; want label %s, not borderline", w.ID, got.Classification, w.Classification.Label)
	}
	if ev, _ := ts.evidence(t, f.caseID); ev.AwaitingReview != 0 {
		t.Errorf("after reclassify, the case counts %d samples awaiting review; want 0", ev.AwaitingReview)
	}
	evs, err := ts.st.ListAudit(context.Background(), store.AuditFilter{CaseID: f.caseID, Limit: 1})
	if err != nil {
		t.Fatalf("ListAudit: %v", err)
	}
	if e := evs[0]; e.Action != "work_sample.reclassified" || len(e.Changes) != 1 || e.Changes[0].Field != "borderline" ||
		*e.Changes[0].Old != "true" || *e.Changes[0].New != "false" {
		t.Errorf("newest case audit event = %+v; want work_sample.reclassified with borderline true → false", e)
	}
}

// Texts the classifier reads as close to another label: one side owned, the
// other only half (the supplier's tests were signed off by someone else).
// If a new model version no longer marks them, this test says so.
const (
	borderlineTitle = "Clinic scheduling rollout"
	borderlineText  = "I ran the adoption plan for a new clinic scheduling system across three sites and sat in on the supplier's acceptance testing, which the project engineer signed off."
)

// Through the real classifier: a text the model marks borderline puts its
// case under classification_review (in the case, the flag filter, the
// dashboard and the insights) until an advisor overrides the label; removing
// the override or rewriting the text moves the flag with it.
func TestBorderlineThroughTheClassifier(t *testing.T) {
	t.Parallel()
	f := newEvidenceFixture(t)
	ts := f.ts
	w := ts.submit(t, f.owner, f.owner.ID, borderlineTitle, borderlineText)
	if !w.Classification.Borderline {
		t.Fatalf("POST work sample %q = %+v; want the classifier to mark it borderline", borderlineTitle, w.Classification)
	}
	review := string(advising.FlagClassificationReview)
	check := func(when string, want bool, wantInsights agreementBody) {
		t.Helper()
		var c caseBody
		ts.mustDo(t, f.advisor, http.MethodGet, "/api/v1/cases/"+f.caseID, "", http.StatusOK, &c)
		listed := ids(ts.listAll(t, f.advisor, "flag="+review, 100))
		var d dashboardBody
		ts.mustDo(t, f.advisor, http.MethodGet, "/api/v1/dashboard", "", http.StatusOK, &d)
		var in insightsBody
		ts.mustDo(t, f.admin, http.MethodGet, "/api/v1/insights/classification", "", http.StatusOK, &in)
		n := 0
		if want {
			n = 1
		}
		if c.hasFlag(advising.FlagClassificationReview) != want || len(listed) != n || d.Flags[review] != n || in.Borderline != wantInsights {
			t.Errorf("%s: case flags %v, ?flag=%s lists %v, dashboard counts %d, insights borderline %+v; want flagged %v and insights %+v",
				when, c.Flags, review, listed, d.Flags[review], in.Borderline, want, wantInsights)
		}
	}
	check("after the borderline submission", true, agreementBody{1, 0})
	ts.override(t, f.advisor, w.ID, advising.LabelHybrid, "Read it: the acceptance testing was theirs too.")
	check("after the advisor's override", false, agreementBody{1, 1})
	ts.mustDo(t, f.advisor, http.MethodDelete, "/api/v1/work-samples/"+w.ID+"/override", "", http.StatusNoContent, nil)
	check("after the override is removed", true, agreementBody{1, 0})
	body, _ := json.Marshal(map[string]string{"title": tmTitle, "description": tmText})
	ts.mustDo(t, f.owner, http.MethodPut, "/api/v1/work-samples/"+w.ID, string(body), http.StatusOK, nil)
	check("after the text is rewritten", false, agreementBody{0, 0})
}
