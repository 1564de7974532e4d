package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"advising/internal/advising"
	"advising/internal/auth"
	"advising/internal/casework"
	"advising/internal/httpapi"
	"advising/internal/store"
	"advising/internal/store/storetest"
	"advising/internal/web"
)

var testSecret = []byte("test-secret-that-is-at-least-32-bytes-long")

const testPassword = "correct horse battery"

// site is the real server (API and pages) over a fresh database.
type site struct {
	e   *echo.Echo
	cw  *casework.Service
	st  *store.Store
	seq atomic.Int64
}

func newSite(t testing.TB) *site { return newSiteWith(t, 0) }

// newSiteWith is newSite with register and login limited to authRate a
// minute per address (0: no limit) and forwarding headers believed from
// the given CIDRs.
func newSiteWith(t testing.TB, authRate int, trusted ...string) *site {
	t.Helper()
	return newSiteOn(t, storetest.New(t), authRate, trusted...)
}

// newSiteOn is newSiteWith over a given store.
func newSiteOn(t testing.TB, st *store.Store, authRate int, trusted ...string) *site {
	t.Helper()
	cw := casework.New(casework.Options{
		Store:    st,
		Tokens:   auth.NewTokens(testSecret, 8*time.Hour, time.Now),
		Hasher:   auth.Hasher{Cost: bcrypt.MinCost},
		AuthRate: authRate,
	})
	var proxies []netip.Prefix
	for _, c := range trusted {
		proxies = append(proxies, netip.MustParsePrefix(c))
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := httpapi.NewServer(httpapi.Deps{Casework: cw, Log: log, OpenAPI: []byte("openapi: 3.1.0\n"),
		Registry: prometheus.NewRegistry(), TrustedProxies: proxies})
	web.Register(e, cw, web.Options{Log: log})
	return &site{e: e, cw: cw, st: st}
}

// admin bootstraps the office's admin and returns its actor.
func (s *site) admin(t testing.TB) advising.Actor {
	t.Helper()
	ctx := context.Background()
	if _, err := s.cw.BootstrapAdmin(ctx, "admin@example.org", testPassword, "Office Admin"); err != nil {
		t.Fatalf("BootstrapAdmin: %v", err)
	}
	sess, err := s.cw.Login(ctx, "", "admin@example.org", testPassword)
	if err != nil {
		t.Fatalf("Login admin: %v", err)
	}
	return advising.Actor{UserID: sess.User.ID, Role: sess.User.Role, FullName: sess.User.FullName}
}

// account is a person with an email and password.
type account struct {
	ID, Email, Name string
	Role            advising.Role
}

// applicant registers an applicant through casework.
func (s *site) applicant(t testing.TB) account {
	t.Helper()
	n := s.seq.Add(1)
	in := casework.NewAccount{Email: fmt.Sprintf("applicant%d@example.org", n), Password: testPassword,
		FullName: fmt.Sprintf("Applicant %d", n)}
	sess, err := s.cw.Register(context.Background(), "", in)
	if err != nil {
		t.Fatalf("Register %s: %v", in.Email, err)
	}
	return account{ID: sess.User.ID, Email: in.Email, Name: in.FullName, Role: advising.RoleApplicant}
}

// staff creates an advisor or admin as admin.
func (s *site) staff(t testing.TB, admin advising.Actor, role advising.Role) account {
	t.Helper()
	n := s.seq.Add(1)
	in := casework.NewStaff{NewAccount: casework.NewAccount{Email: fmt.Sprintf("%s%d@example.org", role, n),
		Password: testPassword, FullName: fmt.Sprintf("Staff %d", n)}, Role: role}
	u, err := s.cw.CreateUser(context.Background(), admin, in)
	if err != nil {
		t.Fatalf("CreateUser %s: %v", in.Email, err)
	}
	return account{ID: u.ID, Email: in.Email, Name: in.FullName, Role: role}
}

// browser sends requests through the router and keeps cookies, like a
// browser that does not send Sec-Fetch-Site (so the CSRF token is checked).
type browser struct {
	s       *site
	cookies map[string]*http.Cookie
	csrf    string
}

func (s *site) browser() *browser { return &browser{s: s, cookies: map[string]*http.Cookie{}} }

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

func (b *browser) do(t testing.TB, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.s.e.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	if m := csrfField.FindStringSubmatch(rec.Body.String()); m != nil {
		b.csrf = m[1]
	}
	return rec
}

// get fetches a page.
func (b *browser) get(t testing.TB, path string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if !strings.HasPrefix(path, "/api/") {
		req.Header.Set(echo.HeaderAccept, "text/html,application/xhtml+xml,*/*;q=0.8")
	}
	return b.do(t, req)
}

// post submits a form with the page's CSRF token.
func (b *browser) post(t testing.TB, path string, values url.Values) *httptest.ResponseRecorder {
	t.Helper()
	if values == nil {
		values = url.Values{}
	}
	if values.Get("_csrf") == "" && b.csrf != "" {
		values.Set("_csrf", b.csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(values.Encode()))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationForm)
	return b.do(t, req)
}

// signIn signs in through the sign-in page.
func (b *browser) signIn(t testing.TB, email string) {
	t.Helper()
	b.get(t, "/signin")
	rec := b.post(t, "/signin", url.Values{"email": {email}, "password": {testPassword}})
	if rec.Code != http.StatusSeeOther || b.cookies["advising_session"] == nil {
		t.Fatalf("POST /signin as %s = %d %s; want 303 with a session cookie", email, rec.Code, rec.Body.String())
	}
}

func TestSignInSetsStrictHttpOnlyCookie(t *testing.T) {
	s := newSiteWith(t, 0, "127.0.0.0/8")
	a := s.applicant(t)
	b := s.browser()
	b.get(t, "/signin")
	rec := b.post(t, "/signin", url.Values{"email": {" " + strings.ToUpper(a.Email) + " "}, "password": {testPassword}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/portal" {
		t.Fatalf("POST /signin = %d Location %q; want 303 to /portal", rec.Code, rec.Header().Get("Location"))
	}
	var session *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "advising_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/" || session.Secure {
		t.Fatalf("POST /signin session cookie = %+v; want HttpOnly, SameSite=Strict, Path=/, not Secure over plain HTTP", session)
	}
	// Over TLS (as a proxy reports it) the cookie is Secure as well.
	req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(url.Values{"email": {a.Email},
		"password": {testPassword}, "_csrf": {b.csrf}}.Encode()))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationForm)
	req.Header.Set(echo.HeaderXForwardedProto, "https")
	req.RemoteAddr = "127.0.0.1:40000" // a proxy on this host, trusted by the site
	rec = b.do(t, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "advising_session" && !c.Secure {
			t.Errorf("POST /signin over https: session cookie %+v is not Secure", c)
		}
	}
	// Signing out clears the cookie, and the portal sends us back to sign in.
	rec = b.post(t, "/signout", nil)
	if rec.Code != http.StatusSeeOther || b.cookies["advising_session"] != nil {
		t.Fatalf("POST /signout = %d, cookies %v; want 303 and no session", rec.Code, b.cookies)
	}
	rec = b.get(t, "/admin/advisors")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/signin?next=") {
		t.Errorf("GET /admin/advisors signed out = %d Location %q; want 303 to /signin?next=", rec.Code, rec.Header().Get("Location"))
	}
}

