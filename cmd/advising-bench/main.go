// Command advising-bench measures the advising server under load: it
// seeds a scratch office of any size into SQLite or PostgreSQL, starts the
// real server over it, drives its hot endpoints with closed-loop clients,
// measures the reference floor servers in the same run, and prints the
// figures, the ratios to the floors and the targets (docs/performance.md).
// It is a development tool, kept out of the production binary.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"

	"advising/internal/advising"
	"advising/internal/auth"
	"advising/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := bench(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "advising-bench:", err)
		os.Exit(1)
	}
}

// benchOptions are the command's flags.
type benchOptions struct {
	duration, warmup    time.Duration
	clients, rounds     int
	cases, advisors     int
	floors, out         string
	databaseURL, server string
	only                map[string]bool // endpoint keys to measure; nil measures all
}

// measures reports whether the run measures the endpoint key (-only).
func (o benchOptions) measures(key string) bool { return o.only == nil || o.only[key] }

// Server names in the report.
const (
	serverProduct   = "advising"
	serverFloorMem  = "floor mem"
	serverFloorSQL  = "floor sql"
	floorsAdvisorID = 1 // the floors' advisor with 2,000 cases
)

// noteBody is the note every write sends, the same text the floors' load script posts.
const noteBody = "Called the applicant; transcripts arrive next week."

// Queries of the measured requests: a search that matches one applicant in
// a thousand (benchRareName), and the flag the issue's profile names.
const (
	searchQuery = "quennell"
	filterFlag  = advising.FlagFollowUpOverdue
)

// productEndpoints are the product's measured requests. focusCases are the
// measured advisor's cases; note creation cycles over them. The searches,
// the filter and the dashboards are latency targets, measured on one
// connection; the caseload page and the writes are throughput targets.
func productEndpoints(focusCases []string) []endpoint {
	return []endpoint{
		{key: "me", label: "GET /api/v1/me (auth + one row)", method: http.MethodGet,
			path: fixedPath("/api/v1/me"), want: http.StatusOK},
		{key: "caseload", label: "GET /api/v1/cases?limit=50", method: http.MethodGet,
			path: fixedPath("/api/v1/cases?limit=50"), want: http.StatusOK},
		{key: "caseload-status", label: "GET /api/v1/cases?limit=50&status=under_review", method: http.MethodGet,
			path: fixedPath("/api/v1/cases?limit=50&status=under_review"), want: http.StatusOK},
		{key: "search", label: "GET /api/v1/cases?q=" + searchQuery + " (1 conn)", method: http.MethodGet,
			path: fixedPath("/api/v1/cases?limit=50&q=" + searchQuery), want: http.StatusOK, clients: 1},
		{key: "flag", label: "GET /api/v1/cases?flag=" + string(filterFlag) + " (1 conn)", method: http.MethodGet,
			path: fixedPath("/api/v1/cases?limit=50&flag=" + string(filterFlag)), want: http.StatusOK, clients: 1},
		{key: "dashboard", label: "GET /api/v1/dashboard (1 conn)", method: http.MethodGet,
			path: fixedPath("/api/v1/dashboard"), want: http.StatusOK, clients: 1},
		{key: "admin-dashboard", label: "GET /api/v1/dashboard as admin (1 conn)", method: http.MethodGet,
			path: fixedPath("/api/v1/dashboard"), want: http.StatusOK, clients: 1, admin: true},
		{key: "note", label: "POST /api/v1/cases/{id}/notes", method: http.MethodPost,
			path: func(n uint64) string { return "/api/v1/cases/" + focusCases[n%uint64(len(focusCases))] + "/notes" },
			body: []byte(`{"body":"` + noteBody + `","visibility":"private"}`), want: http.StatusCreated},
	}
}

