// Package migrations embeds the versioned SQL schema, applied at start-up by
// goose. Migrations are forward-only: never edit a merged file, add a new one.
//
// Most migrations are portable SQL and sit in this folder. Where the two
// databases need different SQL (triggers, for one), a version has a file in
// sqlite/ and one in postgres/ instead, with the same number and name; For
// lays the dialect's files beside the portable ones.
package migrations

import (
	"embed"
	"io/fs"
	"path"
	"sort"
)

//go:embed *.sql sqlite/*.sql postgres/*.sql
var files embed.FS

// The dialects, as For names them.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// For returns the migrations of one dialect (SQLite or Postgres) as one flat
// folder of NNNNN_name.sql files: the portable ones and the dialect's own.
func For(dialect string) fs.FS {
	return flat{dialect: dialect}
}

// flat is the portable migrations with one dialect's folder merged in.
type flat struct{ dialect string }

func (f flat) Open(name string) (fs.File, error) {
	if name != "." && path.Dir(name) == "." {
		if file, err := files.Open(path.Join(f.dialect, name)); err == nil {
			return file, nil
		}
	}
	return files.Open(name)
}

// Glob matches pattern in the root and in the dialect's folder, as names of
// the root.
func (f flat) Glob(pattern string) ([]string, error) {
	names, err := fs.Glob(files, pattern)
	if err != nil {
		return nil, err
	}
	own, err := fs.Glob(files, path.Join(f.dialect, pattern))
	if err != nil {
		return nil, err
	}
	for _, n := range own {
		names = append(names, path.Base(n))
	}
	sort.Strings(names)
	return names, nil
}
