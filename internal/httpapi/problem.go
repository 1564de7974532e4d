package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// problemTypeBase prefixes our problem types; docs/problems.md lists them.
const problemTypeBase = "https://advising.example/problems/"

// problem is an RFC 9457 problem details body.
type problem struct {
	Type     string                `json:"type"`
	Title    string                `json:"title"`
	Status   int                   `json:"status"`
	Detail   string                `json:"detail,omitempty"`
	Instance string                `json:"instance,omitempty"`
	Errors   []advising.FieldError `json:"errors,omitempty"`
}

// errorHandler is e.HTTPErrorHandler: the only code that turns an error into
// a problem. The status comes from advising's one code table (the pages use
// the same); client mistakes keep their 4xx; anything unknown is a logged
// 500 whose body says nothing about internals.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed { // the request logger hands us the error a second time
			return
		}
		p := problem{Type: "about:blank", Status: http.StatusInternalServerError, Detail: "something went wrong on our side; it has been logged"}
		var he *echo.HTTPError
		if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
			// Echo's BodyLimit refuses by Content-Length before any handler:
			// the same problem as a handler's own reader noticing.
			err = &advising.Error{Code: advising.CodeTooLarge, Detail: advising.TooLargeDetail, Err: err}
		}
		ae := casework.Explain(err)
		switch {
		case ae != nil:
			p = problem{Type: problemTypeBase + string(ae.Code), Status: ae.Code.HTTPStatus(), Detail: ae.Detail, Errors: ae.Fields}
			if ae.Code == advising.CodeUnauthenticated {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="advising"`)
			}
			if n := ae.RetryAfterSeconds(); n > 0 { // rate limited, or storage unavailable
				c.Response().Header().Set(echo.HeaderRetryAfter, strconv.Itoa(n))
			}
			if ae.Code == advising.CodeUnavailable { // a full disk or a read-only mount needs an operator
				log.ErrorContext(c.Request().Context(), "storage unavailable", "err", err, "route", c.Path(),
					"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			}
		case errors.As(err, &he) && he.Code < http.StatusInternalServerError:
			// Echo's own refusals: unknown route, wrong method.
			p = problem{Type: "about:blank", Status: he.Code, Detail: echoDetail(he.Code)}
			if he.Code == http.StatusTooManyRequests {
				c.Response().Header().Set(echo.HeaderRetryAfter, "60")
			}
		default:
			log.ErrorContext(c.Request().Context(), "request failed", "err", err, "route", c.Path(),
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		}
		p.Title, p.Instance = http.StatusText(p.Status), c.Request().URL.Path
		body, _ := json.Marshal(p) // problem holds only strings and ints
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(p.Status)
			return
		}
		_ = c.Blob(p.Status, "application/problem+json", body)
	}
}

func echoDetail(status int) string {
	switch status {
	case http.StatusNotFound:
		return "no such resource"
	case http.StatusMethodNotAllowed:
		return "this method is not allowed on this resource"
	case http.StatusUnauthorized:
		return "a valid bearer token is required"
	case http.StatusTooManyRequests:
		return "too many requests; try again later"
	}
	return http.StatusText(status)
}
