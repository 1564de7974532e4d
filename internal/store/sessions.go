package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"advising/internal/advising"
)

// CreateSession records a new session for userID that ends at expires and
// returns its ID. It also deletes the user's sessions that have already
// expired, so the table holds roughly the sessions that still work.
func (s *Store) CreateSession(ctx context.Context, userID string, now, expires time.Time) (string, error) {
	id := NewID()
	if err := s.w.WithContext(ctx).Exec("DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?", userID, now).Error; err != nil {
		return "", mapErr(err, "delete expired sessions")
	}
	err := s.w.WithContext(ctx).Exec("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
		id, userID, now, expires).Error
	if err != nil {
		return "", mapErr(err, "insert session")
	}
	return id, nil
}

// EndSession deletes one session of userID; a session that is already gone
// is not an error, so signing out twice is harmless.
func (s *Store) EndSession(ctx context.Context, userID, sessionID string) error {
	err := s.w.WithContext(ctx).Exec("DELETE FROM sessions WHERE id = ? AND user_id = ?", sessionID, userID).Error
	return mapErr(err, "delete session")
}

// EndSessions deletes every session of userID.
func (s *Store) EndSessions(ctx context.Context, userID string) error {
	err := s.w.WithContext(ctx).Exec("DELETE FROM sessions WHERE user_id = ?", userID).Error
	return mapErr(err, "delete sessions")
}

// authStmt is the session lookup, prepared once on the read pool (which
// prepares it again on each connection as needed): it runs on every
// authenticated request, so it skips GORM's statement building.
type authStmt struct {
	mu   sync.Mutex
	stmt *sql.Stmt
}

func (a *authStmt) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stmt == nil {
		st, err := db.PrepareContext(ctx, query)
		if err != nil { // e.g. before migrations: try again next time
			return nil, err
		}
		a.stmt = st
	}
	return a.stmt, nil
}

func (a *authStmt) close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stmt == nil {
		return nil
	}
	return a.stmt.Close()
}

// The session lookup: what it reads, and from where.
const (
	authColumns    = "u.role, u.full_name, u.disabled, u.token_version"
	authFrom       = " FROM sessions s JOIN users u ON u.id = s.user_id"
	authSessionSQL = "SELECT " + authColumns + authFrom + " WHERE s.id = ? AND s.user_id = ?"
)

// AuthUser is the part of a user checked on every authenticated request.
type AuthUser struct {
	Role         advising.Role
	FullName     string
	Disabled     bool
	TokenVersion int
}

// AuthSession loads what authentication needs about the user of a
// session, in one query: the session must exist and belong to userID,
// otherwise the result is not-found. Expiry is the token's own exp claim,
// checked before this is called; the row's expires_at only tells which rows
// may be deleted.
func (s *Store) AuthSession(ctx context.Context, sessionID, userID string) (AuthUser, error) {
	if !s.pg || s.inTx {
		return s.authSessionOne(ctx, sessionID, userID)
	}
	r := authReq{sessionID: sessionID, userID: userID, done: make(chan authResult, 1)}
	select {
	case s.authq <- r:
	case <-ctx.Done():
		return AuthUser{}, ctx.Err()
	case <-s.quit:
		return AuthUser{}, errClosed
	}
	select {
	case res := <-r.done:
		return res.u, res.err
	case <-ctx.Done(): // a read: nothing to wait for
		return AuthUser{}, ctx.Err()
	}
}

// authSessionOne is AuthSession as a query of its own.
func (s *Store) authSessionOne(ctx context.Context, sessionID, userID string) (AuthUser, error) {
	var a AuthUser
	var role string
	stmt, err := s.auth.get(ctx, s.read, s.bind(authSessionSQL))
	if err != nil {
		return AuthUser{}, fmt.Errorf("prepare session lookup: %w", err)
	}
	err = stmt.QueryRowContext(ctx, sessionID, userID).Scan(&role, &a.FullName, &a.Disabled, &a.TokenVersion)
	if err != nil {
		return AuthUser{}, mapSQLErr(err, "session")
	}
	a.Role = advising.Role(role)
	return a, nil
}