func TestSignInErrorsAreSentences(t *testing.T) {
	s := newSite(t)
	a := s.applicant(t)
	b := s.browser()
	b.get(t, "/signin")
	rec := b.post(t, "/signin", url.Values{"email": {a.Email}, "password": {"wrong password here"}})
	body := rec.Body.String()
	if rec.Code != http.StatusUnauthorized || !strings.Contains(body, "The email or password is incorrect.") ||
		strings.Contains(body, `"status"`) || !strings.HasPrefix(rec.Header().Get(echo.HeaderContentType), "text/html") {
		t.Errorf("POST /signin with a wrong password = %d %s; want 401 HTML with the sentence", rec.Code, body)
	}
	rec = b.post(t, "/signin", url.Values{"email": {""}, "password": {""}})
	if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `id="email-error">Email is required.`) || !strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("POST /signin empty = %d %s; want 422 with the error next to the email field", rec.Code, body)
	}
}

func TestSignInNeverRedirectsElsewhere(t *testing.T) {
	s := newSite(t)
	a := s.applicant(t)
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"} {
		b := s.browser()
		b.get(t, "/signin?next="+url.QueryEscape(next))
		rec := b.post(t, "/signin", url.Values{"email": {a.Email}, "password": {testPassword}, "next": {next}})
		if loc := rec.Header().Get("Location"); loc != "/portal" {
			t.Errorf("POST /signin with next=%q redirected to %q; want /portal", next, loc)
		}
	}
	b := s.browser()
	b.get(t, "/signin")
	rec := b.post(t, "/signin", url.Values{"email": {a.Email}, "password": {testPassword}, "next": {"/portal/profile"}})
	if loc := rec.Header().Get("Location"); loc != "/portal/profile" {
		t.Errorf("POST /signin with next=/portal/profile redirected to %q", loc)
	}
}

