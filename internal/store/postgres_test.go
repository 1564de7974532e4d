package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
	"advising/migrations"
)

// A time in any zone is stored as the instant it is and read back in UTC,
// to the microsecond, on either backend.
func TestTimesRoundTripAsUTC(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := context.Background()
	hk := time.FixedZone("HKT", 8*3600)
	at := time.Date(2026, 12, 1, 23, 59, 58, 123456000, hk)
	var u advising.User
	err := st.Tx(ctx, func(tx *store.Store) error {
		var err error
		u, err = tx.CreateUser(ctx, advising.User{Email: "zone@example.org", FullName: "Zone", Role: advising.RoleApplicant,
			PasswordHash: "x", CreatedAt: at, UpdatedAt: at})
		return err
	})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	got, err := st.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	if !got.CreatedAt.Equal(at) || got.CreatedAt.Location() != time.UTC {
		t.Errorf("UserByID(%s).CreatedAt = %v; want %v in UTC", u.ID, got.CreatedAt, at.UTC())
	}
}

// Instances that start together on one database migrate it once: each
// migration is applied by exactly one of them and none fails.
func TestMigrateTogether(t *testing.T) {
	t.Parallel()
	dsn := storetest.URL(t)
	const instances = 3
	applied := make([]int, instances)
	errs := make([]error, instances)
	var wg sync.WaitGroup
	for i := range instances {
		st, err := store.Open(dsn)
		if err != nil {
			t.Fatalf("store.Open: %v", err)
		}
		t.Cleanup(func() { _ = st.Close() })
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = st.Migrate(context.Background())
		}()
	}
	wg.Wait()
	total := 0
	for i := range instances {
		if errs[i] != nil {
			t.Errorf("instance %d: Migrate = %v", i, errs[i])
		}
		total += applied[i]
	}
	files, _ := fs.Glob(migrations.For(migrations.Postgres), "*.sql")
	if want := len(files); total != want || want == 0 {
		t.Errorf("instances applied %v migrations, %d in all; want %d in all", applied, total, want)
	}
}

// On PostgreSQL, a database that stops answering (the server or the network
// gone) is a storage fault: writes, the ping and the write probe report
// CodeUnavailable with a Retry-After, and once it answers again the same
// store works without being reopened.
func TestDatabaseGoneIsUnavailable(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("needs PostgreSQL: set " + storetest.PostgresEnv)
	}
	t.Parallel()
	dsn := storetest.URL(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	u.Host = p.addr
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	st, err := store.Open(u.String())
	if err != nil {
		t.Fatalf("store.Open through the proxy: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if err := addUser(ctx, st, 1); err != nil {
		t.Fatalf("write while the database answers: %v", err)
	}

	p.cut()
	for _, c := range []struct {
		what string
		err  error
	}{
		{"write", addUser(ctx, st, 2)},
		{"Ping", st.Ping(ctx)},
		{"Writable", st.Writable(ctx)},
	} {
		var ae *advising.Error
		if !errors.As(c.err, &ae) || ae.Code != advising.CodeUnavailable || ae.RetryAfter <= 0 {
			t.Errorf("%s with the database gone = %v; want CodeUnavailable with a Retry-After", c.what, c.err)
		}
	}

	p.restore()
	var werr error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if werr = addUser(ctx, st, 3); werr == nil {
			break
		}
	}
	if werr != nil {
		t.Fatalf("write once the database answers again = %v; want nil", werr)
	}
	if err := st.Writable(ctx); err != nil {
		t.Errorf("Writable once the database answers again = %v; want nil", err)
	}
	if _, err := st.UserByEmail(ctx, "u2@example.org"); advising.ErrorCode(err) != advising.CodeNotFound {
		t.Errorf("the write refused while the database was gone: UserByEmail = %v; want not-found", err)
	}
}

// addUser writes user i (u<i>@example.org) in a transaction of its own.
func addUser(ctx context.Context, st *store.Store, i int) error {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	return st.Tx(ctx, func(tx *store.Store) error {
		_, err := tx.CreateUser(ctx, advising.User{Email: fmt.Sprintf("u%d@example.org", i), FullName: "U",
			Role: advising.RoleAdvisor, PasswordHash: "x", CreatedAt: now, UpdatedAt: now})
		return err
	})
}

// proxy forwards TCP connections to a server until cut, which closes the
// listener and every connection, as a server that goes away does.
type proxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	p := &proxy{t: t, target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); _ = s.Close() }()
			go func() { _, _ = io.Copy(c, s); _ = c.Close() }()
		}
	}()
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

// restore listens again on the same address.
func (p *proxy) restore() {
	var ln net.Listener
	var err error
	for range 50 { // the port may take a moment to be free again
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		p.t.Fatalf("listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}
