package web

import (
	"net/http"
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
