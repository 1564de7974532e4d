package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// Signing out ends the session on the server: a copy of the cookie taken
// before no longer opens the portal, and its token no longer works on the API.
func TestSignOutRevokesTheSession(t *testing.T) {
	s := newSite(t)
	a := s.applicant(t)
	b := s.browser()
	b.signIn(t, a.Email)
	stolen := *b.cookies["advising_session"]
	other := s.browser()
	other.signIn(t, a.Email) // another device

	if rec := b.post(t, "/signout", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /signout = %d; want 303", rec.Code)
	}
	req := httptest.NewRequest(http.MethodGet, "/portal", nil)
	req.AddCookie(&stolen)
	rec := httptest.NewRecorder()
	s.e.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/signin") {
		t.Errorf("GET /portal with the cookie copied before sign-out = %d Location %q; want 303 to /signin", rec.Code, rec.Header().Get("Location"))
	}
	req = httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+stolen.Value)
	rec = httptest.NewRecorder()
	s.e.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me with the signed-out cookie's token = %d; want 401", rec.Code)
	}
	if rec := other.get(t, "/portal"); rec.Code != http.StatusOK {
		t.Errorf("GET /portal on the other device = %d; want 200 (only this session ends)", rec.Code)
	}
}

// X-Forwarded-Proto is believed only from a trusted proxy: anyone else
// claiming https gets the plain-HTTP cookie and no HSTS.
func TestForwardedProtoFromUntrustedPeer(t *testing.T) {
	s := newSite(t) // trusts no proxy
	a := s.applicant(t)
	b := s.browser()
	b.get(t, "/signin")
	req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(url.Values{"email": {a.Email},
		"password": {testPassword}, "_csrf": {b.csrf}}.Encode()))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationForm)
	req.Header.Set(echo.HeaderXForwardedProto, "https")
	req.RemoteAddr = "127.0.0.1:40000"
	rec := b.do(t, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /signin = %d %s; want 303", rec.Code, rec.Body.String())
	}
	for _, c := range rec.Result().Cookies() {
		if c.Secure {
			t.Errorf("POST /signin claiming https from an untrusted peer: cookie %s is Secure; want the plain-HTTP cookie", c.Name)
		}
	}
	if h := rec.Header().Get("Strict-Transport-Security"); h != "" {
		t.Errorf("POST /signin claiming https from an untrusted peer: Strict-Transport-Security = %q; want none", h)
	}
}

// The sign-in and register forms share the API's per-address limits, and
// their 429 page says when to come back.
func TestWebFormsShareTheAuthRate(t *testing.T) {
	s := newSiteWith(t, 2)
	b := s.browser()
	b.get(t, "/signin")
	// Two API logins from httptest's address use up its sign-in budget.
	for i := 0; i < 2; i++ {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", strings.NewReader(`{"email":"x@example.org","password":"wrong password!"}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.e.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("API login %d = %d; want 401", i+1, rec.Code)
		}
	}
	rec := b.post(t, "/signin", url.Values{"email": {"y@example.org"}, "password": {"wrong password!"}})
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "Too many sign-in attempts from your address") {
		t.Errorf("POST /signin past the limit = %d; want 429 with a sentence", rec.Code)
	}
	if n, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("POST /signin past the limit: Retry-After = %q; want seconds", rec.Header().Get("Retry-After"))
	}
	for i := 0; i < 3; i++ {
		b.get(t, "/register")
		rec = b.post(t, "/register", url.Values{"email": {"new" + strconv.Itoa(i) + "@example.org"}, "full_name": {"New Person"},
			"password": {testPassword}, "password_again": {testPassword}})
		want := http.StatusSeeOther
		if i == 2 {
			want = http.StatusTooManyRequests
		}
		if rec.Code != want {
			t.Errorf("POST /register #%d = %d; want %d", i+1, rec.Code, want)
		}
	}
	if rec.Header().Get("Retry-After") == "" {
		t.Errorf("POST /register past the limit has no Retry-After")
	}
}

// A wrong current password on the page's password form counts as a failed
// login too, and an email over 254 characters is refused at registration.
func TestWebPasswordFormAndLongEmail(t *testing.T) {
	s := newSite(t)
	a := s.applicant(t)
	b := s.browser()
	b.signIn(t, a.Email)
	var rec *httptest.ResponseRecorder
	for i := 0; i < 11; i++ {
		b.get(t, "/account/password")
		rec = b.post(t, "/account/password", url.Values{"current_password": {"wrong guess " + strconv.Itoa(i)}, "new_password": {"a brand new password"}})
	}
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Errorf("11th wrong current password on the page = %d, Retry-After %q; want 429 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	r := s.browser()
	r.get(t, "/register")
	long := strings.Repeat("a", 243) + "@example.org"
	rec = r.post(t, "/register", url.Values{"email": {long}, "full_name": {"Long Email"},
		"password": {testPassword}, "password_again": {testPassword}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("POST /register with a 255-character email = %d; want 422", rec.Code)
	}
}

// A page's query string that does not parse is a 400 page, never the
// caseload with its filters dropped.
func TestPageQueryMustParse(t *testing.T) {
	s := newSite(t)
	admin := s.admin(t)
	advisor := s.staff(t, admin, "advisor")
	b := s.browser()
	b.signIn(t, advisor.Email)
	rec := b.get(t, "/cases?status=closed;x=1")
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "<html") {
		t.Errorf("GET /cases?status=closed;x=1 = %d; want a 400 page", rec.Code)
	}
}

// The pages hold form fields to the API's rule on control characters, and
// the caseload page's status filter to its bounds: 422, never a 5xx.
func TestPageInputBounds(t *testing.T) {
	s := newSite(t)
	admin := s.admin(t)
	advisor := s.staff(t, admin, "advisor")
	r := s.browser()
	r.get(t, "/register")
	rec := r.post(t, "/register", url.Values{"email": {"nul@example.org"}, "full_name": {"Ada\x00Lovelace"},
		"password": {testPassword}, "password_again": {testPassword}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Full name") {
		t.Errorf("POST /register with a NUL in the name = %d; want 422 naming the full name", rec.Code)
	}
	b := s.browser()
	b.signIn(t, advisor.Email)
	many := "/cases?status=" + strings.TrimSuffix(strings.Repeat("new,", 32_766), ",")
	if rec := b.get(t, many); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("GET /cases with new 32,766 times = %d; want 422", rec.Code)
	}
	if rec := b.get(t, "/cases?status=new&status=new"); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("GET /cases with new twice = %d; want 422", rec.Code)
	}
	if rec := b.get(t, "/cases?status=new&status=closed"); rec.Code != http.StatusOK {
		t.Errorf("GET /cases with two statuses = %d; want 200", rec.Code)
	}
}
