package auth

import (
	"container/list"
	"crypto/sha256"
	"sync"
	"time"
)

// Throttle limits failed logins per key (the normalised email, known or
// unknown alike) within a sliding window. Once a key is locked even the right
// password is refused until the window passes, so a lockout reveals nothing.
//
// Keys are kept as their SHA-256, and at most maxKeys of them, so what a
// caller sends never decides how much memory the throttle holds: each entry
// is a fixed-size record of at most max failure times. When full, the key
// whose last failure is oldest is forgotten first.
// It is in-process: when several instances run, each keeps its own counts.
type Throttle struct {
	max     int
	window  time.Duration
	maxKeys int
	now     func() time.Time

	mu      sync.Mutex
	entries map[[sha256.Size]byte]*list.Element
	lru     *list.List // of *failures, most recent failure first
}

type failures struct {
	key   [sha256.Size]byte
	times []time.Time // oldest first, at most max
}

// DefaultThrottleKeys bounds how many emails a Throttle remembers: about
// 50,000 × (32-byte key + 10 times + bookkeeping), some 20 MB at most.
const DefaultThrottleKeys = 50_000

// NewThrottle allows the given number of failures per key within window and remembers at
// most DefaultThrottleKeys keys.
func NewThrottle(failures int, window time.Duration, now func() time.Time) *Throttle {
	return NewThrottleSize(failures, window, DefaultThrottleKeys, now)
}

// NewThrottleSize is NewThrottle remembering at most maxKeys keys.
func NewThrottleSize(failures int, window time.Duration, maxKeys int, now func() time.Time) *Throttle {
	return &Throttle{max: failures, window: window, maxKeys: max(1, maxKeys), now: now,
		entries: make(map[[sha256.Size]byte]*list.Element), lru: list.New()}
}

// Locked reports whether key has used up its failures; if so it also returns
// how long until the oldest failure leaves the window.
func (t *Throttle) Locked(key string) (bool, time.Duration) {
	k := sha256.Sum256([]byte(key))
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	el, ok := t.entries[k]
	if !ok {
		return false, 0
	}
	f := t.prune(el, now)
	if f == nil || len(f.times) < t.max {
		return false, 0
	}
	return true, f.times[0].Add(t.window).Sub(now)
}

// Fail records one failed attempt for key.
func (t *Throttle) Fail(key string) {
	k := sha256.Sum256([]byte(key))
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var f *failures
	if el, ok := t.entries[k]; ok {
		f = t.prune(el, now)
	}
	if f == nil {
		// Expired keys go first; if every key is still live, the one
		// whose last failure is oldest makes room.
		for t.lru.Len() >= t.maxKeys {
			t.remove(t.lru.Back())
		}
		f = &failures{key: k, times: make([]time.Time, 0, t.max)}
		t.entries[k] = t.lru.PushFront(f)
	} else {
		t.lru.MoveToFront(t.entries[k])
	}
	if len(f.times) == t.max { // only the newest max failures matter
		copy(f.times, f.times[1:])
		f.times = f.times[:t.max-1]
	}
	f.times = append(f.times, now)
	// The least recently failed keys sit at the back: drop the expired ones.
	for el := t.lru.Back(); el != nil && t.expired(el.Value.(*failures), now); el = t.lru.Back() {
		t.remove(el)
	}
}

// Len returns how many keys the throttle holds now.
func (t *Throttle) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lru.Len()
}

func (t *Throttle) expired(f *failures, now time.Time) bool {
	return len(f.times) == 0 || !f.times[len(f.times)-1].After(now.Add(-t.window))
}

// prune drops failures older than the window, forgetting the key when none
// is left; the caller holds mu.
func (t *Throttle) prune(el *list.Element, now time.Time) *failures {
	f := el.Value.(*failures)
	i := 0
	for i < len(f.times) && !f.times[i].After(now.Add(-t.window)) {
		i++
	}
	if i == len(f.times) {
		t.remove(el)
		return nil
	}
	if i > 0 {
		f.times = append(f.times[:0], f.times[i:]...)
	}
	return f
}

func (t *Throttle) remove(el *list.Element) {
	delete(t.entries, el.Value.(*failures).key)
	t.lru.Remove(el)
}