// floorEndpoints are the floors' requests, as their wrk scripts send them:
// advisor 1's in_review page, and notes on cases 5, 10, ..., 10000.
func floorEndpoints(mode string) []endpoint {
	eps := []endpoint{{key: "caseload-status", label: "GET /api/cases?status=in_review&page=1", method: http.MethodGet,
		path: fixedPath("/api/cases?status=in_review&page=1"), want: http.StatusOK}}
	if mode == "sql" {
		eps = append(eps, endpoint{key: "note", label: "POST /api/cases/{id}/notes", method: http.MethodPost,
			path: func(n uint64) string { return "/api/cases/" + strconv.FormatUint(5*(n%2000+1), 10) + "/notes" },
			body: []byte(`{"body":"` + noteBody + `"}`), want: http.StatusCreated})
	}
	return eps
}

// measurement is one endpoint measured on one server in one round.
type measurement struct {
	loadResult
	cpu     time.Duration // server CPU time during the measured run
	peakRSS int64         // server's VmHWM after the run
	// Writes only: records that should exist but do not (negative: extra ones),
	// or, for the floors, the server's count of failed inserts.
	lost, writeErrors int64
	bodyBytes         int // size of one answer
}

func (m measurement) rps() float64 { return float64(m.requests) / m.elapsed.Seconds() }

func (m measurement) cpuPerRequest() time.Duration {
	if m.requests == 0 {
		return 0
	}
	return m.cpu / time.Duration(m.requests)
}

// row is one line of the report: an endpoint on a server over all rounds.
type row struct {
	server  string
	ep      endpoint
	runs    []measurement
	skipped string // why it was not measured
}

// benchRun holds the state of one benchmark.
type benchRun struct {
	opt    benchOptions
	out    io.Writer
	dir    string // scratch folder
	server string // the advising binary, started as the server
	dbURL  string // the product's database, as ADVISING_DATABASE_URL
	secret string
	office *benchOffice
	// tokens are the measured advisor's and the admin's, each with the
	// session row a signed-in user's token has.
	advisorToken, adminToken string
	product                  []endpoint
	floors                   string // built floors binary, or "" when skipped
	floorDB                  string
	rows                     []*row
}

func (b *benchRun) row(server string, ep endpoint) *row {
	for _, r := range b.rows {
		if r.server == server && r.ep.key == ep.key {
			return r
		}
	}
	r := &row{server: server, ep: ep}
	b.rows = append(b.rows, r)
	return r
}

func (b *benchRun) find(server, key string) *row {
	for _, r := range b.rows {
		if r.server == server && r.ep.key == key && len(r.runs) > 0 {
			return r
		}
	}
	return nil
}

func (b *benchRun) logf(format string, args ...any) {
	fmt.Fprintf(b.out, format+"\n", args...)
}

