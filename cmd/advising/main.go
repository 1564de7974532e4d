// Command advising serves the advising office's API. With no subcommand it
// serves; `advising migrate` applies migrations and exits; `advising seed`
// loads the demo office into an empty database; `advising reclassify` re-runs
// the current classifier over every stored work sample and prints a summary;
// `advising healthcheck` asks a running server whether it is ready;
// `advising backup PATH` writes a consistent, checked copy of the database
// while it is in use; `advising restore PATH` puts a checked backup in place
// of a stopped server's database. The load benchmark is a separate command,
// cmd/advising-bench (see docs/performance.md).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // ADVISING_TIME_ZONE works on images without /usr/share/zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "advising:", err)
		os.Exit(1)
	}
}
