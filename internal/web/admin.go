package web

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// advisorRow is one advisor in the admin's list.
type advisorRow struct {
	User      advising.User
	OpenCases int
	HasLoad   bool
}

// advisorsData is what the advisors page shows.
type advisorsData struct {
	Advisors []advisorRow
	Next     *string
	Form     *form
}

// handleAdvisors serves GET /admin/advisors for admin: every advisor with
// their open caseload, and a form to create one.
func (s *site) handleAdvisors(c echo.Context) error {
	return s.showAdvisors(c, http.StatusOK, newForm())
}

func (s *site) showAdvisors(c echo.Context, status int, f *form) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	p, err := s.cw.ListUsers(ctx, a, advising.RoleAdvisor, c.QueryParam("cursor"), casework.MaxLimit)
	if err != nil {
		return err
	}
	loads, err := s.advisorLoads(c)
	if err != nil {
		return err
	}
	rows := make([]advisorRow, len(p.Items))
	for i, u := range p.Items {
		n, ok := loads[u.ID]
		rows[i] = advisorRow{User: u, OpenCases: n, HasLoad: ok}
	}
	return s.render(c, status, "advisors", "Advisors", advisorsData{Advisors: rows, Next: p.NextCursor, Form: f})
}

// handleAdvisorCreate serves POST /admin/advisors for admin.
func (s *site) handleAdvisorCreate(c echo.Context) error {
	f := newForm()
	in := casework.NewAccount{Email: advising.NormalizeEmail(c.FormValue("email")),
		Password: c.FormValue("password"), FullName: strings.TrimSpace(c.FormValue("full_name"))}
	f.Values["email"], f.Values["full_name"] = in.Email, in.FullName
	_, err := s.cw.CreateUser(c.Request().Context(), actorFrom(c), casework.NewStaff{NewAccount: in, Role: advising.RoleAdvisor})
	if err != nil {
		if advising.ErrorCode(err) == advising.CodeConflict {
			err = advising.Invalid(advising.FieldError{Field: "email", Message: "already has an account"})
		}
		if !f.fail(err) {
			return err
		}
		return s.showAdvisors(c, statusFor(c, err), f)
	}
	return redirect(c, "/admin/advisors?done=advisor")
}

// handleAdvisorDisable serves POST /admin/advisors/:userID/disable and
// /enable for admin. Disabling ends the advisor's sessions at once.
func (s *site) handleAdvisorDisable(disable bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		_, err := s.cw.UpdateUser(c.Request().Context(), actorFrom(c), c.Param("userID"), casework.UserChanges{Disabled: &disable})
		if err != nil {
			return err
		}
		if disable {
			return redirect(c, "/admin/advisors?done=disabled")
		}
		return redirect(c, "/admin/advisors?done=enabled")
	}
}

// assignmentsData is what the assignments page shows.
type assignmentsData struct {
	Loads    []advisorLoad // enabled advisors, busiest first
	Form     *form         // the filter
	Bulk     *form         // the bulk assignment
	Owner    string        // the filter's owner: "unassigned", "any" or an advisor ID
	OwnerRef *advisorLoad  // the advisor whose cases are shown
	Cases    []casework.CaseView
	Next     template.URL
	Paged    bool
	Back     url.Values // the filter, carried through the bulk form
	Results  []assignResult
	Summary  string
}

type advisorLoad struct {
	User      advising.User
	OpenCases int
}

// assignResult is what became of one case in a bulk assignment.
type assignResult struct {
	CaseID    string
	Applicant string
	OK        bool
	Message   string
}

// openStatuses are the statuses of cases that still need an advisor.
var openStatuses = []string{string(advising.StatusNew), string(advising.StatusEvidenceCollection),
	string(advising.StatusUnderReview), string(advising.StatusRecommended)}

// assignmentsPageSize is how many cases one page of the assignments list
// shows: enough to move a busy advisor's load in two or three steps.
const assignmentsPageSize = 50

// handleAssignments serves GET /admin/assignments for admin: advisors by
// open caseload, and a filtered list of cases (unassigned by default, or
// one advisor's, or any) to select and give to an advisor, or unassign, in
// one submission.
func (s *site) handleAssignments(c echo.Context) error {
	return s.showAssignments(c, http.StatusOK, newForm(), nil, "")
}

