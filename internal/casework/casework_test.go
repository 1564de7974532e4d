package casework_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"advising/internal/advising"
	"advising/internal/auth"
	"advising/internal/casework"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

const password = "correct horse battery"

// clock is a settable clock for the service and its tokens.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// office is a real Service over a real, migrated store, with an admin and
// two advisors.
type office struct {
	cw       *casework.Service
	st       *store.Store
	clock    *clock
	admin    advising.Actor
	advisor  advising.Actor
	advisor2 advising.Actor
	n        int
}

func newOffice(t testing.TB, authRate int) *office {
	t.Helper()
	st := storetest.New(t)
	c := &clock{now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	o := &office{st: st, clock: c, cw: newService(st, c, authRate)}
	ctx := context.Background()
	if _, err := o.cw.BootstrapAdmin(ctx, "admin@example.org", password, "Office Admin"); err != nil {
		t.Fatalf("BootstrapAdmin: %v", err)
	}
	o.admin = o.actor(t, "admin@example.org")
	o.advisor = o.staff(t, "advisor1@example.org", advising.RoleAdvisor)
	o.advisor2 = o.staff(t, "advisor2@example.org", advising.RoleAdvisor)
	return o
}

// newService is one instance of the service over st: tests that want two
// instances make two over one database.
func newService(st *store.Store, c *clock, authRate int) *casework.Service {
	return casework.New(casework.Options{Store: st, Now: c.Now, AuthRate: authRate,
		Tokens: auth.NewTokens([]byte("casework-test-secret-of-32-bytes!!"), 8*time.Hour, c.Now),
		Hasher: auth.Hasher{Cost: bcrypt.MinCost}})
}

func (o *office) actor(t testing.TB, email string) advising.Actor {
	t.Helper()
	u, err := o.st.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("UserByEmail(%s): %v", email, err)
	}
	return advising.Actor{UserID: u.ID, Role: u.Role, FullName: u.FullName}
}

func (o *office) staff(t testing.TB, email string, role advising.Role) advising.Actor {
	t.Helper()
	_, err := o.cw.CreateUser(context.Background(), o.admin, casework.NewStaff{
		NewAccount: casework.NewAccount{Email: email, Password: password, FullName: "Staff " + email}, Role: role})
	if err != nil {
		t.Fatalf("CreateUser(%s, %s): %v", email, role, err)
	}
	return o.actor(t, email)
}

// applicant registers a new applicant and returns them with their case ID.
func (o *office) applicant(t testing.TB) (advising.Actor, string) {
	t.Helper()
	o.n++
	s, err := o.cw.Register(context.Background(), "", casework.NewAccount{
		Email: fmt.Sprintf("applicant%d@example.org", o.n), Password: password, FullName: fmt.Sprintf("Applicant %d", o.n)})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	a := advising.Actor{UserID: s.User.ID, Role: s.User.Role, FullName: s.User.FullName}
	ca, err := o.st.CaseAccessByApplicant(context.Background(), a.UserID)
	if err != nil {
		t.Fatalf("CaseAccessByApplicant: %v", err)
	}
	return a, ca.ID
}

// assigned is an applicant whose case is assigned to o.advisor.
func (o *office) assigned(t testing.TB) (advising.Actor, string) {
	t.Helper()
	a, caseID := o.applicant(t)
	if _, err := o.cw.AssignCase(context.Background(), o.admin, caseID, &o.advisor.UserID); err != nil {
		t.Fatalf("AssignCase(%s): %v", caseID, err)
	}
	return a, caseID
}

func (o *office) setStatus(t testing.TB, caseID string, to advising.Status) {
	t.Helper()
	if _, err := o.cw.UpdateCase(context.Background(), o.advisor, caseID, casework.CaseUpdate{Status: &to}, nil); err != nil {
		t.Fatalf("UpdateCase(%s → %s): %v", caseID, to, err)
	}
}

// caseIn returns a case assigned to o.advisor that has reached status s
// through legal steps.
func (o *office) caseIn(t testing.TB, s advising.Status) string {
	t.Helper()
	_, caseID := o.assigned(t)
	path := map[advising.Status][]advising.Status{
		advising.StatusNew:                nil,
		advising.StatusEvidenceCollection: {advising.StatusEvidenceCollection},
		advising.StatusUnderReview:        {advising.StatusEvidenceCollection, advising.StatusUnderReview},
		advising.StatusRecommended:        {advising.StatusEvidenceCollection, advising.StatusUnderReview},
		advising.StatusClosed:             {advising.StatusClosed},
	}[s]
	for _, to := range path {
		o.setStatus(t, caseID, to)
	}
	if s == advising.StatusRecommended {
		if _, err := o.cw.Recommend(context.Background(), o.advisor, caseID, advising.PathwayTechnologyManagement, "roadmaps she owned"); err != nil {
			t.Fatalf("Recommend(%s): %v", caseID, err)
		}
	}
	return caseID
}

