package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
	"advising/internal/casework"
)

type userResponse struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	FullName  string    `json:"full_name"`
	Role      string    `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

func newUserResponse(u advising.User) userResponse {
	return userResponse{ID: u.ID, Email: u.Email, FullName: u.FullName, Role: string(u.Role),
		Disabled: u.Disabled, CreatedAt: u.CreatedAt.UTC()}
}

type sessionResponse struct {
	AccessToken string       `json:"access_token"`
	TokenType   string       `json:"token_type"`
	ExpiresIn   int          `json:"expires_in"`
	User        userResponse `json:"user"`
}

func newSessionResponse(s casework.Session) sessionResponse {
	return sessionResponse{AccessToken: s.AccessToken, TokenType: "Bearer", ExpiresIn: s.ExpiresIn, User: newUserResponse(s.User)}
}

// accountFields are the members register and user creation share. Their
// rules are casework's (NewAccount.Check), the same the pages apply.
type accountFields struct {
	Email    string `json:"email"`
	Password string `json:"password" text:"any"`
	FullName string `json:"full_name"`
}

// normalize trims and lower-cases the email before the control-character
// check, so " Ada@Example.org\t" is accepted and compared as
// "ada@example.org", as the contract's trimming promises.
func (a *accountFields) normalize() { a.Email = advising.NormalizeEmail(a.Email) }

func (a accountFields) account() casework.NewAccount {
	return casework.NewAccount{Email: a.Email, Password: a.Password, FullName: a.FullName}
}

// handleRegister serves POST /api/v1/auth/register for anyone: it creates an
// applicant and opens their case.
func handleRegister(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		var req accountFields
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		s, err := cw.Register(c.Request().Context(), c.RealIP(), req.account())
		if err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, newSessionResponse(s))
	}
}

// handleLogin serves POST /api/v1/auth/login for anyone.
func handleLogin(cw *casework.Service) echo.HandlerFunc {
	type request struct {
		Email    string `json:"email" validate:"required"`
		Password string `json:"password" validate:"required" text:"any"`
	}
	return func(c echo.Context) error {
		var req request
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		s, err := cw.Login(c.Request().Context(), c.RealIP(), req.Email, req.Password)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newSessionResponse(s))
	}
}

// handleLogout serves POST /api/v1/auth/logout for any signed-in user: it
// ends the session of the token it was called with, and only that one.
func handleLogout(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := cw.Logout(c.Request().Context(), actorFrom(c)); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// handleMe serves GET /api/v1/me for any signed-in user.
func handleMe(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := cw.Me(c.Request().Context(), actorFrom(c))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newUserResponse(u))
	}
}

// handlePasswordChange serves POST /api/v1/me/password for any signed-in user.
func handlePasswordChange(cw *casework.Service) echo.HandlerFunc {
	type request struct {
		CurrentPassword string `json:"current_password" text:"any"`
		NewPassword     string `json:"new_password" text:"any"` // casework's password rule
	}
	return func(c echo.Context) error {
		var req request
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		if err := cw.ChangePassword(c.Request().Context(), actorFrom(c), req.CurrentPassword, req.NewPassword); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// handleUserCreate serves POST /api/v1/users for admin: creates an advisor or admin.
func handleUserCreate(cw *casework.Service) echo.HandlerFunc {
	type request struct {
		accountFields
		Role string `json:"role"` // casework's staff-role rule
	}
	return func(c echo.Context) error {
		var req request
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		u, err := cw.CreateUser(c.Request().Context(), actorFrom(c),
			casework.NewStaff{NewAccount: req.account(), Role: advising.Role(req.Role)})
		if err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderLocation, "/api/v1/users/"+u.ID)
		return c.JSON(http.StatusCreated, newUserResponse(u))
	}
}

type listResponse[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func newListResponse[S, T any](p casework.Page[S], conv func(S) T) listResponse[T] {
	items := make([]T, len(p.Items))
	for i, s := range p.Items {
		items[i] = conv(s)
	}
	return listResponse[T]{Items: items, NextCursor: p.NextCursor}
}

// queryLimit reads ?limit=; casework applies the default and bounds.
func queryLimit(c echo.Context) (int, error) {
	s := c.QueryParam("limit")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, advising.Invalid(advising.FieldError{Field: "limit", Message: "must be between 1 and 100"})
	}
	return n, nil
}

// queryBool reads an optional true/false query parameter; absent is false,
// anything but "true" or "false" is a validation error naming it.
func queryBool(c echo.Context, name string) (bool, error) {
	switch c.QueryParam(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, advising.Invalid(advising.FieldError{Field: name, Message: "must be true or false"})
}

// handleUserList serves GET /api/v1/users for admin.
func handleUserList(cw *casework.Service) echo.HandlerFunc {
	return func(c echo.Context) error {
		limit, err := queryLimit(c)
		if err != nil {
			return err
		}
		p, err := cw.ListUsers(c.Request().Context(), actorFrom(c), advising.Role(c.QueryParam("role")), c.QueryParam("cursor"), limit)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newListResponse(p, newUserResponse))
	}
}

// handleUserUpdate serves PATCH /api/v1/users/:userID for admin: rename,
// disable or enable an account.
func handleUserUpdate(cw *casework.Service) echo.HandlerFunc {
	type request struct {
		FullName *string `json:"full_name"` // casework's full-name rule
		Disabled *bool   `json:"disabled"`
	}
	return func(c echo.Context) error {
		var req request
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		u, err := cw.UpdateUser(c.Request().Context(), actorFrom(c), c.Param("userID"),
			casework.UserChanges{FullName: req.FullName, Disabled: req.Disabled})
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, newUserResponse(u))
	}
}
