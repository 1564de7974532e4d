package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Moving an office's data from one database to another (SQLite to
// PostgreSQL, or back): every table in the order its foreign keys need,
// each in one transaction of the target, then a count of both sides.

// CopyTables are the tables CopyData copies, parents before children.
var CopyTables = []string{"users", "profiles", "cases", "work_samples", "work_sample_files", "notes", "audit_events", "sessions", "saved_views"}

// copySkipped are the tables CopyData leaves alone: goose's own record of
// the migrations (each side has its own), the readiness probe's row, the
// sign-in limits, which are short-lived counts that start afresh, and the
// dashboards' counters and the caseloads' change numbers, which the
// target's triggers keep as its cases are copied in.
var copySkipped = []string{"goose_db_version", "write_probe", "auth_limits", "login_failures", "case_counts", "case_day_counts", "caseload_versions"}

// TableCount is how many rows of a table CopyData copied.
type TableCount struct {
	Table string
	Rows  int64
}

// CopyData copies every row of CopyTables from src to dst, table by table,
// each in one transaction of dst, and then checks that both sides hold the
// same number of rows in each table. Both must be migrated to the same
// version, dst must be empty, and nothing should write to src meanwhile
// (stop its servers). A table of the schema that CopyData does not know is
// refused, so a new table cannot be left behind unnoticed. Errors are
// CodeInvalid for a target that is not empty, otherwise wrapped.
func CopyData(ctx context.Context, src, dst *Store, progress func(TableCount)) ([]TableCount, error) {
	sv, err := src.schemaVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	dv, err := dst.schemaVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	if sv != dv {
		return nil, fmt.Errorf("the source is at schema version %d and the target at %d; migrate both first", sv, dv)
	}
	tables, err := src.tables(ctx)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	for _, t := range tables {
		if !slices.Contains(CopyTables, t) && !slices.Contains(copySkipped, t) {
			return nil, fmt.Errorf("the source has a table %s that this version does not know how to copy", t)
		}
	}
	for _, t := range CopyTables {
		n, err := dst.countRows(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("target: %w", err)
		}
		if n > 0 {
			return nil, fmt.Errorf("the target's %s table holds %d rows; copy into an empty, migrated database", t, n)
		}
	}
	var out []TableCount
	for _, t := range CopyTables {
		n, err := copyTable(ctx, src, dst, t)
		if err != nil {
			return out, fmt.Errorf("copy %s: %w", t, err)
		}
		want, err := src.countRows(ctx, t)
		if err != nil {
			return out, fmt.Errorf("source: %w", err)
		}
		got, err := dst.countRows(ctx, t)
		if err != nil {
			return out, fmt.Errorf("target: %w", err)
		}
		if got != want || n != want {
			return out, fmt.Errorf("copy %s: the source holds %d rows, %d were copied and the target holds %d; was the source written meanwhile?", t, want, n, got)
		}
		tc := TableCount{Table: t, Rows: n}
		out = append(out, tc)
		if progress != nil {
			progress(tc)
		}
	}
	if err := dst.Optimize(ctx); err != nil {
		return out, fmt.Errorf("target: %w", err)
	}
	return out, nil
}

// copyTable streams one table from src to dst in key order, inserting a
// batch of rows at a time, all in one transaction of dst.
func copyTable(ctx context.Context, src, dst *Store, table string) (int64, error) {
	cols, err := src.columns(ctx, table)
	if err != nil {
		return 0, err
	}
	key := cols[0] // every table's primary key is its first column
	// Few enough parameters for either database, and for uploaded files
	// (up to 10 MiB each) few enough rows to keep memory bounded.
	batch := min(500, 30000/len(cols))
	if table == "work_sample_files" {
		batch = 4
	}
	var copied int64
	err = dst.Tx(ctx, func(tx *Store) error {
		copied = 0 // Tx may run this again from the start
		after, first := "", true
		for {
			q := "SELECT " + strings.Join(cols, ", ") + " FROM " + table
			var args []any
			if !first {
				q += " WHERE " + key + " > ?"
				args = append(args, after)
			}
			q += " ORDER BY " + key + " LIMIT ?"
			args = append(args, batch)
			rows, err := src.db.WithContext(ctx).Raw(q, args...).Rows()
			if err != nil {
				return fmt.Errorf("read: %w", err)
			}
			var vals []any
			n := 0
			for rows.Next() {
				row := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range row {
					ptrs[i] = &row[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					_ = rows.Close()
					return fmt.Errorf("read: %w", err)
				}
				after = fmt.Sprint(row[0])
				if b, ok := row[0].([]byte); ok {
					after = string(b)
				}
				vals = append(vals, row...)
				n++
			}
			err = rows.Err()
			_ = rows.Close()
			if err != nil {
				return fmt.Errorf("read: %w", err)
			}
			if n == 0 {
				return nil
			}
			one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
			ins := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " +
				strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
			if err := tx.w.WithContext(ctx).Exec(ins, vals...).Error; err != nil {
				return fmt.Errorf("write: %w", err)
			}
			copied += int64(n)
			first = false
			if n < batch {
				return nil
			}
		}
	})
	return copied, err
}

// columns lists a table's columns in the order of the schema.
func (s *Store) columns(ctx context.Context, table string) ([]string, error) {
	rows, err := s.db.WithContext(ctx).Raw("SELECT * FROM " + table + " WHERE 1 = 0").Rows()
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil || len(cols) == 0 {
		return nil, fmt.Errorf("columns of %s: %v", table, err)
	}
	return cols, nil
}

func (s *Store) countRows(ctx context.Context, table string) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Raw("SELECT COUNT(*) FROM " + table).Row().Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}

// schemaVersion is the latest migration applied to the database.
func (s *Store) schemaVersion(ctx context.Context) (int64, error) {
	var v *int64
	if err := s.db.WithContext(ctx).Raw("SELECT MAX(version_id) FROM goose_db_version WHERE is_applied").Row().Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}
