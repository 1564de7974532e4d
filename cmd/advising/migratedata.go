package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"advising/internal/store"
)

// migrateData runs `advising migrate-data -from URL -to URL`: it copies a
// whole office from one database to another (an SQLite file to
// PostgreSQL, or back), table by table, and checks every table's row count
// on both sides. Both are migrated first; the target must be empty. Stop
// the servers of the source first: writes made during the copy would be
// missed (the counts then disagree and the command fails). It prints one
// JSON line per table and a last one with the totals.
func migrateData(ctx context.Context, args []string, stdout io.Writer) error {
	const usage = "usage: advising migrate-data -from file:PATH|postgres://... -to postgres://...|file:PATH"
	fs := flag.NewFlagSet("migrate-data", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the error returned says what was wrong
	from := fs.String("from", "", "the database to copy from")
	to := fs.String("to", "", "the empty database to copy into")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("migrate-data: %w (%s)", err, usage)
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		return errors.New("migrate-data: " + usage)
	}
	if *from == *to {
		return errors.New("migrate-data: -from and -to name the same database")
	}
	if !store.IsPostgresURL(*from) {
		// Opening a missing file would create an empty database and copy
		// nothing.
		path := store.SQLitePath(*from)
		if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
			return fmt.Errorf("migrate-data: -from %s is not an existing SQLite database", path)
		}
	}
	open := func(which, dsn string) (*store.Store, error) {
		st, err := store.Open(dsn)
		if err != nil {
			return nil, fmt.Errorf("migrate-data: %s: %w", which, err)
		}
		if err := st.QuickCheck(ctx); err != nil {
			_ = st.Close()
			return nil, fmt.Errorf("migrate-data: %s: %w", which, err)
		}
		if _, err := st.Migrate(ctx); err != nil {
			_ = st.Close()
			return nil, fmt.Errorf("migrate-data: %s: %w", which, err)
		}
		return st, nil
	}
	src, err := open("-from", *from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := open("-to", *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	enc := json.NewEncoder(stdout)
	total := int64(0)
	_, err = store.CopyData(ctx, src, dst, func(c store.TableCount) {
		total += c.Rows
		_ = enc.Encode(map[string]any{"table": c.Table, "rows": c.Rows})
	})
	if err != nil {
		return fmt.Errorf("migrate-data: %w", err)
	}
	return enc.Encode(map[string]any{"from": store.RedactURL(*from), "to": store.RedactURL(*to), "rows": total, "counts": "equal"})
}
