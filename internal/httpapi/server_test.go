package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"advising/docs"
	"advising/internal/advising"
	"advising/internal/auth"
	"advising/internal/casework"
	"advising/internal/httpapi"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

// testSecret signs every test token.
var testSecret = []byte("test-secret-that-is-at-least-32-bytes-long")

// testClock is a settable clock shared by the service and token issuer.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// testServer is the real router over a real, migrated SQLite file.
type testServer struct {
	h     http.Handler
	cw    *casework.Service
	st    *store.Store
	clock *testClock
	admin testUser // the first admin, made on demand
	seq   atomic.Int64
}

// testUser is a signed-in account.
type testUser struct {
	ID    string
	Email string
	Name  string
	Role  advising.Role
	Token string
}

// serverOption adjusts the service or the server a test builds.
type serverOption func(*casework.Options, *httpapi.Deps)

// withAuthRate limits register and login to n a minute per client address.
func withAuthRate(n int) serverOption {
	return func(o *casework.Options, _ *httpapi.Deps) { o.AuthRate = n }
}

// withTrustedProxies believes forwarding headers from the given CIDRs.
func withTrustedProxies(cidrs ...string) serverOption {
	return func(_ *casework.Options, d *httpapi.Deps) {
		for _, c := range cidrs {
			d.TrustedProxies = append(d.TrustedProxies, netip.MustParsePrefix(c))
		}
	}
}

func newTestServer(t testing.TB, opts ...serverOption) *testServer {
	t.Helper()
	return newTestServerOn(t, storetest.New(t), opts...)
}

// newTestServerOn is newTestServer over a store the test opened itself.
func newTestServerOn(t testing.TB, st *store.Store, opts ...serverOption) *testServer {
	t.Helper()
	clock := &testClock{now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	o := casework.Options{
		Store:  st,
		Tokens: auth.NewTokens(testSecret, 8*time.Hour, clock.Now),
		Hasher: auth.Hasher{Cost: bcrypt.MinCost},
		Now:    clock.Now,
	}
	d := httpapi.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), OpenAPI: docs.OpenAPI, Registry: prometheus.NewRegistry()}
	for _, opt := range opts {
		opt(&o, &d)
	}
	cw := casework.New(o)
	d.Casework = cw
	h := httpapi.NewServer(d)
	return &testServer{h: h, cw: cw, st: st, clock: clock}
}

// request sends one request through the router. token may be empty.
func (ts *testServer) request(t testing.TB, token, method, path, contentType string, body io.Reader, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	ts.h.ServeHTTP(rec, req)
	return rec
}

// do sends a JSON request as u (the zero testUser is anonymous).
func (ts *testServer) do(t testing.TB, u testUser, method, path, body string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	return ts.request(t, u.Token, method, path, "application/json", r, header...)
}

// mustDo is do, failing the test unless the status is want; it decodes the
// response into out when out is not nil.
func (ts *testServer) mustDo(t testing.TB, u testUser, method, path, body string, want int, out any) {
	t.Helper()
	rec := ts.do(t, u, method, path, body)
	if rec.Code != want {
		t.Fatalf("%s %s as %s = %d %s; want %d", method, path, u.Role, rec.Code, rec.Body.String(), want)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, rec.Body.String(), err)
		}
	}
}

const testPassword = "correct horse battery"

// applicant registers a new applicant through the API.
func (ts *testServer) applicant(t testing.TB) testUser {
	t.Helper()
	n := ts.seq.Add(1)
	email := fmt.Sprintf("applicant%d@example.org", n)
	var out struct {
		AccessToken string `json:"access_token"`
		User        struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	ts.mustDo(t, testUser{}, http.MethodPost, "/api/v1/auth/register",
		fmt.Sprintf(`{"email":%q,"password":%q,"full_name":"Applicant %d"}`, email, testPassword, n), http.StatusCreated, &out)
	return testUser{ID: out.User.ID, Email: email, Name: fmt.Sprintf("Applicant %d", n), Role: advising.RoleApplicant, Token: out.AccessToken}
}

// firstAdmin bootstraps the office's first admin once.
func (ts *testServer) firstAdmin(t testing.TB) testUser {
	t.Helper()
	if ts.admin.ID == "" {
		ctx := context.Background()
		if _, err := ts.cw.BootstrapAdmin(ctx, "admin@example.org", testPassword, "First Admin"); err != nil {
			t.Fatalf("BootstrapAdmin: %v", err)
		}
		ts.admin = ts.login(t, "admin@example.org", testPassword)
	}
	return ts.admin
}

// staff creates an advisor or admin through the API, as the first admin.
func (ts *testServer) staff(t testing.TB, role advising.Role) testUser {
	t.Helper()
	admin := ts.firstAdmin(t)
	n := ts.seq.Add(1)
	email := fmt.Sprintf("%s%d@example.org", role, n)
	name := fmt.Sprintf("%s %d", strings.ToUpper(string(role[:1]))+string(role[1:]), n)
	ts.mustDo(t, admin, http.MethodPost, "/api/v1/users",
		fmt.Sprintf(`{"email":%q,"password":%q,"full_name":%q,"role":%q}`, email, testPassword, name, role), http.StatusCreated, nil)
	u := ts.login(t, email, testPassword)
	u.Name = name
	return u
}

// login signs in through the API.
func (ts *testServer) login(t testing.TB, email, password string) testUser {
	t.Helper()
	var out struct {
		AccessToken string `json:"access_token"`
		User        struct {
			ID       string `json:"id"`
			Role     string `json:"role"`
			FullName string `json:"full_name"`
		} `json:"user"`
	}
	ts.mustDo(t, testUser{}, http.MethodPost, "/api/v1/auth/login",
		fmt.Sprintf(`{"email":%q,"password":%q}`, email, password), http.StatusOK, &out)
	return testUser{ID: out.User.ID, Email: email, Name: out.User.FullName, Role: advising.Role(out.User.Role), Token: out.AccessToken}
}

// problemBody is an RFC 9457 body as clients read it.
type problemBody struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// checkProblem fails unless rec is a problem+json response with status want.
func checkProblem(t testing.TB, what string, rec *httptest.ResponseRecorder, want int) problemBody {
	t.Helper()
	var p problemBody
	if rec.Code != want {
		t.Errorf("%s = %d %s; want %d", what, rec.Code, rec.Body.String(), want)
		return p
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: Content-Type = %q; want application/problem+json", what, ct)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != want || p.Title == "" || p.Type == "" {
		t.Errorf("%s: body %s is not a problem with status %d (err %v)", what, rec.Body.String(), want, err)
	}
	return p
}
