package casework

import (
	"context"
	"math"
	"net/netip"
	"strings"
	"time"

	"advising/internal/advising"
	"advising/internal/auth"
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

// normalized is in with its email trimmed and lower-cased and its name
// trimmed, as it is checked and stored.
func (in NewAccount) normalized() NewAccount {
	in.Email, in.FullName = advising.NormalizeEmail(in.Email), strings.TrimSpace(in.FullName)
	return in
}

// Check records on v every problem with the account, under the API's field
// names (email, password, full_name). Register and CreateUser apply it; a
// form may call it first to show its own checks (a repeated password)
// beside these in one answer.
func (in NewAccount) Check(v *advising.Validator) {
	in = in.normalized()
	advising.CheckEmail(v, "email", in.Email)
	advising.CheckPassword(v, "password", in.Password)
	advising.CheckFullName(v, "full_name", in.FullName)
}

// errBadLogin is the one answer for an unknown email, a wrong password and a
// disabled account, so a login reveals nothing about who has an account.
var errBadLogin = advising.Errorf(advising.CodeUnauthenticated, "the email or password is incorrect")

// Register creates an applicant account, opens their case (status new, no
// advisor) and starts their first session, in one transaction. from is the
// client's address ("" for the system itself, which is not limited): past
// the per-address limit the answer is CodeRateLimited. A taken email is
// CodeConflict; an account that breaks the rules of NewAccount.Check is
// CodeInvalid, found before any password work.
func (s *Service) Register(ctx context.Context, from string, in NewAccount) (Session, error) {
	if err := s.allow(ctx, "register", from, "too many accounts created from your address; try again later"); err != nil {
		return Session{}, err
	}
	var v advising.Validator
	in.Check(&v)
	if err := v.Err(); err != nil {
		return Session{}, err
	}
	in = in.normalized()
	email := in.Email
	hash, err := s.hash(ctx, in.Password)
	if err != nil {
		return Session{}, err
	}
	now := s.clock()
	expires := s.expiry()
	var u advising.User
	var sid string
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		u, err = tx.CreateUser(ctx, advising.User{Email: email, FullName: in.FullName,
			Role: advising.RoleApplicant, PasswordHash: hash, CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		caseID, err := tx.OpenCase(ctx, u.ID, now)
		if err != nil {
			return err
		}
		if sid, err = tx.CreateSession(ctx, u.ID, now, expires); err != nil {
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
	return s.token(u, sid, expires)
}

// Login checks an email and password and starts a session. from is the
// client's address, as for Register. Failures are CodeUnauthenticated with
// one message, an email longer than MaxEmailLen included (it is refused
// before any lookup, password work or lockout bookkeeping); once an email
// has LoginMaxFailures failures within LoginWindow, any attempt is
// CodeRateLimited until the oldest of them leaves the window, as is any
// attempt past the per-address limit. Both limits are kept in the database,
// so they hold whichever instance each attempt reaches.
func (s *Service) Login(ctx context.Context, from, email, password string) (Session, error) {
	if err := s.allow(ctx, "login", from, "too many sign-in attempts from your address; try again later"); err != nil {
		return Session{}, err
	}
	key := advising.NormalizeEmail(email)
	if len(key) > advising.MaxEmailLen {
		return Session{}, errBadLogin
	}
	attempt, err := s.beginAttempt(ctx, key)
	if err != nil {
		return Session{}, err
	}
	u, err := s.st.UserByEmail(ctx, key)
	if err != nil && advising.ErrorCode(err) != advising.CodeNotFound {
		s.forgetAttempt(ctx, attempt)
		return Session{}, err
	}
	// Compare against a fixed hash for unknown emails too, so timing does
	// not tell known emails from unknown ones.
	hash := u.PasswordHash
	if err != nil {
		hash = s.dummyHash()
	}
	ok, herr := s.matches(ctx, hash, password)
	if herr != nil {
		s.forgetAttempt(ctx, attempt)
		return Session{}, herr
	}
	if !ok || err != nil || u.Disabled {
		return Session{}, errBadLogin // the attempt stays, as a failure
	}
	return s.startSession(ctx, u, attempt)
}

// allow takes one request for the client address from from the limit scope
// ("login" or "register"); an empty from is the system itself and is never
// limited. An address that does not parse shares one bucket with every
// other such address. The bucket is a database row, shared by every instance.
func (s *Service) allow(ctx context.Context, scope, from, detail string) error {
	if from == "" || s.authRate <= 0 {
		return nil
	}
	addr, err := netip.ParseAddr(from)
	if err != nil {
		addr = netip.IPv6Unspecified()
	}
	key := s.tokens.Pseudonym("addr", auth.ClientKey(addr).String())
	ok, wait, err := s.st.TakeRate(ctx, scope, key, s.authRate, s.clock())
	if err != nil {
		return err
	}
	if !ok {
		return &advising.Error{Code: advising.CodeRateLimited, Detail: detail, RetryAfter: retryAfter(wait)}
	}
	return nil
}

// retryAfter is a wait in whole seconds, at least one.
func retryAfter(d time.Duration) int { return max(1, int(math.Ceil(d.Seconds()))) }

// hash hashes a password once a hashing slot is free.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	if err := s.acquireHashSlot(ctx); err != nil {
		return "", err
	}
	defer func() { <-s.hashSlots }()
	return s.hasher.Hash(password)
}

// matches compares a password with a stored hash once a hashing slot is free.
func (s *Service) matches(ctx context.Context, hash, password string) (bool, error) {
	if err := s.acquireHashSlot(ctx); err != nil {
		return false, err
	}
	defer func() { <-s.hashSlots }()
	return s.hasher.Matches(hash, password), nil
}

func (s *Service) acquireHashSlot(ctx context.Context) error {
	select {
	case s.hashSlots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// beginAttempt records a password check for email before it happens and
// returns the attempt's ID; it counts as a failure until forgetAttempt
// removes it (the password matched, or the check never ran). When the
// email already has LoginMaxFailures other attempts within LoginWindow it
// is CodeRateLimited instead, with the wait until the oldest of them leaves
// the window.
//
// Recording first and counting after, as two statements each committed on
// its own, keeps the limit exact however many instances check at once: of
// any attempts that pass, the one that counted last saw all the others.
func (s *Service) beginAttempt(ctx context.Context, email string) (string, error) {
	key := s.emailKey(email)
	now := s.clock()
	id, err := s.st.AddLoginAttempt(ctx, key, now, LoginWindow)
	if err != nil {
		return "", err
	}
	earlier, err := s.st.LoginFailures(ctx, key, id, now.Add(-LoginWindow), LoginMaxFailures)
	if err != nil {
		s.forgetAttempt(ctx, id)
		return "", err
	}
	if len(earlier) >= LoginMaxFailures {
		s.forgetAttempt(ctx, id) // a refused attempt does not lengthen the lockout
		return "", &advising.Error{Code: advising.CodeRateLimited,
			Detail:     "too many failed sign-in attempts for this email; try again later",
			RetryAfter: retryAfter(earlier[LoginMaxFailures-1].Add(LoginWindow).Sub(now))}
	}
	return id, nil
}

// forgetAttempt removes an attempt that must not count as a failure. It
// runs even when the request has been cancelled; if it fails, the attempt
// counts as one failure until it leaves the window, which errs on the safe
// side.
func (s *Service) forgetAttempt(ctx context.Context, id string) {
	_ = s.st.ForgetLoginAttempt(context.WithoutCancel(ctx), id)
}

// emailKey is the pseudonym the lockout counts an email under.
func (s *Service) emailKey(email string) string {
	return s.tokens.Pseudonym("email", advising.NormalizeEmail(email))
}

func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy, _ = s.hasher.Hash("not a password anyone has") })
	return s.dummy
}

// expiry is when a session started now ends, in whole seconds as the
// token's exp claim has it.
func (s *Service) expiry() time.Time {
	return s.tokens.Expiry().UTC().Truncate(time.Second)
}

// startSession records a new session for u and issues its token; the
// sign-in attempt that matched is forgotten in the same transaction.
func (s *Service) startSession(ctx context.Context, u advising.User, attempt string) (Session, error) {
	now, expires := s.clock(), s.expiry()
	var sid string
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.ForgetLoginAttempt(ctx, attempt); err != nil {
			return err
		}
		var err error
		sid, err = tx.CreateSession(ctx, u.ID, now, expires)
		return err
	})
	if err != nil {
		s.forgetAttempt(ctx, attempt)
	}
	if err != nil {
		return Session{}, err
	}
	return s.token(u, sid, expires)
}