func sample(i int) casework.NewWorkSample {
	return casework.NewWorkSample{Title: fmt.Sprintf("Sample %d", i),
		Description: fmt.Sprintf("I owned the adoption plan and governance model for the analytics platform, release %d.", i)}
}

// run starts n goroutines at once and waits for all of them.
func run(n int, f func(i int)) {
	var start, done sync.WaitGroup
	start.Add(1)
	for i := 0; i < n; i++ {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			f(i)
		}()
	}
	start.Done()
	done.Wait()
}

// tally counts outcomes by error code ("" for success).
type tally struct {
	mu sync.Mutex
	by map[advising.Code]int
}

func (tl *tally) add(t testing.TB, what string, err error, allowed ...advising.Code) {
	code := advising.ErrorCode(err)
	if err != nil && code == "" {
		t.Errorf("%s: unexpected error %v", what, err)
	}
	ok := err == nil
	for _, c := range allowed {
		ok = ok || code == c
	}
	if !ok {
		t.Errorf("%s: error %v (%s); want success or one of %v", what, err, code, allowed)
	}
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if tl.by == nil {
		tl.by = map[advising.Code]int{}
	}
	tl.by[code]++
}

// Every status change the office allows succeeds, every other one is a
// conflict, and recommended is reached only by a recommendation.
func TestStatusTransitions(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 0)
	ctx := context.Background()
	for _, from := range advising.Statuses {
		for _, to := range advising.Statuses {
			caseID := o.caseIn(t, from)
			_, err := o.cw.UpdateCase(ctx, o.advisor, caseID, casework.CaseUpdate{Status: &to}, nil)
			want := advising.CanTransition(from, to) && to != advising.StatusRecommended
			if want && err != nil {
				t.Errorf("UpdateCase(%s → %s) = %v; want success", from, to, err)
			}
			if !want && advising.ErrorCode(err) != advising.CodeConflict {
				t.Errorf("UpdateCase(%s → %s) = %v; want CodeConflict", from, to, err)
			}
			c, err := o.cw.Case(ctx, o.admin, caseID)
			if err != nil {
				t.Fatalf("Case(%s): %v", caseID, err)
			}
			if got := map[bool]advising.Status{true: to, false: from}[want]; c.Status != got {
				t.Errorf("after UpdateCase(%s → %s) the case is %s; want %s", from, to, c.Status, got)
			}
		}
		caseID := o.caseIn(t, from)
		_, err := o.cw.Recommend(ctx, o.advisor, caseID, advising.PathwayEngineeringManagement, "design reviews he led")
		if advising.CanRecommend(from) != (err == nil) || (err != nil && advising.ErrorCode(err) != advising.CodeConflict) {
			t.Errorf("Recommend in %s = %v; want success only from evidence_collection or under_review, else CodeConflict", from, err)
		}
	}
	// Someone else's advisor cannot see the case at all.
	caseID := o.caseIn(t, advising.StatusNew)
	to := advising.StatusEvidenceCollection
	if _, err := o.cw.UpdateCase(ctx, o.advisor2, caseID, casework.CaseUpdate{Status: &to}, nil); advising.ErrorCode(err) != advising.CodeNotFound {
		t.Errorf("UpdateCase by another advisor = %v; want CodeNotFound", err)
	}
}

// An applicant holds at most 20 work samples; deleting one makes room.
func TestWorkSampleCap(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 0)
	ctx := context.Background()
	a, _ := o.applicant(t)
	var last advising.WorkSample
	for i := 0; i < advising.MaxWorkSamples; i++ {
		w, err := o.cw.SubmitWorkSample(ctx, a, a.UserID, sample(i))
		if err != nil {
			t.Fatalf("SubmitWorkSample #%d: %v", i+1, err)
		}
		last = w
	}
	if _, err := o.cw.SubmitWorkSample(ctx, a, a.UserID, sample(99)); advising.ErrorCode(err) != advising.CodeInvalid {
		t.Fatalf("SubmitWorkSample #21 = %v; want CodeInvalid", err)
	}
	if err := o.cw.DeleteWorkSample(ctx, a, last.ID); err != nil {
		t.Fatalf("DeleteWorkSample: %v", err)
	}
	if _, err := o.cw.SubmitWorkSample(ctx, a, a.UserID, sample(100)); err != nil {
		t.Errorf("SubmitWorkSample after a delete = %v; want success", err)
	}
	other, _ := o.applicant(t)
	if _, err := o.cw.SubmitWorkSample(ctx, other, a.UserID, sample(1)); advising.ErrorCode(err) != advising.CodeNotFound {
		t.Errorf("SubmitWorkSample for another applicant = %v; want CodeNotFound", err)
	}
	if _, err := o.cw.SubmitWorkSample(ctx, o.advisor, a.UserID, sample(1)); advising.ErrorCode(err) != advising.CodeForbidden {
		t.Errorf("SubmitWorkSample by an advisor = %v; want CodeForbidden", err)
	}
}

