package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"advising/internal/advising"
	"advising/internal/classify"
	"advising/internal/store"
)

// TestWorkSampleUploads: multipart uploads of text, judged by their
// content whatever type they declare, keep a safe base name; bytes that
// are no format we read are 415.
func TestWorkSampleUploads(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	pngHeader := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	tests := []struct {
		name         string
		parts        []part
		want         int
		wantFilename string // for 201
		wantField    string // for 422
	}{
		{"plain text", []part{{name: "title", content: []byte(tmTitle)},
			{name: "file", filename: "roadmap.txt", contentType: "text/plain", content: []byte(tmText)}}, 201, "roadmap.txt", ""},
		{"markdown with charset", []part{{name: "title", content: []byte(emTitle)},
			{name: "file", filename: "review.md", contentType: "text/markdown; charset=utf-8", content: []byte("# Review\n\n" + emText)}}, 201, "review.md", ""},
		{"generic bytes that are text", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: "notes.txt", contentType: "application/octet-stream", content: []byte(tmText)}}, 201, "notes.txt", ""},
		{"UTF-8 byte order mark", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: "bom.txt", contentType: "text/plain", content: []byte("\xef\xbb\xbf" + tmText)}}, 201, "bom.txt", ""},
		{"path traversal name", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: "../../etc/passwd", contentType: "text/plain", content: []byte(tmText)}}, 201, "passwd", ""},
		{"windows path name", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: `C:\Users\me\..\plan.txt`, contentType: "text/plain", content: []byte(tmText)}}, 201, "plan.txt", ""},
		{"name of dots", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: "..", contentType: "text/plain", content: []byte(tmText)}}, 201, "upload", ""},
		{"text declared as PDF", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: "plan.pdf", contentType: "application/pdf", content: []byte(tmText)}}, 201, "plan.pdf", ""},
		{"broken PDF declared", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: "plan.pdf", contentType: "application/pdf", content: []byte("%PDF-1.7\n...")}}, 422, "", "file"},
		{"png declared", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: "plan.png", contentType: "image/png", content: pngHeader}}, 415, "", ""},
		{"png sent as text/plain", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: "plan.txt", contentType: "text/plain", content: pngHeader}}, 415, "", ""},
		{"broken pdf sent as text/plain", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: "plan.txt", contentType: "text/plain", content: []byte("%PDF-1.7\n1 0 obj\n")}}, 422, "", "file"},
		{"NUL bytes after text", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: "plan.txt", contentType: "text/plain", content: []byte(strings.Repeat("a", 600) + "\x00\x01")}}, 415, "", ""},
		{"invalid UTF-8", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: "latin1.txt", contentType: "text/plain", content: []byte("Caf\xe9 roadmap for the r\xe9gion")}}, 422, "", "file"},
		{"empty file", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: "empty.txt", contentType: "text/plain", content: nil}}, 422, "", "file"},
		{"file over 20,000 characters", []part{{name: "title", content: []byte("Notes")},
			{name: "file", filename: "long.txt", contentType: "text/plain", content: []byte(strings.Repeat("ü", 20001))}}, 422, "", "file"},
		{"missing title", []part{{name: "file", filename: "plan.txt", contentType: "text/plain", content: []byte(tmText)}}, 422, "", "title"},
		{"blank title", []part{{name: "title", content: []byte("  ")},
			{name: "file", filename: "plan.txt", contentType: "text/plain", content: []byte(tmText)}}, 422, "", "title"},
		{"missing file", []part{{name: "title", content: []byte("Notes")}}, 422, "", "file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			owner := ts.applicant(t)
			body, ct := multipartBody(t, tt.parts...)
			rec := ts.request(t, owner.Token, http.MethodPost, "/api/v1/applicants/"+owner.ID+"/work-samples", ct, body)
			if tt.want != http.StatusCreated {
				p := checkProblem(t, "upload "+tt.name, rec, tt.want)
				if tt.wantField != "" && (len(p.Errors) == 0 || p.Errors[0].Field != tt.wantField) {
					t.Errorf("upload %s: errors %+v; want field %q", tt.name, p.Errors, tt.wantField)
				}
				return
			}
			var w workSampleBody
			if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &w) != nil {
				t.Fatalf("upload %s = %d %s; want 201", tt.name, rec.Code, rec.Body.String())
			}
			if w.Source != "upload" || w.Filename == nil || *w.Filename != tt.wantFilename {
				t.Errorf("upload %s: source %q filename %v; want upload, %q", tt.name, w.Source, w.Filename, tt.wantFilename)
			}
			if w.Description == "" || strings.HasPrefix(w.Description, "\ufeff") || w.Classification.Label == "" {
				t.Errorf("upload %s: description %.40q, label %q; want the file's text, classified", tt.name, w.Description, w.Classification.Label)
			}
		})
	}
}

