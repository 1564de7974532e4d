//go:build linux

package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"advising/internal/advising"
)

// A real write failure at COMMIT: the test runs itself again in a child
// process whose files may not grow past a limit (RLIMIT_FSIZE, which needs
// no privilege), so the WAL cannot take a group's frames, as on a full
// disk. A transaction whose group's commit failed must hear the fault and
// nothing it wrote may be kept; every write acknowledged before, during or
// after must be kept; and the same store must write again once the limit is
// lifted.
func TestFailedCommitFailsWholeGroup(t *testing.T) {
	if dir := os.Getenv("ADVISING_TEST_FSIZE_DIR"); dir != "" {
		commitFailureChild(t, dir)
		return
	}
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFailedCommitFailsWholeGroup$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ADVISING_TEST_FSIZE_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child process: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "outcomes"))
	if err != nil {
		t.Fatalf("child wrote no outcomes: %v", err)
	}
	defer f.Close()
	st := open(t, filepath.Join(dir, "advising.db"))
	defer st.Close()
	ctx := context.Background()
	failed, kept := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		outcome, email, _ := strings.Cut(sc.Text(), " ")
		_, err := st.UserByEmail(ctx, email)
		switch {
		case outcome == "ok" && err != nil:
			t.Errorf("%s was acknowledged but is missing after reopening: %v", email, err)
		case outcome == "fail" && err == nil:
			t.Errorf("%s was refused but is in the database", email)
		case outcome == "fail":
			failed++
		default:
			kept++
		}
	}
	if failed == 0 || kept == 0 {
		t.Errorf("child: %d writes kept, %d refused; want both (the file size limit did not bite)", kept, failed)
	}
}

func commitFailureChild(t *testing.T, dir string) {
	path := filepath.Join(dir, "advising.db")
	st := open(t, path)
	defer st.Close()
	ctx := context.Background()
	out, err := os.Create(filepath.Join(dir, "outcomes"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	var mu sync.Mutex
	write := func(i int) error {
		err := createUser(ctx, st, i)
		mu.Lock()
		defer mu.Unlock()
		outcome := "ok"
		if err != nil {
			outcome = "fail"
		}
		fmt.Fprintf(out, "%s u%d@example.org\n", outcome, i)
		return err
	}
	for i := range 5 {
		if err := write(i); err != nil {
			t.Fatalf("write %d before the limit: %v", i, err)
		}
	}
	var orig syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &orig); err != nil {
		t.Fatal(err)
	}
	wal, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	limit := orig
	limit.Cur = uint64(wal.Size()) + 48<<10 // room for a few commits, not for 200
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limit); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = write(100 + i) }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil && advising.ErrorCode(err) != advising.CodeUnavailable {
			t.Errorf("write %d past the file size limit = %v; want CodeUnavailable", 100+i, err)
		}
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &orig); err != nil {
		t.Fatal(err)
	}
	for i := range 5 { // the same store, no reopening
		if err := write(1000 + i); err != nil {
			t.Errorf("write %d after the limit is lifted = %v; want nil", 1000+i, err)
		}
	}
	if err := st.Writable(ctx); err != nil {
		t.Errorf("Writable after the limit is lifted = %v; want nil", err)
	}
}