// Forty submissions at once store exactly twenty, and the case's counters
// agree with the samples stored.
func TestWorkSampleCapConcurrent(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 0)
	ctx := context.Background()
	a, caseID := o.applicant(t)
	var tl tally
	run(40, func(i int) {
		_, err := o.cw.SubmitWorkSample(ctx, a, a.UserID, sample(i))
		tl.add(t, fmt.Sprintf("SubmitWorkSample #%d", i), err, advising.CodeInvalid)
	})
	if tl.by[""] != advising.MaxWorkSamples || tl.by[advising.CodeInvalid] != 40-advising.MaxWorkSamples {
		t.Errorf("40 concurrent submissions: %v; want 20 stored and 20 CodeInvalid", tl.by)
	}
	if n, err := o.st.CountWorkSamples(ctx, a.UserID); err != nil || n != advising.MaxWorkSamples {
		t.Errorf("CountWorkSamples = %d, %v; want 20", n, err)
	}
	ev, _, err := o.st.CaseEvidence(ctx, caseID)
	if err != nil || ev.WorkSamples != advising.MaxWorkSamples {
		t.Errorf("case evidence counts %d samples (%v); want 20", ev.WorkSamples, err)
	}
}

// Concurrent sample changes (submit, override, delete) leave the case's
// counters equal to a recount.
func TestEvidenceCountersConcurrent(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 0)
	ctx := context.Background()
	a, caseID := o.assigned(t)
	var ids []string
	for i := 0; i < 10; i++ {
		w, err := o.cw.SubmitWorkSample(ctx, a, a.UserID, sample(i))
		if err != nil {
			t.Fatalf("SubmitWorkSample: %v", err)
		}
		ids = append(ids, w.ID)
	}
	run(30, func(i int) {
		var err error
		switch i % 3 {
		case 0:
			_, err = o.cw.SubmitWorkSample(ctx, a, a.UserID, sample(100+i))
		case 1:
			_, err = o.cw.OverrideLabel(ctx, o.advisor, ids[i/3], advising.LabelEngineeringManagement, "read the plan")
		case 2:
			err = o.cw.DeleteWorkSample(ctx, a, ids[i/3])
		}
		tl := tally{}
		tl.add(t, fmt.Sprintf("change #%d", i), err, advising.CodeNotFound)
	})
	ev, _, err := o.st.CaseEvidence(ctx, caseID)
	if err != nil {
		t.Fatalf("CaseEvidence: %v", err)
	}
	ws, err := o.st.WorkSamplesByApplicant(ctx, a.UserID)
	if err != nil {
		t.Fatalf("WorkSamplesByApplicant: %v", err)
	}
	em := 0
	for _, w := range ws {
		if w.EffectiveLabel() == advising.LabelEngineeringManagement {
			em++
		}
	}
	if ev.WorkSamples != len(ws) || ev.EngineeringManagement != em {
		t.Errorf("counters say %d samples, %d EM; the samples are %d, %d EM", ev.WorkSamples, ev.EngineeringManagement, len(ws), em)
	}
}

