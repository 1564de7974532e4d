//go:build !race

package main

// raceEnabled is true when the tests are built with -race: the server they
// build is built the same way, so it reuses the compiled packages.
const raceEnabled = false
