package httpapi_test

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"os"
	"strings"
	"testing"

	"advising/internal/advising"
	"advising/internal/classify"
)

// fixture reads a document made by LibreOffice or pdfTeX (see
// internal/documents/testdata/make.sh).
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../documents/testdata/" + name)
	if err != nil {
		t.Fatalf("read fixture %s: %v", name, err)
	}
	return b
}

// uploadFile posts a multipart work sample as u and returns the response.
func (ts *testServer) uploadFile(t testing.TB, u testUser, applicantID, title, filename, contentType string, content []byte) *httpResponse {
	t.Helper()
	body, ct := multipartBody(t, part{name: "title", content: []byte(title)},
		part{name: "file", filename: filename, contentType: contentType, content: content})
	rec := ts.request(t, u.Token, http.MethodPost, "/api/v1/applicants/"+applicantID+"/work-samples", ct, body)
	return &httpResponse{Code: rec.Code, Body: rec.Body.Bytes(), Header: rec.Header()}
}

type httpResponse struct {
	Code   int
	Body   []byte
	Header http.Header
}

const (
	docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	odtType  = "application/vnd.oasis.opendocument.text"
)

// TestDocumentUploads: PDF, .docx and .odt made by real tools are read by
// their content (whatever type the client declares), their text becomes
// the description and is classified like typed text; scans, password
// protection, damage and disguised programs are refused with a sentence
// saying what to do, on the field "file".
func TestDocumentUploads(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0}, 2048)...)
	tests := []struct {
		name, file, declared string
		content              []byte
		want                 int
		text                 string // in the description, for 201
		detail               string // in the problem's detail, for 4xx
	}{
		{"LibreOffice PDF", "roadmap.pdf", "application/pdf", fixture(t, "roadmap.pdf"), 201,
			"My part of the work:\n\n- wrote the business case", ""},
		{"pdfTeX PDF", "review.pdf", "application/pdf", fixture(t, "review.pdf"), 201,
			"What I was accountable for:\n\n- the design review records", ""},
		{"Word document", "roadmap.docx", docxType, fixture(t, "roadmap.docx"), 201,
			"- ran the vendor evaluation of three data platforms", ""},
		{"OpenDocument text", "roadmap.odt", odtType, fixture(t, "roadmap.odt"), 201,
			"- set up the quarterly governance review", ""},
		{"PDF declared as generic bytes", "roadmap", "application/octet-stream", fixture(t, "roadmap.pdf"), 201,
			"I led the three-year technology roadmap", ""},
		{"Word document declared as text", "roadmap.txt", "text/plain", fixture(t, "roadmap.docx"), 201,
			"I led the three-year technology roadmap", ""},
		{"scanned PDF", "scan.pdf", "application/pdf", fixture(t, "scanned.pdf"), 422, "", "looks like a scan"},
		{"password-protected PDF", "locked.pdf", "application/pdf", fixture(t, "encrypted.pdf"), 422, "", "password"},
		{"damaged PDF", "cut.pdf", "application/pdf", fixture(t, "damaged.pdf"), 422, "", "damaged"},
		{"damaged Word document", "cut.docx", docxType, fixture(t, "damaged.docx"), 422, "", "damaged"},
		{"program renamed .pdf", "plan.pdf", "application/pdf", exe, 415, "", "PDF, Word (.docx), OpenDocument (.odt) or plain text"},
		{"program renamed .docx", "plan.docx", docxType, exe, 415, "", "Save your work in one of those formats"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			owner := ts.applicant(t)
			res := ts.uploadFile(t, owner, owner.ID, "Roadmap and reviews", tt.file, tt.declared, tt.content)
			if tt.want != http.StatusCreated {
				var p problemBody
				if res.Code != tt.want || json.Unmarshal(res.Body, &p) != nil || !strings.Contains(p.Detail, tt.detail) ||
					len(p.Errors) != 1 || p.Errors[0].Field != "file" || strings.Contains(p.Detail, "application/") {
					t.Fatalf("upload %s = %d %s; want %d with %q on the field file", tt.name, res.Code, res.Body, tt.want, tt.detail)
				}
				return
			}
			var w workSampleBody
			if res.Code != http.StatusCreated || json.Unmarshal(res.Body, &w) != nil {
				t.Fatalf("upload %s = %d %s; want 201", tt.name, res.Code, res.Body)
			}
			if w.Source != "upload" || w.Filename == nil || *w.Filename != tt.file || !strings.Contains(w.Description, tt.text) {
				t.Errorf("upload %s: source %q filename %v description %q; want upload %q with %q", tt.name, w.Source, w.Filename, w.Description, tt.file, tt.text)
			}
			if want := classify.Classify(w.Title, w.Description); w.Classification.Label != string(want.Label) || w.EffectiveLabel != string(want.Label) {
				t.Errorf("upload %s: label %q; want %q, as for the same text typed in", tt.name, w.Classification.Label, want.Label)
			}
			var count struct {
				Items []workSampleBody `json:"items"`
			}
			ts.mustDo(t, owner, http.MethodGet, "/api/v1/applicants/"+owner.ID+"/work-samples", "", http.StatusOK, &count)
			if len(count.Items) != 1 {
				t.Errorf("after upload %s: %d samples; want 1", tt.name, len(count.Items))
			}
		})
	}
	t.Run("refused uploads leave nothing behind", func(t *testing.T) {
		owner := ts.applicant(t)
		for _, f := range []string{"scanned.pdf", "encrypted.pdf", "damaged.pdf", "damaged.docx"} {
			ts.uploadFile(t, owner, owner.ID, "Refused", f, "", fixture(t, f))
		}
		var list struct {
			Items []workSampleBody `json:"items"`
		}
		ts.mustDo(t, owner, http.MethodGet, "/api/v1/applicants/"+owner.ID+"/work-samples", "", http.StatusOK, &list)
		if len(list.Items) != 0 {
			t.Errorf("after refused uploads: %d samples; want none", len(list.Items))
		}
	})
}

