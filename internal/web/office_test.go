package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/casework"
)

// office is a small office made through casework: an admin, two advisors,
// and applicants with profiles, samples and assigned cases.
type office struct {
	admin          advising.Actor
	advisor, other account
	sam, lee       account // sam's case is the advisor's, lee's the other's
	samCase        string
	leeCase        string
	waiting        account // a case nobody advises yet
	samSample      string
}

const engineeringSample = `I coordinated the installation of structural-health sensors on the river bridge: I wrote the
project execution plan, ran the design reviews with the structural engineers every fortnight, owned the risk register
for technical delivery, signed off reliability testing and prepared the operational handover to the maintenance team.`

// named makes an account with a person's name: an applicant registers,
// staff are created by admin.
func (s *site) named(t testing.TB, admin advising.Actor, name string, role advising.Role) account {
	t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org"
	in := casework.NewAccount{Email: email, Password: testPassword, FullName: name}
	if role == advising.RoleApplicant {
		sess, err := s.cw.Register(context.Background(), "", in)
		if err != nil {
			t.Fatalf("Register %s: %v", email, err)
		}
		return account{ID: sess.User.ID, Email: email, Name: name, Role: role}
	}
	u, err := s.cw.CreateUser(context.Background(), admin, casework.NewStaff{NewAccount: in, Role: role})
	if err != nil {
		t.Fatalf("CreateUser %s: %v", email, err)
	}
	return account{ID: u.ID, Email: email, Name: name, Role: role}
}

func (s *site) office(t testing.TB) office {
	t.Helper()
	ctx := context.Background()
	o := office{admin: s.admin(t)}
	o.advisor = s.named(t, o.admin, "Dana Whitfield", advising.RoleAdvisor)
	o.other = s.named(t, o.admin, "Marco Bianchi", advising.RoleAdvisor)
	o.sam, o.lee = s.named(t, o.admin, "Sam Rivera", advising.RoleApplicant), s.named(t, o.admin, "Lee Chen", advising.RoleApplicant)
	o.waiting = s.named(t, o.admin, "Noor Haddad", advising.RoleApplicant)
	years, interest, intake := 7, "engineering_management", "2027-09"
	for _, ap := range []account{o.sam, o.lee} {
		self := advising.Actor{UserID: ap.ID, Role: advising.RoleApplicant, FullName: ap.Name}
		if _, err := s.cw.ReplaceProfile(ctx, self, ap.ID, advising.Profile{YearsExperience: &years,
			ProgrammeInterest: &interest, TargetIntake: &intake, Responsibilities: []string{"Control technical delivery"}}); err != nil {
			t.Fatalf("ReplaceProfile: %v", err)
		}
		for _, w := range []casework.NewWorkSample{{Title: "Fraud-analytics adoption", Description: fraudSample},
			{Title: "Bridge sensors", Description: engineeringSample}} {
			ws, err := s.cw.SubmitWorkSample(ctx, self, ap.ID, w)
			if err != nil {
				t.Fatalf("SubmitWorkSample: %v", err)
			}
			if ap == o.sam && o.samSample == "" {
				o.samSample = ws.ID
			}
		}
		got, err := s.cw.Applicant(ctx, self, ap.ID)
		if err != nil {
			t.Fatalf("Applicant: %v", err)
		}
		advisor := o.advisor
		if ap == o.lee {
			advisor = o.other
			o.leeCase = got.CaseID
		} else {
			o.samCase = got.CaseID
		}
		if _, err := s.cw.AssignCase(ctx, o.admin, got.CaseID, &advisor.ID); err != nil {
			t.Fatalf("AssignCase: %v", err)
		}
		st := advising.StatusEvidenceCollection
		if _, err := s.cw.UpdateCase(ctx, o.admin, got.CaseID, casework.CaseUpdate{Status: &st}, nil); err != nil {
			t.Fatalf("UpdateCase: %v", err)
		}
	}
	return o
}

