package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"advising/internal/advising"
	"advising/internal/store"
	"advising/internal/store/storetest"
)

// buildServer builds the advising server for a test, with -race when the
// test itself runs with it.
func buildTestServer(t *testing.T) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "advising")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.CommandContext(t.Context(), "go", append(args, "./cmd/advising")...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/advising: %v\n%s", err, out)
	}
	return bin
}

// runTinyBench runs the whole benchmark over a tiny office in dbURL ("" for
// a scratch SQLite file) and returns its report.
func runTinyBench(t *testing.T, server, dbURL string) string {
	t.Helper()
	args := []string{"-cases", "60", "-advisors", "3", "-duration", "300ms", "-warmup", "0", "-clients", "4",
		"-floors", "none", "-server", server, "-out", t.TempDir()}
	if dbURL != "" {
		args = append(args, "-database-url", dbURL)
	}
	var out bytes.Buffer
	if err := bench(t.Context(), args, &out); err != nil {
		t.Fatalf("bench: %v\n%s", err, out.String())
	}
	return out.String()
}

// checkReport asserts that every product endpoint was measured without an
// error, that no note was lost, and that the targets were judged.
func checkReport(t *testing.T, report string) {
	t.Helper()
	if !strings.Contains(report, "seeded 64 users (3 advisors), 60 cases (20 for the measured advisor), 180 work samples, 120 notes") {
		t.Errorf("report does not describe the seeded office:\n%s", report)
	}
	_, table, ok := strings.Cut(report, "\nserver ")
	if !ok {
		t.Fatalf("report has no results table:\n%s", report)
	}
	table, _, _ = strings.Cut(table, "\nratios")
	for _, ep := range productEndpoints([]string{"x"}) {
		re := regexp.MustCompile(`(?m)^advising\s+` + regexp.QuoteMeta(ep.label) + `\s+(\d+)\s+[\d.]+\s+[\d.]+\s+\d+\s+[\d.]+\s+(\d+)(.*)$`)
		m := re.FindStringSubmatch(table)
		if m == nil {
			t.Errorf("no figures for %s in:\n%s", ep.label, table)
			continue
		}
		if m[1] == "0" {
			t.Errorf("%s: no requests per second", ep.label)
		}
		if m[2] != "0" {
			t.Errorf("%s: %s errors (%s)", ep.label, m[2], strings.TrimSpace(m[3]))
		}
		if ep.method == "POST" && !strings.Contains(m[3], "lost writes: 0") {
			t.Errorf("%s: %q, want lost writes: 0", ep.label, strings.TrimSpace(m[3]))
		}
	}
	for _, want := range []string{"PASS  note creation: 0 errors, 0 lost writes", "GET /api/v1/dashboard as admin (1 conn): p50"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

// The whole benchmark over a tiny office, on the backend the suite runs on
// (a PostgreSQL schema when ADVISING_TEST_POSTGRES_URL is set).
func TestBenchTinyOffice(t *testing.T) {
	report := runTinyBench(t, buildTestServer(t), storetest.URL(t))
	checkReport(t, report)
	want := "database SQLite"
	if storetest.Postgres() {
		want = "database PostgreSQL"
	}
	if !strings.Contains(report, want) {
		t.Errorf("report does not say %q:\n%s", want, report)
	}
}

func TestBenchRefusesAnOfficeInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "office.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	u := advising.User{ID: store.NewID(), Email: "someone@example.org", FullName: "Some One", Role: advising.RoleAdmin,
		PasswordHash: "x", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := st.InsertOffice(t.Context(), store.Office{Users: []advising.User{u}}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	args := []string{"-cases", "10", "-floors", "none", "-server", "/nonexistent", "-out", t.TempDir(), "-database-url", "file:" + path}
	var out bytes.Buffer
	err = bench(t.Context(), args, &out)
	if err == nil || !strings.Contains(err.Error(), "already holds 1 users") {
		t.Fatalf("bench over a database in use = %v; want a refusal", err)
	}
}

func TestBenchFlags(t *testing.T) {
	for _, args := range [][]string{{"-cases", "0"}, {"-advisors", "0"}, {"-duration", "0s"}, {"extra"}} {
		var out bytes.Buffer
		if err := bench(t.Context(), args, &out); err == nil {
			t.Errorf("bench(%q) = nil; want an error", args)
		}
	}
}