// bench runs the benchmark: it seeds a scratch office, starts the real
// server on loopback, drives each endpoint with closed-loop clients, does the
// same for the floor servers, and prints the figures, ratios and targets.
func bench(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("advising-bench", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var o benchOptions
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured load per endpoint")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured load before each measurement")
	fs.IntVar(&o.clients, "clients", 32, "concurrent clients for the throughput endpoints, one keep-alive connection each")
	fs.IntVar(&o.rounds, "rounds", 1, "rounds; servers alternate within a round and medians are reported")
	fs.IntVar(&o.cases, "cases", 10000, "cases (one applicant each) in the seeded office")
	fs.IntVar(&o.advisors, "advisors", 5, "advisors; the measured one holds every advisors-th case")
	fs.StringVar(&o.databaseURL, "database-url", "", "the product's database, file:PATH or postgres://...; it must be empty (default: a SQLite file in the scratch folder)")
	fs.StringVar(&o.server, "server", "", "the advising binary to measure (default: go build ./cmd/advising from the repository)")
	fs.StringVar(&o.floors, "floors", "", `source folder of the floor servers (default: ../shared/bench/floors from the repository root; "none" skips them)`)
	fs.StringVar(&o.out, "out", "", "scratch folder for databases, binaries and logs (default: a temporary folder, removed at the end)")
	only := fs.String("only", "", "comma-separated endpoint keys to measure (me, caseload, caseload-status, search, flag, dashboard, admin-dashboard, note); the floors measure the keys they serve (default: all)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.duration <= 0 || o.warmup < 0 || o.clients < 1 || o.rounds < 1 || o.cases < 1 || o.advisors < 1 {
		return errors.New("-duration must be positive, -warmup not negative, -clients, -rounds, -cases and -advisors at least 1")
	}
	if *only != "" {
		known := map[string]bool{}
		for _, ep := range productEndpoints([]string{""}) {
			known[ep.key] = true
		}
		o.only = map[string]bool{}
		for key := range strings.SplitSeq(*only, ",") {
			key = strings.TrimSpace(key)
			if !known[key] {
				return fmt.Errorf("-only: no endpoint %q", key)
			}
			o.only[key] = true
		}
	}
	b := &benchRun{opt: o, out: stdout}
	if o.out == "" {
		dir, err := os.MkdirTemp("", "advising-bench-")
		if err != nil {
			return fmt.Errorf("scratch folder: %w", err)
		}
		defer os.RemoveAll(dir)
		b.dir = dir
	} else {
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			return fmt.Errorf("scratch folder: %w", err)
		}
		b.dir = o.out
	}

	b.logf("command: %s", strings.Join(append([]string{"advising-bench"}, args...), " "))
	b.logf("machine: %s", machine())
	b.logf("scratch: %s", b.dir)
	if err := b.buildServer(ctx); err != nil {
		return err
	}
	if err := b.seed(ctx); err != nil {
		return err
	}
	if err := b.buildFloors(ctx); err != nil {
		return err
	}
	for round := 1; round <= o.rounds; round++ {
		if o.rounds > 1 {
			b.logf("round %d of %d", round, o.rounds)
		}
		if err := b.measureProduct(ctx); err != nil {
			return err
		}
		if b.floors != "" {
			for _, mode := range []string{"mem", "sql"} {
				if !slices.ContainsFunc(floorEndpoints(mode), func(ep endpoint) bool { return b.opt.measures(ep.key) }) {
					continue
				}
				if err := b.measureFloor(ctx, mode); err != nil {
					return err
				}
			}
		}
	}
	b.report()
	return nil
}

// repoRoot is the folder holding go.mod, from the working directory up, or
// the working directory when there is none.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return wd, nil
		}
	}
}

// buildServer resolves -server, or builds the server from the repository.
func (b *benchRun) buildServer(ctx context.Context) error {
	if b.opt.server != "" {
		p, err := filepath.Abs(b.opt.server)
		if err != nil {
			return err
		}
		b.server = p
		return nil
	}
	root, err := repoRoot()
	if err != nil {
		return err
	}
	start := time.Now()
	bin := filepath.Join(b.dir, "advising")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/advising")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build the server in %s (or set -server): %w\n%s", root, err, out)
	}
	b.server = bin
	b.logf("server: built from %s in %s", root, time.Since(start).Round(time.Millisecond))
	return nil
}

// openStore opens the product's database at a database URL: file:PATH or
// postgres://.
func openStore(dbURL string) (*store.Store, error) {
	return store.Open(dbURL)
}

