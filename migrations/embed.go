// Package migrations embeds the versioned SQL schema, applied at start-up by
// goose. Migrations are forward-only: never edit a merged file, add a new one.
package migrations

import "embed"

// FS holds every NNNNN_name.sql migration.
//
//go:embed *.sql
var FS embed.FS
