package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
)

// exportDoc is the export document as clients read it.
type exportDoc struct {
	Format  string `json:"format"`
	Scope   string `json:"scope"`
	Account struct {
		ID       string `json:"id"`
		Email    string `json:"email"`
		FullName string `json:"full_name"`
	} `json:"account"`
	Profile struct {
		TargetRole       *string  `json:"target_role"`
		Responsibilities []string `json:"responsibilities"`
	} `json:"profile"`
	Case struct {
		ID             string `json:"id"`
		Status         string `json:"status"`
		Recommendation *struct {
			Pathway   string `json:"pathway"`
			Rationale string `json:"rationale"`
		} `json:"recommendation"`
	} `json:"case"`
	StatusHistory []struct {
		From *string `json:"from"`
		To   string  `json:"to"`
	} `json:"status_history"`
	WorkSamples []struct {
		ID          string  `json:"id"`
		Description string  `json:"description"`
		Filename    *string `json:"filename"`
		Override    *struct {
			Reason string `json:"reason"`
		} `json:"override"`
	} `json:"work_samples"`
	UploadedFiles []struct {
		WorkSampleID string `json:"work_sample_id"`
		Filename     string `json:"filename"`
		Text         string `json:"text"`
	} `json:"uploaded_files"`
	Notes []struct {
		Body       string `json:"body"`
		Visibility string `json:"visibility"`
	} `json:"notes"`
	AuditEvents *[]struct {
		Action  string                     `json:"action"`
		CaseID  *string                    `json:"case_id"`
		Changes map[string]json.RawMessage `json:"changes"`
	} `json:"audit_events"`
}

