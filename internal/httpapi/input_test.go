package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// A query string that does not parse is a 400, never a request answered as
// if its filters were absent.
func TestQueryStringMustParse(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	ts.applicant(t) // one case, status new
	many := strings.Repeat("a=1&", 10_001) + "status=closed"
	for _, q := range []string{"status=closed;x=1", "status=closed&q=%zz", many} {
		checkProblem(t, "GET /cases?"+q[:min(len(q), 40)], ts.do(t, admin, http.MethodGet, "/api/v1/cases?"+q, ""), http.StatusBadRequest)
	}
	// Anonymous callers get the same answer on open endpoints.
	checkProblem(t, "GET /healthz?a;b", ts.do(t, testUser{}, http.MethodGet, "/healthz?a;b", ""), http.StatusBadRequest)
	// Percent-encoded, the same characters are ordinary.
	var out caseList
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/cases?q=%3B", "", http.StatusOK, &out)
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/cases?status=closed", "", http.StatusOK, &out)
	if len(out.Items) != 0 {
		t.Errorf("GET /cases?status=closed = %d cases; want 0", len(out.Items))
	}
}

// The client's X-Request-Id is kept only when short and plain; anything
// else is replaced by a fresh ID, which is what the response echoes.
func TestRequestID(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, tt := range []struct {
		name, id string
		kept     bool
	}{
		{"plain", "req-42.a_b:c", true},
		{"64 characters", strings.Repeat("a", 64), true},
		{"65 characters", strings.Repeat("a", 65), false},
		{"a megabyte", strings.Repeat("x", 1<<20), false},
		{"spaces", "two words", false},
		{"control character", "id\x01x", false},
		{"non-ASCII", "idé", false},
		{"log injection", `x","level":"ERROR`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := ts.request(t, "", http.MethodGet, "/healthz", "", nil, "X-Request-Id", tt.id)
			got := rec.Header().Get("X-Request-Id")
			if tt.kept && got != tt.id {
				t.Errorf("X-Request-Id %q came back as %q; want it kept", tt.id[:min(len(tt.id), 20)], got)
			}
			if !tt.kept && (got == tt.id || len(got) != 32) {
				t.Errorf("X-Request-Id %q came back as %q; want a fresh 32-character ID", tt.id[:min(len(tt.id), 20)], got[:min(len(got), 40)])
			}
		})
	}
	if got := ts.request(t, "", http.MethodGet, "/healthz", "", nil).Header().Get("X-Request-Id"); len(got) != 32 {
		t.Errorf("no X-Request-Id: response has %q; want a fresh ID", got)
	}
}
