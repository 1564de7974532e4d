package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/prometheus/client_golang/prometheus"

	"advising/docs"
	"advising/internal/advising"
	"advising/internal/auth"
	"advising/internal/httpapi"
	"advising/internal/store"
)

func TestRegister(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var out struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		User        struct {
			ID, Email, FullName, Role string
			Disabled                  bool
			CreatedAt                 time.Time `json:"created_at"`
		} `json:"user"`
	}
	body := `{"email":"  Grace.Hopper@Example.ORG ","password":"a long enough password","full_name":"Grace Hopper"}`
	ts.mustDo(t, testUser{}, http.MethodPost, "/api/v1/auth/register", body, http.StatusCreated, &out)
	if out.TokenType != "Bearer" || out.ExpiresIn != 8*3600 || out.AccessToken == "" {
		t.Errorf("register token = %q %q %d; want Bearer token expiring in 28800s", out.AccessToken, out.TokenType, out.ExpiresIn)
	}
	if out.User.Email != "grace.hopper@example.org" || out.User.Role != "applicant" || out.User.Disabled || out.User.ID == "" {
		t.Errorf("register user = %+v; want trimmed lower-case email, role applicant, enabled", out.User)
	}
	rec := ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/register", body)
	if strings.Contains(rec.Body.String(), "password_hash") || strings.Contains(rec.Body.String(), "$2a$") {
		t.Errorf("register response leaks a password hash: %s", rec.Body.String())
	}

	// The case is opened in the same transaction: status new, no advisor.
	caseID, err := ts.st.CaseIDByApplicant(context.Background(), out.User.ID)
	if err != nil || caseID == "" {
		t.Fatalf("CaseIDByApplicant(%s) = %q, %v; want the new case", out.User.ID, caseID, err)
	}
	events, err := ts.st.ListAudit(context.Background(), store.AuditFilter{CaseID: caseID, Limit: 10})
	if err != nil || len(events) != 2 {
		t.Errorf("audit events for the new case = %d, %v; want 2 (registered, case opened)", len(events), err)
	}

	for _, dup := range []string{"grace.hopper@example.org", "GRACE.HOPPER@EXAMPLE.ORG", "\tgrace.hopper@example.org  "} {
		rec := ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/register",
			fmt.Sprintf(`{"email":%q,"password":"another long password","full_name":"Someone Else"}`, dup))
		checkProblem(t, "register duplicate "+dup, rec, http.StatusConflict)
	}
}

func TestRegisterValidation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name, body, field string
	}{
		{"missing email", `{"password":"a long enough password","full_name":"A"}`, "email"},
		{"bad email", `{"email":"not-an-email","password":"a long enough password","full_name":"A"}`, "email"},
		{"short password", `{"email":"a@example.org","password":"nine char","full_name":"A"}`, "password"},
		{"overlong password", fmt.Sprintf(`{"email":"a@example.org","password":%q,"full_name":"A"}`, long(129)), "password"},
		{"missing name", `{"email":"a@example.org","password":"a long enough password"}`, "full_name"},
		{"blank name", `{"email":"a@example.org","password":"a long enough password","full_name":"   "}`, "full_name"},
		{"overlong name", fmt.Sprintf(`{"email":"a@example.org","password":"a long enough password","full_name":%q}`, long(201)), "full_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/register", tt.body)
			p := checkProblem(t, "register "+tt.body, rec, http.StatusUnprocessableEntity)
			found := false
			for _, e := range p.Errors {
				found = found || (e.Field == tt.field && e.Message != "")
			}
			if !found {
				t.Errorf("register %s: errors = %+v; want one for field %q", tt.body, p.Errors, tt.field)
			}
		})
	}
}