// markedApplicant registers an applicant whose every piece of data carries
// mark, assigns them to advisor and fills their case: profile, a typed and
// an uploaded sample, an override, a private and a shared note, and a
// recommendation. It returns the applicant and their case.
func (ts *testServer) markedApplicant(t *testing.T, advisor testUser, mark string) (testUser, string) {
	t.Helper()
	email := strings.ToLower(mark) + "@example.org"
	name := "Name " + mark
	var reg struct {
		AccessToken string `json:"access_token"`
		User        struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	ts.mustDo(t, testUser{}, http.MethodPost, "/api/v1/auth/register",
		fmt.Sprintf(`{"email":%q,"password":%q,"full_name":%q}`, email, testPassword, name), http.StatusCreated, &reg)
	u := testUser{ID: reg.User.ID, Email: email, Name: name, Role: advising.RoleApplicant, Token: reg.AccessToken}
	app := "/api/v1/applicants/" + u.ID
	ts.mustDo(t, u, http.MethodPut, app+"/profile", fmt.Sprintf(`{"years_experience":6,"sector":"logistics",
		"responsibilities":["Responsibility %s"],"target_role":"Target %s","programme_interest":"undecided"}`, mark, mark), http.StatusOK, nil)
	var typed, uploaded struct {
		ID string `json:"id"`
	}
	ts.mustDo(t, u, http.MethodPost, app+"/work-samples",
		fmt.Sprintf(`{"title":"Roadmap %s","description":%q}`, mark, tmText+" Typed "+mark), http.StatusCreated, &typed)
	body, ct := multipartBody(t, part{name: "title", content: []byte("Review " + mark)},
		part{name: "file", filename: "review-" + mark + ".md", contentType: "text/markdown", content: []byte(emText + " Uploaded " + mark)})
	rec := ts.request(t, u.Token, http.MethodPost, app+"/work-samples", ct, body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("upload as %s = %d %s", mark, rec.Code, rec.Body.String())
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &uploaded)
	caseID := ts.caseOf(t, u.ID)
	ts.assign(t, caseID, advisor.ID)
	ts.mustDo(t, advisor, http.MethodPut, "/api/v1/work-samples/"+uploaded.ID+"/override",
		fmt.Sprintf(`{"label":"hybrid","reason":"Reason %s"}`, mark), http.StatusOK, nil)
	cs := "/api/v1/cases/" + caseID
	ts.mustDo(t, advisor, http.MethodPost, cs+"/notes", fmt.Sprintf(`{"body":"Private %s","visibility":"private"}`, mark), http.StatusCreated, nil)
	ts.mustDo(t, advisor, http.MethodPost, cs+"/notes", fmt.Sprintf(`{"body":"Shared %s","visibility":"shared"}`, mark), http.StatusCreated, nil)
	ts.moveTo(t, advisor, caseID, advising.StatusUnderReview)
	ts.mustDo(t, advisor, http.MethodPut, cs+"/recommendation",
		fmt.Sprintf(`{"pathway":"hybrid_syllabus_review","rationale":"Rationale %s"}`, mark), http.StatusOK, nil)
	return u, caseID
}

// Only the applicant themselves and admin may export or erase; an advisor
// is refused outright, anyone else sees nothing.
func TestPrivacyEndpointsRoles(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	other := ts.staff(t, advising.RoleAdvisor)
	applicant, _ := ts.advisedCase(t, advisor)
	stranger := ts.applicant(t)
	app := "/api/v1/applicants/" + applicant.ID
	pw := fmt.Sprintf(`{"password":%q}`, testPassword)
	tests := []struct {
		name         string
		as           testUser
		method, path string
		body         string
		want         int
	}{
		{"anonymous export", testUser{}, http.MethodGet, app + "/export", "", http.StatusUnauthorized},
		{"assigned advisor export", advisor, http.MethodGet, app + "/export", "", http.StatusForbidden},
		{"other advisor export", other, http.MethodGet, app + "/export", "", http.StatusForbidden},
		{"another applicant export", stranger, http.MethodGet, app + "/export", "", http.StatusNotFound},
		{"admin export of a staff account", admin, http.MethodGet, "/api/v1/applicants/" + advisor.ID + "/export", "", http.StatusNotFound},
		{"admin export of no one", admin, http.MethodGet, "/api/v1/applicants/no-such-id/export", "", http.StatusNotFound},
		{"anonymous erase", testUser{}, http.MethodDelete, app, pw, http.StatusUnauthorized},
		{"assigned advisor erase", advisor, http.MethodDelete, app, pw, http.StatusForbidden},
		{"another applicant erase", stranger, http.MethodDelete, app, fmt.Sprintf(`{"password":%q}`, testPassword), http.StatusNotFound},
		{"admin erase of a staff account", admin, http.MethodDelete, "/api/v1/applicants/" + advisor.ID, "", http.StatusNotFound},
		{"admin erase of admin", admin, http.MethodDelete, "/api/v1/applicants/" + admin.ID, "", http.StatusNotFound},
		{"applicant erase, wrong password", applicant, http.MethodDelete, app, `{"password":"not my password at all"}`, http.StatusUnprocessableEntity},
		{"applicant erase, no password", applicant, http.MethodDelete, app, `{}`, http.StatusUnprocessableEntity},
		{"applicant erase, no body", applicant, http.MethodDelete, app, "", http.StatusBadRequest},
		{"applicant erase, malformed body", applicant, http.MethodDelete, app, `{"password":`, http.StatusBadRequest},
		{"applicant export", applicant, http.MethodGet, app + "/export", "", http.StatusOK},
		{"admin export", admin, http.MethodGet, app + "/export", "", http.StatusOK},
	}
	for _, tt := range tests {
		rec := ts.do(t, tt.as, tt.method, tt.path, tt.body)
		if tt.want != http.StatusOK {
			checkProblem(t, tt.name+": "+tt.method+" "+tt.path, rec, tt.want)
		} else if rec.Code != tt.want {
			t.Errorf("%s: %s %s = %d %s; want %d", tt.name, tt.method, tt.path, rec.Code, rec.Body.String(), tt.want)
		}
	}
	// Nothing above erased anyone: the applicant still signs in.
	ts.login(t, applicant.Email, testPassword)

	// The applicant erases themselves; admin erases another applicant
	// without a body.
	ts.mustDo(t, applicant, http.MethodDelete, app, pw, http.StatusNoContent, nil)
	if rec := ts.request(t, admin.Token, http.MethodDelete, "/api/v1/applicants/"+stranger.ID, "", nil); rec.Code != http.StatusNoContent {
		t.Errorf("DELETE applicant as admin without a body = %d %s; want 204", rec.Code, rec.Body.String())
	}
	// Gone is gone: a second erasure is a 404 for admin.
	checkProblem(t, "second erasure", ts.do(t, admin, http.MethodDelete, app, ""), http.StatusNotFound)
}

// The applicant's export holds all of their data and nothing of anyone
// else's, never a private note; admin's also holds the private notes and
// the audit trail about them.
func TestExportContents(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	ada, adaCase := ts.markedApplicant(t, advisor, "AdaMark41")
	bob, _ := ts.markedApplicant(t, advisor, "BobMark77")

	rec := ts.do(t, ada, http.MethodGet, "/api/v1/applicants/"+ada.ID+"/export", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET export as the applicant = %d %s; want 200", rec.Code, rec.Body.String())
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ada.ID) ||
		strings.Contains(cd, "AdaMark41") {
		t.Errorf("Content-Disposition = %q; want an attachment named by id, not by name", cd)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q; want application/json", ct)
	}
	body := rec.Body.String()
	for _, want := range []string{"Name AdaMark41", "adamark41@example.org", "Responsibility AdaMark41", "Target AdaMark41",
		"Typed AdaMark41", "Uploaded AdaMark41", "review-AdaMark41.md", "Reason AdaMark41", "Shared AdaMark41", "Rationale AdaMark41"} {
		if !strings.Contains(body, want) {
			t.Errorf("applicant's export lacks %q:\n%s", want, body)
		}
	}
	for _, bad := range []string{"Private AdaMark41", "BobMark77", "bobmark77", bob.ID, "password", "audit_events"} {
		if strings.Contains(body, bad) {
			t.Errorf("applicant's export holds %q:\n%s", bad, body)
		}
	}
	var doc exportDoc
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("decode export: %v", err)
	}
	if doc.Format != "advising-applicant-export/1" || doc.Scope != "applicant" || doc.Account.ID != ada.ID || doc.Case.ID != adaCase ||
		doc.Case.Status != "recommended" || len(doc.WorkSamples) != 2 || len(doc.UploadedFiles) != 1 || len(doc.Notes) != 1 {
		t.Errorf("applicant's export = %+v; want format 1, scope applicant, their case recommended, 2 samples, 1 file, 1 shared note", doc)
	}
	var steps []string
	for _, s := range doc.StatusHistory {
		steps = append(steps, s.To)
	}
	if got := strings.Join(steps, ","); got != "new,evidence_collection,under_review,recommended" {
		t.Errorf("status_history = %s; want new,evidence_collection,under_review,recommended", got)
	}

	rec = ts.do(t, admin, http.MethodGet, "/api/v1/applicants/"+ada.ID+"/export", "")
	body = rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "Private AdaMark41") || strings.Contains(body, "BobMark77") {
		t.Fatalf("GET export as admin = %d; want 200 with the private note and nothing of Bob:\n%s", rec.Code, body)
	}
	doc = exportDoc{}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("decode admin export: %v", err)
	}
	if doc.Scope != "office" || len(doc.Notes) != 2 || doc.AuditEvents == nil {
		t.Fatalf("admin's export: scope %q, %d notes, audit %v; want office, 2 notes and the audit events", doc.Scope, len(doc.Notes), doc.AuditEvents != nil)
	}
	actions := map[string]bool{}
	for _, e := range *doc.AuditEvents {
		actions[e.Action] = true
		if e.CaseID != nil && *e.CaseID != adaCase {
			t.Errorf("admin's export holds an audit event of case %s", *e.CaseID)
		}
	}
	for _, want := range []string{"user.registered", "case.opened", "profile.updated", "work_sample.created", "note.created", "case.recommended"} {
		if !actions[want] {
			t.Errorf("admin's export has no %s audit event (has %v)", want, actions)
		}
	}
}

