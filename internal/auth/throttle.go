package auth

import (
	"sync"
	"time"
)

// Throttle limits failed logins per key (the normalised email, known or
// unknown alike) within a sliding window. Once a key is locked even the right
// password is refused until the window passes, so a lockout reveals nothing.
// It is in-process: when several instances run, each keeps its own counts.
type Throttle struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
	lastGC   time.Time
}

// NewThrottle allows max failures per key within window.
func NewThrottle(max int, window time.Duration, now func() time.Time) *Throttle {
	return &Throttle{max: max, window: window, now: now, failures: make(map[string][]time.Time)}
}

// Locked reports whether key has used up its failures; if so it also returns
// how long until the oldest failure leaves the window.
func (t *Throttle) Locked(key string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	fs := t.prune(key, now)
	if len(fs) < t.max {
		return false, 0
	}
	return true, fs[0].Add(t.window).Sub(now)
}

// Fail records one failed attempt for key.
func (t *Throttle) Fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.failures[key] = append(t.prune(key, now), now)
	if now.Sub(t.lastGC) > t.window {
		t.lastGC = now
		for k := range t.failures {
			t.prune(k, now)
		}
	}
}

// prune drops failures older than the window; the caller holds mu.
func (t *Throttle) prune(key string, now time.Time) []time.Time {
	fs := t.failures[key]
	i := 0
	for i < len(fs) && !fs[i].After(now.Add(-t.window)) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(t.failures, key)
		return nil
	}
	t.failures[key] = fs
	return fs
}
