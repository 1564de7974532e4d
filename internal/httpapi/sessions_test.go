package httpapi_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"advising/internal/advising"
)

// tokenSession returns the sid claim of a token the server issued.
func tokenSession(t testing.TB, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWT", token)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct {
		SID string `json:"sid"`
	}
	if err != nil || json.Unmarshal(payload, &c) != nil || c.SID == "" {
		t.Fatalf("token payload %s has no sid (%v)", payload, err)
	}
	return c.SID
}

// Logout ends the token it is called with, and only that one.
func TestLogout(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	a := ts.applicant(t)
	laptop := ts.login(t, a.Email, testPassword)
	phone := ts.login(t, a.Email, testPassword)
	other := ts.applicant(t)

	checkProblem(t, "logout without a token", ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/logout", ""), http.StatusUnauthorized)
	// The clock does not move: the revocation holds within the same second.
	ts.mustDo(t, laptop, http.MethodPost, "/api/v1/auth/logout", "", http.StatusNoContent, nil)
	checkProblem(t, "GET /me with the signed-out token", ts.do(t, laptop, http.MethodGet, "/api/v1/me", ""), http.StatusUnauthorized)
	checkProblem(t, "logout again with the signed-out token", ts.do(t, laptop, http.MethodPost, "/api/v1/auth/logout", ""), http.StatusUnauthorized)
	for _, u := range []testUser{a, phone, other} {
		ts.mustDo(t, u, http.MethodGet, "/api/v1/me", "", http.StatusOK, nil)
	}
	// Staff sign out the same way.
	advisor := ts.staff(t, advising.RoleAdvisor)
	ts.mustDo(t, advisor, http.MethodPost, "/api/v1/auth/logout", "", http.StatusNoContent, nil)
	checkProblem(t, "advisor's cases after logout", ts.do(t, advisor, http.MethodGet, "/api/v1/cases", ""), http.StatusUnauthorized)
}

// Disabling a user ends every session for good: re-enabling them does not
// bring the old tokens back, only new sign-ins work.
func TestDisableEndsSessionsForGood(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	second := ts.login(t, advisor.Email, testPassword)
	path := "/api/v1/users/" + advisor.ID

	ts.mustDo(t, admin, http.MethodPatch, path, `{"disabled":true}`, http.StatusOK, nil)
	for _, u := range []testUser{advisor, second} {
		checkProblem(t, "GET /me as a disabled user", ts.do(t, u, http.MethodGet, "/api/v1/me", ""), http.StatusUnauthorized)
	}
	ts.mustDo(t, admin, http.MethodPatch, path, `{"disabled":false}`, http.StatusOK, nil)
	for _, u := range []testUser{advisor, second} {
		checkProblem(t, "GET /me with a token from before the disable, after re-enabling", ts.do(t, u, http.MethodGet, "/api/v1/me", ""), http.StatusUnauthorized)
	}
	fresh := ts.login(t, advisor.Email, testPassword)
	ts.mustDo(t, fresh, http.MethodGet, "/api/v1/me", "", http.StatusOK, nil)
	// Renaming is not disabling: sessions go on.
	ts.mustDo(t, admin, http.MethodPatch, path, `{"full_name":"Renamed Advisor"}`, http.StatusOK, nil)
	ts.mustDo(t, fresh, http.MethodGet, "/api/v1/me", "", http.StatusOK, nil)
}

// A password change ends every earlier session of the user, other devices'
// included; other users' sessions go on.
func TestPasswordChangeEndsEarlierSessions(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	a := ts.applicant(t)
	elsewhere := ts.login(t, a.Email, testPassword)
	other := ts.applicant(t)
	ts.mustDo(t, a, http.MethodPost, "/api/v1/me/password",
		`{"current_password":"`+testPassword+`","new_password":"a brand new password"}`, http.StatusNoContent, nil)
	checkProblem(t, "GET /me from another device after the password change", ts.do(t, elsewhere, http.MethodGet, "/api/v1/me", ""), http.StatusUnauthorized)
	ts.mustDo(t, other, http.MethodGet, "/api/v1/me", "", http.StatusOK, nil)
}
