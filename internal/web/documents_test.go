package web_test

import (
	"bytes"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
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
