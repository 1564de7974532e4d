package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"advising/internal/advising"
)

// contract checks answers from the real router against docs/openapi.yaml.
type contract struct {
	t      *testing.T
	ts     *testServer
	doc    *openapi3.T
	router routers.Router
	hit    map[string]bool // operation ids exercised
}

func newContract(t *testing.T) *contract {
	t.Helper()
	return newContractOn(t, newTestServer(t))
}

// newContractOn is newContract over a given test server.
func newContractOn(t *testing.T, ts *testServer) *contract {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatalf("load docs/openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("docs/openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("route docs/openapi.yaml: %v", err)
	}
	return &contract{t: t, ts: ts, doc: doc, router: router, hit: map[string]bool{}}
}

// call sends one request as u, fails the test unless the answer has status
// want, and checks the answer against the document.
func (c *contract) call(u testUser, method, path, contentType string, body io.Reader, want int, header ...string) *httptest.ResponseRecorder {
	c.t.Helper()
	var raw []byte
	if body != nil {
		var err error
		if raw, err = io.ReadAll(body); err != nil {
			c.t.Fatalf("read request body: %v", err)
		}
	}
	rec := c.ts.request(c.t, u.Token, method, path, contentType, bytes.NewReader(raw), header...)
	if rec.Code != want {
		c.t.Fatalf("%s %s = %d %s; want %d", method, path, rec.Code, rec.Body.String(), want)
	}
	if err := c.validate(method, path, rec); err != nil {
		c.t.Errorf("%s %s %d: %v", method, path, rec.Code, err)
	}
	return rec
}

// json is call with a JSON body (none when body is "").
func (c *contract) json(u testUser, method, path, body string, want int, header ...string) *httptest.ResponseRecorder {
	c.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	return c.call(u, method, path, "application/json", r, want, header...)
}

// jsonOut is json, decoding the answer into out.
func (c *contract) jsonOut(u testUser, method, path, body string, want int, out any, header ...string) *httptest.ResponseRecorder {
	c.t.Helper()
	rec := c.json(u, method, path, body, want, header...)
	if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
		c.t.Fatalf("%s %s: decode %s: %v", method, path, rec.Body.String(), err)
	}
	return rec
}

// validate finds the documented operation for the request and checks the
// response's status, declared headers, content type and (for JSON) body.
func (c *contract) validate(method, path string, rec *httptest.ResponseRecorder) error {
	req := httptest.NewRequest(method, path, nil)
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("no documented operation: %v", err)
	}
	c.hit[route.Operation.OperationID] = true

	ref := route.Operation.Responses.Status(rec.Code)
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("status %d is not documented for %s", rec.Code, route.Operation.OperationID)
	}
	resp := ref.Value
	for name := range resp.Headers {
		if rec.Header().Get(name) == "" {
			return fmt.Errorf("declared header %s is missing", name)
		}
	}
	ct := rec.Header().Get("Content-Type")
	if len(resp.Content) == 0 {
		if rec.Body.Len() != 0 {
			return fmt.Errorf("the document declares no body, the server sent %q (%s)", rec.Body.String(), ct)
		}
		return nil
	}
	if resp.Content.Get(ct) == nil {
		return fmt.Errorf("Content-Type %q is not one of the documented %v", ct, slices.Sorted(maps.Keys(resp.Content)))
	}
	media, _, _ := mime.ParseMediaType(ct)
	isJSON := media == "application/json" || strings.HasSuffix(media, "+json")
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
			ExcludeResponseBody:   !isJSON,
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		return err
	}
	if !isJSON {
		return nil
	}
	// The schemas leave objects open, so a member the document does not
	// describe would pass; look for those too.
	var v any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		return fmt.Errorf("body is not JSON: %v", err)
	}
	var extra []string
	undocumented("", v, resp.Content.Get(ct).Schema.Value, &extra)
	if len(extra) > 0 {
		slices.Sort(extra)
		return fmt.Errorf("members the document does not describe: %s", strings.Join(slices.Compact(extra), ", "))
	}
	return nil
}

