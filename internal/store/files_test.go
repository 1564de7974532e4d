package store

import (
	"os"
	"strings"
	"syscall"
	"testing"
)

// The refusals start-up prints name the cause in words, on one line: the
// errors below are what the kernel answers for a read-only mount and for a
// file of another owner (tests run as root, where only a real read-only
// mount, which needs privileges, would produce them).
func TestFileErrorSaysWhy(t *testing.T) {
	tests := []struct {
		errno syscall.Errno
		want  string
	}{
		{syscall.EROFS, "read-only filesystem"},
		{syscall.EACCES, "not writable by this user"},
		{syscall.EPERM, "not writable by this user"},
	}
	for _, tt := range tests {
		err := fileError("/data/advising.db", &os.PathError{Op: "access", Path: "/data/advising.db", Err: tt.errno})
		if msg := err.Error(); !strings.Contains(msg, tt.want) || !strings.Contains(msg, "/data/advising.db") || strings.Contains(msg, "\n") {
			t.Errorf("fileError(%v) = %q; want one line naming the path and saying %q", tt.errno, msg, tt.want)
		}
	}
}
