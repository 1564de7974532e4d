package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"advising/internal/advising"
	"advising/internal/casework"
)

// axeSource returns axe-core's script: $ADVISING_AXE_JS, or where
// .ci/install-axe puts it. Without it the accessibility check is left out
// with a message, or fails under ADVISING_REQUIRE_BROWSER (CI).
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("ADVISING_AXE_JS")
	if path == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			home, _ := os.UserHomeDir()
			cache = filepath.Join(home, ".cache")
		}
		path = filepath.Join(cache, "advising-axe", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("ADVISING_REQUIRE_BROWSER") != "" {
			t.Fatalf("ADVISING_REQUIRE_BROWSER is set but axe-core is not at %s (bash .ci/install-axe): %v", path, err)
		}
		t.Logf("accessibility checks left out: axe-core is not at %s (bash .ci/install-axe installs it)", path)
		return ""
	}
	return string(b)
}

// axeViolation is the part of an axe-core result a failure message needs.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// checkAccessible runs axe-core on the page as it is now (WCAG 2.2 A and
// AA and axe's best practices) and fails on any violation.
func (c *chrome) checkAccessible(where, axe string) {
	c.t.Helper()
	if axe == "" {
		return
	}
	var loaded bool
	c.run("load axe-core", chromedp.Evaluate(`typeof axe !== "undefined"`, &loaded))
	if !loaded {
		c.run("inject axe-core", chromedp.Evaluate(axe+";true", &loaded))
	}
	var out string
	script := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})
		.then(r => JSON.stringify(r.violations))`
	c.run("axe "+where, chromedp.Evaluate(script, &out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
		return p.WithAwaitPromise(true)
	}))
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		c.t.Fatalf("axe %s: %v in %s", where, err, out)
	}
	for _, v := range vs {
		var targets []string
		for i, n := range v.Nodes {
			if i == 5 {
				targets = append(targets, "...")
				break
			}
			targets = append(targets, fmt.Sprint(n.Target...))
		}
		c.t.Errorf("axe %s: %s (%s): %s at %s", where, v.ID, v.Impact, v.Help, strings.Join(targets, ", "))
	}
}

// noSideScroll fails when the page is wider than the viewport, so a phone
// would scroll sideways. Tables may scroll inside their own container.
func (c *chrome) noSideScroll(where string) {
	c.t.Helper()
	var widths []int
	c.run("measure "+where, chromedp.Evaluate(`[document.documentElement.scrollWidth, window.innerWidth]`, &widths))
	if len(widths) != 2 || widths[0] > widths[1] {
		c.t.Errorf("%s: the page is %v px wide (page, viewport); it scrolls sideways", where, widths)
	}
}

// inView reports whether the element matching sel is inside the viewport.
func (c *chrome) inView(sel string) bool {
	c.t.Helper()
	var ok bool
	c.run("is "+sel+" in view", chromedp.Evaluate(fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el) return false;
		const r = el.getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; })()`, sel), &ok))
	return ok
}

