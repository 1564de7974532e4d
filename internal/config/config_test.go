package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatalf("Load(empty) error: %v", err)
	}
	if c.Addr != ":8080" || c.DatabaseURL != "file:data/advising.db" || c.Env != EnvDevelopment ||
		c.TokenTTL != 8*time.Hour || len(c.JWTSecret) != 0 || c.SQLitePath() != "data/advising.db" || c.BcryptCost != 10 {
		t.Errorf("Load(empty) = %+v; want the documented defaults", c)
	}
}

func TestLoadAbuseLimits(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || c.AuthRate != 30 || len(c.TrustedProxies) != 0 {
		t.Errorf("Load(empty) = rate %d, proxies %v, %v; want 30 and none", c.AuthRate, c.TrustedProxies, err)
	}
	c, err = Load(env(map[string]string{"ADVISING_AUTH_RATE": "0", "ADVISING_TRUSTED_PROXIES": " 10.1.2.3/8 ,fd00::/8,192.0.2.7"}))
	want := []string{"10.0.0.0/8", "fd00::/8", "192.0.2.7/32"}
	if err != nil || c.AuthRate != 0 || len(c.TrustedProxies) != len(want) {
		t.Fatalf("Load(rate 0, three proxies) = rate %d, proxies %v, %v; want 0 and %v", c.AuthRate, c.TrustedProxies, err, want)
	}
	for i, p := range c.TrustedProxies {
		if p.String() != want[i] {
			t.Errorf("TrustedProxies[%d] = %s; want %s", i, p, want[i])
		}
	}
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	secret := strings.Repeat("s", 32)
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"production without secret", map[string]string{"ADVISING_ENV": "production"}, "ADVISING_JWT_SECRET"},
		{"short secret", map[string]string{"ADVISING_JWT_SECRET": "short"}, "ADVISING_JWT_SECRET"},
		{"unknown env", map[string]string{"ADVISING_ENV": "staging"}, "ADVISING_ENV"},
		{"unknown time zone", map[string]string{"ADVISING_TIME_ZONE": "Mars/Olympus_Mons"}, "ADVISING_TIME_ZONE"},
		{"offset as a zone", map[string]string{"ADVISING_TIME_ZONE": "+08:00"}, "ADVISING_TIME_ZONE"},
		{"the machine's zone", map[string]string{"ADVISING_TIME_ZONE": "Local"}, "ADVISING_TIME_ZONE"},
		{"bad ttl", map[string]string{"ADVISING_TOKEN_TTL": "eight hours"}, "ADVISING_TOKEN_TTL"},
		{"negative ttl", map[string]string{"ADVISING_TOKEN_TTL": "-1h"}, "ADVISING_TOKEN_TTL"},
		{"admin email without password", map[string]string{"ADVISING_ADMIN_EMAIL": "a@example.org"}, "ADVISING_ADMIN_PASSWORD"},
		{"bad log level", map[string]string{"ADVISING_LOG_LEVEL": "loud"}, "ADVISING_LOG_LEVEL"},
		{"other database", map[string]string{"ADVISING_DATABASE_URL": "mysql://db.internal/advising"}, "ADVISING_DATABASE_URL"},
		{"postgres without host", map[string]string{"ADVISING_DATABASE_URL": "postgres:///advising"}, "ADVISING_DATABASE_URL"},
		{"file without path", map[string]string{"ADVISING_DATABASE_URL": "file:?mode=rw"}, "ADVISING_DATABASE_URL"},
		{"bcrypt cost", map[string]string{"ADVISING_BCRYPT_COST": "40", "ADVISING_JWT_SECRET": secret}, "ADVISING_BCRYPT_COST"},
		{"retention in words", map[string]string{"ADVISING_AUDIT_RETENTION": "seven years"}, "ADVISING_AUDIT_RETENTION"},
		{"zero retention", map[string]string{"ADVISING_AUDIT_RETENTION": "0d"}, "ADVISING_AUDIT_RETENTION"},
		{"negative retention", map[string]string{"ADVISING_AUDIT_RETENTION": "-24h"}, "ADVISING_AUDIT_RETENTION"},
		{"fractional days", map[string]string{"ADVISING_AUDIT_RETENTION": "1.5d"}, "ADVISING_AUDIT_RETENTION"},
		{"days past a duration", map[string]string{"ADVISING_AUDIT_RETENTION": "200000d"}, "ADVISING_AUDIT_RETENTION"},
		{"proxy not a CIDR", map[string]string{"ADVISING_TRUSTED_PROXIES": "10.0.0.0/8, proxy.internal"}, "ADVISING_TRUSTED_PROXIES"},
		{"proxy prefix too long", map[string]string{"ADVISING_TRUSTED_PROXIES": "10.0.0.0/33"}, "ADVISING_TRUSTED_PROXIES"},
		{"auth rate not a number", map[string]string{"ADVISING_AUTH_RATE": "thirty"}, "ADVISING_AUTH_RATE"},
		{"auth rate negative", map[string]string{"ADVISING_AUTH_RATE": "-1"}, "ADVISING_AUTH_RATE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Load(%v) error = %v; want one line naming %s", tt.env, err, tt.want)
			}
		})
	}
	c, err := Load(env(map[string]string{"ADVISING_ENV": "production", "ADVISING_JWT_SECRET": secret, "ADVISING_TOKEN_TTL": "30m"}))
	if err != nil || !c.Production() || string(c.JWTSecret) != secret || c.TokenTTL != 30*time.Minute {
		t.Errorf("Load(production with secret) = %+v, %v; want production config", c, err)
	}
	if v := c.LogValue().String(); strings.Contains(v, secret) {
		t.Errorf("LogValue() = %s; must not contain the secret", v)
	}
}

