package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"advising/internal/store/storetest"
)

// `advising migrate-data` moves the demo office from an SQLite file to the
// test database (PostgreSQL when ADVISING_TEST_POSTGRES_URL is set): a
// server on the copy signs in the demo admin and lists every case; a second
// copy into the now full database is refused, and so is a missing source.
func TestMigrateDataCommand(t *testing.T) {
	src := "file:" + filepath.Join(t.TempDir(), "advising.db")
	srcEnv := map[string]string{"ADVISING_DATABASE_URL": src, "ADVISING_LOG_LEVEL": "error"}
	ctx := context.Background()
	if err := run(ctx, []string{"seed"}, func(k string) string { return srcEnv[k] }, &syncBuffer{}); err != nil {
		t.Fatalf("advising seed: %v", err)
	}
	dst := storetest.URL(t)
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate-data", "-from", src, "-to", dst}, func(string) string { return "" }, &out); err != nil {
		t.Fatalf("advising migrate-data: %v\n%s", err, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var last struct {
		Rows   int64  `json:"rows"`
		Counts string `json:"counts"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Counts != "equal" || last.Rows == 0 || len(lines) < 9 {
		t.Errorf("advising migrate-data printed %q; want a line per table and a last line with equal counts", out.String())
	}

	env := map[string]string{"ADVISING_ENV": "production", "ADVISING_DATABASE_URL": dst, "ADVISING_BCRYPT_COST": "4",
		"ADVISING_JWT_SECRET": strings.Repeat("c", 32)}
	base, logs, stop := startRun(t, env)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	var login struct {
		AccessToken string `json:"access_token"`
	}
	if code, err := postJSON(base+"/api/v1/auth/login", "", `{"email":"admin@demo-office.example","password":"demo-office-2026"}`, &login); err != nil || code != http.StatusOK {
		t.Fatalf("demo admin login on the copy = %d %v\n%s", code, err, logs.String())
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/cases?limit=100", nil)
	req.Header.Set("Authorization", "Bearer "+login.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /cases on the copy: %v", err)
	}
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(page.Items) != 8 {
		t.Errorf("GET /cases on the copy = %d with %d cases; want 200 with the demo office's 8", resp.StatusCode, len(page.Items))
	}

	if err := run(ctx, []string{"migrate-data", "-from", src, "-to", dst}, func(string) string { return "" }, &syncBuffer{}); err == nil ||
		!strings.Contains(err.Error(), "empty") {
		t.Errorf("advising migrate-data into a database that holds an office = %v; want a refusal", err)
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	if err := run(ctx, []string{"migrate-data", "-from", "file:" + missing, "-to", dst}, func(string) string { return "" }, &syncBuffer{}); err == nil {
		t.Errorf("advising migrate-data from a missing file = nil; want an error")
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("advising migrate-data created the missing source %s", missing)
	}
}
