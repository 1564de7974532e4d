package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Group commit. SQLite takes one writer at a time, and a commit's cost
// (writing the transaction's pages to the WAL) barely depends on how much the
// transaction did. So write transactions are handed to one goroutine that
// runs whatever has queued up in a single database transaction, each inside
// its own savepoint: a transaction that fails is rolled back to its savepoint
// and the others still commit. Every caller learns its own outcome only after
// the shared COMMIT, so a nil error still means "durably written".
// PostgreSQL takes concurrent writers, so there each Tx is an ordinary
// transaction of its own (pgTx) and none of this applies.

// maxBatch bounds how many transactions share one commit, so one commit
// never waits on an unbounded queue.
const maxBatch = 64

type writeReq struct {
	ctx  context.Context
	fn   func(tx *Store) error
	done chan error
}

var errClosed = errors.New("the database is closed")

// Tx runs fn in a write transaction: everything fn does through tx commits
// together or not at all. Inside a transaction, Tx runs fn in that same
// transaction. fn may run on another goroutine and may share its commit with
// other transactions; it must do its work through tx only.
//
// On PostgreSQL, fn runs in a transaction of its own, on the caller's
// goroutine; as on SQLite, once it has begun it finishes whatever happens
// to ctx. A transaction that
// fails only because it met a concurrent one (a serialization failure or a
// deadlock) is run again, a few times, from the start: fn must not count
// on running once.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	if s.inTx {
		return fn(s)
	}
	if s.pg {
		return s.pgTx(ctx, fn)
	}
	req := writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.quit:
		return errClosed
	}
	// Once handed over, the transaction may commit whatever happens to ctx,
	// so wait for the outcome rather than report a cancellation that did not
	// happen.
	return <-req.done
}

// The WAL is truncated once writes pause for idleCheckpoint, and at least
// every busyCheckpoint while they do not, so it stays small beside the data
// (SQLite's automatic checkpoints copy pages back but never shrink the
// file, and cannot finish while readers keep using it).
const (
	idleCheckpoint = time.Second
	busyCheckpoint = 30 * time.Second
)

// writer runs queued transactions until the store closes, and checkpoints
// the WAL between them.
func (s *Store) writer() {
	defer close(s.stopped)
	idle := time.NewTimer(time.Hour)
	idle.Stop()
	dirty, lastCheckpoint := false, time.Now()
	for {
		var first writeReq
		select {
		case first = <-s.writes:
		case <-idle.C:
			if dirty {
				s.checkpoint()
				dirty, lastCheckpoint = false, time.Now()
			}
			continue
		case <-s.quit:
			return
		}
		batch := []writeReq{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case r := <-s.writes:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.runBatch(batch)
		dirty = true
		if time.Since(lastCheckpoint) > busyCheckpoint {
			s.checkpoint()
			dirty, lastCheckpoint = false, time.Now()
		}
		idle.Reset(idleCheckpoint)
	}
}

// checkpoint copies the WAL into the database and truncates it. It waits at
// most a moment for readers still using the WAL: if they do not finish, the
// next checkpoint tries again, and queued writes are not held up meanwhile.
func (s *Store) checkpoint() {
	ctx := context.Background()
	if _, err := s.wr.ExecContext(ctx, "PRAGMA busy_timeout = 200"); err != nil {
		return
	}
	var busy, logPages, done int
	_ = s.wr.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logPages, &done)
	_, _ = s.wr.ExecContext(ctx, "PRAGMA busy_timeout = 5000")
}

// runBatch commits a batch of transactions together and reports to each. A
// storage fault in any of them (a full disk, a read-only file) fails the
// whole batch with that fault: SQLite may already have rolled the shared
// transaction back, and the COMMIT would meet the same fault, so no caller is
// told its write was kept when it might not be.
func (s *Store) runBatch(batch []writeReq) {
	s.hot.prepare(context.Background())
	if len(batch) == 1 { // no one to share with: a plain transaction
		r := batch[0]
		committed := false
		// database/sql rolls a transaction back when its context ends, so
		// it begins detached too.
		err := s.w.WithContext(context.WithoutCancel(r.ctx)).Transaction(func(g *gorm.DB) error {
			if err := runTx(r.fn, s.txStore(g)); err != nil {
				return err
			}
			committed = true // unless the COMMIT itself fails, below
			return nil
		})
		s.record(err, committed && err == nil)
		r.done <- classify(err)
		return
	}
	results := make([]error, len(batch))
	err := s.w.Transaction(func(g *gorm.DB) error {
		for i, r := range batch {
			sp := "w" + strconv.Itoa(i)
			if err := g.SavePoint(sp).Error; err != nil {
				return classify(fmt.Errorf("savepoint: %w", err))
			}
			if results[i] = runTx(r.fn, s.txStore(g.WithContext(r.ctx))); results[i] != nil {
				if f := storageFault(results[i]); f != nil {
					return f
				}
				if err := g.RollbackTo(sp).Error; err != nil {
					return classify(fmt.Errorf("roll back to savepoint: %w", err))
				}
			}
		}
		return nil
	})
	err = classify(err)
	s.record(err, err == nil)
	for i, r := range batch {
		if err != nil {
			r.done <- err
		} else {
			r.done <- results[i]
		}
	}
}

// pgTries bounds how often pgTx runs a transaction that keeps meeting
// concurrent ones.
const pgTries = 5

// pgTx runs fn in a PostgreSQL transaction, again after a serialization
// failure or deadlock, or after losing its connection before the COMMIT
// (the pool then hands it another).
func (s *Store) pgTx(ctx context.Context, fn func(tx *Store) error) error {
	return s.pgTxOn(ctx, s.w, false, fn)
}

