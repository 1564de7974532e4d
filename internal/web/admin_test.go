package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"advising/internal/advising"
	"advising/internal/casework"
)

// crowdedOffice is an office at scale: many advisors, one of them busy, and
// many applicants, some waiting for an advisor.
type crowdedOffice struct {
	admin    advising.Actor
	advisors []account // advisors[0] is the busy one
	busy     []string  // the busy advisor's case IDs, in the order made
	waiting  []string  // unassigned case IDs
	names    map[string]string
}

// crowdedOffice makes nAdvisors advisors and nCases applicants: half the cases
// go to the first advisor, a quarter are spread over the rest and a quarter
// wait for an advisor.
func (s *site) crowdedOffice(t testing.TB, nAdvisors, nCases int) crowdedOffice {
	t.Helper()
	ctx := context.Background()
	o := crowdedOffice{admin: s.admin(t), names: map[string]string{}}
	first := []string{"Dana", "Marco", "Aiko", "Femi", "Lena", "Omar", "Priya", "Tomas", "Yara", "Chen", "Ines", "Kofi",
		"Mira", "Noah", "Sana", "Timo", "Uma", "Vik", "Wen", "Zoe"}
	for i := range nAdvisors {
		name := fmt.Sprintf("%s Advisor%02d", first[i%len(first)], i)
		o.advisors = append(o.advisors, s.named(t, o.admin, name, advising.RoleAdvisor))
	}
	for i := range nCases {
		in := casework.NewAccount{Email: fmt.Sprintf("applicant%03d@example.org", i), Password: testPassword,
			FullName: fmt.Sprintf("Applicant %03d", i)}
		sess, err := s.cw.Register(ctx, "", in)
		if err != nil {
			t.Fatalf("Register: %v", err)
		}
		self := advising.Actor{UserID: sess.User.ID, Role: advising.RoleApplicant}
		ap, err := s.cw.Applicant(ctx, self, self.UserID)
		if err != nil {
			t.Fatal(err)
		}
		o.names[ap.CaseID] = in.FullName
		var to *string
		switch {
		case i%4 == 3:
			o.waiting = append(o.waiting, ap.CaseID)
			continue
		case i%2 == 0:
			to = &o.advisors[0].ID
			o.busy = append(o.busy, ap.CaseID)
		default:
			to = &o.advisors[1+i%(nAdvisors-1)].ID
		}
		if _, err := s.cw.AssignCase(ctx, o.admin, ap.CaseID, to); err != nil {
			t.Fatalf("AssignCase: %v", err)
		}
	}
	return o
}

