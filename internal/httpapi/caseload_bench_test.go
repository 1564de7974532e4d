package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
)

// benchOffice is an advisor with a 2,000-case caseload among 4,000 cases,
// with profiles, evidence counters and follow-ups of every kind.
func benchOffice(b *testing.B) (*testServer, testUser) {
	b.Helper()
	ts := newTestServer(b)
	advisor := ts.staff(b, advising.RoleAdvisor)
	other := ts.staff(b, advising.RoleAdvisor)
	ctx := b.Context()
	statuses := advising.Statuses
	for i := range 4000 {
		owner := advisor.ID
		if i%2 == 1 {
			owner = other.ID
		}
		ts.clock.Advance(time.Second)
		id := ts.bulkCases(b, 1, owner)[0]
		now := ts.clock.Now()
		var ch store.CaseChanges
		if st := statuses[i%len(statuses)]; st != advising.StatusNew {
			ch.Status = &st
		}
		if i%3 == 0 {
			ch.SetFollowUp, ch.NextFollowUpAt = true, ptr(now.Add(time.Duration(i%11-5)*24*time.Hour))
		}
		if err := ts.st.UpdateCase(ctx, id, ch, now); err != nil {
			b.Fatal(err)
		}
	}
	return ts, advisor
}

func benchGet(b *testing.B, ts *testServer, u testUser, path string) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rec := ts.do(b, u, http.MethodGet, path, ""); rec.Code != http.StatusOK {
			b.Fatalf("GET %s = %d %s", path, rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkCaseList: one 50-case page of a 2,000-case caseload, through the
// router (JWT, role guard, query, flags, JSON).
func BenchmarkCaseList(b *testing.B) {
	ts, advisor := benchOffice(b)
	for _, q := range []string{"", "sort=next_follow_up_at", "flag=follow_up_overdue", "status=new,under_review", "q=bulk%20applicant%2012"} {
		b.Run(fmt.Sprintf("q=%s", q), func(b *testing.B) { benchGet(b, ts, advisor, "/api/v1/cases?limit=50&"+q) })
	}
}

// BenchmarkDashboard: an advisor's dashboard over 2,000 cases, and admin's over 4,000.
func BenchmarkDashboard(b *testing.B) {
	ts, advisor := benchOffice(b)
	b.Run("advisor", func(b *testing.B) { benchGet(b, ts, advisor, "/api/v1/dashboard") })
	b.Run("admin", func(b *testing.B) { benchGet(b, ts, ts.firstAdmin(b), "/api/v1/dashboard") })
}

// BenchmarkMe: GET /api/v1/me, the fixed cost every authenticated request
// pays (token, session and user lookup) plus one row.
func BenchmarkMe(b *testing.B) {
	ts := newTestServer(b)
	benchGet(b, ts, ts.applicant(b), "/api/v1/me")
}

// BenchmarkNoteCreate: POST /api/v1/cases/{id}/notes by the case's advisor,
// through the router (JWT, session, the caseload rule, the audit event).
func BenchmarkNoteCreate(b *testing.B) {
	ts := newTestServer(b)
	advisor := ts.staff(b, advising.RoleAdvisor)
	_, id := ts.advisedCase(b, advisor)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rec := ts.do(b, advisor, http.MethodPost, "/api/v1/cases/"+id+"/notes", `{"body":"Called about the portfolio.","visibility":"private"}`); rec.Code != http.StatusCreated {
			b.Fatalf("POST note = %d %s", rec.Code, rec.Body.String())
		}
	}
}
