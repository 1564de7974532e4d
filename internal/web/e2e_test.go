package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"advising/internal/advising"
	"advising/internal/casework"
)

// The browser tests drive a real headless Chromium through the pages of the
// real server. Without Chromium they skip; CI installs it (.ci/run).

// chromiumPath finds a Chromium or Chrome binary, or returns "".
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// screenshotDir is where the browser tests keep their screenshots:
// $ADVISING_SCREENSHOT_DIR, or testout/screenshots at the repository root.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("ADVISING_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "testout", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("create screenshot folder: %v", err)
	}
	return dir
}

// chrome is one headless browser tab pointed at a live test server.
type chrome struct {
	t       *testing.T
	ctx     context.Context
	base    string
	shots   string
	mu      sync.Mutex
	console []string // CSP violations, script errors and console errors
}

// newChrome starts the real server (API and pages) on a loopback port and a
// headless Chromium with a fresh profile.
func newChrome(t *testing.T, s *site) *chrome {
	t.Helper()
	bin := chromiumPath()
	if bin == "" && os.Getenv("ADVISING_REQUIRE_BROWSER") != "" {
		t.Fatal("ADVISING_REQUIRE_BROWSER is set but no chromium, chromium-browser or google-chrome is on PATH")
	}
	if bin == "" {
		t.Skip("browser tests skipped: no chromium, chromium-browser or google-chrome on PATH (apt-get install chromium)")
	}
	srv := httptest.NewServer(s.e)
	t.Cleanup(srv.Close)
	// Not t.TempDir: Chromium's helper processes may still be writing to
	// the profile for a moment after the browser is told to quit.
	profile, err := os.MkdirTemp("", "advising-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(1280, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 4*time.Minute) // the 150-case day takes a while on a busy machine
	t.Cleanup(func() {
		cancelTime()
		cancelTab()
		cancelAlloc()
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	c := &chrome{t: t, ctx: ctx, base: srv.URL, shots: screenshotDir(t)}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *cdplog.EventEntryAdded:
			// Failed loads are statuses the test checks itself (a 422
			// form); policy violations and script errors are failures.
			if ev.Entry.Level == cdplog.LevelError && ev.Entry.Source != cdplog.SourceNetwork {
				c.note(fmt.Sprintf("%s: %s", ev.Entry.Source, ev.Entry.Text))
			}
		case *runtime.EventExceptionThrown:
			c.note("exception: " + ev.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError {
				c.note("console.error")
			}
		}
	})
	if err := chromedp.Run(ctx, cdplog.Enable(), chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatalf("start chromium (%s): %v", bin, err)
	}
	return c
}

func (c *chrome) note(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.console = append(c.console, s)
}

// run performs browser actions, failing the test with what was being done.
func (c *chrome) run(what string, actions ...chromedp.Action) {
	c.t.Helper()
	if err := chromedp.Run(c.ctx, actions...); err != nil {
		c.t.Fatalf("browser: %s: %v", what, err)
	}
}

// open navigates to a path and waits for the page's heading.
func (c *chrome) open(path string) {
	c.t.Helper()
	c.run("open "+path, chromedp.Navigate(c.base+path), chromedp.WaitVisible("h1", chromedp.ByQuery))
}

// fill types into the fields named by CSS selector, clearing them first.
func (c *chrome) fill(fields map[string]string) {
	c.t.Helper()
	for sel, v := range fields {
		c.set(sel, "")
		c.run("type into "+sel, chromedp.SendKeys(sel, v, chromedp.ByQuery))
	}
}

// set sets a field's value as a script would (for selects, dates, clearing).
func (c *chrome) set(sel, value string) {
	c.t.Helper()
	js := fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el) return false;
		el.value = %q; el.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, sel, value)
	var ok bool
	c.run("set "+sel, chromedp.WaitReady(sel, chromedp.ByQuery), chromedp.Evaluate(js, &ok))
	if !ok {
		c.t.Fatalf("browser: set %s: no such element", sel)
	}
}

// submit clicks a button, waits for the next page to load and to show
// waitFor. The old page is marked first, so its elements never count.
func (c *chrome) submit(button, waitFor string) {
	c.t.Helper()
	c.leaveBy("submit "+button, chromedp.Click(button, chromedp.ByQuery), waitFor)
}

