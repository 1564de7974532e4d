package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// from sends a JSON request from the given client address, with extra
// headers as name, value pairs.
func (ts *testServer) from(t testing.TB, addr, method, path, body string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = addr
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	ts.h.ServeHTTP(rec, req)
	return rec
}

// checkRetryAfter fails unless rec carries a Retry-After of 1 to max seconds.
func checkRetryAfter(t testing.TB, what string, rec *httptest.ResponseRecorder, max int) {
	t.Helper()
	n, err := strconv.Atoi(rec.Header().Get("Retry-After"))
	if err != nil || n < 1 || n > max {
		t.Errorf("%s: Retry-After = %q; want 1 to %d seconds", what, rec.Header().Get("Retry-After"), max)
	}
}

// An email over 254 characters is refused before any lookup or password
// work, and never enters the lockout memory: however often it is sent, the
// answer stays 401 (422 at register), never the lockout's 429.
func TestOverlongEmail(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	long := strings.Repeat("a", 243) + "@example.org" // 255 characters
	huge := strings.Repeat("b", 1_000_000) + "@example.org"
	p := checkProblem(t, "register with a 255-character email", ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/register",
		fmt.Sprintf(`{"email":%q,"password":%q,"full_name":"Long Email"}`, long, testPassword)), http.StatusUnprocessableEntity)
	if len(p.Errors) != 1 || p.Errors[0].Field != "email" {
		t.Errorf("register with a 255-character email: errors = %+v; want one for email", p.Errors)
	}
	// 254: the longest allowed, its local part at RFC 5321's 64 and its
	// labels at 63.
	ok := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".org"
	ts.mustDo(t, testUser{}, http.MethodPost, "/api/v1/auth/register",
		fmt.Sprintf(`{"email":%q,"password":%q,"full_name":"Longest Email"}`, ok, testPassword), http.StatusCreated, nil)
	for i := 0; i < 15; i++ {
		for _, email := range []string{long, huge} {
			checkProblem(t, fmt.Sprintf("login %d with a %d-character email", i+1, len(email)), ts.do(t, testUser{}, http.MethodPost,
				"/api/v1/auth/login", fmt.Sprintf(`{"email":%q,"password":"wrong password!"}`, email)), http.StatusUnauthorized)
		}
	}
	ts.login(t, ok, testPassword)
}

// Register and login are limited per client address; past the limit the
// answer is 429 with Retry-After, other addresses go on, and the bucket
// refills with time.
func TestAuthRateLimit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, withAuthRate(3))
	a := ts.applicant(t) // from httptest's 192.0.2.1: one of that address's registrations
	login := func(addr string, email string) *httptest.ResponseRecorder {
		return ts.from(t, addr, http.MethodPost, "/api/v1/auth/login", fmt.Sprintf(`{"email":%q,"password":"wrong password!"}`, email))
	}
	// Random emails never reach the per-email lockout; the address limit
	// stops them.
	for i := 0; i < 3; i++ {
		checkProblem(t, fmt.Sprintf("login %d from 198.51.100.7", i+1), login("198.51.100.7:4000", fmt.Sprintf("random%d@example.org", i)), http.StatusUnauthorized)
	}
	rec := login("198.51.100.7:4001", "random-next@example.org")
	checkProblem(t, "4th login a minute from 198.51.100.7", rec, http.StatusTooManyRequests)
	checkRetryAfter(t, "4th login a minute", rec, 20)
	// The right password is refused too while the address is limited.
	checkProblem(t, "right password from the limited address", ts.from(t, "198.51.100.7:4002", http.MethodPost, "/api/v1/auth/login",
		fmt.Sprintf(`{"email":%q,"password":%q}`, a.Email, testPassword)), http.StatusTooManyRequests)
	// Another address, and an IPv6 client, are unaffected.
	checkProblem(t, "login from another address", login("198.51.100.8:4000", "x@example.org"), http.StatusUnauthorized)
	if rec := ts.from(t, "[2001:db8::1]:4000", http.MethodPost, "/api/v1/auth/login",
		fmt.Sprintf(`{"email":%q,"password":%q}`, a.Email, testPassword)); rec.Code != http.StatusOK {
		t.Errorf("login from an IPv6 address = %d %s; want 200", rec.Code, rec.Body.String())
	}
	// Rotating through one IPv6 /64 does not escape the limit.
	for i := 2; i <= 4; i++ {
		login(fmt.Sprintf("[2001:db8::%x]:4000", i), "y@example.org")
	}
	checkProblem(t, "login from a 5th address in the same /64", login("[2001:db8::99]:4000", "y@example.org"), http.StatusTooManyRequests)

	// Registration has its own budget per address, as limited.
	register := func(i int) *httptest.ResponseRecorder {
		return ts.from(t, "203.0.113.5:5000", http.MethodPost, "/api/v1/auth/register",
			fmt.Sprintf(`{"email":"limited%d@example.org","password":%q,"full_name":"Limited %d"}`, i, testPassword, i))
	}
	for i := 0; i < 3; i++ {
		if rec := register(i); rec.Code != http.StatusCreated {
			t.Fatalf("registration %d from 203.0.113.5 = %d %s; want 201", i+1, rec.Code, rec.Body.String())
		}
	}
	rec = register(3)
	checkProblem(t, "4th registration a minute from one address", rec, http.StatusTooManyRequests)
	checkRetryAfter(t, "4th registration a minute", rec, 20)
	ts.login(t, "limited0@example.org", testPassword) // from 192.0.2.1: its own budget
	checkProblem(t, "login of the refused registration", ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login",
		fmt.Sprintf(`{"email":"limited3@example.org","password":%q}`, testPassword)), http.StatusUnauthorized)

	// A third of a minute later the bucket holds one request again.
	ts.clock.Advance(20 * time.Second)
	checkProblem(t, "login from 198.51.100.7 after 20 s", login("198.51.100.7:4003", "later@example.org"), http.StatusUnauthorized)
	checkProblem(t, "and the next one", login("198.51.100.7:4003", "later@example.org"), http.StatusTooManyRequests)
	if rec := register(4); rec.Code != http.StatusCreated {
		t.Errorf("registration from 203.0.113.5 after 20 s = %d %s; want 201", rec.Code, rec.Body.String())
	}
}

