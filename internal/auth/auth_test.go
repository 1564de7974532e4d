package auth

import (
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
	s, err := tk.Issue(advising.User{ID: "u1", Role: advising.RoleAdvisor, TokenVersion: 3})
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	c, err := tk.Verify(s)
	if err != nil || c.Subject != "u1" || c.Role != advising.RoleAdvisor || c.TokenVersion != 3 {
		t.Errorf("Verify(Issue(u1)) = %+v, %v; want u1 advisor tv 3", c, err)
	}
	now = now.Add(time.Hour + time.Second)
	if _, err := tk.Verify(s); advising.ErrorCode(err) != advising.CodeUnauthenticated {
		t.Errorf("Verify(expired) error = %v; want unauthenticated", err)
	}
}
