// Package store keeps the office's data with GORM: Open (an SQLite file or a
// PostgreSQL database), Migrate, and one method per query. It imports
// advising, GORM and goose. Row structs stay inside this package; callers
// get domain types. What differs between the two databases lives only where
// the database is opened (Open, postgres.go) and in the migrations; every
// query is SQL both accept.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/pressly/goose/v3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"advising/internal/advising"
	"advising/migrations"
)

// Store is the data access layer. On SQLite, reads outside a transaction
// use a pool of connections and writes a single connection, so writers queue
// in the process instead of failing with "database is locked". On
// PostgreSQL one pool serves both, and every write transaction is an
// ordinary transaction of its own (the database takes concurrent writers).
type Store struct {
	db   *gorm.DB // reads (the transaction itself inside Tx)
	w    *gorm.DB // writes (the transaction itself inside Tx)
	read *sql.DB
	wr   *sql.DB // the same pool as read on PostgreSQL
	inTx bool
	pg   bool // PostgreSQL rather than SQLite

	// Group commit (writer.go): Tx hands transactions to one goroutine.
	writes  chan writeReq
	quit    chan struct{}
	stopped chan struct{}

	// Notes written together share a transaction (notebatch.go).
	notes        chan noteReq
	notesStopped chan struct{}
	notesBusy    *atomic.Int32 // notes on their way, alone or in the note writer

	// Session lookups asked for together share a query (authbatch.go,
	// PostgreSQL only).
	authq       chan authReq
	poolSize    int // PostgreSQL's connection pool size
	authStopped *sync.WaitGroup

	closeOnce sync.Once
	closeErr  error

	hot  *hotStmts // prepared write statements, shared by every transaction
	auth *authStmt // the prepared session lookup (sessions.go)

	path   string       // the database file, or the PostgreSQL URL without its password
	lock   *dbLock      // held shared while open (files.go)
	health *writeHealth // how the latest writes went (fault.go)
}

// Open opens the database that dsn names: a postgres:// or postgresql://
// URL for PostgreSQL, otherwise an SQLite file, given as a file: URL (its
// query is ignored: Open sets the connection options itself) or a plain
// path. It does not migrate.
//
// An SQLite file and its folder are created when needed, mode 0600. A
// read-only filesystem or file, a database being restored, and a file that
// is not a database are refused with an error that says so. A PostgreSQL
// database must answer within the URL's connect_timeout (10 seconds unless
// it says otherwise).
func Open(dsn string) (*Store, error) {
	if IsPostgresURL(dsn) {
		return openPostgres(dsn)
	}
	return openSQLite(SQLitePath(dsn))
}