// After an erasure the person is gone everywhere: tokens, logins, every
// endpoint, caseloads and counts. The audit trail keeps its events by id,
// without field changes.
func TestErasureLeavesNoTrace(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	ada, adaCase := ts.markedApplicant(t, advisor, "AdaMark52")
	bob, bobCase := ts.markedApplicant(t, advisor, "BobMark53")
	var samples struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	ts.mustDo(t, ada, http.MethodGet, "/api/v1/applicants/"+ada.ID+"/work-samples", "", http.StatusOK, &samples)
	var dash struct {
		Caseload struct {
			Total int `json:"total"`
		} `json:"caseload"`
	}
	ts.mustDo(t, advisor, http.MethodGet, "/api/v1/dashboard", "", http.StatusOK, &dash)
	before := dash.Caseload.Total

	ts.mustDo(t, ada, http.MethodDelete, "/api/v1/applicants/"+ada.ID, fmt.Sprintf(`{"password":%q}`, testPassword), http.StatusNoContent, nil)

	checkProblem(t, "GET /me with the erased applicant's token", ts.do(t, ada, http.MethodGet, "/api/v1/me", ""), http.StatusUnauthorized)
	checkProblem(t, "login as the erased applicant", ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login",
		fmt.Sprintf(`{"email":%q,"password":%q}`, ada.Email, testPassword)), http.StatusUnauthorized)
	for _, path := range []string{"/api/v1/applicants/" + ada.ID, "/api/v1/applicants/" + ada.ID + "/profile",
		"/api/v1/applicants/" + ada.ID + "/work-samples", "/api/v1/applicants/" + ada.ID + "/case",
		"/api/v1/applicants/" + ada.ID + "/export", "/api/v1/cases/" + adaCase, "/api/v1/cases/" + adaCase + "/notes",
		"/api/v1/work-samples/" + samples.Items[0].ID} {
		checkProblem(t, "GET "+path+" as admin after erasure", ts.do(t, admin, http.MethodGet, path, ""), http.StatusNotFound)
	}
	checkProblem(t, "note on the erased case", ts.do(t, advisor, http.MethodPost, "/api/v1/cases/"+adaCase+"/notes",
		`{"body":"Too late.","visibility":"private"}`), http.StatusNotFound)

	var list caseList
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/cases?limit=100", "", http.StatusOK, &list)
	for _, c := range list.Items {
		if c.ID == adaCase || c.Applicant.ID == ada.ID {
			t.Errorf("GET /cases still lists the erased applicant's case")
		}
	}
	ts.mustDo(t, advisor, http.MethodGet, "/api/v1/dashboard", "", http.StatusOK, &dash)
	if dash.Caseload.Total != before-1 {
		t.Errorf("advisor's dashboard total after erasure = %d; want %d", dash.Caseload.Total, before-1)
	}
	var q caseList
	ts.mustDo(t, admin, http.MethodGet, "/api/v1/cases?q=AdaMark52", "", http.StatusOK, &q)
	if len(q.Items) != 0 {
		t.Errorf("GET /cases?q=<erased name> = %d cases; want 0", len(q.Items))
	}
	// The other applicant is untouched.
	ts.mustDo(t, bob, http.MethodGet, "/api/v1/applicants/"+bob.ID+"/case", "", http.StatusOK, nil)
	ts.mustDo(t, advisor, http.MethodGet, "/api/v1/cases/"+bobCase, "", http.StatusOK, nil)

	// The trail keeps its events about the case, with ids and no changes.
	var audit struct {
		Items []struct {
			Action   string                     `json:"action"`
			ActorID  *string                    `json:"actor_id"`
			EntityID string                     `json:"entity_id"`
			Changes  map[string]json.RawMessage `json:"changes"`
		} `json:"items"`
	}
	rec := ts.do(t, admin, http.MethodGet, "/api/v1/audit?case_id="+adaCase+"&limit=100", "")
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "AdaMark52") || strings.Contains(strings.ToLower(rec.Body.String()), "adamark52") {
		t.Fatalf("GET /audit after erasure = %d %s; want 200 without personal data", rec.Code, rec.Body.String())
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &audit)
	seen := map[string]bool{}
	for _, e := range audit.Items {
		seen[e.Action] = true
		if len(e.Changes) != 0 {
			t.Errorf("audit event %s keeps changes %v after erasure", e.Action, e.Changes)
		}
	}
	if !seen["applicant.erased"] || !seen["note.created"] || !seen["user.registered"] || !seen["case.recommended"] {
		t.Errorf("audit events of the erased case = %v; want the old events and applicant.erased", seen)
	}
}

