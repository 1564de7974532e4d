package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"advising/internal/store"
)

// A backup taken while the store is open holds every committed write, even
// those still only in the WAL; it is checked, private, and restores in place
// of the database once nothing has it open, keeping the replaced one aside.
func TestBackupAndRestore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "advising.db")
	st := open(t, path)
	ctx := context.Background()
	for i := range 30 {
		if err := createUser(ctx, st, i); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	backup := filepath.Join(dir, "backups", "office.db")
	if err := os.MkdirAll(filepath.Dir(backup), 0o700); err != nil {
		t.Fatal(err)
	}
	info, err := store.Backup(ctx, path, backup)
	if err != nil {
		t.Fatalf("Backup of an open database = %v", err)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != info.Bytes || info.SchemaVersion == 0 {
		t.Errorf("backup file = %v, %v, info %+v; want a 0600 file of the reported size and a schema version", fi.Mode().Perm(), err, info)
	}
	if _, err := os.Stat(backup + ".partial"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("backup left its partial file behind: %v", err)
	}
	// Written after the backup: gone after the restore.
	if err := createUser(ctx, st, 999); err != nil {
		t.Fatalf("write after backup: %v", err)
	}
	if _, err := store.Restore(ctx, backup, path); !errors.Is(err, store.ErrInUse) {
		t.Errorf("Restore while the database is open = %v; want ErrInUse", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Restore(ctx, backup, path); err != nil {
		t.Fatalf("Restore of a stopped database = %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("restored database mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	st = open(t, path)
	defer st.Close()
	for i := range 30 {
		if _, err := st.UserByEmail(ctx, fmt.Sprintf("u%d@example.org", i)); err != nil {
			t.Errorf("user %d after restore: %v; want it there", i, err)
		}
	}
	if _, err := st.UserByEmail(ctx, "u999@example.org"); err == nil {
		t.Errorf("a user written after the backup survived the restore")
	}
	if _, err := store.CheckBackup(ctx, path+".before-restore"); err != nil {
		t.Errorf("the replaced database was not kept whole beside the restored one: %v", err)
	}
	if err := createUser(ctx, st, 1000); err != nil {
		t.Errorf("write to the restored database = %v", err)
	}
}

// Backups that are not sound are refused, with a line that says why, and a
// backup never overwrites the database it copies.
func TestBackupChecks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	path := filepath.Join(dir, "advising.db")
	st := open(t, path)
	for i := range 20 {
		if err := createUser(ctx, st, i); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	good := filepath.Join(dir, "good.db")
	if _, err := store.Backup(ctx, path, good); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if _, err := store.Backup(ctx, path, path); err == nil {
		t.Errorf("Backup onto the database itself = nil; want a refusal")
	}
	_ = st.Close()

	damaged := filepath.Join(dir, "damaged.db")
	b, _ := os.ReadFile(good)
	if err := os.WriteFile(damaged, b, 0o600); err != nil {
		t.Fatal(err)
	}
	damage(t, damaged)
	foreign := filepath.Join(dir, "foreign.db")
	db, err := sql.Open("sqlite3", "file:"+foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	text := filepath.Join(dir, "notes.txt")
	_ = os.WriteFile(text, []byte(strings.Repeat("not a database\n", 500)), 0o600)
	empty := filepath.Join(dir, "empty.db")
	_ = os.WriteFile(empty, nil, 0o600)

	tests := []struct{ name, path, want string }{
		{"damaged pages", damaged, "damaged"},
		{"another program's database", foreign, "not one of this service's"},
		{"not a database", text, "not a readable SQLite database"},
		{"empty file", empty, "empty"},
		{"missing file", filepath.Join(dir, "missing.db"), "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.CheckBackup(ctx, tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("CheckBackup(%s) = %v; want one line containing %q", tt.name, err, tt.want)
			}
			if _, err := store.Restore(ctx, tt.path, path); err == nil {
				t.Errorf("Restore(%s) = nil; want a refusal", tt.name)
			}
		})
	}
	// The refused restores left the database as it was.
	st = open(t, path)
	defer st.Close()
	if _, err := st.UserByEmail(ctx, "u19@example.org"); err != nil {
		t.Errorf("database after refused restores: %v; want it unchanged", err)
	}
}