// The API applies the office's one email rule, the one the pages apply
// (web's TestAccountRulesAtThePages sends the same addresses): the
// addresses the two front doors used to disagree on are all refused, at
// register and when admin creates an account, and an ordinary address
// with a subaddress passes.
func TestEmailRuleMatchesThePages(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	for _, email := range []string{"a.b@localhost", "a@-b.com", "a@[127.0.0.1]", `"a b"@example.org`} {
		body := fmt.Sprintf(`{"email":%q,"password":"a long enough password","full_name":"Ada"}`, email)
		for _, call := range []struct {
			as   testUser
			path string
			body string
		}{
			{testUser{}, "/api/v1/auth/register", body},
			{admin, "/api/v1/users", strings.TrimSuffix(body, "}") + `,"role":"advisor"}`},
		} {
			p := checkProblem(t, "POST "+call.path+" "+email, ts.do(t, call.as, http.MethodPost, call.path, call.body), http.StatusUnprocessableEntity)
			if len(p.Errors) != 1 || p.Errors[0].Field != "email" || p.Errors[0].Message != "must be a valid email address" {
				t.Errorf("POST %s with %s: errors = %+v; want email: must be a valid email address", call.path, email, p.Errors)
			}
		}
	}
	ts.mustDo(t, testUser{}, http.MethodPost, "/api/v1/auth/register",
		`{"email":" Ada.Lovelace+Advising@Mail.Example.co.uk ","password":"a long enough password","full_name":"  Ada Lovelace "}`, http.StatusCreated, nil)
	u := ts.login(t, "ada.lovelace+advising@mail.example.co.uk", "a long enough password")
	var me struct {
		Email    string `json:"email"`
		FullName string `json:"full_name"`
	}
	ts.mustDo(t, u, http.MethodGet, "/api/v1/me", "", http.StatusOK, &me)
	if me.Email != "ada.lovelace+advising@mail.example.co.uk" || me.FullName != "Ada Lovelace" {
		t.Errorf("GET /api/v1/me after register = %+v; want the email lower-cased and the name trimmed", me)
	}
	// The other account rules, with the pages' words.
	for _, tt := range []struct{ path, body, field, message string }{
		{"/api/v1/users", `{"email":"x@example.org","password":"a long enough password","full_name":"X","role":"applicant"}`, "role", "must be one of: advisor, admin"},
		{"/api/v1/users", `{"email":"x@example.org","password":"short","full_name":"X","role":"advisor"}`, "password", "must be 10 to 128 characters long"},
		{"/api/v1/users", `{"email":"x@example.org","password":"a long enough password","full_name":" ","role":"advisor"}`, "full_name", "is required"},
		{"/api/v1/me/password", `{"current_password":"whatever it is","new_password":"short"}`, "new_password", "must be 10 to 128 characters long"},
	} {
		p := checkProblem(t, "POST "+tt.path+" "+tt.body, ts.do(t, admin, http.MethodPost, tt.path, tt.body), http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != tt.field || p.Errors[0].Message != tt.message {
			t.Errorf("POST %s %s: errors = %+v; want %s: %s", tt.path, tt.body, p.Errors, tt.field, tt.message)
		}
	}
}

func TestPasswordsUseEveryCharacter(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	pw := strings.Repeat("p", 100) + "-tail-one"
	ts.mustDo(t, testUser{}, http.MethodPost, "/api/v1/auth/register",
		fmt.Sprintf(`{"email":"long@example.org","password":%q,"full_name":"Long Password"}`, pw), http.StatusCreated, nil)
	rec := ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login",
		fmt.Sprintf(`{"email":"long@example.org","password":%q}`, strings.Repeat("p", 100)+"-tail-two"))
	checkProblem(t, "login with a password differing after byte 100", rec, http.StatusUnauthorized)
	ts.login(t, "long@example.org", pw)

	max := strings.Repeat("é", 128) // 128 characters, 256 bytes
	ts.mustDo(t, testUser{}, http.MethodPost, "/api/v1/auth/register",
		fmt.Sprintf(`{"email":"max@example.org","password":%q,"full_name":"Max Length"}`, max), http.StatusCreated, nil)
	ts.login(t, "max@example.org", max)
}

