package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

// handleHome serves GET / for anyone: a signed-in person goes to their start
// page, anyone else to sign in.
func (s *site) handleHome(c echo.Context) error {
	return redirect(c, home(actorFrom(c)))
}

// signInData is what the sign-in page shows.
type signInData struct {
	Form *form
	Next string
}

// handleSignInForm serves GET /signin for anyone.
func (s *site) handleSignInForm(c echo.Context) error {
	next := localPath(c.QueryParam("next"))
	if a := actorFrom(c); a.UserID != "" {
		if next == "" {
			next = home(a)
		}
		return redirect(c, next)
	}
	return s.render(c, http.StatusOK, "signin", "Sign in", signInData{Form: newForm(), Next: next})
}

// handleSignIn serves POST /signin for anyone: on success the session
// cookie holds the access token.
func (s *site) handleSignIn(c echo.Context) error {
	f := newForm()
	f.Values["email"] = strings.TrimSpace(c.FormValue("email"))
	next := localPath(c.FormValue("next"))
	password := c.FormValue("password")
	var v advising.Validator
	v.Check(f.Values["email"] != "", "email", "is required")
	v.Check(password != "", "password", "is required")
	err := v.Err()
	var sess casework.Session
	if err == nil {
		sess, err = s.cw.Login(c.Request().Context(), c.RealIP(), f.Values["email"], password)
	}
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.render(c, statusFor(c, err), "signin", "Sign in", signInData{Form: f, Next: next})
	}
	setSession(c, sess.AccessToken, sess.ExpiresIn)
	if next == "" {
		next = home(advising.Actor{UserID: sess.User.ID, Role: sess.User.Role})
	}
	return redirect(c, next)
}

// handleSignOut serves POST /signout for anyone: it ends the browser's
// session on the server, as POST /api/v1/auth/logout does, so a copy of the
// cookie stops working too, and clears the cookie.
func (s *site) handleSignOut(c echo.Context) error {
	if a := actorFrom(c); a.UserID != "" {
		if err := s.cw.Logout(c.Request().Context(), a); err != nil {
			return err
		}
	}
	clearSession(c)
	return redirect(c, "/signin?done=signed-out")
}

// handleRegisterForm serves GET /register for anyone.
func (s *site) handleRegisterForm(c echo.Context) error {
	if a := actorFrom(c); a.UserID != "" {
		return redirect(c, home(a))
	}
	return s.render(c, http.StatusOK, "register", "Create your account", newForm())
}

// handleRegister serves POST /register for anyone: it creates an applicant,
// opens their case and signs them in.
func (s *site) handleRegister(c echo.Context) error {
	f := newForm()
	in := casework.NewAccount{Email: advising.NormalizeEmail(c.FormValue("email")),
		Password: c.FormValue("password"), FullName: strings.TrimSpace(c.FormValue("full_name"))}
	f.Values["email"], f.Values["full_name"] = in.Email, in.FullName
	// The account's own rules are casework's (Register applies them too);
	// checking them here as well shows every problem at once, the
	// repeated password's beside them.
	var v advising.Validator
	in.Check(&v)
	v.Check(in.Password == c.FormValue("password_again"), "password_again", "does not match the password")
	err := v.Err()
	var sess casework.Session
	if err == nil {
		sess, err = s.cw.Register(c.Request().Context(), c.RealIP(), in)
	}
	if err != nil {
		if advising.ErrorCode(err) == advising.CodeConflict {
			err = advising.Invalid(advising.FieldError{Field: "email", Message: "already has an account; sign in instead"})
		}
		if !f.fail(err) {
			return err
		}
		return s.render(c, statusFor(c, err), "register", "Create your account", f)
	}
	setSession(c, sess.AccessToken, sess.ExpiresIn)
	return redirect(c, "/portal?done=registered")
}

// passwordData is what the password page shows.
type passwordData struct {
	Form *form
}

// handlePasswordForm serves GET /account/password for any signed-in user.
func (s *site) handlePasswordForm(c echo.Context) error {
	return s.render(c, http.StatusOK, "password", "Change your password", passwordData{Form: newForm()})
}

// handlePasswordChange serves POST /account/password for any signed-in user.
// The change revokes every earlier token, this session's too, so the user is
// signed in again with the new password and carries on.
func (s *site) handlePasswordChange(c echo.Context) error {
	f := newForm()
	current, next := c.FormValue("current_password"), c.FormValue("new_password")
	ctx := c.Request().Context()
	a := actorFrom(c)
	if err := s.cw.ChangePassword(ctx, a, current, next); err != nil {
		if !f.fail(err) {
			return err
		}
		return s.render(c, statusFor(c, err), "password", "Change your password", passwordData{Form: f})
	}
	u, err := s.cw.Me(ctx, a)
	if err != nil {
		return err
	}
	sess, err := s.cw.Login(ctx, c.RealIP(), u.Email, next)
	if err != nil {
		clearSession(c)
		return redirect(c, "/signin")
	}
	setSession(c, sess.AccessToken, sess.ExpiresIn)
	return redirect(c, home(a))
}