func TestOfficePagesFollowCaseloadRules(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	tests := []struct {
		name     string
		as       string
		path     string
		want     int
		mustHave string
	}{
		{"advisor opens own case", o.advisor.Email, "/cases/" + o.samCase, http.StatusOK, o.sam.Name},
		{"advisor cannot open another advisor's case", o.advisor.Email, "/cases/" + o.leeCase, http.StatusNotFound, "Page not found"},
		{"advisor's caseload is their own", o.advisor.Email, "/cases", http.StatusOK, o.sam.Name},
		{"admin opens any case", "admin@example.org", "/cases/" + o.leeCase, http.StatusOK, o.lee.Name},
		{"applicant cannot open the dashboard", o.sam.Email, "/dashboard", http.StatusForbidden, "Not allowed"},
		{"applicant cannot open the caseload", o.sam.Email, "/cases", http.StatusForbidden, "Not allowed"},
		{"applicant cannot open their own case page", o.sam.Email, "/cases/" + o.samCase, http.StatusForbidden, "Not allowed"},
		{"advisor cannot read the audit trail", o.advisor.Email, "/admin/audit", http.StatusForbidden, "Not allowed"},
		{"advisor cannot assign", o.advisor.Email, "/admin/assignments", http.StatusForbidden, "Not allowed"},
		{"advisor is sent from the portal", o.advisor.Email, "/portal", http.StatusForbidden, "Not allowed"},
	}
	browsers := map[string]*browser{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := browsers[tt.as]
			if b == nil {
				b = s.browser()
				b.signIn(t, tt.as)
				browsers[tt.as] = b
			}
			rec := b.get(t, tt.path)
			if rec.Code != tt.want || !strings.Contains(rec.Body.String(), tt.mustHave) {
				t.Errorf("GET %s as %s = %d; want %d with %q:\n%s", tt.path, tt.as, rec.Code, tt.want, tt.mustHave, rec.Body.String())
			}
		})
	}
	// The advisor's caseload never lists the other advisor's applicant.
	if body := browsers[o.advisor.Email].get(t, "/cases").Body.String(); strings.Contains(body, o.lee.Name) {
		t.Errorf("GET /cases as advisor lists another advisor's applicant %s", o.lee.Name)
	}
	// Posting to another advisor's case is refused the same way.
	b := browsers[o.advisor.Email]
	if rec := b.post(t, "/cases/"+o.leeCase+"/notes", url.Values{"body": {"sneaky"}, "visibility": {"private"}}); rec.Code != http.StatusNotFound {
		t.Errorf("POST a note on another advisor's case = %d; want 404", rec.Code)
	}
}