func TestRegister(t *testing.T) {
	s := newSite(t)
	taken := s.applicant(t)
	tests := []struct {
		name      string
		form      url.Values
		want      int
		mustHave  string
		cookieSet bool
	}{
		{"short password", url.Values{"full_name": {"Sam Rivera"}, "email": {"sam@example.org"}, "password": {"short"}, "password_again": {"short"}},
			http.StatusUnprocessableEntity, `id="password-error">Password must be 10 to 128 characters long.`, false},
		{"bad email", url.Values{"full_name": {"Sam Rivera"}, "email": {"not-an-email"}, "password": {testPassword}, "password_again": {testPassword}},
			http.StatusUnprocessableEntity, `id="email-error">Email must be a valid email address.`, false},
		{"passwords differ", url.Values{"full_name": {"Sam Rivera"}, "email": {"sam@example.org"}, "password": {testPassword}, "password_again": {testPassword + "x"}},
			http.StatusUnprocessableEntity, `Password again does not match the password.`, false},
		{"taken email", url.Values{"full_name": {"Sam Rivera"}, "email": {taken.Email}, "password": {testPassword}, "password_again": {testPassword}},
			http.StatusUnprocessableEntity, `Email already has an account; sign in instead.`, false},
		{"registers", url.Values{"full_name": {"Sam Rivera"}, "email": {" Sam@Example.org "}, "password": {testPassword}, "password_again": {testPassword}},
			http.StatusSeeOther, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := s.browser()
			b.get(t, "/register")
			rec := b.post(t, "/register", tt.form)
			if rec.Code != tt.want || !strings.Contains(rec.Body.String(), tt.mustHave) || (b.cookies["advising_session"] != nil) != tt.cookieSet {
				t.Errorf("POST /register %v = %d %s; want %d with %q, session %v", tt.form, rec.Code, rec.Body.String(), tt.want, tt.mustHave, tt.cookieSet)
			}
			if tt.want == http.StatusUnprocessableEntity && strings.Contains(rec.Body.String(), testPassword) {
				t.Errorf("POST /register %s: the page repeats the password", tt.name)
			}
		})
	}
}

