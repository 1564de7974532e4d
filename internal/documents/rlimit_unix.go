//go:build unix

package documents

import "syscall"

// limitCPU caps the process's CPU time; the kernel ends it past the limit.
func limitCPU(seconds uint64) {
	_ = syscall.Setrlimit(syscall.RLIMIT_CPU, &syscall.Rlimit{Cur: seconds, Max: seconds})
}
