package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store/storetest"
)

// A caseload page is built once and served again while nothing it shows
// has changed; every change it shows (status, follow-up, evidence,
// reassignment, the applicant's or the advisor's name) and the clock
// passing a flag's boundary build it again at once, and one person's page
// is never served to another.
func TestCaseloadPagesBuiltOnce(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	var mu sync.Mutex
	var statements []string
	st.TraceStatements(func(sql string) {
		mu.Lock()
		defer mu.Unlock()
		statements = append(statements, sql)
	})
	ts := newTestServerOn(t, st)
	advisor := ts.staff(t, advising.RoleAdvisor)
	other := ts.staff(t, advising.RoleAdvisor)
	admin := ts.firstAdmin(t)
	t0 := ts.clock.Now()
	var ids []string
	for range 3 {
		applicant, id := ts.advisedCase(t, advisor)
		ts.samples(t, applicant.ID, id, advising.LabelTechnologyManagement)
		ids = append(ids, id)
	}
	theirs := ts.bulkCases(t, 2, other.ID)

	page := func(u testUser, query string) string {
		t.Helper()
		w := ts.do(t, u, http.MethodGet, "/api/v1/cases"+query, "")
		if w.Code != http.StatusOK {
			t.Fatalf("GET /cases%s as %s = %d %s", query, u.Role, w.Code, w.Body)
		}
		return w.Body.String()
	}
	first := page(advisor, "?limit=50")
	mu.Lock()
	statements = nil
	mu.Unlock()
	if again := page(advisor, "?limit=50"); again != first {
		t.Fatalf("the same page asked twice differs:\n%s\n%s", first, again)
	}
	// Served as built: the second time reads the change number, not the cases.
	mu.Lock()
	for _, q := range statements {
		if strings.Contains(q, "FROM cases") {
			t.Errorf("the page asked again read the cases: %s", q)
		}
	}
	if !slices.ContainsFunc(statements, func(q string) bool { return strings.Contains(q, "caseload_versions") }) {
		t.Errorf("the page asked again did not check the change number: %q", statements)
	}
	mu.Unlock()
	// Other people and other queries get their own pages.
	if p := page(other, "?limit=50"); strings.Contains(p, ids[0]) || !strings.Contains(p, theirs[0]) {
		t.Errorf("another advisor's page: %s", p)
	}
	if p := page(admin, "?limit=50"); !strings.Contains(p, ids[0]) || !strings.Contains(p, theirs[0]) {
		t.Errorf("admin's page: %s", p)
	}

	changes := []struct {
		what   string
		change func()
		shows  string
	}{
		{"status", func() { ts.moveTo(t, advisor, ids[0], advising.StatusEvidenceCollection) }, `"status":"evidence_collection"`},
		{"follow-up", func() {
			ts.patchCase(t, advisor, ids[1], `{"next_follow_up_at":"`+t0.Add(time.Hour).Format(time.RFC3339)+`"}`, http.StatusOK)
		}, t0.Add(time.Hour).Format("2006-01-02T15:04:05")},
		{"evidence", func() {
			var c caseBody
			ts.mustDo(t, admin, http.MethodGet, "/api/v1/cases/"+ids[2], "", http.StatusOK, &c)
			ts.samples(t, c.Applicant.ID, ids[2], advising.LabelTechnologyManagement)
		}, `"work_samples":2`},
		{"applicant's name", func() {
			var c caseBody
			ts.mustDo(t, admin, http.MethodGet, "/api/v1/cases/"+ids[2], "", http.StatusOK, &c)
			ts.mustDo(t, admin, http.MethodPatch, "/api/v1/users/"+c.Applicant.ID, `{"full_name":"Ida Renamed"}`, http.StatusOK, nil)
		}, "Ida Renamed"},
		{"advisor's name", func() {
			ts.mustDo(t, admin, http.MethodPatch, "/api/v1/users/"+advisor.ID, `{"full_name":"Advisor Renamed"}`, http.StatusOK, nil)
		}, "Advisor Renamed"},
		{"reassignment", func() { ts.assign(t, theirs[0], advisor.ID) }, theirs[0]},
	}
	for _, c := range changes {
		before := page(advisor, "?limit=50")
		if strings.Contains(before, c.shows) {
			t.Fatalf("%s: the page shows %q before the change", c.what, c.shows)
		}
		c.change()
		if after := page(advisor, "?limit=50"); !strings.Contains(after, c.shows) {
			t.Errorf("%s: the page after the change does not show %q:\n%s", c.what, c.shows, after)
		}
	}

	// The clock: the follow-up set above falls due; the page built before
	// says so from the next microsecond on.
	if p := page(advisor, "?limit=50"); strings.Contains(p, string(advising.FlagFollowUpOverdue)) {
		t.Fatalf("overdue before the follow-up: %s", p)
	}
	ts.clock.Set(t0.Add(time.Hour))
	advisor = ts.login(t, advisor.Email, testPassword)
	if p := page(advisor, "?limit=50"); strings.Contains(p, string(advising.FlagFollowUpOverdue)) {
		t.Fatalf("overdue at the follow-up instant itself: %s", p)
	}
	ts.clock.Set(t0.Add(time.Hour + time.Microsecond))
	if p := page(advisor, "?limit=50"); !strings.Contains(p, string(advising.FlagFollowUpOverdue)) {
		t.Errorf("not overdue after the follow-up: %s", p)
	}
}
