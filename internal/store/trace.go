package store

import (
	"gorm.io/gorm"
)

// TraceStatements calls fn with the SQL of every statement the store runs
// from now on, on both pools. Tests use it to hold query counts down (a list
// page must cost the same number of statements whatever its size). Register
// it before the store is in use: GORM's callback list is not safe to change
// while queries run.
func (s *Store) TraceStatements(fn func(sql string)) {
	pools := []*gorm.DB{s.db, s.w}
	if s.w == s.db { // PostgreSQL: one pool serves both
		pools = pools[:1]
	}
	for i, g := range pools {
		name := []string{"advising:trace_read", "advising:trace_write"}[i]
		after := func(db *gorm.DB) { fn(db.Statement.SQL.String()) }
		cb := g.Callback()
		_ = cb.Query().After("gorm:query").Register(name, after)
		_ = cb.Row().After("gorm:row").Register(name, after)
		_ = cb.Raw().After("gorm:raw").Register(name, after)
		_ = cb.Create().After("gorm:create").Register(name, after)
		_ = cb.Update().After("gorm:update").Register(name, after)
		_ = cb.Delete().After("gorm:delete").Register(name, after)
	}
}