// pgTxOn is pgTx on the connections of g: the pool, or one kept connection
// (kept), which is not tried again once lost: its owner replaces it.
func (s *Store) pgTxOn(ctx context.Context, g *gorm.DB, kept bool, fn func(tx *Store) error) error {
	select {
	case <-s.quit:
		return errClosed
	default:
	}
	var err error
	lost := 0 // connections found broken: each is discarded by the pool
	for try := 1; ; {
		committed := false
		// Detached as on SQLite (see detachedPool): a write that has begun
		// finishes, so what a caller learns does not depend on the backend.
		err = g.WithContext(context.WithoutCancel(ctx)).Transaction(func(g *gorm.DB) error {
			if err := runTx(fn, s.txStore(g)); err != nil {
				return err
			}
			committed = true // unless the COMMIT itself fails
			return nil
		})
		if err != nil && !committed && !kept && pgConnLost(err) && lost < s.poolSize {
			// The pool may hold other connections the server ended at the
			// same moment (a restart): try the next at once.
			lost++
			continue
		}
		if err == nil || !pgRetryable(err) || try == pgTries {
			s.record(err, committed && err == nil)
			return classify(err)
		}
		try++
		// Back off a little, more each time, so the transactions that met
		// do not meet again at once.
		select {
		case <-time.After(time.Duration(try*try) * 5 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// record notes a batch's outcome for Writable.
func (s *Store) record(err error, committed bool) {
	switch {
	case committed:
		s.health.committed(time.Now())
	case storageFault(err) != nil:
		s.health.failed(storageFault(err), time.Now())
	}
}

// txStore is a Store whose reads and writes go through transaction g,
// detached from the callers' cancellation (see detachedPool).
func (s *Store) txStore(g *gorm.DB) *Store {
	ctx := g.Statement.Context
	if ctx == nil {
		ctx = context.Background()
	}
	// A Session with a Context gets its own Statement, so the pool is
	// swapped for fn's statements only: the transaction's COMMIT and
	// savepoints still go to the *sql.Tx itself.
	d := g.Session(&gorm.Session{Context: ctx})
	d.Statement.ConnPool = detachedPool{d.Statement.ConnPool}
	return &Store{db: d, w: d, read: s.read, wr: s.wr, inTx: true, pg: s.pg, hot: s.hot, auth: s.auth, path: s.path, health: s.health}
}

// detachedPool runs a transaction's statements without their caller's
// cancellation. SQLite rolls back the whole transaction when a statement
// inside it is interrupted, and a shared commit's transaction holds other
// callers' writes too: a client that hangs up must not undo them. A write
// that has started therefore finishes; the caller that left simply does
// not hear about it.
type detachedPool struct{ gorm.ConnPool }

func (p detachedPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.ConnPool.PrepareContext(context.WithoutCancel(ctx), query)
}

func (p detachedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.ConnPool.ExecContext(context.WithoutCancel(ctx), query, args...)
}

func (p detachedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.ConnPool.QueryContext(context.WithoutCancel(ctx), query, args...)
}

func (p detachedPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.ConnPool.QueryRowContext(context.WithoutCancel(ctx), query, args...)
}

// runTx runs fn, turning a panic into an error so that one bad transaction
// cannot stop the writer.
func runTx(fn func(tx *Store) error, tx *Store) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write transaction panicked: %v", p)
		}
	}()
	return fn(tx)
}

// hotStmts holds the most frequent write statements, prepared once on the
// writer connection; execHot runs them inside the current transaction
// without preparing them again, which the generic path does for every
// statement. They are prepared by the writer between batches, when the
// connection is free (preparing inside a transaction would wait for the
// connection the transaction holds).
type hotStmts struct {
	db    *sql.DB
	mu    sync.Mutex
	ready bool
	stmts map[string]*sql.Stmt
}

// hotQueries are the statements execHot serves from the cache; any other
// query passed to execHot runs through the generic path.
var hotQueries = []string{insertAuditSQL, insertNoteSQL, insertNoteAdvisorSQL}

// prepare prepares every hot statement once. Before migrations have run it
// fails quietly and is tried again before the next batch.
func (h *hotStmts) prepare(ctx context.Context) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ready {
		return
	}
	for _, q := range hotQueries {
		if _, ok := h.stmts[q]; ok {
			continue
		}
		st, err := h.db.PrepareContext(ctx, q)
		if err != nil {
			return
		}
		h.stmts[q] = st
	}
	h.ready = true
}

func (h *hotStmts) get(query string) *sql.Stmt {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stmts[query]
}

func (h *hotStmts) close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var errs []error
	for _, st := range h.stmts {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

// execHot runs a write statement and returns the rows it affected. Inside a
// transaction, a statement of hotQueries runs prepared; anything else is a
// plain Exec. On PostgreSQL every statement is a plain Exec: pgx prepares
// each statement once per connection by itself.
func (s *Store) execHot(ctx context.Context, query string, args ...any) (int64, error) {
	if s.pg {
		res := s.w.WithContext(ctx).Exec(query, args...)
		return res.RowsAffected, res.Error
	}
	pool := s.w.Statement.ConnPool
	if d, ok := pool.(detachedPool); ok {
		pool, ctx = d.ConnPool, context.WithoutCancel(ctx)
	}
	if tx, ok := pool.(*sql.Tx); ok {
		if st := s.hot.get(query); st != nil {
			res, err := tx.StmtContext(ctx, st).ExecContext(ctx, args...)
			if err != nil {
				if tr, ok := s.w.Dialector.(gorm.ErrorTranslator); ok {
					err = tr.Translate(err) // as TranslateError does for GORM's own calls
				}
				return 0, err
			}
			return res.RowsAffected()
		}
	}
	res := s.w.WithContext(ctx).Exec(query, args...)
	return res.RowsAffected, res.Error
}
