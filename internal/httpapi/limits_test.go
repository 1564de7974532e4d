package httpapi_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"advising/internal/advising"
)

// ?cursor= is at most 1024 characters, as docs/openapi.yaml states: a real
// cursor padded (with JSON whitespace, so it still decodes) to the limit is
// followed, one character longer is a 422 naming cursor.
func TestCursorLengthLimit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	ts.staff(t, advising.RoleAdvisor)
	ts.staff(t, advising.RoleAdvisor)
	var page struct {
		NextCursor *string `json:"next_cursor"`
	}
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/users?limit=1", "", http.StatusOK, &page)
	if page.NextCursor == nil {
		t.Fatal("GET /api/v1/users?limit=1 with three users has no next_cursor")
	}
	raw, err := base64.RawURLEncoding.DecodeString(*page.NextCursor)
	if err != nil {
		t.Fatalf("decode cursor %q: %v", *page.NextCursor, err)
	}
	padded := func(n int) string { // the cursor's JSON plus spaces, encoded to exactly n characters
		c := base64.RawURLEncoding.EncodeToString(append(raw, []byte(strings.Repeat(" ", n))...))
		for i := n; len(c) > n; i-- {
			c = base64.RawURLEncoding.EncodeToString(append(raw, []byte(strings.Repeat(" ", i))...))
		}
		return c
	}
	atLimit, over := padded(1024), padded(1030)
	if len(atLimit) > 1024 || len(atLimit) < 1020 || len(over) <= 1024 {
		t.Fatalf("padded cursors are %d and %d characters", len(atLimit), len(over))
	}
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/users?limit=1&cursor="+url.QueryEscape(atLimit), "", http.StatusOK, nil)
	p := checkProblem(t, "GET /api/v1/users with a real cursor padded past 1024 characters",
		ts.do(t, admin, http.MethodGet, "/api/v1/users?limit=1&cursor="+url.QueryEscape(over), ""), http.StatusUnprocessableEntity)
	if len(p.Errors) != 1 || p.Errors[0].Field != "cursor" {
		t.Errorf("GET /api/v1/users with a %d-character cursor: errors = %+v; want one for cursor", len(over), p.Errors)
	}
	for _, path := range []string{"/api/v1/users", "/api/v1/cases", "/api/v1/audit"} {
		p := checkProblem(t, "GET "+path+" with a 1025-character cursor",
			ts.do(t, admin, http.MethodGet, path+"?cursor="+url.QueryEscape(strings.Repeat("A", 1025)), ""), http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != "cursor" {
			t.Errorf("GET %s with a 1025-character cursor: errors = %+v; want one for cursor", path, p.Errors)
		}
	}
}

// If-Match is at most 1024 characters, as docs/openapi.yaml states: the
// case's own ETag in a list within the limit matches; the same list padded
// past it never does (412, nothing changed).
func TestIfMatchLengthLimit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	_, caseID := ts.advisedCase(t, advisor)
	path := "/api/v1/cases/" + caseID
	etag := ts.do(t, advisor, http.MethodGet, path, "").Header().Get("ETag")
	list := func(n int) string { // other tags, then the case's, n characters in all
		other := `"` + strings.Repeat("x", n-len(etag)-4) + `"`
		return other + ", " + etag
	}
	within, over := list(1024), list(1025)
	if len(within) != 1024 || len(over) != 1025 {
		t.Fatalf("If-Match lists are %d and %d characters", len(within), len(over))
	}
	checkProblem(t, "PATCH case with a 1025-character If-Match holding its ETag",
		ts.do(t, advisor, http.MethodPatch, path, `{"status":"evidence_collection"}`, "If-Match", over), http.StatusPreconditionFailed)
	rec := ts.do(t, advisor, http.MethodPatch, path, `{"status":"evidence_collection"}`, "If-Match", within)
	if rec.Code != http.StatusOK {
		t.Errorf("PATCH case with a 1024-character If-Match holding its ETag = %d %s; want 200", rec.Code, rec.Body.String())
	}
}
