package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"advising/internal/store/storetest"
)

// When the database cannot be written, a form post answers an honest 503
// page with Retry-After, saying nothing was saved; once it can, the same
// post works.
func TestPagesWhenStorageFails(t *testing.T) {
	s := newSiteOn(t, storetest.NewSQLite(t), 0) // the faults are made with SQLite's PRAGMAs
	a := s.applicant(t)
	b := s.browser()
	b.signIn(t, a.Email)
	b.get(t, "/portal/profile")
	form := url.Values{"years_experience": {"7"}, "sector": {"finance"}, "programme_interest": {"technology_management"}}
	ctx := context.Background()
	for _, fault := range []struct{ name, on, off string }{
		{"read-only database", "PRAGMA query_only = 1", "PRAGMA query_only = 0"},
		{"full database", "", "PRAGMA max_page_count = 1073741823"},
	} {
		t.Run(fault.name, func(t *testing.T) {
			on := fault.on
			if on == "" {
				n, err := s.st.PageCount(ctx)
				if err != nil {
					t.Fatal(err)
				}
				on = fmt.Sprintf("PRAGMA max_page_count = %d", n)
				// A profile rewrites pages it already has; a long list of
				// responsibilities needs new ones.
				form.Set("responsibilities", strings.Repeat(strings.Repeat("r", 400)+"\n", 20))
			}
			if err := s.st.SetWriterPragma(ctx, on); err != nil {
				t.Fatal(err)
			}
			rec := b.post(t, "/portal/profile", form)
			body := rec.Body.String()
			if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" ||
				!strings.Contains(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(body, "nothing was changed") {
				t.Errorf("POST /portal/profile with a %s = %d, Retry-After %q, %s; want a 503 page with Retry-After saying nothing was changed",
					fault.name, rec.Code, rec.Header().Get("Retry-After"), body)
			}
			if err := s.st.SetWriterPragma(ctx, fault.off); err != nil {
				t.Fatal(err)
			}
			if rec := b.post(t, "/portal/profile", form); rec.Code != http.StatusSeeOther {
				t.Errorf("POST /portal/profile once the database is writable = %d; want 303", rec.Code)
			}
		})
	}
}
