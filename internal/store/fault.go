package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"advising/internal/advising"
)

// Storage faults: a full disk, a read-only database or filesystem, damaged
// pages, failing I/O, a lock held too long by another process. None of them
// is the client's mistake and none is a bug to log as one: the caller hears
// CodeUnavailable ("cannot store data right now", 503 with Retry-After) and
// nothing it asked for is written.

// retryAfter is how long a client is told to wait after a storage fault, in
// seconds: an operator has to free space or fix a mount, so asking again at
// once would only add load.
const retryAfter = 30

// storageFault returns err as a CodeUnavailable *advising.Error when it is
// (or wraps) one of SQLite's storage faults, or a failure of PostgreSQL or
// of the connection to it (pgFault), and nil otherwise.
func storageFault(err error) *advising.Error {
	if err == nil {
		return nil
	}
	var ae *advising.Error
	if errors.As(err, &ae) {
		if ae.Code == advising.CodeUnavailable {
			return ae
		}
		return nil
	}
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return pgFault(err)
	}
	detail, wait := "", retryAfter
	switch se.Code {
	case sqlite3.ErrFull:
		detail = "the database storage is full"
	case sqlite3.ErrReadonly:
		detail = "the database is read-only"
	case sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
		detail = "the database is damaged"
	case sqlite3.ErrIoErr, sqlite3.ErrCantOpen:
		detail = "the database storage is failing"
	case sqlite3.ErrBusy, sqlite3.ErrLocked:
		detail, wait = "the database is busy", 5
	default:
		return nil
	}
	return &advising.Error{Code: advising.CodeUnavailable, RetryAfter: wait, Err: err,
		Detail: detail + "; nothing was changed, please try again later"}
}

// Fault returns err as a CodeUnavailable *advising.Error when it is (or
// wraps) a storage fault, and nil otherwise. The store already reports
// faults that way from its own calls; Fault is the last net for an error
// that reached a caller unmapped, such as one met while stepping through
// rows.
func Fault(err error) error {
	if f := storageFault(err); f != nil {
		return f
	}
	return nil
}

// classify returns err, turned into a CodeUnavailable error when it is a
// storage fault.
func classify(err error) error {
	if f := storageFault(err); f != nil {
		return f
	}
	return err
}

// dialector is GORM's SQLite dialector with storage faults translated as
// well, so that every GORM call (TranslateError is on) reports them as
// CodeUnavailable, however the caller wraps the error afterwards.
type dialector struct{ *sqlite.Dialector }

func (d dialector) Translate(err error) error {
	if f := storageFault(err); f != nil {
		return f
	}
	return d.Dialector.Translate(err)
}

// writeHealth remembers how the latest writes went, so /readyz can answer
// from real commits and probe only when nothing has been written lately.
type writeHealth struct {
	mu      sync.Mutex
	okAt    time.Time // the latest successful commit (a write or a probe)
	fault   error     // the latest storage fault, nil once a commit succeeds after it
	faultAt time.Time
	probeAt time.Time

	probing sync.Mutex // one probe at a time
}

func (h *writeHealth) committed(now time.Time) {
	h.mu.Lock()
	h.okAt, h.fault = now, nil
	h.mu.Unlock()
}

func (h *writeHealth) failed(err error, now time.Time) {
	h.mu.Lock()
	h.fault, h.faultAt = err, now
	h.mu.Unlock()
}

// How long a commit vouches for the database being writable, and how often a
// probe may run while writes are failing.
const (
	healthyFor    = 5 * time.Second
	faultProbeGap = time.Second
)

// minFree is the least room the database must have to count as writable:
// less and one ordinary write (an upload's text, a batch of audit events)
// may not fit.
const minFree = 1 << 20

// Writable reports whether the database can be written now, as a
// CodeUnavailable error when it cannot. It answers from the latest commit
// when that is recent; otherwise it probes: one small committed write through
// the writer, and a check that the disk and the database's size limit leave
// room. It is cheap enough for a readiness check, not for every request.
func (s *Store) Writable(ctx context.Context) error {
	if err := s.checkRoom(ctx); err != nil {
		return err
	}
	h := s.health
	now := time.Now()
	h.mu.Lock()
	fault, recentOK := h.fault, now.Sub(h.okAt) < healthyFor
	waitProbe := fault != nil && now.Sub(h.probeAt) < faultProbeGap
	h.mu.Unlock()
	switch {
	case fault == nil && recentOK:
		return nil
	case waitProbe:
		return fault
	}
	h.probing.Lock()
	defer h.probing.Unlock()
	h.mu.Lock()
	h.probeAt = time.Now()
	h.mu.Unlock()
	return s.probe(ctx)
}