func TestFormsNeedCSRFToken(t *testing.T) {
	s := newSite(t)
	a := s.applicant(t)
	tests := []struct {
		name string
		edit func(*http.Request)
		form url.Values
	}{
		{"no token", nil, url.Values{"email": {a.Email}, "password": {testPassword}}},
		{"wrong token", nil, url.Values{"email": {a.Email}, "password": {testPassword}, "_csrf": {"forged"}}},
		{"cross-site browser post", func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") },
			url.Values{"email": {a.Email}, "password": {testPassword}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := s.browser()
			b.get(t, "/signin") // sets the CSRF cookie
			if tt.form.Get("_csrf") == "" {
				tt.form.Set("_csrf", "")
			}
			req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(tt.form.Encode()))
			req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationForm)
			if tt.edit != nil {
				tt.edit(req)
			}
			rec := b.do(t, req)
			body := rec.Body.String()
			if rec.Code != http.StatusForbidden || !strings.Contains(body, "did not come from this site") ||
				!strings.HasPrefix(rec.Header().Get(echo.HeaderContentType), "text/html") || b.cookies["advising_session"] != nil {
				t.Errorf("POST /signin with %s = %d %s; want a 403 page and no session", tt.name, rec.Code, body)
			}
		})
	}
	// A same-origin browser post needs no token: the browser vouches for it.
	b := s.browser()
	req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(url.Values{"email": {a.Email}, "password": {testPassword}}.Encode()))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationForm)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if rec := b.do(t, req); rec.Code != http.StatusSeeOther {
		t.Errorf("same-origin POST /signin = %d %s; want 303", rec.Code, rec.Body.String())
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	for _, path := range []string{"/signin", "/register", "/no-such-page-here", "/static/app.css"} {
		rec := b.get(t, path)
		csp := rec.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
			!strings.Contains(csp, "frame-ancestors 'none'") || rec.Header().Get("X-Content-Type-Options") != "nosniff" ||
			rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s headers: CSP %q, nosniff %q, frame %q; want a strict policy", path, csp,
				rec.Header().Get("X-Content-Type-Options"), rec.Header().Get("X-Frame-Options"))
		}
	}
	// No page has inline script or inline event handlers, which the policy would block.
	for _, path := range []string{"/signin", "/register"} {
		body := b.get(t, path).Body.String()
		if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]|\son[a-z]+=|style=`).MatchString(body) {
			t.Errorf("GET %s has inline script, style or an event handler:\n%s", path, body)
		}
	}
	// The JSON API is untouched: no page headers, errors stay problem+json.
	rec := b.get(t, "/api/v1/me")
	if rec.Code != http.StatusUnauthorized || rec.Header().Get(echo.HeaderContentType) != "application/problem+json" ||
		rec.Header().Get("Content-Security-Policy") != "" {
		t.Errorf("GET /api/v1/me = %d %q CSP %q; want 401 problem+json without page headers", rec.Code,
			rec.Header().Get(echo.HeaderContentType), rec.Header().Get("Content-Security-Policy"))
	}
	if rec := b.get(t, "/api/v1/nope"); rec.Header().Get(echo.HeaderContentType) != "application/problem+json" {
		t.Errorf("GET /api/v1/nope Content-Type = %q; want application/problem+json", rec.Header().Get(echo.HeaderContentType))
	}
}

func TestUnknownPageIsHTML(t *testing.T) {
	s := newSite(t)
	rec := s.browser().get(t, "/cases/does-not-exist/nothing/here")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Page not found") {
		t.Errorf("GET unknown page = %d %s; want a 404 page", rec.Code, rec.Body.String())
	}
}

func TestRoleGuards(t *testing.T) {
	s := newSite(t)
	admin := s.admin(t)
	advisor := s.staff(t, admin, advising.RoleAdvisor)
	a := s.applicant(t)
	tests := []struct {
		as   account
		path string
		want int
	}{
		{a, "/admin/advisors", http.StatusForbidden},
		{advisor, "/admin/advisors", http.StatusForbidden},
	}
	for _, tt := range tests {
		b := s.browser()
		b.signIn(t, tt.as.Email)
		rec := b.get(t, tt.path)
		if rec.Code != tt.want || !strings.Contains(rec.Body.String(), "<h1>") {
			t.Errorf("GET %s as %s = %d; want a %d page", tt.path, tt.as.Role, rec.Code, tt.want)
		}
	}
}

func TestAdminManagesAdvisors(t *testing.T) {
	s := newSite(t)
	s.admin(t)
	b := s.browser()
	b.signIn(t, "admin@example.org")
	if rec := b.get(t, "/admin/advisors"); rec.Code != http.StatusOK {
		t.Fatalf("GET /admin/advisors = %d %s", rec.Code, rec.Body.String())
	}
	rec := b.post(t, "/admin/advisors", url.Values{"full_name": {"Noor Advisor"}, "email": {"noor@example.org"}, "password": {testPassword}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /admin/advisors = %d %s; want 303", rec.Code, rec.Body.String())
	}
	body := b.get(t, "/admin/advisors?done=advisor").Body.String()
	if !strings.Contains(body, "Noor Advisor") || !strings.Contains(body, "The advisor account has been created.") {
		t.Fatalf("GET /admin/advisors after create: no new advisor or notice in %s", body)
	}
	id := regexp.MustCompile(`/admin/advisors/([^/"]+)/disable`).FindStringSubmatch(body)
	if id == nil {
		t.Fatalf("no disable form in %s", body)
	}
	advisor := s.browser()
	advisor.signIn(t, "noor@example.org")
	if rec := b.post(t, "/admin/advisors/"+id[1]+"/disable", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("POST disable = %d %s", rec.Code, rec.Body.String())
	}
	// The disabled advisor's session ends at once.
	if rec := advisor.get(t, "/admin/advisors"); rec.Code != http.StatusSeeOther || advisor.cookies["advising_session"] != nil {
		t.Errorf("GET as a disabled advisor = %d; want 303 to sign in and the cookie cleared", rec.Code)
	}
	rec = b.post(t, "/admin/advisors", url.Values{"full_name": {"Noor Again"}, "email": {"noor@example.org"}, "password": {testPassword}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Email already has an account.") {
		t.Errorf("POST /admin/advisors with a taken email = %d %s", rec.Code, rec.Body.String())
	}
}

// Changing the password from the page keeps this browser signed in with a
// new session, ends every earlier one, and shows a wrong current password
// as a sentence next to its field.
func TestPasswordChangePage(t *testing.T) {
	s := newSite(t)
	a := s.applicant(t)
	b, other := s.browser(), s.browser()
	b.signIn(t, a.Email)
	other.signIn(t, a.Email)

	if rec := s.browser().get(t, "/account/password"); rec.Code != http.StatusSeeOther {
		t.Errorf("GET /account/password signed out = %d; want 303 to sign in", rec.Code)
	}
	b.get(t, "/account/password")
	rec := b.post(t, "/account/password", url.Values{"current_password": {"not my password"}, "new_password": {"a brand new password"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `id="current_password-error"`) {
		t.Errorf("POST /account/password with a wrong current password = %d; want 422 with the error next to the field", rec.Code)
	}
	b.get(t, "/account/password")
	rec = b.post(t, "/account/password", url.Values{"current_password": {testPassword}, "new_password": {"a brand new password"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/portal" {
		t.Fatalf("POST /account/password = %d Location %q; want 303 to /portal", rec.Code, rec.Header().Get("Location"))
	}
	if rec := b.get(t, "/portal"); rec.Code != http.StatusOK {
		t.Errorf("GET /portal after the change in the same browser = %d; want 200", rec.Code)
	}
	if rec := other.get(t, "/portal"); rec.Code == http.StatusOK {
		t.Errorf("GET /portal in another browser after the change = 200; want its session ended")
	}
	if _, err := s.cw.Login(context.Background(), "", a.Email, "a brand new password"); err != nil {
		t.Errorf("Login with the new password: %v", err)
	}
}

// The pages apply the office's one email rule, the API's (httpapi's
// TestEmailRuleMatchesThePages sends the same addresses): the addresses
// the two front doors used to disagree on are refused at registration and
// when admin creates an advisor, with the sentence next to the field.
func TestAccountRulesAtThePages(t *testing.T) {
	s := newSite(t)
	s.admin(t)
	admin := s.browser()
	admin.signIn(t, "admin@example.org")
	for _, email := range []string{"a.b@localhost", "a@-b.com", "a@[127.0.0.1]", `"a b"@example.org`} {
		b := s.browser()
		b.get(t, "/register")
		rec := b.post(t, "/register", url.Values{"full_name": {"Ada"}, "email": {email}, "password": {testPassword}, "password_again": {testPassword}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `id="email-error">Email must be a valid email address.`) {
			t.Errorf("POST /register with %s = %d; want 422 with the email sentence:\n%s", email, rec.Code, rec.Body.String())
		}
		rec = admin.post(t, "/admin/advisors", url.Values{"full_name": {"Ada"}, "email": {email}, "password": {testPassword}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `id="email-error">Email must be a valid email address.`) {
			t.Errorf("POST /admin/advisors with %s = %d; want 422 with the email sentence:\n%s", email, rec.Code, rec.Body.String())
		}
	}
	// Every problem at once: the account's rules and the repeated password.
	b := s.browser()
	b.get(t, "/register")
	rec := b.post(t, "/register", url.Values{"full_name": {"  "}, "email": {"a@-b.com"}, "password": {"short"}, "password_again": {"other"}})
	for _, want := range []string{"Email must be a valid email address.", "Password must be 10 to 128 characters long.",
		"Full name is required.", "Password again does not match the password."} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("POST /register with four problems: page lacks %q", want)
		}
	}
	rec = b.post(t, "/register", url.Values{"full_name": {" Ada Lovelace "}, "email": {"Ada.Lovelace+Advising@Mail.Example.co.uk"},
		"password": {testPassword}, "password_again": {testPassword}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /register with an ordinary subaddress = %d; want 303", rec.Code)
	}
	if _, err := s.cw.Login(context.Background(), "", "ada.lovelace+advising@mail.example.co.uk", testPassword); err != nil {
		t.Errorf("Login as the address registered from the page: %v", err)
	}
}