func TestLogin(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	a := ts.applicant(t)
	u := ts.login(t, "  "+strings.ToUpper(a.Email)+" ", testPassword)
	if u.ID != a.ID {
		t.Errorf("login with upper-case spaced email = user %s; want %s", u.ID, a.ID)
	}
	wrong := ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login", fmt.Sprintf(`{"email":%q,"password":"wrong password!"}`, a.Email))
	unknown := ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login", `{"email":"nobody@example.org","password":"wrong password!"}`)
	pw := checkProblem(t, "login wrong password", wrong, http.StatusUnauthorized)
	pu := checkProblem(t, "login unknown email", unknown, http.StatusUnauthorized)
	if pw.Detail != pu.Detail || pw.Detail == "" {
		t.Errorf("login details differ: wrong password %q, unknown email %q; want the same message", pw.Detail, pu.Detail)
	}
	checkProblem(t, "login missing password", ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login", `{"email":"x@example.org"}`), http.StatusUnprocessableEntity)
}

func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	a := ts.applicant(t)
	for _, email := range []string{a.Email, "unknown@example.org"} {
		for i := 0; i < 10; i++ {
			rec := ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login", fmt.Sprintf(`{"email":%q,"password":"wrong password!"}`, email))
			checkProblem(t, fmt.Sprintf("failed login %d for %s", i+1, email), rec, http.StatusUnauthorized)
		}
		rec := ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login", fmt.Sprintf(`{"email":%q,"password":%q}`, strings.ToUpper(email), testPassword))
		checkProblem(t, "login after 10 failures for "+email, rec, http.StatusTooManyRequests)
		if rec.Header().Get("Retry-After") == "" {
			t.Errorf("429 for %s has no Retry-After header", email)
		}
	}
	// Another email is unaffected.
	b := ts.applicant(t)
	ts.login(t, b.Email, testPassword)
	// Once the window has passed, the right password works again.
	ts.clock.Advance(15*time.Minute + time.Second)
	ts.login(t, a.Email, testPassword)
}

func TestMeAndPasswordChange(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	a := ts.applicant(t)
	var me struct{ ID, Email, Role string }
	ts.mustDo(t, a, http.MethodGet, "/api/v1/me", "", http.StatusOK, &me)
	if me.ID != a.ID || me.Email != a.Email || me.Role != "applicant" {
		t.Errorf("GET /me = %+v; want %s %s applicant", me, a.ID, a.Email)
	}
	checkProblem(t, "GET /me anonymous", ts.do(t, testUser{}, http.MethodGet, "/api/v1/me", ""), http.StatusUnauthorized)

	p := checkProblem(t, "password change with wrong current", ts.do(t, a, http.MethodPost, "/api/v1/me/password",
		`{"current_password":"not my password","new_password":"a brand new password"}`), http.StatusUnprocessableEntity)
	if len(p.Errors) != 1 || p.Errors[0].Field != "current_password" {
		t.Errorf("password change with wrong current: errors = %+v; want current_password", p.Errors)
	}
	checkProblem(t, "password change too short", ts.do(t, a, http.MethodPost, "/api/v1/me/password",
		fmt.Sprintf(`{"current_password":%q,"new_password":"short"}`, testPassword)), http.StatusUnprocessableEntity)
	checkProblem(t, "password change anonymous", ts.do(t, testUser{}, http.MethodPost, "/api/v1/me/password",
		fmt.Sprintf(`{"current_password":%q,"new_password":"a brand new password"}`, testPassword)), http.StatusUnauthorized)

	// The clock does not move: revocation must hold within the same second.
	rec := ts.do(t, a, http.MethodPost, "/api/v1/me/password", fmt.Sprintf(`{"current_password":%q,"new_password":"a brand new password"}`, testPassword))
	if rec.Code != http.StatusNoContent {
		t.Fatalf("password change = %d %s; want 204", rec.Code, rec.Body.String())
	}
	checkProblem(t, "GET /me with a token from before the password change", ts.do(t, a, http.MethodGet, "/api/v1/me", ""), http.StatusUnauthorized)
	checkProblem(t, "login with the old password", ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login",
		fmt.Sprintf(`{"email":%q,"password":%q}`, a.Email, testPassword)), http.StatusUnauthorized)
	fresh := ts.login(t, a.Email, "a brand new password")
	ts.mustDo(t, fresh, http.MethodGet, "/api/v1/me", "", http.StatusOK, nil)
}

