package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// A body over a limit is one problem type, whichever limit it broke and
// whichever layer noticed: a JSON body over 1 MiB (read by the handler), a
// JSON body over the server's whole-request cap (refused by Content-Length
// before any handler), and an upload over its limit, each with and without
// a Content-Length.
func TestTooLargeIsOneProblemType(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.applicant(t)
	admin := ts.firstAdmin(t)
	profile := "/api/v1/applicants/" + owner.ID + "/profile"
	samples := "/api/v1/applicants/" + owner.ID + "/work-samples"
	jsonOver := func(n int) func() (io.Reader, string) {
		return func() (io.Reader, string) {
			return strings.NewReader(`{"sector":"` + strings.Repeat("x", n) + `"}`), "application/json"
		}
	}
	upload := func(n int) func() (io.Reader, string) {
		return func() (io.Reader, string) {
			return multipartBody(t, part{name: "title", content: []byte("Big")},
				part{name: "file", filename: "big.txt", contentType: "text/plain", content: bytes.Repeat([]byte("a"), n)})
		}
	}
	tests := []struct {
		name         string
		as           testUser
		method, path string
		body         func() (io.Reader, string)
	}{
		{"JSON just over 1 MiB", owner, http.MethodPut, profile, jsonOver(1 << 20)},
		{"JSON over the whole-request cap", owner, http.MethodPut, profile, jsonOver(17 << 20)},
		{"JSON over 1 MiB to an admin endpoint", admin, http.MethodPost, "/api/v1/users", jsonOver(1 << 20)},
		{"JSON over 1 MiB before any login", testUser{}, http.MethodPost, "/api/v1/auth/login", jsonOver(1 << 20)},
		{"upload just over the limit", owner, http.MethodPost, samples, upload(10<<20 + 1)},
		{"upload over the whole-request cap", owner, http.MethodPost, samples, upload(17 << 20)},
		{"JSON work sample over 1 MiB", owner, http.MethodPost, samples, jsonOver(1 << 20)},
	}
	for _, tt := range tests {
		for _, chunk := range []bool{false, true} {
			body, ct := tt.body()
			what := tt.method + " " + tt.name
			if chunk {
				body, what = chunked{body}, what+" without Content-Length"
			}
			p := checkProblem(t, what, ts.request(t, tt.as.Token, tt.method, tt.path, ct, body), http.StatusRequestEntityTooLarge)
			if p.Type != "https://advising.example/problems/too-large" {
				t.Errorf("%s: type = %q; want https://advising.example/problems/too-large", what, p.Type)
			}
			if p.Detail == "" {
				t.Errorf("%s: the problem has no detail", what)
			}
		}
	}
}
