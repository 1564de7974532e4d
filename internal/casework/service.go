// Package casework holds the office's use cases: registration and identity,
// evidence, casework and audit. Each use case validates, applies the record
// rules of package advising, and writes through the store in one transaction
// together with its audit event. It imports advising, auth, classify,
// documents (reading uploaded files) and store.
package casework

import (
	"context"
	"runtime"
	"sync"
	"time"

	"advising/internal/advising"
	"advising/internal/auth"
	"advising/internal/store"
)

// Service runs the use cases.
type Service struct {
	st     *store.Store
	tokens *auth.Tokens
	hasher auth.Hasher
	now    func() time.Time
	loc    *time.Location

	// Per-client-address limit (a minute) on sign-in and on registration,
	// shared by the API and the pages and, through the database, by every
	// instance; and a bound on concurrent password hashing, so a flood of
	// sign-ins queues instead of taking every core.
	authRate  int
	hashSlots chan struct{}

	dummyOnce sync.Once
	dummy     string

	pages *builtPages // caseload pages built for the API
}

// Login throttling: at most this many failures per email per window, counted
// in the database for every instance together.
const (
	LoginMaxFailures = 10
	LoginWindow      = 15 * time.Minute
)

// Options configures a Service.
type Options struct {
	Store  *store.Store
	Tokens *auth.Tokens
	Hasher auth.Hasher
	// Now is the clock; tests move it across the office's time boundaries.
	Now func() time.Time
	// AuthRate is how many sign-ins, and separately how many registrations,
	// each client address may make a minute; 0 means no limit.
	AuthRate int
	// Location is the office's time zone (nil for UTC): which day is
	// "today" for follow-up dates, and how the pages show times.
	Location *time.Location
	// HashConcurrency bounds how many password hashes run at once; 0 means
	// one per core.
	HashConcurrency int
}

// New returns a Service.
func New(o Options) *Service {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	slots := o.HashConcurrency
	if slots <= 0 {
		slots = runtime.GOMAXPROCS(0)
	}
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	return &Service{st: o.Store, tokens: o.Tokens, hasher: o.Hasher, now: now, loc: loc,
		authRate: o.AuthRate, hashSlots: make(chan struct{}, slots), pages: newBuiltPages()}
}

// Location returns the office's time zone, UTC unless configured.
func (s *Service) Location() *time.Location { return s.loc }

// Now returns the service's current instant, in UTC: the pages use it to
// say what is overdue and which week is this one.
func (s *Service) Now() time.Time { return s.clock() }

// clock returns the current instant in UTC, truncated to microseconds so
// that it survives a round trip through any database.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// audit records one event for a mutation, with the fields it changed;
// call it inside the mutation's transaction. Changes never carry personal
// text (names, emails, note or sample text, rationales).
func audit(ctx context.Context, tx *store.Store, a advising.Actor, at time.Time, action, entityType, entityID, caseID string,
	changes ...advising.FieldChange) error {
	return tx.RecordAudit(ctx, auditEvent(a, at, action, entityType, entityID, caseID, changes...))
}

// auditEvent is the event audit records.
func auditEvent(a advising.Actor, at time.Time, action, entityType, entityID, caseID string, changes ...advising.FieldChange) advising.AuditEvent {
	ev := advising.AuditEvent{At: at, Action: action, EntityType: entityType, EntityID: entityID, Changes: changes}
	if a.UserID != "" {
		id, role := a.UserID, a.Role
		ev.ActorID, ev.ActorRole = &id, &role
	}
	if caseID != "" {
		ev.CaseID = &caseID
	}
	return ev
}

// change is one audited field change; old is nil for no earlier value.
func change(field string, old *string, new string) advising.FieldChange {
	return advising.FieldChange{Field: field, Old: old, New: &new}
}

// optional turns a nullable id or status into an audited value.
func optional[T ~string](v *T) *string {
	if v == nil {
		return nil
	}
	s := string(*v)
	return &s
}

// StorageFault returns err as a CodeUnavailable *advising.Error when it
// is a storage fault (a full disk, a read-only or damaged database) that
// reached a front door without being mapped, and nil otherwise; the error
// handlers call it before treating an error as a bug.
func StorageFault(err error) error { return store.Fault(err) }

// Explain returns the *advising.Error a front door answers err with, its
// status from advising's one code table: a storage fault as CodeUnavailable,
// otherwise as advising.Explain decides. nil means an internal failure: the
// caller logs err once and answers 500 without detail.
func Explain(err error) *advising.Error {
	if f := StorageFault(err); f != nil {
		err = f // a full disk or a damaged page is a 503, not a bug
	}
	return advising.Explain(err)
}

// Ready reports whether the database answers and can be written; when it
// cannot, the error is CodeUnavailable.
func (s *Service) Ready(ctx context.Context) error {
	if err := s.st.Ping(ctx); err != nil {
		if advising.ErrorCode(err) == advising.CodeUnavailable {
			return err
		}
		return &advising.Error{Code: advising.CodeUnavailable, Detail: "the database is not answering", RetryAfter: 5, Err: err}
	}
	return s.st.Writable(ctx)
}
