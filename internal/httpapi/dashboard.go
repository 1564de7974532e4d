package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

type caseloadResponse struct {
	Total    int            `json:"total"`
	ByStatus map[string]int `json:"by_status"`
}

type advisorLoadResponse struct {
	ID        string `json:"id"`
	FullName  string `json:"full_name"`
	OpenCases int    `json:"open_cases"`
}

// dashboardResponse is the contract's dashboard. advisors is present for
// admin only: an advisor's dashboard leaves the key out.
type dashboardResponse struct {
	GeneratedAt time.Time              `json:"generated_at"`
	Caseload    caseloadResponse       `json:"caseload"`
	Flags       map[string]int         `json:"flags"`
	Attention   []caseSummaryResponse  `json:"attention"`
	Advisors    *[]advisorLoadResponse `json:"advisors,omitempty"`
}

// handleDashboard serves GET /api/v1/dashboard for advisors (their caseload)
// and admin (the whole office).
func handleDashboard(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		a := actorFrom(c)
		d, err := cw.Dashboard(c.Request().Context(), a)
		if err != nil {
			return err
		}
		r := dashboardResponse{GeneratedAt: d.GeneratedAt.UTC(),
			Caseload:  caseloadResponse{Total: d.Total, ByStatus: make(map[string]int, len(d.ByStatus))},
			Flags:     make(map[string]int, len(d.Flags)),
			Attention: make([]caseSummaryResponse, len(d.Attention))}
		for s, n := range d.ByStatus {
			r.Caseload.ByStatus[string(s)] = n
		}
		for f, n := range d.Flags {
			r.Flags[string(f)] = n
		}
		for i, v := range d.Attention {
			r.Attention[i] = newCaseSummaryResponse(v)
		}
		if a.Role == advising.RoleAdmin {
			loads := make([]advisorLoadResponse, len(d.Advisors))
			for i, l := range d.Advisors {
				loads[i] = advisorLoadResponse{ID: l.Advisor.ID, FullName: l.Advisor.FullName, OpenCases: l.OpenCases}
			}
			r.Advisors = &loads
		}
		return c.JSON(http.StatusOK, r)
	}
}
