package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Erased counts what EraseApplicant removed.
type Erased struct {
	WorkSamples int64
	Notes       int64
}

// EraseApplicant deletes an applicant's account, profile, case, work
// samples and the case's notes, and strips the field changes from every
// audit event about them (the events themselves stay: who did what, when,
// by id only). Call it inside a transaction, after checking that the user
// is an applicant with this case. Deleted rows are overwritten in the
// database file (secure_delete, see Open); Checkpoint then clears them out
// of the write-ahead log.
func (s *Store) EraseApplicant(ctx context.Context, applicantID, caseID string) (Erased, error) {
	var out Erased
	db := s.w.WithContext(ctx)
	// Hold the account and the case first: a note, sample or session being
	// added concurrently then waits and finds them gone, rather than
	// slipping in between the deletes and failing this erasure on its
	// foreign key (PostgreSQL; SQLite's single writer needs no lock).
	if err := s.lockRows(ctx, "SELECT id FROM users WHERE id = ?", applicantID); err != nil {
		return Erased{}, err
	}
	if err := s.lockRows(ctx, "SELECT id FROM cases WHERE id = ?", caseID); err != nil {
		return Erased{}, err
	}
	// Children before parents, as the foreign keys require.
	steps := []struct {
		what  string
		query string
		arg   string
		n     *int64
	}{
		{"delete notes", "DELETE FROM notes WHERE case_id = ?", caseID, &out.Notes},
		{"delete work samples", "DELETE FROM work_samples WHERE applicant_id = ?", applicantID, &out.WorkSamples},
		{"delete case", "DELETE FROM cases WHERE id = ?", caseID, nil},
		{"delete profile", "DELETE FROM profiles WHERE applicant_id = ?", applicantID, nil},
		{"delete user", "DELETE FROM users WHERE id = ?", applicantID, nil},
	}
	for _, st := range steps {
		res := db.Exec(st.query, st.arg)
		if res.Error != nil {
			return Erased{}, fmt.Errorf("%s: %w", st.what, res.Error)
		}
		if st.n != nil {
			*st.n = res.RowsAffected
		}
	}
	err := db.Exec("UPDATE audit_events SET changes = NULL WHERE changes IS NOT NULL AND (case_id = ? OR entity_id = ? OR actor_id = ?)",
		caseID, applicantID, applicantID).Error
	if err != nil {
		return Erased{}, fmt.Errorf("scrub audit events: %w", err)
	}
	return out, nil
}

// Checkpoint copies everything in SQLite's write-ahead log into the
// database file and truncates the log to zero bytes, so that rows deleted
// (and overwritten, with secure_delete) are no longer readable from the
// log either. It waits for readers (busy_timeout) and tries a few times;
// an error says the log could not be emptied now, and SQLite's automatic
// checkpoints will empty it later. Call it outside a transaction.
//
// On PostgreSQL it does nothing: the server has no such log to empty, and
// deleted rows stay in its files until VACUUM reuses their space (see
// docs/privacy.md).
func (s *Store) Checkpoint(ctx context.Context) error {
	if s.inTx {
		return fmt.Errorf("checkpoint inside a transaction")
	}
	if s.pg {
		return nil
	}
	var busy, logFrames, done int
	for range 3 {
		// The writer's own connection: it holds no read transaction between
		// batches, and nothing else writes while it is used here.
		err := s.wr.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done)
		if err != nil && err != sql.ErrNoRows {
			return fmt.Errorf("checkpoint: %w", err)
		}
		if busy == 0 {
			return nil
		}
	}
	return fmt.Errorf("checkpoint: readers kept the log busy (%d of %d frames copied)", done, logFrames)
}
