package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"advising/internal/casework"
)

type statusResponse struct {
	Status string `json:"status"`
}

// handleHealth serves GET /healthz for anyone: 200 while the process runs.
func handleHealth(c echo.Context) error {
	return c.JSON(http.StatusOK, statusResponse{Status: "ok"})
}

// handleReady serves GET /readyz for anyone: 200 when the database answers
// and can be written, else 503 (an unavailable problem with Retry-After).
func handleReady(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := cw.Ready(c.Request().Context()); err != nil {
			return err // CodeUnavailable: problem.go answers 503
		}
		return c.JSON(http.StatusOK, statusResponse{Status: "ok"})
	}
}

// handleOpenAPI serves GET /api/v1/openapi.yaml for anyone.
func handleOpenAPI(doc []byte) echo.HandlerFunc {
	return func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/yaml", doc)
	}
}