func (s *Service) token(u advising.User, sid string, expires time.Time) (Session, error) {
	tok, err := s.tokens.Issue(u, sid, expires)
	if err != nil {
		return Session{}, err
	}
	return Session{AccessToken: tok, ExpiresIn: int(s.tokens.TTL() / time.Second), User: u}, nil
}

// Authenticate turns a bearer token into the calling Actor. The token's
// session and its user's role, disabled flag and token version are read from
// the database on every call, in one query, so signing out, disabling a user
// or changing a password revokes tokens at once.
func (s *Service) Authenticate(ctx context.Context, token string) (advising.Actor, error) {
	c, err := s.tokens.Verify(token)
	if err != nil {
		return advising.Actor{}, err
	}
	u, err := s.st.AuthSession(ctx, c.SessionID, c.Subject)
	if err != nil {
		if advising.ErrorCode(err) == advising.CodeNotFound {
			return advising.Actor{}, advising.Errorf(advising.CodeUnauthenticated, "the access token has been revoked or has expired")
		}
		return advising.Actor{}, err
	}
	if u.Disabled || u.TokenVersion != c.TokenVersion || u.Role != c.Role {
		return advising.Actor{}, advising.Errorf(advising.CodeUnauthenticated, "the access token has been revoked")
	}
	return advising.Actor{UserID: c.Subject, Role: u.Role, FullName: u.FullName, SessionID: c.SessionID}, nil
}

