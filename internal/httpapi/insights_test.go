package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/classify"
)

type agreementBody struct {
	Samples    int `json:"samples"`
	Overridden int `json:"overridden"`
}

type insightsBody struct {
	Samples             int `json:"samples"`
	Overridden          int `json:"overridden"`
	ByClassifierVersion []struct {
		Version    string `json:"version"`
		Samples    int    `json:"samples"`
		Overridden int    `json:"overridden"`
	} `json:"by_classifier_version"`
	ByLabel map[string]struct {
		Samples      int            `json:"samples"`
		Overridden   int            `json:"overridden"`
		OverriddenTo map[string]int `json:"overridden_to"`
	} `json:"by_label"`
	ByAdvisor *[]struct {
		ID        string `json:"id"`
		FullName  string `json:"full_name"`
		Overrides int    `json:"overrides"`
	} `json:"by_advisor"`
	Borderline agreementBody `json:"borderline"`
}

// fixtureSample stores a classified sample made by classifier version and
// returns its ID.
func (ts *testServer) fixtureSample(t testing.TB, applicantID, caseID, version string, l advising.Label, borderline bool) string {
	t.Helper()
	w, err := ts.st.InsertWorkSampleFixture(context.Background(), advising.WorkSample{ApplicantID: applicantID, CaseID: caseID,
		Title: "Sample by " + version, Description: "Text for " + string(l) + ".",
		Classification: advising.Classification{Label: l, DeliverableType: "other", Rationale: "fixture", Version: version, Borderline: borderline}},
		ts.clock.Now().UTC().Truncate(time.Microsecond))
	if err != nil {
		t.Fatalf("InsertWorkSampleFixture: %v", err)
	}
	return w.ID
}

// override sets an override through the API.
func (ts *testServer) override(t testing.TB, u testUser, sampleID string, l advising.Label, reason string) {
	t.Helper()
	ts.mustDo(t, u, http.MethodPut, "/api/v1/work-samples/"+sampleID+"/override",
		fmt.Sprintf(`{"label":%q,"reason":%q}`, l, reason), http.StatusOK, nil)
}

