package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"advising/internal/advising"
	"advising/internal/auth"
	"advising/internal/casework"
	"advising/internal/httpapi"
	"advising/internal/store/storetest"
	"advising/internal/web"
)

// newSiteIn is newSite for an office in the time zone loc whose clock
// reads now.
func newSiteIn(t testing.TB, loc *time.Location, now func() time.Time) *site {
	t.Helper()
	st := storetest.New(t)
	cw := casework.New(casework.Options{Store: st, Tokens: auth.NewTokens(testSecret, 8*time.Hour, now),
		Hasher: auth.Hasher{Cost: bcrypt.MinCost}, Now: now, Location: loc})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := httpapi.NewServer(httpapi.Deps{Casework: cw, Log: log, OpenAPI: []byte("openapi: 3.1.0\n"),
		Registry: prometheus.NewRegistry()})
	web.Register(e, cw, web.Options{Log: log})
	return &site{e: e, cw: cw, st: st}
}

// A signed-in person who reaches a page that does not exist, or sends a
// form far too large, still sees their own header (name, Password, Sign
// out), not "Sign in | Register".
func TestErrorPagesKeepTheSignedInHeader(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	b := s.browser()
	b.signIn(t, o.advisor.Email)
	b.get(t, "/dashboard")
	huge := url.Values{"body": {strings.Repeat("x", 17<<20)}, "visibility": {"private"}}
	for name, rec := range map[string]interface {
		Result() *http.Response
	}{
		"unknown page":   b.get(t, "/no/such/page"),
		"oversized form": b.post(t, "/cases/"+o.samCase+"/notes", huge),
	} {
		res := rec.Result()
		body, _ := io.ReadAll(res.Body)
		page := string(body)
		want := map[string]int{"unknown page": http.StatusNotFound, "oversized form": http.StatusRequestEntityTooLarge}[name]
		if res.StatusCode != want || !strings.Contains(page, o.advisor.Name) || !strings.Contains(page, `href="/account/password"`) ||
			!strings.Contains(page, `action="/signout"`) || strings.Contains(page, `href="/register"`) {
			t.Errorf("%s signed in = %d; want %d with %s's header and no Register link:\n%s", name, res.StatusCode, want, o.advisor.Name, page)
		}
	}
	// Signed out, the same page offers sign-in.
	if page := s.browser().get(t, "/no/such/page").Body.String(); !strings.Contains(page, `href="/signin"`) {
		t.Errorf("unknown page signed out has no sign-in link:\n%s", page)
	}
}

