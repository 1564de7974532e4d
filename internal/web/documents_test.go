package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"advising/internal/advising"
	"advising/internal/casework"
)

// TestPortalDocumentUpload: a PDF made by pdfTeX is read and classified
// from the portal; a file just over 10 MiB comes back as a sentence next to
// the file field with the title and text kept; a scan gets its sentence.
func TestPortalDocumentUpload(t *testing.T) {
	s := newSite(t)
	a := s.applicant(t)
	b := s.browser()
	b.signIn(t, a.Email)
	pdf, err := os.ReadFile("../documents/testdata/review.pdf")
	if err != nil {
		t.Fatal(err)
	}
	b.get(t, "/portal")
	if rec := b.upload(t, "Baggage hall design reviews", "", "review.pdf", "application/pdf", pdf); rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /portal/work-samples (PDF) = %d %s; want 303", rec.Code, rec.Body.String())
	}
	if body := b.get(t, "/portal").Body.String(); !strings.Contains(body, "Uploaded as review.pdf") || !strings.Contains(body, "Engineering management") {
		t.Errorf("GET /portal after a PDF upload: the classified sample is not shown in\n%s", body)
	}

	big := bytes.Repeat([]byte("a"), 10<<20+1024)
	rec := b.upload(t, "Kept title", "", "big.txt", "text/plain", big)
	body := rec.Body.String()
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(body, `id="file-error">This file is larger than 10 MiB.`) ||
		!strings.Contains(body, `value="Kept title"`) || strings.Contains(body, "Request Entity Too Large") {
		t.Errorf("POST /portal/work-samples (over 10 MiB) = %d; want 413 with the sentence next to the file and the title kept in\n%s", rec.Code, body)
	}

	scan, err := os.ReadFile("../documents/testdata/scanned.pdf")
	if err != nil {
		t.Fatal(err)
	}
	rec = b.upload(t, "Scanned review", "", "scan.pdf", "application/pdf", scan)
	msg := regexp.MustCompile(`id="file-error">([^<]*)<`).FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusUnprocessableEntity || msg == nil || !strings.HasPrefix(msg[1], "The file has no text we can read") ||
		strings.Contains(msg[1], "application/") {
		t.Errorf("POST /portal/work-samples (scan) = %d %q; want 422 with a plain sentence next to the file", rec.Code, msg)
	}
}