// Moving cases off a busy advisor is a filter, a few ticks and one
// submission, with a result for every case; unassigning and giving out
// waiting cases work the same way, and a case that vanished meanwhile is
// reported without holding up the rest.
func TestBulkAssignment(t *testing.T) {
	s := newSite(t)
	o := s.crowdedOffice(t, 4, 24)
	busy, calm := o.advisors[0], o.advisors[2]
	b := s.browser()
	b.signIn(t, "admin@example.org")

	page := b.get(t, "/admin/assignments").Body.String()
	for _, id := range o.waiting {
		if !strings.Contains(page, `name="case_id" value="`+id+`"`) {
			t.Errorf("GET /admin/assignments: waiting case %s (%s) has no tick box", id, o.names[id])
		}
	}
	if strings.Contains(page, `value="`+o.busy[0]+`"`) {
		t.Errorf("GET /admin/assignments lists an assigned case among the waiting ones")
	}
	// The busy advisor comes first in the loads, with the count.
	if i, j := strings.Index(page, busy.Name), strings.Index(page, calm.Name); i < 0 || j < 0 || i > j ||
		!strings.Contains(page, busy.Name+` <span class="admin-count">12 open cases</span>`) {
		t.Errorf("GET /admin/assignments: the loads do not put %s (12 open) first", busy.Name)
	}

	page = b.get(t, "/admin/assignments?owner="+busy.ID).Body.String()
	for _, id := range o.busy {
		if !strings.Contains(page, `value="`+id+`"`) {
			t.Errorf("GET /admin/assignments?owner=busy does not list %s", o.names[id])
		}
	}
	move := o.busy[:5]
	gone := "00000000-0000-7000-8000-000000000000"
	rec := b.post(t, "/admin/assignments", url.Values{"case_id": append(slices.Clone(move), gone), "to": {calm.ID}, "back_owner": {busy.ID}})
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "5 cases assigned to "+calm.Name+". 1 case was not changed.") {
		t.Fatalf("POST /admin/assignments (5 cases and a missing one) = %d; want the summary:\n%s", rec.Code, body)
	}
	for _, id := range move {
		if !strings.Contains(body, `<a href="/cases/`+id+`">`+o.names[id]+`</a>: Now with `+calm.Name+`.`) {
			t.Errorf("bulk result lacks %s now with %s", o.names[id], calm.Name)
		}
		if strings.Contains(body, `name="case_id" value="`+id+`"`) {
			t.Errorf("after the move, %s is still listed among %s's cases", o.names[id], busy.Name)
		}
	}
	if !strings.Contains(body, "This case no longer exists") {
		t.Errorf("bulk result does not report the missing case")
	}
	if !strings.Contains(body, `value="`+o.busy[5]+`"`) {
		t.Errorf("after the move the page no longer lists %s's remaining cases (the filter was lost)", busy.Name)
	}
	for _, id := range move {
		c, err := s.cw.Case(context.Background(), o.admin, id)
		if err != nil || c.Advisor == nil || c.Advisor.ID != calm.ID {
			t.Errorf("case %s after the move: advisor %v, %v; want %s", o.names[id], c.Advisor, err, calm.Name)
		}
	}

	// Unassign two, then give out three waiting cases.
	rec = b.post(t, "/admin/assignments", url.Values{"case_id": {o.busy[5], o.busy[6]}, "to": {"none"}, "back_owner": {busy.ID}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "2 cases unassigned.") {
		t.Errorf("POST /admin/assignments to no one = %d; want 2 cases unassigned:\n%s", rec.Code, rec.Body.String())
	}
	rec = b.post(t, "/admin/assignments", url.Values{"case_id": o.waiting[:3], "to": {calm.ID}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "3 cases assigned to "+calm.Name+".") {
		t.Errorf("POST /admin/assignments of waiting cases = %d:\n%s", rec.Code, rec.Body.String())
	}

	// Mistakes come back as sentences by their fields, and change nothing.
	disabled := true
	if _, err := s.cw.UpdateUser(context.Background(), o.admin, o.advisors[3].ID, casework.UserChanges{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("case-%03d", i)
	}
	for _, tt := range []struct {
		name string
		form url.Values
		want string
	}{
		{"no case", url.Values{"to": {calm.ID}}, "Case id choose at least one case."},
		{"no advisor", url.Values{"case_id": {o.waiting[3]}}, "To choose an advisor, or No one to unassign the cases."},
		{"disabled advisor", url.Values{"case_id": {o.waiting[3]}, "to": {o.advisors[3].ID}}, "To must be an enabled advisor."},
		{"too many", url.Values{"case_id": many, "to": {calm.ID}}, "choose at most 100 cases at a time"},
	} {
		rec := b.post(t, "/admin/assignments", tt.form)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("POST /admin/assignments, %s = %d; want 422 with %q:\n%s", tt.name, rec.Code, tt.want, rec.Body.String())
		}
	}
	if c, _ := s.cw.Case(context.Background(), o.admin, o.waiting[3]); c.Advisor != nil {
		t.Errorf("a refused bulk assignment assigned %s", o.names[o.waiting[3]])
	}

	// Only admin may use the page.
	adv := s.browser()
	adv.signIn(t, busy.Email)
	if rec := adv.get(t, "/admin/assignments"); rec.Code != http.StatusForbidden {
		t.Errorf("GET /admin/assignments as an advisor = %d; want 403", rec.Code)
	}
	adv.get(t, "/dashboard")
	if rec := adv.post(t, "/admin/assignments", url.Values{"case_id": {o.waiting[3]}, "to": {busy.ID}}); rec.Code != http.StatusForbidden {
		t.Errorf("POST /admin/assignments as an advisor = %d; want 403", rec.Code)
	}
}

// The audit trail is filtered by a person chosen by name, by action and by
// days; it shows names and what changed in words, never record IDs; and
// the same filter downloads as CSV whose cells no spreadsheet runs as
// formulas. The download is itself in the trail.
func TestAuditFilterAndExport(t *testing.T) {
	s := newSite(t)
	o := s.office(t)
	ctx := context.Background()
	formula, err := s.cw.CreateUser(ctx, o.admin, casework.NewStaff{Role: advising.RoleAdvisor, NewAccount: casework.NewAccount{
		Email: "formula@example.org", Password: testPassword, FullName: "=HYPERLINK(\"http://evil.example\") Smith"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.cw.AssignCase(ctx, o.admin, o.samCase, &formula.ID); err != nil {
		t.Fatal(err)
	}
	st := advising.StatusUnderReview
	formulaActor := advising.Actor{UserID: formula.ID, Role: advising.RoleAdvisor, FullName: formula.FullName}
	if _, err := s.cw.UpdateCase(ctx, formulaActor, o.samCase, casework.CaseUpdate{Status: &st}, nil); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, "admin@example.org")

	page := b.get(t, "/admin/audit").Body.String()
	for _, want := range []string{`<option value="` + o.advisor.ID + `">Dana Whitfield</option>`, `<option value="case.assigned">Case assigned</option>`,
		"Advisor: Dana Whitfield → =HYPERLINK(&#34;http://evil.example&#34;) Smith", "Status: Collecting evidence → Under review",
		`<a href="/cases/` + o.samCase + `">Sam Rivera</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("GET /admin/audit lacks %q", want)
		}
	}
	if strings.Contains(page, `<code class="id">`) {
		t.Errorf("GET /admin/audit shows record ids")
	}

	rows := func(q string) []string {
		t.Helper()
		rec := b.get(t, "/admin/audit?"+q)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /admin/audit?%s = %d %s", q, rec.Code, rec.Body.String())
		}
		return regexp.MustCompile(`<td data-label="What">([^<]+) <span class="muted">· `).FindAllString(rec.Body.String(), -1)
	}
	if got := rows("action=case.status_changed&case_id=" + o.samCase); len(got) != 2 { // collecting evidence, then under review
		t.Errorf("audit filtered to Sam's status changes: %d rows %v; want 2", len(got), got)
	}
	if got := rows("actor_id=" + o.sam.ID); len(got) == 0 || slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, "Case assigned") }) {
		t.Errorf("audit filtered to Sam's own actions: %v; want some, none an assignment", got)
	}
	// The days of the assignments, read from the trail itself (the test may
	// run across midnight).
	var assigned casework.Page[advising.AuditEvent]
	assigned, err = s.cw.ListAudit(ctx, o.admin, casework.AuditQuery{Action: "case.assigned", Limit: 100})
	if err != nil || len(assigned.Items) != 3 { // Sam, Lee, Sam again
		t.Fatalf("ListAudit(case.assigned) = %d events, %v; want 3", len(assigned.Items), err)
	}
	first, last := assigned.Items[2].At.UTC().Format("2006-01-02"), assigned.Items[0].At.UTC().Format("2006-01-02")
	if got := rows("since=" + first + "&until=" + last + "&action=case.assigned"); len(got) != 3 {
		t.Errorf("audit of the assignments' days: %d rows; want 3", len(got))
	}
	if got := rows("until=2020-01-01"); len(got) != 0 {
		t.Errorf("audit until 2020: %d rows; want none", len(got))
	}
	for _, q := range []string{"since=yesterday", "since=2026-12-02&until=2026-12-01"} {
		if rec := b.get(t, "/admin/audit?"+q); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("GET /admin/audit?%s = %d; want 422", q, rec.Code)
		}
	}

	rec := b.get(t, "/admin/audit/export?case_id="+o.samCase)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("GET /admin/audit/export = %d %v; want a CSV attachment", rec.Code, rec.Header())
	}
	records, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil || len(records) < 4 {
		t.Fatalf("export: %d records, %v", len(records), err)
	}
	if got := strings.Join(records[0], ","); got != "at,who,role,action,record,applicant,changes,actor_id,entity_type,entity_id,case_id,action_code" {
		t.Errorf("export header = %s", got)
	}
	var sawChange, sawWho bool
	for _, r := range records[1:] {
		for i, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("export row %v: cell %d %q could run as a formula", r, i, cell)
			}
		}
		if r[10] != o.samCase {
			t.Errorf("export row %v is not about Sam's case", r)
		}
		sawChange = sawChange || r[6] == `Advisor: Dana Whitfield → =HYPERLINK("http://evil.example") Smith`
		sawWho = sawWho || r[1] == `'=HYPERLINK("http://evil.example") Smith`
	}
	if !sawChange || !sawWho {
		t.Errorf("export does not carry the assignment's change in words:\n%s", rec.Body.String())
	}
	page = b.get(t, "/admin/audit?action=audit.exported").Body.String()
	if !strings.Contains(page, "Audit trail exported") || !strings.Contains(page, "Filtered by case: the case of Sam Rivera") {
		t.Errorf("the export is not in the trail with its filter:\n%s", page)
	}
	adv := s.browser()
	adv.signIn(t, o.advisor.Email)
	for _, path := range []string{"/admin/audit", "/admin/audit/export"} {
		if rec := adv.get(t, path); rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "Sam Rivera") {
			t.Errorf("GET %s as an advisor = %d; want 403 without the trail", path, rec.Code)
		}
	}
}
