package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"advising/docs"
	"advising/internal/advising"
	"advising/internal/auth"
	"advising/internal/casework"
	"advising/internal/config"
	"advising/internal/httpapi"
	"advising/internal/store"
	"advising/internal/web"
)

// app is the wired service: configuration, logger, store and use cases.
type app struct {
	cfg config.Config
	log *slog.Logger
	st  *store.Store
	cw  *casework.Service
}

// run is the whole program: it reads the configuration through getenv,
// opens and migrates the database, and serves until ctx is done, or runs
// the subcommand named in args.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "serve", "migrate", "seed", "reclassify", "healthcheck", "backup", "restore":
	case "migrate-data": // names both databases itself
		return migrateData(ctx, args[1:], stdout)
	default:
		return fmt.Errorf("unknown command %q (want serve, migrate, seed, reclassify, healthcheck, backup, restore or migrate-data)", cmd)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	switch cmd {
	case "healthcheck":
		return healthcheck(ctx, cfg.Addr)
	case "backup", "restore":
		return backupCommand(ctx, cmd, args[1:], cfg, stdout)
	}
	log := newLogger(cfg, stdout)
	a, err := open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := a.st.Close(); err != nil {
			log.Error("close database", "err", err)
		}
	}()
	switch cmd {
	case "migrate":
		return nil // open already migrated
	case "seed":
		return a.seed(ctx)
	case "reclassify":
		return a.reclassify(ctx, args[1:], stdout)
	}
	return a.serve(ctx)
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// open connects the database, applies migrations and builds the use cases.
func open(ctx context.Context, cfg config.Config, log *slog.Logger) (*app, error) {
	log.Info("starting", "config", cfg)
	secret := cfg.JWTSecret
	if len(secret) == 0 {
		var err error
		if secret, err = devSecret(cfg.DataDir()); err != nil {
			return nil, err
		}
	}
	where := cfg.RedactedDatabaseURL()
	if path := cfg.SQLitePath(); path != "" {
		where = path
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 && cfg.Production() {
			// A database that was there and is now empty lost its data (a failed
			// copy, a truncation); migrating it would start a new, empty office
			// over the loss without a word.
			return nil, fmt.Errorf("database %s is an empty (0-byte) file; in production it is refused rather than set up as a new database: restore a backup (advising restore PATH) or remove the file to start a new office", path)
		}
	}
	st, err := store.Open(cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	// Refuse a damaged database before anything reads or migrates it, and one
	// that cannot be written, rather than serve errors.
	if err := st.QuickCheck(ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	n, err := st.Migrate(ctx)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	if err := st.Writable(ctx); err != nil {
		_ = st.Close()
		var ae *advising.Error
		if errors.As(err, &ae) && ae.Err != nil {
			err = ae.Err // the cause, not the advice meant for clients
		}
		return nil, fmt.Errorf("database %s cannot be written: %v", where, err)
	}
	log.Info("database ready", "migrations_applied", n)
	cw := casework.New(casework.Options{
		Store:    st,
		Tokens:   auth.NewTokens(secret, cfg.TokenTTL, time.Now),
		Hasher:   auth.Hasher{Cost: cfg.BcryptCost},
		AuthRate: cfg.AuthRate,
		Location: cfg.TimeZone,
	})
	a := &app{cfg: cfg, log: log, st: st, cw: cw}
	if cfg.AdminEmail != "" {
		created, err := cw.BootstrapAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword, "Office Admin")
		if err != nil {
			_ = st.Close()
			return nil, fmt.Errorf("create admin from ADVISING_ADMIN_EMAIL: %w", err)
		}
		if created {
			log.Info("admin account created from ADVISING_ADMIN_EMAIL")
		}
	}
	return a, nil
}

// devSecret returns the development signing key kept in the data folder,
// creating it (mode 0600) on first use so tokens survive restarts.
func devSecret(dir string) ([]byte, error) {
	path := filepath.Join(dir, "jwt_secret")
	if b, err := os.ReadFile(path); err == nil {
		if s := strings.TrimSpace(string(b)); len(s) >= config.MinSecretLen {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("%s holds a key shorter than %d bytes; delete it to have a new one made", path, config.MinSecretLen)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read development JWT secret: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	buf := make([]byte, 32)
	_, _ = rand.Read(buf)
	s := hex.EncodeToString(buf)
	// Written whole to a temporary file (mode 0600), then linked into place,
	// which fails if the key exists: instances starting together over one
	// data folder all use the first key made, and none reads half a key.
	tmp, err := os.CreateTemp(dir, ".jwt_secret-*")
	if err != nil {
		return nil, fmt.Errorf("write development JWT secret: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(s + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if errors.Is(err, os.ErrExist) {
		return devSecret(dir) // another instance made it first
	}
	if err != nil {
		return nil, fmt.Errorf("write development JWT secret: %w", err)
	}
	return []byte(s), nil
}

// reclassify re-runs the current classifier over every stored work sample,
// as POST /api/v1/admin/reclassify does, and prints the same JSON object.
// With -dry-run it only reports what would change.
func (a *app) reclassify(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("reclassify", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the error returned says what was wrong
	dryRun := fs.Bool("dry-run", false, "report what would change without writing")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("reclassify: %w (usage: advising reclassify [-dry-run])", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("reclassify: unexpected argument %q (usage: advising reclassify [-dry-run])", fs.Arg(0))
	}
	r, err := a.cw.Reclassify(ctx, advising.Actor{}, *dryRun) // the system itself, not a person
	if err != nil {
		return err
	}
	out, _ := json.Marshal(map[string]any{"classifier_version": r.ClassifierVersion, "samples": r.Samples,
		"changed": r.Changed, "changes": r.Changes, "sample_ids": r.SampleIDs})
	_, err = fmt.Fprintln(stdout, string(out))
	return err
}

// serve seeds an empty development database, then serves HTTP until ctx is
// done and shuts down gracefully: in-flight requests finish first.
func (a *app) serve(ctx context.Context) error {
	if !a.cfg.Production() {
		if err := a.seedIfEmpty(ctx); err != nil {
			return err
		}
	}
	if a.cfg.AuditRetention > 0 {
		// At start-up, before the first request, and then once a day.
		a.purgeAudit(ctx)
		stop := repeat(ctx, auditPurgeEvery, a.purgeAudit)
		defer stop()
	}
	stopPurge := repeat(ctx, limitsPurgeEvery, a.purgeLimits)
	defer stopPurge()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	handler := httpapi.NewServer(httpapi.Deps{Casework: a.cw, Log: a.log, OpenAPI: docs.OpenAPI, Registry: reg,
		TrustedProxies: a.cfg.TrustedProxies})
	web.Register(handler, a.cw, web.Options{Log: a.log})
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on ADVISING_ADDR %s: %w", a.cfg.Addr, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.log.Info("serving", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	a.log.Info("stopped")
	return nil
}

// auditPurgeEvery is how often a running server purges old audit events.
const auditPurgeEvery = 24 * time.Hour

// purgeAudit deletes the audit events older than ADVISING_AUDIT_RETENTION.
// A failure is logged and tried again next time: the trail is then kept a
// little longer, which harms nobody's data.
func (a *app) purgeAudit(ctx context.Context) {
	n, err := a.cw.PurgeAudit(ctx, advising.Actor{}, a.cfg.AuditRetention) // the system itself, not a person
	if err != nil {
		if ctx.Err() == nil {
			a.log.Warn("purge old audit events", "err", err)
		}
		return
	}
	a.log.Info("old audit events purged", "purged", n, "retention", a.cfg.AuditRetention.String())
}

// limitsPurgeEvery is how often a running server deletes the sign-in
// attempts and address buckets that no longer count.
const limitsPurgeEvery = time.Minute

// purgeLimits deletes what the shared sign-in limits no longer need; a
// failure is logged and tried again next time.
func (a *app) purgeLimits(ctx context.Context) {
	if _, err := a.cw.PurgeSignInLimits(ctx); err != nil && ctx.Err() == nil {
		a.log.Warn("purge sign-in limits", "err", err)
	}
}

// repeat runs f every interval until ctx ends or the returned stop is
// called; stop waits for a run in progress to finish, so the database can be
// closed after it.
func repeat(ctx context.Context, every time.Duration, f func(context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				f(ctx)
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// healthcheck asks a running server on addr whether it is ready; container
// runtimes without a shell or curl call it as `advising healthcheck`.
func healthcheck(ctx context.Context, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("ADVISING_ADDR %q: %w", addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /readyz answered %d", resp.StatusCode)
	}
	return nil
}