// undocumented appends to out the JSON pointer of every object member in v
// that schema s (with its allOf, oneOf and anyOf branches) does not declare,
// unless the object allows additional properties.
func undocumented(at string, v any, s *openapi3.Schema, out *[]string) {
	var branches func(s *openapi3.Schema, f func(*openapi3.Schema))
	branches = func(s *openapi3.Schema, f func(*openapi3.Schema)) {
		if s == nil {
			return
		}
		f(s)
		for _, list := range [][]*openapi3.SchemaRef{s.AllOf, s.OneOf, s.AnyOf} {
			for _, r := range list {
				branches(r.Value, f)
			}
		}
	}
	switch v := v.(type) {
	case map[string]any:
		props := map[string][]*openapi3.Schema{}
		declares, open := false, false
		branches(s, func(b *openapi3.Schema) {
			for k, p := range b.Properties {
				declares = true
				props[k] = append(props[k], p.Value)
			}
			if ap := b.AdditionalProperties; (ap.Has != nil && *ap.Has) || ap.Schema != nil {
				open = true
			}
		})
		for k, x := range v {
			ps, ok := props[k]
			if !ok {
				if declares && !open {
					*out = append(*out, at+"/"+k)
				}
				continue
			}
			for _, p := range ps {
				undocumented(at+"/"+k, x, p, out)
			}
		}
	case []any:
		var items []*openapi3.Schema
		branches(s, func(b *openapi3.Schema) {
			if b.Items != nil {
				items = append(items, b.Items.Value)
			}
		})
		for i, x := range v {
			for _, it := range items {
				undocumented(fmt.Sprintf("%s/%d", at, i), x, it, out)
			}
		}
	}
}

