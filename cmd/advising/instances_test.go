package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"advising/internal/store/storetest"
)

// Two instances of the real service over one database, requests
// alternating between them: no rule may depend on which instance a request
// reaches (API.md, "Several instances"). The database is storetest's: one
// PostgreSQL database when ADVISING_TEST_POSTGRES_URL is set (CI's second
// pass), else one SQLite file both instances open.
func TestTwoInstances(t *testing.T) {
	if os.Getenv("ADVISING_REQUIRE_POSTGRES") == "1" && !storetest.Postgres() {
		t.Fatalf("ADVISING_REQUIRE_POSTGRES=1 but %s is not set: this run must test two instances on PostgreSQL", storetest.PostgresEnv)
	}
	url := storetest.URL(t)
	if !storetest.Postgres() {
		// `advising migrate` first, as a deployment of one file would: in
		// production a server refuses a 0-byte database file, which is
		// what the other instance's file is for a moment while it creates
		// it. PostgreSQL instances start together on the empty database.
		env := instanceEnv(url)
		if err := run(context.Background(), []string{"migrate"}, func(k string) string { return env[k] }, io.Discard); err != nil {
			t.Fatalf("advising migrate: %v", err)
		}
	}
	testTwoInstances(t, url)
}

// instance is one running run().
type instance struct {
	base string
	logs *syncBuffer
}

