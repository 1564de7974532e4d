package web

import (
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// unfinished are the statuses of cases still being worked on: a
// recommended or closed case needs no one's attention.
var unfinished = []string{string(advising.StatusNew), string(advising.StatusEvidenceCollection), string(advising.StatusUnderReview)}

// attentionFlags are the reasons a case needs attention, most urgent first,
// each with the order its cases are best read in.
var attentionFlags = []struct {
	Flag advising.Flag
	Sort string
}{
	{advising.FlagFollowUpOverdue, "next_follow_up_at"},
	{advising.FlagStalledEvidenceCollection, "updated_at"},
	{advising.FlagClassificationReview, "updated_at"},
	{advising.FlagInterestEvidenceMismatch, "-updated_at"},
	{advising.FlagScreeningWindowApproaching, "-updated_at"},
	{advising.FlagScreeningWindowOpen, "-updated_at"},
}

// attentionShown is how many cases each attention group lists; the rest
// are one link away, so a flag that holds for almost every case takes no
// more room than any other.
const attentionShown = 5

// overdueShown is how many overdue follow-ups the agenda lists.
const overdueShown = 10

// dashboardData is what the dashboard shows.
type dashboardData struct {
	Dashboard casework.Dashboard
	Office    bool // admin: the whole office
	Open      int  // cases not yet recommended or closed
	Statuses  []statusCount
	Flags     []flagCount
	Attention []attentionGroup
	Agenda    []agendaDay
	Overdue   []casework.CaseView
	MoreDue   template.URL // all overdue follow-ups, when more than shown
	Now       time.Time
}

type statusCount struct {
	Status advising.Status
	Count  int
}

type flagCount struct {
	Flag  advising.Flag
	Count int
	Link  template.URL
}

// attentionGroup is one reason for attention: how many unfinished cases it
// holds for, the first few, and the link to all of them.
type attentionGroup struct {
	Flag  advising.Flag
	Count int
	Cases []casework.CaseView
	All   template.URL
}

// agendaDay is one day of the week's follow-ups.
type agendaDay struct {
	Label string // "Today", "Tomorrow" or the weekday
	Date  time.Time
	Cases []casework.CaseView
}

// handleDashboard serves GET /dashboard for advisors (their caseload) and
// admin (the whole office): counts by status and by flag, each a link to
// the filtered caseload; what needs attention, grouped by reason with a
// count and the first few cases; and the week's follow-ups as an agenda.
func (s *site) handleDashboard(c echo.Context) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	d, err := s.cw.Dashboard(ctx, a)
	if err != nil {
		return err
	}
	data := dashboardData{Dashboard: d, Office: a.IsAdmin(), Now: d.GeneratedAt}
	for _, st := range advising.Statuses {
		data.Statuses = append(data.Statuses, statusCount{st, d.ByStatus[st]})
		if !st.Finished() {
			data.Open += d.ByStatus[st]
		}
	}
	for _, f := range advising.Flags {
		if d.Flags[f] > 0 {
			data.Flags = append(data.Flags, flagCount{f, d.Flags[f], pageURL("/cases", url.Values{"flag": {string(f)}})})
		}
	}
	for _, af := range attentionFlags {
		q := casework.CaseQuery{Statuses: unfinished, Flag: string(af.Flag), Sort: af.Sort, Limit: attentionShown}
		n, err := s.cw.CountCases(ctx, a, q)
		if err != nil {
			return err
		}
		if n == 0 {
			continue
		}
		p, err := s.cw.ListCases(ctx, a, q)
		if err != nil {
			return err
		}
		all := url.Values{"status": unfinished, "flag": {string(af.Flag)}, "sort": {af.Sort}}
		data.Attention = append(data.Attention, attentionGroup{Flag: af.Flag, Count: n, Cases: p.Items, All: pageURL("/cases", all)})
	}
	if err := s.agenda(c, &data); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "dashboard", "Dashboard", data)
}

// agenda fills the week's follow-ups, today and the six days after it in
// the office's time zone, and the overdue ones before them.
func (s *site) agenda(c echo.Context, data *dashboardData) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	now := data.Now.In(s.loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.loc)
	end := today.AddDate(0, 0, 7)
	for i := range 7 {
		day := today.AddDate(0, 0, i)
		label := day.Format("Monday")
		switch i {
		case 0:
			label = "Today"
		case 1:
			label = "Tomorrow"
		}
		data.Agenda = append(data.Agenda, agendaDay{Label: label, Date: day})
	}
	q := casework.CaseQuery{Statuses: unfinished, Sort: "next_follow_up_at", Limit: casework.MaxLimit}
	for range 5 { // at most 500 follow-ups read: far more than a week holds
		p, err := s.cw.ListCases(ctx, a, q)
		if err != nil {
			return err
		}
		for _, cv := range p.Items {
			at := cv.NextFollowUpAt
			switch {
			case at == nil || !at.Before(end):
				return nil
			case at.Before(data.Now):
				if len(data.Overdue) < overdueShown {
					data.Overdue = append(data.Overdue, cv)
				} else {
					data.MoreDue = pageURL("/cases", url.Values{"status": unfinished,
						"flag": {string(advising.FlagFollowUpOverdue)}, "sort": {"next_follow_up_at"}})
				}
			default:
				y, m, d := at.In(s.loc).Date() // by calendar day: a day is not always 24 hours
				for i := range data.Agenda {
					if dy, dm, dd := data.Agenda[i].Date.Date(); dy == y && dm == m && dd == d {
						data.Agenda[i].Cases = append(data.Agenda[i].Cases, cv)
					}
				}
			}
		}
		if p.NextCursor == nil {
			return nil
		}
		q.Cursor = *p.NextCursor
	}
	return nil
}
