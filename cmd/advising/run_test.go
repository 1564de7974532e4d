package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
	"advising/migrations"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// startRun runs the real service with env and waits for /readyz.
func startRun(t *testing.T, env map[string]string) (base string, logs *syncBuffer, stop func() error) {
	t.Helper()
	addr, err := freeAddr()
	if err != nil {
		t.Fatalf("free address: %v", err)
	}
	env["ADVISING_ADDR"] = addr
	logs = &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, logs) }()
	base = "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("run() returned before serving: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("GET /readyz never answered 200\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return base, logs, func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(20 * time.Second):
			return fmt.Errorf("run() did not return after cancel")
		}
	}
}

// TestRunServesDemoOffice starts the real service in development: it
// generates a JWT key (mode 0600), seeds the demo office, logs the demo
// logins, serves, and shuts down cleanly; a second start reuses the key and
// neither migrates nor seeds again.
func TestRunServesDemoOffice(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ADVISING_DATABASE_URL": "file:" + filepath.Join(dir, "data", "advising.db"), "ADVISING_BCRYPT_COST": "4"}
	base, logs, stop := startRun(t, env)

	resp, err := http.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"admin@demo-office.example","password":"demo-office-2026"}`))
	if err != nil {
		t.Fatalf("POST /auth/login: %v", err)
	}
	var login struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || login.AccessToken == "" {
		t.Fatalf("demo admin login = %d; want 200 with a token\n%s", resp.StatusCode, logs.String())
	}
	if !strings.Contains(logs.String(), "demo office loaded") || !strings.Contains(logs.String(), "admin@demo-office.example") {
		t.Errorf("start-up log does not list the demo logins:\n%s", logs.String())
	}
	if err := stop(); err != nil {
		t.Fatalf("run() after shutdown = %v; want nil", err)
	}
	info, err := os.Stat(filepath.Join(dir, "data", "jwt_secret"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("development JWT key: %v, mode %v; want a 0600 file", err, info.Mode().Perm())
	}

	// Restart: the same key verifies the old token; nothing is re-applied.
	base, logs, stop = startRun(t, env)
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+login.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("GET /me after restart with the old token = %v %v; want 200", resp.StatusCode, err)
	}
	resp.Body.Close()
	if !strings.Contains(logs.String(), `"migrations_applied":0`) || strings.Contains(logs.String(), "demo office loaded") {
		t.Errorf("second start re-migrated or re-seeded:\n%s", logs.String())
	}
	hc := map[string]string{"ADVISING_ADDR": strings.TrimPrefix(base, "http://")}
	if err := run(context.Background(), []string{"healthcheck"}, func(k string) string { return hc[k] }, &syncBuffer{}); err != nil {
		t.Errorf("advising healthcheck against a running server = %v; want nil", err)
	}
	if err := stop(); err != nil {
		t.Fatalf("run() after second shutdown = %v", err)
	}
	if err := run(context.Background(), []string{"healthcheck"}, func(k string) string { return hc[k] }, &syncBuffer{}); err == nil {
		t.Errorf("advising healthcheck after shutdown = nil; want an error")
	}
}

func TestRunProduction(t *testing.T) {
	db := storetest.URL(t)
	err := run(context.Background(), nil, func(k string) string {
		return map[string]string{"ADVISING_ENV": "production", "ADVISING_DATABASE_URL": db}[k]
	}, &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "ADVISING_JWT_SECRET") {
		t.Fatalf("run(production without secret) = %v; want an error naming ADVISING_JWT_SECRET", err)
	}

	env := map[string]string{"ADVISING_ENV": "production", "ADVISING_DATABASE_URL": db, "ADVISING_BCRYPT_COST": "4",
		"ADVISING_JWT_SECRET": strings.Repeat("k", 32), "ADVISING_ADMIN_EMAIL": "Lead@Example.org", "ADVISING_ADMIN_PASSWORD": "a long admin password"}
	base, logs, stop := startRun(t, env)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	if strings.Contains(logs.String(), "demo office loaded") {
		t.Errorf("production seeded the demo office")
	}
	if strings.Contains(logs.String(), strings.Repeat("k", 32)) || strings.Contains(logs.String(), "a long admin password") {
		t.Errorf("the log contains a secret:\n%s", logs.String())
	}
	// No personal data in the log: not the bootstrap admin's email, not a
	// demo login (the development start-up line never prints here).
	if l := strings.ToLower(logs.String()); strings.Contains(l, "lead@example.org") || strings.Contains(l, "demo-office") ||
		strings.Contains(l, "demo_password") || strings.Contains(l, "logins") {
		t.Errorf("the production log holds an email or the demo logins:\n%s", logs.String())
	}
	// Nor does `advising seed` load or print the demo office in production.
	seedLog := &syncBuffer{}
	if err := run(context.Background(), []string{"seed"}, func(k string) string { return env[k] }, seedLog); err == nil ||
		strings.Contains(seedLog.String(), "demo-office") {
		t.Errorf("advising seed in production = %v, log %s; want a refusal without the demo logins", err, seedLog.String())
	}
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"lead@example.org","password":"a long admin password"}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("bootstrapped admin login = %v %v; want 200", resp.StatusCode, err)
	}
	resp.Body.Close()
	resp, err = http.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"admin@demo-office.example","password":"demo-office-2026"}`))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("demo login in production = %v %v; want 401", resp.StatusCode, err)
	}
	resp.Body.Close()
}

