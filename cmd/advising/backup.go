package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"advising/internal/config"
	"advising/internal/store"
)

// backupCommand runs `advising backup PATH` (a consistent, checked copy of
// the running server's database) and `advising restore PATH` (a checked
// backup put in place of a stopped server's database). Each prints one JSON
// line saying what it did and exits non-zero unless the copy is sound.
func backupCommand(ctx context.Context, cmd string, args []string, cfg config.Config, stdout io.Writer) error {
	if len(args) != 1 || args[0] == "" {
		return fmt.Errorf("usage: advising %s PATH", cmd)
	}
	if cfg.Postgres() {
		return fmt.Errorf("%s: advising %s copies SQLite databases only; this one is PostgreSQL, so use pg_dump and pg_restore (README, \"Backups\")", cmd, cmd)
	}
	db := cfg.SQLitePath()
	var (
		info store.BackupInfo
		err  error
		out  map[string]any
	)
	if cmd == "backup" {
		info, err = store.Backup(ctx, db, args[0])
		out = map[string]any{"backup": info.Path, "database": db}
	} else {
		_, statErr := os.Stat(db)
		info, err = store.Restore(ctx, args[0], db)
		out = map[string]any{"restored": args[0], "database": db}
		if statErr == nil { // the database it replaced is kept
			out["previous"] = db + ".before-restore"
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	out["bytes"], out["schema_version"], out["integrity"] = info.Bytes, info.SchemaVersion, "ok"
	line, _ := json.Marshal(out)
	_, err = fmt.Fprintln(stdout, string(line))
	return err
}
