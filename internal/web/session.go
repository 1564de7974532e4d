package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"advising/internal/advising"
)

const (
	// sessionCookie holds the same JWT the API issues, so a session ends
	// exactly when a token would: expiry, password change, disabled account.
	sessionCookie = "advising_session"
	csrfCookie    = "advising_csrf"
	csrfKey       = "csrf"
	// actorKey is the context key the API's authenticate uses too, so the
	// shared request log names the signed-in user of page requests as well.
	actorKey = "advising.actor"
)

// contentSecurityPolicy allows scripts, styles and images from this origin
// only: no inline script or style, no framing, forms post back here.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// secure reports whether the request reached us over TLS (directly or
// through a proxy that says so), so cookies get the Secure attribute.
func secure(c echo.Context) bool { return c.Scheme() == "https" }

// securityHeaders sets the page headers: CSP, no sniffing, no framing, a
// strict referrer policy, and HSTS when served over TLS.
func securityHeaders() echo.MiddlewareFunc {
	return middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0", // the legacy filter is itself a risk; CSP does the job
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            31536000,
		ContentSecurityPolicy: contentSecurityPolicy,
		ReferrerPolicy:        "same-origin",
	})
}

// csrfProtection checks every form post: a browser that sends Sec-Fetch-Site
// must say same-origin; otherwise the form's _csrf field must match the
// HttpOnly, SameSite=Strict cookie. A failed check is a 403 page.
func csrfProtection() echo.MiddlewareFunc {
	cfg := func(secure bool) echo.MiddlewareFunc {
		return middleware.CSRFWithConfig(middleware.CSRFConfig{
			TokenLookup:    "form:_csrf",
			ContextKey:     csrfKey,
			CookieName:     csrfCookie,
			CookiePath:     "/",
			CookieHTTPOnly: true,
			CookieSecure:   secure,
			CookieSameSite: http.SameSiteStrictMode,
			ErrorHandler:   func(err error, c echo.Context) error { return csrfRefused(err) },
			// A form posted from another site, as the browser's
			// Sec-Fetch-Site header tells, is refused the same way.
			AllowSecFetchSiteFunc: func(c echo.Context) (bool, error) { return false, csrfRefused(nil) },
		})
	}
	plain, tls := cfg(false), cfg(true)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		plainNext, tlsNext := plain(next), tls(next)
		return func(c echo.Context) error {
			if secure(c) {
				return tlsNext(c)
			}
			return plainNext(c)
		}
	}
}

func csrfRefused(err error) error {
	return &advising.Error{Code: advising.CodeForbidden, Err: err,
		Detail: "this form had expired or did not come from this site; go back, reload the page and try again"}
}

// setSession stores the access token in the session cookie.
func setSession(c echo.Context, token string, ttl int) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: ttl,
		HttpOnly: true, Secure: secure(c), SameSite: http.SameSiteStrictMode})
}

// clearSession removes the session cookie.
func clearSession(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HttpOnly: true, Secure: secure(c), SameSite: http.SameSiteStrictMode})
}

// session reads the session cookie and, when casework accepts its token,
// puts the caller on the context. It and identify are the only code in this
// package that call c.Set. A token casework refuses (expired, revoked) clears the cookie
// and leaves the caller signed out; guards then send them to sign in.
func (s *site) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err == nil && ck.Value != "" {
			a, err := s.cw.Authenticate(c.Request().Context(), ck.Value)
			switch {
			case err == nil:
				c.Set(actorKey, a)
			case advising.ErrorCode(err) == advising.CodeUnauthenticated:
				clearSession(c)
			default:
				return err
			}
		}
		return next(c)
	}
}

// identify puts the signed-in caller on the context of a request that ran
// no page middleware (an unknown path, a body over the limit), so its error
// page shows the same header as every other page, sign-out form included.
// It changes nothing: a refused or unreadable token just leaves the page
// signed out, and the next page's session middleware deals with it.
func (s *site) identify(c echo.Context) {
	if actorFrom(c).UserID != "" {
		return
	}
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if a, err := s.cw.Authenticate(c.Request().Context(), ck.Value); err == nil {
			c.Set(actorKey, a)
		}
	}
	if _, ok := c.Get(csrfKey).(string); !ok {
		if ck, err := c.Cookie(csrfCookie); err == nil {
			c.Set(csrfKey, ck.Value) // echo's CSRF token is the cookie's value
		}
	}
}

// actorFrom returns the signed-in caller, or the zero Actor.
func actorFrom(c echo.Context) advising.Actor {
	a, _ := c.Get(actorKey).(advising.Actor)
	return a
}

// signedIn sends callers without a session to the sign-in page (coming back
// here afterwards) and refuses, with a 403 page, roles that may not use the
// page at all. As in the API, finer rules live in casework.
func signedIn(roles ...advising.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			a := actorFrom(c)
			if a.UserID == "" {
				back := "/signin"
				if c.Request().Method == http.MethodGet {
					back += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
				}
				return redirect(c, back)
			}
			for _, r := range roles {
				if a.Role == r {
					return next(c)
				}
			}
			return advising.Errorf(advising.CodeForbidden, "your account may not use this page")
		}
	}
}

// home is where a signed-in person starts.
func home(a advising.Actor) string {
	switch a.Role {
	case advising.RoleApplicant:
		return "/portal"
	case advising.RoleAdvisor, advising.RoleAdmin:
		return "/dashboard"
	}
	return "/signin"
}

// localPath returns next when it is a path on this site, else "": the
// sign-in page never redirects elsewhere.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return next
}

// multilineFields are the form fields that hold long text, where line breaks
// and tabs belong; passwordFields are never shown, so any character goes.
var (
	multilineFields = map[string]bool{"description": true, "body": true, "rationale": true, "reason": true, "responsibilities": true}
	passwordFields  = map[string]bool{"password": true, "password_again": true, "current_password": true, "new_password": true}
)

// plainText refuses, with a 422 naming the field, a form post whose fields
// hold a control character (NUL and the rest of C0, DEL, C1; line breaks and
// tabs only in long text), the same rule as the API's JSON bodies.
func plainText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method != http.MethodPost {
			return next(c)
		}
		form, err := c.FormParams()
		if err != nil {
			return next(c) // the handler reports an unreadable form
		}
		var v advising.Validator
		for name, values := range form {
			if passwordFields[name] {
				continue
			}
			for _, val := range values {
				if advising.ControlCharacter(val, multilineFields[name]) {
					v.Add(name, advising.ControlMessage(multilineFields[name]))
					break
				}
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		return next(c)
	}
}
