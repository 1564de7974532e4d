package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"advising/internal/advising"
)

type userRow struct {
	ID           string
	Email        string
	FullName     string
	Role         string
	PasswordHash string
	Disabled     bool
	TokenVersion int
	CreatedAt    time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt    time.Time `gorm:"autoUpdateTime:false"`
}

func (userRow) TableName() string { return "users" }

func (r userRow) user() advising.User {
	return advising.User{ID: r.ID, Email: r.Email, FullName: r.FullName, Role: advising.Role(r.Role),
		PasswordHash: r.PasswordHash, Disabled: r.Disabled, TokenVersion: r.TokenVersion,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// CreateUser inserts u, giving it an ID. A taken email is a conflict error.
func (s *Store) CreateUser(ctx context.Context, u advising.User) (advising.User, error) {
	u.ID = NewID()
	row := userRow{ID: u.ID, Email: u.Email, FullName: u.FullName, Role: string(u.Role),
		PasswordHash: u.PasswordHash, Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		if advising.ErrorCode(mapErr(err, "")) == advising.CodeConflict {
			return advising.User{}, &advising.Error{Code: advising.CodeConflict, Detail: "an account with this email already exists", Err: err}
		}
		return advising.User{}, mapErr(err, "insert user")
	}
	return row.user(), nil
}

// CreateUserUnlessTaken inserts u, giving it an ID, unless its email is
// taken; it reports whether it inserted. A concurrent insert of the same
// email (another instance starting up) is waited for and then counts as
// taken, never as an error.
func (s *Store) CreateUserUnlessTaken(ctx context.Context, u advising.User) (advising.User, bool, error) {
	u.ID = NewID()
	row := userRow{ID: u.ID, Email: u.Email, FullName: u.FullName, Role: string(u.Role),
		PasswordHash: u.PasswordHash, Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	res := s.w.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "email"}}, DoNothing: true}).Create(&row)
	if res.Error != nil {
		return advising.User{}, false, mapErr(res.Error, "insert user")
	}
	return row.user(), res.RowsAffected == 1, nil
}

// UserByID returns the user with the given ID, or a not-found error.
func (s *Store) UserByID(ctx context.Context, id string) (advising.User, error) {
	var row userRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return advising.User{}, mapErr(err, "user")
	}
	return row.user(), nil
}

// UserByEmail returns the user with the given normalised email, or a not-found error.
func (s *Store) UserByEmail(ctx context.Context, email string) (advising.User, error) {
	var row userRow
	if err := s.db.WithContext(ctx).Where("email = ?", email).Take(&row).Error; err != nil {
		return advising.User{}, mapErr(err, "user")
	}
	return row.user(), nil
}

// UserFilter selects users for ListUsers.
type UserFilter struct {
	Role  advising.Role // empty for every role
	After string        // keyset: users with a greater ID
	Limit int
}

// ListUsers returns up to Limit+1 users ordered by ID (creation order); the
// caller uses the extra one to tell whether another page exists.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]advising.User, error) {
	q := s.db.WithContext(ctx).Order("id").Limit(f.Limit + 1)
	if f.Role != "" {
		q = q.Where("role = ?", string(f.Role))
	}
	if f.After != "" {
		q = q.Where("id > ?", f.After)
	}
	var rows []userRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, mapErr(err, "list users")
	}
	out := make([]advising.User, len(rows))
	for i, r := range rows {
		out[i] = r.user()
	}
	return out, nil
}

// UserChanges are the fields UpdateUser may set; nil means unchanged.
type UserChanges struct {
	FullName *string
	Disabled *bool
}

// UpdateUser applies ch to the user with the given ID and returns the result.
// Disabling a user also ends all their sessions, for good: re-enabling them
// later does not bring the old tokens back.
func (s *Store) UpdateUser(ctx context.Context, id string, ch UserChanges, now time.Time) (advising.User, error) {
	set := map[string]any{"updated_at": now}
	if ch.FullName != nil {
		set["full_name"] = *ch.FullName
	}
	if ch.Disabled != nil {
		set["disabled"] = *ch.Disabled
	}
	res := s.w.WithContext(ctx).Table("users").Where("id = ?", id).Updates(set)
	if res.Error != nil {
		return advising.User{}, mapErr(res.Error, "update user")
	}
	if res.RowsAffected == 0 {
		return advising.User{}, advising.Errorf(advising.CodeNotFound, "user not found")
	}
	if ch.Disabled != nil && *ch.Disabled {
		if err := s.EndSessions(ctx, id); err != nil {
			return advising.User{}, err
		}
	}
	u, err := s.userByIDForWrite(ctx, id)
	if err != nil || ch.FullName == nil {
		return u, err
	}
	// An applicant's case searches by their name (migration 00010).
	err = s.w.WithContext(ctx).Exec("UPDATE cases SET search_text = ? WHERE applicant_id = ?", searchText(u.FullName, u.Email), id).Error
	if err != nil {
		return advising.User{}, mapErr(err, "update case search text")
	}
	return u, nil
}

// SetPassword replaces a user's password hash, bumps their token version and
// ends all their sessions, which revokes every token issued before.
func (s *Store) SetPassword(ctx context.Context, id, hash string, now time.Time) error {
	res := s.w.WithContext(ctx).Exec(
		"UPDATE users SET password_hash = ?, token_version = token_version + 1, updated_at = ? WHERE id = ?", hash, now, id)
	if res.Error != nil {
		return mapErr(res.Error, "update password")
	}
	if res.RowsAffected == 0 {
		return advising.Errorf(advising.CodeNotFound, "user not found")
	}
	return s.EndSessions(ctx, id)
}

// CountUsersByRole returns how many users have the given role.
func (s *Store) CountUsersByRole(ctx context.Context, role advising.Role) (int, error) {
	var n int64
	if err := s.db.WithContext(ctx).Table("users").Where("role = ?", string(role)).Count(&n).Error; err != nil {
		return 0, mapErr(err, "count users")
	}
	return int(n), nil
}

// userByIDForWrite reads through the write connection so a transaction sees
// its own changes.
func (s *Store) userByIDForWrite(ctx context.Context, id string) (advising.User, error) {
	var row userRow
	if err := s.w.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return advising.User{}, mapErr(err, "user")
	}
	return row.user(), nil
}

// HasUsers reports whether any account exists.
func (s *Store) HasUsers(ctx context.Context) (bool, error) {
	var n int64
	if err := s.db.WithContext(ctx).Table("users").Limit(1).Count(&n).Error; err != nil {
		return false, mapErr(err, "count users")
	}
	return n > 0, nil
}
