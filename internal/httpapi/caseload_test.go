package httpapi_test

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"advising/internal/advising"
)

// listAll pages through GET /cases?query with the given page size and
// returns every item in order.
func (ts *testServer) listAll(t testing.TB, u testUser, query string, limit int) []caseSummary {
	t.Helper()
	var all []caseSummary
	cursor := ""
	for page := 0; ; page++ {
		if page > 1000 {
			t.Fatalf("GET /cases?%s: more than 1000 pages", query)
		}
		path := fmt.Sprintf("/api/v1/cases?%s&limit=%d", query, limit)
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var out caseList
		ts.mustDo(t, u, http.MethodGet, path, "", http.StatusOK, &out)
		if len(out.Items) > limit {
			t.Fatalf("GET %s returned %d items; want at most %d", path, len(out.Items), limit)
		}
		all = append(all, out.Items...)
		if out.NextCursor == nil {
			return all
		}
		cursor = *out.NextCursor
	}
}

func ids(cs []caseSummary) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// caseOrders are the contract's sort orders, as comparison functions over
// the summaries a client sees.
var caseOrders = map[string]func(a, b caseSummary) int{
	"-updated_at": func(a, b caseSummary) int { return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), cmp.Compare(b.ID, a.ID)) },
	"updated_at":  func(a, b caseSummary) int { return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), cmp.Compare(a.ID, b.ID)) },
	"created_at":  func(a, b caseSummary) int { return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID)) },
	"next_follow_up_at": func(a, b caseSummary) int {
		switch {
		case a.NextFollowUpAt == nil && b.NextFollowUpAt == nil:
			return cmp.Compare(a.ID, b.ID)
		case a.NextFollowUpAt == nil:
			return 1
		case b.NextFollowUpAt == nil:
			return -1
		}
		return cmp.Or(a.NextFollowUpAt.Compare(*b.NextFollowUpAt), cmp.Compare(a.ID, b.ID))
	},
}

// Paging through 7 cases two at a time returns every case exactly once, in
// each order, ties and missing follow-up dates included.
func TestCaseListPagination(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	ts.bulkCases(t, 3, "") // other cases stay out of the advisor's list
	cases := ts.bulkCases(t, 3, advisor.ID)
	ts.clock.Advance(time.Hour)
	cases = append(cases, ts.bulkCases(t, 4, advisor.ID)...) // created_at ties within each batch
	followUps := []string{`"2026-12-03T09:00:00Z"`, "", `"2026-12-01T09:00:00Z"`, `"2026-12-03T09:00:00Z"`, "", `"2026-11-30T09:00:00Z"`, ""}
	for i, id := range cases {
		if i%3 == 0 {
			ts.clock.Advance(time.Minute) // updated_at ties too
		}
		if followUps[i] != "" {
			ts.patchCase(t, advisor, id, `{"next_follow_up_at":`+followUps[i]+`}`, http.StatusOK)
		}
	}
	for sort, order := range caseOrders {
		t.Run(sort, func(t *testing.T) {
			want := ts.listAll(t, advisor, "sort="+url.QueryEscape(sort), 100)
			if len(want) != len(cases) {
				t.Fatalf("GET /cases?sort=%s returned %d cases; want %d", sort, len(want), len(cases))
			}
			if !slices.IsSortedFunc(want, order) {
				t.Errorf("GET /cases?sort=%s order = %v; not sorted", sort, ids(want))
			}
			got := ts.listAll(t, advisor, "sort="+url.QueryEscape(sort), 2)
			if !slices.Equal(ids(got), ids(want)) {
				t.Errorf("paging /cases?sort=%s by 2 = %v; want %v", sort, ids(got), ids(want))
			}
		})
	}
	var out caseList
	ts.mustDo(t, advisor, http.MethodGet, "/api/v1/cases?limit=2&sort=created_at", "", http.StatusOK, &out)
	for _, q := range []string{"sort=updated_at&cursor=" + url.QueryEscape(*out.NextCursor), "cursor=garbage", "limit=0", "limit=101", "limit=x"} {
		checkProblem(t, "GET /cases?"+q, ts.do(t, advisor, http.MethodGet, "/api/v1/cases?"+q, ""), http.StatusUnprocessableEntity)
	}
}

// While notes are added and cases change, paging through the caseload in
// any order never returns a case twice.
func TestCaseListNoRepeatsUnderWrites(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	cases := ts.bulkCases(t, 24, advisor.ID)
	var stop atomic.Bool
	var wg sync.WaitGroup
	fail := make(chan string, 16)
	wg.Add(2)
	go func() { // one case writer, so every change gets a later time
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			ts.clock.Advance(time.Second)
			id := cases[(i*7)%len(cases)]
			body := fmt.Sprintf(`{"next_follow_up_at":"%s"}`, ts.clock.Now().Add(time.Duration(i%5-2)*time.Hour).Format(time.RFC3339))
			if i%4 == 0 {
				body = `{"next_follow_up_at":null}`
			}
			if rec := ts.do(t, advisor, http.MethodPatch, "/api/v1/cases/"+id, body); rec.Code != http.StatusOK {
				fail <- fmt.Sprintf("PATCH %s = %d %s", body, rec.Code, rec.Body.String())
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			id := cases[(i*5)%len(cases)]
			if rec := ts.do(t, advisor, http.MethodPost, "/api/v1/cases/"+id+"/notes", `{"body":"call booked"}`); rec.Code != http.StatusCreated {
				fail <- fmt.Sprintf("POST note = %d %s", rec.Code, rec.Body.String())
				return
			}
		}
	}()
	for round := 0; round < 3; round++ {
		for sort := range caseOrders {
			got := ts.listAll(t, advisor, "sort="+url.QueryEscape(sort), 3)
			seen := map[string]bool{}
			for _, c := range got {
				if seen[c.ID] {
					t.Errorf("paging /cases?sort=%s during writes returned %s twice", sort, c.ID)
				}
				seen[c.ID] = true
			}
		}
	}
	stop.Store(true)
	wg.Wait()
	close(fail)
	for f := range fail {
		t.Error(f)
	}
}

