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

// statusByCode is the one table from error codes to HTTP statuses.
var statusByCode = map[advising.Code]int{
	advising.CodeInvalid:            http.StatusUnprocessableEntity,
	advising.CodeBadRequest:         http.StatusBadRequest,
	advising.CodeNotFound:           http.StatusNotFound,
	advising.CodeConflict:           http.StatusConflict,
	advising.CodeUnauthenticated:    http.StatusUnauthorized,
	advising.CodeForbidden:          http.StatusForbidden,
	advising.CodePreconditionFailed: http.StatusPreconditionFailed,
	advising.CodeUnsupportedMedia:   http.StatusUnsupportedMediaType,
	advising.CodeTooLarge:           http.StatusRequestEntityTooLarge,
	advising.CodeRateLimited:        http.StatusTooManyRequests,
	advising.CodeUnavailable:        http.StatusServiceUnavailable,
}

// errorHandler is e.HTTPErrorHandler: the only code that turns an error into
// a response. Client mistakes keep their 4xx; anything unknown is a logged 500
// whose body says nothing about internals.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed { // the request logger hands us the error a second time
			return
		}
		if f := casework.StorageFault(err); f != nil {
			err = f // a full disk or a damaged page is a 503, not a bug
		}
		p := problem{Type: "about:blank", Status: http.StatusInternalServerError, Detail: "something went wrong on our side; it has been logged"}
		var ae *advising.Error
		var he *echo.HTTPError
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &ae) && statusByCode[ae.Code] != 0:
			p = problem{Type: problemTypeBase + string(ae.Code), Status: statusByCode[ae.Code], Detail: ae.Detail, Errors: ae.Fields}
			if ae.Code == advising.CodeUnauthenticated {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="advising"`)
			}
			if ae.RetryAfter > 0 || ae.Code == advising.CodeRateLimited { // rate limited, or storage unavailable
				c.Response().Header().Set(echo.HeaderRetryAfter, strconv.Itoa(max(1, ae.RetryAfter)))
			}
			if ae.Code == advising.CodeUnavailable { // a full disk or a read-only mount needs an operator
				log.ErrorContext(c.Request().Context(), "storage unavailable", "err", err, "route", c.Path(),
					"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			}
		case errors.As(err, &mbe), errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge:
			// A body over a limit is one problem type whoever noticed it: a
			// handler's own reader (1 MiB JSON, the upload limit) or Echo's
			// BodyLimit, which refuses by Content-Length before any handler.
			p = problem{Type: problemTypeBase + string(advising.CodeTooLarge), Status: http.StatusRequestEntityTooLarge,
				Detail: tooLargeDetail}
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

// tooLargeDetail answers a body over the limits, whoever noticed it.
const tooLargeDetail = "the request is too large: uploads may be at most 10 MiB, JSON bodies 1 MiB"

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