func TestUserAdministration(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	applicant := ts.applicant(t)

	create := `{"email":"new.advisor@example.org","password":"a long enough password","full_name":"New Advisor","role":"advisor"}`
	for _, tt := range []struct {
		name string
		as   testUser
		want int
	}{
		{"anonymous", testUser{}, http.StatusUnauthorized},
		{"applicant", applicant, http.StatusForbidden},
		{"advisor", advisor, http.StatusForbidden},
	} {
		checkProblem(t, "POST /users as "+tt.name, ts.do(t, tt.as, http.MethodPost, "/api/v1/users", create), tt.want)
		checkProblem(t, "GET /users as "+tt.name, ts.do(t, tt.as, http.MethodGet, "/api/v1/users", ""), tt.want)
		checkProblem(t, "PATCH /users as "+tt.name, ts.do(t, tt.as, http.MethodPatch, "/api/v1/users/"+advisor.ID, `{"disabled":true}`), tt.want)
	}

	var created struct{ ID, Role, Email string }
	ts.mustDo(t, admin, http.MethodPost, "/api/v1/users", create, http.StatusCreated, &created)
	if created.Role != "advisor" || created.Email != "new.advisor@example.org" {
		t.Errorf("POST /users = %+v; want the new advisor", created)
	}
	checkProblem(t, "POST /users duplicate", ts.do(t, admin, http.MethodPost, "/api/v1/users", strings.Replace(create, "new.advisor", "NEW.Advisor", 1)), http.StatusConflict)
	checkProblem(t, "POST /users role applicant", ts.do(t, admin, http.MethodPost, "/api/v1/users",
		`{"email":"x@example.org","password":"a long enough password","full_name":"X","role":"applicant"}`), http.StatusUnprocessableEntity)

	// Listing: role filter and keyset pages that cover every user once.
	var advisors struct {
		Items []struct{ ID, Role string } `json:"items"`
	}
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/users?role=advisor", "", http.StatusOK, &advisors)
	if len(advisors.Items) != 2 {
		t.Errorf("GET /users?role=advisor = %d items; want 2", len(advisors.Items))
	}
	seen := map[string]bool{}
	cursor := ""
	for page := 0; page < 10; page++ {
		var out struct {
			Items      []struct{ ID string } `json:"items"`
			NextCursor *string               `json:"next_cursor"`
		}
		ts.mustDo(t, admin, http.MethodGet, "/api/v1/users?limit=1&cursor="+cursor, "", http.StatusOK, &out)
		for _, u := range out.Items {
			if seen[u.ID] {
				t.Errorf("GET /users paging returned %s twice", u.ID)
			}
			seen[u.ID] = true
		}
		if out.NextCursor == nil {
			break
		}
		cursor = *out.NextCursor
	}
	if len(seen) != 4 {
		t.Errorf("GET /users paging saw %d users; want 4", len(seen))
	}
	checkProblem(t, "GET /users bad role", ts.do(t, admin, http.MethodGet, "/api/v1/users?role=wizard", ""), http.StatusUnprocessableEntity)
	checkProblem(t, "GET /users limit 101", ts.do(t, admin, http.MethodGet, "/api/v1/users?limit=101", ""), http.StatusUnprocessableEntity)
	checkProblem(t, "GET /users bad cursor", ts.do(t, admin, http.MethodGet, "/api/v1/users?cursor=not-a-cursor!", ""), http.StatusUnprocessableEntity)

	// Disabling revokes tokens and logins at once; renaming works.
	var updated struct {
		FullName string `json:"full_name"`
		Disabled bool
	}
	ts.mustDo(t, admin, http.MethodPatch, "/api/v1/users/"+advisor.ID, `{"full_name":"Renamed Advisor","disabled":true}`, http.StatusOK, &updated)
	if !updated.Disabled || updated.FullName != "Renamed Advisor" {
		t.Errorf("PATCH /users = %+v; want renamed and disabled", updated)
	}
	checkProblem(t, "disabled advisor's token", ts.do(t, advisor, http.MethodGet, "/api/v1/me", ""), http.StatusUnauthorized)
	checkProblem(t, "disabled advisor's login", ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login",
		fmt.Sprintf(`{"email":%q,"password":%q}`, advisor.Email, testPassword)), http.StatusUnauthorized)
	ts.mustDo(t, admin, http.MethodPatch, "/api/v1/users/"+advisor.ID, `{"disabled":false}`, http.StatusOK, nil)
	ts.login(t, advisor.Email, testPassword)

	checkProblem(t, "PATCH unknown user", ts.do(t, admin, http.MethodPatch, "/api/v1/users/nope", `{"disabled":true}`), http.StatusNotFound)
	checkProblem(t, "PATCH own account disabled", ts.do(t, admin, http.MethodPatch, "/api/v1/users/"+admin.ID, `{"disabled":true}`), http.StatusConflict)
	checkProblem(t, "PATCH blank name", ts.do(t, admin, http.MethodPatch, "/api/v1/users/"+advisor.ID, `{"full_name":" "}`), http.StatusUnprocessableEntity)

	events, err := ts.st.ListAudit(context.Background(), store.AuditFilter{ActorID: admin.ID, Limit: 50})
	if err != nil {
		t.Fatalf("ListAudit: %v", err)
	}
	actions := map[string]int{}
	for _, e := range events {
		actions[e.Action]++
	}
	// staff(advisor) + created advisor; three successful PATCHes.
	if actions["user.created"] != 2 || actions["user.updated"] != 2 {
		t.Errorf("admin's audit actions = %v; want 2 user.created and 2 user.updated", actions)
	}
}

