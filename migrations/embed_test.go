package migrations

import (
	"io/fs"
	"slices"
	"testing"
)

// Both dialects see the same migrations, version for version: a version
// written per dialect has its twin in the other folder and none in the
// portable set, and every listed name opens.
func TestDialectsListTheSameMigrations(t *testing.T) {
	lite, err := fs.Glob(For(SQLite), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := fs.Glob(For(Postgres), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(lite, pg) || len(lite) == 0 {
		t.Errorf("sqlite lists %v; postgres lists %v", lite, pg)
	}
	if c := slices.Compact(slices.Clone(lite)); len(c) != len(lite) {
		t.Errorf("a migration is both portable and per dialect: %v", lite)
	}
	for _, dialect := range []string{SQLite, Postgres} {
		own, _ := fs.Glob(files, dialect+"/*.sql")
		if len(own) == 0 {
			t.Errorf("no migrations of %s's own", dialect)
		}
		for _, name := range lite {
			b, err := fs.ReadFile(For(dialect), name)
			if err != nil || len(b) == 0 {
				t.Errorf("%s: read %s = %d bytes, %v", dialect, name, len(b), err)
			}
		}
	}
}
