// Package web is the office's browser interface: server-rendered pages for
// advisors, admin and applicants, served by the same binary as the v1 API.
// Pages are html/template files and static assets embedded in the binary;
// every page calls casework, so the caseload and note-visibility rules are
// exactly the API's. It imports advising, casework and echo, never the store.
package web

import (
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configures the web interface.
type Options struct {
	// Log receives 5xx failures, once each.
	Log *slog.Logger
}

// site holds what every page handler needs.
type site struct {
	cw    *casework.Service
	log   *slog.Logger
	loc   *time.Location // the office's time zone, for dates typed and shown
	pages map[string]*pageTemplate
}

// Register adds the browser pages under / to e. It wraps e's error handler
// so that errors on page routes render as HTML pages; every other path (the
// JSON API, operations) keeps the handler it had.
func Register(e *echo.Echo, cw *casework.Service, o Options) {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &site{cw: cw, log: log, loc: cw.Location(), pages: parsePages(cw.Location())}
	prev := e.HTTPErrorHandler
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		if !isPageRequest(c.Request()) {
			prev(err, c)
			return
		}
		s.renderError(c, err)
	}
	s.routes(e)
}

// pageSections are the first path segments the web interface owns. Any
// request under them, matched or not, gets HTML errors.
var pageSections = map[string]bool{"": true, "signin": true, "signout": true, "register": true,
	"dashboard": true, "cases": true, "admin": true, "portal": true, "static": true, "account": true}

// isPageRequest reports whether an error on r should be an HTML page: any
// path the web interface owns, and unknown paths outside the API and the
// operations endpoints when the client asks for HTML.
func isPageRequest(r *http.Request) bool {
	first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if pageSections[first] {
		return true
	}
	switch first {
	case "api", "healthz", "readyz", "metrics":
		return false
	}
	return strings.Contains(r.Header.Get(echo.HeaderAccept), "text/html")
}

// staticFiles returns the embedded assets under static/.
func staticFiles() fs.FS {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the folder is embedded at build time
	}
	return sub
}

// errorView is what the error page shows.
type errorView struct {
	Status  int
	Heading string
	Message string
	Fields  []string
}

// renderError writes an error as an HTML page with a sentence, never raw
// JSON. Its status comes from advising's one code table, as the API's
// problems do; unknown errors are logged once and shown without detail.
func (s *site) renderError(c echo.Context, err error) {
	s.identify(c) // an unknown path or an oversized body ran no page middleware
	ev := errorView{Status: http.StatusInternalServerError,
		Message: "Something went wrong on our side. It has been logged; please try again."}
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
		err = &advising.Error{Code: advising.CodeTooLarge, Detail: advising.TooLargeDetail, Err: err}
	}
	ae := casework.Explain(err)
	switch {
	case ae != nil:
		ev.Status, ev.Message = ae.Code.HTTPStatus(), sentence(ae.Detail)
		if ae.Detail == advising.TooLargeDetail { // a body cut off at a limit
			ev.Message = tooLargePage // what to do, not only what happened
		}
		setRetryAfter(c, ae)
		for _, f := range ae.Fields {
			ev.Fields = append(ev.Fields, fieldSentence(f))
		}
		if ae.Code == advising.CodeUnavailable { // a full disk or a read-only mount needs an operator
			s.log.ErrorContext(c.Request().Context(), "storage unavailable", "err", err, "route", c.Path(),
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		}
	case errors.As(err, &he) && he.Code < http.StatusInternalServerError:
		ev.Status, ev.Message = he.Code, httpMessage(he.Code)
		if he.Code == http.StatusTooManyRequests {
			c.Response().Header().Set(echo.HeaderRetryAfter, "60")
		}
	default:
		s.log.ErrorContext(c.Request().Context(), "page failed", "err", err, "route", c.Path(),
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	ev.Heading = headingFor(ev.Status)
	// Unmatched paths run no route middleware: give their page the same headers.
	h := c.Response().Header()
	if h.Get(echo.HeaderContentSecurityPolicy) == "" {
		h.Set(echo.HeaderContentSecurityPolicy, contentSecurityPolicy)
		h.Set(echo.HeaderXContentTypeOptions, "nosniff")
		h.Set(echo.HeaderXFrameOptions, "DENY")
		h.Set(echo.HeaderReferrerPolicy, "same-origin")
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(ev.Status)
		return
	}
	if rerr := s.render(c, ev.Status, "error", ev.Heading, ev); rerr != nil {
		s.log.ErrorContext(c.Request().Context(), "render error page", "err", rerr)
	}
}

// tooLargePage is the error page's sentence for a form far over the limit
// (one just over it is shown again with the error next to the file).
const tooLargePage = "The file you chose is larger than 10 MiB, the most an upload may be. " +
	"Go back and choose a smaller file (for example saved without pictures), or paste the text instead."

func httpMessage(status int) string {
	switch status {
	case http.StatusNotFound:
		return "There is no page at this address, or you may not see it."
	case http.StatusMethodNotAllowed:
		return "This page cannot be used that way. Go back and use the buttons on the page."
	case http.StatusForbidden:
		return "Your account may not use this page."
	case http.StatusRequestEntityTooLarge:
		return tooLargePage
	case http.StatusBadRequest:
		return "The request could not be read. Go back, reload the page and try again."
	}
	return sentence(strings.ToLower(http.StatusText(status)))
}

func headingFor(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Page not found"
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusUnauthorized:
		return "Please sign in"
	case http.StatusConflict:
		return "That change is not possible now"
	case http.StatusTooManyRequests:
		return "Too many attempts"
	case http.StatusUnprocessableEntity:
		return "Some details need correcting"
	case http.StatusServiceUnavailable:
		return "Nothing can be saved right now"
	}
	if status >= 500 {
		return "Something went wrong"
	}
	return http.StatusText(status)
}
