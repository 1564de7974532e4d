package main

import (
	"os/exec"
	"syscall"
)

// detach puts a server in its own process group, so a Ctrl-C meant for the
// benchmark reaches only the benchmark, which then stops the server itself,
// and has the kernel stop the server should the benchmark die first.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
