package web

import (
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// caseListSize is how many cases one page of the caseload shows: a dense
// table, so an advisor with 150 cases pages three times, not six.
const caseListSize = 50

// maxBackCursors bounds the cursors a caseload link carries to page back.
// The API's cursors only go forward, so each page's link remembers the
// cursors of the pages before it; past this many, Previous from the
// oldest remembered page goes to the first page, and links stay short.
const maxBackCursors = 20

// caseloadData is what the caseload table shows.
type caseloadData struct {
	Form     *form
	Statuses []string
	Cases    []casework.CaseView
	Total    int
	From, To int          // the 1-based range of cases shown
	First    template.URL // the first page with the same filters
	Prev     template.URL // the page before, or ""
	Next     template.URL // the next page, or ""
	Export   template.URL // the CSV of every case matching the filters
	Self     string       // this view's query string, for the bulk form to come back to
	Sorts    []sortOption
	Columns  map[string]sortColumn // sortable headers by column
	Advisors []advising.User
	Filtered bool
	Views    []advising.SavedView
	ViewForm *form
	Bulk     *bulkOutcome
	BulkForm *form
	Today    string
}

type sortOption struct{ Value, Label string }

// sortColumn is a sortable column header: the link that sorts by it (or
// reverses it) and its aria-sort state.
type sortColumn struct {
	Link template.URL
	Sort string // "ascending", "descending" or ""
}

var caseSorts = []sortOption{
	{"-updated_at", "Recently updated first"},
	{"updated_at", "Least recently updated first"},
	{"next_follow_up_at", "Follow-up date, soonest first"},
	{"created_at", "Oldest case first"},
}

// filterKeys are the query parameters that make a caseload view (its
// filters and order); cursor, prev and page only say where in it.
var filterKeys = []string{"q", "flag", "advisor", "advisor_id", "sort", "status"}

// caseloadFilters keeps only the filters and order of a caseload query.
func caseloadFilters(qp url.Values) url.Values {
	out := url.Values{}
	for _, k := range filterKeys {
		for _, v := range qp[k] {
			if v != "" {
				out.Add(k, v)
			}
		}
	}
	return out
}

// caseQuery reads a caseload query string into the form shown and the
// query casework runs.
func caseQuery(a advising.Actor, qp url.Values) (*form, []string, casework.CaseQuery) {
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
		Sort: f.Values["sort"], Limit: caseListSize}
	switch adv := f.Values["advisor"]; {
	case adv == "unassigned":
		q.Unassigned = true
	case adv != "":
		q.AdvisorID = adv
	}
	if id := qp.Get("advisor_id"); id != "" && q.AdvisorID == "" && a.IsAdmin() { // links from the advisors page
		q.AdvisorID, f.Values["advisor"] = id, id
	}
	return f, statuses, q
}

// handleCaseload serves GET /cases for advisors (their caseload) and admin
// (every case, or one advisor's, or the unassigned): the API's filters,
// search and orders as a form that applies itself, sortable headers, a
// total, pages both ways, saved views, bulk changes and a CSV export.
func (s *site) handleCaseload(c echo.Context) error {
	return s.showCaseload(c, c.QueryParams(), http.StatusOK, nil, nil)
}

// showCaseload renders the caseload for the query qp; bulk holds the
// outcome of a bulk change just made, and forms a form posted with errors.
func (s *site) showCaseload(c echo.Context, qp url.Values, status int, bulk *bulkOutcome, forms map[string]*form) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	f, statuses, q := caseQuery(a, qp)
	filters := caseloadFilters(qp)
	data := caseloadData{Form: f, Statuses: statuses, Sorts: caseSorts, Bulk: bulk, Filtered: len(filters) > 0,
		ViewForm: forms["view"], BulkForm: forms["bulk"], Self: filters.Encode(),
		Today: s.cw.Now().In(s.loc).Format("2006-01-02")}
	if data.ViewForm == nil {
		data.ViewForm = newForm()
	}
	if data.BulkForm == nil {
		data.BulkForm = newForm()
	}
	data.First = pageURL("/cases", filters)
	data.Export = pageURL("/cases/export", filters)
	data.Columns = sortColumns(filters, q.Sort)
	if a.IsAdmin() {
		advisors, err := s.cw.ListUsers(ctx, a, advising.RoleAdvisor, "", casework.MaxLimit)
		if err != nil {
			return err
		}
		data.Advisors = advisors.Items
	}
	views, err := s.cw.SavedViews(ctx, a)
	if err != nil {
		return err
	}
	data.Views = views

	// Where in the view: the cursor of this page, the cursors of the pages
	// before it (oldest first, the first page's being ""), and its number.
	q.Cursor = qp.Get("cursor")
	back := backCursors(qp.Get("prev"))
	page, _ := strconv.Atoi(qp.Get("page"))
	if q.Cursor == "" || page < 2 {
		page, back = 1, nil
		q.Cursor = ""
	}
	if page > 100_000 {
		page = 100_000
	}
	p, err := s.cw.ListCases(ctx, a, q)
	if err == nil {
		data.Total, err = s.cw.CountCases(ctx, a, q)
	}
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.render(c, statusFor(c, err), "caseload", "Caseload", data)
	}
	data.Cases = p.Items
	data.From = (page-1)*caseListSize + 1
	data.To = data.From + len(p.Items) - 1
	if len(p.Items) == 0 {
		data.From = 0
	}
	if page > 1 {
		prev := cloneValues(filters)
		if n := len(back); n > 0 && page > 2 {
			prev.Set("cursor", back[n-1])
			prev.Set("page", strconv.Itoa(page-1))
			if n > 1 {
				prev.Set("prev", strings.Join(back[:n-1], "."))
			}
		}
		data.Prev = pageURL("/cases", prev)
	}
	if p.NextCursor != nil {
		next := cloneValues(filters)
		next.Set("cursor", *p.NextCursor)
		next.Set("page", strconv.Itoa(page+1))
		if page > 1 {
			kept := append(back, q.Cursor)
			if len(kept) > maxBackCursors {
				kept = kept[len(kept)-maxBackCursors:]
			}
			next.Set("prev", strings.Join(kept, "."))
		}
		data.Next = pageURL("/cases", next)
	}
	return s.render(c, status, "caseload", "Caseload", data)
}

