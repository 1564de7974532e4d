// Package auth issues and verifies the service's JWTs, hashes passwords and
// names the keys the shared sign-in limits count under (the counting itself
// is in the database, so that every instance shares it). It imports
// advising, golang-jwt, golang-lru and x/crypto.
package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/crypto/bcrypt"

	"advising/internal/advising"
)

// Issuer is the iss claim of every token this service signs.
const Issuer = "advising"

// Claims are the JWT claims: sub (user ID), role, tv (the user's token
// version when the token was issued), sid (the server-side session the token
// belongs to, so one token can be revoked alone), iss, iat and exp.
type Claims struct {
	Role         advising.Role `json:"role"`
	TokenVersion int           `json:"tv"`
	SessionID    string        `json:"sid"`
	jwt.RegisteredClaims
}

// Tokens signs and verifies HS256 access tokens.
type Tokens struct {
	secret    []byte
	limitKey  []byte // for Pseudonym
	ttl       time.Duration
	now       func() time.Time
	parser    *jwt.Parser
	validator *jwt.Validator // the parser's checks of the claims alone

	// verified remembers the claims of tokens whose signature has been
	// checked, so a token used again is not parsed again: only its claims'
	// times are checked again. Only a correctly signed token gets in.
	verified *lru.Cache[string, Claims]
}

// verifiedTokens bounds the tokens remembered as verified (a few hundred
// bytes each).
const verifiedTokens = 4096

// NewTokens returns a Tokens signing with secret; tokens live for ttl.
func NewTokens(secret []byte, ttl time.Duration, now func() time.Time) *Tokens {
	checks := []jwt.ParserOption{jwt.WithIssuer(Issuer), jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(now)}
	verified, err := lru.New[string, Claims](verifiedTokens)
	if err != nil { // only for a size below one
		panic(err)
	}
	return &Tokens{secret: secret, limitKey: deriveLimitKey(secret), ttl: ttl, now: now,
		parser:    jwt.NewParser(append(checks, jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}))...),
		validator: jwt.NewValidator(checks...), verified: verified}
}

// TTL is the lifetime of issued tokens.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// Expiry returns when a token issued now would expire.
func (t *Tokens) Expiry() time.Time { return t.now().Add(t.ttl) }

// Issue signs a token for u in the session sessionID, expiring at expires.
func (t *Tokens) Issue(u advising.User, sessionID string, expires time.Time) (string, error) {
	now := t.now()
	c := Claims{Role: u.Role, TokenVersion: u.TokenVersion, SessionID: sessionID, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: Issuer, Subject: u.ID, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(expires),
	}}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return s, nil
}

// Verify checks a token's signature, algorithm, issuer and expiry and returns
// its claims. Any failure, and a token without a subject or session, is an
// unauthenticated error.
func (t *Tokens) Verify(token string) (Claims, error) {
	if c, ok := t.verified.Get(token); ok {
		if err := t.validator.Validate(&c); err != nil {
			t.verified.Remove(token)
			return Claims{}, &advising.Error{Code: advising.CodeUnauthenticated, Detail: "the access token is invalid or expired", Err: err}
		}
		return c, nil
	}
	var c Claims
	_, err := t.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.secret, nil })
	if err != nil || c.Subject == "" || c.SessionID == "" {
		return Claims{}, &advising.Error{Code: advising.CodeUnauthenticated, Detail: "the access token is invalid or expired", Err: err}
	}
	t.verified.Add(token, c)
	return c, nil
}

// Hasher hashes passwords with bcrypt. Passwords are first reduced with
// SHA-256 (base64, 44 bytes), because bcrypt ignores everything past 72 bytes
// and passwords may be up to 128 characters.
type Hasher struct{ Cost int }

func prehash(password string) []byte {
	sum := sha256.Sum256([]byte(password))
	return []byte(base64.StdEncoding.EncodeToString(sum[:]))
}

// Hash returns the stored form of password.
func (h Hasher) Hash(password string) (string, error) {
	b, err := bcrypt.GenerateFromPassword(prehash(password), h.Cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(b), nil
}

// Matches reports whether password matches the stored hash.
func (h Hasher) Matches(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), prehash(password)) == nil
}
