package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"advising/internal/advising"
)

type noteBody struct {
	ID     string `json:"id"`
	CaseID string `json:"case_id"`
	Author struct {
		ID       string `json:"id"`
		FullName string `json:"full_name"`
	} `json:"author"`
	Body       string    `json:"body"`
	Visibility string    `json:"visibility"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

type noteList struct {
	Items      []noteBody `json:"items"`
	NextCursor *string    `json:"next_cursor"`
}

func (ts *testServer) addNote(t testing.TB, u testUser, caseID, visibility, body string) noteBody {
	t.Helper()
	var n noteBody
	rec := ts.do(t, u, http.MethodPost, "/api/v1/cases/"+caseID+"/notes", fmt.Sprintf(`{"body":%q,"visibility":%q}`, body, visibility))
	if rec.Code != http.StatusCreated {
		t.Fatalf("POST note as %s = %d %s; want 201", u.Name, rec.Code, rec.Body.String())
	}
	if err := jsonUnmarshal(rec.Body.Bytes(), &n); err != nil {
		t.Fatal(err)
	}
	if loc := rec.Header().Get("Location"); loc != "/api/v1/notes/"+n.ID {
		t.Errorf("POST note Location = %q; want /api/v1/notes/%s", loc, n.ID)
	}
	return n
}

func (ts *testServer) allNotes(t testing.TB, u testUser, caseID string, limit int) []noteBody {
	t.Helper()
	var all []noteBody
	cursor := ""
	for {
		var out noteList
		path := fmt.Sprintf("/api/v1/cases/%s/notes?limit=%d", caseID, limit)
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		ts.mustDo(t, u, http.MethodGet, path, "", http.StatusOK, &out)
		all = append(all, out.Items...)
		if out.NextCursor == nil {
			return all
		}
		cursor = *out.NextCursor
	}
}

// Notes: create (private by default), list newest first in pages, edit by
// the author only, delete by the author or admin, and validation.
func TestNotes(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	_, caseID := ts.advisedCase(t, advisor)

	var first noteBody
	ts.mustDo(t, advisor, http.MethodPost, "/api/v1/cases/"+caseID+"/notes", `{"body":"First call."}`, http.StatusCreated, &first)
	if first.Visibility != "private" || first.Author.ID != advisor.ID || first.Author.FullName != advisor.Name ||
		first.CaseID != caseID || first.Body != "First call." || !first.CreatedAt.Equal(ts.clock.Now()) {
		t.Errorf("POST note = %+v; want a private note by %s on %s", first, advisor.Name, caseID)
	}
	var made []string
	for i := range 4 {
		ts.clock.Advance(time.Minute)
		made = append(made, ts.addNote(t, advisor, caseID, "shared", fmt.Sprintf("note %d", i)).ID)
	}
	adminNote := ts.addNote(t, admin, caseID, "private", "office only")
	got := ts.allNotes(t, advisor, caseID, 2)
	want := []string{adminNote.ID, made[3], made[2], made[1], made[0], first.ID}
	if strings.Join(ids2(got), ",") != strings.Join(want, ",") {
		t.Errorf("notes paged by 2 = %v; want newest first %v", ids2(got), want)
	}

	ts.clock.Advance(time.Minute)
	var edited noteBody
	ts.mustDo(t, advisor, http.MethodPatch, "/api/v1/notes/"+first.ID, `{"visibility":"shared"}`, http.StatusOK, &edited)
	if edited.Body != "First call." || edited.Visibility != "shared" || !edited.UpdatedAt.Equal(ts.clock.Now()) || !edited.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("PATCH note visibility = %+v; want body kept, shared, updated now", edited)
	}
	ts.mustDo(t, advisor, http.MethodPatch, "/api/v1/notes/"+first.ID, `{"body":"Rewritten."}`, http.StatusOK, &edited)
	if edited.Body != "Rewritten." || edited.Visibility != "shared" {
		t.Errorf("PATCH note body = %+v; want Rewritten., still shared", edited)
	}
	for body, want := range map[string]int{
		`{"body":""}`:             http.StatusUnprocessableEntity,
		`{"body":"   "}`:          http.StatusUnprocessableEntity,
		`{"visibility":"public"}`: http.StatusUnprocessableEntity,
		`{"body":7}`:              http.StatusBadRequest,
		`{"body":"` + strings.Repeat("x", 10001) + `"}`: http.StatusUnprocessableEntity,
	} {
		checkProblem(t, "PATCH note "+body[:min(len(body), 40)], ts.do(t, advisor, http.MethodPatch, "/api/v1/notes/"+first.ID, body), want)
		checkProblem(t, "POST note "+body[:min(len(body), 40)], ts.do(t, advisor, http.MethodPost, "/api/v1/cases/"+caseID+"/notes", body), want)
	}
	ts.mustDo(t, advisor, http.MethodPost, "/api/v1/cases/"+caseID+"/notes", `{"body":"`+strings.Repeat("é", 10000)+`"}`, http.StatusCreated, nil)

	ts.mustDo(t, admin, http.MethodDelete, "/api/v1/notes/"+made[0], "", http.StatusNoContent, nil)
	ts.mustDo(t, advisor, http.MethodDelete, "/api/v1/notes/"+made[1], "", http.StatusNoContent, nil)
	checkProblem(t, "DELETE a deleted note", ts.do(t, advisor, http.MethodDelete, "/api/v1/notes/"+made[1], ""), http.StatusNotFound)
	checkProblem(t, "PATCH a deleted note", ts.do(t, advisor, http.MethodPatch, "/api/v1/notes/"+made[0], `{"body":"x"}`), http.StatusNotFound)
	for _, n := range ts.allNotes(t, admin, caseID, 100) {
		if n.ID == made[0] || n.ID == made[1] {
			t.Errorf("deleted note %s still listed", n.ID)
		}
	}
}

func ids2(ns []noteBody) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

// 32 advisors' sessions writing notes at once: every write succeeds and
// every note is there afterwards.
func TestNotesConcurrentWriters(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	var cases []string
	for range 4 {
		_, id := ts.advisedCase(t, advisor)
		cases = append(cases, id)
	}
	const writers, each = 32, 5
	var wg sync.WaitGroup
	errs := make(chan string, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			author := advisor
			if w%4 == 0 {
				author = admin
			}
			for i := range each {
				rec := ts.do(t, author, http.MethodPost, "/api/v1/cases/"+cases[(w+i)%len(cases)]+"/notes",
					fmt.Sprintf(`{"body":"writer %d note %d","visibility":"shared"}`, w, i))
				if rec.Code != http.StatusCreated {
					errs <- fmt.Sprintf("writer %d note %d = %d %s", w, i, rec.Code, rec.Body.String())
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	seen := map[string]bool{}
	for _, id := range cases {
		for _, n := range ts.allNotes(t, advisor, id, 100) {
			seen[n.Body] = true
		}
	}
	for w := range writers {
		for i := range each {
			if body := fmt.Sprintf("writer %d note %d", w, i); !seen[body] {
				t.Errorf("note %q was lost", body)
			}
		}
	}
	var audit struct {
		Items []struct {
			Action string `json:"action"`
		} `json:"items"`
	}
	n := 0
	for _, id := range cases {
		ts.mustDo(t, admin, http.MethodGet, "/api/v1/audit?limit=100&case_id="+id, "", http.StatusOK, &audit)
		for _, e := range audit.Items {
			if e.Action == "note.created" {
				n++
			}
		}
	}
	if n != writers*each {
		t.Errorf("audit holds %d note.created events; want %d", n, writers*each)
	}
}

// A private note never reaches an applicant: every endpoint an applicant
// can call is read for the marker, while the office still sees it.
func TestPrivateNoteNeverReachesApplicant(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.firstAdmin(t)
	advisor := ts.staff(t, advising.RoleAdvisor)
	applicant, caseID := ts.advisedCase(t, advisor)
	const private, shared, turned = "private-marker-7f3a", "shared-marker-19c2", "turned-private-marker-c4d1"
	ts.addNote(t, advisor, caseID, "private", private)
	ts.addNote(t, advisor, caseID, "shared", shared)
	n := ts.addNote(t, admin, caseID, "shared", turned)
	ts.mustDo(t, admin, http.MethodPatch, "/api/v1/notes/"+n.ID, `{"visibility":"private"}`, http.StatusOK, nil)
	ts.moveTo(t, advisor, caseID, advising.StatusUnderReview)

	var view struct {
		ID    string     `json:"id"`
		Notes []noteBody `json:"notes"`
	}
	ts.mustDo(t, applicant, http.MethodGet, "/api/v1/applicants/"+applicant.ID+"/case", "", http.StatusOK, &view)
	if view.ID != caseID || len(view.Notes) != 1 || view.Notes[0].Body != shared {
		t.Errorf("applicant's case view = %+v; want case %s with only the shared note", view, caseID)
	}
	// Every GET route an applicant may reach, whether or not it exists yet on
	// this branch: a 404 is fine, a marker is not.
	paths := []string{
		"/api/v1/me",
		"/api/v1/applicants/" + applicant.ID,
		"/api/v1/applicants/" + applicant.ID + "/case",
		"/api/v1/applicants/" + applicant.ID + "/profile",
		"/api/v1/applicants/" + applicant.ID + "/work-samples",
		"/api/v1/cases",
		"/api/v1/cases/" + caseID,
		"/api/v1/cases/" + caseID + "/notes",
		"/api/v1/notes/" + n.ID,
		"/api/v1/dashboard",
		"/api/v1/audit",
	}
	for _, p := range paths {
		rec := ts.do(t, applicant, http.MethodGet, p, "")
		if body := rec.Body.String(); strings.Contains(body, private) || strings.Contains(body, turned) {
			t.Errorf("GET %s as the applicant = %d and shows a private note: %s", p, rec.Code, body)
		}
		if rec.Code >= 500 {
			t.Errorf("GET %s as the applicant = %d", p, rec.Code)
		}
	}
	for _, u := range []testUser{advisor, admin} {
		body := ts.do(t, u, http.MethodGet, "/api/v1/cases/"+caseID+"/notes", "").Body.String()
		if !strings.Contains(body, private) || !strings.Contains(body, shared) || !strings.Contains(body, turned) {
			t.Errorf("GET notes as %s = %s; want all three notes", u.Name, body)
		}
	}
}