// The classification insights count, for the whole office (admin) or one
// caseload (advisor), how often each automatic label, classifier version
// and borderline sample was overridden, into what, and by whom; since=
// keeps only samples added from then on.
func TestClassificationInsights(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	dana, marco := ts.staff(t, advising.RoleAdvisor), ts.staff(t, advising.RoleAdvisor)
	const (
		tm, em, hy, ins = advising.LabelTechnologyManagement, advising.LabelEngineeringManagement, advising.LabelHybrid, advising.LabelInsufficientEvidence
	)
	a1, c1 := ts.advisedCase(t, dana)
	s1 := ts.fixtureSample(t, a1.ID, c1, "v1", tm, false)
	ts.fixtureSample(t, a1.ID, c1, "v2", em, false)
	s3 := ts.fixtureSample(t, a1.ID, c1, "v2", hy, true)
	a2, c2 := ts.advisedCase(t, marco)
	s4 := ts.fixtureSample(t, a2.ID, c2, "v1", tm, false)
	ts.fixtureSample(t, a2.ID, c2, "v2", ins, true)
	lone := ts.applicant(t)
	ts.fixtureSample(t, lone.ID, ts.caseOf(t, lone.ID), "v2", tm, false)
	ts.override(t, dana, s1, hy, "The roadmap also ran the test programme.")
	ts.override(t, admin, s3, em, "Read it: the commissioning was theirs.")
	ts.override(t, marco, s4, em, "Delivery, not adoption.")

	var got insightsBody
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/insights/classification", "", http.StatusOK, &got)
	if got.Samples != 6 || got.Overridden != 3 || got.Borderline != (agreementBody{2, 1}) {
		t.Errorf("admin insights: %d samples, %d overridden, borderline %+v; want 6, 3, {2 1}", got.Samples, got.Overridden, got.Borderline)
	}
	versions := fmt.Sprint(got.ByClassifierVersion)
	if want := "[{v1 2 2} {v2 4 1}]"; versions != want {
		t.Errorf("admin insights by_classifier_version = %s; want %s", versions, want)
	}
	wantLabels := map[string]string{"technology_management": "3 2 map[engineering_management:1 hybrid:1]",
		"engineering_management": "1 0 map[]", "hybrid": "1 1 map[engineering_management:1]", "insufficient_evidence": "1 0 map[]"}
	for l, want := range wantLabels {
		la, ok := got.ByLabel[l]
		if g := fmt.Sprint(la.Samples, la.Overridden, la.OverriddenTo); !ok || g != want || la.OverriddenTo == nil {
			t.Errorf("admin insights by_label[%s] = %s (present %v); want %s", l, g, ok, want)
		}
	}
	if len(got.ByLabel) != 4 {
		t.Errorf("admin insights by_label has %d labels; want all 4", len(got.ByLabel))
	}
	if got.ByAdvisor == nil {
		t.Fatalf("admin insights have no by_advisor")
	}
	people := map[string]int{}
	for _, p := range *got.ByAdvisor {
		people[p.FullName] = p.Overrides
	}
	if want := map[string]int{dana.Name: 1, marco.Name: 1, "First Admin": 1}; !maps.Equal(people, want) {
		t.Errorf("admin insights by_advisor = %v; want %v", people, want)
	}

	// An advisor sees their own caseload only, and nobody's override count.
	raw := ts.do(t, dana, http.MethodGet, "/api/v1/insights/classification", "")
	got = insightsBody{}
	if err := json.Unmarshal(raw.Body.Bytes(), &got); raw.Code != http.StatusOK || err != nil {
		t.Fatalf("GET insights as advisor = %d %s", raw.Code, raw.Body.String())
	}
	if got.Samples != 3 || got.Overridden != 2 || got.Borderline != (agreementBody{1, 1}) || strings.Contains(raw.Body.String(), "by_advisor") {
		t.Errorf("advisor insights = %s; want 3 samples, 2 overridden, borderline {1 1}, no by_advisor", raw.Body.String())
	}

	// since: only samples added from then on.
	ts.clock.Advance(time.Hour)
	later := ts.clock.Now()
	ts.fixtureSample(t, a1.ID, c1, "v3", em, true)
	admin = ts.login(t, admin.Email, testPassword)
	got = insightsBody{}
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/insights/classification?since="+later.Format(time.RFC3339), "", http.StatusOK, &got)
	if got.Samples != 1 || got.Overridden != 0 || got.Borderline != (agreementBody{1, 0}) || fmt.Sprint(got.ByClassifierVersion) != "[{v3 1 0}]" ||
		got.ByAdvisor == nil || len(*got.ByAdvisor) != 0 {
		t.Errorf("admin insights since %s = %+v; want the one later sample and no overrides", later.Format(time.RFC3339), got)
	}
	for _, bad := range []string{"yesterday", "2026-11-22", "2026-11-22T09:00:00"} {
		p := checkProblem(t, "GET insights?since="+bad, ts.do(t, admin, http.MethodGet, "/api/v1/insights/classification?since="+bad, ""), http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != "since" {
			t.Errorf("GET insights?since=%s: errors %+v; want one about since", bad, p.Errors)
		}
	}
}

// exportLine is one line of the overrides export.
type exportLine struct {
	Title             string `json:"title"`
	Description       string `json:"description"`
	AutomaticLabel    string `json:"automatic_label"`
	EffectiveLabel    string `json:"effective_label"`
	Reason            string `json:"reason"`
	ClassifierVersion string `json:"classifier_version"`
}

// readExport reads an overrides export, failing on any line that is not
// exactly one export object.
func readExport(t testing.TB, body string) []exportLine {
	t.Helper()
	out := []exportLine{}
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		var l exportLine
		if err := dec.Decode(&l); err != nil || dec.More() {
			t.Fatalf("export line %q is not one export object: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}

// The overrides export is labelled data: one JSON line per overridden
// sample of the office, with its text, both labels, the reason and the
// classifier version, read page by page however many there are.
func TestOverridesExport(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)

	rec := ts.do(t, admin, http.MethodGet, "/api/v1/insights/overrides", "")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/x-ndjson" || rec.Body.Len() != 0 {
		t.Errorf("GET overrides export of an office without overrides = %d %q %q; want 200, application/x-ndjson, empty",
			rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}

	applicant, caseID := ts.advisedCase(t, advisor)
	id := ts.fixtureSample(t, applicant.ID, caseID, "v1", advising.LabelTechnologyManagement, true)
	ts.fixtureSample(t, applicant.ID, caseID, "v1", advising.LabelHybrid, false) // not overridden: not exported
	ts.override(t, advisor, id, advising.LabelEngineeringManagement, "Owned the \"design reviews\" <and> tests.")
	rec = ts.do(t, admin, http.MethodGet, "/api/v1/insights/overrides", "")
	lines := readExport(t, rec.Body.String())
	want := exportLine{Title: "Sample by v1", Description: "Text for technology_management.", AutomaticLabel: "technology_management",
		EffectiveLabel: "engineering_management", Reason: `Owned the "design reviews" <and> tests.`, ClassifierVersion: "v1"}
	if rec.Code != http.StatusOK || len(lines) != 1 || lines[0] != want {
		t.Errorf("GET overrides export = %d %v; want 200 and exactly %+v", rec.Code, lines, want)
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("GET overrides export: Content-Disposition %q; want an attachment", cd)
	}

	// More than one page of overridden samples.
	ctx := context.Background()
	for i := range 450 {
		cases := ts.bulkCases(t, 1, "")
		ca, err := ts.st.CaseAccessByID(ctx, cases[0])
		if err != nil {
			t.Fatalf("CaseAccessByID: %v", err)
		}
		_, err = ts.st.InsertWorkSampleFixture(ctx, advising.WorkSample{ApplicantID: ca.ApplicantID, CaseID: ca.ID,
			Title: fmt.Sprintf("Bulk %03d", i), Description: "Bulk text.",
			Classification: advising.Classification{Label: advising.LabelHybrid, DeliverableType: "other", Rationale: "r", Version: "v2"},
			Override:       &advising.Override{Label: advising.LabelTechnologyManagement, Reason: "bulk", By: admin.ID, At: ts.clock.Now()}},
			ts.clock.Now())
		if err != nil {
			t.Fatalf("InsertWorkSampleFixture: %v", err)
		}
	}
	lines = readExport(t, ts.do(t, admin, http.MethodGet, "/api/v1/insights/overrides", "").Body.String())
	titles := make([]string, 0, len(lines))
	for _, l := range lines[1:] {
		titles = append(titles, l.Title)
	}
	if len(lines) != 451 || lines[0] != want || !slices.IsSorted(titles) || titles[0] != "Bulk 000" || titles[449] != "Bulk 449" {
		t.Errorf("GET overrides export of 451 overrides = %d lines; want 451 in id order", len(lines))
	}
}

// Only admin exports the overrides; advisors read their own caseload's
// insights; applicants neither.
func TestInsightsRoles(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	applicant := ts.applicant(t)
	tests := []struct {
		name string
		as   testUser
		path string
		want int
	}{
		{"applicant insights", applicant, "/api/v1/insights/classification", http.StatusForbidden},
		{"applicant export", applicant, "/api/v1/insights/overrides", http.StatusForbidden},
		{"advisor export", advisor, "/api/v1/insights/overrides", http.StatusForbidden},
		{"anonymous insights", testUser{}, "/api/v1/insights/classification", http.StatusUnauthorized},
		{"anonymous export", testUser{}, "/api/v1/insights/overrides", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		checkProblem(t, tt.name, ts.do(t, tt.as, http.MethodGet, tt.path, ""), tt.want)
	}
	for _, u := range []testUser{advisor, admin} {
		ts.mustDo(t, u, http.MethodGet, "/api/v1/insights/classification", "", http.StatusOK, nil)
	}
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/insights/overrides", "", http.StatusOK, nil)
	// The dry run that goes with the insights is admin's too.
	for _, u := range []testUser{applicant, advisor} {
		checkProblem(t, "dry run as "+string(u.Role), ts.do(t, u, http.MethodPost, "/api/v1/admin/reclassify?dry_run=true", ""), http.StatusForbidden)
	}
	ts.mustDo(t, admin, http.MethodPost, "/api/v1/admin/reclassify?dry_run=true", "", http.StatusOK, nil)
}

// The overrides export hands out applicants' texts in bulk, so each one is
// in the audit trail, by whom; a refused attempt records nothing.
func TestOverridesExportIsAudited(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	checkProblem(t, "GET overrides as an advisor", ts.do(t, advisor, http.MethodGet, "/api/v1/insights/overrides", ""), http.StatusForbidden)
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/insights/overrides", "", http.StatusOK, nil)
	var events struct {
		Items []struct {
			ActorID    string `json:"actor_id"`
			Action     string `json:"action"`
			EntityType string `json:"entity_type"`
			EntityID   string `json:"entity_id"`
		} `json:"items"`
	}
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/audit?action=insights.overrides_exported", "", http.StatusOK, &events)
	if len(events.Items) != 1 || events.Items[0].ActorID != admin.ID || events.Items[0].EntityType != "insights" || events.Items[0].EntityID != "overrides" {
		t.Errorf("audit of overrides exports = %+v; want one, by the admin, about insights/overrides", events.Items)
	}
}

// A reclassification stores the current classifier version on a sample
// whose reading is otherwise unchanged: the version says whose reading it
// is, and the insights count by it. The sample is not counted as changed
// and gets no audit event; a dry run only reports it.
func TestReclassifyStampsTheCurrentVersion(t *testing.T) {
	t.Parallel()
	f := newEvidenceFixture(t)
	ts := f.ts
	ctx := context.Background()
	w := ts.submit(t, f.owner, f.owner.ID, tmTitle, tmText)
	ts.override(t, f.advisor, w.ID, advising.LabelHybrid, "Also ran the acceptance tests.")
	stored, err := ts.st.WorkSampleByID(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	old := stored.Classification
	old.Version = "2020.1.1" // the same reading, by an older version
	if err := ts.st.SetClassification(ctx, w.ID, old); err != nil {
		t.Fatal(err)
	}
	versions := func() string {
		t.Helper()
		var in insightsBody
		ts.mustDo(t, f.admin, http.MethodGet, "/api/v1/insights/classification", "", http.StatusOK, &in)
		return fmt.Sprint(in.ByClassifierVersion)
	}
	if got, want := versions(), "[{2020.1.1 1 1}]"; got != want {
		t.Fatalf("insights by version before = %s; want %s", got, want)
	}
	auditBefore := ts.auditActions(t, f.caseID)

	var dry reclassifyBody
	ts.mustDo(t, f.admin, http.MethodPost, "/api/v1/admin/reclassify?dry_run=true", "", http.StatusOK, &dry)
	if dry.Changed != 0 || dry.Restamped != 1 || len(dry.SampleIDs) != 0 {
		t.Errorf("dry run = %+v; want 0 changed, 1 restamped", dry)
	}
	if got := versions(); got != "[{2020.1.1 1 1}]" {
		t.Errorf("insights by version after a dry run = %s; want it unchanged", got)
	}

	var run reclassifyBody
	ts.mustDo(t, f.admin, http.MethodPost, "/api/v1/admin/reclassify", "", http.StatusOK, &run)
	if run.Changed != 0 || run.Restamped != 1 || len(run.Changes) != 0 {
		t.Errorf("reclassify = %+v; want 0 changed, 1 restamped", run)
	}
	after, err := ts.st.WorkSampleByID(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := stored.Classification; after.Classification.Version != classify.Version || after.Classification.Label != want.Label ||
		after.Classification.Rationale != want.Rationale || after.Override == nil {
		t.Errorf("sample after reclassify = %+v, override %v; want the same reading by %s, override kept", after.Classification, after.Override, classify.Version)
	}
	if got, want := versions(), fmt.Sprintf("[{%s 1 1}]", classify.Version); got != want {
		t.Errorf("insights by version after reclassify = %s; want %s", got, want)
	}
	if got := ts.auditActions(t, f.caseID); !slices.Equal(got, auditBefore) {
		t.Errorf("case audit after a version-only reclassify = %v; want no new event (was %v)", got, auditBefore)
	}
	run = reclassifyBody{}
	ts.mustDo(t, f.admin, http.MethodPost, "/api/v1/admin/reclassify", "", http.StatusOK, &run)
	if run.Restamped != 0 || run.Changed != 0 {
		t.Errorf("second reclassify = %+v; want nothing left to stamp", run)
	}
}
