package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// Storage faults are the server's, not the client's: with the database
// read-only or full, every kind of write answers 503 with Retry-After and
// an unavailable problem, /readyz is 503, reads still work, and once the
// fault is gone writes work again on the same server.
func TestStorageFaultsAre503(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, fault := range []struct{ name, off string }{
		{"read-only", "PRAGMA query_only = 0"},
		{"full", "PRAGMA max_page_count = 1073741823"},
	} {
		t.Run(fault.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t)
			advisor := ts.staff(t, "advisor")
			applicant, caseID := ts.advisedCase(t, advisor)
			admin := ts.firstAdmin(t)
			on := "PRAGMA query_only = 1"
			if fault.name == "full" {
				n, err := ts.st.PageCount(ctx)
				if err != nil {
					t.Fatal(err)
				}
				on = fmt.Sprintf("PRAGMA max_page_count = %d", n)
			}
			if err := ts.st.SetWriterPragma(ctx, on); err != nil {
				t.Fatal(err)
			}
			big := strings.Repeat("word ", 1500) // a write that needs new pages
			type write struct {
				as           testUser
				method, path string
				body         string
			}
			writes := []write{ // each needs new pages, which a full database has not got
				{advisor, http.MethodPost, "/api/v1/cases/" + caseID + "/notes", `{"body":"` + big + `","visibility":"private"}`},
				{applicant, http.MethodPost, "/api/v1/applicants/" + applicant.ID + "/work-samples", `{"title":"Roadmap","description":"I led the roadmap. ` + big + `"}`},
			}
			if fault.name == "read-only" { // small writes too: nothing can be written
				writes = append(writes,
					write{testUser{}, http.MethodPost, "/api/v1/auth/register", `{"email":"new@example.org","password":"a long passphrase","full_name":"New Applicant"}`},
					write{admin, http.MethodPost, "/api/v1/users", `{"email":"adv@example.org","password":"a long passphrase","full_name":"New Advisor","role":"advisor"}`},
					write{advisor, http.MethodPatch, "/api/v1/cases/" + caseID, `{"next_follow_up_at":"2026-12-01T09:00:00Z"}`})
			}
			for _, w := range writes {
				rec := ts.do(t, w.as, w.method, w.path, w.body)
				p := checkProblem(t, w.method+" "+w.path+" on a "+fault.name+" database", rec, http.StatusServiceUnavailable)
				if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s <= 0 {
					t.Errorf("%s %s on a %s database: Retry-After %q; want seconds", w.method, w.path, fault.name, rec.Header().Get("Retry-After"))
				}
				if !strings.HasSuffix(p.Type, "/unavailable") || strings.Contains(p.Detail, "sqlite") || strings.Contains(p.Detail, "SQL") {
					t.Errorf("%s %s on a %s database: problem %+v; want type unavailable without internals", w.method, w.path, fault.name, p)
				}
			}
			rec := ts.do(t, testUser{}, http.MethodGet, "/readyz", "")
			checkProblem(t, "GET /readyz on a "+fault.name+" database", rec, http.StatusServiceUnavailable)
			if rec.Header().Get("Retry-After") == "" {
				t.Errorf("GET /readyz on a %s database has no Retry-After", fault.name)
			}
			if rec := ts.do(t, advisor, http.MethodGet, "/api/v1/cases/"+caseID+"/notes", ""); rec.Code != http.StatusOK {
				t.Errorf("GET notes on a %s database = %d; want reads to work", fault.name, rec.Code)
			}

			if err := ts.st.SetWriterPragma(ctx, fault.off); err != nil {
				t.Fatal(err)
			}
			for _, w := range writes {
				if rec := ts.do(t, w.as, w.method, w.path, w.body); rec.Code >= 300 {
					t.Errorf("%s %s once writable = %d %s; want success", w.method, w.path, rec.Code, rec.Body.String())
				}
			}
			if rec := ts.do(t, testUser{}, http.MethodGet, "/readyz", ""); rec.Code != http.StatusOK {
				t.Errorf("GET /readyz once writable = %d %s; want 200", rec.Code, rec.Body.String())
			}
		})
	}
}

// The documented 503 (headers, body) is what a write and /readyz send.
func TestStorageFaultContract(t *testing.T) {
	t.Parallel()
	c := newContract(t)
	admin := c.ts.firstAdmin(t)
	if err := c.ts.st.SetWriterPragma(context.Background(), "PRAGMA query_only = 1"); err != nil {
		t.Fatal(err)
	}
	c.json(admin, http.MethodPost, "/api/v1/users", `{"email":"x@example.org","password":"a long passphrase","full_name":"X","role":"advisor"}`, http.StatusServiceUnavailable)
	c.json(testUser{}, http.MethodGet, "/readyz", "", http.StatusServiceUnavailable)
}