// IsPostgresURL reports whether dsn names a PostgreSQL database.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// SQLitePath returns the file path of an SQLite dsn: a file: URL without
// its query, or a plain path as it is.
func SQLitePath(dsn string) string {
	p, ok := strings.CutPrefix(dsn, "file:")
	if !ok {
		return dsn
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// gormConfig is what both databases share of GORM's settings.
func gormConfig(prepare bool) *gorm.Config {
	return &gorm.Config{
		SkipDefaultTransaction: true,
		PrepareStmt:            prepare,
		TranslateError:         true,
		Logger:                 logger.Discard,
		// Times are the caller's (casework's clock), never GORM's: the
		// row types switch its automatic created_at/updated_at off.
		// Should it pick one anyway, it has the product's precision.
		NowFunc: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	}
}

func openSQLite(path string) (*Store, error) {
	if err := prepareFiles(path); err != nil {
		return nil, err
	}
	lock, err := lockDatabase(path, false)
	if err != nil {
		return nil, err
	}
	s, err := open(path)
	if err != nil {
		_ = lock.release()
		return nil, err
	}
	s.lock = lock
	go s.writer()
	go s.noteWriter()
	return s, nil
}

func open(path string) (*Store, error) {
	// WAL lets reads run beside the writer; busy_timeout waits rather than
	// failing; immediate transactions take the write lock up front, so a
	// transaction never fails to upgrade a read lock; NORMAL sync is safe in WAL.
	// secure_delete makes SQLite overwrite deleted content with zeros, on
	// every connection: an erased applicant's name, email and texts must not
	// be readable from the file afterwards (docs/privacy.md). Checkpoint
	// does the same for the write-ahead log.
	base := "file:" + path + "?_foreign_keys=on&_journal_mode=WAL&_busy_timeout=5000&_synchronous=NORMAL&_cache_size=-16000&_secure_delete=on"
	cfg := gormConfig
	openErr := func(err error) error {
		if f := storageFault(err); f != nil && strings.Contains(f.Detail, "damaged") {
			return fmt.Errorf("database %s is damaged or not an SQLite database (%v); restore a backup with `advising restore`", path, oneLine(err.Error()))
		}
		return fmt.Errorf("open database %s: %w", path, err)
	}
	// The writer does not use GORM's statement cache: inside a transaction
	// it re-prepares every statement. Hot writes use execHot instead.
	w, err := gorm.Open(dialector{&sqlite.Dialector{DSN: base + "&_txlock=immediate"}}, cfg(false))
	if err != nil {
		return nil, openErr(err)
	}
	wr, err := w.DB()
	if err != nil {
		return nil, openErr(err)
	}
	wr.SetMaxOpenConns(1)
	wr.SetMaxIdleConns(1)
	wr.SetConnMaxLifetime(0)
	// Checkpoint the WAL every ~8 MiB (2,000 pages), and cut the file back to
	// 32 MiB after a checkpoint that could not reset it at once: the WAL stays
	// a small multiple of the data, and a backup or a crash never has much to
	// replay. The writer also truncates it when idle (writer.go). Set on the
	// one writer connection, which is kept open.
	for _, p := range []string{"PRAGMA wal_autocheckpoint = 2000", "PRAGMA journal_size_limit = 33554432"} {
		if _, err := wr.Exec(p); err != nil {
			_ = wr.Close()
			return nil, openErr(err)
		}
	}

	r, err := gorm.Open(dialector{&sqlite.Dialector{DSN: base}}, cfg(true))
	if err != nil {
		_ = wr.Close()
		return nil, openErr(err)
	}
	read, err := r.DB()
	if err != nil {
		_ = wr.Close()
		return nil, openErr(err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxLifetime(0)
	return &Store{db: r, w: w, read: read, wr: wr,
		writes: make(chan writeReq), quit: make(chan struct{}), stopped: make(chan struct{}),
		notes: make(chan noteReq), notesStopped: make(chan struct{}), notesBusy: &atomic.Int32{},
		hot: &hotStmts{db: wr, stmts: map[string]*sql.Stmt{}}, auth: &authStmt{},
		path: path, health: &writeHealth{}}, nil
}

// caseFactsMigration is the migration that adds the cases' derived columns
// search_text and static_flags.
const caseFactsMigration = 10

// Migrate applies every pending migration from the embedded files, then
// brings the cases' derived columns up to date (refreshCaseFacts). Running
// it on an up-to-date database changes nothing. Servers starting together
// take turns, so the migrations run once: on SQLite under a file lock
// (migrateLock), on PostgreSQL under an advisory lock (pgMigrationLock).
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	dialect, files, opt := goose.DialectSQLite3, migrations.For(migrations.SQLite), goose.WithLocker(&migrateLock{path: s.path})
	if s.pg {
		dialect, files, opt = goose.DialectPostgres, migrations.For(migrations.Postgres), goose.WithSessionLocker(pgMigrationLock{})
	}
	p, err := goose.NewProvider(dialect, s.wr, files, opt)
	if err != nil {
		return 0, fmt.Errorf("prepare migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("apply migrations: %w", err)
	}
	searchAdded := false
	for _, r := range res {
		searchAdded = searchAdded || r.Source.Version == caseFactsMigration
	}
	if err := s.refreshCaseFacts(ctx, searchAdded); err != nil {
		return len(res), err
	}
	return len(res), nil
}

// Close stops the writer, waiting for the batch in progress, and closes
// both connection pools. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.quit)
		if s.authStopped != nil {
			s.authStopped.Wait()
		}
		<-s.notesStopped
		<-s.stopped
		if s.pg { // one pool
			s.closeErr = errors.Join(s.auth.close(), s.read.Close())
			return
		}
		s.closeErr = errors.Join(s.hot.close(), s.auth.close(), s.read.Close(), s.wr.Close(), s.lock.release())
	})
	return s.closeErr
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return classify(fmt.Errorf("ping database: %w", err))
	}
	return nil
}

// NewID returns a new time-ordered opaque identifier (UUIDv7).
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// mapErr turns GORM's portable errors into domain errors with a
// client-safe detail; anything else is wrapped with what failed.
func mapErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return advising.Errorf(advising.CodeNotFound, "%s not found", what)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return &advising.Error{Code: advising.CodeConflict, Detail: what + " already exists", Err: err}
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return &advising.Error{Code: advising.CodeInvalid, Detail: what + " refers to a record that does not exist", Err: err}
	}
	if f := storageFault(err); f != nil {
		return f
	}
	return fmt.Errorf("%s: %w", what, err)
}

// likePattern escapes q for a LIKE ... ESCAPE '\' match, so % and _ are
// matched literally.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(q)) + "%"
}

// mapSQLErr is mapErr for database/sql calls.
func mapSQLErr(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return advising.Errorf(advising.CodeNotFound, "%s not found", what)
	}
	return mapErr(err, what)
}
