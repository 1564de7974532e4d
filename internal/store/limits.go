package store

import (
	"context"
	"database/sql"
	"time"
)

// The sign-in limits live in the database (migration 00008, ADR 11), so
// every instance serving the office counts the same attempts. Keys are the
// caller's pseudonyms, never emails or addresses; times are stored as Unix
// microseconds, because the rate limit does arithmetic on them.

func micros(t time.Time) int64 { return t.UnixMicro() }

// takeRateSQL is a token bucket in one atomic statement, as a theoretical
// arrival time (GCRA): a request is allowed when the bucket's tat, or now if
// that is later, is at most @ceiling (now plus the burst allowance), and then
// moves the tat one @step on; a refused request changes nothing. The SET
// expressions all read the row as it was, on SQLite and PostgreSQL alike,
// and concurrent requests for one key queue on its row, so none is lost.
const takeRateSQL = `INSERT INTO auth_limits (scope, key_hash, tat, allowed) VALUES (@scope, @key, @first, TRUE)
	ON CONFLICT (scope, key_hash) DO UPDATE SET
		allowed = CASE WHEN auth_limits.tat <= @ceiling THEN TRUE ELSE FALSE END,
		tat = CASE WHEN auth_limits.tat <= @now THEN @first
			WHEN auth_limits.tat <= @ceiling THEN auth_limits.tat + @step
			ELSE auth_limits.tat END
	RETURNING allowed, tat`

// TakeRate takes one request from the bucket (scope, key), which holds
// perMinute requests and refills evenly over a minute. It reports whether
// the request is allowed and, when it is not, how long until one would be.
// perMinute must be positive.
func (s *Store) TakeRate(ctx context.Context, scope, key string, perMinute int, now time.Time) (bool, time.Duration, error) {
	step := int64(time.Minute/time.Microsecond) / int64(perMinute)
	n := micros(now)
	limit := n + step*int64(perMinute-1)
	var (
		allowed bool
		tat     int64
	)
	err := s.Tx(ctx, func(tx *Store) error {
		return tx.w.WithContext(ctx).Raw(takeRateSQL, sql.Named("scope", scope), sql.Named("key", key),
			sql.Named("first", n+step), sql.Named("now", n), sql.Named("ceiling", limit), sql.Named("step", step)).
			Row().Scan(&allowed, &tat)
	})
	if err != nil {
		return false, 0, mapErr(err, "take from rate limit")
	}
	if allowed {
		return true, 0, nil
	}
	return false, time.Duration(tat-limit) * time.Microsecond, nil
}

// AddLoginAttempt records a sign-in attempt for key at now and returns its
// ID; it counts as a failure until ForgetLoginAttempt removes it. It also
// removes key's attempts older than window, so one key keeps only the rows
// that still count.
func (s *Store) AddLoginAttempt(ctx context.Context, key string, now time.Time, window time.Duration) (string, error) {
	id := NewID()
	err := s.Tx(ctx, func(tx *Store) error {
		if err := tx.w.WithContext(ctx).Exec("DELETE FROM login_failures WHERE key_hash = ? AND at <= ?",
			key, micros(now.Add(-window))).Error; err != nil {
			return err
		}
		return tx.w.WithContext(ctx).Exec("INSERT INTO login_failures (id, key_hash, at) VALUES (?, ?, ?)",
			id, key, micros(now)).Error
	})
	if err != nil {
		return "", mapErr(err, "record sign-in attempt")
	}
	return id, nil
}

// LoginFailures returns the times of key's failed (or unfinished) sign-in
// attempts after since, newest first, at most limit of them, leaving out the
// attempt except (the caller's own).
func (s *Store) LoginFailures(ctx context.Context, key, except string, since time.Time, limit int) ([]time.Time, error) {
	var at []int64
	err := s.db.WithContext(ctx).Raw("SELECT at FROM login_failures WHERE key_hash = ? AND at > ? AND id <> ? ORDER BY at DESC LIMIT ?",
		key, micros(since), except, limit).Scan(&at).Error
	if err != nil {
		return nil, mapErr(err, "read sign-in failures")
	}
	out := make([]time.Time, len(at))
	for i, v := range at {
		out[i] = time.UnixMicro(v).UTC()
	}
	return out, nil
}

// ForgetLoginAttempt removes one attempt: it succeeded, or it was refused
// before the password was looked at. Inside Tx it joins the transaction.
func (s *Store) ForgetLoginAttempt(ctx context.Context, id string) error {
	return mapErr(s.Tx(ctx, func(tx *Store) error {
		return tx.w.WithContext(ctx).Exec("DELETE FROM login_failures WHERE id = ?", id).Error
	}), "forget sign-in attempt")
}

// ForgetLoginFailures removes every attempt recorded under key, for an
// account that is erased.
func (s *Store) ForgetLoginFailures(ctx context.Context, key string) error {
	return mapErr(s.Tx(ctx, func(tx *Store) error {
		return tx.w.WithContext(ctx).Exec("DELETE FROM login_failures WHERE key_hash = ?", key).Error
	}), "forget sign-in failures")
}

// PurgeLimits deletes what the sign-in limits no longer need: attempts older
// than window, and buckets that have refilled (their tat has passed, which
// is the same as no row). It returns how many rows went.
func (s *Store) PurgeLimits(ctx context.Context, now time.Time, window time.Duration) (int64, error) {
	var n int64
	err := s.Tx(ctx, func(tx *Store) error {
		res := tx.w.WithContext(ctx).Exec("DELETE FROM login_failures WHERE at <= ?", micros(now.Add(-window)))
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		res = tx.w.WithContext(ctx).Exec("DELETE FROM auth_limits WHERE tat <= ?", micros(now))
		n += res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, mapErr(err, "purge sign-in limits")
	}
	return n, nil
}