func TestAdvisorWorksACase(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	b := s.browser()
	b.signIn(t, o.advisor.Email)

	body := b.get(t, "/dashboard").Body.String()
	for _, want := range []string{"Cases by status", "Collecting evidence", "Needs attention", "This week's follow-ups"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /dashboard lacks %q", want)
		}
	}

	page := "/cases/" + o.samCase
	b.get(t, page)
	steps := []struct {
		name string
		path string
		form url.Values
	}{
		{"private note", page + "/notes", url.Values{"body": {"private-marker-7f3a"}, "visibility": {"private"}}},
		{"shared note", page + "/notes", url.Values{"body": {"shared-marker-19c2"}, "visibility": {"shared"}}},
		{"override", page + "/work-samples/" + o.samSample + "/override", url.Values{"label": {"hybrid"}, "reason": {"The platform work also ran the test programme."}}},
		{"follow-up", page + "/follow-up", url.Values{"next_follow_up_at": {time.Now().AddDate(0, 0, 7).Format(time.DateOnly)}}},
		{"status", page + "/status", url.Values{"status": {"under_review"}}},
		{"recommend", page + "/recommendation", url.Values{"pathway": {"engineering_management"}, "rationale": {"Accountable for controlled technical delivery."}}},
	}
	for _, st := range steps {
		rec := b.post(t, st.path, st.form)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("%s: POST %s = %d; want 303:\n%s", st.name, st.path, rec.Code, rec.Body.String())
		}
		b.get(t, rec.Header().Get("Location")) // fresh CSRF token and page
	}
	body = b.get(t, page).Body.String()
	for _, want := range []string{"private-marker-7f3a", "shared-marker-19c2", "The platform work also ran the test programme.",
		"Recommended", "Accountable for controlled technical delivery.", "Shared</span> with the applicant"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET %s after the day's work lacks %q", page, want)
		}
	}

	// Mistakes come back as sentences next to the field, not JSON.
	rec := b.post(t, page+"/notes", url.Values{"body": {"   "}, "visibility": {"shared"}})
	if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="body-error">Body must be 1 to 10000 characters, not all blank.`) ||
		strings.Contains(body, `"errors"`) {
		t.Errorf("POST a blank note = %d; want 422 with the sentence next to the field:\n%s", rec.Code, body)
	}
	rec = b.post(t, page+"/status", url.Values{"status": {"new"}})
	if body := rec.Body.String(); rec.Code != http.StatusConflict || !strings.Contains(body, "A case cannot move from recommended to new.") {
		t.Errorf("POST an illegal status change = %d; want 409 with a sentence:\n%s", rec.Code, body)
	}
	rec = b.post(t, page+"/status", url.Values{"status": {"closed"}, "version": {"1"}})
	if body := rec.Body.String(); rec.Code != http.StatusPreconditionFailed || !strings.Contains(body, "The case has changed since it was read.") {
		t.Errorf("POST a status change from a stale page = %d; want 412 with a sentence:\n%s", rec.Code, body)
	}

	// The applicant sees the shared note, the override and the recommendation, never the private note.
	ap := s.browser()
	ap.signIn(t, o.sam.Email)
	body = ap.get(t, "/portal").Body.String()
	for _, want := range []string{"shared-marker-19c2", "Engineering Management", "Accountable for controlled technical delivery.",
		"The platform work also ran the test programme."} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /portal as the applicant lacks %q", want)
		}
	}
	if strings.Contains(body, "private-marker-7f3a") {
		t.Errorf("GET /portal as the applicant shows the private note")
	}
}

func TestCaseloadFilters(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	b := s.browser()
	b.signIn(t, "admin@example.org")
	tests := []struct {
		query       string
		want        int
		mustHave    []string
		mustNotHave []string
	}{
		{"", http.StatusOK, []string{o.sam.Name, o.lee.Name, o.waiting.Name}, nil},
		{"?q=" + url.QueryEscape(o.sam.Email), http.StatusOK, []string{o.sam.Name}, []string{o.lee.Name}},
		{"?status=new", http.StatusOK, []string{o.waiting.Name}, []string{o.sam.Name}},
		{"?advisor=unassigned", http.StatusOK, []string{o.waiting.Name}, []string{o.lee.Name}},
		{"?advisor_id=" + o.other.ID, http.StatusOK, []string{o.lee.Name}, []string{o.sam.Name}},
		{"?flag=unassigned&sort=created_at", http.StatusOK, []string{o.waiting.Name}, []string{o.sam.Name}},
		{"?flag=bogus", http.StatusUnprocessableEntity, []string{`id="flag-error"`, "Flag must be one of"}, nil},
	}
	for _, tt := range tests {
		rec := b.get(t, "/cases"+tt.query)
		body := rec.Body.String()
		if rec.Code != tt.want {
			t.Errorf("GET /cases%s = %d; want %d", tt.query, rec.Code, tt.want)
		}
		for _, w := range tt.mustHave {
			if !strings.Contains(body, w) {
				t.Errorf("GET /cases%s lacks %q", tt.query, w)
			}
		}
		for _, w := range tt.mustNotHave {
			if strings.Contains(body, w) {
				t.Errorf("GET /cases%s shows %q", tt.query, w)
			}
		}
	}
}

func TestAdminAssignsAndReadsAudit(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	b := s.browser()
	b.signIn(t, "admin@example.org")
	body := b.get(t, "/admin/assignments").Body.String()
	if !strings.Contains(body, "Waiting for an advisor") || !strings.Contains(body, o.waiting.Name) {
		t.Fatalf("GET /admin/assignments does not list the waiting case:\n%s", body)
	}
	caseID := regexp.MustCompile(`name="case_id" value="([^"]+)"`).FindStringSubmatch(body)
	if caseID == nil {
		t.Fatalf("no assignment form")
	}
	rec := b.post(t, "/admin/assignments", url.Values{"case_id": {caseID[1]}, "to": {o.advisor.ID}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "1 case assigned to Dana Whitfield.") ||
		!strings.Contains(rec.Body.String(), "Every open case has an advisor.") {
		t.Fatalf("POST /admin/assignments = %d; want the result and no waiting case:\n%s", rec.Code, rec.Body.String())
	}
	body = b.get(t, "/admin/audit").Body.String()
	if !strings.Contains(body, "Case assigned") || !strings.Contains(body, "Office Admin") {
		t.Errorf("GET /admin/audit does not show the assignment by the admin:\n%s", body)
	}
	if body := b.get(t, "/admin/advisors").Body.String(); !regexp.MustCompile(`advisor_id=` + o.advisor.ID + `">2</a>`).MatchString(body) {
		t.Errorf("GET /admin/advisors does not show the advisor's two open cases:\n%s", body)
	}
}

