package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// caseData is what the case page shows.
type caseData struct {
	Case      casework.CaseView
	Notes     []advising.Note
	MoreNotes bool
	Advisors  []advising.User // admin: enabled advisors to assign
	Forms     map[string]*form
	Suggested advising.Pathway
	Today     string
	Activity  []activityRow
	MoreAudit bool
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
		Suggested: cv.Evidence.SuggestedPathway(), Today: s.cw.Now().In(s.loc).Format(time.DateOnly)}
	if a.IsAdmin() {
		if data.Advisors, err = s.enabledAdvisors(c); err != nil {
			return err
		}
	}
	h, err := s.cw.CaseActivity(ctx, a, cv.ID, activityShown)
	if err != nil {
		return err
	}
	data.Activity, data.MoreAudit = activityRows(h), h.More
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
		// at= puts the notice in the section the page opens at, where the
		// person is looking, not at the top of a long page.
		u += "&at=" + url.QueryEscape(anchor) + "#" + anchor
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
		t, perr := s.followUpTime(day)
		if perr != nil {
			err = perr
		} else {
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

// followUpTime turns a date typed into a follow-up form (YYYY-MM-DD, in the
// office's time zone) into the instant stored: that day's working morning,
// 09:00, or, for today once 09:00 has passed, the end of the day, so a
// follow-up set for later today is not overdue the moment it is saved.
// Whether the day may be chosen at all is casework's rule.
func (s *site) followUpTime(day string) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, day, s.loc)
	if err != nil {
		return time.Time{}, advising.Invalid(advising.FieldError{Field: "next_follow_up_at", Message: "must be a date"})
	}
	t := d.Add(9 * time.Hour)
	if now := s.cw.Now(); t.Before(now) && now.Before(d.AddDate(0, 0, 1)) {
		t = d.AddDate(0, 0, 1).Add(-time.Minute)
	}
	return t, nil
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
