package store

import (
	"context"
	"database/sql"

	"gorm.io/gorm"
)

// ownConn is one connection of the pool kept by a goroutine that runs the
// same few statements all day: the note writer and the auth reader.
// PostgreSQL prepares a statement, and plans it its first few times, on
// each connection it meets; a batch's statements have a shape per batch
// size, so on the whole pool every shape would be prepared and planned on
// every connection. On one kept connection each shape is prepared once.
// The goroutine that owns it is the only one to use it.
type ownConn struct {
	base *gorm.DB
	pool *sql.DB
	conn *sql.Conn
	g    *gorm.DB
}

// minKeepPool is the smallest pool whose connections may be kept: with
// two kept, at least two are left for everything else. A smaller pool
// (pool_max_conns of 1 or 2) would leave nothing for the requests.
const minKeepPool = 4

// newOwnConn returns a kept connection of pool for base's statements, or
// nil when the pool is too small to spare one (SQLite's pool size is 0).
func newOwnConn(base *gorm.DB, pool *sql.DB, poolSize int) *ownConn {
	if poolSize < minKeepPool {
		return nil
	}
	return &ownConn{base: base, pool: pool}
}

// get returns a GORM handle whose statements all run on the kept
// connection, taking one from the pool first when none is kept.
func (o *ownConn) get(ctx context.Context) (*gorm.DB, error) {
	if o.conn == nil {
		c, err := o.pool.Conn(ctx)
		if err != nil {
			return nil, err
		}
		// A Session with a Context has a Statement of its own, so the
		// base handle keeps its pool.
		g := o.base.Session(&gorm.Session{NewDB: true, Context: context.Background()})
		g.Statement.ConnPool = c
		o.conn, o.g = c, g
	}
	return o.g, nil
}

// drop gives the connection back to the pool (which discards it when it
// is broken); the next get takes another. A nil ownConn has nothing to
// give back.
func (o *ownConn) drop() {
	if o != nil && o.conn != nil {
		_ = o.conn.Close()
		o.conn, o.g = nil, nil
	}
}