// chunked hides a reader's length, so the body arrives without Content-Length.
type chunked struct{ r io.Reader }

func (c chunked) Read(p []byte) (int, error) { return c.r.Read(p) }

// TestWorkSampleUploadTooLarge: a multipart request over 10 MiB is a 413
// problem, with or without Content-Length; just under the limit passes the
// size check (and then fails on the description's length).
func TestWorkSampleUploadTooLarge(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.applicant(t)
	path := "/api/v1/applicants/" + owner.ID + "/work-samples"
	big := func(n int) (*bytes.Buffer, string) {
		return multipartBody(t, part{name: "title", content: []byte("Big")},
			part{name: "file", filename: "big.txt", contentType: "text/plain", content: bytes.Repeat([]byte("a"), n)})
	}
	body, ct := big(10<<20 + 1)
	checkProblem(t, "upload over 10 MiB", ts.request(t, owner.Token, http.MethodPost, path, ct, body), http.StatusRequestEntityTooLarge)
	body, ct = big(10<<20 + 1)
	checkProblem(t, "chunked upload over 10 MiB", ts.request(t, owner.Token, http.MethodPost, path, ct, chunked{body}), http.StatusRequestEntityTooLarge)
	body, ct = big(10<<20 - 1024)
	checkProblem(t, "upload just under 10 MiB", ts.request(t, owner.Token, http.MethodPost, path, ct, body), http.StatusUnprocessableEntity)
	body, ct = big(10<<20 - 1024)
	checkProblem(t, "chunked upload just under 10 MiB", ts.request(t, owner.Token, http.MethodPost, path, ct, chunked{body}), http.StatusUnprocessableEntity)
}

// TestWorkSampleTextValidation: JSON titles and descriptions within limits.
func TestWorkSampleTextValidation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.applicant(t)
	path := "/api/v1/applicants/" + owner.ID + "/work-samples"
	body := func(title, desc string) string {
		b, _ := json.Marshal(map[string]string{"title": title, "description": desc})
		return string(b)
	}
	tests := []struct {
		name  string
		body  string
		want  int
		field string
	}{
		{"missing title", `{"description": "I led it."}`, 422, "title"},
		{"blank title", body(" \t", "I led it."), 422, "title"},
		{"title of 201 characters", body(strings.Repeat("t", 201), "I led it."), 422, "title"},
		{"missing description", `{"title": "Plan"}`, 422, "description"},
		{"blank description", body("Plan", "\n  \n"), 422, "description"},
		{"description of 20,001 characters", body("Plan", strings.Repeat("d", 20001)), 422, "description"},
		{"title of 200 and description of 20,000 multi-byte characters", body(strings.Repeat("ß", 200), strings.Repeat("ß", 20000)), 201, ""},
		{"wrong type", `{"title": 1, "description": "d"}`, 400, ""},
		{"no content type", body("Plan", tmText), 415, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := "application/json"
			if tt.name == "no content type" {
				ct = ""
			}
			rec := ts.request(t, owner.Token, http.MethodPost, path, ct, strings.NewReader(tt.body))
			if tt.want == http.StatusCreated {
				if rec.Code != tt.want {
					t.Errorf("POST work sample %s = %d %s; want 201", tt.name, rec.Code, rec.Body.String())
				}
				return
			}
			p := checkProblem(t, "POST work sample "+tt.name, rec, tt.want)
			if tt.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != tt.field) {
				t.Errorf("POST work sample %s: errors %+v; want field %q", tt.name, p.Errors, tt.field)
			}
		})
	}
}

