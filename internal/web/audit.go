package web

import (
	"cmp"
	"encoding/csv"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// auditData is what the audit trail page shows.
type auditData struct {
	Form    *form
	People  []advising.UserRef // the staff, by name, to filter by
	Actions []struct{ Action, Words string }
	Case    *advising.UserRef // the applicant whose case the trail is filtered to
	Events  []auditRow
	Next    template.URL
	Paged   bool
	Export  template.URL // the CSV of the same filter
	First   template.URL // the newest events of the same filter
}

// auditRow is one event in words.
type auditRow struct {
	At        time.Time
	ActorID   string
	Who, Role string
	Action    string
	Record    string
	Changes   []string
	CaseID    string
	Applicant string // the case's applicant; "" once erased
}

// newAuditRow puts e into words, naming people and cases from names.
func newAuditRow(e advising.AuditEvent, names casework.AuditNames) auditRow {
	r := auditRow{At: e.At, Action: actionText(e.Action), Record: entityWords[e.EntityType], Who: "The system",
		CaseID: derefString(e.CaseID), ActorID: derefString(e.ActorID)}
	if r.Record == "" {
		r.Record = humanize(e.EntityType)
	}
	if e.ActorRole != nil {
		r.Role = humanize(string(*e.ActorRole))
	}
	if r.ActorID != "" {
		r.Who = "An erased applicant"
		if n, ok := names.People[r.ActorID]; ok {
			r.Who = n
		}
	}
	if ref, ok := names.Cases[r.CaseID]; ok {
		r.Applicant = ref.FullName
	}
	for _, ch := range e.Changes {
		r.Changes = append(r.Changes, changeText(ch, names))
	}
	return r
}

// auditPageSize is how many events one page of the trail shows.
const auditPageSize = 50

// auditQuery reads the audit filter from the query string into f and q:
// a person, an action, a case and a range of whole days in the office's
// time zone, both ends included.
func (s *site) auditQuery(c echo.Context, f *form) (casework.AuditQuery, error) {
	var q casework.AuditQuery
	for _, name := range []string{"case_id", "actor_id", "action", "since", "until"} {
		f.Values[name] = strings.TrimSpace(c.QueryParam(name))
	}
	q.CaseID, q.ActorID, q.Action = f.Values["case_id"], f.Values["actor_id"], f.Values["action"]
	var v advising.Validator
	day := func(name string) *time.Time {
		if f.Values[name] == "" {
			return nil
		}
		t, err := time.ParseInLocation(time.DateOnly, f.Values[name], s.officeZone())
		if err != nil {
			v.Add(name, "must be a date")
			return nil
		}
		return &t
	}
	q.Since, q.Until = day("since"), day("until")
	if q.Until != nil {
		next := q.Until.AddDate(0, 0, 1) // the whole last day counts
		q.Until = &next
	}
	if q.Since != nil && q.Until != nil && !q.Since.Before(*q.Until) {
		v.Add("until", "must be on or after the first day")
	}
	return q, v.Err()
}

// officeZone is the time zone the pages read dates in.
func (s *site) officeZone() *time.Location { return s.loc }

// filterValues are the audit filter's query parameters, for links that
// keep it (the next page, the export).
func filterValues(f *form) url.Values {
	v := url.Values{}
	for _, name := range []string{"case_id", "actor_id", "action", "since", "until"} {
		if f.Values[name] != "" {
			v.Set(name, f.Values[name])
		}
	}
	return v
}

// staffRefs lists every admin and advisor, enabled or not, by name: the
// people the audit trail may be filtered by.
func (s *site) staffRefs(c echo.Context) ([]advising.UserRef, error) {
	ctx, a := c.Request().Context(), actorFrom(c)
	var out []advising.UserRef
	for _, role := range []advising.Role{advising.RoleAdmin, advising.RoleAdvisor} {
		for cursor := ""; ; {
			p, err := s.cw.ListUsers(ctx, a, role, cursor, casework.MaxLimit)
			if err != nil {
				return nil, err
			}
			for _, u := range p.Items {
				out = append(out, advising.UserRef{ID: u.ID, FullName: u.FullName})
			}
			if p.NextCursor == nil {
				break
			}
			cursor = *p.NextCursor
		}
	}
	slices.SortFunc(out, func(x, y advising.UserRef) int {
		return cmp.Or(strings.Compare(x.FullName, y.FullName), strings.Compare(x.ID, y.ID))
	})
	return out, nil
}

// handleAudit serves GET /admin/audit for admin: the audit trail, newest
// first, filtered by person, action, case and days, each event with who
// did it, what changed in words and whose case it was.
func (s *site) handleAudit(c echo.Context) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	f := newForm()
	people, err := s.staffRefs(c)
	if err != nil {
		return err
	}
	data := auditData{Form: f, People: people, Actions: auditActions, Paged: c.QueryParam("cursor") != ""}
	q, err := s.auditQuery(c, f)
	var p casework.Page[advising.AuditEvent]
	if err == nil {
		q.Cursor, q.Limit = c.QueryParam("cursor"), auditPageSize
		p, err = s.cw.ListAudit(ctx, a, q)
	}
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.render(c, statusFor(c, err), "audit", "Audit trail", data)
	}
	lookup := p.Items
	if q.CaseID != "" || q.ActorID != "" { // name the filter too, even when nothing matches
		lookup = append(slices.Clip(lookup), advising.AuditEvent{CaseID: &q.CaseID, ActorID: &q.ActorID})
	}
	names, err := s.cw.NameAudit(ctx, a, lookup)
	if err != nil {
		return err
	}
	if ref, ok := names.Cases[q.CaseID]; ok {
		data.Case = &ref
	} else if q.CaseID != "" {
		data.Case = &advising.UserRef{ID: q.CaseID, FullName: "an erased applicant"}
	}
	if n, ok := names.People[q.ActorID]; ok && !slices.ContainsFunc(people, func(r advising.UserRef) bool { return r.ID == q.ActorID }) {
		data.People = append(data.People, advising.UserRef{ID: q.ActorID, FullName: n}) // an applicant, from a link
	}
	for _, e := range p.Items {
		data.Events = append(data.Events, newAuditRow(e, names))
	}
	keep := filterValues(f)
	data.Export, data.First = pageURL("/admin/audit/export", keep), pageURL("/admin/audit", keep)
	if p.NextCursor != nil {
		keep.Set("cursor", *p.NextCursor)
		data.Next = pageURL("/admin/audit", keep)
	}
	return s.render(c, http.StatusOK, "audit", "Audit trail", data)
}

