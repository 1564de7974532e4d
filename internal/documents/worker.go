package documents

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"time"
)

// PDF files are parsed by a third-party reader that was not written for
// hostile input: a crafted file can make such a parser loop, recurse or
// allocate without end, and in Go a stack overflow or an out-of-memory
// failure kills the whole process. So each PDF is read by a child process
// (this same executable, started with workerArg) that the server can kill:
// it gets a deadline, a CPU-time limit and a heap watchdog, and a failure
// of any kind costs one refused upload, never the server.

// workerArg is the sole argument that makes this executable a PDF worker.
const workerArg = "-advising-pdf-worker"

// Limits of one PDF worker.
const (
	workerTimeout  = 20 * time.Second
	workerCPU      = 20 // seconds of CPU time
	workerHeap     = 512 << 20
	workerMaxOut   = 1 << 20 // bytes of JSON the worker may answer with
	workerParallel = 2       // PDFs read at once; more wait their turn
)

// workerSlots bounds concurrent workers, so a burst of uploads cannot use
// more than workerParallel processes' worth of memory.
var workerSlots = make(chan struct{}, workerParallel)

// workerResult is the worker's answer on its standard output.
type workerResult struct {
	Text    string `json:"text"`
	Problem string `json:"problem,omitempty"` // one of the problem* constants
	Cause   string `json:"cause,omitempty"`   // for the server's log
}

// What a worker can report instead of text.
const (
	problemDamaged   = "damaged"
	problemEncrypted = "encrypted"
	problemScanned   = "scanned"
	problemTooBig    = "too_big"
)

// The worker is started by argument, not by configuration: init runs in
// every binary that can read a PDF (the server and each test binary that
// links this package), before flags are parsed or a test runs.
func init() {
	if len(os.Args) == 2 && os.Args[1] == workerArg {
		os.Exit(runWorker(os.Stdin, os.Stdout))
	}
}

// runWorker reads one PDF from in, writes a workerResult to out and
// returns the exit status.
func runWorker(in io.Reader, out io.Writer) int {
	limitCPU(workerCPU)
	debug.SetMemoryLimit(workerHeap / 2) // collect hard before the watchdog fires
	go watchHeap()
	b, err := io.ReadAll(io.LimitReader(in, MaxFileSize+1))
	if err != nil {
		return 2
	}
	res := extractPDF(b)
	if err := json.NewEncoder(out).Encode(res); err != nil {
		return 2
	}
	return 0
}

// watchHeap ends the worker once its heap passes workerHeap.
func watchHeap() {
	var m runtime.MemStats
	for range time.Tick(20 * time.Millisecond) {
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > workerHeap {
			os.Exit(3)
		}
	}
}

// pdfText reads a PDF's text in a worker process.
func pdfText(ctx context.Context, b []byte) (string, error) {
	select {
	case workerSlots <- struct{}{}:
		defer func() { <-workerSlots }()
	case <-ctx.Done():
		return "", ctx.Err()
	}
	res, err := runWorkerProcess(ctx, b)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err() // the client went away; nothing to tell them
		}
		return "", unreadable(msgDamaged, err)
	}
	switch res.Problem {
	case "":
		return res.Text, nil
	case problemEncrypted:
		return "", unreadable(msgEncrypted, errors.New(res.Cause))
	case problemScanned:
		return "", unreadable(msgScanned, errors.New(res.Cause))
	case problemTooBig:
		return "", unreadable(msgTooBig, errors.New(res.Cause))
	default:
		return "", unreadable(msgDamaged, errors.New(res.Cause))
	}
}

// runWorkerProcess starts a worker on b and decodes its answer. The worker
// gets an empty environment (it needs nothing and must see no secrets).
func runWorkerProcess(ctx context.Context, b []byte) (workerResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return workerResult{}, fmt.Errorf("find executable: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, workerTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, workerArg)
	cmd.Env = []string{"GOMAXPROCS=1"}
	cmd.Stdin = bytes.NewReader(b)
	var out limitedBuffer
	out.left = workerMaxOut
	cmd.Stdout, cmd.Stderr = &out, io.Discard
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		return workerResult{}, fmt.Errorf("pdf worker: %w", err)
	}
	var res workerResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return workerResult{}, fmt.Errorf("pdf worker answer: %w", err)
	}
	return res, nil
}

// limitedBuffer keeps at most left bytes and fails writes past them.
type limitedBuffer struct {
	bytes.Buffer
	left int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if len(p) > l.left {
		return 0, errors.New("worker answer too long")
	}
	l.left -= len(p)
	return l.Buffer.Write(p)
}
