package httpapi

import (
	"encoding/json"
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

// handleReady serves GET /readyz for anyone: 200 when the database answers, else 503.
func handleReady(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := cw.Ready(c.Request().Context()); err != nil {
			p := problem{Type: "about:blank", Title: http.StatusText(http.StatusServiceUnavailable),
				Status: http.StatusServiceUnavailable, Detail: "the database is not answering", Instance: c.Request().URL.Path}
			body, _ := json.Marshal(p)
			return c.Blob(http.StatusServiceUnavailable, "application/problem+json", body)
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