// The caseload filters: status list, q (literal, case-insensitive, name or
// email), advisor_id and unassigned for admin; bad values are 422.
func TestCaseListFilters(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor, other := ts.staff(t, advising.RoleAdvisor), ts.staff(t, advising.RoleAdvisor)
	ctx := t.Context()
	mk := func(name, email, advisorID string) string {
		now := ts.clock.Now()
		u, err := ts.st.CreateUser(ctx, advising.User{Email: email, FullName: name, Role: advising.RoleApplicant, PasswordHash: "-", CreatedAt: now, UpdatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		id, err := ts.st.OpenCase(ctx, u.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if advisorID != "" {
			ts.assign(t, id, advisorID)
		}
		return id
	}
	pct := mk("Ada 100% Lovelace", "ada@example.org", advisor.ID)
	under := mk("Grace_Hopper", "grace@navy.example", advisor.ID)
	plain := mk("ADA Byron", "byron@example.org", advisor.ID)
	otherCase := mk("Alan Turing", "alan_t@example.org", other.ID)
	loose := mk("Katherine Johnson", "kj@nasa.example", "")
	ts.moveTo(t, advisor, under, advising.StatusUnderReview)
	ts.moveTo(t, advisor, plain, advising.StatusClosed)

	tests := []struct {
		who   testUser
		query string
		want  []string
	}{
		{advisor, "", []string{pct, under, plain}},
		{advisor, "status=new", []string{pct}},
		{advisor, "status=under_review,closed", []string{under, plain}},
		{advisor, "q=ada", []string{pct, plain}},
		{advisor, "q=" + url.QueryEscape("100%"), []string{pct}},
		{advisor, "q=" + url.QueryEscape("%"), []string{pct}},
		{advisor, "q=" + url.QueryEscape("_"), []string{under}},
		{advisor, "q=NAVY", []string{under}},
		{advisor, "q=" + url.QueryEscape("0%l"), nil},
		{admin, "q=" + url.QueryEscape("_"), []string{under, otherCase}},
		{admin, "", []string{pct, under, plain, otherCase, loose}},
		{admin, "advisor_id=" + other.ID, []string{otherCase}},
		{admin, "advisor_id=nobody", nil},
		{admin, "unassigned=true", []string{loose}},
		{admin, "unassigned=false&status=new", []string{pct, otherCase, loose}},
		{admin, "flag=unassigned", []string{loose}},
		{other, "", []string{otherCase}},
	}
	for _, tt := range tests {
		got := ids(ts.listAll(t, tt.who, tt.query+"&sort=created_at", 100))
		slices.Sort(got)
		want := slices.Clone(tt.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("GET /cases?%s as %s = %v; want %v", tt.query, tt.who.Name, got, want)
		}
	}
	for _, q := range []string{"status=new,archived", "status=", "flag=busy", "sort=name", "unassigned=yes",
		"advisor_id=" + advisor.ID + "&unassigned=true", "q=" + url.QueryEscape(string(make([]byte, 201)))} {
		rec := ts.do(t, admin, http.MethodGet, "/api/v1/cases?"+q, "")
		if q == "status=" {
			if rec.Code != http.StatusOK {
				t.Errorf("GET /cases?status= = %d; want 200 (no filter)", rec.Code)
			}
			continue
		}
		checkProblem(t, "GET /cases?"+q, rec, http.StatusUnprocessableEntity)
	}
}

// A caseload page costs the same few statements whatever its size, never one
// per case: the caller's account, the paging pin, the page (two queries when
// a follow-up-ordered page crosses into cases without a date) and one for the
// advisors' names.
func TestCaseListStatementCount(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	ts.bulkCases(t, 101, advisor.ID)
	var n atomic.Int64
	ts.st.TraceStatements(func(string) { n.Add(1) })
	count := func(query string) int64 {
		n.Store(0)
		var out caseList
		ts.mustDo(t, advisor, http.MethodGet, "/api/v1/cases?"+query, "", http.StatusOK, &out)
		return n.Load()
	}
	for _, sort := range []string{"-updated_at", "updated_at", "created_at", "next_follow_up_at"} {
		one, hundred := count("limit=1&sort="+sort), count("limit=100&sort="+sort)
		if one != hundred || hundred > 5 {
			t.Errorf("GET /cases?sort=%s ran %d statements for 1 case and %d for 100; want the same, at most 5", sort, one, hundred)
		}
	}
	if got := count("limit=100&flag=insufficient_evidence&q=bulk&status=new"); got > 4 {
		t.Errorf("filtered GET /cases ran %d statements; want at most 4", got)
	}
}