func TestRunSubcommands(t *testing.T) {
	env := map[string]string{"ADVISING_DATABASE_URL": storetest.URL(t), "ADVISING_BCRYPT_COST": "4",
		"ADVISING_JWT_SECRET": strings.Repeat("s", 32)}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	if err := run(ctx, []string{"migrate"}, getenv, &syncBuffer{}); err != nil {
		t.Fatalf("advising migrate: %v", err)
	}
	if err := run(ctx, []string{"seed"}, getenv, &syncBuffer{}); err != nil {
		t.Fatalf("advising seed: %v", err)
	}
	if err := run(ctx, []string{"seed"}, getenv, &syncBuffer{}); err == nil {
		t.Errorf("advising seed on a seeded database = nil; want an error")
	}
	if err := run(ctx, []string{"frobnicate"}, getenv, &syncBuffer{}); err == nil {
		t.Errorf("advising frobnicate = nil; want an unknown-command error")
	}
}

// Instances that start together on one database migrate it once between
// them and all serve. (In production a server refuses a 0-byte SQLite
// file, which a new file is for a moment while the first instance creates
// it, so on SQLite the second starts once the first serves.)
func TestRunInstancesShareOneDatabase(t *testing.T) {
	db := storetest.URL(t)
	type instance struct {
		addr string
		logs *syncBuffer
		done chan error
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var insts []*instance
	for range 2 {
		addr, err := freeAddr()
		if err != nil {
			t.Fatalf("free address: %v", err)
		}
		env := map[string]string{"ADVISING_ENV": "production", "ADVISING_DATABASE_URL": db, "ADVISING_ADDR": addr,
			"ADVISING_BCRYPT_COST": "4", "ADVISING_JWT_SECRET": strings.Repeat("m", 32)}
		in := &instance{addr: addr, logs: &syncBuffer{}, done: make(chan error, 1)}
		insts = append(insts, in)
		go func() { in.done <- run(ctx, nil, func(k string) string { return env[k] }, in.logs) }()
		if !storetest.Postgres() {
			waitReady(t, in.addr, in.logs, in.done)
		}
	}
	applied := 0
	for _, in := range insts {
		waitReady(t, in.addr, in.logs, in.done)
		var line struct {
			Applied *int `json:"migrations_applied"`
		}
		for _, l := range strings.Split(in.logs.String(), "\n") {
			if strings.Contains(l, "database ready") && json.Unmarshal([]byte(l), &line) == nil && line.Applied != nil {
				applied += *line.Applied
			}
		}
	}
	files, _ := fs.Glob(migrations.For(migrations.SQLite), "*.sql")
	if applied != len(files) {
		t.Errorf("the instances applied %d migrations between them; want %d, each once\n%s\n%s",
			applied, len(files), insts[0].logs.String(), insts[1].logs.String())
	}
	cancel()
	for i, in := range insts {
		select {
		case err := <-in.done:
			if err != nil {
				t.Errorf("instance %d: run() = %v; want nil after shutdown", i, err)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("instance %d did not stop", i)
		}
	}
}

// waitReady polls a run() instance's /readyz until it answers 200.
func waitReady(t *testing.T, addr string, logs *syncBuffer, done chan error) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-done:
			t.Fatalf("run() returned before serving: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /readyz on %s never answered 200\n%s", addr, logs.String())
		}
	}
}

// ADVISING_AUDIT_RETENTION purges older audit events at start-up, before
// the first request, and leaves newer ones.
func TestRunPurgesOldAuditEvents(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "advising.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	old, recent := time.Now().UTC().AddDate(0, 0, -40), time.Now().UTC().AddDate(0, 0, -20)
	for _, at := range []time.Time{old, recent} {
		if err := st.RecordAudit(ctx, advising.AuditEvent{At: at, Action: "case.updated", EntityType: "case", EntityID: at.Format(time.RFC3339)}); err != nil {
			t.Fatalf("RecordAudit: %v", err)
		}
	}
	_ = st.Close()

	env := map[string]string{"ADVISING_ENV": "production", "ADVISING_DATABASE_URL": "file:" + path, "ADVISING_BCRYPT_COST": "4",
		"ADVISING_JWT_SECRET": strings.Repeat("r", 32), "ADVISING_AUDIT_RETENTION": "30d"}
	_, logs, stop := startRun(t, env)
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if !strings.Contains(logs.String(), "old audit events purged") {
		t.Errorf("start-up log does not say audit events were purged:\n%s", logs.String())
	}
	st, err = store.Open(path)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	defer st.Close()
	events, err := st.ListAudit(ctx, store.AuditFilter{Limit: 10})
	if err != nil {
		t.Fatalf("ListAudit: %v", err)
	}
	var left []string
	for _, e := range events {
		left = append(left, e.Action+" "+e.EntityID)
	}
	if len(events) != 2 || events[0].Action != "audit.purged" || events[1].EntityID != recent.Format(time.RFC3339) {
		t.Errorf("audit events after start-up = %v; want audit.purged and the 20-day-old event (the 40-day-old one purged)", left)
	}
}

// repeat calls its function until stopped, and stop waits for it.
func TestRepeatStops(t *testing.T) {
	calls := make(chan struct{}, 100)
	stop := repeat(context.Background(), time.Millisecond, func(context.Context) { calls <- struct{}{} })
	for range 3 {
		<-calls
	}
	stop() // returns once the loop has ended: no call can follow
	n := len(calls)
	time.Sleep(5 * time.Millisecond)
	if len(calls) != n {
		t.Errorf("repeat kept calling after stop: %d calls, then %d", n, len(calls))
	}
}