// redact hides a database URL's password for the report.
func redact(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil || u.User == nil {
		return dbURL
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// seed builds the product's database from the real migrations and fills it
// with the benchmark office, a chunk of cases per transaction.
func (b *benchRun) seed(ctx context.Context) error {
	start := time.Now()
	// Every account shares one hash: bcrypt at full cost for every applicant
	// would take minutes and is not what is measured. Nobody logs in; tokens are minted.
	hash, err := auth.Hasher{Cost: bcrypt.MinCost}.Hash(rand.Text())
	if err != nil {
		return err
	}
	b.dbURL = b.opt.databaseURL
	if b.dbURL == "" {
		path := filepath.Join(b.dir, "advising.db")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(path + suffix)
		}
		b.dbURL = "file:" + path
	}
	st, err := openStore(b.dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	if n, err := st.CountOffice(ctx); err != nil {
		return err
	} else if n.Users > 0 {
		return fmt.Errorf("the database %s already holds %d users: the benchmark seeds its own office into an empty database", redact(b.dbURL), n.Users)
	}
	b.office = newBenchOffice(time.Now(), hash, b.opt.cases, b.opt.advisors)
	for {
		chunk, ok := b.office.next()
		if !ok {
			break
		}
		if err := st.InsertOffice(ctx, chunk); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	// As an office that has run for a while: on PostgreSQL, statistics
	// gathered and the bulk load vacuumed, not left to autovacuum under the
	// first measurements.
	if err := st.Optimize(ctx); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	b.product = productEndpoints(b.office.focusCases)
	// Minted tokens need a session row, as a signed-in user's have.
	expires := time.Now().Add(8 * time.Hour).Truncate(time.Second)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	b.secret = hex.EncodeToString(key)
	tokens := auth.NewTokens([]byte(b.secret), 8*time.Hour, time.Now)
	for _, t := range []struct {
		u   advising.User
		tok *string
	}{{b.office.focus, &b.advisorToken}, {b.office.admin, &b.adminToken}} {
		var sid string
		err = st.Tx(ctx, func(tx *store.Store) error {
			var err error
			sid, err = tx.CreateSession(ctx, t.u.ID, time.Now(), expires)
			return err
		})
		if err != nil {
			return fmt.Errorf("seed session: %w", err)
		}
		if *t.tok, err = tokens.Issue(t.u, sid, expires); err != nil {
			return err
		}
	}
	n, err := st.CountOffice(ctx)
	if err != nil {
		return err
	}
	b.logf("database: %s", redact(b.dbURL))
	b.logf("seeded %d users (%d advisors), %d cases (%d for the measured advisor), %d work samples, %d notes in %s",
		n.Users, len(b.office.advisors), n.Cases, len(b.office.focusCases), n.WorkSamples, n.Notes, time.Since(start).Round(time.Millisecond))
	return nil
}

// countNotes counts the notes in the product's database while the server
// runs (SQLite's WAL lets another process read).
func (b *benchRun) countNotes(ctx context.Context) (int64, error) {
	st, err := openStore(b.dbURL)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	n, err := st.CountOffice(ctx)
	return n.Notes, err
}

// floorsSource resolves the -floors flag.
func (b *benchRun) floorsSource() (string, error) {
	if b.opt.floors == "none" {
		return "", nil
	}
	if b.opt.floors != "" {
		return filepath.Abs(b.opt.floors)
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "..", "shared", "bench", "floors"), nil
}

// buildFloors builds and seeds the floor servers, or explains why not.
func (b *benchRun) buildFloors(ctx context.Context) error {
	src, err := b.floorsSource()
	if err != nil {
		return fmt.Errorf("bench: floors folder: %w", err)
	}
	if src == "" {
		b.logf("floors: skipped (-floors none)")
		return nil
	}
	if _, err := os.Stat(filepath.Join(src, "main.go")); err != nil {
		b.logf("floors: skipped, no floor servers at %s (set -floors)", src)
		return nil
	}
	if _, err := exec.LookPath("go"); err != nil {
		b.logf("floors: skipped, the go command is needed to build them")
		return nil
	}
	start := time.Now()
	bin := filepath.Join(b.dir, "floors")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("bench: build floors in %s: %w\n%s", src, err, out)
	}
	b.floorDB = filepath.Join(b.dir, "floors.db")
	if out, err := exec.CommandContext(ctx, bin, "seed", "-db", b.floorDB).CombinedOutput(); err != nil {
		return fmt.Errorf("bench: seed floors: %w\n%s", err, out)
	}
	b.floors = bin
	b.logf("floors: built and seeded from %s in %s", src, time.Since(start).Round(time.Millisecond))
	return nil
}

// measureProduct starts the real server over the scratch database and
// measures every product endpoint it serves.
func (b *benchRun) measureProduct(ctx context.Context) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	env := []string{"ADVISING_ADDR=" + addr, "ADVISING_DATABASE_URL=" + b.dbURL,
		"ADVISING_ENV=production", "ADVISING_JWT_SECRET=" + b.secret, "ADVISING_TOKEN_TTL=8h",
		// Request lines are Info: at error level the log stays out of the figures.
		"ADVISING_LOG_LEVEL=error"}
	c, err := startChild(ctx, serverProduct, addr, filepath.Join(b.dir, "advising.log"), b.server, []string{"serve"}, env, "/readyz")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer c.stop()
	for _, ep := range b.product {
		if !b.opt.measures(ep.key) {
			continue
		}
		r := b.row(serverProduct, ep)
		if r.skipped != "" {
			continue
		}
		var before int64
		if ep.method == http.MethodPost {
			if before, err = b.countNotes(ctx); err != nil {
				return fmt.Errorf("bench: count notes: %w", err)
			}
		}
		token := b.advisorToken
		if ep.admin {
			token = b.adminToken
		}
		m, skip, err := b.measure(ctx, c, token, ep)
		if err != nil {
			return err
		}
		if skip != "" {
			r.skipped = skip
			b.logf("  %-9s %-52s skipped: %s", serverProduct, ep.label, skip)
			continue
		}
		if ep.method == http.MethodPost {
			after, err := b.countNotes(ctx)
			if err != nil {
				return fmt.Errorf("bench: count notes: %w", err)
			}
			m.lost = before + int64(m.ok) - after
		}
		r.runs = append(r.runs, m)
		b.logLine(serverProduct, ep, m)
	}
	return nil
}

// measureFloor starts one floor server mode and measures its endpoints.
func (b *benchRun) measureFloor(ctx context.Context, mode string) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	name := "floor " + mode
	c, err := startChild(ctx, name, addr, filepath.Join(b.dir, "floors-"+mode+".log"), b.floors,
		[]string{"serve", "-mode", mode, "-db", b.floorDB, "-addr", addr}, nil, "/healthz")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer c.stop()
	out, err := exec.CommandContext(ctx, b.floors, "token", "-advisor", strconv.Itoa(floorsAdvisorID)).Output()
	if err != nil {
		return fmt.Errorf("bench: floors token: %w", err)
	}
	token := strings.TrimSpace(string(out))
	for _, ep := range floorEndpoints(mode) {
		if !b.opt.measures(ep.key) {
			continue
		}
		m, skip, err := b.measure(ctx, c, token, ep)
		if err != nil {
			return err
		}
		r := b.row(name, ep)
		if skip != "" {
			r.skipped = skip
			continue
		}
		if ep.method == http.MethodPost {
			if m.writeErrors, err = floorWriteErrors(ctx, c.base); err != nil {
				return err
			}
		}
		r.runs = append(r.runs, m)
		b.logLine(name, ep, m)
	}
	return nil
}

