package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// dashboardData is what the dashboard shows.
type dashboardData struct {
	Dashboard casework.Dashboard
	Office    bool // admin: the whole office
	Statuses  []statusCount
	Flags     []flagCount
	FollowUps []casework.CaseView
	Now       time.Time
}

type statusCount struct {
	Status advising.Status
	Count  int
}

type flagCount struct {
	Flag  advising.Flag
	Count int
}

// followUpsShown is how many upcoming follow-ups the dashboard lists.
const followUpsShown = 10

// handleDashboard serves GET /dashboard for advisors (their caseload) and
// admin (the whole office): counts by status, the attention list with its
// flags in words, and the follow-ups due soonest.
func (s *site) handleDashboard(c echo.Context) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	d, err := s.cw.Dashboard(ctx, a)
	if err != nil {
		return err
	}
	open := []string{string(advising.StatusNew), string(advising.StatusEvidenceCollection),
		string(advising.StatusUnderReview), string(advising.StatusRecommended)}
	p, err := s.cw.ListCases(ctx, a, casework.CaseQuery{Statuses: open, Sort: "next_follow_up_at", Limit: followUpsShown})
	if err != nil {
		return err
	}
	data := dashboardData{Dashboard: d, Office: a.IsAdmin(), Now: d.GeneratedAt}
	for _, cv := range p.Items {
		if cv.NextFollowUpAt != nil {
			data.FollowUps = append(data.FollowUps, cv)
		}
	}
	for _, st := range advising.Statuses {
		data.Statuses = append(data.Statuses, statusCount{st, d.ByStatus[st]})
	}
	for _, f := range advising.Flags {
		if d.Flags[f] > 0 {
			data.Flags = append(data.Flags, flagCount{f, d.Flags[f]})
		}
	}
	return s.render(c, http.StatusOK, "dashboard", "Dashboard", data)
}

// caseloadData is what the caseload table shows.
type caseloadData struct {
	Form     *form
	Statuses []string
	Cases    []casework.CaseView
	First    template.URL // the first page with the same filters
	Next     template.URL // the next page, or ""
	Paged    bool         // showing a later page
	Advisors []advising.User
	Sorts    []sortOption
}

type sortOption struct{ Value, Label string }

var caseSorts = []sortOption{
	{"-updated_at", "Recently updated first"},
	{"updated_at", "Least recently updated first"},
	{"next_follow_up_at", "Follow-up date, soonest first"},
	{"created_at", "Oldest case first"},
}

// caseListSize is how many cases one page of the caseload shows.
const caseListSize = 25

// handleCaseload serves GET /cases for advisors (their caseload) and admin
// (every case, or one advisor's, or the unassigned): the API's filters,
// search, sort and paging as a form.
func (s *site) handleCaseload(c echo.Context) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	qp := c.QueryParams()
	f := newForm()
	for _, k := range []string{"flag", "q", "sort", "advisor"} {
		f.Values[k] = qp.Get(k)
	}
	// Collect one more status than exist at most: casework refuses a list
	// that long, and a longer one need not be read.
	var statuses []string
collect:
	for _, v := range qp["status"] {
		for _, st := range strings.SplitN(v, ",", len(advising.Statuses)+1) {
			if len(statuses) > len(advising.Statuses) {
				break collect
			}
			if st = strings.TrimSpace(st); st != "" {
				statuses = append(statuses, st)
			}
		}
	}
	q := casework.CaseQuery{Statuses: statuses, Flag: f.Values["flag"], Q: strings.TrimSpace(f.Values["q"]),
		Sort: f.Values["sort"], Cursor: qp.Get("cursor"), Limit: caseListSize}
	switch adv := f.Values["advisor"]; {
	case adv == "unassigned":
		q.Unassigned = true
	case adv != "":
		q.AdvisorID = adv
	}
	if id := qp.Get("advisor_id"); id != "" && q.AdvisorID == "" { // links from the advisors page
		q.AdvisorID, f.Values["advisor"] = id, id
	}
	data := caseloadData{Form: f, Statuses: statuses, Sorts: caseSorts, Paged: q.Cursor != ""}
	first := url.Values{}
	for k, vs := range qp {
		if k != "cursor" && k != "done" {
			first[k] = vs
		}
	}
	data.First = pageURL("/cases", first)
	if a.IsAdmin() {
		advisors, err := s.cw.ListUsers(ctx, a, advising.RoleAdvisor, "", casework.MaxLimit)
		if err != nil {
			return err
		}
		data.Advisors = advisors.Items
	}
	p, err := s.cw.ListCases(ctx, a, q)
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.render(c, statusFor(c, err), "caseload", "Caseload", data)
	}
	data.Cases = p.Items
	if p.NextCursor != nil {
		first.Set("cursor", *p.NextCursor)
		data.Next = pageURL("/cases", first)
	}
	return s.render(c, http.StatusOK, "caseload", "Caseload", data)
}

// pageURL is a link to path with the given query. The query is encoded
// here, so the template must not encode its = and & again.
func pageURL(path string, q url.Values) template.URL {
	if len(q) == 0 {
		return template.URL(path)
	}
	return template.URL(path + "?" + q.Encode())
}

