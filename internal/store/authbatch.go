package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gorm.io/gorm"

	"advising/internal/advising"
)

// On PostgreSQL every authenticated request's session lookup is a round
// trip to the server, and under load those round trips are most of what a
// request costs the database. So lookups share queries: an auth reader
// takes whatever lookups have queued and reads their sessions with one IN
// list (a lookup alone is a query of its own). The query starts after every
// lookup in it was asked for, so each still sees every revocation committed
// before its request came: nothing is remembered from one query to the
// next. SQLite reads in the process, where a query costs less than handing
// it over, so there each lookup is its own query.

// authReaders is how many batched lookups run at once: one, so that the
// lookups that queue while it runs make the next batch (four readers gave
// batches of two and cost a tenth more per request). Handing every lookup
// to the reader, even while few are on their way, cost a tenth less CPU per
// note than letting the first two run on their own.
const authReaders = 1

// authReadTimeout bounds one batched session read.
const authReadTimeout = 10 * time.Second

type authReq struct {
	sessionID, userID string
	done              chan authResult
}

type authResult struct {
	u   AuthUser
	err error
}

// authReader answers queued session lookups until the store closes.
func (s *Store) authReader() {
	defer s.authStopped.Done()
	own := newOwnConn(s.db, s.read, s.poolSize)
	defer own.drop()
	for {
		batch, ok := nextBatch(s.authq, s.quit)
		if !ok {
			return
		}
		s.authBatch(batch, own)
	}
}

// nextBatch waits for a request on ch, then takes whatever else has queued,
// up to maxBatch in all. It reports false once quit is closed.
func nextBatch[T any](ch <-chan T, quit <-chan struct{}) ([]T, bool) {
	var batch []T
	select {
	case r := <-ch:
		batch = append(batch, r)
	case <-quit:
		return nil, false
	}
	for len(batch) < maxBatch {
		select {
		case r := <-ch:
			batch = append(batch, r)
		default:
			return batch, true
		}
	}
	return batch, true
}

// authBatch reads the sessions of a batch of lookups in one query, on
// own's connection (the pool's when own is nil), and answers each.
func (s *Store) authBatch(batch []authReq, own *ownConn) {
	ids := make([]string, len(batch))
	for i, r := range batch {
		ids[i] = r.sessionID
	}
	type row struct {
		userID string
		u      AuthUser
	}
	var found map[string]row
	read := func(g *gorm.DB) error {
		// Bounded, so that a connection that hangs (a network that drops
		// packets without a word) holds the lookups up for seconds, not
		// until TCP gives up; the reader then tries the pool.
		ctx, cancel := context.WithTimeout(context.Background(), authReadTimeout)
		defer cancel()
		found = make(map[string]row, len(batch))
		rows, err := g.WithContext(ctx).Raw("SELECT s.id, s.user_id, "+authColumns+authFrom+" WHERE s.id IN ?", ids).Rows()
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, role string
			var r row
			if err := rows.Scan(&id, &r.userID, &role, &r.u.FullName, &r.u.Disabled, &r.u.TokenVersion); err != nil {
				rows.Close()
				return err
			}
			r.u.Role = advising.Role(role)
			found[id] = r
		}
		return errors.Join(rows.Err(), rows.Close())
	}
	var err error
	onPool := own == nil
	if !onPool {
		var g *gorm.DB
		if g, err = own.get(context.Background()); err == nil {
			err = read(g)
		}
		if err != nil && (pgConnLost(err) || errors.Is(err, context.DeadlineExceeded)) {
			// The kept connection broke (the server restarted, say):
			// give it back and read on the pool.
			own.drop()
			onPool = true
		}
	}
	if onPool {
		// The pool's connections may have been ended too: each that
		// fails is discarded, so try as many as it holds.
		err = read(s.db)
		for lost := 0; err != nil && pgConnLost(err) && lost < s.poolSize; lost++ {
			err = read(s.db)
		}
	}
	for _, r := range batch {
		got, ok := found[r.sessionID]
		switch {
		case err != nil:
			r.done <- authResult{err: mapSQLErr(err, "session")}
		case !ok || got.userID != r.userID:
			r.done <- authResult{err: mapSQLErr(sql.ErrNoRows, "session")}
		default:
			r.done <- authResult{u: got.u}
		}
	}
}