// TestOpenAPIContract builds a small office through the API and checks an
// answer from every documented operation, plus the common refusals, against
// docs/openapi.yaml.
func TestOpenAPIContract(t *testing.T) {
	t.Parallel()
	c := newContract(t)
	ts := c.ts
	anon := testUser{}

	// Operations.
	c.json(anon, http.MethodGet, "/healthz", "", http.StatusOK)
	c.json(anon, http.MethodGet, "/readyz", "", http.StatusOK)
	c.json(anon, http.MethodGet, "/metrics", "", http.StatusOK)
	c.json(anon, http.MethodGet, "/api/v1/openapi.yaml", "", http.StatusOK)

	// Identity.
	admin := ts.firstAdmin(t)
	var reg struct {
		AccessToken string `json:"access_token"`
		User        struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	c.jsonOut(anon, http.MethodPost, "/api/v1/auth/register",
		fmt.Sprintf(`{"email":"ada@example.org","password":%q,"full_name":"Ada Applicant"}`, testPassword), http.StatusCreated, &reg)
	applicant := testUser{ID: reg.User.ID, Email: "ada@example.org", Role: advising.RoleApplicant, Token: reg.AccessToken}
	c.json(anon, http.MethodPost, "/api/v1/auth/login", fmt.Sprintf(`{"email":"ada@example.org","password":%q}`, testPassword), http.StatusOK)
	c.json(applicant, http.MethodGet, "/api/v1/me", "", http.StatusOK)
	var created struct {
		ID string `json:"id"`
	}
	c.jsonOut(admin, http.MethodPost, "/api/v1/users",
		fmt.Sprintf(`{"email":"ben@example.org","password":%q,"full_name":"Ben Advisor","role":"advisor"}`, testPassword), http.StatusCreated, &created)
	advisor := ts.login(t, "ben@example.org", testPassword)
	c.json(admin, http.MethodGet, "/api/v1/users?role=advisor&limit=10", "", http.StatusOK)
	c.json(admin, http.MethodPatch, "/api/v1/users/"+created.ID, `{"full_name":"Ben B. Advisor"}`, http.StatusOK)

	// The applicant's profile and evidence.
	app := "/api/v1/applicants/" + applicant.ID
	c.json(applicant, http.MethodPut, app+"/profile", `{"years_experience":7,"sector":"logistics",
		"responsibilities":["Ran the rollout of a warehouse management platform across five depots"],
		"target_role":"Lead digital transformation of regional distribution","programme_interest":"undecided",
		"study_mode":"part_time","target_intake":"2027-09","self_assessment":{"strategic_thinking":4,"problem_solving":4,
		"communication":3,"team_building":3,"adaptability":5,"ethical_data_driven_decision_making":2}}`, http.StatusOK)
	c.json(applicant, http.MethodGet, app+"/profile", "", http.StatusOK)
	c.json(applicant, http.MethodGet, app, "", http.StatusOK)
	var tm, em struct {
		ID string `json:"id"`
	}
	c.jsonOut(applicant, http.MethodPost, app+"/work-samples", fmt.Sprintf(`{"title":%q,"description":%q}`, tmTitle, tmText), http.StatusCreated, &tm)
	body, ct := multipartBody(t, part{name: "title", content: []byte(emTitle)},
		part{name: "file", filename: "review.md", contentType: "text/markdown", content: []byte(emText)})
	rec := c.call(applicant, http.MethodPost, app+"/work-samples", ct, body, http.StatusCreated)
	if err := json.Unmarshal(rec.Body.Bytes(), &em); err != nil {
		t.Fatalf("decode upload: %v", err)
	}
	var doc struct {
		ID string `json:"id"`
	}
	body, ct = multipartBody(t, part{name: "title", content: []byte(tmTitle)},
		part{name: "file", filename: "roadmap.pdf", contentType: "application/pdf", content: fixture(t, "roadmap.pdf")})
	rec = c.call(applicant, http.MethodPost, app+"/work-samples", ct, body, http.StatusCreated)
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("decode PDF upload: %v", err)
	}
	c.json(applicant, http.MethodGet, "/api/v1/work-samples/"+doc.ID+"/file", "", http.StatusOK)
	c.json(applicant, http.MethodGet, "/api/v1/work-samples/"+tm.ID+"/file", "", http.StatusNotFound)
	c.json(applicant, http.MethodGet, app+"/work-samples?limit=5", "", http.StatusOK)
	c.json(applicant, http.MethodGet, "/api/v1/work-samples/"+tm.ID, "", http.StatusOK)
	c.json(applicant, http.MethodPut, "/api/v1/work-samples/"+tm.ID, fmt.Sprintf(`{"title":%q,"description":%q}`, tmTitle, tmText+" It is still running."), http.StatusOK)

	// The case: assigned, moved to evidence collection.
	var ac struct {
		ID string `json:"id"`
	}
	c.jsonOut(admin, http.MethodGet, app+"/case", "", http.StatusOK, &ac)
	cs := "/api/v1/cases/" + ac.ID
	c.json(admin, http.MethodPut, cs+"/assignment", fmt.Sprintf(`{"advisor_id":%q}`, advisor.ID), http.StatusOK)
	etag := c.json(advisor, http.MethodGet, cs, "", http.StatusOK).Header().Get("ETag")
	c.json(advisor, http.MethodPatch, cs, `{"status":"evidence_collection","next_follow_up_at":"2026-12-01T09:00:00Z"}`, http.StatusOK, "If-Match", etag)

	// Overrides and notes.
	ov := "/api/v1/work-samples/" + em.ID + "/override"
	c.json(advisor, http.MethodPut, ov, `{"label":"engineering_management","reason":"Owned the design reviews."}`, http.StatusOK)
	c.json(advisor, http.MethodDelete, ov, "", http.StatusNoContent)
	c.json(advisor, http.MethodPut, ov, `{"label":"hybrid","reason":"Reviews and the business case both."}`, http.StatusOK)
	var private, shared struct {
		ID string `json:"id"`
	}
	c.jsonOut(advisor, http.MethodPost, cs+"/notes", `{"body":"Check the dates on the roadmap.","visibility":"private"}`, http.StatusCreated, &private)
	c.jsonOut(advisor, http.MethodPost, cs+"/notes", `{"body":"Please add one more sample.","visibility":"shared"}`, http.StatusCreated, &shared)
	c.json(advisor, http.MethodGet, cs+"/notes?limit=10", "", http.StatusOK)
	c.json(advisor, http.MethodPatch, "/api/v1/notes/"+shared.ID, `{"body":"Please add one more work sample."}`, http.StatusOK)
	c.json(applicant, http.MethodGet, app+"/case", "", http.StatusOK)
	c.json(advisor, http.MethodGet, "/api/v1/cases?status=evidence_collection&sort=-updated_at", "", http.StatusOK)
	c.json(admin, http.MethodGet, "/api/v1/cases?unassigned=true", "", http.StatusOK)
	c.json(advisor, http.MethodGet, "/api/v1/dashboard", "", http.StatusOK)
	c.json(admin, http.MethodGet, "/api/v1/dashboard", "", http.StatusOK)

	// Refusals.
	c.json(anon, http.MethodGet, "/api/v1/me", "", http.StatusUnauthorized)
	c.json(anon, http.MethodPost, "/api/v1/auth/login", `{"email":"ada@example.org","password":"not the password"}`, http.StatusUnauthorized)
	c.json(applicant, http.MethodGet, "/api/v1/cases", "", http.StatusForbidden)
	c.json(admin, http.MethodGet, "/api/v1/cases/no-such-case", "", http.StatusNotFound)
	c.json(advisor, http.MethodPatch, cs, `{"status":"recommended"}`, http.StatusConflict)
	c.json(advisor, http.MethodPatch, cs, `{"status":"under_review"}`, http.StatusPreconditionFailed, "If-Match", `"stale"`)
	c.json(anon, http.MethodPost, "/api/v1/auth/register", `{"email":"not an email","password":"short","full_name":""}`, http.StatusUnprocessableEntity)
	c.json(anon, http.MethodPost, "/api/v1/auth/register", `{"email":`, http.StatusBadRequest)
	body, ct = multipartBody(t, part{name: "title", content: []byte("Plan")},
		part{name: "file", filename: "plan.pdf", contentType: "application/pdf", content: []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")})
	c.call(applicant, http.MethodPost, app+"/work-samples", ct, body, http.StatusUnsupportedMediaType)

	// Recommendation, then the admin's and the ending operations.
	c.json(advisor, http.MethodPut, cs+"/recommendation", `{"pathway":"hybrid_syllabus_review","rationale":"Evidence on both sides."}`, http.StatusOK)
	c.json(admin, http.MethodGet, "/api/v1/audit?case_id="+ac.ID+"&limit=20", "", http.StatusOK)
	c.json(admin, http.MethodGet, "/api/v1/insights/classification", "", http.StatusOK)
	c.json(advisor, http.MethodGet, "/api/v1/insights/classification?since=2026-01-01T00:00:00Z", "", http.StatusOK)
	c.json(admin, http.MethodGet, "/api/v1/insights/overrides", "", http.StatusOK)
	c.json(advisor, http.MethodGet, "/api/v1/insights/overrides", "", http.StatusForbidden)
	c.json(admin, http.MethodPost, "/api/v1/admin/reclassify?dry_run=true", "", http.StatusOK)
	c.json(admin, http.MethodPost, "/api/v1/admin/reclassify", "", http.StatusOK)
	c.json(advisor, http.MethodDelete, "/api/v1/notes/"+private.ID, "", http.StatusNoContent)
	c.json(applicant, http.MethodDelete, "/api/v1/work-samples/"+tm.ID, "", http.StatusNoContent)
	// Privacy: the applicant's copy, admin's, the refusals, then erasure.
	c.json(applicant, http.MethodGet, app+"/export", "", http.StatusOK)
	c.json(admin, http.MethodGet, app+"/export", "", http.StatusOK)
	c.json(advisor, http.MethodGet, app+"/export", "", http.StatusForbidden)
	c.json(advisor, http.MethodDelete, app, `{"password":"whatever it is"}`, http.StatusForbidden)
	c.json(applicant, http.MethodDelete, app, `{"password":"not the password"}`, http.StatusUnprocessableEntity)
	c.json(applicant, http.MethodPost, "/api/v1/me/password",
		fmt.Sprintf(`{"current_password":%q,"new_password":"an even better passphrase"}`, testPassword), http.StatusNoContent)
	c.json(admin, http.MethodDelete, app, "", http.StatusNoContent)
	c.json(admin, http.MethodGet, app+"/export", "", http.StatusNotFound)
	c.json(admin, http.MethodGet, "/api/v1/audit?action=applicant.erased&since=2026-01-01T00:00:00Z&until=2099-01-01T00:00:00Z", "", http.StatusOK)
	c.json(admin, http.MethodGet, "/api/v1/audit?since=yesterday", "", http.StatusUnprocessableEntity)
	c.json(advisor, http.MethodPost, "/api/v1/auth/logout", "", http.StatusNoContent)
	c.json(advisor, http.MethodPost, "/api/v1/auth/logout", "", http.StatusUnauthorized)
	for range 10 {
		c.json(anon, http.MethodPost, "/api/v1/auth/login", `{"email":"locked@example.org","password":"not the password"}`, http.StatusUnauthorized)
	}
	c.json(anon, http.MethodPost, "/api/v1/auth/login", `{"email":"locked@example.org","password":"not the password"}`, http.StatusTooManyRequests)

	// Every documented operation was exercised.
	var missed []string
	for path, item := range c.doc.Paths.Map() {
		for method, op := range item.Operations() {
			if !c.hit[op.OperationID] {
				missed = append(missed, fmt.Sprintf("%s %s (%s)", method, path, op.OperationID))
			}
		}
	}
	slices.Sort(missed)
	if len(missed) > 0 {
		t.Errorf("documented operations not exercised:\n%s", strings.Join(missed, "\n"))
	}
}
