package httpapi

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// handleApplicantExport serves GET /api/v1/applicants/:applicantID/export
// for the applicant and admin: everything the office holds about the
// applicant as one JSON document, served as a file to keep.
func handleApplicantExport(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		doc, err := cw.Export(c.Request().Context(), actorFrom(c), c.Param("applicantID"))
		if err != nil {
			return err
		}
		body, err := casework.EncodeExport(doc)
		if err != nil {
			return err
		}
		h := c.Response().Header()
		h.Set(echo.HeaderContentDisposition, casework.ExportDisposition(doc))
		// A copy of someone's personal data: no cache keeps it.
		h.Set(echo.HeaderCacheControl, "no-store")
		return c.Stream(http.StatusOK, echo.MIMEApplicationJSON, bytes.NewReader(body))
	}
}

// handleApplicantErase serves DELETE /api/v1/applicants/:applicantID for
// the applicant (body {password}) and admin (no body needed): the
// applicant's data is erased.
func handleApplicantErase(cw *casework.Service) echo.HandlerFunc {
	type request struct {
		Password string `json:"password" validate:"max=1024" text:"any"`
	}
	return func(c echo.Context) error {
		var req request
		a := actorFrom(c)
		// Admin may send no body at all; the applicant must send one.
		if a.Role != advising.RoleAdmin || c.Request().ContentLength != 0 {
			if err := decodeJSON(c, &req); err != nil {
				return err
			}
		}
		if err := cw.EraseApplicant(c.Request().Context(), a, c.Param("applicantID"), req.Password); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}
