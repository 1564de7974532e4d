package httpapi

import (
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"advising/internal/advising"
	"advising/internal/casework"
)

// actorKey holds the caller on the Echo context. The web pages (package web)
// store their signed-in user under the same key, so requestLog names the
// user of every request.
const actorKey = "advising.actor"

// authenticate turns the Bearer token into an advising.Actor on the context.
// It is the only code that calls c.Set. A missing, malformed or non-Bearer
// header is a 401, as is any token casework does not accept.
func authenticate(cw *casework.Service) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
			token = strings.TrimSpace(token)
			if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
				return advising.Errorf(advising.CodeUnauthenticated, "a bearer token is required")
			}
			a, err := cw.Authenticate(c.Request().Context(), token)
			if err != nil {
				return err
			}
			c.Set(actorKey, a)
			return next(c)
		}
	}
}

// actorFrom returns the caller set by authenticate.
func actorFrom(c echo.Context) advising.Actor {
	a, _ := c.Get(actorKey).(advising.Actor)
	return a
}

// requireRole refuses, with 403, callers whose role may not use a route at
// all. Finer rules (is this your case?) live in casework.
func requireRole(roles ...advising.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			a := actorFrom(c)
			for _, r := range roles {
				if a.Role == r {
					return next(c)
				}
			}
			return advising.Errorf(advising.CodeForbidden, "your role may not use this endpoint")
		}
	}
}

// requestLog writes one line per request: method, route template, status,
// latency, request ID and user ID. Never bodies, tokens or personal data.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogRoutePath: true, LogStatus: true, LogLatency: true, LogRequestID: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("method", v.Method),
				slog.String("route", v.RoutePath),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency),
				slog.String("request_id", v.RequestID),
				slog.String("user_id", actorFrom(c).UserID),
			)
			return nil
		},
	})
}

// metrics counts requests and observes latencies by route template, method
// and status. Unknown routes share one label value so the series stay few.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "advising_http_requests_total", Help: "HTTP requests by route template, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "advising_http_request_duration_seconds", Help: "HTTP request latency by route template, method and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "method", "status"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err) // write the problem now so the status is known
		}
		route := c.Path()
		if route == "" || route == "/*" {
			route = "unmatched"
		}
		status := strconv.Itoa(c.Response().Status)
		m.requests.WithLabelValues(route, c.Request().Method, status).Inc()
		m.latency.WithLabelValues(route, c.Request().Method, status).Observe(time.Since(start).Seconds())
		return nil
	}
}
