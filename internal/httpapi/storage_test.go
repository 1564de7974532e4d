package httpapi_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"advising/docs"
	"advising/internal/auth"
	"advising/internal/casework"
	"advising/internal/httpapi"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

// Storage faults are the server's, not the client's: with the database
// read-only or full, every kind of write answers 503 with Retry-After and
// an unavailable problem, /readyz is 503, reads still work, and once the
// fault is gone writes work again on the same server.
func TestStorageFaultsAre503(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, fault := range []struct{ name, off string }{
		{"read-only", "PRAGMA query_only = 0"},
		{"full", "PRAGMA max_page_count = 1073741823"},
	} {
		t.Run(fault.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServerOn(t, storetest.NewSQLite(t)) // the faults are made with SQLite's PRAGMAs
			advisor := ts.staff(t, "advisor")
			applicant, caseID := ts.advisedCase(t, advisor)
			admin := ts.firstAdmin(t)
			on := "PRAGMA query_only = 1"
			if fault.name == "full" {
				n, err := ts.st.PageCount(ctx)
				if err != nil {
					t.Fatal(err)
				}
				on = fmt.Sprintf("PRAGMA max_page_count = %d", n)
			}
			if err := ts.st.SetWriterPragma(ctx, on); err != nil {
				t.Fatal(err)
			}
			big := strings.Repeat("word ", 1500) // a write that needs new pages
			type write struct {
				as           testUser
				method, path string
				body         string
			}
			writes := []write{ // each needs new pages, which a full database has not got
				{advisor, http.MethodPost, "/api/v1/cases/" + caseID + "/notes", `{"body":"` + big + `","visibility":"private"}`},
				{applicant, http.MethodPost, "/api/v1/applicants/" + applicant.ID + "/work-samples", `{"title":"Roadmap","description":"I led the roadmap. ` + big + `"}`},
			}
			if fault.name == "read-only" { // small writes too: nothing can be written
				writes = append(writes,
					write{testUser{}, http.MethodPost, "/api/v1/auth/register", `{"email":"new@example.org","password":"a long passphrase","full_name":"New Applicant"}`},
					write{admin, http.MethodPost, "/api/v1/users", `{"email":"adv@example.org","password":"a long passphrase","full_name":"New Advisor","role":"advisor"}`},
					write{advisor, http.MethodPatch, "/api/v1/cases/" + caseID, `{"next_follow_up_at":"2026-12-01T09:00:00Z"}`})
			}
			for _, w := range writes {
				rec := ts.do(t, w.as, w.method, w.path, w.body)
				p := checkProblem(t, w.method+" "+w.path+" on a "+fault.name+" database", rec, http.StatusServiceUnavailable)
				if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s <= 0 {
					t.Errorf("%s %s on a %s database: Retry-After %q; want seconds", w.method, w.path, fault.name, rec.Header().Get("Retry-After"))
				}
				if !strings.HasSuffix(p.Type, "/unavailable") || strings.Contains(p.Detail, "sqlite") || strings.Contains(p.Detail, "SQL") {
					t.Errorf("%s %s on a %s database: problem %+v; want type unavailable without internals", w.method, w.path, fault.name, p)
				}
			}
			rec := ts.do(t, testUser{}, http.MethodGet, "/readyz", "")
			checkProblem(t, "GET /readyz on a "+fault.name+" database", rec, http.StatusServiceUnavailable)
			if rec.Header().Get("Retry-After") == "" {
				t.Errorf("GET /readyz on a %s database has no Retry-After", fault.name)
			}
			if rec := ts.do(t, advisor, http.MethodGet, "/api/v1/cases/"+caseID+"/notes", ""); rec.Code != http.StatusOK {
				t.Errorf("GET notes on a %s database = %d; want reads to work", fault.name, rec.Code)
			}

			if err := ts.st.SetWriterPragma(ctx, fault.off); err != nil {
				t.Fatal(err)
			}
			for _, w := range writes {
				if rec := ts.do(t, w.as, w.method, w.path, w.body); rec.Code >= 300 {
					t.Errorf("%s %s once writable = %d %s; want success", w.method, w.path, rec.Code, rec.Body.String())
				}
			}
			if rec := ts.do(t, testUser{}, http.MethodGet, "/readyz", ""); rec.Code != http.StatusOK {
				t.Errorf("GET /readyz once writable = %d %s; want 200", rec.Code, rec.Body.String())
			}
		})
	}
}

