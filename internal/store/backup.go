package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"advising/migrations"
)

// Backups (docs/adr/0007-backups.md). A plain copy of a running database
// misses whatever is still in its WAL, and may catch a page half-written, so
// a backup is SQLite's own consistent copy (VACUUM INTO, which reads one
// snapshot and writes a compact new file), then checked in full before it is
// given its name. A restore checks the backup again and swaps it in only
// while no process has the database open.

// BackupInfo describes a checked backup.
type BackupInfo struct {
	Path          string
	Bytes         int64
	SchemaVersion int64 // the latest migration applied to it
}

// Backup writes a consistent copy of the database at src to dest while
// servers go on using src, checks the copy (PRAGMA integrity_check), and only
// then moves it to dest, replacing any file there. The copy is mode 0600.
func Backup(ctx context.Context, src, dest string) (BackupInfo, error) {
	if err := usableSource(src); err != nil {
		return BackupInfo{}, err
	}
	if same(src, dest) {
		return BackupInfo{}, fmt.Errorf("backup %s would overwrite the database itself; choose another path", dest)
	}
	if fi, err := os.Stat(dest); err == nil && fi.IsDir() {
		return BackupInfo{}, fmt.Errorf("backup %s is a folder; give the path of the file to write", dest)
	}
	lock, err := lockDatabase(src, false) // a restore must not swap the database mid-copy
	if err != nil {
		return BackupInfo{}, err
	}
	defer func() { _ = lock.release() }()

	tmp := dest + ".partial"
	_ = os.Remove(tmp) // left by an interrupted backup
	f, err := createPrivate(tmp)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("create backup %s: %w", tmp, err)
	}
	_ = f.Close()
	ok := false
	defer func() {
		if !ok {
			_ = os.Remove(tmp)
		}
	}()
	db, err := sql.Open("sqlite3", "file:"+src+"?mode=rw&_busy_timeout=5000")
	if err != nil {
		return BackupInfo{}, fmt.Errorf("open database %s: %w", src, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return BackupInfo{}, fmt.Errorf("copy database %s: %v", src, oneLine(err.Error()))
	}
	if err := syncFile(tmp); err != nil {
		return BackupInfo{}, fmt.Errorf("write backup %s: %w", tmp, err)
	}
	info, err := CheckBackup(ctx, tmp)
	if err != nil {
		return BackupInfo{}, err
	}
	if err := os.Rename(tmp, dest); err != nil {
		return BackupInfo{}, fmt.Errorf("name backup %s: %w", dest, err)
	}
	ok = true
	if err := syncDir(filepath.Dir(dest)); err != nil {
		return BackupInfo{}, fmt.Errorf("write backup %s: %w", dest, err)
	}
	info.Path = dest
	return info, nil
}

// CheckBackup checks that the file at path is a whole, undamaged advising
// database (PRAGMA integrity_check and foreign_key_check) made by this
// version of the service or an older one, without changing it.
func CheckBackup(ctx context.Context, path string) (BackupInfo, error) {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return BackupInfo{}, fmt.Errorf("backup %s: %w", path, err)
	case !fi.Mode().IsRegular():
		return BackupInfo{}, fmt.Errorf("backup %s is not a file", path)
	case fi.Size() == 0:
		return BackupInfo{}, fmt.Errorf("backup %s is empty", path)
	}
	// immutable: read the file as it is, with no locks, WAL or shared memory.
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&immutable=1")
	if err != nil {
		return BackupInfo{}, fmt.Errorf("open backup %s: %w", path, err)
	}
	defer db.Close()
	problems, err := integrity(ctx, db, "integrity_check")
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup %s is not a readable SQLite database (%s)", path, oneLine(err.Error()))
	}
	if len(problems) > 0 {
		return BackupInfo{}, fmt.Errorf("backup %s is damaged (%d problems, first: %s)", path, len(problems), oneLine(problems[0]))
	}
	var version sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version WHERE is_applied").Scan(&version); err != nil || !version.Valid {
		return BackupInfo{}, fmt.Errorf("backup %s is an SQLite database but not one of this service's", path)
	}
	if latest := latestMigration(); version.Int64 > latest {
		return BackupInfo{}, fmt.Errorf("backup %s was made by a newer version of the service (schema %d; this one knows up to %d)", path, version.Int64, latest)
	}
	rows, err := db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return BackupInfo{}, fmt.Errorf("check backup %s: %v", path, oneLine(err.Error()))
	}
	dangling := rows.Next()
	_ = rows.Close()
	if dangling {
		return BackupInfo{}, fmt.Errorf("backup %s is damaged (rows refer to records that are missing)", path)
	}
	return BackupInfo{Path: path, Bytes: fi.Size(), SchemaVersion: version.Int64}, nil
}

