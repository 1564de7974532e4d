package httpapi_test

import (
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
)

// allMethods are the methods every path is tried with.
var allMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions}

var pathParam = regexp.MustCompile(`:[A-Za-z]+`)

// knownRoutes returns every route the server serves, path template to its
// methods, read from the router itself so routes added later are covered.
func knownRoutes(t *testing.T, ts *testServer) map[string][]string {
	t.Helper()
	e, ok := ts.h.(*echo.Echo)
	if !ok {
		t.Fatalf("NewServer returned %T; want *echo.Echo", ts.h)
	}
	routes := map[string][]string{}
	for _, r := range e.Routes() {
		if r.Method == echo.RouteNotFound || strings.Contains(r.Path, "*") {
			continue
		}
		routes[r.Path] = append(routes[r.Path], r.Method)
	}
	if len(routes) < 20 {
		t.Fatalf("the router lists %d routes; want the whole API", len(routes))
	}
	return routes
}

// Every unknown path is a 404 about:blank, whatever the method, body and
// caller, including paths that extend or split a route ending in a path
// parameter (which Echo's router would otherwise hand to that route).
func TestUnknownPathsAreNotFound(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	applicant, caseID := ts.advisedCase(t, advisor)
	note := ts.addNote(t, advisor, caseID, "shared", "Routing note.")
	sample := ts.submit(t, applicant, applicant.ID, "Routing sample", "I led the rollout plan for the new platform.")
	ids := map[string]string{":userID": advisor.ID, ":applicantID": applicant.ID, ":caseID": caseID,
		":noteID": note.ID, ":sampleID": sample.ID}
	fill := func(template string) string {
		return pathParam.ReplaceAllStringFunc(template, func(p string) string {
			if id, ok := ids[p]; ok {
				return id
			}
			return "0190c8a2-0000-7000-8000-000000000001"
		})
	}

	// The shapes the contract tools sent, then every route extended and
	// every parameter split.
	shapes := map[string]bool{
		"/api/v1/users/x/INVALID/PATH":        true,
		"/api/v1/users/INVALID/PATH":          true,
		"/api/v1/notes/" + note.ID + "/extra": true,
		"/api/v1/cases/" + caseID + "/extra":  true,
		"/api/v1/nothing-here":                true,
		"/api/v1/users/" + advisor.ID + "/":   true,
		"/api/v1/notes/" + note.ID + "//":     true,
		"/api/v1//notes/" + note.ID:           true,
	}
	routes := knownRoutes(t, ts)
	for template := range routes {
		shapes[fill(template)+"/extra"] = true
		shapes[fill(template)+"/x/INVALID/PATH"] = true
		for _, p := range pathParam.FindAllString(template, -1) {
			shapes[fill(strings.Replace(template, p, "x/INVALID/PATH", 1))] = true
		}
	}
	// /users plus /extra is /users/{id} with the id "extra": a known path.
	for p := range shapes {
		for template := range routes {
			if matchesTemplate(p, template) {
				delete(shapes, p)
			}
		}
	}
	bodies := []struct {
		name, contentType, body string
	}{
		{"no body", "", ""},
		{"empty object", "application/json", "{}"},
		{"a valid-looking body", "application/json", `{"full_name":"Routed","disabled":true,"body":"x","title":"t","description":"d"}`},
		{"malformed JSON", "application/json", `{"`},
		{"a form", "application/x-www-form-urlencoded", "a=b"},
		{"over every body limit", "application/json", strings.Repeat(" ", 3<<20)},
	}
	callers := []testUser{{}, admin, advisor, applicant}
	paths := make([]string, 0, len(shapes))
	for p := range shapes {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		for _, method := range allMethods {
			for _, b := range bodies {
				for _, u := range callers {
					var body io.Reader
					if b.body != "" {
						body = strings.NewReader(b.body)
					}
					what := method + " " + path + " with " + b.name + " as " + string(u.Role)
					rec := ts.request(t, u.Token, method, path, b.contentType, body)
					if method == http.MethodHead {
						if rec.Code != http.StatusNotFound || rec.Body.Len() != 0 {
							t.Errorf("%s = %d %q; want 404 without a body", what, rec.Code, rec.Body.String())
						}
						continue
					}
					p := checkProblem(t, what, rec, http.StatusNotFound)
					if p.Type != "about:blank" {
						t.Errorf("%s: type = %q; want about:blank", what, p.Type)
					}
					if allow := rec.Header().Get("Allow"); allow != "" {
						t.Errorf("%s: Allow = %q; an unknown path has no methods", what, allow)
					}
				}
			}
		}
	}
}

// A known path with a method it does not serve stays a 405 about:blank
// naming the methods it does serve, before any token or body is looked at.
func TestWrongMethodOnKnownPath(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	for template, methods := range knownRoutes(t, ts) {
		path := pathParam.ReplaceAllString(template, "0190c8a2-0000-7000-8000-000000000001")
		for _, method := range allMethods {
			if slices.Contains(methods, method) || method == http.MethodOptions || method == http.MethodHead {
				continue
			}
			for _, u := range []testUser{{}, admin} {
				rec := ts.request(t, u.Token, method, path, "application/json", strings.NewReader("{}"))
				what := method + " " + path + " as " + string(u.Role)
				p := checkProblem(t, what, rec, http.StatusMethodNotAllowed)
				if p.Type != "about:blank" {
					t.Errorf("%s: type = %q; want about:blank", what, p.Type)
				}
				allow := strings.Split(rec.Header().Get("Allow"), ", ")
				for _, m := range methods {
					if !slices.Contains(allow, m) {
						t.Errorf("%s: Allow = %q; want it to name %s", what, rec.Header().Get("Allow"), m)
					}
				}
			}
		}
	}
	// OPTIONS on a known path answers with its methods, not a 404.
	rec := ts.request(t, "", http.MethodOptions, "/api/v1/users", "", nil)
	if rec.Code != http.StatusNoContent || !strings.Contains(rec.Header().Get("Allow"), http.MethodPost) {
		t.Errorf("OPTIONS /api/v1/users = %d Allow %q; want 204 naming POST", rec.Code, rec.Header().Get("Allow"))
	}
}

// matchesTemplate reports whether path is an instance of the route template,
// each parameter standing for exactly one non-empty segment.
func matchesTemplate(path, template string) bool {
	ps, ts := strings.Split(path, "/"), strings.Split(template, "/")
	if len(ps) != len(ts) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ts[i], ":") {
			if ps[i] == "" {
				return false
			}
		} else if ps[i] != ts[i] {
			return false
		}
	}
	return true
}