// Of many recommendations at once exactly one is recorded; a recommendation
// racing a move back to evidence collection leaves the case recommended
// whichever commits first.
func TestRecommendConcurrent(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 0)
	ctx := context.Background()
	caseID := o.caseIn(t, advising.StatusUnderReview)
	var tl tally
	run(10, func(i int) {
		_, err := o.cw.Recommend(ctx, o.advisor, caseID, advising.PathwayTechnologyManagement, fmt.Sprintf("rationale %d", i))
		tl.add(t, fmt.Sprintf("Recommend #%d", i), err, advising.CodeConflict)
	})
	if tl.by[""] != 1 || tl.by[advising.CodeConflict] != 9 {
		t.Errorf("10 concurrent recommendations: %v; want 1 recorded and 9 CodeConflict", tl.by)
	}
	page, err := o.cw.ListAudit(ctx, o.admin, casework.AuditQuery{CaseID: caseID, Action: "case.recommended"})
	if err != nil || len(page.Items) != 1 {
		t.Errorf("audit has %d case.recommended events (%v); want 1", len(page.Items), err)
	}

	for i := 0; i < 5; i++ {
		caseID := o.caseIn(t, advising.StatusUnderReview)
		back := advising.StatusEvidenceCollection
		run(2, func(j int) {
			if j == 0 {
				_, err := o.cw.Recommend(ctx, o.advisor, caseID, advising.PathwayHybridSyllabusReview, "both sides")
				(&tally{}).add(t, "Recommend", err)
				return
			}
			_, err := o.cw.UpdateCase(ctx, o.advisor, caseID, casework.CaseUpdate{Status: &back}, nil)
			(&tally{}).add(t, "UpdateCase → evidence_collection", err, advising.CodeConflict)
		})
		c, err := o.cw.Case(ctx, o.admin, caseID)
		if err != nil || c.Status != advising.StatusRecommended || c.Recommendation == nil {
			t.Errorf("after a recommendation raced a move back: status %s, recommendation %v (%v); want recommended with one", c.Status, c.Recommendation, err)
		}
	}
}

// An If-Match on the case's version lets exactly one of many concurrent
// changes through; the others are CodePreconditionFailed, and the version
// moves once.
func TestIfMatchConcurrent(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 0)
	ctx := context.Background()
	caseID := o.caseIn(t, advising.StatusEvidenceCollection)
	c, err := o.cw.Case(ctx, o.admin, caseID)
	if err != nil {
		t.Fatalf("Case: %v", err)
	}
	v := c.Version
	var tl tally
	run(10, func(i int) {
		at := o.clock.Now().Add(time.Duration(i+1) * time.Hour)
		_, err := o.cw.UpdateCase(ctx, o.advisor, caseID, casework.CaseUpdate{SetFollowUp: true, NextFollowUpAt: &at},
			func(_ string, version int) bool { return version == v })
		tl.add(t, fmt.Sprintf("UpdateCase with If-Match #%d", i), err, advising.CodePreconditionFailed)
	})
	if tl.by[""] != 1 || tl.by[advising.CodePreconditionFailed] != 9 {
		t.Errorf("10 concurrent conditional changes: %v; want 1 and 9 CodePreconditionFailed", tl.by)
	}
	if c, err := o.cw.Case(ctx, o.admin, caseID); err != nil || c.Version != v+1 {
		t.Errorf("version after them = %d (%v); want %d", c.Version, err, v+1)
	}
}

// Cases go only to enabled advisors; an assignment that starts after the
// advisor is disabled fails, however many run beside the disable.
func TestAssignment(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 0)
	ctx := context.Background()
	applicant, caseID := o.applicant(t)
	disabled := o.staff(t, "gone@example.org", advising.RoleAdvisor)
	yes := true
	if _, err := o.cw.UpdateUser(ctx, o.admin, disabled.UserID, casework.UserChanges{Disabled: &yes}); err != nil {
		t.Fatalf("disable: %v", err)
	}
	unknown := "0192f5e4-0000-7000-8000-000000000000"
	for _, tt := range []struct {
		name string
		id   string
	}{{"a disabled advisor", disabled.UserID}, {"an admin", o.admin.UserID}, {"an applicant", applicant.UserID}, {"nobody", unknown}} {
		if _, err := o.cw.AssignCase(ctx, o.admin, caseID, &tt.id); advising.ErrorCode(err) != advising.CodeInvalid {
			t.Errorf("AssignCase to %s = %v; want CodeInvalid", tt.name, err)
		}
	}
	c, err := o.cw.AssignCase(ctx, o.admin, caseID, &o.advisor.UserID)
	if err != nil || c.Advisor == nil || c.Advisor.ID != o.advisor.UserID {
		t.Fatalf("AssignCase to an enabled advisor = %+v, %v; want assigned", c.Advisor, err)
	}
	if _, err := o.cw.AssignCase(ctx, o.advisor, caseID, &o.advisor2.UserID); advising.ErrorCode(err) != advising.CodeForbidden {
		t.Errorf("AssignCase by an advisor = %v; want CodeForbidden", err)
	}
	if c, err := o.cw.AssignCase(ctx, o.admin, caseID, nil); err != nil || c.Advisor != nil {
		t.Errorf("unassign = %+v, %v; want no advisor", c.Advisor, err)
	}

	// Assignments race a disable: every assignment that starts once the
	// disable has returned is refused, and no case changes hands after.
	target := o.staff(t, "busy@example.org", advising.RoleAdvisor)
	cases := make([]string, 12)
	for i := range cases {
		_, cases[i] = o.applicant(t)
	}
	var mu sync.Mutex
	disabledAt := -1
	var late []error
	run(len(cases)+1, func(i int) {
		if i == len(cases) {
			if _, err := o.cw.UpdateUser(ctx, o.admin, target.UserID, casework.UserChanges{Disabled: &yes}); err != nil {
				t.Errorf("disable racing assignments: %v", err)
			}
			mu.Lock()
			disabledAt = i
			mu.Unlock()
			return
		}
		for attempt := 0; attempt < 3; attempt++ {
			mu.Lock()
			after := disabledAt >= 0
			mu.Unlock()
			_, err := o.cw.AssignCase(ctx, o.admin, cases[i], &target.UserID)
			if after {
				mu.Lock()
				late = append(late, err)
				mu.Unlock()
			}
			(&tally{}).add(t, "AssignCase racing a disable", err, advising.CodeInvalid)
		}
	})
	for _, err := range late {
		if advising.ErrorCode(err) != advising.CodeInvalid {
			t.Errorf("AssignCase started after the disable returned = %v; want CodeInvalid", err)
		}
	}
}