// bigOffice gives the advisor a 150-case caseload through the product's
// own use cases: registrations, profiles, classified work samples,
// assignment, status moves, follow-ups (some overdue, some this week) and
// recommendations. It returns the case ids by applicant name.
func (s *site) bigOffice(t *testing.T, o office) map[string]string {
	t.Helper()
	ctx := context.Background()
	first := []string{"Amara", "Jonas", "Priya", "Mateo", "Yuki", "Olu", "Ines", "Tomasz", "Leila", "Chen",
		"Fatima", "Noah", "Sofia", "Arjun", "Hana"}
	last := []string{"Osei", "Weber", "Raman", "Silva", "Tanaka", "Adeyemi", "Costa", "Nowak", "Haddad", "Wei"}
	interests := []string{"technology_management", "engineering_management", "undecided"}
	ids := map[string]string{}
	now := time.Now()
	for i := range 149 {
		name := first[i%len(first)] + " " + last[(i/len(first))%len(last)]
		if i == 7 {
			name = "=HYPERLINK Tester" // a spreadsheet would run this as a formula
		}
		sess, err := s.cw.Register(ctx, "", casework.NewAccount{Email: fmt.Sprintf("applicant%03d@example.org", i),
			Password: testPassword, FullName: name})
		if err != nil {
			t.Fatalf("Register %d: %v", i, err)
		}
		self := advising.Actor{UserID: sess.User.ID, Role: advising.RoleApplicant, FullName: name}
		years, interest := 1+i%9, interests[i%3]
		intake := now.AddDate(0, 3+i%12, 0).Format("2006-01")
		if _, err := s.cw.ReplaceProfile(ctx, self, self.UserID, advising.Profile{YearsExperience: &years,
			ProgrammeInterest: &interest, TargetIntake: &intake}); err != nil {
			t.Fatalf("ReplaceProfile %d: %v", i, err)
		}
		samples := [][]casework.NewWorkSample{nil, {{Title: "Fraud analytics", Description: fraudSample}},
			{{Title: "Fraud analytics", Description: fraudSample}, {Title: "Bridge sensors", Description: engineeringSample}},
			{{Title: "Bridge sensors", Description: engineeringSample}, {Title: "Sensor handover", Description: engineeringSample}}}[i%4]
		for _, w := range samples {
			if _, err := s.cw.SubmitWorkSample(ctx, self, self.UserID, w); err != nil {
				t.Fatalf("SubmitWorkSample %d: %v", i, err)
			}
		}
		ap, err := s.cw.Applicant(ctx, self, self.UserID)
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = ap.CaseID
		if _, err := s.cw.AssignCase(ctx, o.admin, ap.CaseID, &o.advisor.ID); err != nil {
			t.Fatalf("AssignCase %d: %v", i, err)
		}
		var path []advising.Status
		switch i % 6 {
		case 1, 2:
			path = []advising.Status{advising.StatusEvidenceCollection}
		case 3:
			path = []advising.Status{advising.StatusEvidenceCollection, advising.StatusUnderReview}
		case 5:
			path = []advising.Status{advising.StatusClosed}
		}
		for _, st := range path {
			if _, err := s.cw.UpdateCase(ctx, o.admin, ap.CaseID, casework.CaseUpdate{Status: &st}, nil); err != nil {
				t.Fatalf("UpdateCase %d to %s: %v", i, st, err)
			}
		}
		if i%6 == 4 && len(samples) > 0 {
			st := advising.StatusEvidenceCollection
			if _, err := s.cw.UpdateCase(ctx, o.admin, ap.CaseID, casework.CaseUpdate{Status: &st}, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := s.cw.Recommend(ctx, o.admin, ap.CaseID, advising.PathwayTechnologyManagement, "Platform adoption throughout."); err != nil {
				t.Fatalf("Recommend %d: %v", i, err)
			}
		}
		switch {
		case i%10 == 0: // overdue
			if err := s.cw.BackdateFollowUp(ctx, o.admin, ap.CaseID, now.AddDate(0, 0, -1-i%5)); err != nil {
				t.Fatalf("BackdateFollowUp %d: %v", i, err)
			}
		case i%7 == 0: // this week
			at := now.AddDate(0, 0, 1+i%6)
			if _, err := s.cw.UpdateCase(ctx, o.admin, ap.CaseID, casework.CaseUpdate{SetFollowUp: true, NextFollowUpAt: &at}, nil); err != nil {
				t.Fatalf("UpdateCase follow-up %d: %v", i, err)
			}
		}
	}
	return ids
}

// An advisor's day on a 150-case office, at 1280 and at 390 px: the
// dashboard counts and links, the caseload pages both ways, sorts, changes
// cases in bulk with a result per case, saves a view and exports CSV; the
// case page keeps its summary in view, says "note added" where the note
// is, shows the activity and refuses a past follow-up in words. Every page
// passes axe-core, and none scrolls sideways on a phone.
func TestBrowserAdvisorsDayAtScale(t *testing.T) {
	s := newSite(t)
	o := s.office(t) // Sam's case is the advisor's; Lee's and a waiting case are not
	ids := s.bigOffice(t, o)
	axe := axeSource(t)
	c := newChrome(t, s)

	c.open("/signin")
	c.fill(map[string]string{"#email": o.advisor.Email, "#password": testPassword})
	c.submit(`form[action="/signin"] button[type=submit]`, "#attention-heading")
	c.mustSee("dashboard", "Your caseload: 150 cases", "Needs attention", "Follow-up overdue:", "This week's follow-ups", "Today", "Tomorrow")
	c.mustNotSee("dashboard", "Follow-ups due")
	c.checkAccessible("dashboard", axe)
	c.screenshot("office-dashboard")
	c.phone(func() {
		c.open("/dashboard")
		c.noSideScroll("dashboard at 390 px")
		c.checkAccessible("dashboard at 390 px", axe)
		c.screenshot("office-dashboard-phone")
	})

	// A reason's count leads to exactly those cases in the caseload.
	c.open("/dashboard")
	heading := c.text("#attention-follow_up_overdue h3")
	c.submit("#attention-follow_up_overdue h3 a", "table.caseload")
	var n int
	if _, err := fmt.Sscanf(strings.TrimPrefix(heading, "Follow-up overdue: "), "%d", &n); err != nil || n == 0 {
		t.Fatalf("dashboard overdue heading %q: want a count", heading)
	}
	c.mustSee("caseload from the dashboard", fmt.Sprintf("%d cases match", n))

	// The whole caseload: a total, 50 a page, both ways, sortable headers.
	c.open("/cases")
	c.mustSee("caseload", "150 cases match", "showing 1–50", "Updated")
	c.mustSee("caseload", time.Now().UTC().Format("2 Jan 2006")+", ") // Updated shows date and time
	c.checkAccessible("caseload", axe)
	c.screenshot("office-caseload")
	c.submit(`a[rel="next"]`, "table.caseload")
	c.mustSee("caseload page 2", "51–100 of 150")
	c.submit(`a[rel="next"]`, "table.caseload")
	c.mustSee("caseload page 3", "101–150 of 150")
	c.submit(`a[rel="prev"]`, "table.caseload")
	c.mustSee("caseload back to page 2", "51–100 of 150")
	c.submit(`th a.sort-link[href*="sort=next_follow_up_at"]`, "table.caseload")
	if !c.has(`th[aria-sort="ascending"] a[href*="next_follow_up_at"]`) {
		t.Errorf("caseload sorted by follow-up: the header does not say it is sorted")
	}
	c.phone(func() {
		c.open("/cases")
		c.noSideScroll("caseload at 390 px")
		c.checkAccessible("caseload at 390 px", axe)
		c.screenshot("office-caseload-phone")
	})

	// Bulk: three new cases and a closed one to "collecting evidence".
	c.open("/cases?status=new&sort=created_at")
	var picked []string
	c.run("read new cases", chromedp.Evaluate(`[...document.querySelectorAll("input[name=case]")].slice(0, 3).map(e => e.value)`, &picked))
	closed := ids["Olu Osei"] // i = 5: closed
	c.open("/cases?status=new&status=closed&sort=created_at")
	for _, id := range append(picked, closed) {
		c.run("tick "+id, chromedp.Click(`[id="pick-`+id+`"]`, chromedp.ByQuery))
	}
	c.set("#bulk-action", "status")
	c.set("#bulk-status", "evidence_collection")
	c.submit(`#bulk button[type=submit]`, ".bulk-result")
	c.mustSee("bulk result", "Status changed to collecting evidence: 3 done, 1 not changed",
		"Olu Osei: not changed. A case cannot move from closed to collecting evidence.")
	c.checkAccessible("caseload after a bulk change", axe)
	c.screenshot("office-caseload-bulk")

	// A saved view, one click away afterwards.
	c.open("/cases?flag=follow_up_overdue&status=new&status=evidence_collection&status=under_review&sort=next_follow_up_at")
	c.run("open the save form", chromedp.Click("details.save-view summary", chromedp.ByQuery))
	c.fill(map[string]string{"#view-name": "Overdue first"})
	c.submit(`form[action="/cases/views"] button[type=submit]`, ".notice")
	c.open("/cases")
	c.submit(`.view-list a`, "table.caseload")
	c.mustSee("saved view", fmt.Sprintf("%d cases match", n))

	// The CSV holds every matching case, formulas neutralised.
	var csvText string
	c.run("download the CSV", chromedp.Evaluate(`fetch("/cases/export").then(r => r.text())`, &csvText,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if lines := strings.Count(strings.TrimSpace(csvText), "\n"); lines != 150 {
		t.Errorf("CSV export has %d cases; want all 150", lines)
	}
	if !strings.Contains(csvText, "\n'=HYPERLINK Tester,") || strings.Contains(csvText, "\n=HYPERLINK") {
		t.Errorf("CSV export does not neutralise a name starting with =")
	}

	// The case page: summary in view, notice where the note is, activity.
	c.open("/cases/" + o.samCase)
	c.checkAccessible("case page", axe)
	c.screenshot("office-case")
	c.scrollTo("#notes-heading")
	if !c.inView(".case-summary h1") {
		t.Errorf("case page scrolled to the notes: the summary is not in view")
	}
	c.fill(map[string]string{"#body": "private-marker-7f3a: strong delivery record; check the intake date."})
	c.run("private", chromedp.Click("#visibility-private", chromedp.ByQuery))
	c.submit(`form[action$="/notes"] button[type=submit]`, "#notes .notice")
	if !c.inView("#notes .notice") {
		t.Errorf("after adding a note the notice is off-screen")
	}
	c.mustSee("case page after a note", "The note has been added.", "Dana Whitfield: Added a note")
	c.screenshotHere("office-case-note-added")
	// A past follow-up, sent past the date picker's own minimum, is refused in words.
	c.run("type a past date", chromedp.Evaluate(`document.querySelector("#next_follow_up_at").removeAttribute("min")`, nil))
	c.set("#next_follow_up_at", time.Now().AddDate(0, 0, -3).Format(time.DateOnly))
	c.submit(`form[action$="/follow-up"] button[type=submit]`, ".error-summary")
	c.mustSee("past follow-up", "The follow-up date must not be in the past: choose today or a later date.")
	c.checkAccessible("case page with an error", axe)
	c.phone(func() {
		c.open("/cases/" + o.samCase)
		c.noSideScroll("case page at 390 px")
		c.checkAccessible("case page at 390 px", axe)
		c.screenshot("office-case-phone")
	})
	c.checkConsole()
}