// Restore checks the backup at backup and puts it in place of the database
// at dbPath. It refuses while any process has the database open (a server,
// a backup, a migration), and no server can start while it runs. The
// database it replaces is kept beside it, with its WAL, as
// dbPath.before-restore, so nothing is thrown away.
func Restore(ctx context.Context, backup, dbPath string) (BackupInfo, error) {
	if same(backup, dbPath) {
		return BackupInfo{}, fmt.Errorf("backup %s is the database itself", backup)
	}
	info, err := CheckBackup(ctx, backup)
	if err != nil {
		return BackupInfo{}, err
	}
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o700); err != nil {
		return BackupInfo{}, fileError(filepath.Dir(dbPath), err)
	}
	lock, err := lockDatabase(dbPath, true)
	if err != nil {
		return BackupInfo{}, err
	}
	defer func() { _ = lock.release() }()

	tmp := dbPath + ".restoring"
	_ = os.Remove(tmp)
	if err := copyPrivate(backup, tmp); err != nil {
		_ = os.Remove(tmp)
		return BackupInfo{}, fmt.Errorf("copy backup %s: %w", backup, err)
	}
	if _, err := CheckBackup(ctx, tmp); err != nil { // the copy, as it landed on disk
		_ = os.Remove(tmp)
		return BackupInfo{}, err
	}
	// Keep the database being replaced, with its WAL: a WAL left beside the
	// restored file would otherwise be replayed into it. The shared-memory
	// file is only an index of the WAL and is rebuilt.
	old := dbPath + ".before-restore"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(old + suffix)
	}
	for _, suffix := range []string{"", "-wal"} {
		if err := os.Rename(dbPath+suffix, old+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return BackupInfo{}, fmt.Errorf("set aside database %s: %w", dbPath+suffix, err)
		}
	}
	if err := os.Remove(dbPath + "-shm"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return BackupInfo{}, fmt.Errorf("remove %s: %w", dbPath+"-shm", err)
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return BackupInfo{}, fmt.Errorf("put backup in place of %s: %w", dbPath, err)
	}
	if err := syncDir(filepath.Dir(dbPath)); err != nil {
		return BackupInfo{}, fmt.Errorf("restore %s: %w", dbPath, err)
	}
	info.Path = dbPath
	return info, nil
}

// usableSource refuses a database that does not exist or is empty: SQLite
// would quietly make a new, empty one, and the backup would be of nothing.
func usableSource(path string) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return fmt.Errorf("database %s: %w", path, err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("database %s is not a file", path)
	case fi.Size() == 0:
		return fmt.Errorf("database %s is empty", path)
	}
	return nil
}

// same reports whether a and b name the same existing file.
func same(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA != nil || errB != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return os.SameFile(fa, fb)
}

// copyPrivate copies src to a new file dst (mode 0600) and syncs it.
func copyPrivate(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := createPrivate(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// createPrivate creates a new, empty file with mode 0600, failing if it exists.
func createPrivate(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) { // some filesystems cannot sync a folder
		return err
	}
	return nil
}

// latestMigration is the version of the newest embedded migration.
func latestMigration() int64 {
	names, _ := fs.Glob(migrations.For(migrations.SQLite), "*.sql")
	var latest int64
	for _, n := range names {
		digits, _, _ := strings.Cut(n, "_")
		if v, err := strconv.ParseInt(digits, 10, 64); err == nil && v > latest {
			latest = v
		}
	}
	return latest
}