// Both backends are accepted; a PostgreSQL URL's password stays out of the
// log line.
func TestLoadDatabaseURL(t *testing.T) {
	tests := []struct {
		url, sqlitePath, dataDir string
		postgres                 bool
	}{
		{"file:data/advising.db", "data/advising.db", "data", false},
		{"file:/var/lib/advising/office.db?_foreign_keys=on", "/var/lib/advising/office.db", "/var/lib/advising", false},
		{"postgres://advising:s3cret-pw@db.internal:5432/advising?sslmode=require", "", "data", true},
		{"postgresql://advising:s3cret-pw@db.internal/advising", "", "data", true},
	}
	for _, tt := range tests {
		c, err := Load(env(map[string]string{"ADVISING_DATABASE_URL": tt.url}))
		if err != nil {
			t.Errorf("Load(ADVISING_DATABASE_URL=%q) error: %v", tt.url, err)
			continue
		}
		if c.Postgres() != tt.postgres || c.SQLitePath() != tt.sqlitePath || c.DataDir() != tt.dataDir {
			t.Errorf("Load(%q) = postgres %v, SQLitePath %q, DataDir %q; want %v, %q, %q",
				tt.url, c.Postgres(), c.SQLitePath(), c.DataDir(), tt.postgres, tt.sqlitePath, tt.dataDir)
		}
		if v := c.LogValue().String(); strings.Contains(v, "s3cret-pw") {
			t.Errorf("Load(%q).LogValue() = %s; must not contain the password", tt.url, v)
		}
	}
}

func TestAuditRetention(t *testing.T) {
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"", 0}, // keep for ever
		{"2555d", 2555 * 24 * time.Hour},
		{"61320h", 61320 * time.Hour},
		{"1d", 24 * time.Hour},
		{"90m", 90 * time.Minute},
	}
	for _, tt := range tests {
		c, err := Load(env(map[string]string{"ADVISING_AUDIT_RETENTION": tt.value}))
		if err != nil || c.AuditRetention != tt.want {
			t.Errorf("Load(ADVISING_AUDIT_RETENTION=%q) = %v, %v; want %v", tt.value, c.AuditRetention, err, tt.want)
		}
	}
}

func TestTimeZone(t *testing.T) {
	tests := []struct{ value, want string }{{"", "UTC"}, {"UTC", "UTC"}, {"Asia/Hong_Kong", "Asia/Hong_Kong"}, {" Europe/London ", "Europe/London"}}
	for _, tt := range tests {
		c, err := Load(env(map[string]string{"ADVISING_TIME_ZONE": tt.value}))
		if err != nil || c.TimeZone == nil || c.TimeZone.String() != tt.want {
			t.Errorf("Load(ADVISING_TIME_ZONE=%q) = %v, %v; want %s", tt.value, c.TimeZone, err, tt.want)
		}
	}
}
