// Package httpapi is the service's HTTP interface over Echo: routes, the
// authentication and role guards, JSON decoding and validation, and the one
// error handler that writes RFC 9457 problem details. It imports advising,
// casework and auth, never the store: every request goes through casework,
// where the caseload and note-visibility rules live.
package httpapi

import (
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"advising/internal/casework"
)

// maxRequestBody is a backstop on every request. The real limits are the
// endpoints' own: 10 MiB for a whole upload (readUpload, and the portal's
// form), 1 MiB for JSON (decodeJSON). It sits a little above the upload
// limit so that a portal upload just over 10 MiB still reaches its handler,
// which can then show the form again with the applicant's typed text and a
// sentence next to the file field. Echo reads "16M" as 16,000,000 bytes, so
// the binary unit is spelled out.
const maxRequestBody = "16MiB"

// Deps are what the server needs.
type Deps struct {
	Casework *casework.Service
	Log      *slog.Logger
	OpenAPI  []byte
	// Registry receives the HTTP metrics and is served at /metrics.
	Registry *prometheus.Registry
	// TrustedProxies are the addresses whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; from anyone else they are ignored.
	TrustedProxies []netip.Prefix
}

// NewServer returns the service's HTTP handler with every route and
// middleware in place.
func NewServer(d Deps) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(d.Log)
	e.JSONSerializer = jsonSerializer{}
	trusted := proxies(d.TrustedProxies)
	e.IPExtractor, e.SchemeExtractor = trusted.clientIP, trusted.scheme
	e.Pre(trusted.strip)
	e.Use(
		requestID,
		requestLog(d.Log),
		newMetrics(d.Registry).middleware,
		exactRoute, // before the body limit: an unknown path is 404 whatever it carries
		middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, DisablePrintStack: true}),
		middleware.BodyLimit(maxRequestBody),
		strictQuery,
	)
	routes(e, d)
	return e
}

// Ensure NewServer returns an http.Handler.
var _ http.Handler = (*echo.Echo)(nil)
