package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// child is a server process under measurement.
type child struct {
	name   string
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:port
	log    string // file holding the child's stdout and stderr
	exited chan struct{}
	err    error // set when exited is closed
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// startChild starts path with args and env (added to the environment),
// output going to logPath, and waits until GET readyPath answers 200.
func startChild(ctx context.Context, name, addr, logPath, path string, args, env []string, readyPath string) (*child, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	defer logf.Close() // the child keeps its own descriptor
	cmd := exec.Command(path, args...)
	cmd.Env = append(childEnviron(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, base: "http://" + addr, log: logPath, exited: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.exited)
	}()
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := hc.Get(c.base + readyPath)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c, nil
			}
		}
		select {
		case <-c.exited:
			return nil, fmt.Errorf("%s exited before it was ready (%v); see %s:\n%s", name, c.err, logPath, tail(logPath, 2000))
		case <-ctx.Done():
			c.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, fmt.Errorf("%s was not ready within a minute; see %s", name, logPath)
		}
	}
}

// childEnviron is this process's environment without ADVISING_ variables,
// so the caller's own settings cannot change what is measured.
func childEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ADVISING_") {
			env = append(env, kv)
		}
	}
	return env
}

// stop asks the child to shut down (SIGTERM) and kills it after 15 seconds.
func (c *child) stop() {
	select {
	case <-c.exited:
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// alive reports whether the child still runs.
func (c *child) alive() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// cpuTime returns the CPU time (user + system, all threads) the child has used.
func (c *child) cpuTime() (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(c.cmd.Process.Pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("read %s CPU time: %w", c.name, err)
	}
	return parseProcStat(string(b))
}

// peakRSS returns the child's peak resident set size in bytes.
func (c *child) peakRSS() (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(c.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("read %s peak RSS: %w", c.name, err)
	}
	return parseVmHWM(string(b))
}

// tail returns the last n bytes of a file, for error messages.
func tail(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	off := max(st.Size()-n, 0)
	b := make([]byte, st.Size()-off)
	k, _ := f.ReadAt(b, off)
	return string(b[:k])
}

// backendCPU returns the CPU time used so far by each PostgreSQL backend
// process serving database dbname on this machine, by pid. Backends set
// their process title to "postgres: USER DATABASE HOST(PORT) STATE", which
// /proc/<pid>/cmdline shows; a server on another machine has none here.
func backendCPU(dbname string) map[int]time.Duration {
	out := map[int]time.Duration{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		f := strings.Fields(strings.ReplaceAll(string(cmdline), "\x00", " "))
		if len(f) < 3 || f[0] != "postgres:" || f[2] != dbname {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		if t, err := parseProcStat(string(stat)); err == nil {
			out[pid] = t
		}
	}
	return out
}

// backendCPUSince is the CPU the backends in now used since before: a
// backend that started in between counts from zero, one that exited is lost
// (the server's pool keeps its connections, so few do).
func backendCPUSince(before, now map[int]time.Duration) time.Duration {
	var d time.Duration
	for pid, t := range now {
		d += t - before[pid]
	}
	return d
}
