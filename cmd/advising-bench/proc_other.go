//go:build !linux

package main

import "os/exec"

// detach does nothing outside Linux; the benchmark reads /proc and needs Linux anyway.
func detach(*exec.Cmd) {}