// Logout ends the caller's session: their token stops working at once,
// their other sessions go on.
func (s *Service) Logout(ctx context.Context, a advising.Actor) error {
	if a.UserID == "" || a.SessionID == "" {
		return advising.Errorf(advising.CodeUnauthenticated, "a signed-in session is required")
	}
	return s.st.Tx(ctx, func(tx *store.Store) error { return tx.EndSession(ctx, a.UserID, a.SessionID) })
}

// Me returns the caller's own account.
func (s *Service) Me(ctx context.Context, a advising.Actor) (advising.User, error) {
	return s.st.UserByID(ctx, a.UserID)
}

// ChangePassword replaces the caller's password after checking the current
// one (CodeInvalid on mismatch, or when next breaks the password rule, which
// is checked first and costs no attempt); every earlier session ends. A wrong current
// password counts as a failed login for the account, so once its email is
// locked the answer is CodeRateLimited, right password or not: the form
// cannot be used to guess a password past the sign-in lockout.
func (s *Service) ChangePassword(ctx context.Context, a advising.Actor, current, next string) error {
	var v advising.Validator
	v.Check(current != "", "current_password", "is required")
	advising.CheckPassword(&v, "new_password", next)
	if err := v.Err(); err != nil {
		return err
	}
	u, err := s.st.UserByID(ctx, a.UserID)
	if err != nil {
		return err
	}
	attempt, err := s.beginAttempt(ctx, u.Email)
	if err != nil {
		return err
	}
	ok, err := s.matches(ctx, u.PasswordHash, current)
	if err != nil {
		s.forgetAttempt(ctx, attempt)
		return err
	}
	if !ok {
		return advising.Invalid(advising.FieldError{Field: "current_password", Message: "is not your current password"})
	}
	hash, err := s.hash(ctx, next)
	if err != nil {
		s.forgetAttempt(ctx, attempt)
		return err
	}
	now := s.clock()
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.ForgetLoginAttempt(ctx, attempt); err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, u.ID, hash, now); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "user.password_changed", "user", u.ID, "")
	})
	if err != nil {
		s.forgetAttempt(ctx, attempt)
	}
	return err
}

