// Package config loads the service's settings from ADVISING_* environment
// variables. It imports only the standard library.
package config

import (
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Environments the service can run in.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
)

// MinSecretLen is the shortest accepted HMAC key, in bytes.
const MinSecretLen = 32

// Config is the service configuration.
type Config struct {
	Addr          string
	DatabaseURL   string
	Env           string
	JWTSecret     []byte // empty in development means "generate and keep one"
	TokenTTL      time.Duration
	AdminEmail    string
	AdminPassword string
	BcryptCost    int
	LogLevel      slog.Level
	LogFormat     string // json or text
	// AuditRetention is how long audit events are kept; 0 keeps them for ever.
	AuditRetention time.Duration
	// TrustedProxies are the networks whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed; empty believes nobody.
	TrustedProxies []netip.Prefix
	// AuthRate is how many register and how many login requests a client
	// address may make a minute; 0 turns the limit off.
	AuthRate int
	// TimeZone is the office's zone, for how the pages show times and
	// which day is "today"; the API always answers in UTC.
	TimeZone *time.Location
}

// DefaultAuthRate is ADVISING_AUTH_RATE's default.
const DefaultAuthRate = 30

// Production reports whether the service runs in production.
func (c Config) Production() bool { return c.Env == EnvProduction }

// LogValue leaves secrets out of the start-up log line.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("database_url", c.RedactedDatabaseURL()),
		slog.String("env", c.Env),
		slog.Bool("jwt_secret_set", len(c.JWTSecret) > 0),
		slog.String("token_ttl", c.TokenTTL.String()),
		slog.Bool("admin_bootstrap", c.AdminEmail != "" && c.AdminPassword != ""),
		slog.Int("bcrypt_cost", c.BcryptCost),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("log_format", c.LogFormat),
		slog.String("audit_retention", c.AuditRetention.String()),
		slog.Any("trusted_proxies", c.TrustedProxies),
		slog.Int("auth_rate", c.AuthRate),
		slog.String("time_zone", c.TimeZone.String()),
	)
}

// Load reads the configuration through getenv, applying defaults and
// validating every value. Errors name the offending variable.
func Load(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Addr:          get("ADVISING_ADDR", ":8080"),
		DatabaseURL:   get("ADVISING_DATABASE_URL", "file:data/advising.db"),
		Env:           get("ADVISING_ENV", EnvDevelopment),
		AdminEmail:    get("ADVISING_ADMIN_EMAIL", ""),
		AdminPassword: getenv("ADVISING_ADMIN_PASSWORD"),
		LogFormat:     get("ADVISING_LOG_FORMAT", "json"),
	}
	if c.Env != EnvDevelopment && c.Env != EnvProduction {
		return Config{}, fmt.Errorf("ADVISING_ENV must be %q or %q, not %q", EnvDevelopment, EnvProduction, c.Env)
	}
	if secret := getenv("ADVISING_JWT_SECRET"); secret != "" {
		if len(secret) < MinSecretLen {
			return Config{}, fmt.Errorf("ADVISING_JWT_SECRET must be at least %d bytes", MinSecretLen)
		}
		c.JWTSecret = []byte(secret)
	} else if c.Production() {
		return Config{}, fmt.Errorf("ADVISING_JWT_SECRET is required in production (at least %d bytes)", MinSecretLen)
	}
	ttl, err := time.ParseDuration(get("ADVISING_TOKEN_TTL", "8h"))
	if err != nil || ttl <= 0 {
		return Config{}, fmt.Errorf("ADVISING_TOKEN_TTL must be a positive Go duration such as 8h")
	}
	c.TokenTTL = ttl
	cost, err := strconv.Atoi(get("ADVISING_BCRYPT_COST", "10"))
	if err != nil || cost < 4 || cost > 16 {
		return Config{}, fmt.Errorf("ADVISING_BCRYPT_COST must be an integer from 4 to 16")
	}
	c.BcryptCost = cost
	if err := c.LogLevel.UnmarshalText([]byte(get("ADVISING_LOG_LEVEL", "info"))); err != nil {
		return Config{}, fmt.Errorf("ADVISING_LOG_LEVEL must be debug, info, warn or error")
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return Config{}, fmt.Errorf("ADVISING_LOG_FORMAT must be json or text")
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		return Config{}, fmt.Errorf("ADVISING_ADMIN_EMAIL and ADVISING_ADMIN_PASSWORD must be set together")
	}
	if v := get("ADVISING_AUDIT_RETENTION", ""); v != "" {
		d, err := ParseRetention(v)
		if err != nil {
			return Config{}, fmt.Errorf("ADVISING_AUDIT_RETENTION must be a positive number of days such as 2555d or a Go duration such as 61320h")
		}
		c.AuditRetention = d
	}
	if c.TrustedProxies, err = parseProxies(getenv("ADVISING_TRUSTED_PROXIES")); err != nil {
		return Config{}, err
	}
	rate, err := strconv.Atoi(get("ADVISING_AUTH_RATE", strconv.Itoa(DefaultAuthRate)))
	if err != nil || rate < 0 || rate > 1_000_000 {
		return Config{}, fmt.Errorf("ADVISING_AUTH_RATE must be a whole number of requests a minute from 0 (no limit) to 1000000")
	}
	c.AuthRate = rate
	if c.TimeZone, err = parseTimeZone(get("ADVISING_TIME_ZONE", "UTC")); err != nil {
		return Config{}, err
	}
	if err := checkDatabaseURL(c.DatabaseURL); err != nil {
		return Config{}, err
	}
	return c, nil
}