// caseData is what the case page shows.
type caseData struct {
	Case      casework.CaseView
	Notes     []advising.Note
	MoreNotes bool
	Advisors  []advising.User // admin: enabled advisors to assign
	Forms     map[string]*form
	Suggested advising.Pathway
	Today     string
}

// Form returns the named form's state, empty when it was not posted.
func (d caseData) Form(name string) *form {
	if f, ok := d.Forms[name]; ok {
		return f
	}
	return newForm()
}

// handleCase serves GET /cases/:caseID for the case's advisor and admin.
func (s *site) handleCase(c echo.Context) error {
	return s.showCase(c, http.StatusOK, nil)
}

// showCase renders the case page; forms holds the one form that was posted
// with errors, so its problems appear next to its fields.
func (s *site) showCase(c echo.Context, status int, forms map[string]*form) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	cv, err := s.cw.Case(ctx, a, c.Param("caseID"))
	if err != nil {
		return err
	}
	notes, err := s.cw.ListNotes(ctx, a, cv.ID, "", casework.MaxLimit)
	if err != nil {
		return err
	}
	data := caseData{Case: cv, Notes: notes.Items, MoreNotes: notes.NextCursor != nil, Forms: forms,
		Suggested: cv.Evidence.SuggestedPathway(), Today: time.Now().UTC().Format(time.DateOnly)}
	if a.IsAdmin() {
		if data.Advisors, err = s.enabledAdvisors(c); err != nil {
			return err
		}
	}
	return s.render(c, status, "case", cv.Applicant.FullName, data)
}

// caseFormFailed shows the case page again with err next to the named form,
// or returns err for the error page when it is not the user's to correct.
func (s *site) caseFormFailed(c echo.Context, name string, f *form, err error) error {
	if !f.fail(err) {
		return err
	}
	return s.showCase(c, statusFor(c, err), map[string]*form{name: f})
}