// TestPortalOverrideEditAndWarning: after an advisor's override the
// portal and the case page give the advisor's label and reason first and
// the classifier's reading as the automatic reading; editing a sample
// classifies it again and removes the override; a recommended case warns
// before more evidence is added; the original file downloads from both
// doors only for those who may see it.
func TestPortalOverrideEditAndWarning(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	ctx := context.Background()
	advisor := advising.Actor{UserID: o.advisor.ID, Role: advising.RoleAdvisor, FullName: o.advisor.Name}
	if _, err := s.cw.OverrideLabel(ctx, advisor, o.samSample, advising.LabelHybrid, "reason-marker: the adoption also ran the device roll-out"); err != nil {
		t.Fatalf("OverrideLabel: %v", err)
	}
	ab := s.browser()
	ab.signIn(t, o.sam.Email)
	body := ab.get(t, "/portal").Body.String()
	why := strings.Index(body, "Why this label")
	reason := strings.Index(body, "An advisor set the label to Hybrid")
	auto := strings.Index(body, "The automatic reading")
	if why < 0 || reason < why || auto < reason || !strings.Contains(body, "reason-marker") ||
		!strings.Contains(body, "The classifier read this sample as") {
		t.Errorf("GET /portal after an override: want the advisor's label and reason first, then the automatic reading (%d %d %d)", why, reason, auto)
	}
	officeBrowser := s.browser()
	officeBrowser.signIn(t, o.advisor.Email)
	cb := officeBrowser.get(t, "/cases/"+o.samCase).Body.String()
	if r, a := strings.Index(cb, "An advisor set the label to Hybrid"), strings.Index(cb, "The automatic reading"); r < 0 || a < r {
		t.Errorf("GET /cases/%s after an override: the advisor's reason does not come before the automatic reading", o.samCase)
	}

	// Editing: a blank text comes back next to its field with the title
	// kept; a real edit classifies again and drops the override.
	rec := ab.post(t, "/portal/work-samples/"+o.samSample, url.Values{"title": {"Edited title"}, "description": {"  "}})
	if b := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(b, `id="edit-`+o.samSample+`-description-error">Description must not be blank.`) ||
		!strings.Contains(b, `value="Edited title"`) {
		t.Errorf("POST edit with a blank text = %d; want 422 with the error next to the text and the title kept in\n%s", rec.Code, b)
	}
	rec = ab.post(t, "/portal/work-samples/"+o.samSample, url.Values{"title": {"Bridge handover"}, "description": {engineeringSample}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST edit = %d %s; want 303", rec.Code, rec.Body.String())
	}
	self := advising.Actor{UserID: o.sam.ID, Role: advising.RoleApplicant}
	w, err := s.cw.WorkSample(ctx, self, o.samSample)
	if err != nil || w.Override != nil || w.Title != "Bridge handover" || w.EffectiveLabel() != advising.LabelEngineeringManagement {
		t.Errorf("sample after the edit = %+v, %v; want the new text, classified engineering management, no override", w, err)
	}
	other := s.browser()
	other.signIn(t, o.lee.Email)
	other.get(t, "/portal")
	if rec := other.post(t, "/portal/work-samples/"+o.samSample, url.Values{"title": {"Mine now"}, "description": {fraudSample}}); rec.Code != http.StatusNotFound {
		t.Errorf("POST edit of another applicant's sample = %d; want 404", rec.Code)
	}

	// A recommended case: the add form warns first.
	if _, err := s.cw.Recommend(ctx, advisor, o.samCase, advising.PathwayEngineeringManagement, "Clear engineering delivery evidence."); err != nil {
		t.Fatalf("Recommend: %v", err)
	}
	body = ab.get(t, "/portal").Body.String()
	if !strings.Contains(body, `id="settled-warning"`) || !strings.Contains(body, "Your case already has a recommendation.") ||
		!strings.Contains(body, `data-confirm="Your case already has a recommendation or is closed. Add this work sample anyway?`) {
		t.Errorf("GET /portal with a recommended case: no warning before adding evidence")
	}

	// Downloads: the applicant from the portal, the advisor from the case.
	pdf, err := os.ReadFile("../documents/testdata/roadmap.pdf")
	if err != nil {
		t.Fatal(err)
	}
	up, err := s.cw.SubmitWorkSample(ctx, self, o.sam.ID, casework.NewWorkSample{Title: "Roadmap", Upload: &casework.Upload{Filename: "roadmap.pdf", Content: pdf}})
	if err != nil {
		t.Fatalf("SubmitWorkSample(PDF): %v", err)
	}
	if cb := officeBrowser.get(t, "/cases/"+o.samCase).Body.String(); !strings.Contains(cb, `href="/cases/`+o.samCase+`/work-samples/`+up.ID+`/file"`) {
		t.Errorf("GET /cases/%s: no link to the uploaded file", o.samCase)
	}
	for _, tt := range []struct {
		name string
		b    *browser
		path string
		want int
	}{
		{"applicant from the portal", ab, "/portal/work-samples/" + up.ID + "/file", http.StatusOK},
		{"advisor from the case", officeBrowser, "/cases/" + o.samCase + "/work-samples/" + up.ID + "/file", http.StatusOK},
		{"another applicant", other, "/portal/work-samples/" + up.ID + "/file", http.StatusNotFound},
		{"advisor through another case", officeBrowser, "/cases/" + o.leeCase + "/work-samples/" + up.ID + "/file", http.StatusNotFound},
	} {
		rec := tt.b.get(t, tt.path)
		if rec.Code != tt.want || (tt.want == http.StatusOK && (!bytes.Equal(rec.Body.Bytes(), pdf) ||
			!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment"))) {
			t.Errorf("GET %s (%s) = %d %q; want %d", tt.path, tt.name, rec.Code, rec.Header().Get("Content-Disposition"), tt.want)
		}
	}
}
