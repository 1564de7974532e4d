package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"advising/internal/advising"
)

// PostgreSQL (docs/adr/0010-postgresql.md). Everything that differs from
// SQLite is here, beside Open: the connection pool, the migration lock, the
// time codec and the mapping of PostgreSQL's errors to storage faults. The
// queries themselves are the same SQL on both.

// defaultMaxConns is the pool's size when the URL's pool_max_conns does not
// set it: enough for a busy instance, small enough that several instances
// stay well inside PostgreSQL's default max_connections of 100.
const defaultMaxConns = 20

// openPostgres connects to the PostgreSQL database that dsn names. The URL
// takes libpq's parameters (sslmode, connect_timeout, search_path and other
// run-time settings) and pool_max_conns, the most connections this process
// opens.
func openPostgres(dsn string) (*Store, error) {
	shown := redactURL(dsn)
	dsn, maxConns, err := cutPoolSize(dsn)
	if err != nil {
		return nil, fmt.Errorf("database URL %s: %w", shown, err)
	}
	cc, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database URL %s: %v", shown, oneLine(err.Error()))
	}
	if cc.ConnectTimeout == 0 {
		cc.ConnectTimeout = 10 * time.Second
	}
	if _, ok := cc.RuntimeParams["application_name"]; !ok {
		cc.RuntimeParams["application_name"] = "advising"
	}
	db := stdlib.OpenDB(*cc, stdlib.OptionAfterConnect(func(_ context.Context, c *pgx.Conn) error {
		registerUTCTimestamps(c.TypeMap())
		return nil
	}))
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
	// The statement cache is pgx's own (it prepares each statement once per
	// connection), so GORM's would only prepare everything twice.
	g, err := gorm.Open(pgDialector{postgres.New(postgres.Config{Conn: db}).(*postgres.Dialector)}, gormConfig(false))
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL database %s: %v", shown, oneLine(err.Error()))
	}
	stopped := make(chan struct{})
	close(stopped) // there is no writer goroutine to wait for
	s := &Store{db: g, w: g, read: db, wr: db, pg: true, poolSize: maxConns,
		quit: make(chan struct{}), stopped: stopped, notes: make(chan noteReq), notesStopped: make(chan struct{}), notesBusy: &atomic.Int32{},
		hot: &hotStmts{db: db, stmts: map[string]*sql.Stmt{}}, auth: &authStmt{},
		path: shown, health: &writeHealth{}}
	go s.noteWriter()
	s.authq, s.authStopped = make(chan authReq), &sync.WaitGroup{}
	for range authReaders {
		s.authStopped.Add(1)
		go s.authReader()
	}
	return s, nil
}

// cutPoolSize takes the pool_max_conns parameter out of a URL (PostgreSQL
// would refuse it as an unknown setting) and returns the pool size.
func cutPoolSize(dsn string) (string, int, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", 0, errors.New("not a valid URL")
	}
	q := u.Query()
	v := q.Get("pool_max_conns")
	if v == "" {
		return dsn, defaultMaxConns, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 10000 {
		return "", 0, errors.New("pool_max_conns must be a whole number from 1 to 10000")
	}
	q.Del("pool_max_conns")
	u.RawQuery = q.Encode()
	return u.String(), n, nil
}

// redactURL is a database URL fit for logs and messages: without its
// password.
func redactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// RedactURL returns a database URL without its password, for logs and
// messages; an SQLite path comes back as it is.
func RedactURL(dsn string) string {
	if !IsPostgresURL(dsn) {
		return dsn
	}
	return redactURL(dsn)
}

// pgDialector is GORM's PostgreSQL dialector with storage faults translated
// as well, as dialector does for SQLite.
type pgDialector struct{ *postgres.Dialector }

func (d pgDialector) Translate(err error) error {
	if f := storageFault(err); f != nil {
		return f
	}
	return d.Dialector.Translate(err)
}

var _ gorm.ErrorTranslator = pgDialector{}

// registerUTCTimestamps makes a connection write every time.Time to a
// TIMESTAMP column as UTC. The columns hold UTC without a zone, and pgx
// would otherwise store a time's wall clock in whatever zone it carries,
// which is a different instant for any zone but UTC. Reads come back in UTC.
func registerUTCTimestamps(m *pgtype.Map) {
	m.RegisterType(&pgtype.Type{Name: "timestamp", OID: pgtype.TimestampOID, Codec: &utcTimestampCodec{}})
}

type utcTimestampCodec struct{ pgtype.TimestampCodec }

func (c *utcTimestampCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if _, ok := value.(time.Time); ok {
		if next := c.TimestampCodec.PlanEncode(m, oid, format, pgtype.Timestamp{}); next != nil {
			return utcPlan{next}
		}
	}
	return c.TimestampCodec.PlanEncode(m, oid, format, value)
}

// utcPlan encodes a time.Time as the timestamp of its instant in UTC.
type utcPlan struct{ next pgtype.EncodePlan }

func (p utcPlan) Encode(value any, buf []byte) ([]byte, error) {
	return p.next.Encode(pgtype.Timestamp{Time: value.(time.Time).UTC(), Valid: true}, buf)
}