// Notes: the assigned advisor and admin read every note; the applicant
// reads only shared ones; another advisor cannot write on the case;
// applicants may not use the notes at all; only the author edits.
func TestNotesVisibility(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 0)
	ctx := context.Background()
	a, caseID := o.assigned(t)
	if _, err := o.cw.AddNote(ctx, o.advisor, caseID, casework.NewNote{Body: "private-7f3a"}); err != nil {
		t.Fatalf("AddNote private: %v", err)
	}
	shared, err := o.cw.AddNote(ctx, o.advisor, caseID, casework.NewNote{Body: "shared-19c2", Visibility: advising.VisibilityShared})
	if err != nil {
		t.Fatalf("AddNote shared: %v", err)
	}
	for _, who := range []advising.Actor{o.advisor, o.admin} {
		p, err := o.cw.ListNotes(ctx, who, caseID, "", 0)
		if err != nil || len(p.Items) != 2 {
			t.Errorf("ListNotes as %s = %d notes, %v; want 2", who.Role, len(p.Items), err)
		}
	}
	ac, err := o.cw.ApplicantCase(ctx, a, a.UserID)
	if err != nil || len(ac.SharedNotes) != 1 || ac.SharedNotes[0].Body != "shared-19c2" {
		t.Errorf("ApplicantCase notes = %+v, %v; want only the shared note", ac.SharedNotes, err)
	}
	if _, err := o.cw.ListNotes(ctx, a, caseID, "", 0); advising.ErrorCode(err) != advising.CodeForbidden {
		t.Errorf("ListNotes as the applicant = %v; want CodeForbidden", err)
	}
	if _, err := o.cw.AddNote(ctx, o.advisor2, caseID, casework.NewNote{Body: "not mine"}); advising.ErrorCode(err) != advising.CodeNotFound {
		t.Errorf("AddNote by another advisor = %v; want CodeNotFound", err)
	}
	body := "edited"
	if _, err := o.cw.UpdateNote(ctx, o.admin, shared.ID, casework.NoteChanges{Body: &body}); advising.ErrorCode(err) != advising.CodeForbidden {
		t.Errorf("UpdateNote by admin (not the author) = %v; want CodeForbidden", err)
	}
	private := advising.VisibilityPrivate
	if _, err := o.cw.UpdateNote(ctx, o.advisor, shared.ID, casework.NoteChanges{Visibility: &private}); err != nil {
		t.Fatalf("UpdateNote to private: %v", err)
	}
	if ac, err := o.cw.ApplicantCase(ctx, a, a.UserID); err != nil || len(ac.SharedNotes) != 0 {
		t.Errorf("ApplicantCase after the note became private = %+v, %v; want no notes", ac.SharedNotes, err)
	}
}