// TestWorkSampleLimit: an applicant holds at most 20 samples, even when
// they submit many at once.
func TestWorkSampleLimit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.applicant(t)
	path := "/api/v1/applicants/" + owner.ID + "/work-samples"
	body := `{"title": "Plan", "description": "I wrote the quality plan for the line."}`
	var wg sync.WaitGroup
	codes := make([]int, 25)
	for i := range codes {
		wg.Go(func() { codes[i] = ts.do(t, owner, http.MethodPost, path, body).Code })
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		switch c {
		case http.StatusCreated:
			created++
		case http.StatusUnprocessableEntity:
		default:
			t.Errorf("concurrent POST work sample = %d; want 201 or 422", c)
		}
	}
	if created != advising.MaxWorkSamples {
		t.Errorf("25 concurrent POSTs created %d samples; want %d", created, advising.MaxWorkSamples)
	}
	checkProblem(t, "21st work sample", ts.do(t, owner, http.MethodPost, path, body), http.StatusUnprocessableEntity)
	var list struct {
		Items      []workSampleBody `json:"items"`
		NextCursor *string          `json:"next_cursor"`
	}
	ts.mustDo(t, owner, http.MethodGet, path, "", http.StatusOK, &list)
	if len(list.Items) != advising.MaxWorkSamples || list.NextCursor != nil {
		t.Errorf("GET work samples: %d items, next_cursor %v; want 20 and null", len(list.Items), list.NextCursor)
	}
	caseID, _ := ts.st.CaseIDByApplicant(context.Background(), owner.ID)
	if ev, _ := ts.evidence(t, caseID); ev.WorkSamples != advising.MaxWorkSamples {
		t.Errorf("case evidence work_samples = %d; want 20", ev.WorkSamples)
	}
	// Deleting one makes room again.
	ts.mustDo(t, owner, http.MethodDelete, "/api/v1/work-samples/"+list.Items[0].ID, "", http.StatusNoContent, nil)
	ts.mustDo(t, owner, http.MethodPost, path, body, http.StatusCreated, nil)

	// ?limit pages the list like every other list.
	var page struct {
		Items      []workSampleBody `json:"items"`
		NextCursor *string          `json:"next_cursor"`
	}
	ts.mustDo(t, owner, http.MethodGet, path+"?limit=15", "", http.StatusOK, &page)
	if len(page.Items) != 15 || page.NextCursor == nil {
		t.Fatalf("GET work samples?limit=15: %d items, next_cursor %v; want 15 and a cursor", len(page.Items), page.NextCursor)
	}
	ts.mustDo(t, owner, http.MethodGet, path+"?limit=15&cursor="+*page.NextCursor, "", http.StatusOK, &page)
	if len(page.Items) != 5 || page.NextCursor != nil {
		t.Errorf("second page: %d items, next_cursor %v; want 5 and null", len(page.Items), page.NextCursor)
	}
	checkProblem(t, "GET work samples?limit=0", ts.do(t, owner, http.MethodGet, path+"?limit=0", ""), http.StatusUnprocessableEntity)
}