func caseURL(c echo.Context, done, anchor string) string {
	u := "/cases/" + url.PathEscape(c.Param("caseID")) + "?done=" + done
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

// versionCheck is the form's If-Match: a status or follow-up form posted
// from a page older than the case's last change is refused.
func versionCheck(c echo.Context) casework.Precondition {
	v, err := strconv.Atoi(c.FormValue("version"))
	if err != nil {
		return nil
	}
	return func(_ string, current int) bool { return current == v }
}

// handleCaseStatus serves POST /cases/:caseID/status for the case's
// advisor and admin.
func (s *site) handleCaseStatus(c echo.Context) error {
	f := newForm()
	st := advising.Status(c.FormValue("status"))
	f.Values["status"] = string(st)
	var err error
	if st == "" {
		err = advising.Invalid(advising.FieldError{Field: "status", Message: "must be chosen"})
	} else {
		_, err = s.cw.UpdateCase(c.Request().Context(), actorFrom(c), c.Param("caseID"),
			casework.CaseUpdate{Status: &st}, versionCheck(c))
	}
	if err != nil {
		return s.caseFormFailed(c, "status", f, err)
	}
	return redirect(c, caseURL(c, "status", ""))
}

// handleCaseFollowUp serves POST /cases/:caseID/follow-up for the case's
// advisor and admin: set the next follow-up date, or clear it.
func (s *site) handleCaseFollowUp(c echo.Context) error {
	f := newForm()
	day := strings.TrimSpace(c.FormValue("next_follow_up_at"))
	f.Values["next_follow_up_at"] = day
	u := casework.CaseUpdate{SetFollowUp: true}
	var err error
	if c.FormValue("clear") == "" {
		t, perr := time.Parse(time.DateOnly, day)
		if perr != nil {
			err = advising.Invalid(advising.FieldError{Field: "next_follow_up_at", Message: "must be a date"})
		} else {
			t = t.Add(9 * time.Hour) // a working morning, UTC
			u.NextFollowUpAt = &t
		}
	}
	if err == nil {
		_, err = s.cw.UpdateCase(c.Request().Context(), actorFrom(c), c.Param("caseID"), u, versionCheck(c))
	}
	if err != nil {
		return s.caseFormFailed(c, "followup", f, err)
	}
	return redirect(c, caseURL(c, "follow-up", ""))
}

// handleCaseRecommend serves POST /cases/:caseID/recommendation for the
// case's advisor and admin.
func (s *site) handleCaseRecommend(c echo.Context) error {
	f := newForm()
	f.Values["pathway"], f.Values["rationale"] = c.FormValue("pathway"), c.FormValue("rationale")
	_, err := s.cw.Recommend(c.Request().Context(), actorFrom(c), c.Param("caseID"),
		advising.Pathway(f.Values["pathway"]), f.Values["rationale"])
	if err != nil {
		return s.caseFormFailed(c, "recommend", f, err)
	}
	return redirect(c, caseURL(c, "recommended", "recommendation"))
}

// handleNoteCreate serves POST /cases/:caseID/notes for the case's advisor
// and admin.
func (s *site) handleNoteCreate(c echo.Context) error {
	f := newForm()
	f.Values["body"], f.Values["visibility"] = c.FormValue("body"), c.FormValue("visibility")
	var err error
	if f.Values["visibility"] == "" {
		// Never default silently: who can read a note must be a choice.
		err = advising.Invalid(advising.FieldError{Field: "visibility", Message: "must be chosen: private or shared with the applicant"})
	} else {
		_, err = s.cw.AddNote(c.Request().Context(), actorFrom(c), c.Param("caseID"),
			casework.NewNote{Body: f.Values["body"], Visibility: advising.Visibility(f.Values["visibility"])})
	}
	if err != nil {
		return s.caseFormFailed(c, "note", f, err)
	}
	return redirect(c, caseURL(c, "note", "notes"))
}

// handleNoteUpdate serves POST /cases/:caseID/notes/:noteID for the note's
// author: new text and who can read it.
func (s *site) handleNoteUpdate(c echo.Context) error {
	f := newForm()
	body, vis := c.FormValue("body"), advising.Visibility(c.FormValue("visibility"))
	f.Values["body"], f.Values["visibility"] = body, string(vis)
	_, err := s.cw.UpdateNote(c.Request().Context(), actorFrom(c), c.Param("noteID"),
		casework.NoteChanges{Body: &body, Visibility: &vis})
	if err != nil {
		return s.caseFormFailed(c, "note-"+c.Param("noteID"), f, err)
	}
	return redirect(c, caseURL(c, "note-updated", "notes"))
}

// handleNoteDelete serves POST /cases/:caseID/notes/:noteID/delete for the
// note's author and admin.
func (s *site) handleNoteDelete(c echo.Context) error {
	if err := s.cw.DeleteNote(c.Request().Context(), actorFrom(c), c.Param("noteID")); err != nil {
		return err
	}
	return redirect(c, caseURL(c, "note-deleted", "notes"))
}

// handleOverride serves POST /cases/:caseID/work-samples/:sampleID/override
// for the case's advisor and admin: a label with a reason.
func (s *site) handleOverride(c echo.Context) error {
	f := newForm()
	f.Values["label"], f.Values["reason"] = c.FormValue("label"), c.FormValue("reason")
	var err error
	if f.Values["label"] == "" {
		err = advising.Invalid(advising.FieldError{Field: "label", Message: "must be chosen"})
	} else {
		_, err = s.cw.OverrideLabel(c.Request().Context(), actorFrom(c), c.Param("sampleID"),
			advising.Label(f.Values["label"]), f.Values["reason"])
	}
	if err != nil {
		return s.caseFormFailed(c, "override-"+c.Param("sampleID"), f, err)
	}
	return redirect(c, caseURL(c, "override", "sample-"+c.Param("sampleID")))
}

// handleOverrideRemove serves POST
// /cases/:caseID/work-samples/:sampleID/override/delete for the case's
// advisor and admin.
func (s *site) handleOverrideRemove(c echo.Context) error {
	if err := s.cw.RemoveOverride(c.Request().Context(), actorFrom(c), c.Param("sampleID")); err != nil {
		return err
	}
	return redirect(c, caseURL(c, "override-gone", "sample-"+c.Param("sampleID")))
}

// handleCaseAssign serves POST /cases/:caseID/assignment for admin.
func (s *site) handleCaseAssign(c echo.Context) error {
	f := newForm()
	id := c.FormValue("advisor_id")
	f.Values["advisor_id"] = id
	var advisorID *string
	if id != "" {
		advisorID = &id
	}
	if _, err := s.cw.AssignCase(c.Request().Context(), actorFrom(c), c.Param("caseID"), advisorID); err != nil {
		return s.caseFormFailed(c, "assign", f, err)
	}
	return redirect(c, caseURL(c, "assigned", ""))
}

// enabledAdvisors lists the advisors a case may be given to.
func (s *site) enabledAdvisors(c echo.Context) ([]advising.User, error) {
	p, err := s.cw.ListUsers(c.Request().Context(), actorFrom(c), advising.RoleAdvisor, "", casework.MaxLimit)
	if err != nil {
		return nil, err
	}
	var out []advising.User
	for _, u := range p.Items {
		if !u.Disabled {
			out = append(out, u)
		}
	}
	return out, nil
}

// advisorLoads returns each advisor's open-case count, by advisor ID.
func (s *site) advisorLoads(c echo.Context) (map[string]int, error) {
	d, err := s.cw.Dashboard(c.Request().Context(), actorFrom(c))
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(d.Advisors))
	for _, l := range d.Advisors {
		out[l.Advisor.ID] = l.OpenCases
	}
	return out, nil
}

// applicantCase is the applicant's view of their case: shared notes only.
type applicantCase = casework.ApplicantCase

func (s *site) applicantCase(c echo.Context, applicantID string) (*applicantCase, error) {
	ac, err := s.cw.ApplicantCase(c.Request().Context(), actorFrom(c), applicantID)
	if err != nil {
		return nil, err
	}
	return &ac, nil
}
