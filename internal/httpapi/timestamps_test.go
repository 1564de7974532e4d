package httpapi_test

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"advising/internal/advising"
)

// stamps collects every timestamp in a JSON document, by its path: members
// named "at" or ending in "_at" that hold a string.
func stamps(t testing.TB, doc any, prefix string, into map[string]string) {
	t.Helper()
	switch v := doc.(type) {
	case map[string]any:
		for k, m := range v {
			if s, ok := m.(string); ok && (k == "at" || strings.HasSuffix(k, "_at")) {
				into[prefix+k] = s
				continue
			}
			stamps(t, m, prefix+k+".", into)
		}
	case []any:
		for i, m := range v {
			stamps(t, m, fmt.Sprintf("%s%d.", prefix, i), into)
		}
	}
}

// utcMicro is the one format of every timestamp the API writes: RFC 3339 in
// UTC with at most six fractional digits, the precision every write keeps.
var utcMicro = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$`)

// A write's response shows the timestamps exactly as a read straight after
// returns them, for every resource that has any, and each is UTC with at
// most microseconds. The clock carries nanoseconds and moves on between the
// write and the read, so a time picked or rounded anywhere else shows.
func TestWritesAnswerTheStoredTimestamps(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tick := func() { ts.clock.Advance(1*time.Second + 789*time.Nanosecond) }
	ts.clock.Set(time.Date(2026, 11, 22, 9, 0, 0, 123456789, time.UTC))
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	applicant := ts.applicant(t)
	caseID := ts.caseOf(t, applicant.ID)

	// read fetches path as u and returns the object with the given id: the
	// document itself, its member sub, or the list item with that id.
	read := func(t *testing.T, u testUser, path, sub, id string) map[string]any {
		t.Helper()
		var doc map[string]any
		ts.mustDo(t, u, http.MethodGet, path, "", http.StatusOK, &doc)
		if items, ok := doc["items"].([]any); ok {
			for _, it := range items {
				if m, ok := it.(map[string]any); ok && m["id"] == id {
					return m
				}
			}
			t.Fatalf("GET %s has no item %s", path, id)
		}
		if sub != "" {
			m, _ := doc[sub].(map[string]any)
			return m
		}
		return doc
	}
	var sampleID, noteID, userID string
	steps := []struct {
		name             string
		as               testUser
		method, path     string
		body             string
		want             int
		sub              string  // the resource's member in the write's response, if not the whole body
		saveID           *string // keeps the written resource's id for later steps
		readAs           testUser
		readPath         func() string
		readSub, readFor string // the member or list item (by the written id) to compare
	}{
		{name: "register", method: http.MethodPost, path: "/api/v1/auth/register",
			body: `{"email":"stamps@example.org","password":"correct horse battery","full_name":"Stamp Applicant"}`,
			want: http.StatusCreated, sub: "user", readAs: admin,
			readPath: func() string { return "/api/v1/users?role=applicant&limit=100" }},
		{name: "create a user", as: admin, method: http.MethodPost, path: "/api/v1/users",
			body: `{"email":"stamp.advisor@example.org","password":"correct horse battery","full_name":"Stamp Advisor","role":"advisor"}`,
			want: http.StatusCreated, saveID: &userID, readAs: admin,
			readPath: func() string { return "/api/v1/users?role=advisor&limit=100" }},
		{name: "update a user", as: admin, method: http.MethodPatch, path: "/api/v1/users/{user}", body: `{"full_name":"Stamp Renamed"}`,
			want: http.StatusOK, readAs: admin, readPath: func() string { return "/api/v1/users?role=advisor&limit=100" }},
		{name: "replace a profile", as: applicant, method: http.MethodPut, path: "/api/v1/applicants/" + applicant.ID + "/profile",
			body: `{"years_experience":6,"sector":"logistics","target_intake":"2027-09"}`, want: http.StatusOK,
			readAs: applicant, readPath: func() string { return "/api/v1/applicants/" + applicant.ID + "/profile" }},
		{name: "a profile in the applicant", as: applicant, method: http.MethodPut, path: "/api/v1/applicants/" + applicant.ID + "/profile",
			body: `{"years_experience":7}`, want: http.StatusOK,
			readAs: admin, readPath: func() string { return "/api/v1/applicants/" + applicant.ID }, readSub: "profile"},
		{name: "submit a work sample", as: applicant, method: http.MethodPost, path: "/api/v1/applicants/" + applicant.ID + "/work-samples",
			body: `{"title":"Roadmap","description":"I led the two-year technology roadmap and wrote the business case."}`,
			want: http.StatusCreated, saveID: &sampleID,
			readAs: applicant, readPath: func() string { return "/api/v1/work-samples/" + sampleID }},
		{name: "replace a work sample", as: applicant, method: http.MethodPut, path: "/api/v1/work-samples/{sample}",
			body: `{"title":"Roadmap v2","description":"I owned the platform roadmap and chaired its governance review."}`,
			want: http.StatusOK, readAs: applicant, readPath: func() string { return "/api/v1/applicants/" + applicant.ID + "/work-samples" }},
		{name: "assign a case", as: admin, method: http.MethodPut, path: "/api/v1/cases/" + caseID + "/assignment",
			body: `{"advisor_id":"{advisor}"}`, want: http.StatusOK,
			readAs: admin, readPath: func() string { return "/api/v1/cases/" + caseID }},
		{name: "override a label", as: advisor, method: http.MethodPut, path: "/api/v1/work-samples/{sample}/override",
			body: `{"label":"engineering_management","reason":"The review was of the design."}`, want: http.StatusOK,
			readAs: advisor, readPath: func() string { return "/api/v1/work-samples/" + sampleID }},
		{name: "update a case", as: advisor, method: http.MethodPatch, path: "/api/v1/cases/" + caseID,
			body: `{"status":"evidence_collection","next_follow_up_at":"2026-12-15T09:00:00.123456789+08:00"}`, want: http.StatusOK,
			readAs: advisor, readPath: func() string { return "/api/v1/cases/" + caseID }},
		{name: "recommend", as: advisor, method: http.MethodPut, path: "/api/v1/cases/" + caseID + "/recommendation",
			body: `{"pathway":"technology_management","rationale":"Roadmap ownership throughout."}`, want: http.StatusOK,
			readAs: admin, readPath: func() string { return "/api/v1/cases/" + caseID }},
		{name: "add a note", as: advisor, method: http.MethodPost, path: "/api/v1/cases/" + caseID + "/notes",
			body: `{"body":"Call on Monday.","visibility":"shared"}`, want: http.StatusCreated, saveID: &noteID,
			readAs: advisor, readPath: func() string { return "/api/v1/cases/" + caseID + "/notes" }},
		{name: "edit a note", as: advisor, method: http.MethodPatch, path: "/api/v1/notes/{note}", body: `{"body":"Call on Tuesday."}`,
			want: http.StatusOK, readAs: admin, readPath: func() string { return "/api/v1/cases/" + caseID + "/notes" }},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			tick()
			r := strings.NewReplacer("{user}", userID, "{sample}", sampleID, "{note}", noteID, "{advisor}", advisor.ID)
			path, body := r.Replace(st.path), r.Replace(st.body)
			var doc map[string]any
			ts.mustDo(t, st.as, st.method, path, body, st.want, &doc)
			written := doc
			if st.sub != "" {
				written, _ = doc[st.sub].(map[string]any)
			}
			id, _ := written["id"].(string)
			if st.saveID != nil {
				*st.saveID = id
			}
			tick()
			got := read(t, st.readAs, st.readPath(), st.readSub, id)
			want, have := map[string]string{}, map[string]string{}
			stamps(t, written, "", want)
			stamps(t, got, "", have)
			if len(want) == 0 {
				t.Fatalf("%s %s answered no timestamps: %v", st.method, path, written)
			}
			keys := make([]string, 0, len(want))
			for k := range want {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if !utcMicro.MatchString(want[k]) {
					t.Errorf("%s %s: %s = %q; want UTC RFC 3339 with at most microseconds", st.method, path, k, want[k])
				}
				if have[k] != want[k] {
					t.Errorf("%s %s answered %s = %q; GET %s then = %q", st.method, path, k, want[k], st.readPath(), have[k])
				}
			}
			for k := range have {
				if _, ok := want[k]; !ok {
					t.Errorf("GET %s has %s = %q, which %s %s did not answer", st.readPath(), k, have[k], st.method, path)
				}
			}
		})
	}
}