// TestDocumentUploadLimits: the whole request may be 10 MiB (a PDF just
// over it is 413, with a sentence); text over 20,000 characters is 422;
// staff may not upload and another applicant's case is not found.
func TestDocumentUploadLimits(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner, other := ts.applicant(t), ts.applicant(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	ts.assign(t, ts.caseOf(t, owner.ID), advisor.ID)
	pdf := fixture(t, "roadmap.pdf")
	padded := append(append([]byte{}, pdf...), bytes.Repeat([]byte("%"), 10<<20)...) // a comment after %%EOF
	res := ts.uploadFile(t, owner, owner.ID, "Big", "big.pdf", "application/pdf", padded)
	var p problemBody
	if res.Code != http.StatusRequestEntityTooLarge || json.Unmarshal(res.Body, &p) != nil || !strings.Contains(p.Detail, "10 MiB") {
		t.Errorf("upload of a PDF over 10 MiB = %d %s; want 413 saying 10 MiB", res.Code, res.Body)
	}
	long := []byte(strings.Repeat("I planned the release and ran the test plan. ", 500))
	res = ts.uploadFile(t, owner, owner.ID, "Long", "long.txt", "text/plain", long)
	if res.Code != http.StatusUnprocessableEntity || !bytes.Contains(res.Body, []byte(`"field":"file"`)) {
		t.Errorf("upload of over 20,000 characters = %d %s; want 422 on file", res.Code, res.Body)
	}
	if res := ts.uploadFile(t, advisor, owner.ID, "Roadmap", "roadmap.pdf", "application/pdf", pdf); res.Code != http.StatusForbidden {
		t.Errorf("upload as the advisor = %d %s; want 403", res.Code, res.Body)
	}
	if res := ts.uploadFile(t, other, owner.ID, "Roadmap", "roadmap.pdf", "application/pdf", pdf); res.Code != http.StatusNotFound {
		t.Errorf("upload to another applicant = %d %s; want 404", res.Code, res.Body)
	}
}

// TestWorkSampleFileDownload: the original file comes back byte for byte,
// as an attachment with its type, to the applicant, their advisor and
// admin; another applicant and another advisor get 404, as does a typed
// sample; a deleted sample's file is gone.
func TestWorkSampleFileDownload(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor, stranger := ts.staff(t, advising.RoleAdvisor), ts.staff(t, advising.RoleAdvisor)
	owner, caseID := ts.advisedCase(t, advisor)
	other, admin := ts.applicant(t), ts.firstAdmin(t)
	_ = caseID
	files := []struct{ fixture, name, contentType string }{
		{"roadmap.pdf", "Roadmap für 2027.pdf", "application/pdf"},
		{"roadmap.docx", "roadmap.docx", docxType},
		{"roadmap.odt", "roadmap.odt", odtType},
	}
	for _, f := range files {
		content := fixture(t, f.fixture)
		res := ts.uploadFile(t, owner, owner.ID, "Roadmap", f.name, "application/octet-stream", content)
		var w workSampleBody
		if res.Code != http.StatusCreated || json.Unmarshal(res.Body, &w) != nil {
			t.Fatalf("upload %s = %d %s; want 201", f.name, res.Code, res.Body)
		}
		path := "/api/v1/work-samples/" + w.ID + "/file"
		for _, u := range []testUser{owner, advisor, admin} {
			rec := ts.do(t, u, http.MethodGet, path, "")
			_, params, err := mime.ParseMediaType(rec.Header().Get("Content-Disposition"))
			if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), content) || rec.Header().Get("Content-Type") != f.contentType ||
				err != nil || !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") || params["filename"] != f.name {
				t.Errorf("GET %s as %s = %d, %d bytes, %q, %q; want 200, the %d bytes sent, %q, attachment %q", path, u.Role, rec.Code,
					rec.Body.Len(), rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"), len(content), f.contentType, f.name)
			}
		}
		for _, u := range []testUser{other, stranger, {}} {
			want := http.StatusNotFound
			if u.Token == "" {
				want = http.StatusUnauthorized
			}
			if rec := ts.do(t, u, http.MethodGet, path, ""); rec.Code != want || bytes.Contains(rec.Body.Bytes(), content[:64]) {
				t.Errorf("GET %s as %q = %d; want %d without the file", path, u.Role, rec.Code, want)
			}
		}
		ts.mustDo(t, owner, http.MethodDelete, "/api/v1/work-samples/"+w.ID, "", http.StatusNoContent, nil)
		checkProblem(t, "file of a deleted sample", ts.do(t, owner, http.MethodGet, path, ""), http.StatusNotFound)
	}
	typed := ts.submit(t, owner, owner.ID, tmTitle, tmText)
	checkProblem(t, "file of a typed sample", ts.do(t, owner, http.MethodGet, "/api/v1/work-samples/"+typed.ID+"/file", ""), http.StatusNotFound)
	res := ts.uploadFile(t, owner, owner.ID, "Notes", "notes.md", "text/markdown", []byte(emText))
	var w workSampleBody
	if err := json.Unmarshal(res.Body, &w); err != nil || res.Code != http.StatusCreated {
		t.Fatalf("upload notes.md = %d %s", res.Code, res.Body)
	}
	rec := ts.do(t, admin, http.MethodGet, "/api/v1/work-samples/"+w.ID+"/file", "")
	if rec.Code != http.StatusOK || rec.Body.String() != emText || rec.Header().Get("Content-Type") != "text/markdown; charset=utf-8" {
		t.Errorf("GET markdown file = %d %q %q; want the text as text/markdown", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
}

// TestApplicantGuidance: the case view's guidance follows the effective
// labels (an override changes it at once) and the stated interest, and
// never carries an advisor's note.
func TestApplicantGuidance(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	owner, caseID := ts.advisedCase(t, advisor)
	type view struct {
		Guidance struct {
			Summary   string   `json:"summary"`
			NextSteps []string `json:"next_steps"`
		} `json:"guidance"`
	}
	read := func(u testUser) (view, string) {
		t.Helper()
		rec := ts.do(t, u, http.MethodGet, "/api/v1/applicants/"+owner.ID+"/case", "")
		var v view
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &v) != nil {
			t.Fatalf("GET case as %s = %d %s", u.Role, rec.Code, rec.Body.String())
		}
		return v, v.Guidance.Summary + "\n" + strings.Join(v.Guidance.NextSteps, "\n")
	}
	if v, all := read(owner); !strings.Contains(v.Guidance.Summary, "not added any work samples") || v.Guidance.NextSteps == nil {
		t.Errorf("guidance with no samples = %s; want the empty reading", all)
	}
	ts.mustDo(t, owner, http.MethodPut, "/api/v1/applicants/"+owner.ID+"/profile", `{"programme_interest":"technology_management"}`, http.StatusOK, nil)
	em1 := ts.submit(t, owner, owner.ID, emTitle, emText)
	ts.submit(t, owner, owner.ID, "Commissioning handover", "I owned the project execution plan for the cross-dock commissioning, chaired the weekly design reviews with the conveyor supplier and site operations, and signed off the test documentation before the operational handover to maintenance.")
	ts.do(t, advisor, http.MethodPost, "/api/v1/cases/"+caseID+"/notes", `{"body":"private-marker-guidance","visibility":"private"}`)
	_, all := read(owner)
	if !strings.Contains(all, "engineering management accountability") || !strings.Contains(all, "points to Engineering Management") ||
		!strings.Contains(all, "such as a technology roadmap") || strings.Contains(all, "private-marker") {
		t.Errorf("guidance for engineering evidence and a technology interest =\n%s\nwant the mismatch and the missing side, no note", all)
	}
	ts.mustDo(t, advisor, http.MethodPut, "/api/v1/work-samples/"+em1.ID+"/override",
		`{"label":"technology_management","reason":"The review was about platform governance."}`, http.StatusOK, nil)
	if _, all := read(owner); !strings.Contains(all, "both sides") || strings.Contains(all, "points to Engineering Management") {
		t.Errorf("guidance after an override to technology management =\n%s\nwant the hybrid reading", all)
	}
	if _, all := read(advisor); !strings.Contains(all, "both sides") {
		t.Errorf("guidance as the advisor =\n%s\nwant the same guidance", all)
	}
}
