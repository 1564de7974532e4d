package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"advising/internal/advising"
)

// A borderline sample says so in words on the advisor's case page and on
// the applicant's portal, never as a number; the case shows the review flag
// until the advisor overrides the label, and the caseload filters by it.
func TestBorderlineSampleInWords(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	self := advising.Actor{UserID: o.sam.ID, Role: advising.RoleApplicant, FullName: o.sam.Name}
	samples, err := s.cw.WorkSamples(context.Background(), self, o.sam.ID, "", 0)
	if err != nil {
		t.Fatalf("WorkSamples: %v", err)
	}
	w, err := s.st.InsertWorkSampleFixture(context.Background(), advising.WorkSample{ApplicantID: o.sam.ID,
		CaseID: samples.Items[0].CaseID, Title: "Clinic rollout, half mine", Description: "I owned the adoption plan; the install was shared.",
		Classification: advising.Classification{Label: advising.LabelTechnologyManagement, DeliverableType: "adoption_plan",
			Rationale: "The adoption plan was the author's.", Version: "test", Borderline: true}}, time.Now().UTC())
	if err != nil {
		t.Fatalf("InsertWorkSampleFixture: %v", err)
	}
	const (
		close   = "Another label was close."
		toRead  = "An advisor should read this sample before relying on its label."
		flagged = "Label needs a reading"
	)
	noNumber := func(what, page string) {
		t.Helper()
		i := strings.Index(page, `id="sample-`+w.ID+`-borderline"`)
		if i < 0 {
			t.Fatalf("%s has no borderline note for sample %s", what, w.ID)
		}
		note := page[i:]
		note = note[strings.Index(note, ">")+1 : strings.Index(note, "</p>")] // the words, not the id
		if strings.ContainsAny(note, "0123456789%") {
			t.Errorf("%s: the borderline note %q shows a number", what, note)
		}
	}

	ap := s.browser()
	ap.signIn(t, o.sam.Email)
	body := ap.get(t, "/portal").Body.String()
	if !strings.Contains(body, close) || !strings.Contains(body, toRead) || strings.Count(body, close) != 1 {
		t.Errorf("GET /portal with one borderline sample: want %q and %q once", close, toRead)
	}
	noNumber("GET /portal", body)

	adv := s.browser()
	adv.signIn(t, o.advisor.Email)
	page := "/cases/" + o.samCase
	body = adv.get(t, page).Body.String()
	if !strings.Contains(body, close) || !strings.Contains(body, toRead) || !strings.Contains(body, flagged) {
		t.Errorf("GET %s with a borderline sample: want %q, %q and the flag %q", page, close, toRead, flagged)
	}
	noNumber("GET "+page, body)
	list := adv.get(t, "/cases?flag=classification_review").Body.String()
	if !strings.Contains(list, o.sam.Name) || strings.Contains(list, o.lee.Name) {
		t.Errorf("GET /cases?flag=classification_review: want %s listed and not %s", o.sam.Name, o.lee.Name)
	}

	// The advisor reads it and settles the label: the flag goes, the note says so.
	rec := adv.post(t, page+"/work-samples/"+w.ID+"/override", url.Values{"label": {"hybrid"}, "reason": {"The install was theirs too."}})
	adv.get(t, rec.Header().Get("Location"))
	body = adv.get(t, page).Body.String()
	if strings.Contains(body, toRead) || !strings.Contains(body, "An advisor has read this sample and set its label.") || strings.Contains(body, flagged) {
		t.Errorf("GET %s after the override: want the settled note and no %q flag", page, flagged)
	}
}
