package web_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// An applicant uploads a PDF made by pdfTeX from the portal and sees it
// read and classified, with guidance about their evidence as a whole; a
// file over 10 MiB is refused by the page before it is sent, next to the
// field, with the title kept; editing the text classifies it again.
func TestBrowserDocumentUpload(t *testing.T) {
	s := newSite(t)
	a := s.applicant(t)
	c := newChrome(t, s)

	c.open("/signin")
	c.fill(map[string]string{"#email": a.Email, "#password": testPassword})
	c.submit(`form[action="/signin"] button[type=submit]`, "#samples-heading")
	c.mustSee("portal before any sample", "What your evidence shows", "You have not added any work samples yet")

	// Over the limit: the script says so next to the field and sends nothing.
	big := filepath.Join(t.TempDir(), "scans.pdf")
	if err := os.WriteFile(big, make([]byte, 10<<20+1), 0o644); err != nil {
		t.Fatal(err)
	}
	c.fill(map[string]string{"#title": "Design review records"})
	c.run("choose a large file", chromedp.SetUploadFiles("#file", []string{big}, chromedp.ByQuery))
	c.run("send it", chromedp.Click(`form[action="/portal/work-samples"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible("#file-size-error", chromedp.ByQuery))
	c.mustSee("portal with a file over 10 MiB", "This file is larger than 10 MiB.")
	var title string
	c.run("read the title", chromedp.Value("#title", &title, chromedp.ByQuery))
	if title != "Design review records" {
		t.Errorf("title after the size check = %q; want the typed title kept", title)
	}

	// A real PDF: read, classified, the original downloadable.
	pdf, err := filepath.Abs("../documents/testdata/review.pdf")
	if err != nil {
		t.Fatal(err)
	}
	c.run("choose the PDF", chromedp.SetUploadFiles("#file", []string{pdf}, chromedp.ByQuery))
	c.submit(`form[action="/portal/work-samples"] button[type=submit]`, ".notice")
	c.mustSee("portal after a PDF upload", "Your work sample has been added and classified.", "Uploaded as review.pdf",
		"Engineering management", "Why this label", "Download the original file", "What your evidence shows",
		"Add another work sample")
	c.mustNotSee("portal after a PDF upload", "application/pdf")
	c.scrollTo("#guidance-heading")
	c.screenshotHere("applicant-document-upload")

	// Edit the text: classified again.
	c.run("open the editor", chromedp.Click("details.edit-sample summary", chromedp.ByQuery))
	c.set("details.edit-sample textarea", "I wrote the technology roadmap and the business case for the airport's "+
		"passenger data platform, chaired the governance board that decides which systems are adopted, and ran the vendor evaluation.")
	c.submit("details.edit-sample button[type=submit]", ".notice")
	c.mustSee("portal after editing", "Your work sample has been changed and classified again.", "Technology management")
	c.checkConsole()
}