// The documented 503 (headers, body) is what a write and /readyz send.
func TestStorageFaultContract(t *testing.T) {
	t.Parallel()
	c := newContractOn(t, newTestServerOn(t, storetest.NewSQLite(t))) // SQLite's PRAGMA makes the fault
	admin := c.ts.firstAdmin(t)
	if err := c.ts.st.SetWriterPragma(context.Background(), "PRAGMA query_only = 1"); err != nil {
		t.Fatal(err)
	}
	c.json(admin, http.MethodPost, "/api/v1/users", `{"email":"x@example.org","password":"a long passphrase","full_name":"X","role":"advisor"}`, http.StatusServiceUnavailable)
	c.json(testUser{}, http.MethodGet, "/readyz", "", http.StatusServiceUnavailable)
}

// A database whose pages are damaged behind an intact header (start-up's
// quick check refuses it; here the store is opened without one) answers
// 503, not 500: sign-in, the pages' sign-in, and /readyz.
func TestDamagedDatabaseIs503(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "advising.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// The schema's pages are the ones the migrations made: everything in
	// the file once they have run (closing checkpoints the WAL into it).
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	schemaEnd := int(fi.Size())
	if st, err = store.Open(path); err != nil {
		t.Fatal(err)
	}
	cw := casework.New(casework.Options{Store: st, Tokens: auth.NewTokens(testSecret, time.Hour, time.Now), Hasher: auth.Hasher{Cost: bcrypt.MinCost}})
	for i := range 40 {
		if _, err := cw.Register(ctx, "", casework.NewAccount{Email: fmt.Sprintf("a%d@example.org", i), Password: testPassword,
			FullName: strings.Repeat("Applicant ", 15)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// The readiness probe's table, wherever the migrations put it, is
	// damaged too, so that a write fails as well as the reads.
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	var probeRoot int
	if err := db.QueryRow(`SELECT rootpage FROM sqlite_master WHERE name = 'write_probe'`).Scan(&probeRoot); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The schema's pages come first; the applicants' rows and indexes fill
	// the later ones, which are damaged.
	if schemaEnd >= len(b) {
		t.Fatalf("the applicants added no pages past the schema's %d bytes", schemaEnd)
	}
	damage := func(from, to int) {
		for i := from; i < to && i < len(b); i++ {
			b[i] = byte(i*7 + 3)
		}
	}
	damage(schemaEnd, len(b))
	damage((probeRoot-1)*4096, probeRoot*4096)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(path)
	if err != nil {
		t.Fatalf("store.Open on a database damaged past its header: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cw = casework.New(casework.Options{Store: st, Tokens: auth.NewTokens(testSecret, time.Hour, time.Now), Hasher: auth.Hasher{Cost: bcrypt.MinCost}})
	h := httpapi.NewServer(httpapi.Deps{Casework: cw, Log: slog.New(slog.DiscardHandler), OpenAPI: docs.OpenAPI, Registry: prometheus.NewRegistry()})
	ts := &testServer{h: h, cw: cw, st: st}
	for _, r := range []struct{ method, path, body string }{
		{http.MethodPost, "/api/v1/auth/login", `{"email":"a7@example.org","password":"` + testPassword + `"}`},
		{http.MethodPost, "/api/v1/auth/register", `{"email":"new@example.org","password":"a long passphrase","full_name":"New"}`},
		{http.MethodGet, "/readyz", ""},
	} {
		rec := ts.do(t, testUser{}, r.method, r.path, r.body)
		checkProblem(t, r.method+" "+r.path+" on a damaged database", rec, http.StatusServiceUnavailable)
		if rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s %s on a damaged database: no Retry-After", r.method, r.path)
		}
	}
}