// Notes written at once by the advisor and admin are all kept.
func TestNotesConcurrent(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 0)
	ctx := context.Background()
	_, caseID := o.assigned(t)
	run(60, func(i int) {
		who := o.advisor
		if i%2 == 1 {
			who = o.admin
		}
		_, err := o.cw.AddNote(ctx, who, caseID, casework.NewNote{Body: fmt.Sprintf("note %d", i)})
		(&tally{}).add(t, fmt.Sprintf("AddNote #%d", i), err)
	})
	seen := map[string]bool{}
	cursor := ""
	for {
		p, err := o.cw.ListNotes(ctx, o.admin, caseID, cursor, 25)
		if err != nil {
			t.Fatalf("ListNotes: %v", err)
		}
		for _, n := range p.Items {
			seen[n.Body] = true
		}
		if p.NextCursor == nil {
			break
		}
		cursor = *p.NextCursor
	}
	if len(seen) != 60 {
		t.Errorf("after 60 concurrent notes, %d are listed; want 60", len(seen))
	}
}

// Registering one email many times at once makes one account; the rest
// are conflicts, whatever case the email is written in.
func TestRegisterSameEmailConcurrent(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 0)
	var tl tally
	run(8, func(i int) {
		email := "Same@Example.org"
		if i%2 == 1 {
			email = " same@example.ORG "
		}
		_, err := o.cw.Register(context.Background(), "", casework.NewAccount{Email: email, Password: password, FullName: "Same"})
		tl.add(t, fmt.Sprintf("Register #%d", i), err, advising.CodeConflict)
	})
	if tl.by[""] != 1 || tl.by[advising.CodeConflict] != 7 {
		t.Errorf("8 concurrent registrations of one email: %v; want 1 and 7 CodeConflict", tl.by)
	}
}

// Instances starting together each try to create the configured admin:
// exactly one is created and none fails. An email that belongs to someone
// who is not an admin is a conflict.
func TestBootstrapAdminConcurrent(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	c := &clock{now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	var mu sync.Mutex
	created := 0
	run(6, func(i int) {
		ok, err := newService(st, c, 0).BootstrapAdmin(context.Background(), "Lead@Example.org", password, "Office Lead")
		if err != nil {
			t.Errorf("BootstrapAdmin on instance %d: %v", i, err)
		}
		if ok {
			mu.Lock()
			created++
			mu.Unlock()
		}
	})
	n, err := st.CountUsersByRole(context.Background(), advising.RoleAdmin)
	if created != 1 || n != 1 || err != nil {
		t.Errorf("6 instances bootstrapping: %d report creating, %d admins (%v); want 1 and 1", created, n, err)
	}

	other := newOffice(t, 0)
	other.applicant(t)
	if ok, err := other.cw.BootstrapAdmin(context.Background(), "applicant1@example.org", password, "X"); ok || err != nil {
		t.Errorf("BootstrapAdmin with an admin present = %v, %v; want nothing done", ok, err)
	}
	fresh := storetest.New(t)
	cw := newService(fresh, c, 0)
	if _, err := cw.Register(context.Background(), "", casework.NewAccount{Email: "taken@example.org", Password: password, FullName: "Taken"}); err != nil {
		t.Fatalf("Register: %v", err)
	}
	if _, err := cw.BootstrapAdmin(context.Background(), "taken@example.org", password, "X"); advising.ErrorCode(err) != advising.CodeConflict {
		t.Errorf("BootstrapAdmin on an applicant's email = %v; want CodeConflict", err)
	}
}

// The lockout is exact under concurrency: of many wrong passwords sent at
// once for one email, at most ten are checked; the rest, and then the right
// password, are CodeRateLimited. Another instance over the same database
// sees the same lockout.
func TestLockoutConcurrent(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 0)
	ctx := context.Background()
	a, _ := o.applicant(t)
	email := strings.ToUpper("applicant1@example.org")
	var tl tally
	run(30, func(i int) {
		_, err := o.cw.Login(ctx, "", email, fmt.Sprintf("wrong guess %d", i))
		tl.add(t, fmt.Sprintf("Login #%d", i), err, advising.CodeUnauthenticated, advising.CodeRateLimited)
	})
	checked := tl.by[advising.CodeUnauthenticated]
	if checked > casework.LoginMaxFailures || tl.by[""] != 0 {
		t.Errorf("30 concurrent wrong passwords: %v; want at most 10 checked", tl.by)
	}
	// Attempts refused while others were in flight did not count: the
	// account has exactly the failures that were checked, and ten in all
	// lock it.
	for i := checked; i < casework.LoginMaxFailures; i++ {
		if _, err := o.cw.Login(ctx, "", email, "one more guess"); advising.ErrorCode(err) != advising.CodeUnauthenticated {
			t.Fatalf("failure %d after %d checked at once = %v; want CodeUnauthenticated", i+1, checked, err)
		}
	}
	other := newService(o.st, o.clock, 0)
	for _, cw := range []*casework.Service{o.cw, other} {
		_, err := cw.Login(ctx, "", "applicant1@example.org", password)
		var ae *advising.Error
		if advising.ErrorCode(err) != advising.CodeRateLimited {
			t.Errorf("right password while locked = %v; want CodeRateLimited", err)
		} else if ae, _ = err.(*advising.Error); ae.RetryAfter < 1 || ae.RetryAfter > 15*60 {
			t.Errorf("lockout Retry-After = %d s; want 1 to 900", ae.RetryAfter)
		}
	}
	o.clock.Advance(casework.LoginWindow + time.Second)
	if s, err := other.Login(ctx, "", "applicant1@example.org", password); err != nil || s.User.ID != a.UserID {
		t.Errorf("login once the window passed = %v; want success", err)
	}
}

