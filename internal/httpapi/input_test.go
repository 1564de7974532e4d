package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"advising/internal/advising"
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

// A list filter takes each value at most once and no more values than
// exist; anything longer is one 422, never a 5xx, and no error list grows
// with the input.
func TestListFilterBounds(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	ts.applicant(t)
	repeated := strings.TrimSuffix(strings.Repeat("new,", 32_766), ",")
	var distinct []string
	for i := range 50_000 {
		distinct = append(distinct, fmt.Sprintf("s%d", i))
	}
	for _, tt := range []struct{ name, query string }{
		{"new 32,766 times", "status=" + repeated},
		{"new twice", "status=new,new"},
		{"six values", "status=new,evidence_collection,under_review,recommended,closed,new"},
		{"50,000 unknown statuses", "status=" + strings.Join(distinct, ",")},
		{"status given twice", "status=new&status=closed"},
		{"limit given twice", "limit=1&limit=2"},
	} {
		rec := ts.do(t, admin, http.MethodGet, "/api/v1/cases?"+tt.query, "")
		p := checkProblem(t, "GET /cases with "+tt.name, rec, http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || rec.Body.Len() > 2000 {
			t.Errorf("GET /cases with %s: %d errors in %d bytes; want one error in a small body", tt.name, len(p.Errors), rec.Body.Len())
		}
	}
	var out caseList
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/cases?status=new,evidence_collection,under_review,recommended,closed", "", http.StatusOK, &out)
	if len(out.Items) != 1 {
		t.Errorf("GET /cases with all five statuses = %d cases; want 1", len(out.Items))
	}
	// Field errors are capped everywhere, e.g. a profile with many bad items.
	bad := strings.TrimSuffix(strings.Repeat(`"`+strings.Repeat("x", 501)+`",`, 20), ",")
	a := ts.applicant(t)
	rec := ts.do(t, a, http.MethodPut, "/api/v1/applicants/"+a.ID+"/profile",
		`{"responsibilities":[`+bad+`,`+bad+`],"years_experience":99,"sector":"moon"}`)
	if p := checkProblem(t, "PUT profile with 40 bad items", rec, http.StatusUnprocessableEntity); len(p.Errors) == 0 || len(p.Errors) > 20 {
		t.Errorf("PUT profile with 40 bad items: %d errors; want 1 to 20", len(p.Errors))
	}
}

// JSON endpoints take only application/json: a cross-site form post
// (text/plain, form-encoded) cannot create an account. Uploads keep
// multipart/form-data.
func TestJSONContentType(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	body := fmt.Sprintf(`{"email":"cross.site@example.org","password":%q,"full_name":"Cross Site"}`, testPassword)
	for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
		"", "application/json; charset=latin1", "application/jsonx", "application/json-patch+json"} {
		rec := ts.request(t, "", http.MethodPost, "/api/v1/auth/register", ct, strings.NewReader(body))
		checkProblem(t, fmt.Sprintf("register as %q", ct), rec, http.StatusUnsupportedMediaType)
	}
	checkProblem(t, "login of the refused registrations", ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login",
		fmt.Sprintf(`{"email":"cross.site@example.org","password":%q}`, testPassword)), http.StatusUnauthorized)
	a := ts.applicant(t)
	rec := ts.request(t, a.Token, http.MethodPost, "/api/v1/me/password", "text/plain",
		strings.NewReader(fmt.Sprintf(`{"current_password":%q,"new_password":"a brand new password"}`, testPassword)))
	checkProblem(t, "password change as text/plain", rec, http.StatusUnsupportedMediaType)
	if rec := ts.request(t, "", http.MethodPost, "/api/v1/auth/register", "Application/JSON; charset=utf-8", strings.NewReader(body)); rec.Code != http.StatusCreated {
		t.Errorf("register as Application/JSON; charset=utf-8 = %d %s; want 201", rec.Code, rec.Body.String())
	}
	up, ct := multipartBody(t, part{name: "title", content: []byte(tmTitle)},
		part{name: "file", filename: "roadmap.txt", contentType: "text/plain", content: []byte(tmText)})
	if rec := ts.request(t, a.Token, http.MethodPost, "/api/v1/applicants/"+a.ID+"/work-samples", ct, up); rec.Code != http.StatusCreated {
		t.Errorf("multipart upload = %d %s; want 201", rec.Code, rec.Body.String())
	}
}