// backCursors splits the prev parameter: cursors joined by dots (a cursor
// is base64url, which has none), at most maxBackCursors of them.
func backCursors(prev string) []string {
	if prev == "" || len(prev) > maxBackCursors*(casework.MaxCursorLen+1) {
		return nil
	}
	parts := strings.Split(prev, ".")
	if len(parts) > maxBackCursors {
		parts = parts[len(parts)-maxBackCursors:]
	}
	for _, p := range parts {
		if p == "" {
			return nil
		}
	}
	return parts
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+3)
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// sortColumns gives the caseload's sortable headers their links: the
// orders the caseload offers by a column it shows, Updated both ways (the
// order by opening date is in the Order list).
func sortColumns(filters url.Values, current string) map[string]sortColumn {
	if current == "" {
		current = "-updated_at"
	}
	link := func(sort string) template.URL {
		v := cloneValues(filters)
		v.Set("sort", sort)
		return pageURL("/cases", v)
	}
	cols := map[string]sortColumn{
		"follow-up": {Link: link("next_follow_up_at")},
		"updated":   {Link: link("-updated_at")},
	}
	switch current {
	case "next_follow_up_at":
		cols["follow-up"] = sortColumn{Link: cols["follow-up"].Link, Sort: "ascending"}
	case "-updated_at":
		cols["updated"] = sortColumn{Link: link("updated_at"), Sort: "descending"}
	case "updated_at":
		cols["updated"] = sortColumn{Link: link("-updated_at"), Sort: "ascending"}
	}
	return cols
}

// pageURL is a link to path with the given query. The query is encoded
// here, so the template must not encode its = and & again.
func pageURL(path string, q url.Values) template.URL {
	if len(q) == 0 {
		return template.URL(path)
	}
	return template.URL(path + "?" + q.Encode())
}

// bulkOutcome is what a bulk change did, case by case.
type bulkOutcome struct {
	What    string // the change, in words
	Done    int
	Refused int
	Rows    []bulkRow
}

type bulkRow struct {
	CaseID string
	Name   string // "" when the case could not be read
	Done   bool
	Why    string
}