// Failures spread over two instances add up, a success does not count as a
// failure, and the window slides: the lockout ends when the oldest of the
// ten failures leaves it.
func TestLockoutSharedAndSliding(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 0)
	ctx := context.Background()
	o.applicant(t)
	other := newService(o.st, o.clock, 0)
	both := []*casework.Service{o.cw, other}
	if _, err := o.cw.Login(ctx, "", "applicant1@example.org", password); err != nil {
		t.Fatalf("Login: %v", err)
	}
	for i := 0; i < casework.LoginMaxFailures; i++ {
		if _, err := both[i%2].Login(ctx, "", "applicant1@example.org", "wrong guess"); advising.ErrorCode(err) != advising.CodeUnauthenticated {
			t.Fatalf("failure %d = %v; want CodeUnauthenticated", i+1, err)
		}
		o.clock.Advance(time.Minute)
	}
	for _, cw := range both {
		if _, err := cw.Login(ctx, "", "applicant1@example.org", password); advising.ErrorCode(err) != advising.CodeRateLimited {
			t.Errorf("after ten failures over two instances: %v; want CodeRateLimited", err)
		}
	}
	// The first failure was at minute 0; at 15 min + 1 s it has left.
	o.clock.Advance(casework.LoginWindow - casework.LoginMaxFailures*time.Minute + time.Second)
	if _, err := other.Login(ctx, "", "applicant1@example.org", password); err != nil {
		t.Errorf("once the oldest failure left the window: %v; want success", err)
	}
	if _, err := o.cw.Login(ctx, "", "applicant1@example.org", "wrong again"); advising.ErrorCode(err) != advising.CodeUnauthenticated {
		t.Errorf("one more failure = %v; want CodeUnauthenticated", err)
	}
	if _, err := o.cw.Login(ctx, "", "applicant1@example.org", password); advising.ErrorCode(err) != advising.CodeRateLimited {
		t.Errorf("ten failures within the window again = %v; want CodeRateLimited", err)
	}
}

// The per-address limit is one bucket for all instances; it refills evenly,
// and purging drops only what no longer counts.
func TestAddressLimitShared(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 4)
	ctx := context.Background()
	other := newService(o.st, o.clock, 4)
	both := []*casework.Service{o.cw, other}
	for i := 0; i < 4; i++ {
		if _, err := both[i%2].Login(ctx, "198.51.100.7", fmt.Sprintf("r%d@example.org", i), "wrong guess"); advising.ErrorCode(err) != advising.CodeUnauthenticated {
			t.Fatalf("login %d from one address = %v; want CodeUnauthenticated", i+1, err)
		}
	}
	for _, cw := range both {
		_, err := cw.Login(ctx, "198.51.100.7", "r@example.org", "wrong guess")
		ae, _ := err.(*advising.Error)
		if ae == nil || ae.Code != advising.CodeRateLimited || ae.RetryAfter != 15 {
			t.Errorf("5th login a minute from one address = %v; want CodeRateLimited with Retry-After 15", err)
		}
	}
	if _, err := other.Register(ctx, "198.51.100.7", casework.NewAccount{Email: "new@example.org", Password: password, FullName: "New"}); err != nil {
		t.Errorf("register from the address = %v; want its own budget", err)
	}
	if _, err := other.Login(ctx, "198.51.100.8", "r@example.org", "wrong guess"); advising.ErrorCode(err) != advising.CodeUnauthenticated {
		t.Errorf("login from another address = %v; want CodeUnauthenticated", err)
	}
	if n, err := o.cw.PurgeSignInLimits(ctx); err != nil || n != 0 {
		t.Errorf("PurgeSignInLimits with everything live = %d, %v; want 0", n, err)
	}
	o.clock.Advance(15 * time.Second)
	if _, err := o.cw.Login(ctx, "198.51.100.7", "r@example.org", "wrong guess"); advising.ErrorCode(err) != advising.CodeUnauthenticated {
		t.Errorf("login 15 s later = %v; want one request refilled", err)
	}
	o.clock.Advance(casework.LoginWindow)
	// The failures and the address buckets are all stale now.
	if n, err := o.cw.PurgeSignInLimits(ctx); err != nil || n == 0 {
		t.Errorf("PurgeSignInLimits after the window = %d, %v; want the stale rows gone", n, err)
	}
	if n, err := o.cw.PurgeSignInLimits(ctx); err != nil || n != 0 {
		t.Errorf("PurgeSignInLimits again = %d, %v; want 0", n, err)
	}
}