// X-Forwarded-For names the client only when a trusted proxy sends it;
// anyone else cannot escape the address limit by making one up.
func TestForwardedForTrust(t *testing.T) {
	t.Parallel()
	login := func(ts *testServer, peer, xff string) int {
		return ts.from(t, peer, http.MethodPost, "/api/v1/auth/login", `{"email":"nobody@example.org","password":"wrong password!"}`,
			"X-Forwarded-For", xff).Code
	}
	direct := newTestServer(t, withAuthRate(2))
	for i, want := range []int{401, 401, 429, 429} {
		if got := login(direct, "198.51.100.7:4000", fmt.Sprintf("203.0.113.%d", i+1)); got != want {
			t.Errorf("untrusted peer, made-up X-Forwarded-For #%d: login = %d; want %d", i+1, got, want)
		}
	}
	proxied := newTestServer(t, withAuthRate(2), withTrustedProxies("10.0.0.0/8"))
	// Behind the proxy, each forwarded client has its own budget, and a
	// client's own made-up hops to the left of the proxy's are not believed.
	for i := 0; i < 2; i++ {
		if got := login(proxied, "10.1.1.1:4000", fmt.Sprintf("192.0.2.%d, 203.0.113.9", 50+i)); got != 401 {
			t.Errorf("via the proxy, client 203.0.113.9 login #%d = %d; want 401", i+1, got)
		}
	}
	if got := login(proxied, "10.1.1.1:4000", "192.0.2.99, 203.0.113.9"); got != 429 {
		t.Errorf("via the proxy, 3rd login for 203.0.113.9 = %d; want 429", got)
	}
	if got := login(proxied, "10.1.1.1:4000", "203.0.113.10"); got != 401 {
		t.Errorf("via the proxy, first login for 203.0.113.10 = %d; want 401", got)
	}
	// The proxy itself, sending no header, is one client.
	if got := login(proxied, "10.2.2.2:4000", ""); got != 401 {
		t.Errorf("the proxy's own login = %d; want 401", got)
	}
}

// Wrong current passwords on POST /me/password count as failed logins for
// the account: the eleventh attempt is 429, whatever it sends, and so is
// signing in.
func TestPasswordChangeCountsAsFailedLogin(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	a := ts.applicant(t)
	change := func(current string) *httptest.ResponseRecorder {
		return ts.do(t, a, http.MethodPost, "/api/v1/me/password",
			fmt.Sprintf(`{"current_password":%q,"new_password":"a brand new password"}`, current))
	}
	for i := 0; i < 10; i++ {
		checkProblem(t, fmt.Sprintf("password change %d with a wrong current password", i+1), change(fmt.Sprintf("guess number %d", i)), http.StatusUnprocessableEntity)
	}
	rec := change(testPassword)
	checkProblem(t, "password change with the right password after 10 wrong ones", rec, http.StatusTooManyRequests)
	checkRetryAfter(t, "locked password change", rec, 15*60)
	rec = ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login", fmt.Sprintf(`{"email":%q,"password":%q}`, a.Email, testPassword))
	checkProblem(t, "login after 10 wrong current passwords", rec, http.StatusTooManyRequests)
	ts.clock.Advance(15*time.Minute + time.Second)
	if rec := change(testPassword); rec.Code != http.StatusNoContent {
		t.Errorf("password change once the window passed = %d %s; want 204", rec.Code, rec.Body.String())
	}
}