// TestWorkSampleLifecycle follows one sample through classification, an
// override, an edit that re-classifies it and removes the override, and
// deletion, checking the case's evidence counts and the audit trail.
func TestWorkSampleLifecycle(t *testing.T) {
	t.Parallel()
	f := newEvidenceFixture(t)
	ts := f.ts
	tm, em := classify.Classify(tmTitle, tmText), classify.Classify(emTitle, emText)
	if tm.Label == em.Label {
		t.Fatalf("classifier gives both test texts %q; the test needs two different labels", tm.Label)
	}

	// Submitted and classified; no score anywhere.
	rec := ts.do(t, f.owner, http.MethodPost, "/api/v1/applicants/"+f.owner.ID+"/work-samples",
		fmt.Sprintf(`{"title": %q, "description": %q}`, tmTitle, tmText))
	var w workSampleBody
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &w) != nil {
		t.Fatalf("POST work sample = %d %s; want 201", rec.Code, rec.Body.String())
	}
	if loc := rec.Header().Get("Location"); loc != "/api/v1/work-samples/"+w.ID {
		t.Errorf("POST work sample: Location %q; want /api/v1/work-samples/%s", loc, w.ID)
	}
	if strings.Contains(strings.ToLower(rec.Body.String()), "score") {
		t.Errorf("POST work sample: body mentions a score: %s", rec.Body.String())
	}
	c := w.Classification
	if w.Source != "text" || w.Filename != nil || w.ApplicantID != f.owner.ID || c.Label != string(tm.Label) ||
		c.DeliverableType != string(tm.DeliverableType) || c.Rationale == "" || c.ClassifierVersion != classify.Version ||
		c.Indicators.TechnologyManagement == nil || c.Indicators.EngineeringManagement == nil ||
		w.Override != nil || w.EffectiveLabel != c.Label {
		t.Errorf("POST work sample = %s; want source text, filename null, label %q, version %s, no override",
			rec.Body.String(), tm.Label, classify.Version)
	}
	ev, v1 := ts.evidence(t, f.caseID)
	if ev.WorkSamples != 1 || count(ev, tm.Label) != 1 {
		t.Errorf("evidence after one %s sample = %+v", tm.Label, ev)
	}

	// The advisor overrides the label: it wins, the automatic label stays.
	override := fmt.Sprintf(`{"label": %q, "reason": "The author owned the delivery plan."}`, em.Label)
	ts.mustDo(t, f.advisor, http.MethodPut, "/api/v1/work-samples/"+w.ID+"/override", override, http.StatusOK, &w)
	if w.Override == nil || w.Override.Label != string(em.Label) || w.Override.By != f.advisor.ID ||
		w.EffectiveLabel != string(em.Label) || w.Classification.Label != string(tm.Label) {
		t.Errorf("PUT override = %+v; want override %s by %s beside label %s", w, em.Label, f.advisor.ID, tm.Label)
	}
	ts.mustDo(t, f.owner, http.MethodGet, "/api/v1/work-samples/"+w.ID, "", http.StatusOK, &w)
	if w.EffectiveLabel != string(em.Label) {
		t.Errorf("GET work sample as owner: effective_label %q; want the override %q", w.EffectiveLabel, em.Label)
	}
	ev, v2 := ts.evidence(t, f.caseID)
	if count(ev, em.Label) != 1 || count(ev, tm.Label) != 0 || v2 <= v1 {
		t.Errorf("evidence after override = %+v (version %d, before %d); want one %s, none %s, version up", ev, v2, v1, em.Label, tm.Label)
	}
	checkProblem(t, "PUT override with a blank reason", ts.do(t, f.admin, http.MethodPut, "/api/v1/work-samples/"+w.ID+"/override",
		`{"label": "hybrid", "reason": " "}`), http.StatusUnprocessableEntity)
	checkProblem(t, "PUT override with an unknown label", ts.do(t, f.admin, http.MethodPut, "/api/v1/work-samples/"+w.ID+"/override",
		`{"label": "tm", "reason": "r"}`), http.StatusUnprocessableEntity)

	// The applicant rewrites it: classified again, override gone.
	ts.mustDo(t, f.owner, http.MethodPut, "/api/v1/work-samples/"+w.ID,
		fmt.Sprintf(`{"title": %q, "description": %q}`, emTitle, emText), http.StatusOK, &w)
	if w.Override != nil || w.Classification.Label != string(em.Label) || w.EffectiveLabel != string(em.Label) || w.Title != emTitle {
		t.Errorf("PUT work sample = %+v; want label %s, no override", w, em.Label)
	}

	// Override and removal by admin.
	ts.mustDo(t, f.admin, http.MethodPut, "/api/v1/work-samples/"+w.ID+"/override",
		`{"label": "hybrid", "reason": "Both sides are substantial."}`, http.StatusOK, &w)
	if ev, _ := ts.evidence(t, f.caseID); ev.Hybrid != 1 {
		t.Errorf("evidence after hybrid override = %+v; want hybrid 1", ev)
	}
	ts.mustDo(t, f.admin, http.MethodDelete, "/api/v1/work-samples/"+w.ID+"/override", "", http.StatusNoContent, nil)
	ts.mustDo(t, f.admin, http.MethodDelete, "/api/v1/work-samples/"+w.ID+"/override", "", http.StatusNoContent, nil) // nothing to remove
	ts.mustDo(t, f.admin, http.MethodGet, "/api/v1/work-samples/"+w.ID, "", http.StatusOK, &w)
	if w.Override != nil || w.EffectiveLabel != string(em.Label) {
		t.Errorf("after DELETE override: %+v; want no override, effective %s", w, em.Label)
	}
	if ev, _ := ts.evidence(t, f.caseID); ev.Hybrid != 0 || count(ev, em.Label) != 1 {
		t.Errorf("evidence after override removal = %+v", ev)
	}

	// Deleted: gone, counts back to zero.
	ts.mustDo(t, f.owner, http.MethodDelete, "/api/v1/work-samples/"+w.ID, "", http.StatusNoContent, nil)
	checkProblem(t, "GET deleted work sample", ts.do(t, f.owner, http.MethodGet, "/api/v1/work-samples/"+w.ID, ""), http.StatusNotFound)
	if ev, _ := ts.evidence(t, f.caseID); ev != (advising.Evidence{}) {
		t.Errorf("evidence after delete = %+v; want all zero", ev)
	}
	var list struct {
		Items      []workSampleBody `json:"items"`
		NextCursor *string          `json:"next_cursor"`
	}
	rec = ts.do(t, f.owner, http.MethodGet, "/api/v1/applicants/"+f.owner.ID+"/work-samples", "")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"items":[]`) || !strings.Contains(rec.Body.String(), `"next_cursor":null`) {
		t.Errorf("GET empty work-sample list = %d %s; want items [] and next_cursor null", rec.Code, rec.Body.String())
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &list)

	want := []string{"case.assigned", "work_sample.created", "work_sample.override_set", "work_sample.updated",
		"work_sample.override_set", "work_sample.override_removed", "work_sample.deleted"}
	if got := ts.auditActions(t, f.caseID); !slices.Equal(got, want) {
		t.Errorf("audit actions = %v; want %v", got, want)
	}
}

func count(ev advising.Evidence, l classify.Label) int {
	switch advising.Label(l) {
	case advising.LabelTechnologyManagement:
		return ev.TechnologyManagement
	case advising.LabelEngineeringManagement:
		return ev.EngineeringManagement
	case advising.LabelHybrid:
		return ev.Hybrid
	}
	return ev.InsufficientEvidence
}

// reclassifyBody is the answer of POST /api/v1/admin/reclassify.
type reclassifyBody struct {
	ClassifierVersion string         `json:"classifier_version"`
	Samples           int            `json:"samples"`
	Changed           int            `json:"changed"`
	Changes           map[string]int `json:"changes"`
	SampleIDs         []string       `json:"sample_ids"`
	Restamped         int            `json:"restamped"`
}

// TestReclassify: the admin first sees what the current classifier would
// change (a dry run writes nothing), then re-runs it; stale labels are
// corrected and counted, overrides stay, and the changed sample and each
// run are audited.
func TestReclassify(t *testing.T) {
	t.Parallel()
	f := newEvidenceFixture(t)
	ts := f.ts
	ctx := context.Background()
	a := ts.submit(t, f.owner, f.owner.ID, tmTitle, tmText)
	b := ts.submit(t, f.owner, f.owner.ID, emTitle, emText)
	ts.mustDo(t, f.advisor, http.MethodPut, "/api/v1/work-samples/"+b.ID+"/override",
		`{"label": "hybrid", "reason": "Both sides."}`, http.StatusOK, nil)

	// Pretend an older classifier labelled sample a differently.
	stale := advising.Classification{Label: advising.LabelInsufficientEvidence, DeliverableType: "other",
		Rationale: "old", Version: "0.0.1"}
	if tm := classify.Classify(tmTitle, tmText); advising.Label(tm.Label) == stale.Label {
		stale.Label = advising.LabelHybrid
	}
	if err := ts.st.SetClassification(ctx, a.ID, stale); err != nil {
		t.Fatalf("SetClassification: %v", err)
	}
	if err := ts.st.RefreshEvidence(ctx, f.caseID, ts.clock.Now()); err != nil {
		t.Fatalf("RefreshEvidence: %v", err)
	}
	wantChanges := map[string]int{string(stale.Label) + "→" + a.Classification.Label: 1}
	evBefore, versionBefore := ts.evidence(t, f.caseID)
	auditBefore := len(ts.auditActions(t, f.caseID))

	var got reclassifyBody
	ts.mustDo(t, f.admin, http.MethodPost, "/api/v1/admin/reclassify?dry_run=true", "", http.StatusOK, &got)
	if got.ClassifierVersion != classify.Version || got.Samples != 2 || got.Changed != 1 ||
		!maps.Equal(got.Changes, wantChanges) || !slices.Equal(got.SampleIDs, []string{a.ID}) {
		t.Errorf("POST reclassify?dry_run=true = %+v; want version %s, 2 samples, 1 changed %v: [%s]", got, classify.Version, wantChanges, a.ID)
	}
	var wa, wb workSampleBody
	ts.mustDo(t, f.owner, http.MethodGet, "/api/v1/work-samples/"+a.ID, "", http.StatusOK, &wa)
	ev, version := ts.evidence(t, f.caseID)
	if advising.Label(wa.Classification.Label) != stale.Label || ev != evBefore || version != versionBefore ||
		len(ts.auditActions(t, f.caseID)) != auditBefore {
		t.Errorf("after a dry run: sample a %s, evidence %+v v%d, %d audit events; want %s, %+v v%d, %d: nothing written",
			wa.Classification.Label, ev, version, len(ts.auditActions(t, f.caseID)), stale.Label, evBefore, versionBefore, auditBefore)
	}

	got = reclassifyBody{}
	ts.mustDo(t, f.admin, http.MethodPost, "/api/v1/admin/reclassify", "", http.StatusOK, &got)
	if got.ClassifierVersion != classify.Version || got.Samples != 2 || got.Changed != 1 ||
		!maps.Equal(got.Changes, wantChanges) || !slices.Equal(got.SampleIDs, []string{a.ID}) {
		t.Errorf("POST reclassify = %+v; want version %s, 2 samples, 1 changed %v: [%s]", got, classify.Version, wantChanges, a.ID)
	}
	ts.mustDo(t, f.owner, http.MethodGet, "/api/v1/work-samples/"+a.ID, "", http.StatusOK, &wa)
	ts.mustDo(t, f.owner, http.MethodGet, "/api/v1/work-samples/"+b.ID, "", http.StatusOK, &wb)
	if !reflect.DeepEqual(wa.Classification, a.Classification) {
		t.Errorf("sample a after reclassify: %+v; want %+v", wa.Classification, a.Classification)
	}
	if wb.Override == nil || wb.EffectiveLabel != "hybrid" {
		t.Errorf("sample b after reclassify: override %v, effective %q; want the hybrid override kept", wb.Override, wb.EffectiveLabel)
	}
	ev, _ = ts.evidence(t, f.caseID)
	if count(ev, classify.Label(a.Classification.Label)) < 1 || ev.Hybrid < 1 || ev.WorkSamples != 2 {
		t.Errorf("evidence after reclassify = %+v", ev)
	}
	if got := ts.auditActions(t, f.caseID)[auditBefore:]; !slices.Equal(got, []string{"work_sample.reclassified"}) {
		t.Errorf("case audit after reclassify = %v; want the one changed sample's work_sample.reclassified", got)
	}
	caseEvents, err := ts.st.ListAudit(ctx, store.AuditFilter{CaseID: f.caseID, Limit: 1})
	if err != nil {
		t.Fatalf("ListAudit: %v", err)
	}
	if e := caseEvents[0]; e.EntityID != a.ID || len(e.Changes) != 1 || e.Changes[0].Field != "label" ||
		*e.Changes[0].Old != string(stale.Label) || *e.Changes[0].New != a.Classification.Label {
		t.Errorf("work_sample.reclassified event = %+v; want sample %s's label %s → %s", e, a.ID, stale.Label, a.Classification.Label)
	}
	got = reclassifyBody{} // decoding into a used map would merge
	ts.mustDo(t, f.admin, http.MethodPost, "/api/v1/admin/reclassify", "", http.StatusOK, &got)
	if got.Changed != 0 || got.Samples != 2 || len(got.Changes) != 0 || got.SampleIDs == nil || len(got.SampleIDs) != 0 {
		t.Errorf("second POST reclassify = %+v; want 2 samples, 0 changed, {} and []", got)
	}
	evs, err := ts.st.ListAudit(ctx, store.AuditFilter{ActorID: f.admin.ID, Limit: 100})
	if err != nil {
		t.Fatalf("ListAudit: %v", err)
	}
	runs := 0
	for _, e := range evs {
		if e.Action == "work_samples.reclassified" {
			runs++
		}
	}
	if runs != 2 {
		t.Errorf("audit events for two reclassify runs (and a dry run): %d; want 2", runs)
	}
}

// TestReclassifyPages: a run walks every page of a large office, in both
// modes, and reports changed samples in ID order.
func TestReclassifyPages(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	ctx := context.Background()
	current := classify.Classify(tmTitle, tmText)
	stale := advising.LabelInsufficientEvidence
	if advising.Label(current.Label) == stale {
		stale = advising.LabelHybrid
	}
	const total = 450 // more than two pages of 200
	var wantIDs []string
	for _, caseID := range ts.bulkCases(t, total/advising.MaxWorkSamples+1, "") {
		ca, err := ts.st.CaseAccessByID(ctx, caseID)
		if err != nil {
			t.Fatalf("CaseAccessByID: %v", err)
		}
		for range advising.MaxWorkSamples {
			if len(wantIDs) == total {
				break
			}
			w, err := ts.st.InsertWorkSampleFixture(ctx, advising.WorkSample{ApplicantID: ca.ApplicantID, CaseID: caseID,
				Title: tmTitle, Description: tmText, Classification: advising.Classification{Label: stale,
					DeliverableType: "other", Rationale: "old", Version: "0.0.1"}}, ts.clock.Now())
			if err != nil {
				t.Fatalf("InsertWorkSampleFixture: %v", err)
			}
			wantIDs = append(wantIDs, w.ID)
		}
	}
	want := map[string]int{string(stale) + "→" + string(current.Label): total}
	for _, path := range []string{"/api/v1/admin/reclassify?dry_run=true", "/api/v1/admin/reclassify"} {
		var got reclassifyBody
		ts.mustDo(t, admin, http.MethodPost, path, "", http.StatusOK, &got)
		if got.Samples != total || got.Changed != total || !maps.Equal(got.Changes, want) || !slices.Equal(got.SampleIDs, wantIDs) {
			t.Errorf("POST %s = %d samples, %d changed, %v, %d ids; want %d, %d, %v and every id in order",
				path, got.Samples, got.Changed, got.Changes, len(got.SampleIDs), total, total, want)
		}
	}
	var got reclassifyBody
	ts.mustDo(t, admin, http.MethodPost, "/api/v1/admin/reclassify?dry_run=true", "", http.StatusOK, &got)
	if got.Samples != total || got.Changed != 0 {
		t.Errorf("dry run after the real run = %d samples, %d changed; want %d, 0", got.Samples, got.Changed, total)
	}
}