// Times on the pages are the office's: in Hong Kong a follow-up typed as
// 15 December is 09:00 there (01:00 UTC), a date already over there is
// refused with a sentence, and errors never show a raw code.
func TestOfficeTimeZoneAndFollowUpRules(t *testing.T) {
	hk, err := time.LoadLocation("Asia/Hong_Kong")
	if err != nil {
		t.Fatal(err)
	}
	// 20:00 UTC on 1 December 2026: already 2 December in Hong Kong.
	now := func() time.Time { return time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC) }
	s := newSiteIn(t, hk, now)
	o := s.office(t)
	b := s.browser()
	b.signIn(t, o.advisor.Email)
	page := "/cases/" + o.samCase
	b.get(t, page)

	rec := b.post(t, page+"/follow-up", url.Values{"next_follow_up_at": {"2026-12-15"}, "version": {""}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST follow-up 2026-12-15 = %d %s; want 303", rec.Code, rec.Body.String())
	}
	cv, err := s.cw.Case(context.Background(), o.admin, o.samCase)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 15, 1, 0, 0, 0, time.UTC); cv.NextFollowUpAt == nil || !cv.NextFollowUpAt.Equal(want) {
		t.Errorf("follow-up typed as 2026-12-15 in Hong Kong = %v; want %v", cv.NextFollowUpAt, want)
	}
	body := b.get(t, page).Body.String()
	for _, want := range []string{"15 Dec 2026", "HKT", `min="2026-12-02"`} {
		if !strings.Contains(body, want) {
			t.Errorf("case page in Hong Kong does not show %q", want)
		}
	}

	// 1 December is today in UTC but over in Hong Kong.
	rec = b.post(t, page+"/follow-up", url.Values{"next_follow_up_at": {"2026-12-01"}})
	body = rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "The follow-up date must not be in the past: choose today or a later date.") {
		t.Errorf("POST follow-up on a day already over = %d; want 422 with the sentence:\n%s", rec.Code, body)
	}
	// Today, after 09:00 there, is kept to the end of the day: not overdue at once.
	if rec := b.post(t, page+"/follow-up", url.Values{"next_follow_up_at": {"2026-12-02"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("POST follow-up today = %d %s; want 303", rec.Code, rec.Body.String())
	}
	if cv, err = s.cw.Case(context.Background(), o.admin, o.samCase); err != nil {
		t.Fatal(err)
	}
	for _, f := range cv.Flags {
		if f == advising.FlagFollowUpOverdue {
			t.Errorf("a follow-up set for later today is overdue at once: %v", cv.NextFollowUpAt)
		}
	}

	// A recommendation without a programme names the programmes in words.
	rec = b.post(t, page+"/recommendation", url.Values{"pathway": {"astrology"}, "rationale": {"Because."}})
	body = rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || strings.Contains(body, "one of: technology_management") ||
		!strings.Contains(body, "Technology Management, Engineering Management") {
		t.Errorf("POST a recommendation with an unknown pathway = %d; want 422 in words:\n%s", rec.Code, body)
	}
}

// A bulk change changes each case it may and says, case by case, why not
// for the others: another advisor's case is "not on your caseload", an
// illegal move is named in words; a change wrong for every case (a past
// date) is refused before any case is touched.
func TestCaseloadBulkChange(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	ctx := context.Background()
	ap := s.named(t, o.admin, "Ines Costa", advising.RoleApplicant)
	self := advising.Actor{UserID: ap.ID, Role: advising.RoleApplicant}
	got, err := s.cw.Applicant(ctx, self, ap.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.cw.AssignCase(ctx, o.admin, got.CaseID, &o.advisor.ID); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, o.advisor.Email)
	b.get(t, "/cases")
	// Sam's case is collecting evidence (may go to under review), Ines's is
	// new (may not), Lee's is another advisor's.
	rec := b.post(t, "/cases/bulk", url.Values{"case": {o.samCase, got.CaseID, o.leeCase}, "action": {"status"},
		"status": {"under_review"}, "back": {"status=evidence_collection&sort=created_at"}})
	body := rec.Body.String()
	for _, want := range []string{"Status changed to under review: 1 done, 2 not changed", "Sam Rivera</a></strong>: done.",
		"Ines Costa</a></strong>: not changed. A case cannot move from new to under review.",
		"A case</strong>: not changed. This case is not on your caseload, or no longer exists.",
		`<option value="created_at" selected>`} {
		if !strings.Contains(body, want) {
			t.Errorf("POST /cases/bulk = %d; want %q in:\n%s", rec.Code, want, body)
		}
	}
	for id, want := range map[string]advising.Status{o.samCase: advising.StatusUnderReview, got.CaseID: advising.StatusNew,
		o.leeCase: advising.StatusEvidenceCollection} {
		if cv, err := s.cw.Case(ctx, o.admin, id); err != nil || cv.Status != want {
			t.Errorf("after the bulk change case %s is %v (%v); want %s", id, cv.Status, err, want)
		}
	}
	// Follow-up in bulk, and a past one refused for all.
	day := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	rec = b.post(t, "/cases/bulk", url.Values{"case": {o.samCase, got.CaseID}, "action": {"follow-up"}, "next_follow_up_at": {day}})
	if !strings.Contains(rec.Body.String(), ": 2 done") {
		t.Errorf("POST /cases/bulk follow-up %s = %d; want 2 done:\n%s", day, rec.Code, rec.Body.String())
	}
	past := time.Now().AddDate(0, 0, -2).Format(time.DateOnly)
	rec = b.post(t, "/cases/bulk", url.Values{"case": {o.samCase}, "action": {"follow-up"}, "next_follow_up_at": {past}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "The follow-up date must not be in the past") {
		t.Errorf("POST /cases/bulk with a past date = %d; want 422 with the sentence", rec.Code)
	}
	if rec := b.post(t, "/cases/bulk", url.Values{"action": {"clear-follow-up"}}); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "must be ticked for at least one case") {
		t.Errorf("POST /cases/bulk with no case = %d; want 422 asking to tick one", rec.Code)
	}
	// An applicant may not use it at all.
	a := s.browser()
	a.signIn(t, o.sam.Email)
	a.get(t, "/portal")
	if rec := a.post(t, "/cases/bulk", url.Values{"case": {o.samCase}, "action": {"clear-follow-up"}}); rec.Code != http.StatusForbidden {
		t.Errorf("POST /cases/bulk as an applicant = %d; want 403", rec.Code)
	}
}

// Saved views belong to one person, keep filters and order but never the
// search text, and are bounded in number.
func TestSavedViews(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	b := s.browser()
	b.signIn(t, o.advisor.Email)
	b.get(t, "/cases")
	rec := b.post(t, "/cases/views", url.Values{"name": {"Stalled, oldest first"},
		"back": {"status=evidence_collection&flag=stalled_evidence_collection&sort=updated_at&q=Sam+Rivera"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /cases/views = %d %s; want 303", rec.Code, rec.Body.String())
	}
	views, err := s.cw.SavedViews(context.Background(), advising.Actor{UserID: o.advisor.ID, Role: advising.RoleAdvisor})
	if err != nil || len(views) != 1 {
		t.Fatalf("SavedViews = %v, %v; want one", views, err)
	}
	body := b.get(t, "/cases").Body.String()
	if !strings.Contains(body, `href="/cases?flag=stalled_evidence_collection&amp;sort=updated_at&amp;status=evidence_collection">Stalled, oldest first</a>`) {
		t.Errorf("GET /cases does not link the saved view (without its search text):\n%s", body)
	}
	if rec := b.post(t, "/cases/views", url.Values{"name": {"stalled, OLDEST first"}, "back": {"flag=unassigned"}}); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "is already the name of one of your views") {
		t.Errorf("POST /cases/views with a name in use = %d; want 422", rec.Code)
	}
	if rec := b.post(t, "/cases/views", url.Values{"name": {"Mine"}, "back": {"flag=nonsense"}}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("POST /cases/views with an unknown flag = %d; want 422", rec.Code)
	}
	if rec := b.post(t, "/cases/views", url.Values{"name": {"Theirs"}, "back": {"advisor=unassigned"}}); rec.Code != http.StatusForbidden {
		t.Errorf("POST /cases/views as an advisor for unassigned cases = %d; want 403", rec.Code)
	}
	for i := range 19 {
		if rec := b.post(t, "/cases/views", url.Values{"name": {fmt.Sprintf("View %d", i)}, "back": {"sort=created_at"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("POST view %d = %d", i, rec.Code)
		}
	}
	if rec := b.post(t, "/cases/views", url.Values{"name": {"One too many"}, "back": {"sort=created_at"}}); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "20 saved views already") {
		t.Errorf("POST a 21st view = %d; want 422", rec.Code)
	}
	// Another advisor neither sees nor deletes it.
	other := s.browser()
	other.signIn(t, o.other.Email)
	if body := other.get(t, "/cases").Body.String(); strings.Contains(body, "Stalled, oldest first") {
		t.Errorf("another advisor sees the saved view")
	}
	if rec := other.post(t, "/cases/views/"+views[0].ID+"/delete", nil); rec.Code != http.StatusNotFound {
		t.Errorf("POST delete of someone else's view = %d; want 404", rec.Code)
	}
	if rec := b.post(t, "/cases/views/"+views[0].ID+"/delete", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("POST delete of one's own view = %d; want 303", rec.Code)
	}
}

// The CSV export holds every case the filters match, across pages, with
// formula cells neutralised; only the office may have it.
func TestCaseloadExport(t *testing.T) {
	s := newSite(t)
	s.admin(t)
	for i := range 120 {
		name := fmt.Sprintf("Applicant %d", i)
		switch i {
		case 3:
			name = "=cmd|' /C calc'!A0"
		case 4:
			name = "+Plus Tester"
		case 5:
			name = "@Sum Tester"
		}
		if _, err := s.cw.Register(context.Background(), "", casework.NewAccount{Email: fmt.Sprintf("export%d@example.org", i),
			Password: testPassword, FullName: name}); err != nil {
			t.Fatalf("Register %q: %v", name, err)
		}
	}
	b := s.browser()
	b.signIn(t, "admin@example.org")
	rec := b.get(t, "/cases/export?status=new&sort=created_at")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("GET /cases/export = %d %v; want a CSV attachment", rec.Code, rec.Header())
	}
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil {
		t.Fatalf("read the CSV: %v", err)
	}
	if len(rows) != 121 || rows[0][0] != "Applicant" {
		t.Fatalf("CSV has %d rows (header %v); want a header and 120 cases", len(rows), rows[0])
	}
	names := map[string]bool{}
	for _, r := range rows[1:] {
		names[r[0]] = true
		if strings.ContainsAny(r[0][:1], "=+-@") {
			t.Errorf("CSV cell %q starts with a formula character", r[0])
		}
	}
	for _, want := range []string{"'=cmd|' /C calc'!A0", "'+Plus Tester", "'@Sum Tester", "Applicant 119"} {
		if !names[want] {
			t.Errorf("CSV lacks the row %q", want)
		}
	}
	if rec := b.get(t, "/cases/export?flag=nonsense"); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("GET /cases/export with an unknown flag = %d; want 422", rec.Code)
	}
	ap := s.browser()
	ap.signIn(t, "export0@example.org")
	if rec := ap.get(t, "/cases/export"); rec.Code != http.StatusForbidden {
		t.Errorf("GET /cases/export as an applicant = %d; want 403", rec.Code)
	}
}

// The case page shows the case's activity from the audit trail in words,
// without personal text, to its advisor.
func TestCaseActivity(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	b := s.browser()
	b.signIn(t, o.advisor.Email)
	page := "/cases/" + o.samCase
	b.get(t, page)
	b.post(t, page+"/notes", url.Values{"body": {"secret-marker-4411"}, "visibility": {"private"}})
	body := b.get(t, page).Body.String()
	for _, want := range []string{"<strong>Dana Whitfield</strong>: Added a note", "<strong>Office Admin</strong>: Assigned the case to Dana Whitfield",
		"<strong>Office Admin</strong>: Changed the status from new to collecting evidence", "<strong>The applicant</strong>: Added a work sample"} {
		if !strings.Contains(body, want) {
			t.Errorf("case page activity lacks %q", want)
		}
	}
	if strings.Count(body, "secret-marker-4411") != 2 { // the note and its edit form, never the timeline
		t.Errorf("the note's text appears %d times on the page; want only in the note and its edit form", strings.Count(body, "secret-marker-4411"))
	}
}