// handleCaseBulk serves POST /cases/bulk for advisors and admin: one change
// (a status, a follow-up date, or clearing it) to every ticked case, then
// the same caseload view again with each case's result.
func (s *site) handleCaseBulk(c echo.Context) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	back, err := url.ParseQuery(c.FormValue("back"))
	if err != nil {
		back = url.Values{}
	}
	f := newForm()
	action, day := c.FormValue("action"), strings.TrimSpace(c.FormValue("next_follow_up_at"))
	f.Values["action"], f.Values["status"], f.Values["next_follow_up_at"] = action, c.FormValue("status"), day
	posted, err := c.FormParams()
	if err != nil {
		return err
	}
	ids := posted["case"]
	var u casework.CaseUpdate
	var what string
	switch action {
	case "status":
		st := advising.Status(c.FormValue("status"))
		u.Status, what = &st, "Status changed to "+strings.ToLower(statusWords[st])
		if statusWords[st] == "" {
			err = advising.Invalid(advising.FieldError{Field: "status", Message: "must be chosen"})
		}
	case "follow-up":
		t, perr := s.followUpTime(day)
		u.SetFollowUp, u.NextFollowUpAt, err = true, &t, perr
		what = "Follow-up set to " + formatDate(t, s.loc)
	case "clear-follow-up":
		u.SetFollowUp, what = true, "Follow-up date cleared"
	default:
		err = advising.Invalid(advising.FieldError{Field: "action", Message: "must be chosen"})
	}
	if err == nil && len(ids) == 0 {
		err = advising.Invalid(advising.FieldError{Field: "case", Message: "must be ticked for at least one case"})
	}
	var results []casework.BulkResult
	if err == nil {
		results, err = s.cw.UpdateCases(ctx, a, ids, u)
	}
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.showCaseload(c, back, statusFor(c, err), nil, map[string]*form{"bulk": f})
	}
	out := &bulkOutcome{What: what}
	for _, r := range results {
		row := bulkRow{CaseID: r.CaseID, Done: r.Err == nil}
		if r.Err == nil {
			out.Done++
			row.Name = r.Case.Applicant.FullName
		} else {
			out.Refused++
			row.Why = errorSentence(r.Err)
			if advising.ErrorCode(r.Err) == advising.CodeNotFound {
				row.Why = "This case is not on your caseload, or no longer exists."
			} else if cv, err := s.cw.Case(ctx, a, r.CaseID); err == nil {
				row.Name = cv.Applicant.FullName
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return s.showCaseload(c, back, http.StatusOK, out, nil)
}

// errorSentence says in words why a case was refused: its detail, or its
// first field's problem.
func errorSentence(err error) string {
	var ae *advising.Error
	if !errors.As(err, &ae) {
		return "It could not be changed."
	}
	if len(ae.Fields) > 0 {
		return fieldSentence(ae.Fields[0])
	}
	return sentence(ae.Detail)
}

// handleCaseloadExport serves GET /cases/export for advisors and admin: every
// case matching the caseload's filters, in its order, as CSV, written a
// page at a time so memory stays bounded however many cases match.
func (s *site) handleCaseloadExport(c echo.Context) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	_, _, q := caseQuery(a, c.QueryParams())
	q.Limit = casework.MaxLimit
	p, err := s.cw.ListCases(ctx, a, q) // the first page before any byte, so errors get an error page
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="caseload-%s.csv"`, s.cw.Now().In(s.loc).Format("2006-01-02")))
	h.Set(echo.HeaderCacheControl, "no-store")
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	_ = w.Write([]string{"Applicant", "Email", "Status", "Advisor", "Work samples", "Suggested pathway", "Flags",
		"Next follow-up", "Updated (" + s.loc.String() + ")", "Opened", "Case id"})
	for {
		for _, cv := range p.Items {
			advisor := ""
			if cv.Advisor != nil {
				advisor = cv.Advisor.FullName
			}
			flags := make([]string, len(cv.Flags))
			for i, f := range cv.Flags {
				flags[i] = flagNames[f]
			}
			row := []string{cv.Applicant.FullName, cv.Applicant.Email, statusWords[cv.Status], advisor,
				strconv.Itoa(cv.Evidence.WorkSamples), pathwayWords[cv.Evidence.SuggestedPathway()], strings.Join(flags, "; "),
				isoDate(cv.NextFollowUpAt, s.loc), cv.UpdatedAt.In(s.loc).Format("2006-01-02 15:04"),
				cv.CreatedAt.In(s.loc).Format("2006-01-02"), cv.ID}
			for i := range row {
				row[i] = csvCell(row[i])
			}
			if err := w.Write(row); err != nil {
				return nil // the client went away
			}
		}
		if p.NextCursor == nil {
			break
		}
		q.Cursor = *p.NextCursor
		if p, err = s.cw.ListCases(ctx, a, q); err != nil {
			// Headers are gone: end the file short and log why.
			s.log.ErrorContext(ctx, "case export failed", "err", err)
			break
		}
	}
	w.Flush()
	return nil
}

// viewURL is the caseload link of a saved view.
func viewURL(v advising.SavedView) template.URL {
	q := url.Values{}
	for _, st := range v.Statuses {
		q.Add("status", string(st))
	}
	if v.Flag != "" {
		q.Set("flag", string(v.Flag))
	}
	if v.Advisor != "" {
		q.Set("advisor", v.Advisor)
	}
	if v.Sort != "" {
		q.Set("sort", v.Sort)
	}
	return pageURL("/cases", q)
}

// handleViewSave serves POST /cases/views for advisors and admin: keep the
// caseload's current filters and order under a name.
func (s *site) handleViewSave(c echo.Context) error {
	back, err := url.ParseQuery(c.FormValue("back"))
	if err != nil {
		back = url.Values{}
	}
	f := newForm()
	f.Values["name"] = c.FormValue("name")
	_, _, q := caseQuery(actorFrom(c), back)
	if _, err := s.cw.SaveView(c.Request().Context(), actorFrom(c), f.Values["name"], q); err != nil {
		if !f.fail(err) {
			return err
		}
		return s.showCaseload(c, back, statusFor(c, err), nil, map[string]*form{"view": f})
	}
	back.Set("done", "view-saved")
	return redirect(c, "/cases?"+back.Encode())
}

// handleViewDelete serves POST /cases/views/:viewID/delete for the view's
// owner.
func (s *site) handleViewDelete(c echo.Context) error {
	if err := s.cw.DeleteView(c.Request().Context(), actorFrom(c), c.Param("viewID")); err != nil {
		return err
	}
	return redirect(c, "/cases?done=view-deleted")
}
