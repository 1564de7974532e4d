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

func newOwnConn(base *gorm.DB, pool *sql.DB) *ownConn {
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
// is broken); the next get takes another. Call it after any error, since
// the error may have been the connection's.
func (o *ownConn) drop() {
	if o.conn != nil {
		_ = o.conn.Close()
		o.conn, o.g = nil, nil
	}
}