// NewStaff is an account an admin creates.
type NewStaff struct {
	NewAccount
	Role advising.Role
}

// CreateUser lets an admin create an advisor or admin account. A taken email
// is CodeConflict; an account that breaks NewAccount.Check's rules, or any
// other role, is CodeInvalid.
func (s *Service) CreateUser(ctx context.Context, a advising.Actor, in NewStaff) (advising.User, error) {
	if !a.IsAdmin() {
		return advising.User{}, advising.Errorf(advising.CodeForbidden, "only an admin may create accounts")
	}
	var v advising.Validator
	in.Check(&v)
	advising.CheckStaffRole(&v, "role", in.Role)
	if err := v.Err(); err != nil {
		return advising.User{}, err
	}
	in.NewAccount = in.NewAccount.normalized()
	hash, err := s.hash(ctx, in.Password)
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
// itself out by accident; a new name follows the full-name rule
// (CodeInvalid).
func (s *Service) UpdateUser(ctx context.Context, a advising.Actor, id string, ch UserChanges) (advising.User, error) {
	if !a.IsAdmin() {
		return advising.User{}, advising.Errorf(advising.CodeForbidden, "only an admin may change accounts")
	}
	if ch.FullName != nil {
		name := strings.TrimSpace(*ch.FullName)
		var v advising.Validator
		advising.CheckFullName(&v, "full_name", name)
		if err := v.Err(); err != nil {
			return advising.User{}, err
		}
		ch.FullName = &name
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
// reports whether it created one. Several instances may start at once: the
// admin count is read again in the transaction and the insert does nothing
// when the email is already taken, so exactly one admin is created and no
// instance fails because another got there first. An email taken by an
// account that is not an admin is CodeConflict.
func (s *Service) BootstrapAdmin(ctx context.Context, email, password, fullName string) (bool, error) {
	n, err := s.st.CountUsersByRole(ctx, advising.RoleAdmin)
	if err != nil || n > 0 {
		return false, err
	}
	hash, err := s.hash(ctx, password)
	if err != nil {
		return false, err
	}
	email = advising.NormalizeEmail(email)
	now := s.clock()
	created := false
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		created = false
		if n, err := tx.CountUsersByRole(ctx, advising.RoleAdmin); err != nil || n > 0 {
			return err
		}
		u, inserted, err := tx.CreateUserUnlessTaken(ctx, advising.User{Email: email, FullName: fullName,
			Role: advising.RoleAdmin, PasswordHash: hash, CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		if !inserted {
			// Taken meanwhile (by another instance's bootstrap, when it
			// is an admin) or before (by someone else's account).
			other, err := tx.UserByEmail(ctx, email)
			if err != nil {
				return err
			}
			if other.Role != advising.RoleAdmin {
				return advising.Errorf(advising.CodeConflict, "an account with this email already exists and is not an admin")
			}
			return nil
		}
		created = true
		return audit(ctx, tx, advising.Actor{}, now, "user.bootstrapped", "user", u.ID, "")
	})
	return created && err == nil, err
}

// PurgeSignInLimits deletes the sign-in attempts that have left the lockout
// window and the address buckets that have refilled, and reports how many
// rows went. run() calls it every minute on every instance; the tables stay
// about as large as the last quarter of an hour's failures and the last
// minute's clients, whatever is sent.
func (s *Service) PurgeSignInLimits(ctx context.Context) (int64, error) {
	return s.st.PurgeLimits(ctx, s.clock(), LoginWindow)
}

// OfficeIsEmpty reports whether no account exists yet.
func (s *Service) OfficeIsEmpty(ctx context.Context) (bool, error) {
	has, err := s.st.HasUsers(ctx)
	return !has, err
}