// A bulk assignment gives every named case to the advisor, each with its
// own audit event; a case erased meanwhile is reported and the rest go on;
// a wrong list or a wrong advisor changes nothing; only admin may do it.
func TestAssignCases(t *testing.T) {
	t.Parallel()
	o := newOffice(t, 0)
	ctx := context.Background()
	var ids []string
	for range 4 {
		_, id := o.applicant(t)
		ids = append(ids, id)
	}
	erased, erasedCase := o.applicant(t)
	if err := o.cw.EraseApplicant(ctx, o.admin, erased.UserID, ""); err != nil {
		t.Fatalf("EraseApplicant: %v", err)
	}
	gone := o.staff(t, "gone@example.org", advising.RoleAdvisor)
	yes := true
	if _, err := o.cw.UpdateUser(ctx, o.admin, gone.UserID, casework.UserChanges{Disabled: &yes}); err != nil {
		t.Fatalf("disable: %v", err)
	}

	for _, tt := range []struct {
		name    string
		a       advising.Actor
		ids     []string
		advisor string
		want    advising.Code
	}{
		{"by an advisor", o.advisor, ids, o.advisor.UserID, advising.CodeForbidden},
		{"of no case", o.admin, nil, o.advisor.UserID, advising.CodeInvalid},
		{"of a case twice", o.admin, []string{ids[0], ids[0]}, o.advisor.UserID, advising.CodeInvalid},
		{"of too many cases", o.admin, make([]string, casework.MaxBulkCases+1), o.advisor.UserID, advising.CodeInvalid},
		{"to a disabled advisor", o.admin, ids, gone.UserID, advising.CodeInvalid},
	} {
		out, err := o.cw.AssignCases(ctx, tt.a, tt.ids, &tt.advisor)
		if advising.ErrorCode(err) != tt.want || len(out) != 0 {
			t.Errorf("AssignCases %s = %d results, %v; want %s and none", tt.name, len(out), err, tt.want)
		}
	}
	for _, id := range ids {
		if c, err := o.cw.Case(ctx, o.admin, id); err != nil || c.Advisor != nil {
			t.Fatalf("case %s after refused bulk assignments: advisor %+v, %v; want none", id, c.Advisor, err)
		}
	}

	list := append([]string{ids[0], erasedCase}, ids[1:]...)
	out, err := o.cw.AssignCases(ctx, o.admin, list, &o.advisor.UserID)
	if err != nil || len(out) != len(list) {
		t.Fatalf("AssignCases = %d results, %v; want %d", len(out), err, len(list))
	}
	for i, r := range out {
		switch {
		case r.CaseID != list[i]:
			t.Errorf("result %d is for %s; want %s", i, r.CaseID, list[i])
		case r.CaseID == erasedCase:
			if advising.ErrorCode(r.Err) != advising.CodeNotFound {
				t.Errorf("erased case: %v; want CodeNotFound", r.Err)
			}
		case r.Err != nil || r.Case.Advisor == nil || r.Case.Advisor.ID != o.advisor.UserID:
			t.Errorf("case %s: advisor %+v, %v; want %s", r.CaseID, r.Case.Advisor, r.Err, o.advisor.UserID)
		}
	}
	events, err := o.st.ListAudit(ctx, store.AuditFilter{Action: "case.assigned", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != len(ids) {
		t.Errorf("%d case.assigned events; want %d, one per case", len(events), len(ids))
	}
	out, err = o.cw.AssignCases(ctx, o.admin, ids, nil)
	if err != nil || len(out) != len(ids) || out[0].Err != nil || out[0].Case.Advisor != nil {
		t.Errorf("bulk unassign = %+v, %v; want every case with no advisor", out, err)
	}
}