// Member names match exactly: "EMAIL" is not "email", so it is an unknown
// member, ignored, and never overrides the real one (encoding/json alone
// would match it case-insensitively), at any depth.
func TestJSONMemberNamesExact(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var out struct {
		User struct {
			Email    string `json:"email"`
			FullName string `json:"full_name"`
		} `json:"user"`
	}
	ts.mustDo(t, testUser{}, http.MethodPost, "/api/v1/auth/register", fmt.Sprintf(
		`{"email":"real@example.org","EMAIL":"evil@example.org","password":%q,"Full_Name":"Evil","full_name":"Real Name","FULL_NAME":"Evil"}`,
		testPassword), http.StatusCreated, &out)
	if out.User.Email != "real@example.org" || out.User.FullName != "Real Name" {
		t.Errorf("register with case variants: user = %+v; want real@example.org, Real Name", out.User)
	}
	p := checkProblem(t, "register with only upper-case names", ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/register",
		fmt.Sprintf(`{"EMAIL":"upper@example.org","Password":%q,"full_naMe":"Upper"}`, testPassword)), http.StatusUnprocessableEntity)
	if len(p.Errors) != 3 {
		t.Errorf("register with only upper-case names: errors %+v; want email, password and full_name required", p.Errors)
	}
	// Unicode folding ("ſ" folds to "s") and escapes are matched exactly too.
	checkProblem(t, "login with a folded member name", ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login",
		fmt.Sprintf(`{"email":"real@example.org","paſſword":%q}`, testPassword)), http.StatusUnprocessableEntity)
	ts.mustDo(t, testUser{}, http.MethodPost, "/api/v1/auth/login",
		fmt.Sprintf(`{"\u0065mail":"real@example.org","password":%q}`, testPassword), http.StatusOK, nil)
	// Nested objects: a case variant inside self_assessment is ignored.
	a := ts.applicant(t)
	var prof struct {
		SelfAssessment map[string]int `json:"self_assessment"`
	}
	ts.mustDo(t, a, http.MethodPut, "/api/v1/applicants/"+a.ID+"/profile",
		`{"self_assessment":{"communication":2,"Communication":5,"strategic_thinking":3,"problem_solving":3,"team_building":3,"adaptability":3,"ethical_data_driven_decision_making":3}}`,
		http.StatusOK, &prof)
	if prof.SelfAssessment["communication"] != 2 {
		t.Errorf("profile self_assessment.communication = %d; want 2 (Communication ignored)", prof.SelfAssessment["communication"])
	}
}