// floorWriteErrors asks a floor server how many note inserts failed.
func floorWriteErrors(ctx context.Context, base string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/debug/write-errors", nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("bench: floor write errors: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
	return strconv.ParseInt(strings.TrimSpace(string(body)), 10, 64)
}

// measure probes ep, warms it up, then drives it for the measured duration
// and reads the server's CPU time around the run. A write's ok count covers
// the probe and the warm-up too, for the lost-write check.
func (b *benchRun) measure(ctx context.Context, c *child, token string, ep endpoint) (measurement, string, error) {
	clients := b.opt.clients
	if ep.clients > 0 {
		clients = ep.clients
	}
	hc := newLoadClient(clients)
	defer hc.CloseIdleConnections()
	pr, err := probe(ctx, hc, c.base, token, ep)
	if err != nil {
		return measurement{}, "", fmt.Errorf("bench: %s %s: %w", c.name, ep.label, err)
	}
	if !pr.routed {
		return measurement{}, "not served by this build (unknown route)", nil
	}
	if pr.status != ep.want {
		b.logf("  %-9s %-52s warning: first answer was HTTP %d, want %d", c.name, ep.label, pr.status, ep.want)
	}
	extraOK := 0
	if pr.status == ep.want {
		extraOK++
	}
	if b.opt.warmup > 0 {
		w := driveLoad(ctx, hc, c.base, token, ep, clients, b.opt.warmup)
		extraOK += w.ok
	}
	// On PostgreSQL the database's work happens in its backends: count
	// theirs too, as an SQLite server's CPU includes SQLite's.
	pgdb := ""
	if c.name == serverProduct {
		pgdb = b.pgDatabase()
	}
	var backends0 map[int]time.Duration
	if pgdb != "" {
		backends0 = backendCPU(pgdb)
	}
	cpu0, err := c.cpuTime()
	if err != nil {
		return measurement{}, "", b.failure(ctx, c, ep, err)
	}
	res := driveLoad(ctx, hc, c.base, token, ep, clients, b.opt.duration)
	cpu1, err := c.cpuTime()
	if err != nil {
		return measurement{}, "", b.failure(ctx, c, ep, err)
	}
	if pgdb != "" {
		cpu1 += backendCPUSince(backends0, backendCPU(pgdb))
	}
	if ctx.Err() != nil || !c.alive() {
		return measurement{}, "", b.failure(ctx, c, ep, nil)
	}
	rss, err := c.peakRSS()
	if err != nil {
		return measurement{}, "", err
	}
	res.ok += extraOK
	return measurement{loadResult: res, cpu: cpu1 - cpu0, peakRSS: rss, bodyBytes: pr.size}, "", nil
}

