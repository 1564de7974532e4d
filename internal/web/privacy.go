package web

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// sendExport serves an applicant's export document as a download, exactly
// as the API's GET /api/v1/applicants/{id}/export does.
func (s *site) sendExport(c echo.Context, applicantID string) error {
	doc, err := s.cw.Export(c.Request().Context(), actorFrom(c), applicantID)
	if err != nil {
		return err
	}
	body, err := casework.EncodeExport(doc)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, casework.ExportDisposition(doc))
	h.Set(echo.HeaderCacheControl, "no-store")
	return c.Stream(http.StatusOK, echo.MIMEApplicationJSON, bytes.NewReader(body))
}

// handleMyExport serves GET /portal/export for applicants: their own copy
// of everything the office holds about them (no private notes).
func (s *site) handleMyExport(c echo.Context) error {
	return s.sendExport(c, actorFrom(c).UserID)
}

// handleCaseExport serves GET /cases/:caseID/export for admin: the
// office's copy of everything held about the case's applicant, private
// notes and audit events included, for a data-access request.
func (s *site) handleCaseExport(c echo.Context) error {
	cv, err := s.cw.Case(c.Request().Context(), actorFrom(c), c.Param("caseID"))
	if err != nil {
		return err
	}
	return s.sendExport(c, cv.ApplicantID)
}

// eraseData is the portal's erasure confirmation page: what will go.
type eraseData struct {
	Applicant casework.Applicant
	Samples   int
	Files     int
	Form      *form
}

// handleEraseForm serves GET /portal/erase for applicants: what erasure
// removes, and a password box to confirm it.
func (s *site) handleEraseForm(c echo.Context) error {
	return s.showEraseForm(c, http.StatusOK, newForm())
}

func (s *site) showEraseForm(c echo.Context, status int, f *form) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	ap, err := s.cw.Applicant(ctx, a, a.UserID)
	if err != nil {
		return err
	}
	p, err := s.cw.WorkSamples(ctx, a, a.UserID, "", casework.MaxLimit)
	if err != nil {
		return err
	}
	d := eraseData{Applicant: ap, Samples: len(p.Items), Form: f}
	for _, w := range p.Items {
		if w.Source == casework.SourceUpload {
			d.Files++
		}
	}
	return s.render(c, status, "erase", "Erase my account and data", d)
}

// handleErase serves POST /portal/erase for applicants: with their
// password, everything the office holds about them is erased and they are
// signed out.
func (s *site) handleErase(c echo.Context) error {
	a := actorFrom(c)
	err := s.cw.EraseApplicant(c.Request().Context(), a, a.UserID, c.FormValue("password"))
	if err != nil {
		f := newForm()
		if !f.fail(err) {
			return err
		}
		return s.showEraseForm(c, statusFor(c, err), f)
	}
	clearSession(c)
	return redirect(c, "/signin?done=erased")
}

// handleCaseErase serves POST /cases/:caseID/erase for admin: the case's
// applicant is erased once admin has typed the applicant's email, so an
// erasure is never one stray click.
func (s *site) handleCaseErase(c echo.Context) error {
	ctx, a := c.Request().Context(), actorFrom(c)
	cv, err := s.cw.Case(ctx, a, c.Param("caseID"))
	if err != nil {
		return err
	}
	f := newForm()
	f.Values["confirm_email"] = c.FormValue("confirm_email")
	if advising.NormalizeEmail(f.Values["confirm_email"]) != strings.ToLower(cv.Applicant.Email) {
		f.Errors["confirm_email"] = "Type the applicant's email address exactly, to confirm that this applicant is to be erased."
		return s.showCase(c, http.StatusUnprocessableEntity, map[string]*form{"erase": f})
	}
	if err := s.cw.EraseApplicant(ctx, a, cv.ApplicantID, ""); err != nil {
		return s.caseFormFailed(c, "erase", f, err)
	}
	return redirect(c, "/cases?done=applicant-erased")
}