// The caseload pages both ways over cursors that only go forward: each
// link carries the cursors of the pages before it. The total counts every
// page, and the filters survive every step.
func TestCaseloadPages(t *testing.T) {
	s := newSite(t)
	s.admin(t)
	for range 103 {
		s.applicant(t)
	}
	b := s.browser()
	b.signIn(t, "admin@example.org")
	rows := regexp.MustCompile(`<th scope="row"><a href="/cases/([^"]+)"`)
	link := func(body, rel string) string {
		m := regexp.MustCompile(`href="(/cases\?[^"]+)" rel="` + rel + `"`).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return strings.ReplaceAll(m[1], "&amp;", "&")
	}
	type pageSeen struct {
		ids        []string
		prev, next string
	}
	read := func(path string) pageSeen {
		t.Helper()
		body := b.get(t, path).Body.String()
		if !strings.Contains(body, "103 cases match") {
			t.Errorf("GET %s does not say 103 cases match", path)
		}
		if !strings.Contains(body, `<option value="created_at" selected>`) || !strings.Contains(body, `value="new" checked`) {
			t.Errorf("GET %s lost its filters", path)
		}
		var p pageSeen
		for _, m := range rows.FindAllStringSubmatch(body, -1) {
			p.ids = append(p.ids, m[1])
		}
		p.prev, p.next = link(body, "prev"), link(body, "next")
		return p
	}
	first := read("/cases?status=new&sort=created_at")
	if len(first.ids) != 50 || first.next == "" || first.prev != "" {
		t.Fatalf("first page: %d rows, prev %q, next %q; want 50, no prev, a next", len(first.ids), first.prev, first.next)
	}
	second := read(first.next)
	third := read(second.next)
	if len(second.ids) != 50 || len(third.ids) != 3 || third.next != "" || third.prev == "" {
		t.Fatalf("second and third pages: %d and %d rows, third next %q prev %q; want 50, 3, no next, a prev",
			len(second.ids), len(third.ids), third.next, third.prev)
	}
	back := read(third.prev)
	if !slices.Equal(back.ids, second.ids) || back.next != second.next {
		t.Errorf("Previous from the third page shows other cases than the second page")
	}
	if again := read(back.prev); !slices.Equal(again.ids, first.ids) || again.prev != "" {
		t.Errorf("Previous from the second page is not the first page")
	}
	if body := b.get(t, second.next).Body.String(); !strings.Contains(body, "101–103 of 103") {
		t.Errorf("the third page does not say it shows 101–103 of 103")
	}
	// A cursor from elsewhere is a sentence, not a crash.
	if rec := b.get(t, "/cases?cursor=bm90IGEgY3Vyc29y&page=2"); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "Cursor is not a cursor this list returned.") {
		t.Errorf("GET /cases with a foreign cursor = %d; want 422 with a sentence", rec.Code)
	}
}

// The author edits a note from the case page: new text, and a private
// note made shared reaches the applicant; nobody else gets an edit form,
// and a blank edit comes back as a sentence next to the field.
func TestNoteEdit(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	b := s.browser()
	b.signIn(t, o.advisor.Email)
	page := "/cases/" + o.samCase
	b.get(t, page)
	if rec := b.post(t, page+"/notes", url.Values{"body": {"draft-marker-51d0"}, "visibility": {"private"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("POST a note = %d; want 303", rec.Code)
	}
	body := b.get(t, page).Body.String()
	id := regexp.MustCompile(`action="/cases/[^/]+/notes/([^/"]+)"`).FindStringSubmatch(body)
	if id == nil || !strings.Contains(body, "Edit note") {
		t.Fatalf("GET %s as the author has no edit form for the note", page)
	}
	rec := b.post(t, page+"/notes/"+id[1], url.Values{"body": {"  "}, "visibility": {"shared"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Body must be 1 to 10000 characters") {
		t.Errorf("POST a blank edit = %d; want 422 with the sentence next to the field", rec.Code)
	}
	b.get(t, page)
	if rec := b.post(t, page+"/notes/"+id[1], url.Values{"body": {"final-marker-8c2e"}, "visibility": {"shared"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("POST an edit = %d; want 303", rec.Code)
	}
	ap := s.browser()
	ap.signIn(t, o.sam.Email)
	if body := ap.get(t, "/portal").Body.String(); !strings.Contains(body, "final-marker-8c2e") || strings.Contains(body, "draft-marker-51d0") {
		t.Errorf("GET /portal after the note was edited and shared: want the new text only")
	}

	admin := s.browser()
	admin.signIn(t, "admin@example.org")
	if body := admin.get(t, page).Body.String(); strings.Contains(body, "Edit note") {
		t.Errorf("GET %s as admin offers to edit the advisor's note; only the author may", page)
	}
	if rec := admin.post(t, page+"/notes/"+id[1], url.Values{"body": {"admin-marker"}, "visibility": {"shared"}}); rec.Code != http.StatusForbidden {
		t.Errorf("POST an edit of someone else's note as admin = %d; want 403", rec.Code)
	}
}
