package advising

import (
	"strings"
	"time"
)

// Role is what a user is to the office.
type Role string

// The three roles. Applicants see only their own case; advisors see their
// caseload; admin sees the whole office.
const (
	RoleApplicant Role = "applicant"
	RoleAdvisor   Role = "advisor"
	RoleAdmin     Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleApplicant || r == RoleAdvisor || r == RoleAdmin
}

// User is an account. The password hash never leaves the store and auth.
type User struct {
	ID           string
	Email        string
	FullName     string
	Role         Role
	Disabled     bool
	TokenVersion int
	PasswordHash string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Actor is the authenticated caller of a use case.
type Actor struct {
	UserID   string
	Role     Role
	FullName string
	// SessionID names the server-side session of the caller's token; empty
	// for the system itself.
	SessionID string
}

// IsAdmin reports whether the actor is an admin.
func (a Actor) IsAdmin() bool { return a.Role == RoleAdmin }

// NormalizeEmail trims surrounding space and lower-cases an address, so that
// register and login compare emails the same way.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// Password length limits, in characters.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// MaxEmailLen is the longest email address accepted anywhere, in bytes
// (RFC 5321's path limit less its angle brackets). Longer ones are refused
// before any lookup or password work.
const MaxEmailLen = 254