// showAssignments renders the assignments page for the filter in the
// query string (or, after a bulk assignment, the one it carried).
func (s *site) showAssignments(c echo.Context, status int, bulk *form, results []assignResult, summary string) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	advisors, err := s.enabledAdvisors(c)
	if err != nil {
		return err
	}
	counts, err := s.advisorLoads(c)
	if err != nil {
		return err
	}
	data := assignmentsData{Form: newForm(), Bulk: bulk, Results: results, Summary: summary}
	for _, u := range advisors {
		data.Loads = append(data.Loads, advisorLoad{User: u, OpenCases: counts[u.ID]})
	}
	slices.SortStableFunc(data.Loads, func(x, y advisorLoad) int {
		return cmp.Or(cmp.Compare(y.OpenCases, x.OpenCases), strings.Compare(x.User.FullName, y.User.FullName))
	})
	params := c.QueryParams()
	if c.Request().Method == http.MethodPost { // the filter the bulk form carried back
		params = url.Values{}
		for _, k := range []string{"owner", "state", "q"} {
			if v := c.FormValue("back_" + k); v != "" {
				params.Set(k, v)
			}
		}
	}
	f := data.Form
	for _, k := range []string{"owner", "state", "q"} {
		f.Values[k] = strings.TrimSpace(params.Get(k))
	}
	data.Owner = cmp.Or(f.Values["owner"], "unassigned")
	q := casework.CaseQuery{Statuses: openStatuses, Q: f.Values["q"], Sort: "created_at", Limit: assignmentsPageSize}
	if f.Values["state"] == "all" {
		q.Statuses = nil
	}
	switch data.Owner {
	case "unassigned":
		q.Unassigned = true
	case "any":
	default:
		q.AdvisorID = data.Owner
		for i := range data.Loads {
			if data.Loads[i].User.ID == data.Owner {
				data.OwnerRef = &data.Loads[i]
			}
		}
		if data.OwnerRef == nil { // a disabled or unknown advisor: no list to show
			f.Errors["owner"] = "Choose one of the advisors listed."
			return s.render(c, http.StatusUnprocessableEntity, "assignments", "Assignments", data)
		}
	}
	if c.Request().Method == http.MethodGet {
		q.Cursor = c.QueryParam("cursor")
		data.Paged = q.Cursor != ""
	}
	p, err := s.cw.ListCases(ctx, a, q)
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.render(c, statusFor(c, err), "assignments", "Assignments", data)
	}
	data.Cases = p.Items
	data.Back = url.Values{}
	for _, k := range []string{"owner", "state", "q"} {
		if f.Values[k] != "" {
			data.Back.Set(k, f.Values[k])
		}
	}
	if p.NextCursor != nil {
		next := url.Values{"cursor": {*p.NextCursor}}
		for k, v := range data.Back {
			next[k] = v
		}
		data.Next = pageURL("/admin/assignments", next)
	}
	return s.render(c, status, "assignments", "Assignments", data)
}

// handleAssign serves POST /admin/assignments for admin: the selected
// cases (case_id, up to casework.MaxBulkCases) go to one advisor (to = their ID)
// or back to no one (to = "none"). Each case is assigned on its own, so one
// that cannot be (erased meanwhile) does not hold up the rest; the page
// comes back with a result for every case and the same filter.
func (s *site) handleAssign(c echo.Context) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	bulk := newForm()
	form, err := c.FormParams()
	if err != nil {
		return advising.Errorf(advising.CodeBadRequest, "the form could not be read")
	}
	ids := slices.Compact(slices.Sorted(slices.Values(form["case_id"])))
	to := c.FormValue("to")
	bulk.Values["to"] = to
	var v advising.Validator
	v.Check(len(ids) > 0, "case_id", "choose at least one case")
	v.Check(len(ids) <= casework.MaxBulkCases, "case_id", fmt.Sprintf("choose at most %d cases at a time", casework.MaxBulkCases))
	v.Check(to != "", "to", "choose an advisor, or No one to unassign the cases")
	if err := v.Err(); err != nil {
		bulk.fail(err)
		return s.showAssignments(c, http.StatusUnprocessableEntity, bulk, nil, "")
	}
	var advisorID *string
	if to != "none" {
		advisorID = &to
	}
	out, err := s.cw.AssignCases(ctx, a, ids, advisorID)
	switch {
	case advising.ErrorCode(err) == advising.CodeInvalid:
		// The advisor is the same for every case: say it once, by the
		// field (disabled since the page was shown, say).
		bulk.fail(advising.Invalid(advising.FieldError{Field: "to", Message: "must be an enabled advisor"}))
		return s.showAssignments(c, http.StatusUnprocessableEntity, bulk, nil, "")
	case err != nil:
		return err // not a case's problem: the error page, logged
	}
	var results []assignResult
	done, advisorName := 0, ""
	for _, b := range out {
		r := assignResult{CaseID: b.CaseID, OK: b.Err == nil}
		if b.Err == nil {
			done++
			r.Applicant = b.Case.Applicant.FullName
			r.Message = "Unassigned."
			if b.Case.Advisor != nil {
				advisorName = b.Case.Advisor.FullName
				r.Message = "Now with " + advisorName + "."
			}
		} else {
			r.Message = "This case no longer exists; it may have been erased."
		}
		results = append(results, r)
	}
	summary := plural(done, "case", "cases") + " unassigned."
	if advisorID != nil {
		summary = plural(done, "case", "cases") + " assigned to " + cmp.Or(advisorName, "the advisor") + "."
	}
	if failed := len(ids) - done; failed > 0 {
		summary += " " + plural(failed, "case was", "cases were") + " not changed."
	}
	return s.showAssignments(c, http.StatusOK, bulk, results, summary)
}