// leaveBy runs an action that loads another page (a click, a change that
// submits a form), waits for it to load and to show waitFor.
func (c *chrome) leaveBy(what string, action chromedp.Action, waitFor string) {
	c.t.Helper()
	c.run(what, chromedp.Evaluate(`window.__leaving = true`, nil), action)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var arrived bool
		// Errors are expected while the old page goes away.
		err := chromedp.Run(c.ctx, chromedp.Evaluate(`!window.__leaving && document.readyState === "complete"`, &arrived))
		if err == nil && arrived {
			break
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("browser: %s: the next page did not load (last error %v)", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.run("wait for "+waitFor, chromedp.WaitVisible(waitFor, chromedp.ByQuery))
}

// text returns the visible text of the first element matching sel.
func (c *chrome) text(sel string) string {
	c.t.Helper()
	var s string
	c.run("read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery, chromedp.NodeVisible))
	return s
}

// has reports whether the page has an element matching sel.
func (c *chrome) has(sel string) bool {
	c.t.Helper()
	var nodes []*cdp.Node
	c.run("look for "+sel, chromedp.Nodes(sel, &nodes, chromedp.ByQuery, chromedp.AtLeast(0)))
	return len(nodes) > 0
}

// mustSee fails unless the page's text contains every string.
func (c *chrome) mustSee(where string, want ...string) {
	c.t.Helper()
	body := strings.ToLower(c.text("body")) // CSS may upper-case labels
	for _, w := range want {
		if !strings.Contains(body, strings.ToLower(w)) {
			c.t.Errorf("%s: page text does not contain %q:\n%s", where, w, body)
		}
	}
}

// mustNotSee fails if the page's text contains any of the strings.
func (c *chrome) mustNotSee(where string, unwanted ...string) {
	c.t.Helper()
	body := strings.ToLower(c.text("body"))
	for _, u := range unwanted {
		if strings.Contains(body, strings.ToLower(u)) {
			c.t.Errorf("%s: page text contains %q, which must not be shown", where, u)
		}
	}
}

// screenshot saves the top of the page as name.png in the screenshot folder.
func (c *chrome) screenshot(name string) {
	c.t.Helper()
	c.run("scroll to top", chromedp.Evaluate(`window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()`, nil))
	c.screenshotHere(name)
}

// scrollTo scrolls the page so that sel is at the top of the viewport.
func (c *chrome) scrollTo(sel string) {
	c.t.Helper()
	c.run("scroll to "+sel, chromedp.Evaluate(fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "start"})`, sel), nil))
}

// screenshotHere saves the viewport as it is scrolled now.
func (c *chrome) screenshotHere(name string) {
	c.t.Helper()
	var png []byte
	c.run("screenshot "+name, chromedp.CaptureScreenshot(&png))
	if err := os.WriteFile(filepath.Join(c.shots, name+".png"), png, 0o644); err != nil {
		c.t.Fatalf("save screenshot %s: %v", name, err)
	}
}

// phone switches the viewport to a phone's width, runs f, and switches back.
func (c *chrome) phone(f func()) {
	c.t.Helper()
	c.run("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	defer c.run("laptop viewport", chromedp.EmulateViewport(1280, 800))
	f()
}

// checkConsole fails on CSP violations and script errors seen so far.
func (c *chrome) checkConsole() {
	c.t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.console {
		c.t.Errorf("browser console: %s", m)
	}
	c.console = nil
}

func TestBrowserApplicantJourney(t *testing.T) {
	s := newSite(t)
	c := newChrome(t, s)

	c.open("/register")
	c.screenshot("register")
	c.run("keyboard: the first Tab reaches the skip link", chromedp.KeyEvent("\t"))
	if !c.has(".skip-link:focus") {
		t.Errorf("register: the first Tab does not focus the skip link")
	}
	// A short password is refused with a sentence next to the field.
	c.fill(map[string]string{"#full_name": "Sam Rivera", "#email": "sam@example.org", "#password": "short", "#password_again": "short"})
	c.submit(`form[action="/register"] button[type=submit]`, "#password-error")
	c.mustSee("register with a short password", "Password must be 10 to 128 characters long.")
	if !c.has(".error-summary:focus") {
		t.Errorf("register with errors: the error summary does not have focus")
	}
	c.screenshotHere("register-errors")
	c.fill(map[string]string{"#password": testPassword, "#password_again": testPassword})
	c.submit(`form[action="/register"] button[type=submit]`, "#samples-heading")
	c.mustSee("portal after registering", "Welcome. Your account is ready", "Sam Rivera")

	// Fill the profile.
	c.open("/portal/profile")
	c.fill(map[string]string{"#years_experience": "7", "#responsibilities": "Decide which analytics platform the bank adopts\nGovern data use across business units",
		"#target_role": "Head of digital capability"})
	c.set("#sector", "finance")
	c.set("#target_intake", "2027-09")
	c.set(`[id="self_assessment.communication"]`, "4")
	c.run("choose options",
		chromedp.Click("#programme_interest-technology_management", chromedp.ByQuery),
		chromedp.Click("#study_mode-part_time", chromedp.ByQuery))
	c.screenshot("applicant-profile")
	c.submit(`form[action="/portal/profile"] button[type=submit]`, "#samples-heading")
	c.mustSee("portal after the profile", "Your profile has been saved.", "7 years", "Finance")

	// Upload a sample as a file and see its classification and rationale.
	file := filepath.Join(t.TempDir(), "fraud-analytics.md")
	if err := os.WriteFile(file, []byte(fraudSample), 0o644); err != nil {
		t.Fatal(err)
	}
	c.fill(map[string]string{"#title": "Fraud-analytics platform adoption"})
	c.run("choose file", chromedp.SetUploadFiles("#file", []string{file}, chromedp.ByQuery))
	c.submit(`form[action="/portal/work-samples"] button[type=submit]`, ".notice")
	c.mustSee("portal after an upload", "Your work sample has been added and classified.", "Fraud-analytics platform adoption",
		"Uploaded as fraud-analytics.md", "Why this label", "Technology management")
	c.screenshot("applicant-portal")
	c.scrollTo("#samples-heading")
	c.screenshotHere("applicant-work-sample")
	c.phone(func() {
		c.open("/portal")
		c.screenshot("applicant-portal-phone")
	})
	c.checkConsole()
}

// busyOffice adds applicants in several states to the advisor's caseload,
// so the dashboard and caseload have something to show.
func (s *site) busyOffice(t *testing.T, o office) {
	t.Helper()
	ctx := context.Background()
	people := []struct {
		name     string
		years    int
		interest string
		intake   string
		status   advising.Status
		followUp time.Duration // from now; 0 for none
		samples  []casework.NewWorkSample
	}{
		{"Amara Osei", 2, "technology_management", "2027-06", advising.StatusEvidenceCollection, -72 * time.Hour,
			[]casework.NewWorkSample{{Title: "Bridge sensors", Description: engineeringSample}}},
		{"Jonas Weber", 9, "undecided", "2028-01", advising.StatusUnderReview, 96 * time.Hour,
			[]casework.NewWorkSample{{Title: "Fraud analytics", Description: fraudSample}, {Title: "Bridge sensors", Description: engineeringSample}}},
		{"Priya Raman", 6, "engineering_management", "2027-09", advising.StatusNew, 0, nil},
	}
	for i, p := range people {
		in := casework.NewAccount{Email: fmt.Sprintf("%s.%d@example.org", strings.ToLower(strings.Fields(p.name)[0]), i),
			Password: testPassword, FullName: p.name}
		sess, err := s.cw.Register(ctx, "", in)
		if err != nil {
			t.Fatalf("Register: %v", err)
		}
		self := advising.Actor{UserID: sess.User.ID, Role: advising.RoleApplicant, FullName: p.name}
		if _, err := s.cw.ReplaceProfile(ctx, self, self.UserID, advising.Profile{YearsExperience: &p.years,
			ProgrammeInterest: &p.interest, TargetIntake: &p.intake}); err != nil {
			t.Fatalf("ReplaceProfile: %v", err)
		}
		for _, w := range p.samples {
			if _, err := s.cw.SubmitWorkSample(ctx, self, self.UserID, w); err != nil {
				t.Fatalf("SubmitWorkSample: %v", err)
			}
		}
		ap, err := s.cw.Applicant(ctx, self, self.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.cw.AssignCase(ctx, o.admin, ap.CaseID, &o.advisor.ID); err != nil {
			t.Fatalf("AssignCase: %v", err)
		}
		u := casework.CaseUpdate{}
		if p.status != advising.StatusNew {
			st := advising.StatusEvidenceCollection
			if _, err := s.cw.UpdateCase(ctx, o.admin, ap.CaseID, casework.CaseUpdate{Status: &st}, nil); err != nil {
				t.Fatalf("UpdateCase: %v", err)
			}
			if p.status != st {
				u.Status = &p.status
			}
		}
		if p.followUp > 0 {
			at := time.Now().Add(p.followUp).UTC()
			u.SetFollowUp, u.NextFollowUpAt = true, &at
		} else if p.followUp < 0 { // overdue: casework schedules no follow-up in the past
			if err := s.cw.BackdateFollowUp(ctx, o.admin, ap.CaseID, time.Now().Add(p.followUp)); err != nil {
				t.Fatalf("BackdateFollowUp: %v", err)
			}
		}
		if _, err := s.cw.UpdateCase(ctx, o.admin, ap.CaseID, u, nil); err != nil {
			t.Fatalf("UpdateCase: %v", err)
		}
	}
}

// An advisor's day: sign in, dashboard, filter the caseload, open a case,
// add a private and a shared note, override a label, recommend. Then the
// applicant sees the shared note and not the private one, and admin's pages.
func TestBrowserAdvisorsDay(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	s.busyOffice(t, o)
	c := newChrome(t, s)

	c.open("/signin")
	c.screenshot("signin")
	c.fill(map[string]string{"#email": o.advisor.Email, "#password": testPassword})
	c.submit(`form[action="/signin"] button[type=submit]`, "#attention-heading")
	c.mustSee("dashboard", "Cases by status", "Needs attention", "The follow-up date has passed.", "This week's follow-ups")
	c.screenshot("advisor-dashboard")

	// Filter the caseload: search (Enter applies it), then a status filter
	// that applies itself when ticked.
	c.open("/cases")
	c.fill(map[string]string{"#q": "Jonas"})
	c.leaveBy("search", chromedp.SendKeys("#q", "\r", chromedp.ByQuery), "table.caseload")
	c.mustSee("caseload searched", "Jonas Weber")
	c.mustNotSee("caseload searched", "Amara Osei")
	c.open("/cases")
	c.leaveBy("tick a status", chromedp.Click("#status-evidence_collection", chromedp.ByQuery), "table.caseload")
	c.mustSee("caseload by status", o.sam.Name, "Amara Osei")
	c.mustNotSee("caseload by status", "Priya Raman")
	c.screenshot("advisor-caseload")

	// Open the case and work it.
	c.submit(`table.caseload a[href="/cases/`+o.samCase+`"]`, "#notes-heading")
	c.mustSee("case page", o.sam.Name, "Work samples", "Why this label", "Suggested pathway")
	c.screenshot("advisor-case")
	c.fill(map[string]string{"#body": "private-marker-7f3a: strong delivery record; check the intake date."})
	c.run("private", chromedp.Click("#visibility-private", chromedp.ByQuery))
	c.submit(`form[action$="/notes"] button[type=submit]`, ".notice")
	c.fill(map[string]string{"#body": "shared-marker-19c2: please add one more recent work sample."})
	c.run("shared", chromedp.Click("#visibility-shared", chromedp.ByQuery))
	c.submit(`form[action$="/notes"] button[type=submit]`, ".notice")
	c.mustSee("case page with notes", "private-marker-7f3a", "shared-marker-19c2", "Private office only", "Shared with the applicant")
	c.scrollTo("#notes-heading")
	c.screenshotHere("advisor-case-notes")

	sel := `[id="label-` + o.samSample + `"]`
	c.run("open the override", chromedp.Click(`#sample-`+o.samSample+` ~ details.override summary`, chromedp.ByQuery))
	c.set(sel, "hybrid")
	c.fill(map[string]string{`[id="reason-` + o.samSample + `"]`: "The platform rollout also ran the acceptance-test programme."})
	c.submit(`form[action$="/work-samples/`+o.samSample+`/override"] button[type=submit]`, ".notice")
	c.mustSee("case page after the override", "The label has been overridden.", "set by an advisor")

	c.run("choose a pathway", chromedp.Click("#pathway-engineering_management", chromedp.ByQuery))
	c.fill(map[string]string{"#rationale": "Accountable for controlled technical delivery: design reviews, risk register and handover."})
	c.submit(`form[action$="/recommendation"] button[type=submit]`, ".notice")
	c.mustSee("case page after recommending", "The recommendation has been recorded.", "Recommended", "Engineering Management")
	c.phone(func() {
		c.open("/cases/" + o.samCase)
		c.screenshot("advisor-case-phone")
	})
	c.submit(`form[action="/signout"] button`, "#email")

	// The applicant sees the shared note, not the private one.
	c.fill(map[string]string{"#email": o.sam.Email, "#password": testPassword})
	c.submit(`form[action="/signin"] button[type=submit]`, "#samples-heading")
	c.mustSee("applicant portal", "shared-marker-19c2", "Engineering Management", "Accountable for controlled technical delivery")
	c.mustNotSee("applicant portal", "private-marker-7f3a")
	c.submit(`form[action="/signout"] button`, "#email")

	// Admin's pages.
	c.fill(map[string]string{"#email": "admin@example.org", "#password": testPassword})
	c.submit(`form[action="/signin"] button[type=submit]`, "#attention-heading")
	c.screenshot("admin-dashboard")
	c.open("/admin/advisors")
	c.screenshot("admin-advisors")
	c.open("/admin/assignments")
	c.mustSee("assignments", "Waiting for an advisor", o.waiting.Name)
	c.screenshot("admin-assignments")
	c.run("tick the waiting case", chromedp.Click(`input[name="case_id"]`, chromedp.ByQuery))
	c.set("#to", o.advisor.ID)
	c.submit(`form[data-bulk] button[type=submit]`, "#results-heading")
	c.mustSee("assignments after assigning", "1 case assigned to "+o.advisor.Name+".")
	c.open("/admin/audit")
	c.mustSee("audit", "Case assigned", "Note created", "Case recommended")
	c.screenshot("admin-audit")
	c.checkConsole()
}
