package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/casework"
)

// The insights page counts the overrides by label, into what, by version
// and by person; the download is the API's JSON Lines export byte for byte
// and is audited; a reclassification is previewed (nothing written) and
// applied only when confirmed. Only admin reaches any of it.
func TestInsightsPages(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	ctx := context.Background()
	// Sam's first sample: overridden to hybrid by the advisor. A stale
	// sample from an older version that the current one reads differently.
	if _, err := s.cw.OverrideLabel(ctx, advising.Actor{UserID: o.advisor.ID, Role: advising.RoleAdvisor}, o.samSample,
		advising.LabelHybrid, "The rollout also ran the acceptance tests."); err != nil {
		t.Fatal(err)
	}
	stale, err := s.st.InsertWorkSampleFixture(ctx, advising.WorkSample{ApplicantID: o.lee.ID, CaseID: o.leeCase,
		Title: "Bridge sensors again", Description: engineeringSample,
		Classification: advising.Classification{Label: advising.LabelInsufficientEvidence, DeliverableType: "other",
			Rationale: "old reading", Version: "2020.1.1"}}, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, "admin@example.org")
	page := b.get(t, "/admin/insights").Body.String()
	for _, want := range []string{`<span class="stat-number admin-figure">5</span> <span class="stat-label">work samples labelled</span>`,
		"overridden by an advisor (20%)", "Hybrid 1", "2020.1.1", casework.ClassifierVersion() + ` <span class="muted">(current)</span>`,
		`<th scope="row">Dana Whitfield</th><td data-label="Overrides" class="admin-figure">1</td>`,
		`href="/admin/insights/overrides.jsonl"`, `href="/admin/reclassify"`} {
		if !strings.Contains(page, want) {
			t.Errorf("GET /admin/insights lacks %q", want)
		}
	}
	if rec := b.get(t, "/admin/insights?since=tomorrow"); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("GET /admin/insights?since=tomorrow = %d; want 422", rec.Code)
	}
	if page := b.get(t, "/admin/insights?since=2999-01-01").Body.String(); !strings.Contains(page, `<span class="stat-number admin-figure">0</span> <span class="stat-label">work samples labelled</span>`) {
		t.Errorf("GET /admin/insights from 2999 does not count zero samples")
	}

	// The download is the API's export, line for line, and is audited.
	rec := b.get(t, "/admin/insights/overrides.jsonl")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/x-ndjson" ||
		strings.Count(rec.Body.String(), "\n") != 1 || !strings.Contains(rec.Body.String(), `"effective_label":"hybrid","reason":"The rollout also ran the acceptance tests."`) {
		t.Errorf("GET /admin/insights/overrides.jsonl = %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	sess, err := s.cw.Login(ctx, "", "admin@example.org", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "/api/v1/insights/overrides", nil)
	req.Header.Set("Authorization", "Bearer "+sess.AccessToken)
	if got := s.browser().do(t, req).Body.String(); got != rec.Body.String() {
		t.Errorf("the page's download differs from the API's export:\npage %q\napi  %q", rec.Body.String(), got)
	}
	events, err := s.cw.ListAudit(ctx, o.admin, casework.AuditQuery{Action: "insights.overrides_exported", Limit: 10})
	if err != nil || len(events.Items) != 2 { // the page's download and the API's
		t.Errorf("overrides exports in the audit trail = %d, %v; want 2", len(events.Items), err)
	}

	// Preview: the stale sample would change; nothing is written.
	page = b.get(t, "/admin/reclassify").Body.String()
	if !strings.Contains(page, "Nothing has changed yet") || !strings.Contains(page, `<span class="badge label-insufficient_evidence">Insufficient evidence</span>`) ||
		!strings.Contains(page, `action="/admin/reclassify"`) {
		t.Errorf("GET /admin/reclassify does not preview the stale sample's change:\n%s", page)
	}
	if w, _ := s.st.WorkSampleByID(ctx, stale.ID); w.Classification.Version != "2020.1.1" {
		t.Errorf("the preview stored a new reading: %+v", w.Classification)
	}
	// Only admin; then the confirmed run.
	adv := s.browser()
	adv.signIn(t, o.advisor.Email)
	for _, path := range []string{"/admin/insights", "/admin/insights/overrides.jsonl", "/admin/reclassify"} {
		if rec := adv.get(t, path); rec.Code != http.StatusForbidden {
			t.Errorf("GET %s as an advisor = %d; want 403", path, rec.Code)
		}
	}
	adv.get(t, "/dashboard")
	if rec := adv.post(t, "/admin/reclassify", url.Values{}); rec.Code != http.StatusForbidden {
		t.Errorf("POST /admin/reclassify as an advisor = %d; want 403", rec.Code)
	}
	if w, _ := s.st.WorkSampleByID(ctx, stale.ID); w.Classification.Version != "2020.1.1" {
		t.Errorf("an advisor's refused run stored a new reading")
	}
	b.get(t, "/admin/reclassify")
	rec = b.post(t, "/admin/reclassify", url.Values{})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Work samples reclassified") {
		t.Errorf("POST /admin/reclassify = %d:\n%s", rec.Code, rec.Body.String())
	}
	if w, _ := s.st.WorkSampleByID(ctx, stale.ID); w.Classification.Version != casework.ClassifierVersion() || w.Classification.Label == advising.LabelInsufficientEvidence {
		t.Errorf("after the run the stale sample reads %+v; want the current version's label", w.Classification)
	}
}
