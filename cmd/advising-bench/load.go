package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// endpoint is one request shape the benchmark drives. path gets a counter
// shared by all clients, so writes can cycle over a set of records.
type endpoint struct {
	key    string // joins product rows to floor rows and targets
	label  string
	method string
	path   func(n uint64) string
	body   []byte
	want   int // the status a successful request gets
	// clients overrides the -clients flag: latency targets are judged on
	// one connection.
	clients int
	admin   bool // sent as the office's admin, not the measured advisor
}

func fixedPath(p string) func(uint64) string { return func(uint64) string { return p } }

// loadResult is one closed-loop run against one endpoint.
type loadResult struct {
	requests  int             // completed requests, successful or not
	ok        int             // requests answered with the wanted status
	errors    int             // other statuses and transport errors
	firstErr  string          // the first error, for the report
	elapsed   time.Duration   // from the first request to the last answer
	latencies []time.Duration // sorted
}

// driveLoad runs clients goroutines, each sending ep's request and waiting
// for the answer in a closed loop, until d has passed. Every answer's
// latency is kept, so percentiles are exact.
func driveLoad(ctx context.Context, hc *http.Client, base, token string, ep endpoint, clients int, d time.Duration) loadResult {
	var (
		counter  atomic.Uint64
		mu       sync.Mutex
		res      loadResult
		wg       sync.WaitGroup
		perGuess = 1024
	)
	start := time.Now()
	deadline := start.Add(d)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, perGuess)
			var ok, bad int
			var firstErr string
			for time.Now().Before(deadline) && ctx.Err() == nil {
				n := counter.Add(1) - 1
				t0 := time.Now()
				status, err := send(ctx, hc, base+ep.path(n), token, ep)
				lat = append(lat, time.Since(t0))
				switch {
				case err != nil:
					bad++
					if firstErr == "" {
						firstErr = err.Error()
					}
				case status != ep.want:
					bad++
					if firstErr == "" {
						firstErr = "HTTP " + strconv.Itoa(status)
					}
				default:
					ok++
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.ok += ok
			res.errors += bad
			if res.firstErr == "" {
				res.firstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.requests = len(res.latencies)
	slices.Sort(res.latencies)
	return res
}

// send makes one request and reads the whole answer, so the connection is
// reused.
func send(ctx context.Context, hc *http.Client, url, token string, ep endpoint) (int, error) {
	var body io.Reader
	if ep.body != nil {
		body = bytes.NewReader(ep.body)
	}
	req, err := http.NewRequestWithContext(ctx, ep.method, url, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if ep.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, err
}

// probeResult is the answer to one request sent before the load.
type probeResult struct {
	routed bool // false when the server has no such route
	status int
	size   int // body bytes, to show that a list is not empty
}

// probe sends ep once and reports whether the server has the route at all:
// Echo answers an unknown route (or method) with a bare about:blank problem,
// which a missing record never gets.
func probe(ctx context.Context, hc *http.Client, base, token string, ep endpoint) (probeResult, error) {
	req, err := http.NewRequestWithContext(ctx, ep.method, base+ep.path(0), bytes.NewReader(ep.body))
	if err != nil {
		return probeResult{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if ep.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return probeResult{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return probeResult{}, err
	}
	missing := (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed) &&
		strings.Contains(string(b), `"about:blank"`)
	return probeResult{routed: !missing, status: resp.StatusCode, size: len(b)}, nil
}

// newLoadClient returns an HTTP client that keeps one connection per load
// client alive, like wrk's -c.
func newLoadClient(clients int) *http.Client {
	tr := &http.Transport{
		MaxIdleConns:        clients,
		MaxIdleConnsPerHost: clients,
		MaxConnsPerHost:     clients,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted latencies, or 0 for none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := min(max(int(math.Ceil(p/100*float64(len(sorted)))), 1), len(sorted))
	return sorted[rank-1]
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times; Linux fixes it at 100.
const clockTicks = 100

// parseProcStat returns utime+stime from the text of /proc/<pid>/stat. The
// command name may hold spaces and parentheses, so fields count from the
// last ')'.
func parseProcStat(s string) (time.Duration, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("parse /proc stat: no command name")
	}
	f := strings.Fields(s[i+1:])
	// After the name: state(3) ppid(4) ... utime(14) stime(15).
	if len(f) < 13 {
		return 0, fmt.Errorf("parse /proc stat: %d fields after the name", len(f))
	}
	var ticks int64
	for _, v := range f[11:13] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse /proc stat: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// parseVmHWM returns the peak resident set size, in bytes, from the text
// of /proc/<pid>/status.
func parseVmHWM(s string) (int64, error) {
	for line := range strings.Lines(s) {
		rest, ok := strings.CutPrefix(line, "VmHWM:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("parse /proc status: odd VmHWM line %q", strings.TrimSpace(line))
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse /proc status: %w", err)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("parse /proc status: no VmHWM line")
}

// median returns the middle value of xs (the mean of the two middle ones
// for an even count), or 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
