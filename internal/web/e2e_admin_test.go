package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"advising/internal/advising"
	"advising/internal/casework"
)

// adminBrowser signs the office's admin in to a headless Chromium over s.
func adminBrowser(t *testing.T, s *site) (*chrome, string) {
	t.Helper()
	c := newChrome(t, s)
	c.open("/signin")
	c.fill(map[string]string{"#email": "admin@example.org", "#password": testPassword})
	c.submit(`form[action="/signin"] button[type=submit]`, "h1")
	return c, axeSource(t)
}

// Assignments in an office of 20 advisors and 240 cases, at 1280 and 390
// px: a page of the busiest advisor's cases moves in one submission, and
// two more are unassigned from a phone. The pages pass axe-core and never
// scroll sideways on the phone.
func TestBrowserAdminAssignments(t *testing.T) {
	s := newSite(t)
	o := s.crowdedOffice(t, 20, 240)
	busy, calm := o.advisors[0], o.advisors[1]
	c, axe := adminBrowser(t, s)

	// Waiting cases first; the busiest advisor heads the loads.
	c.open("/admin/assignments")
	c.mustSee("assignments", "Waiting for an advisor", busy.Name, "120 open cases", o.names[o.waiting[0]])
	c.checkAccessible("assignments", axe)
	c.screenshot("admin-assignments")

	// Move a page of the busy advisor's cases in one submission.
	c.submit(`.admin-loads a[href="/admin/assignments?owner=`+busy.ID+`"]`, "#tick-all")
	c.mustSee("the busy advisor's cases", "Cases of "+busy.Name, o.names[o.busy[0]])
	c.run("tick every case on the page", chromedp.Click("#tick-all", chromedp.ByQuery))
	c.mustSee("ticked", "50 cases ticked")
	c.set("#to", calm.ID)
	c.screenshotHere("admin-assignments-ticked")
	c.submit(`form[data-bulk] button[type=submit]`, "#results-heading")
	c.mustSee("after the move", "50 cases assigned to "+calm.Name+".", "Now with "+calm.Name+".", "Cases of "+busy.Name)
	c.mustNotSee("after the move", "was not changed")
	c.checkAccessible("assignments after a bulk move", axe)
	moved, err := s.cw.Case(context.Background(), o.admin, o.busy[0])
	if err != nil || moved.Advisor == nil || moved.Advisor.ID != calm.ID {
		t.Errorf("case %s after the bulk move: advisor %v, %v; want %s", o.names[o.busy[0]], moved.Advisor, err, calm.Name)
	}

	c.phone(func() {
		c.open("/admin/assignments?owner=" + busy.ID)
		c.noSideScroll("assignments at 390 px")
		c.checkAccessible("assignments at 390 px", axe)
		c.screenshot("admin-assignments-phone")
		c.run("tick two cases", chromedp.Click(`tbody tr:nth-child(1) input[name="case_id"]`, chromedp.ByQuery),
			chromedp.Click(`tbody tr:nth-child(2) input[name="case_id"]`, chromedp.ByQuery))
		c.set("#to", "none")
		c.submit(`form[data-bulk] button[type=submit]`, "#results-heading")
		c.mustSee("unassigned at 390 px", "2 cases unassigned.")
		c.noSideScroll("assignments after unassigning at 390 px")
	})
	c.checkConsole()
}

// The audit trail of a busy office filtered by a person chosen by name and
// an action, in words, at 1280 and 390 px.
func TestBrowserAdminAudit(t *testing.T) {
	s := newSite(t)
	o := s.crowdedOffice(t, 20, 120)
	busy, calm := o.advisors[0], o.advisors[1]
	if _, err := s.cw.AssignCase(context.Background(), o.admin, o.busy[0], &calm.ID); err != nil {
		t.Fatal(err)
	}
	c, axe := adminBrowser(t, s)

	c.open("/admin/audit")
	c.set("#actor_id", o.admin.UserID)
	c.set("#action", "case.assigned")
	c.submit(`form[action="/admin/audit"] button[type=submit]`, "table.admin-audit")
	events := c.text("table.admin-audit")
	for _, want := range []string{"Office Admin", "Case assigned", "Advisor: " + busy.Name + " → " + calm.Name, o.names[o.busy[0]]} {
		if !containsFold(events, want) {
			t.Errorf("audit by person and action: the events do not show %q", want)
		}
	}
	for _, unwanted := range []string{"Applicant registered", "Case opened", o.busy[0]} {
		if containsFold(events, unwanted) {
			t.Errorf("audit by person and action: the events show %q", unwanted)
		}
	}
	c.checkAccessible("audit trail", axe)
	c.screenshot("admin-audit")
	c.phone(func() {
		c.noSideScroll("audit trail at 390 px")
		c.checkAccessible("audit trail at 390 px", axe)
		c.screenshot("admin-audit-phone")
	})
	c.checkConsole()
}

// What the classifier's users teach it, at 1280 and 390 px, and a
// reclassification previewed and then confirmed.
func TestBrowserAdminInsights(t *testing.T) {
	s := newSite(t)
	o := s.crowdedOffice(t, 20, 120)
	s.teachingSamples(t, o)
	c, axe := adminBrowser(t, s)

	c.open("/admin/insights")
	c.mustSee("insights", "By automatic label", "By classifier version", "Overrides by person", "Download the overridden samples")
	c.checkAccessible("insights", axe)
	c.screenshot("admin-insights")
	c.phone(func() {
		c.open("/admin/insights")
		c.noSideScroll("insights at 390 px")
		c.checkAccessible("insights at 390 px", axe)
		c.screenshot("admin-insights-phone")
	})
	c.submit(`a[href="/admin/reclassify"]`, `form[action="/admin/reclassify"]`)
	c.mustSee("reclassify preview", "Nothing has changed yet", "automatic labels would change")
	c.checkAccessible("reclassify preview", axe)
	c.phone(func() {
		c.noSideScroll("reclassify preview at 390 px")
	})
	c.run("accept the confirmation", chromedp.Evaluate(`window.confirm = () => true`, nil))
	c.submit(`form[action="/admin/reclassify"] button[type=submit]`, ".notice")
	c.mustSee("reclassified", "Work samples reclassified", "Overrides were kept")
	c.checkAccessible("reclassify result", axe)
	c.checkConsole()
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// teachingSamples gives a dozen of the office's applicants a work sample
// each, and has three advisors override some of them, so the insights have
// something to count.
func (s *site) teachingSamples(t *testing.T, o crowdedOffice) {
	t.Helper()
	ctx := context.Background()
	texts := []string{fraudSample, engineeringSample}
	n := 0
	for caseID, name := range o.names {
		if n == 12 {
			break
		}
		c, err := s.cw.Case(ctx, o.admin, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Advisor == nil {
			continue
		}
		self := advising.Actor{UserID: c.Applicant.ID, Role: advising.RoleApplicant, FullName: name}
		w, err := s.cw.SubmitWorkSample(ctx, self, self.UserID, casework.NewWorkSample{Title: fmt.Sprintf("Sample %d", n), Description: texts[n%2]})
		if err != nil {
			t.Fatalf("SubmitWorkSample: %v", err)
		}
		if n%3 == 0 {
			by := advising.Actor{UserID: c.Advisor.ID, Role: advising.RoleAdvisor}
			if _, err := s.cw.OverrideLabel(ctx, by, w.ID, advising.LabelHybrid, "Both sides were theirs."); err != nil {
				t.Fatalf("OverrideLabel: %v", err)
			}
		}
		n++
	}
}