// pgMigrationLock is goose's session lock on PostgreSQL: a session advisory
// lock, so instances that start together migrate one after the other (the
// later ones find nothing to do). It blocks until the lock is free rather
// than polling. Its key is the schema's, so databases kept in different
// schemas of one server (as the tests do) do not wait for each other.
type pgMigrationLock struct{}

const migrationLockKey = "hashtext('advising migrations ' || COALESCE(current_schema(), ''))"

func (pgMigrationLock) SessionLock(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock("+migrationLockKey+")"); err != nil {
		return fmt.Errorf("take the migration lock: %w", err)
	}
	return nil
}

func (pgMigrationLock) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock("+migrationLockKey+")"); err != nil {
		return fmt.Errorf("release the migration lock: %w", err)
	}
	return nil
}

// pgFault returns err as a CodeUnavailable error when PostgreSQL or the
// connection to it failed in a way that is not the request's fault, and
// nil otherwise.
func pgFault(err error) *advising.Error {
	unavailable := func(detail string, wait int) *advising.Error {
		return &advising.Error{Code: advising.CodeUnavailable, RetryAfter: wait, Err: err, Detail: detail}
	}
	const rolledBack = "; nothing was changed, please try again later"
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100":
			return unavailable("the database storage is full"+rolledBack, retryAfter)
		case pe.Code == "25006":
			return unavailable("the database is read-only"+rolledBack, retryAfter)
		case strings.HasPrefix(pe.Code, "53"), pe.Code == "40001", pe.Code == "40P01", pe.Code == "55P03", pe.Code == "57014":
			// Out of memory or connections, a serialization failure or
			// deadlock that retries did not clear, a lock or statement timeout.
			return unavailable("the database is busy"+rolledBack, 5)
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "57P"), pe.Code == "3D000":
			// Connection failures, a server shutting down or starting, a
			// database that was dropped.
			return unavailable("the database is not answering; please try again later", 5)
		case pe.Code == "58030", pe.Code == "58000":
			return unavailable("the database storage is failing"+rolledBack, retryAfter)
		case strings.HasPrefix(pe.Code, "XX0"):
			return unavailable("the database is damaged"+rolledBack, retryAfter)
		}
		return nil
	}
	var ce *pgconn.ConnectError
	switch {
	case errors.Is(err, context.Canceled):
		return nil // the caller left; nobody hears the answer
	case errors.As(err, &ce), isPgconn(err):
		// No connection, or one that broke or timed out mid-statement.
		return unavailable("the database is not answering; please try again later", 5)
	}
	return nil
}

// isPgconn reports whether err is one of pgx's connection-layer failures
// (a read or write on the connection that failed or timed out).
func isPgconn(err error) bool {
	var safe interface{ SafeToRetry() bool }
	return errors.As(err, &safe)
}

// pgConnLost reports whether err says that the connection broke: the server
// ended it (a restart, an administrator, a failover) or the network failed.
// A transaction that broke before its COMMIT was sent has been rolled back
// by the server, so it may run again on another connection. A timeout is
// not a lost connection: trying again would wait as long again.
func pgConnLost(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02"
	}
	return isPgconn(err) || errors.Is(err, driver.ErrBadConn)
}

// pgRetryable reports whether a PostgreSQL transaction failed only because
// it ran into a concurrent one (a serialization failure or a deadlock), so
// running it again may well succeed.
func pgRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// Optimize brings PostgreSQL's planner statistics up to date after a bulk
// load (a copied or seeded office) with VACUUM ANALYZE of the office's
// tables, which also does at once the vacuum that autovacuum would
// otherwise run under the first requests. On SQLite it does nothing: the
// queries are written for the plans SQLite makes from the indexes alone,
// and statistics (ANALYZE) could change those plans. Call it outside a
// transaction.
func (s *Store) Optimize(ctx context.Context) error {
	if !s.pg {
		return nil
	}
	tables, err := s.tables(ctx)
	if err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	if _, err := s.wr.ExecContext(ctx, "VACUUM ANALYZE "+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	return nil
}

// bind rewrites a statement's ? placeholders for the database:
// PostgreSQL numbers them ($1, $2, ...). GORM does this itself for its own
// calls; statements prepared through database/sql need it. Statements
// here have no ? inside string literals.
func (s *Store) bind(query string) string {
	if !s.pg {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// lockRows takes row locks on what query selects (a SELECT without a
// locking clause) until the transaction ends: FOR UPDATE on PostgreSQL,
// where another transaction that updates, deletes or refers to those rows
// (a foreign key's check) waits for this one. That is more than LockCase's
// UPDATE holds, which leaves inserts of rows that refer to the case free:
// only a deletion needs it. SQLite needs nothing: its one writer already
// runs one transaction at a time. Call it inside Tx.
func (s *Store) lockRows(ctx context.Context, query string, args ...any) error {
	if !s.pg {
		return nil
	}
	var ids []string
	if err := s.w.WithContext(ctx).Raw(query+" FOR UPDATE", args...).Scan(&ids).Error; err != nil {
		return mapErr(err, "lock rows")
	}
	return nil
}

// tables lists the database's tables: SQLite's, or those of the current
// schema on PostgreSQL.
func (s *Store) tables(ctx context.Context) ([]string, error) {
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name"
	if s.pg {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
	}
	var names []string
	if err := s.db.WithContext(ctx).Raw(q).Scan(&names).Error; err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return names, nil
}