func withoutSession(c jwt.MapClaims) jwt.MapClaims { delete(c, "sid"); return c }

func withSession(c jwt.MapClaims, sid string) jwt.MapClaims { c["sid"] = sid; return c }

// TestTokenAttacks: every forged, stale or malformed credential gets 401.
func TestTokenAttacks(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	a := ts.applicant(t)
	disabled := ts.staff(t, advising.RoleAdvisor)
	ts.mustDo(t, ts.firstAdmin(t), http.MethodPatch, "/api/v1/users/"+disabled.ID, `{"disabled":true}`, http.StatusOK, nil)
	changed := ts.applicant(t)
	ts.mustDo(t, changed, http.MethodPost, "/api/v1/me/password",
		fmt.Sprintf(`{"current_password":%q,"new_password":"a brand new password"}`, testPassword), http.StatusNoContent, nil)

	now := ts.clock.Now()
	// Hand-made tokens name a's real session, so each refusal below is about
	// what that token changes.
	sid := tokenSession(t, a.Token)
	claims := func(sub string, exp bool) jwt.MapClaims {
		c := jwt.MapClaims{"sub": sub, "role": "applicant", "tv": 0, "sid": sid, "iss": auth.Issuer, "iat": now.Unix()}
		if exp {
			c["exp"] = now.Add(time.Hour).Unix()
		}
		return c
	}
	sign := func(m jwt.SigningMethod, key any, c jwt.Claims) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatalf("sign: %v", err)
		}
		return s
	}
	b64 := base64.RawURLEncoding.EncodeToString
	valid := sign(jwt.SigningMethodHS256, testSecret, claims(a.ID, true))
	parts := strings.Split(valid, ".")
	tampered, _ := json.Marshal(map[string]any{"sub": a.ID, "role": "admin", "tv": 0, "sid": sid, "iss": auth.Issuer, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	expiring := auth.NewTokens(testSecret, time.Minute, func() time.Time { return now.Add(-2 * time.Minute) })
	expired, _ := expiring.Issue(advising.User{ID: a.ID, Role: advising.RoleApplicant}, sid, now.Add(-time.Minute))

	// Sanity: the hand-made valid token is accepted, so the refusals below
	// are about what each one changes.
	ts.mustDo(t, testUser{Token: valid}, http.MethodGet, "/api/v1/me", "", http.StatusOK, nil)

	tests := []struct{ name, header string }{
		{"alg none", "Bearer " + sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(a.ID, true))},
		{"HS256 with another key", "Bearer " + sign(jwt.SigningMethodHS256, []byte("another-secret-that-is-32-bytes-long!!"), claims(a.ID, true))},
		{"expired", "Bearer " + expired},
		{"no exp", "Bearer " + sign(jwt.SigningMethodHS256, testSecret, claims(a.ID, false))},
		{"payload changed after signing", "Bearer " + parts[0] + "." + b64(tampered) + "." + parts[2]},
		{"RS256 header", "Bearer " + b64([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + parts[1] + "." + parts[2]},
		{"HS512", "Bearer " + sign(jwt.SigningMethodHS512, testSecret, claims(a.ID, true))},
		{"user does not exist", "Bearer " + sign(jwt.SigningMethodHS256, testSecret, claims("01900000-0000-7000-8000-000000000000", true))},
		{"no session", "Bearer " + sign(jwt.SigningMethodHS256, testSecret, withoutSession(claims(a.ID, true)))},
		{"another user's session", "Bearer " + sign(jwt.SigningMethodHS256, testSecret, claims(ts.applicant(t).ID, true))},
		{"a session that does not exist", "Bearer " + sign(jwt.SigningMethodHS256, testSecret, withSession(claims(a.ID, true), "01900000-0000-7000-8000-000000000000"))},
		{"disabled user", "Bearer " + disabled.Token},
		{"issued before a password change", "Bearer " + changed.Token},
		{"empty bearer", "Bearer "},
		{"malformed bearer", "Bearer not.a.jwt"},
		{"garbage", "Bearer %%%"},
		{"basic scheme", "Basic " + b64([]byte("user:pass"))},
		{"token without scheme", valid},
		{"no header", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := ts.request(t, "", http.MethodGet, "/api/v1/me", "", nil, "Authorization", tt.header)
			checkProblem(t, "GET /me with "+tt.name, rec, http.StatusUnauthorized)
			if !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("GET /me with %s: WWW-Authenticate = %q; want Bearer", tt.name, rec.Header().Get("WWW-Authenticate"))
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	big := `{"email":"a@example.org","password":"a long enough password","full_name":"` + strings.Repeat("x", 1<<20) + `"}`
	tests := []struct {
		name, body string
		want       int
	}{
		{"malformed JSON", `{"email":`, http.StatusBadRequest},
		{"not an object", `[1,2,3]`, http.StatusBadRequest},
		{"wrong type", `{"email":42,"password":"a long enough password","full_name":"A"}`, http.StatusBadRequest},
		{"trailing data", `{"email":"a@example.org","password":"a long enough password","full_name":"A"} {}`, http.StatusBadRequest},
		{"invalid UTF-8", "{\"email\":\"a@example.org\",\"password\":\"a long enough password\",\"full_name\":\"\xff\xfe\"}", http.StatusBadRequest},
		{"empty body", ``, http.StatusBadRequest},
		{"body over 1 MiB", big, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkProblem(t, "register with "+tt.name, ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/register", tt.body), tt.want)
		})
	}
	// Exactly 1 MiB is accepted as far as size goes (it fails validation instead).
	exact := `{"full_name":"` + strings.Repeat("x", 1<<20-len(`{"full_name":""}`)) + `"}`
	checkProblem(t, "register with a 1 MiB body", ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/register", exact), http.StatusUnprocessableEntity)
	checkProblem(t, "register with a 1 MiB + 1 body", ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/register", exact+" "), http.StatusRequestEntityTooLarge)

	checkProblem(t, "unknown route", ts.do(t, testUser{}, http.MethodGet, "/api/v1/nothing-here", ""), http.StatusNotFound)
	checkProblem(t, "wrong method", ts.do(t, testUser{}, http.MethodDelete, "/api/v1/auth/login", ""), http.StatusMethodNotAllowed)
}

// TestConcurrentRegistrations: 50 registrations at once all succeed and
// open 50 cases; none sees "database is locked".
func TestConcurrentRegistrations(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	const n = 50
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/register",
				fmt.Sprintf(`{"email":"crowd%d@example.org","password":"a long enough password","full_name":"Crowd %d"}`, i, i))
			codes[i] = rec.Code
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusCreated {
			t.Errorf("registration %d = %d; want 201", i, c)
		}
	}
	admin := ts.firstAdmin(t)
	var out struct {
		Items []struct{ ID string } `json:"items"`
	}
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/users?role=applicant&limit=100", "", http.StatusOK, &out)
	cases := 0
	for _, u := range out.Items {
		if _, err := ts.st.CaseIDByApplicant(context.Background(), u.ID); err == nil {
			cases++
		}
	}
	if len(out.Items) != n || cases != n {
		t.Errorf("after %d registrations: %d applicants, %d cases; want %d each", n, len(out.Items), cases, n)
	}
}

func TestOperations(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, path := range []string{"/healthz", "/readyz", "/api/v1/openapi.yaml"} {
		if rec := ts.do(t, testUser{}, http.MethodGet, path, ""); rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d; want 200", path, rec.Code)
		}
	}
	if rec := ts.do(t, testUser{}, http.MethodGet, "/api/v1/openapi.yaml", ""); rec.Body.String() != string(docs.OpenAPI) {
		t.Errorf("GET /api/v1/openapi.yaml does not serve docs/openapi.yaml (%d bytes, want %d)", rec.Body.Len(), len(docs.OpenAPI))
	}
	ts.do(t, testUser{}, http.MethodGet, "/api/v1/me", "")
	rec := ts.do(t, testUser{}, http.MethodGet, "/metrics", "")
	want := `advising_http_requests_total{method="GET",route="/api/v1/me",status="401"} 1`
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
		t.Errorf("GET /metrics = %d, missing %q", rec.Code, want)
	}
	if !strings.Contains(rec.Body.String(), "advising_http_request_duration_seconds_bucket") {
		t.Errorf("GET /metrics has no latency histogram")
	}
	// After the database closes, /readyz says so and /healthz does not.
	if err := ts.st.Close(); err != nil {
		t.Fatalf("close store: %v", err)
	}
	checkProblem(t, "GET /readyz with the database closed", ts.do(t, testUser{}, http.MethodGet, "/readyz", ""), http.StatusServiceUnavailable)
	if rec := ts.do(t, testUser{}, http.MethodGet, "/healthz", ""); rec.Code != http.StatusOK {
		t.Errorf("GET /healthz with the database closed = %d; want 200", rec.Code)
	}
}

// A panic in a handler is a logged 500 problem that says nothing about
// internals, and the server keeps serving.
func TestPanicBecomesProblem(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	var mu sync.Mutex
	h := httpapi.NewServer(httpapi.Deps{Casework: nil, // every use case call panics
		Log:     slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &mu}, nil)),
		OpenAPI: []byte("openapi: 3.1.0\n"), Registry: prometheus.NewRegistry()})
	for range 2 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		p := checkProblem(t, "GET /readyz with a handler that panics", rec, http.StatusInternalServerError)
		if body := rec.Body.String(); strings.Contains(body, "nil pointer") || strings.Contains(body, "goroutine") || strings.Contains(body, ".go:") {
			t.Errorf("500 body leaks internals: %s", body)
		}
		if p.Detail == "" {
			t.Errorf("500 problem has no detail: %s", rec.Body.String())
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), `"msg":"request failed"`) {
		t.Errorf("the panic was not logged:\n%s", logs.String())
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
