package casework

import (
	"context"
	"math"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
)

// Session is what register and login return.
type Session struct {
	AccessToken string
	ExpiresIn   int // seconds
	User        advising.User
}

// NewAccount is what a person registers with.
type NewAccount struct {
	Email    string
	Password string
	FullName string
}

// errBadLogin is the one answer for an unknown email, a wrong password and a
// disabled account, so a login reveals nothing about who has an account.
var errBadLogin = advising.Errorf(advising.CodeUnauthenticated, "the email or password is incorrect")

// Register creates an applicant account and opens their case (status new, no
// advisor) in one transaction. A taken email is CodeConflict.
func (s *Service) Register(ctx context.Context, in NewAccount) (Session, error) {
	hash, err := s.hasher.Hash(in.Password)
	if err != nil {
		return Session{}, err
	}
	now := s.clock()
	var u advising.User
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		u, err = tx.CreateUser(ctx, advising.User{Email: advising.NormalizeEmail(in.Email), FullName: in.FullName,
			Role: advising.RoleApplicant, PasswordHash: hash, CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		caseID, err := tx.OpenCase(ctx, u.ID, now)
		if err != nil {
			return err
		}
		self := advising.Actor{UserID: u.ID, Role: u.Role}
		if err := audit(ctx, tx, self, now, "user.registered", "user", u.ID, caseID); err != nil {
			return err
		}
		return audit(ctx, tx, self, now, "case.opened", "case", caseID, caseID, change("status", nil, string(advising.StatusNew)))
	})
	if err != nil {
		return Session{}, err
	}
	return s.session(u)
}

// Login checks an email and password. Failures are CodeUnauthenticated with
// one message; the eleventh failure for an email within the window, and any
// attempt after it, is CodeRateLimited.
func (s *Service) Login(ctx context.Context, email, password string) (Session, error) {
	key := advising.NormalizeEmail(email)
	if err := s.lockedOut(key); err != nil {
		return Session{}, err
	}
	u, err := s.st.UserByEmail(ctx, key)
	if err != nil && advising.ErrorCode(err) != advising.CodeNotFound {
		return Session{}, err
	}
	// Compare against a fixed hash for unknown emails too, so timing does
	// not tell known emails from unknown ones.
	hash := u.PasswordHash
	if err != nil {
		hash = s.dummyHash()
	}
	if !s.hasher.Matches(hash, password) || err != nil || u.Disabled {
		s.throttle.Fail(key)
		return Session{}, errBadLogin
	}
	return s.session(u)
}

// lockedOut is CodeRateLimited while email has used up its failed sign-ins.
func (s *Service) lockedOut(email string) error {
	if locked, wait := s.throttle.Locked(advising.NormalizeEmail(email)); locked {
		return &advising.Error{Code: advising.CodeRateLimited,
			Detail: "too many failed sign-in attempts for this email; try again later", RetryAfter: int(math.Ceil(wait.Seconds()))}
	}
	return nil
}

func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy, _ = s.hasher.Hash("not a password anyone has") })
	return s.dummy
}

func (s *Service) session(u advising.User) (Session, error) {
	tok, err := s.tokens.Issue(u)
	if err != nil {
		return Session{}, err
	}
	return Session{AccessToken: tok, ExpiresIn: int(s.tokens.TTL() / time.Second), User: u}, nil
}

// Authenticate turns a bearer token into the calling Actor. The user's role,
// disabled flag and token version are read from the database on every call,
// so disabling a user or changing a password revokes tokens at once.
func (s *Service) Authenticate(ctx context.Context, token string) (advising.Actor, error) {
	c, err := s.tokens.Verify(token)
	if err != nil {
		return advising.Actor{}, err
	}
	u, err := s.st.AuthUserByID(ctx, c.Subject)
	if err != nil {
		if advising.ErrorCode(err) == advising.CodeNotFound {
			return advising.Actor{}, advising.Errorf(advising.CodeUnauthenticated, "the access token is invalid or expired")
		}
		return advising.Actor{}, err
	}
	if u.Disabled || u.TokenVersion != c.TokenVersion || u.Role != c.Role {
		return advising.Actor{}, advising.Errorf(advising.CodeUnauthenticated, "the access token has been revoked")
	}
	return advising.Actor{UserID: c.Subject, Role: u.Role, FullName: u.FullName}, nil
}

// Me returns the caller's own account.
func (s *Service) Me(ctx context.Context, a advising.Actor) (advising.User, error) {
	return s.st.UserByID(ctx, a.UserID)
}