// A wrong password at erasure counts as a failed sign-in: ten of them lock
// the email, for erasure and login alike.
func TestErasureWrongPasswordLocksOut(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	u := ts.applicant(t)
	path := "/api/v1/applicants/" + u.ID
	for i := range 10 {
		p := checkProblem(t, fmt.Sprintf("wrong password %d", i+1), ts.do(t, u, http.MethodDelete, path, `{"password":"wrong wrong wrong"}`),
			http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != "password" {
			t.Fatalf("wrong password: errors %+v; want one on the field password", p.Errors)
		}
	}
	rec := ts.do(t, u, http.MethodDelete, path, fmt.Sprintf(`{"password":%q}`, testPassword))
	checkProblem(t, "erasure with the right password once locked", rec, http.StatusTooManyRequests)
	if rec.Header().Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
	checkProblem(t, "login once locked", ts.do(t, testUser{}, http.MethodPost, "/api/v1/auth/login",
		fmt.Sprintf(`{"email":%q,"password":%q}`, u.Email, testPassword)), http.StatusTooManyRequests)
	ts.mustDo(t, u, http.MethodGet, "/api/v1/me", "", http.StatusOK, nil) // nothing was erased
}

// An advisor writing notes while the applicant erases: every note request
// is a 201 before the erasure or a 404 after it, never a 5xx, and nothing
// of the case is left behind (not a note, not a sample).
func TestErasureDuringConcurrentNotes(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	applicant, caseID := ts.advisedCase(t, advisor)
	ts.samples(t, applicant.ID, caseID, advising.LabelTechnologyManagement)

	const writers, notesEach = 4, 15
	var wg sync.WaitGroup
	codes := make(chan int, 2*writers*notesEach+4*notesEach)
	start := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range notesEach {
				rec := ts.do(t, advisor, http.MethodPost, "/api/v1/cases/"+caseID+"/notes",
					fmt.Sprintf(`{"body":"Note %d-%d","visibility":"private"}`, w, i))
				codes <- rec.Code
				rec = ts.do(t, advisor, http.MethodGet, "/api/v1/cases/"+caseID, "")
				codes <- rec.Code
			}
		}()
	}
	// The applicant's own requests and the advisor's lists run alongside:
	// before the erasure they succeed, after it the applicant's token is
	// refused (401) and the records are gone (404).
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for i := range notesEach {
			for _, r := range []struct {
				as           testUser
				method, path string
				body         string
			}{
				{applicant, http.MethodGet, "/api/v1/applicants/" + applicant.ID + "/case", ""},
				{applicant, http.MethodPost, "/api/v1/applicants/" + applicant.ID + "/work-samples",
					fmt.Sprintf(`{"title":"Late sample %d","description":%q}`, i, tmText)},
				{advisor, http.MethodGet, "/api/v1/cases?limit=10", ""},
				{advisor, http.MethodGet, "/api/v1/dashboard", ""},
			} {
				codes <- ts.do(t, r.as, r.method, r.path, r.body).Code
			}
		}
	}()
	close(start)
	erase := ts.do(t, applicant, http.MethodDelete, "/api/v1/applicants/"+applicant.ID, fmt.Sprintf(`{"password":%q}`, testPassword))
	wg.Wait()
	close(codes)
	if erase.Code != http.StatusNoContent {
		t.Fatalf("erasure during note writing = %d %s; want 204", erase.Code, erase.Body.String())
	}
	for code := range codes {
		if code != http.StatusCreated && code != http.StatusOK && code != http.StatusNotFound && code != http.StatusUnauthorized {
			t.Errorf("a request during the erasure answered %d; want 200, 201, 401 or 404", code)
		}
	}
	left, err := ts.st.ListNotes(context.Background(), store.NoteFilter{CaseID: caseID})
	if err != nil || len(left) != 0 {
		t.Errorf("notes left on the erased case: %d (err %v); want none", len(left), err)
	}
	if _, err := ts.st.CaseAccessByID(context.Background(), caseID); advising.ErrorCode(err) != advising.CodeNotFound {
		t.Errorf("the erased case still reads: %v", err)
	}
	if n, err := ts.st.CountWorkSamples(context.Background(), applicant.ID); err != nil || n != 0 {
		t.Errorf("work samples left after erasure: %d (err %v)", n, err)
	}
}