// probe writes one row and commits it, through Tx like any write.
func (s *Store) probe(ctx context.Context) error {
	err := s.Tx(ctx, func(tx *Store) error {
		return tx.w.WithContext(ctx).Exec(`INSERT INTO write_probe (id, probed_at) VALUES (1, ?)
			ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at`, time.Now().UTC()).Error
	})
	if err != nil {
		if f := storageFault(err); f != nil {
			return f
		}
		return &advising.Error{Code: advising.CodeUnavailable, RetryAfter: retryAfter, Err: err,
			Detail: "the database cannot be written"}
	}
	return nil
}

// checkRoom reports a full disk, or a database at its page limit
// (PRAGMA max_page_count, which SQLite answers like a full disk), before a
// write runs into it. The limit is the writer connection's own. PostgreSQL
// keeps its files on its own server; a full disk there fails the probe.
func (s *Store) checkRoom(ctx context.Context) error {
	if s.pg {
		return nil
	}
	free, err := freeBytes(filepath.Dir(s.path))
	if err == nil && free < minFree {
		return &advising.Error{Code: advising.CodeUnavailable, RetryAfter: retryAfter,
			Detail: "the disk holding the database is full; nothing can be saved until space is freed",
			Err:    fmt.Errorf("%d bytes free on the database's filesystem", free)}
	}
	var count, limit, freePages, size int64
	for _, q := range []struct {
		pragma string
		into   *int64
	}{{"page_count", &count}, {"max_page_count", &limit}, {"freelist_count", &freePages}, {"page_size", &size}} {
		if err := s.wr.QueryRowContext(ctx, "PRAGMA "+q.pragma).Scan(q.into); err != nil {
			return &advising.Error{Code: advising.CodeUnavailable, RetryAfter: retryAfter,
				Detail: "the database is not answering", Err: fmt.Errorf("read %s: %w", q.pragma, err)}
		}
	}
	if room := (limit - count + freePages) * size; room < minFree {
		return &advising.Error{Code: advising.CodeUnavailable, RetryAfter: retryAfter,
			Detail: "the database has reached its size limit; nothing can be saved until it is raised",
			Err:    fmt.Errorf("%d bytes left under max_page_count", room)}
	}
	return nil
}

// QuickCheck runs SQLite's quick integrity check over the whole database and
// returns an error naming the first problem when the database is damaged.
// Start-up runs it before anything else touches the data. On PostgreSQL,
// which checks its own pages, it only checks that the database answers.
func (s *Store) QuickCheck(ctx context.Context) error {
	if s.pg {
		return s.Ping(ctx)
	}
	problems, err := integrity(ctx, s.read, "quick_check")
	if err != nil {
		return fmt.Errorf("database %s cannot be read (%v); restore a backup with `advising restore`", s.path, oneLine(err.Error()))
	}
	if len(problems) > 0 {
		return fmt.Errorf("database %s is damaged (%d problems, first: %s); restore a backup with `advising restore`",
			s.path, len(problems), oneLine(problems[0]))
	}
	return nil
}

// integrity runs PRAGMA quick_check or integrity_check and returns the
// problems it reports (none for a sound database).
func integrity(ctx context.Context, db *sql.DB, pragma string) ([]string, error) {
	rows, err := db.QueryContext(ctx, "PRAGMA "+pragma)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	return problems, rows.Err()
}

// oneLine keeps an error message on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// SetWriterPragma runs a PRAGMA on the writer connection. Operators' tools and
// fault tests use it: PRAGMA query_only makes the database refuse writes as a
// read-only file does, PRAGMA max_page_count fills it as a full disk does.
func (s *Store) SetWriterPragma(ctx context.Context, pragma string) error {
	if s.pg {
		return errors.New("PRAGMA is SQLite's; this database is PostgreSQL")
	}
	if !strings.HasPrefix(pragma, "PRAGMA ") {
		return fmt.Errorf("not a PRAGMA: %q", pragma)
	}
	_, err := s.wr.ExecContext(ctx, pragma)
	return err
}

var _ gorm.ErrorTranslator = dialector{}

// PageCount returns an SQLite database's size in pages.
func (s *Store) PageCount(ctx context.Context) (int, error) {
	if s.pg {
		return 0, errors.New("page counts are SQLite's; this database is PostgreSQL")
	}
	var n int
	err := s.wr.QueryRowContext(ctx, "PRAGMA page_count").Scan(&n)
	return n, err
}