// If-Match holds a list of entity-tags, possibly over several header
// fields, and matches when any member matches (RFC 9110).
func TestIfMatchLists(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	_, caseID := ts.advisedCase(t, advisor)
	path := "/api/v1/cases/" + caseID
	current := func() string { return ts.do(t, advisor, http.MethodGet, path, "").Header().Get("ETag") }
	patch := func(header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPatch, path, strings.NewReader(`{"next_follow_up_at":null}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+advisor.Token)
		for _, h := range header {
			req.Header.Add("If-Match", h)
		}
		rec := httptest.NewRecorder()
		ts.h.ServeHTTP(rec, req)
		return rec
	}
	for name, header := range map[string]func(e string) []string{
		"current first":            func(e string) []string { return []string{e + `, "other"`} },
		"current last, no spaces":  func(e string) []string { return []string{`"other",` + e} },
		"tabs and empty members":   func(e string) []string { return []string{"\t,\"a\" ,\t" + e + " ,"} },
		"two header fields":        func(e string) []string { return []string{`"other"`, e} },
		"a weak tag beside it":     func(e string) []string { return []string{`W/"x", ` + e} },
		"a comma inside an entity": func(e string) []string { return []string{`"a,b", ` + e} },
	} {
		if rec := patch(header(current())...); rec.Code != http.StatusOK {
			t.Errorf("PATCH with If-Match %s = %d %s; want 200", name, rec.Code, rec.Body.String())
		}
	}
	for name, header := range map[string]func(e string) []string{
		"only others":        func(string) []string { return []string{`"other", "another"`} },
		"the current, weak":  func(e string) []string { return []string{"W/" + e} },
		"the current, bare":  func(e string) []string { return []string{strings.Trim(e, `"`)} },
		"two fields, stale":  func(string) []string { return []string{`"a"`, `"b"`} },
		"half a quoted list": func(e string) []string { return []string{`"` + e} },
	} {
		checkProblem(t, "PATCH with If-Match "+name, patch(header(current())...), http.StatusPreconditionFailed)
	}
}

// NUL and other control characters are refused, with a 422 naming the
// field, in names, titles and every other text; long text (descriptions,
// note bodies, rationales, reasons) keeps its line breaks and tabs.
func TestControlCharactersRefused(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	a, caseID := ts.advisedCase(t, advisor)
	ws := "/api/v1/applicants/" + a.ID + "/work-samples"
	for _, tt := range []struct {
		name   string
		as     testUser
		method string
		path   string
		body   string
		field  string
	}{
		{"register full_name with NUL", testUser{}, http.MethodPost, "/api/v1/auth/register",
			fmt.Sprintf(`{"email":"nul@example.org","password":%q,"full_name":"Ada\u0000Lovelace"}`, testPassword), "full_name"},
		{"full_name with a newline", admin, http.MethodPatch, "/api/v1/users/" + advisor.ID, `{"full_name":"Two\nLines"}`, "full_name"},
		{"title with BEL", a, http.MethodPost, ws, `{"title":"Roadmap\u0007","description":"` + tmText + `"}`, "title"},
		{"title with a tab", a, http.MethodPost, ws, `{"title":"Road\tmap","description":"` + tmText + `"}`, "title"},
		{"description with NUL", a, http.MethodPost, ws, `{"title":"Roadmap","description":"I led\u0000 the roadmap."}`, "description"},
		{"description with a C1 control", a, http.MethodPost, ws, `{"title":"Roadmap","description":"I led\u0085 the roadmap."}`, "description"},
		{"responsibility with ESC", a, http.MethodPut, "/api/v1/applicants/" + a.ID + "/profile",
			`{"responsibilities":["Ran the depot rollout","Chaired\u001b[31m reviews"]}`, "responsibilities[1]"},
		{"target_role with DEL", a, http.MethodPut, "/api/v1/applicants/" + a.ID + "/profile", `{"target_role":"Lead\u007f"}`, "target_role"},
		{"note body with NUL", advisor, http.MethodPost, "/api/v1/cases/" + caseID + "/notes", `{"body":"Call\u0000 back","visibility":"private"}`, "body"},
	} {
		rec := ts.do(t, tt.as, tt.method, tt.path, tt.body)
		p := checkProblem(t, tt.name, rec, http.StatusUnprocessableEntity)
		if len(p.Errors) == 0 || p.Errors[0].Field != tt.field {
			t.Errorf("%s: errors %+v; want the first to name %s", tt.name, p.Errors, tt.field)
		}
	}
	// Long text keeps line breaks and tabs.
	ts.mustDo(t, a, http.MethodPost, ws, `{"title":"Roadmap","description":"`+tmText+`\n\n\tSecond paragraph.\r\n"}`, http.StatusCreated, nil)
	ts.mustDo(t, advisor, http.MethodPost, "/api/v1/cases/"+caseID+"/notes", `{"body":"Line one\nLine\ttwo","visibility":"shared"}`, http.StatusCreated, nil)
	// A multipart upload's title is held to the same rule.
	up, ct := multipartBody(t, part{name: "title", content: []byte("Road\x00map")},
		part{name: "file", filename: "roadmap.txt", contentType: "text/plain", content: []byte(tmText)})
	p := checkProblem(t, "upload with a NUL in the title", ts.request(t, a.Token, http.MethodPost, ws, ct, up), http.StatusUnprocessableEntity)
	if len(p.Errors) == 0 || p.Errors[0].Field != "title" {
		t.Errorf("upload with a NUL in the title: errors %+v; want title", p.Errors)
	}
	// Passwords are never shown: any character goes.
	ts.mustDo(t, testUser{}, http.MethodPost, "/api/v1/auth/register",
		`{"email":"odd.password@example.org","password":"tab\there and bell\u0007","full_name":"Odd Password"}`, http.StatusCreated, nil)
}