// ChangePassword replaces the caller's password after checking the current
// one (CodeInvalid on mismatch); every earlier token stops working.
func (s *Service) ChangePassword(ctx context.Context, a advising.Actor, current, next string) error {
	u, err := s.st.UserByID(ctx, a.UserID)
	if err != nil {
		return err
	}
	if !s.hasher.Matches(u.PasswordHash, current) {
		return advising.Invalid(advising.FieldError{Field: "current_password", Message: "is not your current password"})
	}
	hash, err := s.hasher.Hash(next)
	if err != nil {
		return err
	}
	now := s.clock()
	return s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetPassword(ctx, u.ID, hash, now); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "user.password_changed", "user", u.ID, "")
	})
}

// NewStaff is an account an admin creates.
type NewStaff struct {
	NewAccount
	Role advising.Role
}

// CreateUser lets an admin create an advisor or admin account. A taken email
// is CodeConflict; any other role is CodeInvalid.
func (s *Service) CreateUser(ctx context.Context, a advising.Actor, in NewStaff) (advising.User, error) {
	if !a.IsAdmin() {
		return advising.User{}, advising.Errorf(advising.CodeForbidden, "only an admin may create accounts")
	}
	if in.Role != advising.RoleAdvisor && in.Role != advising.RoleAdmin {
		return advising.User{}, advising.Invalid(advising.FieldError{Field: "role", Message: "must be one of: advisor, admin"})
	}
	hash, err := s.hasher.Hash(in.Password)
	if err != nil {
		return advising.User{}, err
	}
	now := s.clock()
	var u advising.User
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		u, err = tx.CreateUser(ctx, advising.User{Email: advising.NormalizeEmail(in.Email), FullName: in.FullName,
			Role: in.Role, PasswordHash: hash, CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "user.created", "user", u.ID, "")
	})
	return u, err
}

type userCursor struct {
	ID string `json:"id"`
}

// ListUsers lets an admin list accounts, optionally of one role.
func (s *Service) ListUsers(ctx context.Context, a advising.Actor, role advising.Role, cursor string, limit int) (Page[advising.User], error) {
	if !a.IsAdmin() {
		return Page[advising.User]{}, advising.Errorf(advising.CodeForbidden, "only an admin may list accounts")
	}
	if role != "" && !role.Valid() {
		return Page[advising.User]{}, advising.Invalid(advising.FieldError{Field: "role", Message: "must be one of: applicant, advisor, admin"})
	}
	limit, err := checkLimit(limit)
	if err != nil {
		return Page[advising.User]{}, err
	}
	var cur userCursor
	if err := decodeCursor(cursor, &cur); err != nil {
		return Page[advising.User]{}, err
	}
	rows, err := s.st.ListUsers(ctx, store.UserFilter{Role: role, After: cur.ID, Limit: limit})
	if err != nil {
		return Page[advising.User]{}, err
	}
	return paginate(rows, limit, func(u advising.User) any { return userCursor{ID: u.ID} }), nil
}

// UserChanges are the fields an admin may change on an account.
type UserChanges = store.UserChanges

// UpdateUser lets an admin rename or disable/enable an account. An admin may
// not disable their own account (CodeConflict), so the office cannot lock
// itself out by accident.
func (s *Service) UpdateUser(ctx context.Context, a advising.Actor, id string, ch UserChanges) (advising.User, error) {
	if !a.IsAdmin() {
		return advising.User{}, advising.Errorf(advising.CodeForbidden, "only an admin may change accounts")
	}
	if ch.Disabled != nil && *ch.Disabled && id == a.UserID {
		return advising.User{}, advising.Errorf(advising.CodeConflict, "you cannot disable your own account")
	}
	now := s.clock()
	var u advising.User
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		var err error
		if u, err = tx.UpdateUser(ctx, id, ch, now); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "user.updated", "user", u.ID, "")
	})
	return u, err
}

// BootstrapAdmin creates the given admin when no admin exists yet. It
// reports whether it created one.
func (s *Service) BootstrapAdmin(ctx context.Context, email, password, fullName string) (bool, error) {
	n, err := s.st.CountUsersByRole(ctx, advising.RoleAdmin)
	if err != nil || n > 0 {
		return false, err
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return false, err
	}
	now := s.clock()
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		u, err := tx.CreateUser(ctx, advising.User{Email: advising.NormalizeEmail(email), FullName: fullName,
			Role: advising.RoleAdmin, PasswordHash: hash, CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		return audit(ctx, tx, advising.Actor{}, now, "user.bootstrapped", "user", u.ID, "")
	})
	return err == nil, err
}

// OfficeIsEmpty reports whether no account exists yet.
func (s *Service) OfficeIsEmpty(ctx context.Context) (bool, error) {
	has, err := s.st.HasUsers(ctx)
	return !has, err
}
