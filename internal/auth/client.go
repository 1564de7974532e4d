package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
)

// ClientKey is the address a client is counted by for the abuse limits:
// IPv4 (also when mapped into IPv6) as it is, IPv6 by its /64, the block one
// subscriber is usually given, so rotating through it does not help.
func ClientKey(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if a.Is6() {
		p, err := a.Prefix(64)
		if err == nil {
			return p.Addr()
		}
	}
	return a.WithZone("")
}

// Pseudonym returns the key under which the shared sign-in limits store
// value (a normalised email, a client address) within scope: HMAC-SHA256
// under a key derived from the signing secret, in hex. Every instance has
// the same secret, so all of them count under the same keys; the database
// alone tells no one which emails or addresses were seen.
func (t *Tokens) Pseudonym(scope, value string) string {
	m := hmac.New(sha256.New, t.limitKey)
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// deriveLimitKey separates the pseudonym key from the token signing key, so
// a pseudonym can never be mistaken for (or help forge) a signature.
func deriveLimitKey(secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("advising sign-in limits v1"))
	return m.Sum(nil)
}