// After an erasure none of the applicant's data can be read out of the
// database's files (db, -wal, -shm), though the server is still running.
func TestErasureLeavesNothingInTheFiles(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "advising.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	ts := newTestServerOn(t, st)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	// Enough other people that the tables and the email index span many
	// pages, so deleted entries leave interior pages and freed pages behind.
	ts.bulkCases(t, 400, advisor.ID)
	const mark = "Qx7Marker"
	ada, _ := ts.markedApplicant(t, advisor, mark)
	markers := []string{"Name " + mark, strings.ToLower(mark) + "@example.org", "Typed " + mark, "Uploaded " + mark,
		"Private " + mark, "Shared " + mark, "Responsibility " + mark, "Target " + mark, "Reason " + mark, "Rationale " + mark,
		"review-" + mark}
	// The files hold the markers now (so the check below can fail).
	if found := markersIn(t, path, markers); len(found) == 0 {
		t.Fatalf("no marker in the database files before the erasure; the check cannot see them")
	}

	for _, who := range []string{"applicant", "admin"} {
		u := ada
		body := fmt.Sprintf(`{"password":%q}`, testPassword)
		if who == "admin" {
			u, body = admin, ""
			ada, _ = ts.markedApplicant(t, advisor, mark)
		}
		ts.mustDo(t, u, http.MethodDelete, "/api/v1/applicants/"+ada.ID, body, http.StatusNoContent, nil)
		if found := markersIn(t, path, markers); len(found) > 0 {
			t.Errorf("after erasure by %s the database files still hold %v", who, found)
		}
	}
}

