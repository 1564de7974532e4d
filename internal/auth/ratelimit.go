package auth

import (
	"container/list"
	"net/netip"
	"sync"
	"time"
)

// RateLimit allows each client address a number of requests a minute, as a
// token bucket: a full bucket holds perMinute requests and refills evenly
// over the minute. IPv6 addresses are counted by their /64, the block one
// subscriber is usually given, so rotating through it does not help.
//
// It remembers at most maxKeys addresses (the least recently seen is
// forgotten first, which can only give that address a fresh bucket), so a
// flood of addresses cannot grow it without bound. In-process, like Throttle.
type RateLimit struct {
	perMinute int
	maxKeys   int
	now       func() time.Time

	mu      sync.Mutex
	buckets map[netip.Addr]*list.Element
	lru     *list.List // of *bucket, most recently used first
}

type bucket struct {
	addr   netip.Addr
	tokens float64
	at     time.Time
}

// DefaultRateLimitKeys bounds how many addresses a RateLimit remembers
// (about 100 bytes each).
const DefaultRateLimitKeys = 100_000

// NewRateLimit allows perMinute requests a minute per address; 0 or less
// allows everything.
func NewRateLimit(perMinute int, now func() time.Time) *RateLimit {
	return &RateLimit{perMinute: perMinute, maxKeys: DefaultRateLimitKeys, now: now,
		buckets: make(map[netip.Addr]*list.Element), lru: list.New()}
}

// Allow takes one request from addr's bucket. When the bucket is empty it
// returns false and how long until the next request is allowed.
func (r *RateLimit) Allow(addr netip.Addr) (bool, time.Duration) {
	if r == nil || r.perMinute <= 0 {
		return true, 0
	}
	addr = clientKey(addr)
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	capacity := float64(r.perMinute)
	perToken := time.Minute / time.Duration(r.perMinute)
	var b *bucket
	if el, ok := r.buckets[addr]; ok {
		b = el.Value.(*bucket)
		r.lru.MoveToFront(el)
		if elapsed := now.Sub(b.at); elapsed > 0 {
			b.tokens = min(capacity, b.tokens+float64(elapsed)/float64(perToken))
		}
		b.at = now
	} else {
		for r.lru.Len() >= r.maxKeys {
			old := r.lru.Back()
			delete(r.buckets, old.Value.(*bucket).addr)
			r.lru.Remove(old)
		}
		b = &bucket{addr: addr, tokens: capacity, at: now}
		r.buckets[addr] = r.lru.PushFront(b)
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(perToken))
}

// clientKey is the address a client is counted by: IPv4 (also when mapped
// into IPv6) as it is, IPv6 by its /64.
func clientKey(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if a.Is6() {
		p, err := a.Prefix(64)
		if err == nil {
			return p.Addr()
		}
	}
	return a.WithZone("")
}