// handleAuditExport serves GET /admin/audit/export for admin: the filtered
// audit trail as CSV, written a page at a time. Every cell a spreadsheet
// could read as a formula is defused (see csvCell). The export itself is
// recorded in the trail.
func (s *site) handleAuditExport(c echo.Context) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	f := newForm()
	q, err := s.auditQuery(c, f)
	if err != nil {
		return err
	}
	res := c.Response()
	w := csv.NewWriter(res)
	zone := s.officeZone()
	started := false
	err = s.cw.ExportAudit(ctx, a, q, func(events []advising.AuditEvent, names casework.AuditNames) error {
		if !started {
			started = true
			res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
			res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="audit-trail.csv"`)
			res.Header().Set(echo.HeaderCacheControl, "no-store")
			res.WriteHeader(http.StatusOK)
			if err := w.Write([]string{"at", "who", "role", "action", "record", "applicant", "changes",
				"actor_id", "entity_type", "entity_id", "case_id", "action_code"}); err != nil {
				return err
			}
		}
		for _, e := range events {
			r := newAuditRow(e, names)
			row := []string{e.At.In(zone).Format(time.RFC3339), r.Who, r.Role, r.Action, r.Record, r.Applicant,
				strings.Join(r.Changes, "; "), r.ActorID, e.EntityType, e.EntityID, r.CaseID, e.Action}
			for i := range row {
				row[i] = csvCell(row[i])
			}
			if err := w.Write(row); err != nil {
				return err
			}
		}
		w.Flush()
		return w.Error()
	})
	if err != nil && !res.Committed {
		return err
	}
	if err != nil { // the status is sent: end the download early, say so in the log
		s.log.ErrorContext(ctx, "audit export stopped", "err", err, "request_id", res.Header().Get(echo.HeaderXRequestID))
	}
	return nil
}

// csvCell defuses a cell a spreadsheet would run as a formula (one starting
// with =, +, -, @, a tab or a carriage return, as OWASP's CSV injection
// advice lists) by putting an apostrophe in front; a spreadsheet shows the
// text as it is.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
