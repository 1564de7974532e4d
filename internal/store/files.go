package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// The database's files hold applicants' personal data: the database, its
// WAL and shared-memory files, the lock file and every backup are private to
// the account that runs the service. SQLite creates the WAL and shared-memory
// files with the database file's mode, so creating that one 0600 is enough
// for new databases; older ones are tightened when opened.
const fileMode = 0o600

// prepareFiles makes sure the database at path can be created and written
// before SQLite opens it, so that a read-only filesystem or file is reported
// as such (SQLite itself falls back to opening read-only, or says "no such
// file or directory" when it cannot create the file). It creates a missing
// database file with mode 0600 and tightens an existing one.
func prepareFiles(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fileError(dir, err)
	}
	if err := writable(dir); err != nil { // SQLite creates the WAL and lock files beside the database
		return fileError(dir, err)
	}
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		// Only a file nobody has open is created here: closing a descriptor
		// of a database another connection in this process has open would
		// drop that connection's POSIX locks.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
		if err != nil && !errors.Is(err, os.ErrExist) {
			return fileError(path, err)
		}
		if f != nil {
			_ = f.Close()
		}
		return nil
	case err != nil:
		return fileError(path, err)
	case info.IsDir():
		return fmt.Errorf("database %s is a folder, not a file", path)
	}
	if err := writable(path); err != nil {
		return fileError(path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			_ = os.Chmod(p, fi.Mode().Perm()&0o700) // best effort: a file of another owner keeps its mode
		}
	}
	return nil
}

// fileError says in words why a database file or folder cannot be used.
func fileError(path string, err error) error {
	switch {
	case errors.Is(err, syscall.EROFS):
		return fmt.Errorf("%s is on a read-only filesystem: the database must be writable, so mount it read-write", path)
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("%s is not writable by this user: the database must be writable, so check its owner and mode", path)
	}
	return fmt.Errorf("database %s: %w", path, err)
}

// dbLock is the lock file beside a database. Every process that opens the
// database holds it shared; restore holds it exclusively, so it never
// replaces a database a server is using, and no server starts mid-restore.
// It is a separate file because closing any descriptor of the database file
// itself would drop SQLite's own locks.
type dbLock struct{ f *os.File }

// ErrInUse is returned (wrapped) when the database's lock is held in a way
// that conflicts with the request: by a server, for a restore; by a restore,
// for anything else.
var ErrInUse = errors.New("database in use")

func lockDatabase(path string, exclusive bool) (*dbLock, error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return nil, fileError(path+".lock", err)
	}
	if err := flock(f, exclusive); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			if exclusive {
				return nil, fmt.Errorf("database %s is in use by a running server or another advising command; stop it first: %w", path, ErrInUse)
			}
			return nil, fmt.Errorf("database %s is being restored; start again when the restore has finished: %w", path, ErrInUse)
		}
		return nil, fmt.Errorf("lock database %s: %w", path, err)
	}
	return &dbLock{f: f}, nil
}

func (l *dbLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the descriptor releases the flock
	l.f = nil
	return err
}

// migrateLock is goose's lock for an SQLite file: an exclusive flock on
// PATH.migrate-lock, waited for, so that servers starting together over one
// file apply the migrations one after the other (the second finds them
// applied) instead of both creating the first tables. PostgreSQL uses an
// advisory lock instead.
type migrateLock struct {
	path string
	f    *os.File
}

// migrateLockPoll is how often a waiting migration tries the lock again.
const migrateLockPoll = 20 * time.Millisecond

func (l *migrateLock) Lock(ctx context.Context, _ *sql.DB) error {
	f, err := os.OpenFile(l.path+".migrate-lock", os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return fileError(l.path+".migrate-lock", err)
	}
	for {
		err := flock(f, true)
		if err == nil {
			l.f = f
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			_ = f.Close()
			return fmt.Errorf("lock %s for migrations: %w", l.path, err)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return ctx.Err()
		case <-time.After(migrateLockPoll):
		}
	}
}

func (l *migrateLock) Unlock(context.Context, *sql.DB) error {
	if l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the descriptor releases the flock
	l.f = nil
	return err
}