// failure explains why a measurement stopped: an interrupt, a server that
// exited (with the end of its log), or err.
func (b *benchRun) failure(ctx context.Context, c *child, ep endpoint, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("bench: interrupted during %s %s: %w", c.name, ep.label, ctx.Err())
	case !c.alive():
		return fmt.Errorf("bench: %s exited (%v) during %s; the end of %s:\n%s", c.name, c.err, ep.label, c.log, tail(c.log, 2000))
	}
	return err
}

func (b *benchRun) logLine(server string, ep endpoint, m measurement) {
	b.logf("  %-9s %-52s %8.0f req/s  p99 %7.2f ms  %6.0f µs CPU/req  %d errors  (answer %.1f KiB)",
		server, ep.label, m.rps(), ms(percentile(m.latencies, 99)), us(m.cpuPerRequest()), m.errors, float64(m.bodyBytes)/1024)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// summary is a row's figures over its rounds: medians, except errors and
// lost writes (summed) and peak RSS (the largest).
type summary struct {
	rps, p50, p99, cpuUS, rssMiB float64
	errors, lost, writeErrors    int64
	firstErr                     string
}

func (r *row) summary() summary {
	var s summary
	var rps, p50, p99, cpu []float64
	for _, m := range r.runs {
		rps = append(rps, m.rps())
		p50 = append(p50, ms(percentile(m.latencies, 50)))
		p99 = append(p99, ms(percentile(m.latencies, 99)))
		cpu = append(cpu, us(m.cpuPerRequest()))
		s.rssMiB = max(s.rssMiB, float64(m.peakRSS)/(1<<20))
		s.errors += int64(m.errors)
		s.lost += m.lost
		s.writeErrors += m.writeErrors
		if s.firstErr == "" {
			s.firstErr = m.firstErr
		}
	}
	s.rps, s.p50, s.p99, s.cpuUS = median(rps), median(p50), median(p99), median(cpu)
	return s
}

func cpuPerRequestUS(m measurement) float64 { return us(m.cpuPerRequest()) }

// roundRatio is the median over rounds of metric(p)/metric(f), each ratio
// taken within one round: servers measured minutes apart on a shared
// machine drift together, so a same-round ratio is steadier than a ratio
// of medians.
func roundRatio(p, f *row, metric func(measurement) float64) float64 {
	var rs []float64
	for i := range min(len(p.runs), len(f.runs)) {
		if d := metric(f.runs[i]); d > 0 {
			rs = append(rs, metric(p.runs[i])/d)
		}
	}
	return median(rs)
}

// The targets (issues 4 and 12). CPU targets are ratios to the sql floor
// measured in the same run: absolute timings drift by a third between runs
// on shared machines, and the floor drifts with them.
const (
	targetCaseloadFloorRatio = 1.0 // caseload page CPU/request, of the sql floor's
	targetCaseloadP99        = 50  // ms at -clients connections
	targetNoteRateRatio      = 0.5 // of the sql floor's note rate
	targetReadP50            = 10  // ms on one connection: search, flag filter, advisor dashboard
	targetAdminP50           = 25  // ms on one connection: the admin's dashboard
	targetPeakRSS            = 100 // MiB
)

// report prints the figures, the ratios to the floors and the targets.
func (b *benchRun) report() {
	agg := "one round"
	if b.opt.rounds > 1 {
		agg = fmt.Sprintf("median of %d interleaved rounds", b.opt.rounds)
	}
	b.logf("\noffice: %d cases, %d advisors, the measured advisor holds %d; database %s",
		b.opt.cases, b.opt.advisors, len(b.office.focusCases), dialectName(b.dbURL))
	b.logf("%d clients (1 where marked), %s warm-up + %s measured per endpoint, %s; server CPU from /proc (user+system), peak RSS = VmHWM",
		b.opt.clients, b.opt.warmup, b.opt.duration, agg)
	if b.pgDatabase() != "" {
		b.logf("advising's CPU includes its PostgreSQL backends' (processes titled with database %q on this machine)", b.pgDatabase())
	}
	line := func(server, label, rps, p50, p99, cpu, rss, errs, note string) {
		b.logf("%s", strings.TrimRight(fmt.Sprintf("%-9s  %-52s  %8s  %7s  %7s  %10s  %12s  %6s  %s",
			server, label, rps, p50, p99, cpu, rss, errs, note), " "))
	}
	line("server", "endpoint", "req/s", "p50 ms", "p99 ms", "CPU µs/req", "peak RSS MiB", "errors", "")
	for _, r := range b.rows {
		if r.skipped != "" {
			line(r.server, r.ep.label, "-", "-", "-", "-", "-", "-", r.skipped)
			continue
		}
		s := r.summary()
		note := ""
		if r.ep.method == http.MethodPost {
			if r.server == serverProduct {
				note = fmt.Sprintf("lost writes: %d", s.lost)
			} else {
				note = fmt.Sprintf("failed inserts: %d", s.writeErrors)
			}
		}
		if s.errors > 0 {
			note = strings.TrimSpace(note + " first error: " + s.firstErr)
		}
		line(r.server, r.ep.label, fmt.Sprintf("%.0f", s.rps), fmt.Sprintf("%.2f", s.p50), fmt.Sprintf("%.2f", s.p99),
			fmt.Sprintf("%.0f", s.cpuUS), fmt.Sprintf("%.1f", s.rssMiB), strconv.FormatInt(s.errors, 10), note)
	}

	b.logf("\nratios (same run):")
	for _, key := range []string{"caseload", "caseload-status"} {
		p := b.find(serverProduct, key)
		if p == nil {
			continue
		}
		for _, f := range []string{serverFloorMem, serverFloorSQL} {
			if fl := b.find(f, "caseload-status"); fl != nil {
				b.logf("  CPU/request  %-52s / %s caseload: %.2fx", p.ep.label, f, roundRatio(p, fl, cpuPerRequestUS))
			}
		}
	}
	if p, f := b.find(serverProduct, "note"), b.find(serverFloorSQL, "note"); p != nil && f != nil {
		b.logf("  write rate   %-52s / %s notes: %.2f", p.ep.label, serverFloorSQL, roundRatio(p, f, measurement.rps))
	}
	if f := b.find(serverFloorSQL, "caseload-status"); f != nil {
		b.logf("  this run's sql floor costs %.0f µs per caseload request (564 µs on the reference machine)", f.summary().cpuUS)
	}

	b.logf("\ntargets:")
	check := func(ok bool, na string, format string, args ...any) {
		verdict := "MISS"
		switch {
		case na != "":
			verdict, format, args = "n/a ", format+" (%s)", append(args, na)
		case ok:
			verdict = "PASS"
		}
		b.logf("  %s  "+format, append([]any{verdict}, args...)...)
	}
	for _, key := range []string{"caseload", "caseload-status"} {
		label := b.labelOf(key)
		p := b.find(serverProduct, key)
		if p == nil {
			check(false, "not measured", "%s: CPU/request <= the sql floor's, p99 < %d ms", label, targetCaseloadP99)
			continue
		}
		s := p.summary()
		if f := b.find(serverFloorSQL, "caseload-status"); f != nil {
			ratio := roundRatio(p, f, cpuPerRequestUS)
			check(ratio <= targetCaseloadFloorRatio, "", "%s: %.0f µs CPU/request = %.2fx the sql floor's (<= %.2fx)",
				label, s.cpuUS, ratio, targetCaseloadFloorRatio)
		} else {
			check(false, "no floor measured", "%s: CPU/request <= the sql floor's", label)
		}
		check(s.p99 < targetCaseloadP99, "", "%s: p99 %.2f ms < %d ms at %d clients", label, s.p99, targetCaseloadP99, b.opt.clients)
	}
	for _, t := range []struct {
		key   string
		limit float64
	}{{"search", targetReadP50}, {"flag", targetReadP50}, {"dashboard", targetReadP50}, {"admin-dashboard", targetAdminP50}} {
		label := b.labelOf(t.key)
		if p := b.find(serverProduct, t.key); p != nil {
			s := p.summary()
			check(s.p50 <= t.limit, "", "%s: p50 %.2f ms <= %.0f ms", label, s.p50, t.limit)
		} else {
			check(false, "not measured", "%s: p50 <= %.0f ms", label, t.limit)
		}
	}
	if p := b.find(serverProduct, "note"); p != nil {
		s := p.summary()
		if f := b.find(serverFloorSQL, "note"); f != nil {
			ratio := roundRatio(p, f, measurement.rps)
			check(ratio >= targetNoteRateRatio, "", "note creation: %.0f req/s = %.2f of the sql floor's %.0f (>= %.1f)",
				s.rps, ratio, f.summary().rps, targetNoteRateRatio)
		} else {
			check(false, "no floor measured", "note creation: >= %.1f of the sql floor's rate", targetNoteRateRatio)
		}
		check(s.errors == 0 && s.lost == 0, "", "note creation: %d errors, %d lost writes (want none)", s.errors, s.lost)
	} else {
		check(false, "not measured", "note creation: >= %.1f of the sql floor's rate, no errors, no lost writes", targetNoteRateRatio)
	}
	var rss float64
	for _, r := range b.rows {
		if r.server == serverProduct && len(r.runs) > 0 {
			rss = max(rss, r.summary().rssMiB)
		}
	}
	check(rss <= targetPeakRSS, "", "advising peak RSS: %.1f MiB <= %d MiB", rss, targetPeakRSS)
}

// pgDatabase is the name of the product's PostgreSQL database, or "" on
// SQLite.
func (b *benchRun) pgDatabase() string {
	if dialectName(b.dbURL) != "PostgreSQL" {
		return ""
	}
	u, err := url.Parse(b.dbURL)
	if err != nil {
		return ""
	}
	if name := strings.TrimPrefix(u.Path, "/"); name != "" {
		return name
	}
	return u.User.Username() // PostgreSQL's default database
}

// dialectName names the database behind a database URL.
func dialectName(dbURL string) string {
	if strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://") {
		return "PostgreSQL"
	}
	return "SQLite"
}

func (b *benchRun) labelOf(key string) string {
	for _, ep := range b.product {
		if ep.key == key {
			return ep.label
		}
	}
	return key
}

// machine describes the host: CPUs, CPU model, kernel, memory and Go.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel := "unknown kernel"
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = "Linux " + strings.TrimSpace(string(b))
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if f := strings.Fields(rest); len(f) == 2 {
					if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
						mem = fmt.Sprintf(", %.1f GiB RAM", float64(kb)/(1<<20))
					}
				}
			}
		}
	}
	return fmt.Sprintf("%d CPUs (%s), %s%s, %s %s/%s, GOMAXPROCS %d",
		runtime.NumCPU(), model, kernel, mem, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
}
