package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

// Concurrent transactions share commits; one that fails or panics is rolled
// back alone, and every caller learns its own outcome.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	const n = 60
	errFail := errors.New("refused on purpose")
	var wg sync.WaitGroup
	results := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = st.Tx(ctx, func(tx *store.Store) error {
				_, err := tx.CreateUser(ctx, advising.User{Email: fmt.Sprintf("u%d@example.org", i), FullName: "U",
					Role: advising.RoleAdvisor, PasswordHash: "x", CreatedAt: now, UpdatedAt: now})
				switch {
				case err != nil:
					return err
				case i%5 == 1:
					return errFail // written, then refused: must not commit
				case i%7 == 3:
					panic("a bug in one transaction")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	want := 0
	for i, err := range results {
		switch {
		case i%5 == 1:
			if !errors.Is(err, errFail) {
				t.Errorf("transaction %d = %v; want its own error", i, err)
			}
		case i%7 == 3:
			if err == nil {
				t.Errorf("transaction %d panicked but returned nil", i)
			}
		default:
			want++
			if err != nil {
				t.Errorf("transaction %d = %v; want nil", i, err)
			}
		}
		_, err := st.UserByEmail(ctx, fmt.Sprintf("u%d@example.org", i))
		if committed := err == nil; committed != (results[i] == nil) {
			t.Errorf("transaction %d returned %v but committed = %v", i, results[i], committed)
		}
	}
	if got, err := st.CountUsersByRole(ctx, advising.RoleAdvisor); err != nil || got != want {
		t.Errorf("advisors after the run = %d, %v; want %d", got, err, want)
	}
}

// A duplicate inside a shared commit fails alone, as a conflict.
func TestGroupCommitConflict(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := context.Background()
	now := time.Now().UTC()
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = st.Tx(ctx, func(tx *store.Store) error {
				_, err := tx.CreateUser(ctx, advising.User{Email: "same@example.org", FullName: "S",
					Role: advising.RoleAdvisor, PasswordHash: "x", CreatedAt: now, UpdatedAt: now})
				return err
			})
		}()
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case advising.ErrorCode(err) != advising.CodeConflict:
			t.Errorf("transaction %d = %v; want nil or a conflict", i, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d transactions created the same email; want exactly 1", ok)
	}
}

func TestTxAfterClose(t *testing.T) {
	st := storetest.New(t)
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := st.Tx(context.Background(), func(*store.Store) error { return nil }); err == nil {
		t.Errorf("Tx after Close = nil; want an error")
	}
}

// A caller that goes away while its transaction runs does not interrupt
// it: the write finishes and commits, so a shared commit never loses the
// other callers' writes to someone else's cancellation.
func TestTxDetachedFromCancellation(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	now := time.Now().UTC()
	err := st.Tx(ctx, func(tx *store.Store) error {
		cancel() // the client hangs up mid-transaction
		u, err := tx.CreateUser(ctx, advising.User{Email: "late@example.org", FullName: "L",
			Role: advising.RoleAdvisor, PasswordHash: "x", CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		return tx.RecordAudit(ctx, advising.AuditEvent{At: now, Action: "user.created", EntityType: "user", EntityID: u.ID})
	})
	if err != nil {
		t.Fatalf("Tx with a context cancelled inside = %v; want nil", err)
	}
	if _, err := st.UserByEmail(context.Background(), "late@example.org"); err != nil {
		t.Errorf("UserByEmail after the cancelled caller's Tx = %v; want the user committed", err)
	}
}

func asError(err error, target **advising.Error) bool { return errors.As(err, target) }