// startInstances starts n instances of run() with env at once (as a
// deployment does), each on its own port, and waits until all are ready;
// they stop when the test ends.
func startInstances(t *testing.T, n int, env map[string]string) []instance {
	t.Helper()
	out := make([]instance, n)
	done := make([]chan error, n)
	ctx, cancel := context.WithCancel(context.Background())
	for i := range out {
		addr, err := freeAddr()
		if err != nil {
			t.Fatalf("free address: %v", err)
		}
		own := map[string]string{"ADVISING_ADDR": addr}
		for k, v := range env {
			own[k] = v
		}
		out[i] = instance{base: "http://" + addr, logs: &syncBuffer{}}
		done[i] = make(chan error, 1)
		go func() { done[i] <- run(ctx, nil, func(k string) string { return own[k] }, out[i].logs) }()
	}
	stopped := make([]bool, n) // returned already, while starting
	t.Cleanup(func() {
		cancel()
		for i, d := range done {
			if stopped[i] {
				continue
			}
			select {
			case err := <-d:
				if err != nil {
					t.Errorf("instance %d: run() = %v", i, err)
				}
			case <-time.After(20 * time.Second):
				t.Errorf("instance %d: run() did not return after cancel", i)
			}
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for i, in := range out {
		for {
			resp, err := http.Get(in.base + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			select {
			case err := <-done[i]:
				stopped[i] = true
				t.Fatalf("instance %d: run() returned before serving: %v\n%s", i, err, in.logs.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("instance %d: GET /readyz never answered 200\n%s", i, in.logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return out
}

// call sends one request and returns the status and body.
func call(t *testing.T, base, token, method, path, contentType string, body io.Reader) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("%s %s%s: %v", method, base, path, err)
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func callJSON(t *testing.T, base, token, method, path, body string) (int, []byte) {
	t.Helper()
	var r io.Reader
	ct := ""
	if body != "" {
		r, ct = strings.NewReader(body), "application/json"
	}
	return call(t, base, token, method, path, ct, r)
}

// must is callJSON that fails the test unless the status is want, decoding
// the answer into out when it is not nil.
func must(t *testing.T, base, token, method, path, body string, want int, out any) {
	t.Helper()
	code, b := callJSON(t, base, token, method, path, body)
	if code != want {
		t.Fatalf("%s %s%s = %d %s; want %d", method, base, path, code, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

type session struct {
	AccessToken string `json:"access_token"`
	User        struct {
		ID string `json:"id"`
	} `json:"user"`
}

func login(t *testing.T, base, email, password string) session {
	t.Helper()
	var s session
	must(t, base, "", http.MethodPost, "/api/v1/auth/login", fmt.Sprintf(`{"email":%q,"password":%q}`, email, password), http.StatusOK, &s)
	return s
}

func register(t *testing.T, base, email string) session {
	t.Helper()
	var s session
	must(t, base, "", http.MethodPost, "/api/v1/auth/register",
		fmt.Sprintf(`{"email":%q,"password":%q,"full_name":"Applicant %s"}`, email, instancePassword, email), http.StatusCreated, &s)
	return s
}

const instancePassword = "a password for both instances"

// instanceEnv is the configuration both instances share.
func instanceEnv(databaseURL string) map[string]string {
	return map[string]string{
		"ADVISING_DATABASE_URL":   databaseURL,
		"ADVISING_ENV":            "production", // no demo office: the instances start on an empty database
		"ADVISING_JWT_SECRET":     "two-instances-share-one-secret-of-32+-bytes",
		"ADVISING_ADMIN_EMAIL":    "lead@example.org",
		"ADVISING_ADMIN_PASSWORD": instancePassword,
		"ADVISING_BCRYPT_COST":    "4",
		"ADVISING_AUTH_RATE":      "0",
		"ADVISING_LOG_LEVEL":      "warn",
	}
}

func testTwoInstances(t *testing.T, databaseURL string) {
	in := startInstances(t, 2, instanceEnv(databaseURL))
	a, b := in[0].base, in[1].base
	bases := []string{a, b}

	// Both started at once with the same admin: exactly one was created,
	// and it signs in on either instance.
	admin := login(t, b, "lead@example.org", instancePassword)
	var admins struct {
		Items []struct{ Email string } `json:"items"`
	}
	must(t, a, admin.AccessToken, http.MethodGet, "/api/v1/users?role=admin", "", http.StatusOK, &admins)
	if len(admins.Items) != 1 {
		t.Errorf("admins after two instances bootstrapped = %+v; want exactly one", admins.Items)
	}

	t.Run("revocation holds on the other instance within the same second", func(t *testing.T) {
		s := register(t, a, "revoked@example.org")
		other := login(t, b, "revoked@example.org", instancePassword)
		must(t, b, s.AccessToken, http.MethodGet, "/api/v1/me", "", http.StatusOK, nil)
		// No sleep, no retry: the very next request on B is refused.
		must(t, a, s.AccessToken, http.MethodPost, "/api/v1/me/password",
			fmt.Sprintf(`{"current_password":%q,"new_password":"a new password for both"}`, instancePassword), http.StatusNoContent, nil)
		for _, tok := range []string{s.AccessToken, other.AccessToken} {
			if code, body := callJSON(t, b, tok, http.MethodGet, "/api/v1/me", ""); code != http.StatusUnauthorized {
				t.Errorf("GET /me on the other instance after a password change = %d %s; want 401", code, body)
			}
		}
		fresh := login(t, b, "revoked@example.org", "a new password for both")
		// Sign-out on one instance ends that token on the other.
		must(t, b, fresh.AccessToken, http.MethodPost, "/api/v1/auth/logout", "", http.StatusNoContent, nil)
		if code, _ := callJSON(t, a, fresh.AccessToken, http.MethodGet, "/api/v1/me", ""); code != http.StatusUnauthorized {
			t.Errorf("GET /me on A after sign-out on B = %d; want 401", code)
		}
		// Disabling on one instance ends the user's tokens on the other.
		again := login(t, a, "revoked@example.org", "a new password for both")
		must(t, b, admin.AccessToken, http.MethodPatch, "/api/v1/users/"+again.User.ID, `{"disabled":true}`, http.StatusOK, nil)
		if code, _ := callJSON(t, a, again.AccessToken, http.MethodGet, "/api/v1/me", ""); code != http.StatusUnauthorized {
			t.Errorf("GET /me on A after disable on B = %d; want 401", code)
		}
	})

	t.Run("ten failed logins spread over both lock the account", func(t *testing.T) {
		register(t, b, "locked@example.org")
		for i := 0; i < 10; i++ {
			if code, body := callJSON(t, bases[i%2], "", http.MethodPost, "/api/v1/auth/login",
				`{"email":"locked@example.org","password":"not the password"}`); code != http.StatusUnauthorized {
				t.Fatalf("failed login %d on instance %d = %d %s; want 401", i+1, i%2, code, body)
			}
		}
		for i, base := range bases {
			if code, body := callJSON(t, base, "", http.MethodPost, "/api/v1/auth/login",
				fmt.Sprintf(`{"email":"locked@example.org","password":%q}`, instancePassword)); code != http.StatusTooManyRequests {
				t.Errorf("right password on instance %d after ten failures over both = %d %s; want 429", i, code, body)
			}
		}
	})

	t.Run("40 concurrent uploads split over both store exactly 20", func(t *testing.T) {
		s := register(t, a, "uploads@example.org")
		codes := concurrently(40, func(i int) int {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			_ = mw.WriteField("title", fmt.Sprintf("Roadmap %d", i))
			fw, _ := mw.CreateFormFile("file", fmt.Sprintf("roadmap-%d.txt", i))
			fmt.Fprintf(fw, "I owned the technology roadmap and the adoption plan for the analytics platform, part %d.", i)
			_ = mw.Close()
			code, _ := call(t, bases[i%2], s.AccessToken, http.MethodPost, "/api/v1/applicants/"+s.User.ID+"/work-samples",
				mw.FormDataContentType(), &buf)
			return code
		})
		if codes[http.StatusCreated] != 20 || codes[http.StatusUnprocessableEntity] != 20 {
			t.Errorf("40 concurrent uploads over two instances answered %v; want 20 × 201 and 20 × 422", codes)
		}
		var list struct {
			Items []struct{ ID string } `json:"items"`
		}
		must(t, b, s.AccessToken, http.MethodGet, "/api/v1/applicants/"+s.User.ID+"/work-samples?limit=100", "", http.StatusOK, &list)
		if len(list.Items) != 20 {
			t.Errorf("work samples stored = %d; want 20", len(list.Items))
		}
	})

	t.Run("concurrent note writers on both lose nothing", func(t *testing.T) {
		s := register(t, b, "notes@example.org")
		must(t, a, admin.AccessToken, http.MethodPost, "/api/v1/users",
			fmt.Sprintf(`{"email":"advisor@example.org","password":%q,"full_name":"Advisor","role":"advisor"}`, instancePassword), http.StatusCreated, nil)
		advisor := login(t, a, "advisor@example.org", instancePassword)
		var c struct {
			ID string `json:"id"`
		}
		must(t, b, s.AccessToken, http.MethodGet, "/api/v1/applicants/"+s.User.ID+"/case", "", http.StatusOK, &c)
		must(t, a, admin.AccessToken, http.MethodPut, "/api/v1/cases/"+c.ID+"/assignment",
			fmt.Sprintf(`{"advisor_id":%q}`, advisor.User.ID), http.StatusOK, nil)
		writers := []string{advisor.AccessToken, admin.AccessToken}
		codes := concurrently(40, func(i int) int {
			code, _ := callJSON(t, bases[i%2], writers[(i/2)%2], http.MethodPost, "/api/v1/cases/"+c.ID+"/notes",
				fmt.Sprintf(`{"body":"note %d","visibility":"private"}`, i))
			return code
		})
		if codes[http.StatusCreated] != 40 {
			t.Errorf("40 concurrent notes over two instances answered %v; want 40 × 201", codes)
		}
		var notes struct {
			Items []struct{ Body string } `json:"items"`
		}
		must(t, a, advisor.AccessToken, http.MethodGet, "/api/v1/cases/"+c.ID+"/notes?limit=100", "", http.StatusOK, &notes)
		seen := map[string]bool{}
		for _, n := range notes.Items {
			seen[n.Body] = true
		}
		if len(seen) != 40 {
			t.Errorf("notes listed after 40 concurrent writes = %d distinct; want 40", len(seen))
		}

		// One If-Match, ten changes at once over both: one wins, nine get 412.
		req, _ := http.NewRequest(http.MethodGet, a+"/api/v1/cases/"+c.ID, nil)
		req.Header.Set("Authorization", "Bearer "+advisor.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET case: %v", err)
		}
		resp.Body.Close()
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != http.StatusOK || etag == "" {
			t.Fatalf("GET case = %d with ETag %q; want 200 with one", resp.StatusCode, etag)
		}
		codes = concurrently(10, func(i int) int {
			req, _ := http.NewRequest(http.MethodPatch, bases[i%2]+"/api/v1/cases/"+c.ID,
				strings.NewReader(fmt.Sprintf(`{"next_follow_up_at":"2027-0%d-01T09:00:00Z"}`, 1+i%9)))
			req.Header.Set("Authorization", "Bearer "+advisor.AccessToken)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("If-Match", etag)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Errorf("PATCH case: %v", err)
				return 0
			}
			resp.Body.Close()
			return resp.StatusCode
		})
		if codes[http.StatusOK] != 1 || codes[http.StatusPreconditionFailed] != 9 {
			t.Errorf("10 concurrent PATCHes with one If-Match over two instances answered %v; want 1 × 200 and 9 × 412", codes)
		}

		// A caseload page built on one instance shows, at the very next
		// request, a change made through the other.
		page := func(base string) string {
			t.Helper()
			code, body := callJSON(t, base, advisor.AccessToken, http.MethodGet, "/api/v1/cases?limit=50", "")
			if code != http.StatusOK {
				t.Fatalf("GET /cases = %d %s", code, body)
			}
			return string(body)
		}
		for _, status := range []string{"evidence_collection", "under_review"} {
			before := page(b)
			if page(b) != before || strings.Contains(before, `"status":"`+status+`"`) {
				t.Fatalf("the page before moving the case to %s: %s", status, before)
			}
			must(t, a, advisor.AccessToken, http.MethodPatch, "/api/v1/cases/"+c.ID, `{"status":"`+status+`"}`, http.StatusOK, nil)
			if after := page(b); !strings.Contains(after, `"status":"`+status+`"`) {
				t.Errorf("the page on B after moving the case to %s on A: %s", status, after)
			}
		}
	})
}

// concurrently runs f n times at once and counts the statuses it returns.
func concurrently(n int, f func(i int) int) map[int]int {
	var mu sync.Mutex
	codes := map[int]int{}
	var start, done sync.WaitGroup
	start.Add(1)
	for i := 0; i < n; i++ {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			code := f(i)
			mu.Lock()
			codes[code]++
			mu.Unlock()
		}()
	}
	start.Done()
	done.Wait()
	return codes
}

// Development instances started together over one empty data folder make
// one signing key between them and load the demo office once; a token
// from one works on the other.
func TestTwoDevelopmentInstances(t *testing.T) {
	dir := t.TempDir()
	url := "file:" + filepath.Join(dir, "data", "advising.db")
	// The folder and the migrated file first: two SQLite servers over one
	// new file would race to create it.
	if err := run(context.Background(), []string{"migrate"}, func(k string) string {
		return map[string]string{"ADVISING_DATABASE_URL": url, "ADVISING_JWT_SECRET": strings.Repeat("m", 32)}[k]
	}, io.Discard); err != nil {
		t.Fatalf("advising migrate: %v", err)
	}
	keys := make([][]byte, 8)
	errs := make([]error, 8)
	concurrently(8, func(i int) int {
		keys[i], errs[i] = devSecret(filepath.Join(dir, "keys"))
		return 0
	})
	for i := range keys {
		if errs[i] != nil || string(keys[i]) != string(keys[0]) || len(keys[i]) < 32 {
			t.Errorf("devSecret #%d of 8 at once = %q, %v; want one key for all", i, keys[i], errs[i])
		}
	}
	in := startInstances(t, 2, map[string]string{"ADVISING_DATABASE_URL": url, "ADVISING_BCRYPT_COST": "4"})
	s := login(t, in[0].base, "admin@demo-office.example", "demo-office-2026")
	var users struct {
		Items []struct{ Email string } `json:"items"`
	}
	must(t, in[1].base, s.AccessToken, http.MethodGet, "/api/v1/users?role=admin&limit=100", "", http.StatusOK, &users)
	if len(users.Items) != 1 {
		t.Errorf("admins after two development instances started = %d; want the demo office's one", len(users.Items))
	}
	loaded := 0
	for _, i := range in {
		if strings.Contains(i.logs.String(), `"msg":"demo office loaded"`) {
			loaded++
		}
	}
	if loaded != 1 {
		t.Errorf("instances that loaded the demo office = %d; want 1", loaded)
	}
}
