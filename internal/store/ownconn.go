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
//
// A small pool keeps none: two kept connections out of one or two would
// leave nothing for the requests (pool_max_conns below minKeepPool).
type ownConn struct {
	base *gorm.DB
	pool *sql.DB // nil: keep no connection, use the pool
	conn *sql.Conn
	g    *gorm.DB
}

// minKeepPool is the smallest pool whose connections may be kept: with
// two kept, at least two are left for everything else.
const minKeepPool = 4

func newOwnConn(base *gorm.DB, pool *sql.DB, poolSize int) *ownConn {
	if poolSize < minKeepPool {
		pool = nil
	}
	return &ownConn{base: base, pool: pool}
}

// get returns a GORM handle whose statements all run on the kept
// connection, taking one from the pool first when none is kept; or the
// pool's handle when the pool is too small to keep one.
func (o *ownConn) get(ctx context.Context) (*gorm.DB, error) {
	if o.pool == nil {
		return o.base, nil
	}
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
// is broken); the next get takes another. Call it after any error, since
// the error may have been the connection's.
func (o *ownConn) drop() {
	if o.conn != nil {
		_ = o.conn.Close()
		o.conn, o.g = nil, nil
	}
}