// checkDatabaseURL accepts a file: URL naming an SQLite file, or a
// postgres:// (postgresql://) URL naming a database on a host.
func checkDatabaseURL(v string) error {
	switch {
	case strings.HasPrefix(v, "file:"):
		if (Config{DatabaseURL: v}).SQLitePath() == "" {
			return fmt.Errorf("ADVISING_DATABASE_URL %q names no file; write file:PATH such as file:data/advising.db", v)
		}
		return nil
	case isPostgres(v):
		u, err := url.Parse(v)
		if err != nil || u.Host == "" {
			return fmt.Errorf("ADVISING_DATABASE_URL is not a valid PostgreSQL URL; write postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=require")
		}
		return nil
	}
	return fmt.Errorf("ADVISING_DATABASE_URL must be a file: URL for SQLite (file:data/advising.db) or a postgres:// URL for PostgreSQL")
}

func isPostgres(v string) bool {
	return strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://")
}

// Postgres reports whether the database is PostgreSQL rather than an
// SQLite file.
func (c Config) Postgres() bool { return isPostgres(c.DatabaseURL) }

// SQLitePath returns the file path of a file: database URL, without query;
// "" for a PostgreSQL database.
func (c Config) SQLitePath() string {
	if c.Postgres() {
		return ""
	}
	p := strings.TrimPrefix(c.DatabaseURL, "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// DataDir is the folder for the service's own files (the development
// signing key): the SQLite database's folder, or data beside the working
// directory when the database is PostgreSQL.
func (c Config) DataDir() string {
	if c.Postgres() {
		return "data"
	}
	return filepath.Dir(c.SQLitePath())
}

// RedactedDatabaseURL is DatabaseURL without its password, for logs.
func (c Config) RedactedDatabaseURL() string {
	if !c.Postgres() {
		return c.DatabaseURL
	}
	u, err := url.Parse(c.DatabaseURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// maxRetentionDays bounds a retention in days so that it fits a
// time.Duration (about 292 years).
const maxRetentionDays = 100000

// ParseRetention reads a retention period: a whole number of days with a
// "d" suffix ("2555d"), or a Go duration ("61320h"). It must be positive.
func ParseRetention(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > maxRetentionDays {
			return 0, fmt.Errorf("retention %q: want a whole number of days from 1 to %d", s, maxRetentionDays)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("retention %q: want a positive duration", s)
	}
	return d, nil
}

// parseProxies reads ADVISING_TRUSTED_PROXIES: a comma list of CIDRs such
// as 10.0.0.0/8 or fd00::/8; a bare address stands for itself alone.
func parseProxies(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			a, aerr := netip.ParseAddr(item)
			if aerr != nil {
				return nil, fmt.Errorf("ADVISING_TRUSTED_PROXIES: %q is not a CIDR such as 10.0.0.0/8 or an IP address", item)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// parseTimeZone reads an IANA zone name such as Asia/Hong_Kong. Local is
// refused: it would mean whatever the machine happens to be set to.
func parseTimeZone(name string) (*time.Location, error) {
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, fmt.Errorf("ADVISING_TIME_ZONE must be an IANA time zone name such as UTC, Europe/London or Asia/Hong_Kong; %q is not one", name)
	}
	return loc, nil
}
