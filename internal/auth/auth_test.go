package auth

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"advising/internal/advising"
)

func TestThrottleWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := NewThrottle(3, 15*time.Minute, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if locked, _ := th.Locked("a"); locked {
			t.Fatalf("Locked(a) after %d failures = true; want false", i)
		}
		th.Fail("a")
		now = now.Add(time.Minute)
	}
	locked, wait := th.Locked("a")
	if !locked || wait != 12*time.Minute {
		t.Errorf("Locked(a) after 3 failures = %v, %v; want true, 12m (until the first failure leaves the window)", locked, wait)
	}
	if locked, _ := th.Locked("b"); locked {
		t.Errorf("Locked(b) = true; want keys counted separately")
	}
	now = now.Add(12 * time.Minute)
	if locked, _ := th.Locked("a"); locked {
		t.Errorf("Locked(a) once the first failure left the window = true; want false")
	}
}

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

// The throttle holds at most its bound of keys, whatever keys are sent,
// forgetting the least recently failed first, and keys of any length cost
// the same.
func TestThrottleBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := NewThrottleSize(3, 15*time.Minute, 100, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		th.Fail("victim@example.org")
	}
	for i := 0; i < 1000; i++ {
		th.Fail(strings.Repeat("x", 10_000) + string(rune('a'+i%26)) + strings.Repeat("y", i))
		if i == 50 { // the victim fails again, so it is among the most recent
			th.Fail("victim@example.org")
		}
		if th.Len() > 100 {
			t.Fatalf("after %d distinct keys Len() = %d; want at most 100", i+1, th.Len())
		}
	}
	if locked, _ := th.Locked("victim@example.org"); locked {
		t.Errorf("Locked(victim) after 950 newer keys = true; want forgotten once the oldest 900 made room")
	}
	th2 := NewThrottleSize(3, 15*time.Minute, 100, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		th2.Fail("victim@example.org")
	}
	for i := 0; i < 99; i++ {
		th2.Fail(string(rune('a' + i)))
	}
	if locked, _ := th2.Locked("victim@example.org"); !locked {
		t.Errorf("Locked(victim) with room to spare = false; want true")
	}
	// Expired keys leave on their own.
	now = now.Add(16 * time.Minute)
	th2.Fail("late@example.org")
	if th2.Len() != 1 {
		t.Errorf("Len() after the window passed = %d; want 1 (only the new key)", th2.Len())
	}
}

func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rl := NewRateLimit(6, func() time.Time { return now })
	a := netip.MustParseAddr("192.0.2.1")
	for i := 0; i < 6; i++ {
		if ok, _ := rl.Allow(a); !ok {
			t.Fatalf("Allow(a) #%d = false; want a full bucket of 6", i+1)
		}
	}
	if ok, wait := rl.Allow(a); ok || wait != 10*time.Second {
		t.Errorf("Allow(a) #7 = %v, %v; want false, 10s", ok, wait)
	}
	if ok, _ := rl.Allow(netip.MustParseAddr("::ffff:192.0.2.1")); ok {
		t.Errorf("Allow(a as IPv4-mapped IPv6) = true; want the same bucket as a")
	}
	if ok, _ := rl.Allow(netip.MustParseAddr("192.0.2.2")); !ok {
		t.Errorf("Allow(b) = false; want its own bucket")
	}
	now = now.Add(10 * time.Second)
	if ok, _ := rl.Allow(a); !ok {
		t.Errorf("Allow(a) 10 s later = false; want one request refilled")
	}
	off := NewRateLimit(0, func() time.Time { return now })
	for i := 0; i < 100; i++ {
		if ok, _ := off.Allow(a); !ok {
			t.Fatalf("Allow with the limit off = false; want true")
		}
	}
}
