package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
)

// upload posts a work sample form as multipart/form-data, with a file when
// fileName is not empty.
func (b *browser) upload(t testing.TB, title, description, fileName, fileType string, content []byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", b.csrf)
	_ = mw.WriteField("title", title)
	_ = mw.WriteField("description", description)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+fileName+`"`)
	h.Set("Content-Type", fileType)
	w, _ := mw.CreatePart(h)
	_, _ = w.Write(content)
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/portal/work-samples", &body)
	req.Header.Set(echo.HeaderContentType, mw.FormDataContentType())
	return b.do(t, req)
}

const fraudSample = `I led the adoption of an enterprise fraud-analytics platform across the bank's retail division.
I wrote the business case for the executive committee, ran the vendor evaluation with procurement and compliance,
set up the data governance board and the adoption roadmap for the business units, and reported adoption progress
quarterly.`

func TestApplicantPortal(t *testing.T) {
	s := newSite(t)
	a := s.applicant(t)
	b := s.browser()
	b.signIn(t, a.Email)

	if rec := b.get(t, "/portal"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "You have not added any work samples yet.") {
		t.Fatalf("GET /portal = %d %s", rec.Code, rec.Body.String())
	}

	// The profile form shows each problem next to its field.
	b.get(t, "/portal/profile")
	rec := b.post(t, "/portal/profile", url.Values{"years_experience": {"70"}, "sector": {"farming"},
		"responsibilities": {"Govern the analytics platform\n" + strings.Repeat("x", 501)}, "target_intake": {"2027-13"},
		"self_assessment.communication": {"9"}})
	body := rec.Body.String()
	for _, want := range []string{
		`id="years_experience-error">Years of experience must be between 0 and 60.`,
		`id="sector-error">Sector must be one of:`,
		`id="responsibilities-error">Responsibilities, line 2 must be at most 500 characters.`,
		`id="target_intake-error">Target intake must be a month as YYYY-MM.`,
		`id="self_assessment.communication-error">Communication must be between 1 and 5.`,
	} {
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
			t.Errorf("POST /portal/profile with bad values = %d; want 422 with %q in\n%s", rec.Code, want, body)
		}
	}
	rec = b.post(t, "/portal/profile", url.Values{"years_experience": {"7"}, "sector": {"finance"},
		"responsibilities": {"Govern the analytics platform\n\nChoose vendors for data tooling"}, "target_role": {"Head of digital capability"},
		"programme_interest": {"technology_management"}, "study_mode": {"part_time"}, "target_intake": {"2027-09"},
		"self_assessment.communication": {"4"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /portal/profile = %d %s; want 303", rec.Code, rec.Body.String())
	}
	ap, err := s.cw.Applicant(context.Background(), advising.Actor{UserID: a.ID, Role: advising.RoleApplicant}, a.ID)
	if err != nil || ap.Profile.YearsExperience == nil || *ap.Profile.YearsExperience != 7 || len(ap.Profile.Responsibilities) != 2 ||
		ap.Profile.SelfAssessment == nil || *ap.Profile.SelfAssessment.Communication != 4 || ap.Profile.SelfAssessment.Adaptability != nil {
		t.Fatalf("profile after POST /portal/profile = %+v, %v", ap.Profile, err)
	}
	if body := b.get(t, "/portal/profile").Body.String(); !strings.Contains(body, `<option value="finance" selected>`) {
		t.Errorf("GET /portal/profile does not show the saved sector")
	}

	// A pasted sample is classified and its rationale shown.
	b.get(t, "/portal")
	rec = b.upload(t, "Fraud-analytics adoption", fraudSample, "", "", nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /portal/work-samples (text) = %d %s; want 303", rec.Code, rec.Body.String())
	}
	body = b.get(t, "/portal?done=sample").Body.String()
	if !strings.Contains(body, "Fraud-analytics adoption") || !strings.Contains(body, "Why this label") ||
		!strings.Contains(body, "Technology management") || !strings.Contains(body, "Your work sample has been added and classified.") {
		t.Errorf("GET /portal after a sample: no classification shown in\n%s", body)
	}

	// An uploaded text file works; a binary file or an empty form does not.
	rec = b.upload(t, "Bridge sensors handover", "", "handover.md", "text/markdown",
		[]byte("I coordinated bridge-sensor installation, reliability testing and the maintenance handover."))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /portal/work-samples (file) = %d %s; want 303", rec.Code, rec.Body.String())
	}
	if body := b.get(t, "/portal").Body.String(); !strings.Contains(body, "Uploaded as handover.md") {
		t.Errorf("GET /portal: the uploaded sample is not listed")
	}
	rec = b.upload(t, "A picture", "", "photo.png", "image/png", []byte("\x89PNG\r\n\x1a\n\x00\x00"))
	if body := rec.Body.String(); rec.Code != http.StatusUnsupportedMediaType || !strings.Contains(body, `id="file-error">The file is not a PDF, Word (.docx), OpenDocument (.odt) or plain text document.`) {
		t.Errorf("POST /portal/work-samples (png) = %d; want 415 with the error next to the file in\n%s", rec.Code, body)
	}
	rec = b.upload(t, "", "", "", "", nil)
	if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="title-error">Title must not be blank.`) ||
		!strings.Contains(body, `id="description-error">Description must not be blank.`) {
		t.Errorf("POST /portal/work-samples (empty) = %d; want 422 with sentences in\n%s", rec.Code, body)
	}

	// Another applicant cannot delete this applicant's sample.
	id := regexp.MustCompile(`/portal/work-samples/([^/"]+)/delete`).FindStringSubmatch(body)
	if id == nil {
		t.Fatalf("no delete form on /portal")
	}
	other := s.browser()
	other.signIn(t, s.applicant(t).Email)
	other.get(t, "/portal")
	if rec := other.post(t, "/portal/work-samples/"+id[1]+"/delete", nil); rec.Code != http.StatusNotFound {
		t.Errorf("POST delete of another applicant's sample = %d; want 404", rec.Code)
	}
	if rec := b.post(t, "/portal/work-samples/"+id[1]+"/delete", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("POST delete of own sample = %d %s; want 303", rec.Code, rec.Body.String())
	}
}
