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
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
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
	c.run("submit "+button, chromedp.Evaluate(`window.__leaving = true`, nil), chromedp.Click(button, chromedp.ByQuery))
	deadline := time.Now().Add(20 * time.Second)
	for {
		var arrived bool
		// Errors are expected while the old page goes away.
		err := chromedp.Run(c.ctx, chromedp.Evaluate(`!window.__leaving && document.readyState === "complete"`, &arrived))
		if err == nil && arrived {
			break
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("browser: submit %s: the next page did not load (last error %v)", button, err)
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
	body := c.text("body")
	for _, w := range want {
		if !strings.Contains(body, w) {
			c.t.Errorf("%s: page text does not contain %q:\n%s", where, w, body)
		}
	}
}

// mustNotSee fails if the page's text contains any of the strings.
func (c *chrome) mustNotSee(where string, unwanted ...string) {
	c.t.Helper()
	body := c.text("body")
	for _, u := range unwanted {
		if strings.Contains(body, u) {
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
	c.run("scroll to samples", chromedp.ScrollIntoView("#samples-heading", chromedp.ByQuery))
	c.screenshotHere("applicant-work-sample")
	c.phone(func() {
		c.open("/portal")
		c.screenshot("applicant-portal-phone")
	})
	c.checkConsole()
}
