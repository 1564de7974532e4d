package auth

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"advising/internal/advising"
)

func TestHasherUsesWholePassword(t *testing.T) {
	h := Hasher{Cost: 4}
	pw := strings.Repeat("x", 80) + "A"
	hash, err := h.Hash(pw)
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	if !h.Matches(hash, pw) || h.Matches(hash, strings.Repeat("x", 80)+"B") {
		t.Errorf("Matches ignores characters past 72 bytes")
	}
}

func TestTokensRoundTrip(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tk := NewTokens([]byte(strings.Repeat("k", 32)), time.Hour, func() time.Time { return now })
	s, err := tk.Issue(advising.User{ID: "u1", Role: advising.RoleAdvisor, TokenVersion: 3}, "s1", tk.Expiry())
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	c, err := tk.Verify(s)
	if err != nil || c.Subject != "u1" || c.Role != advising.RoleAdvisor || c.TokenVersion != 3 || c.SessionID != "s1" {
		t.Errorf("Verify(Issue(u1)) = %+v, %v; want u1 advisor tv 3 sid s1", c, err)
	}
	now = now.Add(time.Hour + time.Second)
	if _, err := tk.Verify(s); advising.ErrorCode(err) != advising.CodeUnauthenticated {
		t.Errorf("Verify(expired) error = %v; want unauthenticated", err)
	}
}

// Clients are counted by address: IPv4 as it is (also mapped into IPv6),
// IPv6 by its /64.
func TestClientKey(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8::1", "2001:db8::"},
		{"2001:db8::ffff:1:2", "2001:db8::"},
		{"2001:db8:0:1::1", "2001:db8:0:1::"},
		{"fe80::1%eth0", "fe80::"},
	} {
		if got := ClientKey(netip.MustParseAddr(tt.in)); got.String() != tt.want {
			t.Errorf("ClientKey(%s) = %s; want %s", tt.in, got, tt.want)
		}
	}
}

// Pseudonyms are stable for one secret, differ by scope and by secret, and
// never contain what they stand for.
func TestPseudonym(t *testing.T) {
	a := NewTokens([]byte(strings.Repeat("k", 32)), time.Hour, time.Now)
	b := NewTokens([]byte(strings.Repeat("j", 32)), time.Hour, time.Now)
	p := a.Pseudonym("email", "ada@example.org")
	if len(p) != 64 || strings.Contains(p, "ada") {
		t.Errorf("Pseudonym(email, ada@example.org) = %q; want 64 hex digits", p)
	}
	if again := NewTokens([]byte(strings.Repeat("k", 32)), time.Hour, time.Now).Pseudonym("email", "ada@example.org"); again != p {
		t.Errorf("Pseudonym under the same secret = %q then %q; want the same", p, again)
	}
	for _, other := range []string{a.Pseudonym("addr", "ada@example.org"), a.Pseudonym("email", "bob@example.org"), b.Pseudonym("email", "ada@example.org")} {
		if other == p {
			t.Errorf("Pseudonym collides for another scope, value or secret: %q", p)
		}
	}
}

// A token verified once is remembered, but only as what it is: the same
// token is checked for expiry and issue time at every use, a token altered
// by one character or signed with another key is refused however often it
// comes, and a refused token is never remembered.
func TestVerifiedTokensAreCheckedAgain(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	tk := NewTokens([]byte(strings.Repeat("k", 32)), time.Hour, clock)
	other := NewTokens([]byte(strings.Repeat("o", 32)), time.Hour, clock)
	u := advising.User{ID: "u1", Role: advising.RoleAdvisor}
	good, err := tk.Issue(u, "s1", tk.Expiry())
	if err != nil {
		t.Fatal(err)
	}
	forged, err := other.Issue(u, "s1", other.Expiry())
	if err != nil {
		t.Fatal(err)
	}
	altered := good[:len(good)-2] + map[bool]string{true: "A", false: "B"}[good[len(good)-2] != 'A'] + good[len(good)-1:]
	for range 3 {
		if _, err := tk.Verify(good); err != nil {
			t.Fatalf("Verify(good) = %v", err)
		}
		for name, bad := range map[string]string{"forged": forged, "altered": altered} {
			if _, err := tk.Verify(bad); advising.ErrorCode(err) != advising.CodeUnauthenticated {
				t.Errorf("Verify(%s) = %v; want unauthenticated", name, err)
			}
		}
	}
	if tk.verified.Contains(forged) || tk.verified.Contains(altered) || !tk.verified.Contains(good) {
		t.Errorf("remembered: forged %v, altered %v, good %v; want only the good one",
			tk.verified.Contains(forged), tk.verified.Contains(altered), tk.verified.Contains(good))
	}
	now = now.Add(-time.Minute) // the clock stepped back: issued in the future
	if _, err := tk.Verify(good); advising.ErrorCode(err) != advising.CodeUnauthenticated {
		t.Errorf("Verify(issued after now) = %v; want unauthenticated", err)
	}
}
