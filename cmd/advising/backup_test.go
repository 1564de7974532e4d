package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// postJSON sends body to url with token and decodes the answer into out.
func postJSON(url, token, body string, out any) (int, error) {
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode, nil
}

// productionEnv is a production configuration over the database at db.
func productionEnv(db string) map[string]string {
	return map[string]string{"ADVISING_ENV": "production", "ADVISING_DATABASE_URL": "file:" + db,
		"ADVISING_BCRYPT_COST": "4", "ADVISING_JWT_SECRET": strings.Repeat("k", 32), "ADVISING_AUTH_RATE": "0",
		"ADVISING_ADMIN_EMAIL": "lead@example.org", "ADVISING_ADMIN_PASSWORD": "a long admin password"}
}

// `advising backup` copies a running server's database while writes are in
// flight; `advising restore` refuses while the server runs and, once it has
// stopped, puts the backup in place; the restarted server has every write
// acknowledged before the backup began.
func TestBackupRunningServerAndRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "data", "advising.db")
	env := productionEnv(db)
	getenv := func(k string) string { return env[k] }
	base, logs, stop := startRun(t, env)
	var login struct {
		AccessToken string `json:"access_token"`
	}
	if code, err := postJSON(base+"/api/v1/auth/login", "", `{"email":"lead@example.org","password":"a long admin password"}`, &login); err != nil || code != http.StatusOK {
		t.Fatalf("admin login = %d %v\n%s", code, err, logs.String())
	}

	// Writers create advisors until told to stop; each acknowledged email is
	// recorded with the time order of its acknowledgement.
	var (
		mu      sync.Mutex
		acked   []string
		stopped atomic.Bool
		wg      sync.WaitGroup
		seq     atomic.Int64
	)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stopped.Load() {
				email := fmt.Sprintf("advisor%d-%d@example.org", w, seq.Add(1))
				code, err := postJSON(base+"/api/v1/users", login.AccessToken,
					fmt.Sprintf(`{"email":%q,"password":"another long password","full_name":"Advisor","role":"advisor"}`, email), nil)
				if err != nil || code != http.StatusCreated {
					t.Errorf("POST /users = %d %v", code, err)
					return
				}
				mu.Lock()
				acked = append(acked, email)
				mu.Unlock()
			}
		}()
	}
	for { // let some writes land first
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 20 || t.Failed() {
			break
		}
		pause()
	}
	mu.Lock()
	before := append([]string(nil), acked...) // acknowledged before the backup began
	mu.Unlock()
	backup := filepath.Join(dir, "office-backup.db")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"backup", backup}, getenv, &out); err != nil {
		t.Fatalf("advising backup during writes = %v", err)
	}
	if !strings.Contains(out.String(), `"integrity":"ok"`) {
		t.Errorf("advising backup printed %q; want a line saying the copy is sound", out.String())
	}
	stopped.Store(true)
	wg.Wait()
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file: %v, %v; want mode 0600", fi.Mode().Perm(), err)
	}

	if err := run(context.Background(), []string{"restore", backup}, getenv, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("advising restore while the server runs = %v; want a refusal saying the database is in use", err)
	}
	if err := stop(); err != nil {
		t.Fatalf("stop server: %v", err)
	}
	if err := run(context.Background(), []string{"restore", backup}, getenv, &bytes.Buffer{}); err != nil {
		t.Fatalf("advising restore of a stopped server's database = %v", err)
	}

	base, _, stop = startRun(t, env)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("stop restored server: %v", err)
		}
	}()
	if code, err := postJSON(base+"/api/v1/auth/login", "", `{"email":"lead@example.org","password":"a long admin password"}`, &login); err != nil || code != http.StatusOK {
		t.Fatalf("admin login after restore = %d %v", code, err)
	}
	have := map[string]bool{}
	cursor := ""
	for {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/users?role=advisor&limit=100&cursor="+cursor, nil)
		req.Header.Set("Authorization", "Bearer "+login.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET /users after restore: %v", err)
		}
		var page struct {
			Items []struct {
				Email string `json:"email"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		for _, u := range page.Items {
			have[u.Email] = true
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	for _, email := range before {
		if !have[email] {
			t.Errorf("advisor %s, acknowledged before the backup, is missing after the restore", email)
		}
	}
	if len(have) > len(acked) {
		t.Errorf("restored database has %d advisors; only %d were ever created", len(have), len(acked))
	}
}

// Start-up refuses, in one line that says why, a database it must not
// serve: damaged pages, or an empty file in production.
func TestRunRefusesUnsoundDatabase(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()

	empty := filepath.Join(dir, "empty", "advising.db")
	_ = os.MkdirAll(filepath.Dir(empty), 0o700)
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := productionEnv(empty)
	err := run(ctx, []string{"migrate"}, func(k string) string { return env[k] }, &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "empty (0-byte)") || strings.Contains(err.Error(), "\n") {
		t.Errorf("start on a 0-byte database in production = %v; want one line refusing it", err)
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Errorf("the refused 0-byte database was changed: %v, %v", fi.Size(), err)
	}

	damaged := filepath.Join(dir, "damaged", "advising.db")
	env = productionEnv(damaged)
	getenv := func(k string) string { return env[k] }
	if err := run(ctx, []string{"migrate"}, getenv, &syncBuffer{}); err != nil {
		t.Fatalf("advising migrate on a new database: %v", err)
	}
	b, err := os.ReadFile(damaged)
	if err != nil || len(b) < 16*4096 {
		t.Fatalf("migrated database: %d bytes, %v; want several pages", len(b), err)
	}
	for i := 3 * 4096; i < len(b); i++ { // the header and schema page stay intact
		b[i] ^= 0x5a
	}
	if err := os.WriteFile(damaged, b, 0o600); err != nil {
		t.Fatal(err)
	}
	err = run(ctx, nil, getenv, &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "damaged") || strings.Contains(err.Error(), "\n") {
		t.Errorf("start on a damaged database = %v; want one line saying it is damaged", err)
	}
}

func pause() { time.Sleep(5 * time.Millisecond) }

// backup and restore copy SQLite files; with a PostgreSQL database they
// refuse, before connecting to anything, and say what to use instead.
func TestBackupRefusesPostgres(t *testing.T) {
	env := map[string]string{"ADVISING_DATABASE_URL": "postgres://advising:pw@db.invalid:5432/advising?sslmode=disable"}
	for _, cmd := range []string{"backup", "restore"} {
		err := run(context.Background(), []string{cmd, filepath.Join(t.TempDir(), "copy.db")}, func(k string) string { return env[k] }, &syncBuffer{})
		if err == nil || !strings.Contains(err.Error(), "pg_dump") || strings.Contains(err.Error(), "pw@") {
			t.Errorf("advising %s with a PostgreSQL URL = %v; want a refusal naming pg_dump, without the password", cmd, err)
		}
	}
}