// markersIn returns "file: marker" for each marker found in the database
// file or its -wal and -shm companions.
func markersIn(t *testing.T, path string, markers []string) []string {
	t.Helper()
	var found []string
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		for _, m := range markers {
			if bytes.Contains(b, []byte(m)) {
				found = append(found, filepath.Base(f)+": "+m)
			}
		}
	}
	return found
}

// The audit trail filters by action and time, so the office can list its
// erasures (the register a restore from backup needs).
func TestAuditFiltersListErasures(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	first, second, kept := ts.applicant(t), ts.applicant(t), ts.applicant(t)
	ts.mustDo(t, admin, http.MethodDelete, "/api/v1/applicants/"+first.ID, "", http.StatusNoContent, nil)
	ts.clock.Advance(2 * time.Hour) // within the tokens' 8 hours
	ts.mustDo(t, admin, http.MethodDelete, "/api/v1/applicants/"+second.ID, "", http.StatusNoContent, nil)
	day := ts.clock.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	tests := []struct {
		query string
		want  []string // entity ids, newest first
	}{
		{"action=applicant.erased", []string{second.ID, first.ID}},
		{"action=applicant.erased&since=" + day, []string{second.ID}},
		{"action=applicant.erased&until=" + day, []string{first.ID}},
		{"action=no.such.action", nil},
	}
	for _, tt := range tests {
		var out struct {
			Items []struct {
				Action   string `json:"action"`
				EntityID string `json:"entity_id"`
			} `json:"items"`
		}
		ts.mustDo(t, admin, http.MethodGet, "/api/v1/audit?"+tt.query, "", http.StatusOK, &out)
		var got []string
		for _, e := range out.Items {
			got = append(got, e.EntityID)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("GET /audit?%s = %v; want %v", tt.query, got, tt.want)
		}
	}
	for _, bad := range []string{"since=yesterday", "until=2026-13-01T00:00:00Z", "since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
		"action=" + strings.Repeat("a", 65)} {
		checkProblem(t, "GET /audit?"+bad, ts.do(t, admin, http.MethodGet, "/api/v1/audit?"+bad, ""), http.StatusUnprocessableEntity)
	}
	checkProblem(t, "GET /audit as an applicant", ts.do(t, kept, http.MethodGet, "/api/v1/audit?action=applicant.erased", ""), http.StatusForbidden)
}
