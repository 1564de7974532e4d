//go:build linux || darwin

package store

import (
	"os"
	"syscall"
)

// writable asks the kernel whether this process may write path. Unlike
// opening the file, it needs no descriptor, and it answers EROFS on a
// read-only filesystem even for root.
func writable(path string) error {
	return syscall.Access(path, 0x2) // W_OK
}

func flock(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	return syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
}

// freeBytes returns the space left for this process on the filesystem
// holding dir.
func freeBytes(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	if os.Geteuid() == 0 { // root may use the blocks reserved for it
		return uint64(st.Bfree) * uint64(st.Bsize), nil
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}
