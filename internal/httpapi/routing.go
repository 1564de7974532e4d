package httpapi

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// exactRoute answers 404 to every request no route matches, before the
// body limit or any other check can answer for it, and to every request
// that Echo matched to a route only by letting a path parameter swallow
// more than one segment.
//
// Echo's router treats a parameter that ends a route (PATCH /users/:userID,
// DELETE /notes/:noteID) like a wildcard: it takes all the rest of the path,
// slashes included. So PATCH /users/x/INVALID/PATH ran the user handler
// with the id "x/INVALID/PATH" (400 or "user not found"), and GET of the
// same path was a 405, as if the path were known. Static segments match
// literally, so a request and the route it matched have the same number of
// slashes unless a parameter took one; this check restores "an unknown path
// is 404, whatever the method and body" for every route, the pages'
// included, and leaves routes that end in an explicit * alone.
func exactRoute(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		route := c.Path()
		if route == "" {
			return echo.ErrNotFound
		}
		if !strings.Contains(route, "*") && strings.Count(echo.GetPath(c.Request()), "/") != strings.Count(route, "/") {
			c.SetPath("") // the request log and metrics count it as unmatched
			return echo.ErrNotFound
		}
		return next(c)
	}
}
